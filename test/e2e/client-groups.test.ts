/**
 * Issue 26: group administration through waweb's Client, the scenarios test/e2e/wwebjs-groups.test.ts
 * runs with an unmodified whatsapp-web.js: `createGroup`, the subject, description and admin-only
 * settings, adding, promoting, demoting and removing participants, leaving. The other members' phones
 * and another member's waweb session see each change, with group events shaped as whatsapp-web.js's.
 */
import { GroupChat, GroupNotification, MessageMedia, NoAuth, type Client } from '../../src/index';
import { ClientHarness } from '../helpers/client';
import { useSimulatorHarnesses } from '../helpers/use-simulator';
import { until, untilTrue } from '../helpers/until';

const env = useSimulatorHarnesses('waweb-client-groups-', (sim, dir) => ({ h: new ClientHarness(sim, dir) }));

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFElEQVR4nGP4z8DAAMIM/////w8AH+4F+7C4l8kAAAAASUVORK5CYII=';

type GroupEvent = 'group_join' | 'group_leave' | 'group_admin_changed' | 'group_update';

/** A ready waweb client for `number` with the group events and group texts it got. */
async function member(
  number: string,
): Promise<{ client: Client; events: Array<{ name: GroupEvent; n: GroupNotification }>; texts: string[]; acks: Map<string, number> }> {
  const c = env.h.create({ scanAs: number, options: { authStrategy: new NoAuth() } });
  await c.client.initialize();
  await c.until('ready');
  const events: Array<{ name: GroupEvent; n: GroupNotification }> = [];
  const texts: string[] = [];
  for (const name of ['group_join', 'group_leave', 'group_admin_changed', 'group_update'] as const)
    c.client.on(name, (n) => events.push({ name, n }));
  c.client.on('message', (m) => texts.push(`${m.from} ${m.author ?? ''} ${m.body}`));
  const acks = new Map<string, number>();
  c.client.on('message_ack', (m, ack) => acks.set(m.id._serialized, ack));
  return { client: c.client, events, texts, acks };
}

function seen(
  m: { events: Array<{ name: GroupEvent; n: GroupNotification }> },
  name: GroupEvent,
  type: string,
  chatId: string,
  author?: string,
): Promise<GroupNotification> {
  return until(
    () =>
      m.events.find((e) => e.name === name && String(e.n.type) === type && e.n.chatId === chatId && (!author || e.n.author === author))?.n,
    `${name} ${type}`,
  );
}

async function groupChat(client: Client, id: string): Promise<GroupChat> {
  const chat = await client.getChatById(id);
  if (!(chat instanceof GroupChat)) throw new Error(`${id} is no group chat`);
  return chat;
}

test('createGroup() makes one group every member sees; subject, description and settings reach the phones and the other session with group_update', async () => {
  const [adminNo, memberNo, phoneNo, strangerNo] = ['15553002601', '15553002602', '15553002603', '15557002604'];
  env.sim.phone(phoneNo, { pushname: 'Carol' });
  const admin = await member(adminNo);
  const other = await member(memberNo);

  const created = await admin.client.createGroup('Team', [`${memberNo}@c.us`, `${phoneNo}@c.us`, `${strangerNo}@c.us`]);
  if (typeof created === 'string') throw new Error(created);
  const gid = created.gid._serialized;
  expect(created.title).toBe('Team');
  expect(created.participants[`${memberNo}@c.us`]).toEqual({
    statusCode: 200,
    message: 'The participant was added successfully',
    isGroupCreator: false,
    isInviteV4Sent: false,
  });
  expect(created.participants[`${strangerNo}@c.us`]?.statusCode).toBe(404);

  const carol = env.sim.phone(phoneNo);
  expect(carol.group(gid)?.subject).toBe('Team');
  const theirs = await until(() => groupChat(other.client, gid).catch(() => undefined), 'the group on the other session');
  expect(theirs.participants.map((p) => p.id._serialized).sort()).toEqual([adminNo, memberNo, phoneNo].map((n) => `${n}@c.us`).sort());

  const group = await groupChat(admin.client, gid);
  expect(await group.setSubject('Team 2')).toBe(true);
  // As whatsapp-web.js does, the object itself shows the change.
  expect(group.name).toBe('Team 2');
  const update = await seen(other, 'group_update', 'subject', gid);
  // whatsapp-web.js's payload: a GroupNotification with the group, who did it, and the new subject.
  expect(update).toBeInstanceOf(GroupNotification);
  expect(update).toMatchObject({ chatId: gid, author: `${adminNo}@c.us`, type: 'subject', body: 'Team 2', recipientIds: [] });
  expect(carol.group(gid)?.subject).toBe('Team 2');
  expect((await groupChat(other.client, gid)).name).toBe('Team 2');

  expect(await group.setDescription('What we do')).toBe(true);
  expect(group.description).toBe('What we do');
  await seen(other, 'group_update', 'description', gid);
  expect(carol.group(gid)?.desc).toBe('What we do');
  expect((await groupChat(other.client, gid)).description).toBe('What we do');

  expect(await group.setMessagesAdminsOnly()).toBe(true);
  await seen(other, 'group_update', 'announce', gid);
  expect(await group.setAddMembersAdminsOnly(true)).toBe(true);
  await seen(other, 'group_update', 'member_add_mode', gid);
  expect(await group.setInfoAdminsOnly(true)).toBe(true);
  await seen(other, 'group_update', 'restrict', gid);
  expect(carol.group(gid)).toMatchObject({ announce: true, restrict: true, memberAddMode: 'admin_add' });
  expect(await group.setPicture(new MessageMedia('image/png', PNG, 'group.png'))).toBe(true);
  await seen(other, 'group_update', 'picture', gid);

  // No admin: refused by the servers, false as in whatsapp-web.js.
  const theirGroup = await groupChat(other.client, gid);
  expect(await theirGroup.setSubject('Mine now')).toBe(false);
  expect(await theirGroup.setMessagesAdminsOnly(false)).toBe(false);
  expect(await theirGroup.addParticipants([`${strangerNo}@c.us`])).toBe(
    'AddParticipantsError: You have no admin rights to add a participant to a group',
  );
  expect(carol.group(gid)).toMatchObject({ subject: 'Team 2', announce: true });

  expect(await group.setInfoAdminsOnly(false)).toBe(true);
  expect(await theirGroup.setSubject('Ours')).toBe(true);
  await seen(admin, 'group_update', 'subject', gid, `${memberNo}@c.us`);
});

test('participants: add (200, 403, 409), promote, demote, remove and leave reach every member with group_join, group_admin_changed and group_leave', async () => {
  const [adminNo, memberNo, phoneNo, addedNo, privateNo] = ['15553002611', '15553002612', '15553002613', '15557002614', '15557002615'];
  env.sim.phone(phoneNo, { pushname: 'Carol' });
  await env.sim.registerNumber(addedNo);
  await env.sim.phone(privateNo, { pushname: 'Private' }).setGroupAddPrivacy('none');
  const admin = await member(adminNo);
  const other = await member(memberNo);
  const carol = env.sim.phone(phoneNo);

  const created = await admin.client.createGroup('Crew', [`${memberNo}@c.us`, `${phoneNo}@c.us`]);
  if (typeof created === 'string') throw new Error(created);
  const gid = created.gid._serialized;
  const group = await groupChat(admin.client, gid);

  const added = await group.addParticipants([`${addedNo}@c.us`, `${privateNo}@c.us`, `${phoneNo}@c.us`], { sleep: 0 });
  if (typeof added === 'string') throw new Error(added);
  expect(added).toEqual({
    [`${addedNo}@c.us`]: { code: 200, message: 'The participant was added successfully', isInviteV4Sent: false },
    // Their privacy refuses the add: they get a private invite instead, as whatsapp-web.js sends it.
    [`${privateNo}@c.us`]: { code: 403, message: 'The participant can be added by sending private invitation only', isInviteV4Sent: true },
    [`${phoneNo}@c.us`]: { code: 409, message: 'The participant is already a group member', isInviteV4Sent: false },
  });
  const join = await seen(other, 'group_join', 'add', gid);
  expect(join).toMatchObject({ author: `${adminNo}@c.us`, recipientIds: [`${addedNo}@c.us`] });
  expect((await join.getRecipients()).map((c) => c.id._serialized)).toEqual([`${addedNo}@c.us`]);
  expect(carol.group(gid)?.participants.map((p) => p.id)).toContain(`${addedNo}@c.us`);

  expect(await group.promoteParticipants([`${memberNo}@c.us`])).toEqual({ status: 200 });
  expect((await seen(other, 'group_admin_changed', 'promote', gid)).recipientIds).toEqual([`${memberNo}@c.us`]);
  expect(carol.group(gid)?.participants.find((p) => p.id === `${memberNo}@c.us`)?.isAdmin).toBe(true);
  expect(await (await groupChat(other.client, gid)).setMessagesAdminsOnly(true)).toBe(true);
  await seen(admin, 'group_update', 'announce', gid);
  expect(await group.demoteParticipants([`${memberNo}@c.us`])).toEqual({ status: 200 });
  await seen(other, 'group_admin_changed', 'demote', gid);
  // Only admins write now: the servers refuse the demoted member's message, as message_ack -1 (ACK_ERROR).
  const refused = await other.client.sendMessage(gid, 'not allowed');
  await until(() => (other.acks.get(refused.id._serialized) === -1 ? true : undefined), 'the refusal (ack -1)');

  expect(await group.removeParticipants([`${addedNo}@c.us`])).toEqual({ status: 200 });
  expect((await seen(other, 'group_leave', 'remove', gid)).recipientIds).toEqual([`${addedNo}@c.us`]);
  expect(carol.group(gid)?.participants.map((p) => p.id)).not.toContain(`${addedNo}@c.us`);

  // Texts: from a phone to both sessions, from a session to the phones.
  expect(await group.setMessagesAdminsOnly(false)).toBe(true);
  await carol.sendGroupText(gid, 'hello from Carol');
  await until(() => other.texts.find((t) => t === `${gid} ${phoneNo}@c.us hello from Carol`), 'the phone text on the other session');
  await other.client.sendMessage(gid, 'hello from a session');
  await until(() => admin.texts.find((t) => t === `${gid} ${memberNo}@c.us hello from a session`), 'the session text on the admin session');
  await untilTrue(() => carol.receivedMessages().some((m) => m.body === 'hello from a session'), 'the session text on the phone');
  expect(carol.receivedMessages().some((m) => m.body === 'not allowed')).toBe(false);

  await (await groupChat(other.client, gid)).leave();
  expect(await seen(admin, 'group_leave', 'leave', gid)).toMatchObject({ author: `${memberNo}@c.us`, recipientIds: [`${memberNo}@c.us`] });
  expect(env.sim.phone(memberNo).groups()).toEqual([]);
  expect(
    carol
      .group(gid)
      ?.participants.map((p) => p.id)
      .sort(),
  ).toEqual([`${adminNo}@c.us`, `${phoneNo}@c.us`]);
});
