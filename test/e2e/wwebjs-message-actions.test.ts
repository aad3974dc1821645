/**
 * Issue 26: the message calls whatsapp-web.js 1.34.7 makes beyond sending (`Cmd.sendStarMsgs` /
 * `sendUnstarMsgs` with `canStarMsg`, `Msg.search`, `WAWebApiMessageInfoStore.queryMsgInfo`,
 * `WAWebSendPinMessageAction.sendPinInChatMsg` with `WAWebPinMsgConstants`, `Msg.get` and
 * `getMessagesById`), the chat's pins (`WAWebPinInChatSchema`) and a message's reactions
 * (`WAWebCollections.Reactions`), proven on the simulator by an unmodified whatsapp-web.js; the phone
 * sees stars, pins and reads.
 */
import { useSimulatorHarnesses } from '../helpers/use-simulator';
import { WwebjsHarness } from '../helpers/wwebjs';
import { until, untilTrue } from '../helpers/until';

const env = useSimulatorHarnesses('waweb-wwebjs-msg-actions-', (sim, dir) => ({ harness: new WwebjsHarness(sim, dir) }));

interface WMessage {
  id: { _serialized: string; id: string };
  body: string;
  isStarred: boolean;
  star(): Promise<void>;
  unstar(): Promise<void>;
  pin(duration: number): Promise<boolean>;
  unpin(): Promise<boolean>;
  delete(everyone?: boolean): Promise<void>;
  getInfo(): Promise<{ delivery: Array<{ id: { _serialized: string }; t: number }>; read: unknown[]; readRemaining: number } | null>;
  reload(): Promise<WMessage | null>;
  react(reaction: string): Promise<void>;
  hasReaction: boolean;
  getReactions(): Promise<WReactionList[] | undefined>;
}
interface WReactionList {
  id: string;
  aggregateEmoji: string;
  hasReactionByMe: boolean;
  senders: Array<{ senderId: string; reaction: string; timestamp: number; msgId: { _serialized?: string } | string }>;
}
interface WChat {
  getPinnedMessages(): Promise<WMessage[]>;
}
interface WClient {
  sendMessage(id: string, text: string): Promise<WMessage>;
  getMessageById(id: string): Promise<WMessage | null>;
  searchMessages(query: string, options?: { chatId?: string; page?: number; limit?: number }): Promise<WMessage[]>;
  getPinnedMessages(chatId: string): Promise<WMessage[]>;
  getChatById(chatId: string): Promise<WChat>;
  on(event: string, listener: (...args: any[]) => void): void;
}

test('star, pin, info, search and lookup of messages: the phone sees stars, pins and reads', async () => {
  const number = '15550000601';
  const contact = '15557770601';
  const client = await env.harness.linked<WClient>(number);
  const phone = env.sim.phone(number);
  const incoming: WMessage[] = [];
  client.on('message', (msg: WMessage) => incoming.push(msg));

  await phone.receiveText(contact, 'the quick brown fox');
  const [received] = await until(() => (incoming.length === 1 ? incoming : undefined), 'the message');
  const sent = await client.sendMessage(`${contact}@c.us`, 'a lazy dog');

  // Stars, on both sides.
  await received!.star();
  await until(
    () => (phone.receivedMessages().find((m) => m.body === 'the quick brown fox')?.starred === true ? true : undefined),
    'the star',
  );
  expect((await received!.reload())?.isStarred).toBe(true);
  await received!.unstar();
  await until(
    () => (phone.receivedMessages().find((m) => m.body === 'the quick brown fox')?.starred === false ? true : undefined),
    'the unstar',
  );

  // Pins.
  expect(await sent.pin(86_400)).toBe(true);
  await untilTrue(() => phone.sentMessages().find((m) => m.body === 'a lazy dog')?.pinned === true, 'the pin');
  expect(await sent.unpin()).toBe(true);
  await untilTrue(() => phone.sentMessages().find((m) => m.body === 'a lazy dog')?.pinned === false, 'the unpin');

  // Per-recipient receipts: delivered now, read once the contact reads it.
  const delivered = await sent.getInfo();
  expect(delivered?.delivery.map((d) => d.id._serialized)).toEqual([`${contact}@c.us`]);
  expect(delivered?.read).toEqual([]);
  expect(delivered?.readRemaining).toBe(1);
  await phone.markRead(sent.id.id);
  const read = await until(async () => {
    const info = await sent.getInfo();
    return info?.read.length === 1 ? info : undefined;
  }, 'the read receipt');
  expect(read.readRemaining).toBe(0);
  expect(await received!.getInfo()).toBeNull();

  // Search (any case, in one chat or all) and lookup by id.
  expect((await client.searchMessages('QUICK')).map((m) => m.body)).toEqual(['the quick brown fox']);
  expect((await client.searchMessages('o', { chatId: `${contact}@c.us` })).map((m) => m.body)).toEqual([
    'a lazy dog',
    'the quick brown fox',
  ]);
  expect((await client.searchMessages('o', { chatId: `${contact}@c.us`, page: 2, limit: 1 })).map((m) => m.body)).toEqual([
    'the quick brown fox',
  ]);
  expect(await client.searchMessages('nothing like it')).toEqual([]);
  expect((await client.getMessageById(received!.id._serialized))?.body).toBe('the quick brown fox');
  expect(await client.getMessageById(`false_${contact}@c.us_3EB0000000000000DEAD`)).toBeNull();
});

test('message_revoke_me for a new message deleted on this device; message_revoke_everyone for one the contact revoked', async () => {
  const number = '15550000602';
  const contact = '15557770602';
  const client = await env.harness.linked<WClient>(number);
  const phone = env.sim.phone(number);
  const revokedMe: WMessage[] = [];
  const revokedEveryone: WMessage[] = [];
  client.on('message_revoke_me', (msg: WMessage) => revokedMe.push(msg));
  client.on('message_revoke_everyone', (msg: WMessage) => revokedEveryone.push(msg));

  const oops = await client.sendMessage(`${contact}@c.us`, 'oops');
  await oops.delete(false);
  await untilTrue(() => revokedMe.length === 1, 'message_revoke_me');
  expect(revokedMe[0]?.body).toBe('oops');

  const wire = await phone.receiveText(contact, 'a secret');
  await phone.revoke(wire.id);
  await untilTrue(() => revokedEveryone.length === 1, 'message_revoke_everyone');
  expect(revokedEveryone[0]?.id.id).toBe(wire.id);
});

test('a caption edit of a media message is message_edit with the new and the previous caption', async () => {
  const number = '15550000603';
  const contact = '15557770603';
  const client = await env.harness.linked<WClient>(number);
  const phone = env.sim.phone(number);
  const edits: Array<[string, string, string]> = [];
  client.on('message_edit', (msg: WMessage, body: string, previous: string) => edits.push([msg.body, body, previous]));
  const wire = await phone.receiveMedia(contact, { data: Buffer.from('a picture'), mimetype: 'image/jpeg', caption: 'old caption' });
  await phone.edit(wire.id, 'new caption');
  await untilTrue(() => edits.length === 1, 'message_edit');
  expect(edits).toEqual([['new caption', 'new caption', 'old caption']]);
});

test("getPinnedMessages() lists the chat's pins, this device's and the contact's; an unpin takes one away", async () => {
  const number = '15550000604';
  const contact = '15557770604';
  const client = await env.harness.linked<WClient>(number);
  const phone = env.sim.phone(number);
  const chatId = `${contact}@c.us`;
  const bodies = async (): Promise<string[]> => (await client.getPinnedMessages(chatId)).map((m) => m.body).sort();

  const wire = await phone.receiveText(contact, 'from the contact');
  await until(async () => (await client.getMessageById(`false_${chatId}_${wire.id}`)) ?? undefined, 'the message');
  const sent = await client.sendMessage(chatId, 'from this device');
  expect(await bodies()).toEqual([]);

  expect(await sent.pin(3600)).toBe(true);
  expect(await (await client.getChatById(chatId)).getPinnedMessages()).toEqual([expect.objectContaining({ body: 'from this device' })]);
  await phone.pin(wire.id, true);
  await until(async () => ((await bodies()).length === 2 ? true : undefined), "the contact's pin");
  expect(await bodies()).toEqual(['from the contact', 'from this device']);

  expect(await sent.unpin()).toBe(true);
  expect(await bodies()).toEqual(['from the contact']);
  await phone.pin(wire.id, false);
  await until(async () => ((await bodies()).length === 0 ? true : undefined), "the contact's unpin");
  expect(await client.getPinnedMessages('15557770699@c.us')).toEqual([]);
});

test("getReactions() groups a message's reactions by emoji with their senders; a message without any has none", async () => {
  const number = '15550000605';
  const contact = '15557770605';
  const client = await env.harness.linked<WClient>(number);
  const phone = env.sim.phone(number);
  const chatId = `${contact}@c.us`;
  const wire = await phone.receiveText(contact, 'react to me');
  const received = await until(async () => (await client.getMessageById(`false_${chatId}_${wire.id}`)) ?? undefined, 'the message');
  const sent = await client.sendMessage(chatId, 'no reactions here');
  expect(received.hasReaction).toBe(false);
  expect(await received.getReactions()).toBeUndefined();

  await received.react('👍');
  await phone.react(wire.id, '👍');
  await phone.react(sent.id.id, '🎉');
  const reacted = await until(async () => {
    const fresh = await received.reload();
    return fresh?.hasReaction === true && (await fresh.getReactions())?.[0]?.senders.length === 2 ? fresh : undefined;
  }, 'both reactions');
  const [thumbs] = (await reacted.getReactions())!;
  expect(thumbs).toMatchObject({ id: '👍', aggregateEmoji: '👍', hasReactionByMe: true });
  expect(thumbs!.senders.map((r) => [r.senderId, r.reaction])).toEqual([
    [`${number}@c.us`, '👍'],
    [chatId, '👍'],
  ]);
  expect(thumbs!.senders[0]!.timestamp).toBeLessThan(Date.now() / 1000 + 1);
  const party = await until(async () => (await (await sent.reload())?.getReactions()) ?? undefined, 'the reaction to the own message');
  expect(party).toEqual([expect.objectContaining({ id: '🎉', hasReactionByMe: false })]);

  // Taken back: the contact's reaction is gone, this device's stays.
  await phone.react(wire.id, '');
  await until(
    async () => ((await (await received.reload())?.getReactions())?.[0]?.senders.length === 1 ? true : undefined),
    'the take-back',
  );
});

// eslint-disable-next-line @typescript-eslint/no-require-imports -- whatsapp-web.js is CommonJS; only MessageMedia is declared here
const { MessageMedia } = require('whatsapp-web.js') as { MessageMedia: new (mimetype: string, data: string) => unknown };
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';

test("an own media message's caption edits (canEditCaption): the phone sees the new caption, message_edit fires", async () => {
  const number = '15550000606';
  const contact = '15557770606';
  const client = await env.harness.linked<
    WClient & { sendMessage(id: string, m: unknown, o: unknown): Promise<WMessage & { edit(text: string): Promise<WMessage | null> }> }
  >(number);
  const phone = env.sim.phone(number);
  const edits: Array<[string, string, string]> = [];
  client.on('message_edit', (msg: WMessage, body: string, previous: string) => edits.push([msg.body, body, previous]));
  const sent = await client.sendMessage(`${contact}@c.us`, new MessageMedia('image/png', PNG), { caption: 'first caption' });
  const edited = await sent.edit('second caption');
  expect(edited?.body).toBe('second caption');
  await untilTrue(() => phone.sentMedia(sent.id.id).caption === 'second caption', 'the new caption on the phone');
  await untilTrue(() => edits.length === 1, 'message_edit');
  expect(edits).toEqual([['second caption', 'second caption', 'first caption']]);
});
