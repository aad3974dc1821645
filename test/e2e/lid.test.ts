/**
 * A contact who writes only from a LID (issue 27, "LID"): its messages arrive addressed `<lid>@lid` with
 * its number told along (`sender_pn`), and it gets replies, reactions, forwards and read marks. One
 * scenario, run with the unmodified whatsapp-web.js (which proves the simulator: the app maps the LID to
 * the number, `getContactModel` reports the number as the contact's id, `getContactLidAndPhone` finds
 * both) and with waweb (which also carries both ids on every message and reaction).
 * The restart from a backup, waweb's alone, is in lid-restart.test.ts.
 */
import { LIBRARIES, useBothClients } from '../helpers/both-clients';
import { until } from '../helpers/until';
import { lidOf } from '../../src/simulator/wids';

const env = useBothClients('waweb-lid-');

interface LidMessage {
  id: { _serialized: string; id: string };
  body: string;
  from: string;
  fromMe: boolean;
  senderLid?: string;
  senderPn?: string;
  reply(content: string): Promise<LidMessage>;
  react(reaction: string): Promise<void>;
  forward(chatId: string): Promise<void>;
  getContact(): Promise<{ id: { _serialized: string } }>;
}
interface LidReaction {
  senderId: string;
  reaction: string;
  senderLid?: string;
  senderPn?: string;
}
interface LidNotification {
  author: string;
  recipientIds: string[];
  authorLid?: string;
  authorPn?: string;
  recipientLidAndPn?: Array<{ id: string; lid?: string; pn?: string }>;
}
interface LidClient {
  on(event: 'group_join' | 'group_admin_changed', listener: (notification: LidNotification) => void): unknown;
  on(event: 'message', listener: (message: LidMessage) => void): unknown;
  on(event: 'message_reaction', listener: (reaction: LidReaction) => void): unknown;
  sendSeen(chatId: string): Promise<boolean>;
  getChatById(chatId: string): Promise<{ participants: Array<{ id: { _serialized: string }; lid?: string; phoneNumber?: string }> }>;
  getContactLidAndPhone(userIds: string[]): Promise<Array<{ lid?: string; pn?: string }>>;
}

describe.each(LIBRARIES)('%s', (library) => {
  const n = LIBRARIES.indexOf(library);
  const number = `1555000074${n}`;
  const contact = `1555777074${n}`;
  const other = `1555888074${n}`;
  const lid = `${lidOf(contact)}@lid`;

  test('a contact who writes only from its LID is known by its number, and gets replies, reactions, forwards and read marks', async () => {
    const client = await env.linked<LidClient>(library, number);
    const got: LidMessage[] = [];
    const reactions: LidReaction[] = [];
    client.on('message', (m) => got.push(m));
    client.on('message_reaction', (r) => reactions.push(r));
    const phone = env.sim.phone(number);

    await phone.receiveText(contact, 'hello from my lid', { fromLid: true });
    const message = await until(() => got.find((m) => m.body === 'hello from my lid'), 'the LID message');
    expect(message.from).toBe(lid);
    expect((await message.getContact()).id._serialized).toBe(`${contact}@c.us`);
    expect(await client.getContactLidAndPhone([lid])).toEqual([{ lid, pn: `${contact}@c.us` }]);
    if (library === 'waweb') expect([message.senderLid, message.senderPn]).toEqual([lid, `${contact}@c.us`]);

    // A reply, a reaction and a read mark reach the LID chat on the phone.
    await message.reply('a reply to your lid');
    const reply = await until(() => phone.sentMessages().find((m) => m.body === 'a reply to your lid'), 'the reply on the phone');
    expect(reply).toMatchObject({ chatId: lid, quotedId: message.id.id });
    await message.react('👍');
    await until(() => phone.receivedMessages().find((m) => m.id === message.id.id && m.reaction === '👍'), 'the reaction on the phone');
    expect(await client.sendSeen(lid)).toBe(true);
    await until(() => (phone.seenChats().includes(lid) ? true : undefined), 'the read mark on the phone');

    // A message from another contact, forwarded to the LID contact.
    await phone.receiveText(other, 'pass this on');
    const passed = await until(() => got.find((m) => m.body === 'pass this on'), 'the message to forward');
    await passed.forward(lid);
    expect(
      await until(() => phone.sentMessages().find((m) => m.body === 'pass this on' && m.chatId === lid), 'the forward on the phone'),
    ).toMatchObject({ forwardingScore: 1 });

    // The contact reacts to the reply: the reaction comes from its LID, with its number on waweb's.
    await phone.react(reply.id, '❤');
    const reaction = await until(() => reactions.find((r) => r.reaction === '❤'), 'the contact reaction');
    expect(reaction.senderId).toBe(lid);
    if (library === 'waweb') expect([reaction.senderLid, reaction.senderPn]).toEqual([lid, `${contact}@c.us`]);

    // In a group, the member is its phone-number id (both ids named on waweb's).
    const group = await env.sim.phone(contact).createGroup('With a LID', [number]);
    const member = await until(
      async () => (await client.getChatById(group.id)).participants?.find((p) => p.id._serialized === `${contact}@c.us`),
      'the member',
    );
    if (library === 'waweb') expect([member.lid, member.phoneNumber]).toEqual([lid, `${contact}@c.us`]);
  });

  test('group notifications name the author and the members they are about; waweb also gives both ids of each, where the app maps them', async () => {
    const own = `1555000075${n}`;
    const admin = `1555777075${n}`;
    const joiner = `1555888075${n}`;
    env.sim.phone(joiner);
    const phone = env.sim.phone(own);
    // In the address book: the app knows both ids of each.
    await phone.addContact(admin, 'Admin');
    await phone.addContact(joiner, 'Joiner');
    const client = await env.linked<LidClient>(library, own);
    const joins: LidNotification[] = [];
    const admins: LidNotification[] = [];
    client.on('group_join', (g) => joins.push(g));
    client.on('group_admin_changed', (g) => admins.push(g));
    // whatsapp-web.js passes the app's wids as they are: objects with `_serialized`.
    const ids = (list: unknown[]): string[] =>
      list.map((r) => (typeof r === 'string' ? r : String((r as { _serialized?: unknown })._serialized)));
    const about = (list: LidNotification[]): LidNotification | undefined =>
      list.find((g) => ids(g.recipientIds).includes(`${joiner}@c.us`));
    const adminPhone = env.sim.phone(admin);
    const group = await adminPhone.createGroup('LID notices', [own]);
    await adminPhone.changeGroup(group.id, 'add', joiner);
    const join = await until(() => about(joins), 'group_join');
    await adminPhone.changeGroup(group.id, 'promote', joiner);
    const promoted = await until(() => about(admins), 'group_admin_changed');
    for (const notice of [join, promoted]) {
      expect([notice.author, ids(notice.recipientIds)]).toEqual([`${admin}@c.us`, [`${joiner}@c.us`]]);
      if (library === 'waweb') {
        expect([notice.authorLid, notice.authorPn]).toEqual([`${lidOf(admin)}@lid`, `${admin}@c.us`]);
        expect(notice.recipientLidAndPn).toEqual([{ id: `${joiner}@c.us`, lid: `${lidOf(joiner)}@lid`, pn: `${joiner}@c.us` }]);
      }
    }
  });
});
