/**
 * Issue 26: the message calls beyond sending through waweb's Client (star, pin, per-recipient
 * receipts, search, lookup, reload), the same scenario test/e2e/wwebjs-message-actions.test.ts runs
 * with an unmodified whatsapp-web.js; the phone sees stars, pins and reads.
 */
import { InvalidOptionError, NoAuth } from '../../src/index';
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
