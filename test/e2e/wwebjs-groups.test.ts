/**
 * Issue 26: one group, seen by every member. The simulator keeps a group once (not per account) and
 * implements the page modules whatsapp-web.js 1.34.7 calls to administer it (`WAWebGroupCreateJob`,
 * `WAWebGroupModifyInfoJob`, `WAWebSetPropertyGroupAction`, `WAWebModifyParticipantsGroupAction`,
 * `WASmaxGroupsAddParticipantsRPC`, `WAWebExitGroupAction`, `WAWebGroupQueryJob`), proven by an
 * unmodified whatsapp-web.js: the other members' phones and a second whatsapp-web.js session of
 * another member see every change and get their `group_*` events.
 */
import { useSimulatorHarnesses } from '../helpers/use-simulator';
import { WwebjsHarness } from '../helpers/wwebjs';
import { until, untilTrue } from '../helpers/until';

const env = useSimulatorHarnesses('waweb-wwebjs-groups-', (sim, dir) => ({ harness: new WwebjsHarness(sim, dir) }));

interface WNotification {
  type: string;
  chatId: string;
  author: string;
  /** Wids as the app serializes them (whatsapp-web.js passes them on as they are). */
  recipientIds: Array<{ _serialized: string }>;
  body: string;
}
interface WGroupChat {
  id: { _serialized: string };
  name: string;
  isGroup: boolean;
  description: string;
  participants: Array<{ id: { _serialized: string }; isAdmin: boolean; isSuperAdmin: boolean }>;
  groupMetadata: { announce: boolean; restrict: boolean; memberAddMode: string };
  addParticipants(ids: string | string[], options?: { sleep?: number | null }): Promise<Record<string, { code: number }> | string>;
  removeParticipants(ids: string[]): Promise<{ status: number }>;
  promoteParticipants(ids: string[]): Promise<{ status: number }>;
  demoteParticipants(ids: string[]): Promise<{ status: number }>;
  setSubject(subject: string): Promise<boolean>;
  setDescription(description: string): Promise<boolean>;
  setMessagesAdminsOnly(adminsOnly?: boolean): Promise<boolean>;
  setInfoAdminsOnly(adminsOnly?: boolean): Promise<boolean>;
  setAddMembersAdminsOnly(adminsOnly?: boolean): Promise<boolean>;
  sendMessage(text: string): Promise<{ id: { _serialized: string } }>;
  setPicture(media: { mimetype: string; data: string }): Promise<boolean>;
  leave(): Promise<void>;
}
interface WClient {
  on(event: string, fn: (...args: any[]) => void): void;
  createGroup(
    title: string,
    participants: string[],
    options?: Record<string, unknown>,
  ): Promise<{ gid: { _serialized: string }; participants: Record<string, { statusCode: number }> } | string>;
  getChatById(id: string): Promise<WGroupChat>;
}

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFElEQVR4nGP4z8DAAMIM/////w8AH+4F+7C4l8kAAAAASUVORK5CYII=';

/** A linked whatsapp-web.js client with the group events (and group messages) it got. */
async function member(
  number: string,
): Promise<{ client: WClient; events: Array<{ name: string; n: WNotification }>; texts: string[]; acks: Map<string, number> }> {
  const client = await env.harness.linked<WClient>(number);
  const events: Array<{ name: string; n: WNotification }> = [];
  const texts: string[] = [];
  const acks = new Map<string, number>();
  client.on('message_ack', (m: { id: { _serialized: string } }, ack: number) => acks.set(m.id._serialized, ack));
  for (const name of ['group_join', 'group_leave', 'group_admin_changed', 'group_update'])
    client.on(name, (n: WNotification) => events.push({ name, n }));
  client.on('message', (m: { body: string; author?: string; from: string }) => texts.push(`${m.from} ${m.author ?? ''} ${m.body}`));
  return { client, events, texts, acks };
}

/** Waits for event `name` of type `type` in `chatId` (by `author`, when given): its author and recipients. */
function seen(
  m: { events: Array<{ name: string; n: WNotification }> },
  name: string,
  type: string,
  chatId: string,
  author?: string,
): Promise<{ author: string; recipients: string[] }> {
  return until(() => {
    const n = m.events.find((e) => e.name === name && e.n.type === type && e.n.chatId === chatId && (!author || e.n.author === author))?.n;
    return n && { author: n.author, recipients: n.recipientIds.map((r) => r._serialized) };
  }, `${name} ${type}`);
}

test('createGroup() makes one group every member sees; subject, description and settings reach the phones and the other session with group_update', async () => {
  const [adminNo, memberNo, phoneNo, strangerNo] = ['15550002601', '15550002602', '15550002603', '15557772604'];
  env.sim.phone(phoneNo, { pushname: 'Carol' });
  const admin = await member(adminNo);
  const other = await member(memberNo);

  const created = await admin.client.createGroup('Team', [`${memberNo}@c.us`, `${phoneNo}@c.us`, `${strangerNo}@c.us`]);
  if (typeof created === 'string') throw new Error(created);
  const gid = created.gid._serialized;
  expect(created.participants[`${memberNo}@c.us`]?.statusCode).toBe(200);
  expect(created.participants[`${phoneNo}@c.us`]?.statusCode).toBe(200);
  // Not on WhatsApp.
  expect(created.participants[`${strangerNo}@c.us`]?.statusCode).toBe(404);

  // The other members' phones and the other member's session have the same group.
  const carol = env.sim.phone(phoneNo);
  expect(carol.group(gid)?.subject).toBe('Team');
  expect(
    env.sim
      .phone(memberNo)
      .groups()
      .map((g) => g.id),
  ).toEqual([gid]);
  const theirs = await until(async () => {
    const chat = await other.client.getChatById(gid).catch(() => undefined);
    return chat?.isGroup ? chat : undefined;
  }, 'the group on the other session');
  expect(theirs.participants.map((p) => p.id._serialized).sort()).toEqual([adminNo, memberNo, phoneNo].map((n) => `${n}@c.us`).sort());

  const group = await admin.client.getChatById(gid);
  expect(await group.setSubject('Team 2')).toBe(true);
  expect((await seen(other, 'group_update', 'subject', gid)).author).toBe(`${adminNo}@c.us`);
  expect(carol.group(gid)?.subject).toBe('Team 2');
  expect(carol.receivedMessages().some((m) => m.type === 'gp2' && m.subtype === 'subject' && m.chatId === gid)).toBe(true);
  expect((await other.client.getChatById(gid)).name).toBe('Team 2');

  expect(await group.setDescription('What we do')).toBe(true);
  await seen(other, 'group_update', 'description', gid);
  expect(carol.group(gid)?.desc).toBe('What we do');
  expect((await other.client.getChatById(gid)).description).toBe('What we do');

  expect(await group.setMessagesAdminsOnly(true)).toBe(true);
  await seen(other, 'group_update', 'announce', gid);
  expect(await group.setAddMembersAdminsOnly(true)).toBe(true);
  await seen(other, 'group_update', 'member_add_mode', gid);
  expect(await group.setInfoAdminsOnly(true)).toBe(true);
  await seen(other, 'group_update', 'restrict', gid);
  expect(carol.group(gid)).toMatchObject({ announce: true, restrict: true, memberAddMode: 'admin_add' });
  expect((await other.client.getChatById(gid)).groupMetadata).toMatchObject({ announce: true, restrict: true, memberAddMode: 'admin_add' });
  expect(await group.setPicture({ mimetype: 'image/png', data: PNG })).toBe(true);
  await seen(other, 'group_update', 'picture', gid);
  expect(carol.receivedMessages().some((m) => m.subtype === 'picture' && m.chatId === gid)).toBe(true);

  // A member who is no admin: the servers refuse what the settings keep for admins.
  const theirGroup = await other.client.getChatById(gid);
  expect(await theirGroup.setSubject('Mine now')).toBe(false);
  expect(await theirGroup.setMessagesAdminsOnly(false)).toBe(false);
  expect(carol.group(gid)).toMatchObject({ subject: 'Team 2', announce: true });
  // The phone is refused alike.
  await expect(carol.setGroupSubject(gid, 'Carol was here')).rejects.toMatchObject({ status: 403 });

  // Info open to all again: a member changes the subject, the admin's session sees it.
  expect(await group.setInfoAdminsOnly(false)).toBe(true);
  expect(await theirGroup.setSubject('Ours')).toBe(true);
  await seen(admin, 'group_update', 'subject', gid, `${memberNo}@c.us`);
});

test('participants: add (200, 403, 409), promote, demote, remove and leave reach every member with group_join, group_admin_changed and group_leave; texts reach every member', async () => {
  const [adminNo, memberNo, phoneNo, addedNo, privateNo] = ['15550002611', '15550002612', '15550002613', '15557772614', '15557772615'];
  env.sim.phone(phoneNo, { pushname: 'Carol' });
  await env.sim.registerNumber(addedNo);
  await env.sim.phone(privateNo, { pushname: 'Private' }).setGroupAddPrivacy('none');
  const admin = await member(adminNo);
  const other = await member(memberNo);
  const carol = env.sim.phone(phoneNo);

  const created = await admin.client.createGroup('Crew', [`${memberNo}@c.us`, `${phoneNo}@c.us`]);
  if (typeof created === 'string') throw new Error(created);
  const gid = created.gid._serialized;
  const group = await admin.client.getChatById(gid);

  const added = await group.addParticipants([`${addedNo}@c.us`, `${privateNo}@c.us`, `${phoneNo}@c.us`], { sleep: null });
  if (typeof added === 'string') throw new Error(added);
  expect(added[`${addedNo}@c.us`]?.code).toBe(200);
  expect(added[`${privateNo}@c.us`]?.code).toBe(403);
  expect(added[`${phoneNo}@c.us`]?.code).toBe(409);
  const join = await seen(other, 'group_join', 'add', gid);
  expect(join).toMatchObject({ author: `${adminNo}@c.us`, recipients: [`${addedNo}@c.us`] });
  expect(carol.group(gid)?.participants.map((p) => p.id)).toContain(`${addedNo}@c.us`);
  expect(carol.receivedMessages().some((m) => m.subtype === 'add' && m.recipients?.includes(`${addedNo}@c.us`))).toBe(true);

  expect(await group.promoteParticipants([`${memberNo}@c.us`])).toEqual({ status: 200 });
  expect((await seen(other, 'group_admin_changed', 'promote', gid)).recipients).toEqual([`${memberNo}@c.us`]);
  expect(carol.group(gid)?.participants.find((p) => p.id === `${memberNo}@c.us`)?.isAdmin).toBe(true);
  // Now an admin, the other member administers from its own session.
  const theirGroup = await other.client.getChatById(gid);
  expect(await theirGroup.setMessagesAdminsOnly(true)).toBe(true);
  await seen(admin, 'group_update', 'announce', gid);
  expect(await group.demoteParticipants([`${memberNo}@c.us`])).toEqual({ status: 200 });
  await seen(other, 'group_admin_changed', 'demote', gid);
  expect(carol.group(gid)?.participants.find((p) => p.id === `${memberNo}@c.us`)?.isAdmin).toBe(false);
  // Only admins write now: the servers refuse the demoted member's message (ack -1) and nobody gets it.
  const refused = await theirGroup.sendMessage('not allowed');
  await until(() => (other.acks.get(refused.id._serialized) === -1 ? true : undefined), 'the refusal (ack -1)');
  await expect(carol.sendGroupText(gid, 'nor from a phone')).rejects.toMatchObject({ status: 403 });

  expect(await group.removeParticipants([`${addedNo}@c.us`])).toEqual({ status: 200 });
  expect((await seen(other, 'group_leave', 'remove', gid)).recipients).toEqual([`${addedNo}@c.us`]);
  expect(carol.group(gid)?.participants.map((p) => p.id)).not.toContain(`${addedNo}@c.us`);

  // A text from a phone reaches both sessions; one from a session reaches the phones and the other session.
  expect(await group.setMessagesAdminsOnly(false)).toBe(true);
  await carol.sendGroupText(gid, 'hello from Carol');
  await until(() => admin.texts.find((t) => t === `${gid} ${phoneNo}@c.us hello from Carol`), 'the phone text on the admin session');
  await until(() => other.texts.find((t) => t === `${gid} ${phoneNo}@c.us hello from Carol`), 'the phone text on the other session');
  await theirGroup.sendMessage('hello from a session');
  await until(() => admin.texts.find((t) => t === `${gid} ${memberNo}@c.us hello from a session`), 'the session text on the admin session');
  await untilTrue(
    () => carol.receivedMessages().some((m) => m.body === 'hello from a session' && m.author === `${memberNo}@c.us`),
    'the session text on the phone',
  );
  expect(carol.receivedMessages().some((m) => m.body === 'not allowed')).toBe(false);

  await (await other.client.getChatById(gid)).leave();
  expect(await seen(admin, 'group_leave', 'leave', gid)).toMatchObject({ author: `${memberNo}@c.us`, recipients: [`${memberNo}@c.us`] });
  await seen(other, 'group_leave', 'leave', gid);
  expect(env.sim.phone(memberNo).groups()).toEqual([]);
  expect(
    carol
      .group(gid)
      ?.participants.map((p) => p.id)
      .sort(),
  ).toEqual([`${adminNo}@c.us`, `${phoneNo}@c.us`]);
});
