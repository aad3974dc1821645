/**
 * Issue 26: ways into a group through waweb's Client, the scenarios test/e2e/wwebjs-group-invites.test.ts
 * runs with an unmodified whatsapp-web.js: invite codes (get, revoke, info, accept), membership
 * requests (`group_membership_request`, get, approve, reject) and V4 invites (`message.inviteV4`,
 * `message.acceptGroupV4Invite()`, `client.acceptGroupV4Invite()`), with the same results and the
 * phones seeing the same effects.
 */
import { GroupChat, InvalidOptionError, MessageTypes, NoAuth, type Client, type GroupNotification, type Message } from '../../src/index';
import { ClientHarness } from '../helpers/client';
import { useSimulatorHarnesses } from '../helpers/use-simulator';
import { until } from '../helpers/until';

const env = useSimulatorHarnesses('waweb-client-invites-', (sim, dir) => ({ h: new ClientHarness(sim, dir) }));

type GroupEvent = 'group_join' | 'group_leave' | 'group_update' | 'group_membership_request';

interface Member {
  client: Client;
  events: Array<{ name: GroupEvent; n: GroupNotification }>;
  messages: Message[];
}

async function member(number: string): Promise<Member> {
  const c = env.h.create({ scanAs: number, options: { authStrategy: new NoAuth() } });
  await c.client.initialize();
  await c.until('ready');
  const events: Member['events'] = [];
  const messages: Message[] = [];
  for (const name of ['group_join', 'group_leave', 'group_update', 'group_membership_request'] as const)
    c.client.on(name, (n) => events.push({ name, n }));
  c.client.on('message', (m) => messages.push(m));
  return { client: c.client, events, messages };
}

function seen(
  m: Member,
  name: GroupEvent,
  chatId: string,
  author?: string,
): Promise<{ type: string; author: string; recipients: string[] }> {
  return until(() => {
    const n = m.events.find((e) => e.name === name && e.n.chatId === chatId && (!author || e.n.author === author))?.n;
    return n && { type: String(n.type), author: n.author, recipients: n.recipientIds };
  }, name);
}

async function groupChat(client: Client, id: string): Promise<GroupChat> {
  const chat = await client.getChatById(id);
  if (!(chat instanceof GroupChat)) throw new Error(`${id} is no group chat`);
  return chat;
}

async function createGroup(admin: Member, title: string, participants: string[], options = {}): Promise<string> {
  const created = await admin.client.createGroup(
    title,
    participants.map((n) => `${n}@c.us`),
    options,
  );
  if (typeof created === 'string') throw new Error(created);
  return created.gid._serialized;
}

test('invite codes: getInviteCode, getInviteInfo and acceptInvite join the group (group_join on the members, the group on the joiner); revokeInvite ends the old code', async () => {
  const [adminNo, joinerNo, phoneNo, latecomerNo] = ['15553002701', '15553002702', '15553002703', '15553002704'];
  env.sim.phone(phoneNo, { pushname: 'Carol' });
  const admin = await member(adminNo);
  const joiner = await member(joinerNo);
  const gid = await createGroup(admin, 'Open house', [phoneNo]);
  const group = await groupChat(admin.client, gid);

  const code = await group.getInviteCode();
  expect(code).toMatch(/^[A-Za-z0-9]{22}$/);
  expect(await group.getInviteCode()).toBe(code);
  if (code === undefined) throw new Error('no code');

  const info = await joiner.client.getInviteInfo(code);
  expect(info).toMatchObject({ id: { _serialized: gid }, subject: 'Open house', size: 2, membershipApprovalMode: false });
  await expect(joiner.client.getInviteInfo('')).rejects.toBeInstanceOf(InvalidOptionError);

  expect(await joiner.client.acceptInvite(code)).toBe(gid);
  expect(await seen(admin, 'group_join', gid)).toEqual({ type: 'invite', author: `${joinerNo}@c.us`, recipients: [`${joinerNo}@c.us`] });
  const theirs = await until(() => groupChat(joiner.client, gid).catch(() => undefined), 'the group on the joiner session');
  expect(theirs.name).toBe('Open house');
  // A member who is no admin gets no code, as whatsapp-web.js answers it.
  expect(await theirs.getInviteCode()).toBeUndefined();
  expect(
    env.sim
      .phone(joinerNo)
      .group(gid)
      ?.participants.map((p) => p.id),
  ).toContain(`${joinerNo}@c.us`);
  const carol = env.sim.phone(phoneNo);
  expect(carol.group(gid)?.participants.map((p) => p.id)).toContain(`${joinerNo}@c.us`);
  expect(carol.receivedMessages().some((m) => m.type === 'gp2' && m.subtype === 'invite' && m.chatId === gid)).toBe(true);

  // Declared `void` (as in whatsapp-web.js); the new code at run time.
  const fresh = (await group.revokeInvite()) as unknown as string;
  expect(fresh).toMatch(/^[A-Za-z0-9]{22}$/);
  expect(fresh).not.toBe(code);
  expect(await group.getInviteCode()).toBe(fresh);
  await expect(joiner.client.getInviteInfo(code)).rejects.toThrow();
  const latecomer = env.sim.phone(latecomerNo, { pushname: 'Late' });
  await expect(latecomer.joinGroupByCode(code)).rejects.toMatchObject({ status: 404 });
  expect(await latecomer.joinGroupByCode(fresh)).toEqual({ groupId: gid, pending: false });
  expect((await seen(joiner, 'group_join', gid, `${latecomerNo}@c.us`)).type).toBe('invite');
});

test('membership approval: acceptInvite asks to join (group_membership_request on the admin); get, approve and reject the requests from the client and the GroupChat', async () => {
  const [adminNo, askerNo, phoneNo, otherNo] = ['15553002711', '15553002712', '15553002713', '15553002714'];
  const carol = env.sim.phone(phoneNo, { pushname: 'Carol' });
  env.sim.phone(otherNo, { pushname: 'Dave' });
  const admin = await member(adminNo);
  const asker = await member(askerNo);
  const gid = await createGroup(admin, 'Vetted', [], { membershipApprovalMode: true });
  const group = await groupChat(admin.client, gid);
  const code = await group.getInviteCode();
  if (code === undefined) throw new Error('no code');
  expect(await asker.client.getInviteInfo(code)).toMatchObject({ membershipApprovalMode: true });

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
  expect(requests.map((r) => (r.id as { _serialized: string })._serialized)).toEqual([askerNo, phoneNo, otherNo].map((n) => `${n}@c.us`));
  expect(requests[0]).toMatchObject({ addedBy: { _serialized: `${askerNo}@c.us` }, requestMethod: 'InviteLink', parentGroupId: null });
  expect((await group.getGroupMembershipRequests()).length).toBe(3);

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
  expect(await admin.client.approveGroupMembershipRequests(gid, { requesterIds: [`${askerNo}@c.us`], sleep: null })).toEqual([
    { requesterId: `${askerNo}@c.us`, error: 404, message: 'ParticipantRequestNotFoundError' },
  ]);

  // Without options (as example.js): every request left, whatsapp-web.js's default sleep apart.
  const rejected = await (await groupChat(admin.client, gid)).rejectGroupMembershipRequests();
  expect(rejected).toEqual([
    { requesterId: `${phoneNo}@c.us`, message: 'Rejected successfully' },
    { requesterId: `${otherNo}@c.us`, message: 'Rejected successfully' },
  ]);
  expect(carol.group(gid)).toBeUndefined();
  expect(env.sim.phone(adminNo).groupJoinRequests(gid)).toEqual([]);
  expect(await admin.client.getGroupMembershipRequests(gid)).toEqual([]);

  await env.sim.phone(adminNo).setGroupSetting(gid, 'membershipApproval', false);
  expect(await carol.joinGroupByCode(code)).toEqual({ groupId: gid, pending: false });
  await seen(asker, 'group_join', gid, `${phoneNo}@c.us`);
});

test('V4 invites: an admin phone sends groups_v4_invite; message.acceptGroupV4Invite() and client.acceptGroupV4Invite() join; a used invite is refused', async () => {
  const [phoneNo, memberNo, inviteeNo, secondNo] = ['15553002721', '15553002722', '15553002723', '15553002724'];
  const carol = env.sim.phone(phoneNo, { pushname: 'Carol' });
  const other = await member(memberNo);
  const invitee = await member(inviteeNo);
  const second = await member(secondNo);
  const group = await carol.createGroup('Private club', [memberNo], { membershipApproval: true });

  await carol.sendGroupInvite(group.id, inviteeNo, 'come in');
  const msg = await until(() => invitee.messages.find((m) => m.type === MessageTypes.GROUP_INVITE), 'the V4 invite');
  expect(msg.body).toBe('come in');
  expect(msg.inviteV4).toMatchObject({
    groupId: group.id,
    groupName: 'Private club',
    fromId: `${phoneNo}@c.us`,
    toId: `${inviteeNo}@c.us`,
  });
  expect(msg.inviteV4?.inviteCodeExp).toBeGreaterThan(Date.now() / 1000);

  expect(await msg.acceptGroupV4Invite()).toEqual({ status: 200 });
  expect(await seen(other, 'group_join', group.id)).toMatchObject({ type: 'invite', recipients: [`${inviteeNo}@c.us`] });
  expect(carol.group(group.id)?.participants.map((p) => p.id)).toContain(`${inviteeNo}@c.us`);
  await until(() => groupChat(invitee.client, group.id).catch(() => undefined), 'the group on the invitee session');

  await carol.sendGroupInvite(group.id, secondNo);
  const info = await until(() => second.messages.find((m) => m.type === MessageTypes.GROUP_INVITE)?.inviteV4, 'the second V4 invite');
  expect(await second.client.acceptGroupV4Invite(info)).toEqual({ status: 200 });
  await seen(other, 'group_join', group.id, `${secondNo}@c.us`);
  await env.sim.phone(secondNo).leaveGroup(group.id);
  await expect(second.client.acceptGroupV4Invite(info)).rejects.toThrow();
  await expect(invitee.client.acceptGroupV4Invite({ ...info, toId: `${inviteeNo}@c.us` })).rejects.toThrow();
  expect(carol.group(group.id)?.participants.map((p) => p.id)).not.toContain(`${secondNo}@c.us`);
  // whatsapp-web.js refuses these before asking the app.
  await expect(second.client.acceptGroupV4Invite({ ...info, inviteCode: '' })).rejects.toBeInstanceOf(InvalidOptionError);
  await expect(second.client.acceptGroupV4Invite({ ...info, inviteCodeExp: 0 })).rejects.toBeInstanceOf(InvalidOptionError);
  // A message that is no invite has none to accept.
  await env.sim.phone(secondNo).receiveText(phoneNo, 'just text');
  const text = await until(() => second.messages.find((m) => m.body === 'just text'), 'the text');
  expect(text.inviteV4).toBeUndefined();
  await expect(text.acceptGroupV4Invite()).rejects.toBeInstanceOf(InvalidOptionError);
});

test('a refused add sends a private invite instead (createGroup and addParticipants: isInviteV4Sent); the user joins by it', async () => {
  const [adminNo, shyNo, shierNo] = ['15553002731', '15553002732', '15553002733'];
  const admin = await member(adminNo);
  const shy = await member(shyNo);
  const shier = await member(shierNo);
  await env.sim.phone(shyNo).setGroupAddPrivacy('none');
  await env.sim.phone(shierNo).setGroupAddPrivacy('none');

  const created = await admin.client.createGroup('Shy club', [`${shyNo}@c.us`], { comment: 'please join' });
  if (typeof created === 'string') throw new Error(created);
  const gid = created.gid._serialized;
  expect(created.participants[`${shyNo}@c.us`]).toMatchObject({ statusCode: 403, isInviteV4Sent: true });
  const invite = await until(() => shy.messages.find((m) => m.type === MessageTypes.GROUP_INVITE), 'the invite after createGroup');
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

  const group = await groupChat(admin.client, gid);
  const added = await group.addParticipants([`${shierNo}@c.us`], { sleep: 0, comment: 'you too' });
  if (typeof added === 'string') throw new Error(added);
  expect(added[`${shierNo}@c.us`]).toMatchObject({ code: 403, isInviteV4Sent: true });
  const second = await until(() => shier.messages.find((m) => m.type === MessageTypes.GROUP_INVITE), 'the invite after addParticipants');
  expect(second.body).toBe('you too');
  if (!second.inviteV4) throw new Error('no inviteV4');
  expect(await shier.client.acceptGroupV4Invite(second.inviteV4)).toEqual({ status: 200 });
  await seen(admin, 'group_join', gid, `${shierNo}@c.us`);
  expect(
    env.sim
      .phone(adminNo)
      .group(gid)
      ?.participants.map((p) => p.id),
  ).toEqual(expect.arrayContaining([`${shyNo}@c.us`, `${shierNo}@c.us`]));

  // Without autoSendInviteV4 nothing is sent.
  const third = '15553002734';
  await env.sim.phone(third, { pushname: 'Third' }).setGroupAddPrivacy('none');
  const quiet = await group.addParticipants([`${third}@c.us`], { autoSendInviteV4: false });
  if (typeof quiet === 'string') throw new Error(quiet);
  expect(quiet[`${third}@c.us`]).toMatchObject({ code: 403, isInviteV4Sent: false });
  expect(
    env.sim
      .phone(adminNo)
      .sentMessages()
      .filter((m) => m.type === 'groups_v4_invite'),
  ).toHaveLength(2);
});
