/**
 * Issue 26: ways into a group other than being added. The simulator keeps each group's invite code,
 * its private (V4) invites and its requests to join, and implements the page modules whatsapp-web.js
 * 1.34.7 calls for them (`WAWebMexFetchGroupInviteCodeJob`, `WAWebGroupQueryJob.queryGroupInvite` and
 * `resetGroupInviteCode`, `WAWebGroupInviteJob`, `WAWebGroupInviteV4Job`,
 * `WAWebApiMembershipApprovalRequestStore`, `WASmaxGroupsMembershipRequestsActionRPC`), proven by an
 * unmodified whatsapp-web.js: the joining account's session and phone get the group, the members'
 * phones and sessions see the join, the admins' sessions get `group_membership_request`.
 */
import { useSimulatorHarnesses } from '../helpers/use-simulator';
import { WwebjsHarness } from '../helpers/wwebjs';
import { until } from '../helpers/until';

const env = useSimulatorHarnesses('waweb-wwebjs-invites-', (sim, dir) => ({ harness: new WwebjsHarness(sim, dir) }));

interface WNotification {
  type: string;
  chatId: string;
  author: string;
  recipientIds: Array<{ _serialized: string }>;
}
interface WRequest {
  id: { _serialized: string };
  addedBy: { _serialized: string };
  requestMethod: string;
  t: number;
}
interface WRequestResult {
  requesterId: string;
  error?: number;
  message: string;
}
interface WGroupChat {
  isGroup: boolean;
  addParticipants(ids: string[], options?: { sleep?: number | null; comment?: string }): Promise<unknown>;
  name: string;
  participants: Array<{ id: { _serialized: string } }>;
  getInviteCode(): Promise<string>;
  revokeInvite(): Promise<string>;
  getGroupMembershipRequests(): Promise<WRequest[]>;
  rejectGroupMembershipRequests(options?: { requesterIds?: string[] | null; sleep?: number | null }): Promise<WRequestResult[]>;
}
interface WInviteV4 {
  inviteCode: string;
  inviteCodeExp: number;
  groupId: string;
  groupName: string;
  fromId: string;
  toId: string;
}
interface WMessage {
  type: string;
  body: string;
  inviteV4?: WInviteV4;
  acceptGroupV4Invite(): Promise<{ status: number }>;
}
interface WClient {
  on(event: string, fn: (...args: any[]) => void): void;
  createGroup(
    title: string,
    participants: string[],
    options?: Record<string, unknown>,
  ): Promise<{ gid: { _serialized: string }; participants: Record<string, { statusCode: number; isInviteV4Sent: boolean }> } | string>;
  getChatById(id: string): Promise<WGroupChat>;
  getInviteInfo(code: string): Promise<{ id: { _serialized: string }; subject: string; size: number; membershipApprovalMode: boolean }>;
  acceptInvite(code: string): Promise<string>;
  acceptGroupV4Invite(inviteV4: WInviteV4): Promise<{ status: number }>;
  getGroupMembershipRequests(groupId: string): Promise<WRequest[]>;
  approveGroupMembershipRequests(
    groupId: string,
    options: { requesterIds?: string[] | string | null; sleep?: number | null },
  ): Promise<WRequestResult[]>;
}

interface Member {
  client: WClient;
  events: Array<{ name: string; n: WNotification }>;
  messages: WMessage[];
}

async function member(number: string): Promise<Member> {
  const client = await env.harness.linked<WClient>(number);
  const events: Member['events'] = [];
  const messages: WMessage[] = [];
  for (const name of ['group_join', 'group_leave', 'group_update', 'group_membership_request'])
    client.on(name, (n: WNotification) => events.push({ name, n }));
  client.on('message', (m: WMessage) => messages.push(m));
  return { client, events, messages };
}

/** Waits for event `name` in `chatId`: its type, author and recipients. */
function seen(m: Member, name: string, chatId: string, author?: string): Promise<{ type: string; author: string; recipients: string[] }> {
  return until(() => {
    const n = m.events.find((e) => e.name === name && e.n.chatId === chatId && (!author || e.n.author === author))?.n;
    return n && { type: n.type, author: n.author, recipients: n.recipientIds.map((r) => r._serialized) };
  }, name);
}

async function createGroup(admin: Member, title: string, participants: string[], options?: Record<string, unknown>): Promise<string> {
  const created = await admin.client.createGroup(
    title,
    participants.map((n) => `${n}@c.us`),
    options,
  );
  if (typeof created === 'string') throw new Error(created);
  return created.gid._serialized;
}

test('invite codes: getInviteCode, getInviteInfo and acceptInvite join the group (group_join on the members, the group on the joiner); revokeInvite ends the old code', async () => {
  const [adminNo, joinerNo, phoneNo, latecomerNo] = ['15550002701', '15550002702', '15550002703', '15550002704'];
  env.sim.phone(phoneNo, { pushname: 'Carol' });
  const admin = await member(adminNo);
  const joiner = await member(joinerNo);
  const gid = await createGroup(admin, 'Open house', [phoneNo]);
  const group = await admin.client.getChatById(gid);

  const code = await group.getInviteCode();
  expect(code).toMatch(/^[A-Za-z0-9]{22}$/);
  expect(await group.getInviteCode()).toBe(code);
  // A member who is no admin gets no code.
  await expect(env.sim.phone(phoneNo).groupInviteCode(gid)).rejects.toMatchObject({ status: 403 });

  const info = await joiner.client.getInviteInfo(code);
  expect(info).toMatchObject({ id: { _serialized: gid }, subject: 'Open house', size: 2, membershipApprovalMode: false });

  expect(await joiner.client.acceptInvite(code)).toBe(gid);
  expect(await seen(admin, 'group_join', gid)).toEqual({ type: 'invite', author: `${joinerNo}@c.us`, recipients: [`${joinerNo}@c.us`] });
  const theirs = await until(async () => {
    const chat = await joiner.client.getChatById(gid).catch(() => undefined);
    return chat?.isGroup ? chat : undefined;
  }, 'the group on the joiner session');
  expect(theirs.name).toBe('Open house');
  expect(
    env.sim
      .phone(joinerNo)
      .group(gid)
      ?.participants.map((p) => p.id),
  ).toContain(`${joinerNo}@c.us`);
  const carol = env.sim.phone(phoneNo);
  expect(carol.group(gid)?.participants.map((p) => p.id)).toContain(`${joinerNo}@c.us`);
  expect(carol.receivedMessages().some((m) => m.type === 'gp2' && m.subtype === 'invite' && m.chatId === gid)).toBe(true);

  const fresh = await group.revokeInvite();
  expect(fresh).toMatch(/^[A-Za-z0-9]{22}$/);
  expect(fresh).not.toBe(code);
  expect(await group.getInviteCode()).toBe(fresh);
  // The old code leads nowhere, from a session or from a phone.
  await expect(joiner.client.getInviteInfo(code)).rejects.toThrow();
  const latecomer = env.sim.phone(latecomerNo, { pushname: 'Late' });
  await expect(latecomer.joinGroupByCode(code)).rejects.toMatchObject({ status: 404 });
  expect(await latecomer.joinGroupByCode(fresh)).toEqual({ groupId: gid, pending: false });
  expect((await seen(joiner, 'group_join', gid, `${latecomerNo}@c.us`)).type).toBe('invite');
});

test('membership approval: acceptInvite asks to join (group_membership_request on the admin); get, approve and reject the requests from the client and the GroupChat', async () => {
  const [adminNo, askerNo, phoneNo, otherNo] = ['15550002711', '15550002712', '15550002713', '15550002714'];
  const carol = env.sim.phone(phoneNo, { pushname: 'Carol' });
  env.sim.phone(otherNo, { pushname: 'Dave' });
  const admin = await member(adminNo);
  const asker = await member(askerNo);
  const gid = await createGroup(admin, 'Vetted', [], { membershipApprovalMode: true });
  const group = await admin.client.getChatById(gid);
  const code = await group.getInviteCode();
  expect((await asker.client.getInviteInfo(code)).membershipApprovalMode).toBe(true);

  // Asking is not joining.
  expect(await asker.client.acceptInvite(code)).toBe(gid);
  expect(await seen(admin, 'group_membership_request', gid)).toEqual({
    type: 'membership_approval_request',
    author: `${askerNo}@c.us`,
    recipients: [],
  });
  expect(env.sim.phone(askerNo).group(gid)).toBeUndefined();
  expect(await carol.joinGroupByCode(code)).toEqual({ groupId: gid, pending: true });
  await seen(admin, 'group_membership_request', gid, `${phoneNo}@c.us`);
  expect(await env.sim.phone(otherNo).joinGroupByCode(code)).toEqual({ groupId: gid, pending: true });
  await seen(admin, 'group_membership_request', gid, `${otherNo}@c.us`);

  const requests = await admin.client.getGroupMembershipRequests(gid);
  expect(requests.map((r) => r.id._serialized)).toEqual([askerNo, phoneNo, otherNo].map((n) => `${n}@c.us`));
  expect(requests[0]).toMatchObject({ addedBy: { _serialized: `${askerNo}@c.us` }, requestMethod: 'InviteLink' });
  expect((await group.getGroupMembershipRequests()).length).toBe(3);
  expect(
    env.sim
      .phone(adminNo)
      .groupJoinRequests(gid)
      .map((r) => r.id),
  ).toEqual([askerNo, phoneNo, otherNo].map((n) => `${n}@c.us`));

  // One id as a string, as example.js passes it.
  expect(await admin.client.approveGroupMembershipRequests(gid, { requesterIds: `${askerNo}@c.us`, sleep: null })).toEqual([
    { requesterId: `${askerNo}@c.us`, message: 'Approved successfully' },
  ]);
  expect(await seen(asker, 'group_join', gid)).toMatchObject({ type: 'add', author: `${adminNo}@c.us`, recipients: [`${askerNo}@c.us`] });
  expect(
    env.sim
      .phone(askerNo)
      .group(gid)
      ?.participants.map((p) => p.id),
  ).toContain(`${askerNo}@c.us`);
  // No request left for the asker.
  expect(await admin.client.approveGroupMembershipRequests(gid, { requesterIds: [`${askerNo}@c.us`], sleep: null })).toEqual([
    { requesterId: `${askerNo}@c.us`, error: 404, message: 'ParticipantRequestNotFoundError' },
  ]);

  // Without options (as example.js): every request left, whatsapp-web.js's default sleep apart.
  const rejected = await (await admin.client.getChatById(gid)).rejectGroupMembershipRequests();
  expect(rejected).toEqual([
    { requesterId: `${phoneNo}@c.us`, message: 'Rejected successfully' },
    { requesterId: `${otherNo}@c.us`, message: 'Rejected successfully' },
  ]);
  expect(carol.group(gid)).toBeUndefined();
  expect(env.sim.phone(adminNo).groupJoinRequests(gid)).toEqual([]);
  expect(await admin.client.getGroupMembershipRequests(gid)).toEqual([]);

  // Approval off (from the admin's phone): a link joins at once again.
  await env.sim.phone(adminNo).setGroupSetting(gid, 'membershipApproval', false);
  expect(await carol.joinGroupByCode(code)).toEqual({ groupId: gid, pending: false });
  await seen(asker, 'group_join', gid, `${phoneNo}@c.us`);
});

test('V4 invites: an admin phone sends groups_v4_invite; message.acceptGroupV4Invite() and client.acceptGroupV4Invite() join; a used invite is refused', async () => {
  const [phoneNo, memberNo, inviteeNo, secondNo] = ['15550002721', '15550002722', '15550002723', '15550002724'];
  const carol = env.sim.phone(phoneNo, { pushname: 'Carol' });
  const other = await member(memberNo);
  const invitee = await member(inviteeNo);
  const second = await member(secondNo);
  const group = await carol.createGroup('Private club', [memberNo], { membershipApproval: true });

  await carol.sendGroupInvite(group.id, inviteeNo, 'come in');
  const msg = await until(() => invitee.messages.find((m) => m.type === 'groups_v4_invite'), 'the V4 invite');
  expect(msg.body).toBe('come in');
  expect(msg.inviteV4).toMatchObject({
    groupId: group.id,
    groupName: 'Private club',
    fromId: `${phoneNo}@c.us`,
    toId: `${inviteeNo}@c.us`,
  });
  expect(msg.inviteV4?.inviteCodeExp).toBeGreaterThan(Date.now() / 1000);

  // Approval is for links: a private invite from an admin joins at once.
  expect(await msg.acceptGroupV4Invite()).toEqual({ status: 200 });
  expect(await seen(other, 'group_join', group.id)).toMatchObject({ type: 'invite', recipients: [`${inviteeNo}@c.us`] });
  expect(carol.group(group.id)?.participants.map((p) => p.id)).toContain(`${inviteeNo}@c.us`);
  await until(async () => {
    const chat = await invitee.client.getChatById(group.id).catch(() => undefined);
    return chat?.isGroup ? chat : undefined;
  }, 'the group on the invitee session');

  await carol.sendGroupInvite(group.id, secondNo);
  const info = await until(() => second.messages.find((m) => m.type === 'groups_v4_invite')?.inviteV4, 'the second V4 invite');
  expect(await second.client.acceptGroupV4Invite(info)).toEqual({ status: 200 });
  await seen(other, 'group_join', group.id, `${secondNo}@c.us`);
  // An invite is good once, and only for whom it was sent to.
  await env.sim.phone(secondNo).leaveGroup(group.id);
  await expect(second.client.acceptGroupV4Invite(info)).rejects.toThrow();
  await expect(invitee.client.acceptGroupV4Invite({ ...info, toId: `${inviteeNo}@c.us` })).rejects.toThrow();
  expect(carol.group(group.id)?.participants.map((p) => p.id)).not.toContain(`${secondNo}@c.us`);
});

test('a refused add sends a private invite instead (createGroup and addParticipants: isInviteV4Sent); the user joins by it', async () => {
  const [adminNo, shyNo, shierNo] = ['15550002731', '15550002732', '15550002733'];
  const admin = await member(adminNo);
  const shy = await member(shyNo);
  const shier = await member(shierNo);
  await env.sim.phone(shyNo).setGroupAddPrivacy('none');
  await env.sim.phone(shierNo).setGroupAddPrivacy('none');

  const created = await admin.client.createGroup('Shy club', [`${shyNo}@c.us`], { comment: 'please join' });
  if (typeof created === 'string') throw new Error(created);
  const gid = created.gid._serialized;
  expect(created.participants[`${shyNo}@c.us`]).toMatchObject({ statusCode: 403, isInviteV4Sent: true });
  const invite = await until(() => shy.messages.find((m) => m.type === 'groups_v4_invite'), 'the invite after createGroup');
  expect(invite.body).toBe('please join');
  expect(invite.inviteV4).toMatchObject({ groupId: gid, groupName: 'Shy club', fromId: `${adminNo}@c.us` });
  expect(
    env.sim
      .phone(adminNo)
      .sentMessages()
      .some((m) => m.type === 'groups_v4_invite' && m.to === `${shyNo}@c.us`),
  ).toBe(true);
  expect(await invite.acceptGroupV4Invite()).toEqual({ status: 200 });
  expect((await seen(admin, 'group_join', gid)).recipients).toEqual([`${shyNo}@c.us`]);

  const group = await admin.client.getChatById(gid);
  const added = (await group.addParticipants([`${shierNo}@c.us`], { sleep: null, comment: 'you too' })) as Record<
    string,
    { code: number; isInviteV4Sent: boolean }
  >;
  expect(added[`${shierNo}@c.us`]).toMatchObject({ code: 403, isInviteV4Sent: true });
  const second = await until(() => shier.messages.find((m) => m.type === 'groups_v4_invite'), 'the invite after addParticipants');
  expect(second.body).toBe('you too');
  expect(await shier.client.acceptGroupV4Invite(second.inviteV4 as WInviteV4)).toEqual({ status: 200 });
  await seen(admin, 'group_join', gid, `${shierNo}@c.us`);
  expect(
    env.sim
      .phone(adminNo)
      .group(gid)
      ?.participants.map((p) => p.id),
  ).toEqual(expect.arrayContaining([`${shyNo}@c.us`, `${shierNo}@c.us`]));
});
