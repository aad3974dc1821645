/**
 * Issue 10, chats and contacts: waweb's Client lists chats (groups as GroupChat) and contacts the
 * way whatsapp-web.js does, reads a chat's history, marks it read, shows typing, and tells
 * registered numbers from unregistered ones, all against the simulator's phone.
 */
import { Chat, Client, Contact, GroupChat, NoAuth, NotReadyError, Reaction } from '../../src/index';
import { ClientHarness } from '../helpers/client';
import { untilTrue } from '../helpers/until';
import { useSimulatorHarnesses } from '../helpers/use-simulator';

const env = useSimulatorHarnesses('waweb-client-chats-', (sim, dir) => ({ h: new ClientHarness(sim, dir) }));

test('chats, groups, history, seen, typing, contacts and number lookup', async () => {
  const number = '15553000201';
  const contact = '15557770401';
  const contactId = `${contact}@c.us`;
  const phone = env.sim.phone(number);
  await phone.addContact(contact, 'Alice Example');
  await phone.addHistory(contact, 'from before', 600);
  const c = env.h.create({ scanAs: number, options: { authStrategy: new NoAuth() } });
  await c.client.initialize();
  await c.until('ready');

  await phone.receiveText(contact, 'hello');
  await c.until('message');
  const group = await phone.createGroup('Chats test', [contact]);
  await phone.receiveGroupText(group.id, contact, 'hi group');
  await c.until('message', 2);

  // getChats: the direct chat under the saved name, the group as a GroupChat.
  const chats = await c.client.getChats();
  const direct = chats.find((ch) => ch.id._serialized === contactId);
  expect(direct).toBeInstanceOf(Chat);
  expect(direct).not.toBeInstanceOf(GroupChat);
  expect(direct).toMatchObject({ id: { user: contact, server: 'c.us' }, name: 'Alice Example', isGroup: false });
  expect(direct!.lastMessage?.body).toBe('hello');
  const groupChat = await c.client.getChatById(group.id);
  expect(groupChat).toBeInstanceOf(GroupChat);
  expect(groupChat).toMatchObject({ name: 'Chats test', isGroup: true, owner: { _serialized: `${number}@c.us` } });
  expect((groupChat as GroupChat).participants.map((p) => p.id._serialized).sort()).toEqual([contactId, `${number}@c.us`].sort());
  expect(chats.some((ch) => ch.id._serialized === group.id && ch instanceof GroupChat)).toBe(true);

  // History, oldest first; limit keeps the most recent; fromMe filters.
  expect((await direct!.fetchMessages()).map((m) => m.body)).toEqual(['from before', 'hello']);
  expect((await direct!.fetchMessages({ limit: 1 })).map((m) => m.body)).toEqual(['hello']);
  expect(await direct!.fetchMessages({ fromMe: true })).toEqual([]);
  await expect(direct!.fetchMessages({ limit: -1 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });

  // Seen and typing reach the phone; the send after them is ordered behind them on the socket (once the
  // server has it, it has them).
  expect(phone.seenChats()).toEqual([]);
  expect(await direct!.sendSeen()).toBe(true);
  await direct!.sendStateTyping();
  await direct!.sendMessage('typed', { sendSeen: false, waitUntilMsgSent: true });
  expect(phone.seenChats()).toEqual([contactId]);
  expect(phone.chatState(contactId)).toBe('composing');
  await direct!.clearState();
  await c.client.sendMessage(contactId, 'done', { sendSeen: false, waitUntilMsgSent: true });
  expect(phone.chatState(contactId)).toBe('paused');
  expect((await direct!.fetchMessages({ fromMe: true })).map((m) => m.body)).toEqual(['typed', 'done']);

  // sendMessage marks the chat read first unless told not to (whatsapp-web.js's default).
  await groupChat.sendMessage('to the group');
  // The read mark reaches the phone when the servers pass it on (the send resolves once the message is in the chat).
  await untilTrue(() => phone.seenChats().includes(group.id), 'the group marked read on the phone');
  expect(phone.seenChats()).toEqual([contactId, group.id]);

  // A message leads to its chat and its sender; the version is the page's.
  const [fromGroup] = c.args('message')[1]!;
  expect((await fromGroup.getChat()).id._serialized).toBe(group.id);
  expect((await fromGroup.getContact()).name).toBe('Alice Example');
  expect(await c.client.getWWebVersion()).toMatch(/^2\.\d+\.\d+/);

  // Contacts: the saved one, by list and by id, and its chat.
  const contacts = await c.client.getContacts();
  const alice = contacts.find((k) => k.id._serialized === contactId);
  expect(alice).toBeInstanceOf(Contact);
  expect(alice).toMatchObject({ number: contact, name: 'Alice Example', isMyContact: true, isUser: true, isGroup: false, isMe: false });
  const byId = await c.client.getContactById(contact);
  expect(byId.name).toBe('Alice Example');
  expect((await byId.getChat()).id._serialized).toBe(contactId);

  // Number lookup: the contact is on WhatsApp, a never-seen number is not.
  expect(await c.client.getNumberId(contact)).toEqual({ server: 'c.us', user: contact, _serialized: contactId });
  expect(await c.client.getNumberId('15559990001')).toBeNull();
  expect(await c.client.isRegisteredUser(contactId)).toBe(true);
  expect(await c.client.isRegisteredUser('15559990001')).toBe(false);
});

test('Message actions: getQuotedMessage, message_reaction, react, edit, delete for everyone and for this device', async () => {
  const number = '15553000202';
  const contact = '15557770402';
  const contactId = `${contact}@c.us`;
  const phone = env.sim.phone(number);
  const c = env.h.create({ scanAs: number, options: { authStrategy: new NoAuth() } });
  await c.client.initialize();
  await c.until('ready');

  const first = await c.client.sendMessage(contactId, 'first');
  const second = await c.client.sendMessage(contactId, 'second');
  // Both resolve once in the chat (waitUntilMsgSent false): the contact answers once its phone has them.
  await untilTrue(
    () => phone.sentMessages().filter((m) => m.id === first.id.id || m.id === second.id.id).length === 2,
    'both texts on the phone',
  );
  await phone.receiveText(contact, 'about first', { quotedId: first.id.id });
  const [question] = await c.until('message');
  expect(question.hasQuotedMsg).toBe(true);
  expect((await question.getQuotedMessage())?.body).toBe('first');
  expect(await first.getQuotedMessage()).toBeUndefined();

  // A reaction from the contact arrives as message_reaction, pointing at the message.
  await phone.react(first.id.id, '❤️');
  const [reaction] = await c.until('message_reaction');
  expect(reaction).toBeInstanceOf(Reaction);
  expect(reaction).toMatchObject({ reaction: '❤️', senderId: contactId, msgId: { _serialized: first.id._serialized, fromMe: true } });

  await question.react('👍');
  const edited = await second.edit('second, edited');
  expect(edited?.body).toBe('second, edited');
  expect(await question.edit('not mine')).toBeNull();
  await first.delete(true);
  // The actions travel ahead of this send on the same socket: once the server has it, it has them.
  await c.client.sendMessage(contactId, 'sync', { sendSeen: false, waitUntilMsgSent: true });
  expect(phone.receivedMessages().find((m) => m.id === question.id.id)?.reaction).toBe('👍');
  expect(phone.sentMessages().find((m) => m.id === second.id.id)).toMatchObject({ edited: true, body: 'second, edited' });
  expect(phone.sentMessages().find((m) => m.id === first.id.id)?.type).toBe('revoked');

  // Someone else's message: delete(true) falls back to this device only; the phone keeps it.
  await question.delete(true);
  const chat = await question.getChat();
  expect((await chat.fetchMessages()).map((m) => m.id.id)).not.toContain(question.id.id);
  expect(phone.receivedMessages().find((m) => m.id === question.id.id)?.type).not.toBe('revoked');
  await expect(second.react(5 as unknown as string)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
});

test('chat calls on a client that is not ready reject with NOT_READY; bad ids with INVALID_OPTION', async () => {
  const client = new Client({ authStrategy: new NoAuth() });
  await expect(client.getChats()).rejects.toBeInstanceOf(NotReadyError);
  await expect(client.getNumberId('15551234567')).rejects.toMatchObject({ code: 'NOT_READY' });
  await expect(client.getChatById('')).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  await expect(client.sendSeen(42 as unknown as string)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  await client.destroy();
});
