/**
 * Issue 26: the message calls beyond sending through waweb's Client (star, pin, per-recipient
 * receipts, search, lookup, reload, a chat's pins, a message's reactions), the same scenarios
 * test/e2e/wwebjs-message-actions.test.ts runs with an unmodified whatsapp-web.js; the phone sees stars,
 * pins and reads.
 */
import { InvalidOptionError, MessageMedia, NoAuth, Reaction } from '../../src/index';
import { ClientHarness } from '../helpers/client';
import { useSimulatorHarnesses } from '../helpers/use-simulator';
import { until, untilTrue } from '../helpers/until';

const env = useSimulatorHarnesses('waweb-client-msg-actions-', (sim, dir) => ({ h: new ClientHarness(sim, dir) }));

test('star, pin, info, search, lookup and reload of messages: the phone sees stars, pins and reads', async () => {
  const number = '15553006001';
  const contact = '15557776001';
  const c = env.h.create({ scanAs: number, options: { authStrategy: new NoAuth() } });
  await c.client.initialize();
  await c.until('ready');
  const client = c.client;
  const phone = env.sim.phone(number);

  await phone.receiveText(contact, 'the quick brown fox');
  const [received] = await c.until('message');
  const sent = await client.sendMessage(`${contact}@c.us`, 'a lazy dog');

  expect(received.isStarred).toBe(false);
  await received.star();
  expect(received.isStarred).toBe(true);
  await until(
    () => (phone.receivedMessages().find((m) => m.body === 'the quick brown fox')?.starred === true ? true : undefined),
    'the star',
  );
  const fresh = await client.getMessageById(received.id._serialized);
  expect(fresh?.isStarred).toBe(true);
  await received.unstar();
  await until(
    () => (phone.receivedMessages().find((m) => m.body === 'the quick brown fox')?.starred === false ? true : undefined),
    'the unstar',
  );
  expect((await fresh.reload())?.isStarred).toBe(false);

  expect(await sent.pin(86_400)).toBe(true);
  await untilTrue(() => phone.sentMessages().find((m) => m.body === 'a lazy dog')?.pinned === true, 'the pin');
  expect(await sent.unpin()).toBe(true);
  await untilTrue(() => phone.sentMessages().find((m) => m.body === 'a lazy dog')?.pinned === false, 'the unpin');
  await expect(sent.pin(0)).rejects.toBeInstanceOf(InvalidOptionError);

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
  expect(read.read[0]?.t).toBeGreaterThanOrEqual(sent.timestamp);
  expect(await received.getInfo()).toBeNull();

  expect((await client.searchMessages('QUICK')).map((m) => m.body)).toEqual(['the quick brown fox']);
  expect((await client.searchMessages('o', { chatId: `${contact}@c.us` })).map((m) => m.body)).toEqual([
    'a lazy dog',
    'the quick brown fox',
  ]);
  expect((await client.searchMessages('o', { chatId: `${contact}@c.us`, page: 2, limit: 1 })).map((m) => m.body)).toEqual([
    'the quick brown fox',
  ]);
  expect(await client.searchMessages('nothing like it')).toEqual([]);
  await expect(client.searchMessages('o', { limit: 0 })).rejects.toBeInstanceOf(InvalidOptionError);
  expect(await client.getMessageById(`false_${contact}@c.us_3EB0000000000000DEAD`)).toBeNull();
  await expect(client.getMessageById('not an id')).rejects.toBeInstanceOf(InvalidOptionError);

  // Mentions give their contacts; a chat gives its contact.
  const mention = await client.sendMessage(`${contact}@c.us`, `hi @${contact}`, { mentions: [`${contact}@c.us`] });
  expect((await mention.getMentions()).map((m) => m.id._serialized)).toEqual([`${contact}@c.us`]);
  expect((await (await mention.getChat()).getContact()).id._serialized).toBe(`${contact}@c.us`);
});

async function ready(number: string) {
  const c = env.h.create({ scanAs: number, options: { authStrategy: new NoAuth() } });
  await c.client.initialize();
  await c.until('ready');
  return c;
}

test("getPinnedMessages() lists the chat's pins, this device's and the contact's; an unpin takes one away", async () => {
  const number = '15553006002';
  const contact = '15557776002';
  const { client } = await ready(number);
  const phone = env.sim.phone(number);
  const chatId = `${contact}@c.us`;
  const bodies = async (): Promise<string[]> => (await client.getPinnedMessages(chatId)).map((m) => m.body).sort();

  const wire = await phone.receiveText(contact, 'from the contact');
  await until(async () => (await client.getMessageById(`false_${chatId}_${wire.id}`)) ?? undefined, 'the message');
  const sent = await client.sendMessage(chatId, 'from this device');
  expect(await bodies()).toEqual([]);

  expect(await sent.pin(3600)).toBe(true);
  const pinned = await (await client.getChatById(chatId)).getPinnedMessages();
  expect(pinned.map((m) => m.id._serialized)).toEqual([sent.id._serialized]);
  await phone.pin(wire.id, true);
  await until(async () => ((await bodies()).length === 2 ? true : undefined), "the contact's pin");
  expect(await bodies()).toEqual(['from the contact', 'from this device']);

  expect(await sent.unpin()).toBe(true);
  expect(await bodies()).toEqual(['from the contact']);
  await phone.pin(wire.id, false);
  await until(async () => ((await bodies()).length === 0 ? true : undefined), "the contact's unpin");
  expect(await client.getPinnedMessages('15557776099@c.us')).toEqual([]);
  await expect(client.getPinnedMessages('')).rejects.toBeInstanceOf(InvalidOptionError);
});

test("getReactions() groups a message's reactions by emoji with their senders; a message without any has none", async () => {
  const number = '15553006003';
  const contact = '15557776003';
  const { client } = await ready(number);
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
  const [thumbs] = await reacted.getReactions();
  expect(thumbs).toMatchObject({ id: '👍', aggregateEmoji: '👍', hasReactionByMe: true });
  expect(thumbs!.senders.map((r) => [r.senderId, r.reaction])).toEqual([
    [`${number}@c.us`, '👍'],
    [chatId, '👍'],
  ]);
  expect(thumbs!.senders[0]).toBeInstanceOf(Reaction);
  expect(thumbs!.senders[1]!.msgId._serialized).toBe(received.id._serialized);
  expect(thumbs!.senders[0]!.timestamp).toBeLessThan(Date.now() / 1000 + 1);
  const party = await until(async () => (await (await sent.reload())?.getReactions()) ?? undefined, 'the reaction to the own message');
  expect(party).toEqual([expect.objectContaining({ id: '🎉', hasReactionByMe: false })]);

  await phone.react(wire.id, '');
  await until(
    async () => ((await (await received.reload())?.getReactions())?.[0]?.senders.length === 1 ? true : undefined),
    'the take-back',
  );
});

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';

test("an own media message's caption edits (canEditCaption): the phone sees the new caption, message_edit fires", async () => {
  const number = '15553006004';
  const contact = '15557776004';
  const c = await ready(number);
  const phone = env.sim.phone(number);
  const sent = await c.client.sendMessage(`${contact}@c.us`, new MessageMedia('image/png', PNG), { caption: 'first caption' });
  const edited = await sent.edit('second caption');
  expect(edited?.body).toBe('second caption');
  await untilTrue(() => phone.sentMedia(sent.id.id).caption === 'second caption', 'the new caption on the phone');
  const [message, body, previous] = await c.until('message_edit');
  expect([message.id.id, message.body, body, previous]).toEqual([sent.id.id, 'second caption', 'second caption', 'first caption']);
  // Someone else's media is not ours to edit.
  const wire = await phone.receiveMedia(contact, { data: Buffer.from('a picture'), mimetype: 'image/jpeg', caption: 'theirs' });
  const theirs = await until(async () => (await c.client.getMessageById(`false_${contact}@c.us_${wire.id}`)) ?? undefined, 'their image');
  expect(await theirs.edit('mine now')).toBeNull();
});
