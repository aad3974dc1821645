/**
 * Issue 9, acceptance 1: an unmodified whatsapp-web.js 1.34.7 ping-pong bot on the simulator,
 * pointed at it only through its puppeteer options. Everything it does goes through the page
 * contract's messaging surface (wids, message keys, `addAndSendMsgToChat`, acks).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { useSimulatorHarnesses } from '../helpers/use-simulator';
import { WwebjsHarness } from '../helpers/wwebjs';
import { until } from '../helpers/until';

const env = useSimulatorHarnesses(undefined, (sim, dir) => ({ harness: new WwebjsHarness(sim, dir) }));

const scanWith = (number: string) => (qr: string) => {
  env.sim
    .phone(number)
    .scan(qr)
    .catch((err: unknown) => console.error('scan failed', err));
};

interface WMessage {
  id: { fromMe: boolean; remote: string; id: string; _serialized: string };
  from: string;
  to: string;
  body: string;
  type: string;
  timestamp: number;
  fromMe: boolean;
  hasQuotedMsg: boolean;
  latestEditMsgKey?: { fromMe: boolean; remote: unknown; id: string };
  latestEditSenderTimestampMs?: number;
  reply(content: string): Promise<WMessage>;
}

test('ping-pong: message has from/body/type/timestamp/id, reply() quotes the ping, sendMessage() reaches the phone, message_create for own messages, message_ack 1 → 2 → 3', async () => {
  const number = '15550000101';
  const contact = '15557770101';
  const t = env.harness.start(env.harness.noAuth(), { onQr: scanWith(number) });
  const received: WMessage[] = [];
  const created: WMessage[] = [];
  const acks: Array<[string, number]> = [];
  const listenerErrors: unknown[] = [];
  t.client.on('message', (msg: WMessage) => {
    received.push(msg);
    if (msg.body === 'ping') msg.reply('pong').catch((err: unknown) => listenerErrors.push(err));
  });
  t.client.on('message_create', (msg: WMessage) => created.push(msg));
  t.client.on('message_ack', (msg: WMessage, ack: number) => acks.push([msg.id._serialized, ack]));
  await t.next('ready');

  const phone = env.sim.phone(number);
  const ping = await phone.receiveText(contact, 'ping');
  const pong = await until(() => phone.sentMessages().find((m) => m.body === 'pong'), 'the pong reaching the phone');

  expect(received).toHaveLength(1);
  const [incoming] = received;
  expect(incoming).toMatchObject({
    from: `${contact}@c.us`,
    to: `${number}@c.us`,
    body: 'ping',
    type: 'chat',
    fromMe: false,
    id: { fromMe: false, remote: `${contact}@c.us`, id: ping.id, _serialized: `false_${contact}@c.us_${ping.id}` },
  });
  expect(incoming!.timestamp).toBe(ping.t);
  expect(pong).toMatchObject({ chatId: `${contact}@c.us`, from: `${number}@c.us`, quotedId: ping.id, fromMe: true });
  expect(pong.id).toMatch(/^3EB0[0-9A-F]{16}$/);

  const direct = await (t.client as unknown as { sendMessage(id: string, text: string): Promise<WMessage> }).sendMessage(
    `${contact}@c.us`,
    'direct text',
  );
  expect(direct).toMatchObject({ body: 'direct text', fromMe: true, to: `${contact}@c.us` });
  const onPhone = await until(() => phone.sentMessages().find((m) => m.body === 'direct text'), 'the direct text reaching the phone');
  expect(onPhone.quotedId).toBeUndefined();

  // Own messages are created, never received.
  await until(() => (created.filter((m) => m.fromMe).length >= 2 ? true : undefined), 'message_create for both own messages');
  expect(created.filter((m) => m.fromMe).map((m) => m.body)).toEqual(['pong', 'direct text']);
  expect(received.map((m) => m.body)).toEqual(['ping']);

  // Acks: the server has it (1), the contact's phone has it (2), the contact read it (3).
  const key = direct.id._serialized;
  await until(() => (acks.some(([k, a]) => k === key && a === 2) ? true : undefined), 'ack 2 for the direct text');
  await phone.markRead(onPhone.id);
  await until(() => (acks.some(([k, a]) => k === key && a === 3) ? true : undefined), 'ack 3 for the direct text');
  expect(acks.filter(([k]) => k === key).map(([, a]) => a)).toEqual([1, 2, 3]);
  expect(listenerErrors).toEqual([]);
});

test('history messages give no message; a ciphertext placeholder gives message only once decrypted; a revoked message gives message_revoke_everyone', async () => {
  const number = '15550000102';
  const contact = '15557770102';
  const phone = env.sim.phone(number);
  // History the account had before this device was linked: synced, never new.
  await phone.addHistory(contact, 'old hello', 7200);
  const t = env.harness.start(env.harness.noAuth(), { onQr: scanWith(number) });
  const received: WMessage[] = [];
  const ciphertexts: WMessage[] = [];
  const revokes: Array<[WMessage, WMessage | undefined]> = [];
  t.client.on('message', (msg: WMessage) => received.push(msg));
  t.client.on('message_ciphertext', (msg: WMessage) => ciphertexts.push(msg));
  t.client.on('message_revoke_everyone', (msg: WMessage, before?: WMessage) => revokes.push([msg, before]));
  await t.next('ready');

  const secret = await phone.receiveText(contact, 'decrypted later', { ciphertext: true, decryptAfterMs: 300 });
  await until(() => (received.length >= 1 ? true : undefined), 'the decrypted message');
  expect(ciphertexts.map((m) => m.id.id)).toEqual([secret.id]);
  expect(received.map((m) => [m.id.id, m.body, m.type])).toEqual([[secret.id, 'decrypted later', 'chat']]);

  const oops = await phone.receiveText(contact, 'oops');
  await until(() => (received.length >= 2 ? true : undefined), 'the second message');
  await phone.revoke(oops.id);
  await until(() => (revokes.length >= 1 ? true : undefined), 'message_revoke_everyone');
  const [[revoked, before]] = revokes as [[WMessage, WMessage | undefined]];
  expect(revoked).toMatchObject({ type: 'revoked', id: { id: oops.id } });
  expect(before).toMatchObject({ body: 'oops', type: 'chat' });

  // Exactly the two live messages were messages: never the history one, never the placeholder twice.
  expect(received.map((m) => m.body)).toEqual(['decrypted later', 'oops']);
  const history = await (t.client as unknown as { pupPage: { evaluate<R>(fn: () => R): Promise<R> } }).pupPage.evaluate(() =>
    (globalThis as unknown as { require(n: string): { Msg: { getModelsArray(): Array<{ body: string; isNewMsg: boolean }> } } })
      .require('WAWebCollections')
      .Msg.getModelsArray()
      .filter((m) => m.body === 'old hello')
      .map((m) => m.isNewMsg),
  );
  expect(history).toEqual([false]);
});

interface WChat {
  id: { _serialized: string };
  name: string;
  unreadCount: number;
  isGroup: boolean;
  sendStateTyping(): Promise<unknown>;
  sendSeen(): Promise<unknown>;
  fetchMessages(options: { limit: number }): Promise<WMessage[]>;
}
interface WContact {
  id: { _serialized: string };
  number: string;
  name?: string;
  isMyContact: boolean;
  isUser: boolean;
}
interface WClient {
  getChats(): Promise<WChat[]>;
  getChatById(id: string): Promise<WChat>;
  getContacts(): Promise<WContact[]>;
  getContactById(id: string): Promise<WContact>;
  getNumberId(number: string): Promise<{ _serialized: string; user: string } | null>;
}

test('chats and contacts: getChats with names and unread counts, getChatById, getContacts, getContactById, getNumberId, typing and seen visible to the phone, fetchMessages returns history', async () => {
  const number = '15550000103';
  const friend = '15557770103';
  const stranger = '15557770104';
  const phone = env.sim.phone(number);
  await phone.addContact(friend, 'Fiona Friend');
  await phone.addHistory(friend, 'older one', 600);
  await phone.addHistory(friend, 'older two', 300);
  const t = env.harness.start(env.harness.noAuth(), { onQr: scanWith(number) });
  const received: WMessage[] = [];
  t.client.on('message', (msg: WMessage) => received.push(msg));
  await t.next('ready');
  await phone.receiveText(friend, 'new one');
  await phone.receiveText(stranger, 'hello?');
  await until(() => (received.length >= 2 ? true : undefined), 'both new messages');
  const client = t.client as unknown as WClient;

  const chats = await client.getChats();
  const byId = new Map(chats.map((c) => [c.id._serialized, c]));
  expect(byId.get(`${friend}@c.us`)).toMatchObject({ name: 'Fiona Friend', unreadCount: 1, isGroup: false });
  expect(byId.get(`${stranger}@c.us`)).toMatchObject({ name: `+${stranger}`, unreadCount: 1 });

  const chat = await client.getChatById(`${friend}@c.us`);
  expect(chat.name).toBe('Fiona Friend');
  const history = await chat.fetchMessages({ limit: 10 });
  expect(history.map((m) => m.body)).toEqual(['older one', 'older two', 'new one']);
  expect((await chat.fetchMessages({ limit: 2 })).map((m) => m.body)).toEqual(['older two', 'new one']);

  await chat.sendStateTyping();
  await until(() => (phone.chatState(friend) === 'composing' ? true : undefined), 'the phone seeing typing');
  await chat.sendSeen();
  await until(() => (phone.seenChats().includes(`${friend}@c.us`) ? true : undefined), 'the phone seeing the chat read');
  expect((await client.getChatById(`${friend}@c.us`)).unreadCount).toBe(0);

  const contacts = await client.getContacts();
  const fiona = contacts.find((c) => c.id._serialized === `${friend}@c.us`);
  expect(fiona).toMatchObject({ number: friend, name: 'Fiona Friend', isMyContact: true, isUser: true });
  expect(await client.getContactById(`${stranger}@c.us`)).toMatchObject({ number: stranger, isMyContact: false });

  // Registered: the friend (it sent messages) and a number put on WhatsApp; unknown: anything else.
  await env.sim.registerNumber('15557770199');
  expect(await client.getNumberId(friend)).toMatchObject({ _serialized: `${friend}@c.us`, user: friend });
  expect(await client.getNumberId('15557770199')).toMatchObject({ _serialized: '15557770199@c.us' });
  expect(await client.getNumberId('15557770188')).toBeNull();
  await env.sim.unregisterNumber('15557770199');
  expect(await client.getNumberId('15557770199')).toBeNull();
});

interface WGroupNotification {
  chatId: string;
  author: string;
  type: string;
  recipientIds: Array<{ _serialized: string } | string>;
}

test('groups: a participant added by the phone gives group_join; a group message has author; the bot replies in the group', async () => {
  const number = '15550000104';
  const alice = '15557770105';
  const bob = '15557770106';
  const phone = env.sim.phone(number);
  const t = env.harness.start(env.harness.noAuth(), { onQr: scanWith(number) });
  const joins: WGroupNotification[] = [];
  const received: Array<WMessage & { author?: string }> = [];
  const listenerErrors: unknown[] = [];
  t.client.on('group_join', (n: WGroupNotification) => joins.push(n));
  t.client.on('message', (msg: WMessage & { author?: string }) => {
    received.push(msg);
    if (msg.body === '!hello') msg.reply(`welcome ${msg.author ?? ''}`).catch((err: unknown) => listenerErrors.push(err));
  });
  await t.next('ready');

  const group = await phone.createGroup('Bot testers', [alice]);
  await phone.changeGroup(group.id, 'add', bob);
  await until(() => (joins.length >= 1 ? true : undefined), 'group_join');
  expect(joins[0]).toMatchObject({ chatId: group.id, author: `${number}@c.us`, type: 'add' });
  expect(joins[0]!.recipientIds.map((r) => (typeof r === 'string' ? r : r._serialized))).toEqual([`${bob}@c.us`]);

  await phone.receiveGroupText(group.id, alice, '!hello');
  const reply = await until(() => phone.sentMessages().find((m) => m.chatId === group.id), 'the reply in the group');
  expect(received.map((m) => [m.from, m.author, m.body])).toEqual([[group.id, `${alice}@c.us`, '!hello']]);
  expect(reply).toMatchObject({ chatId: group.id, body: `welcome ${alice}@c.us`, fromMe: true });
  expect(reply.quotedId).toBe(received[0]!.id.id);

  const chat = (await (t.client as unknown as WClient).getChatById(group.id)) as WChat & {
    participants: Array<{ id: { _serialized: string }; isAdmin: boolean }>;
  };
  expect(chat).toMatchObject({ name: 'Bot testers', isGroup: true });
  expect(chat.participants.map((p) => [p.id._serialized, p.isAdmin])).toEqual([
    [`${number}@c.us`, true],
    [`${alice}@c.us`, false],
    [`${bob}@c.us`, false],
  ]);
  expect(listenerErrors).toEqual([]);
});

// eslint-disable-next-line @typescript-eslint/no-require-imports -- whatsapp-web.js is CommonJS; only MessageMedia is declared here
const { MessageMedia } = require('whatsapp-web.js') as {
  MessageMedia: { fromFilePath(path: string): { mimetype: string; data: string; filename?: string } };
};

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');

test('media: an image from the phone has hasMedia and downloads to the same bytes and mimetype; MessageMedia.fromFilePath with a caption reaches the phone byte for byte', async () => {
  const number = '15550000105';
  const contact = '15557770107';
  const phone = env.sim.phone(number);
  const t = env.harness.start(env.harness.noAuth(), { onQr: scanWith(number) });
  const received: Array<WMessage & { hasMedia: boolean; downloadMedia(): Promise<{ data: string; mimetype: string } | undefined> }> = [];
  t.client.on('message', (msg: (typeof received)[number]) => received.push(msg));
  await t.next('ready');

  const photo = Buffer.concat([PNG, Buffer.from('some more bytes to make it distinct')]);
  await phone.receiveMedia(contact, { data: photo, mimetype: 'image/png', caption: 'look at this' });
  await until(() => (received.length >= 1 ? true : undefined), 'the image message');
  const [image] = received;
  expect(image).toMatchObject({ hasMedia: true, type: 'image', body: 'look at this' });
  const downloaded = await image!.downloadMedia();
  expect(downloaded?.mimetype).toBe('image/png');
  expect(Buffer.from(downloaded!.data, 'base64').equals(photo)).toBe(true);

  const file = join(env.work.path, 'pixel.png');
  await writeFile(file, PNG);
  const media = MessageMedia.fromFilePath(file);
  const sent = await (
    t.client as unknown as { sendMessage(id: string, m: unknown, o: unknown): Promise<WMessage & { hasMedia: boolean }> }
  ).sendMessage(`${contact}@c.us`, media, { caption: 'a pixel for you' });
  expect(sent).toMatchObject({ hasMedia: true, type: 'image', fromMe: true });
  const onPhone = await until(() => phone.sentMessages().find((m) => m.media !== undefined), 'the image reaching the phone');
  const bytes = phone.sentMedia(onPhone.id);
  expect(bytes.mimetype).toBe('image/png');
  expect(bytes.caption).toBe('a pixel for you');
  expect(bytes.data.equals(PNG)).toBe(true);
});

test('the phone side: reactions give message_reaction, edits give message_edit, locations and contact cards arrive as such, expired media downloads as nothing', async () => {
  const number = '15550000106';
  const contact = '15557770108';
  const phone = env.sim.phone(number);
  const t = env.harness.start(env.harness.noAuth(), { onQr: scanWith(number) });
  const received: Array<WMessage & { location?: { latitude: number; longitude: number; name?: string }; vCards: string[] }> = [];
  const reactions: Array<{ reaction: string; msgId: { _serialized: string }; senderId: string }> = [];
  const edits: Array<[WMessage, string, string]> = [];
  t.client.on('message', (msg: (typeof received)[number]) => received.push(msg));
  t.client.on('message_reaction', (r: (typeof reactions)[number]) => reactions.push(r));
  t.client.on('message_edit', (msg: WMessage, now: string, before: string) => edits.push([msg, now, before]));
  await t.next('ready');
  const client = t.client as unknown as { sendMessage(id: string, text: string): Promise<WMessage> };

  const mine = await client.sendMessage(`${contact}@c.us`, 'react to this');
  const onPhone = await until(() => phone.sentMessages().find((m) => m.body === 'react to this'), 'the text reaching the phone');
  await phone.react(onPhone.id, '❤️');
  await until(() => (reactions.length >= 1 ? true : undefined), 'message_reaction');
  expect(reactions[0]).toMatchObject({ reaction: '❤️', msgId: { _serialized: mine.id._serialized } });

  const typo = await phone.receiveText(contact, 'helo');
  await until(() => (received.length >= 1 ? true : undefined), 'the text with a typo');
  await phone.edit(typo.id, 'hello');
  await until(() => (edits.length >= 1 ? true : undefined), 'message_edit');
  expect([edits[0]![0].id.id, edits[0]![1], edits[0]![2]]).toEqual([typo.id, 'hello', 'helo']);
  // The edited message keeps the edit's key and the sender's time of it.
  // whatsapp-web.js hands over the app's key as it is: `remote` is the app's wid object.
  expect(edits[0]![0].latestEditMsgKey).toMatchObject({ fromMe: false, remote: { _serialized: `${contact}@c.us` } });
  expect(edits[0]![0].latestEditMsgKey?.id).not.toBe(typo.id);
  expect(Math.abs((edits[0]![0].latestEditSenderTimestampMs ?? 0) - Date.now())).toBeLessThan(60_000);

  await phone.receiveLocation(contact, { latitude: 52.52, longitude: 13.405, name: 'Berlin', address: 'Germany' });
  await phone.receiveContactCard(contact, { name: 'Carla Card', phone: '15557770109' });
  await until(() => (received.length >= 3 ? true : undefined), 'the location and the card');
  expect(received[1]).toMatchObject({ type: 'location', location: { latitude: 52.52, longitude: 13.405 } });
  expect(received[2]!.type).toBe('vcard');
  expect(received[2]!.vCards[0]).toContain('FN:Carla Card');

  const photo = await phone.receiveMedia(contact, { data: Buffer.from('not really a png'), mimetype: 'image/png' });
  await until(() => (received.length >= 4 ? true : undefined), 'the image');
  expect(env.sim.expireMedia(photo.media!.directPath)).toBe(true);
  const image = received[3] as unknown as { hasMedia: boolean; downloadMedia(): Promise<unknown> };
  expect(image.hasMedia).toBe(true);
  expect(await image.downloadMedia()).toBeUndefined();
});

test('media kinds: a document keeps its filename, a voice note goes as ptt, both reach the phone byte for byte', async () => {
  const number = '15550000107';
  const contact = '15557770110';
  const phone = env.sim.phone(number);
  const t = env.harness.start(env.harness.noAuth(), { onQr: scanWith(number) });
  await t.next('ready');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- whatsapp-web.js is CommonJS; only the constructor is declared here
  const { MessageMedia: Media } = require('whatsapp-web.js') as {
    MessageMedia: new (mimetype: string, data: string, filename?: string) => unknown;
  };
  const client = t.client as unknown as { sendMessage(id: string, m: unknown, o?: unknown): Promise<WMessage> };
  const pdf = Buffer.from('%PDF-1.4\n% a very small document\n');
  const voice = Buffer.from('OggS-not-really-audio-but-bytes-all-the-same');

  await client.sendMessage(`${contact}@c.us`, new Media('application/pdf', pdf.toString('base64'), 'report.pdf'), {
    sendMediaAsDocument: true,
  });
  await client.sendMessage(`${contact}@c.us`, new Media('audio/ogg; codecs=opus', voice.toString('base64'), 'note.ogg'), {
    sendAudioAsVoice: true,
  });
  const [doc, note] = await until(() => {
    const media = phone.sentMessages().filter((m) => m.media !== undefined);
    return media.length >= 2 ? media : undefined;
  }, 'both media messages on the phone');
  expect(doc).toMatchObject({ type: 'document', media: { filename: 'report.pdf', mimetype: 'application/pdf' } });
  expect(phone.sentMedia(doc!.id).data.equals(pdf)).toBe(true);
  expect(note).toMatchObject({ type: 'ptt' });
  expect(phone.sentMedia(note!.id).data.equals(voice)).toBe(true);
});

test('send options: a quote that cannot be found is left out unless ignoreQuoteErrors is false; waitUntilMsgSent waits for the server', async () => {
  const number = '15550000107';
  const contact = '15557770109';
  const chatId = `${contact}@c.us`;
  const phone = env.sim.phone(number);
  const client = await env.harness.linked<{
    sendMessage(id: string, text: string, options?: Record<string, unknown>): Promise<WMessage & { ack: number }>;
  }>(number);
  const missing = `false_${chatId}_3EB0000000000000BEEF`;

  const unquoted = await client.sendMessage(chatId, 'quote lost', { quotedMessageId: missing });
  expect(unquoted.hasQuotedMsg).toBe(false);
  const onPhone = await until(() => phone.sentMessages().find((m) => m.body === 'quote lost'), 'the text without its quote');
  expect(onPhone.quotedId).toBeUndefined();
  await expect(client.sendMessage(chatId, 'must quote', { quotedMessageId: missing, ignoreQuoteErrors: false })).rejects.toThrow();
  expect(phone.sentMessages().some((m) => m.body === 'must quote')).toBe(false);

  // Without waitUntilMsgSent the message comes back as soon as it is in the chat, before the server has it.
  expect((await client.sendMessage(chatId, 'no wait')).ack).toBe(0);
  expect((await client.sendMessage(chatId, 'waited', { waitUntilMsgSent: true })).ack).toBeGreaterThanOrEqual(1);
});

test('a placeholder still undecrypted after 15 s gives message_ciphertext_failed; it is a message once it decrypts', async () => {
  const number = '15550000108';
  const contact = '15557770110';
  const phone = env.sim.phone(number);
  const client = await env.harness.linked<{ on(event: string, fn: (...args: any[]) => void): void }>(number);
  const events: Array<[string, string]> = [];
  for (const name of ['message_ciphertext', 'message_ciphertext_failed', 'message'])
    client.on(name, (msg: WMessage) => events.push([name, msg.id.id]));
  const secret = await phone.receiveText(contact, 'very late', { ciphertext: true, decryptAfterMs: 16_500 });
  await until(() => (events.some(([name]) => name === 'message') ? true : undefined), 'the decrypted message', 30_000);
  expect(events).toEqual([
    ['message_ciphertext', secret.id],
    ['message_ciphertext_failed', secret.id],
    ['message', secret.id],
  ]);
});
