/**
 * Issue 26, chats: waweb's chat actions (archive, pin, mute, mark unread, clear, delete, history on demand) and chat events
 * (`chat_archived`, `chat_removed`, `unread_count`) on the simulator, the same scenario
 * test/e2e/wwebjs-chats.test.ts runs with an unmodified whatsapp-web.js; the account's phone sees each change.
 */
import { IncompatibleWebError, InvalidOptionError, NoAuth, PrivateChat, type Chat, type WebContractReport } from '../../src/index';
import { ClientHarness, type TrackedClient } from '../helpers/client';
import { useSimulatorHarnesses } from '../helpers/use-simulator';
import { until, untilTrue } from '../helpers/until';

const env = useSimulatorHarnesses('waweb-client-chat-actions-', (sim, dir) => ({ h: new ClientHarness(sim, dir) }));

let normal: string;
beforeAll(() => {
  normal = env.sim.liveBuild;
});
afterEach(() => {
  env.sim.setLiveBuild(normal);
});

async function ready(number: string): Promise<TrackedClient> {
  const c = env.h.create({ scanAs: number, options: { authStrategy: new NoAuth() } });
  await c.client.initialize();
  await c.until('ready');
  return c;
}

test('archive, pin, mute and mark unread: the phone sees each, chat_archived and unread_count fire, the chat reads back', async () => {
  const number = '15553000601';
  const contact = '15557770601';
  const chatId = `${contact}@c.us`;
  const { client } = await ready(number);
  const phone = env.sim.phone(number);
  const archived: Array<[Chat, boolean, boolean]> = [];
  const unread: Chat[] = [];
  client.on('chat_archived', (chat, current, previous) => archived.push([chat, current, previous]));
  client.on('unread_count', (chat) => unread.push(chat));
  await phone.receiveText(contact, 'hello');
  await untilTrue(async () => (await client.getChats()).some((c) => c.id._serialized === chatId), 'the chat');

  expect(await client.archiveChat(chatId)).toBe(true);
  await untilTrue(() => phone.chatSettings(chatId)?.archived === true, 'the archive reaching the phone');
  expect((await client.getChatById(chatId)).archived).toBe(true);
  expect(await client.unarchiveChat(chatId)).toBe(false);
  await untilTrue(() => phone.chatSettings(chatId)?.archived === false, 'the unarchive reaching the phone');
  await untilTrue(() => archived.length === 2, 'two chat_archived events');
  expect(archived.map(([chat, current, previous]) => [chat.id._serialized, current, previous])).toEqual([
    [chatId, true, false],
    [chatId, false, true],
  ]);
  // The payload is a Chat as it was once changed.
  expect(archived[0]![0]).toBeInstanceOf(PrivateChat);
  expect(archived.map(([chat]) => chat.archived)).toEqual([true, false]);

  expect(await client.pinChat(chatId)).toBe(true);
  await untilTrue(() => phone.chatSettings(chatId)?.pinned === true, 'the pin reaching the phone');
  expect((await client.getChatById(chatId)).pinned).toBe(true);
  expect(await client.pinChat(chatId)).toBe(true);
  expect(await client.unpinChat(chatId)).toBe(false);
  await untilTrue(() => phone.chatSettings(chatId)?.pinned === false, 'the unpin reaching the phone');
  expect(await client.unpinChat(chatId)).toBe(false);

  const until2030 = new Date('2030-01-01T00:00:00Z');
  expect(await client.muteChat(chatId, until2030)).toEqual({ isMuted: true, muteExpiration: until2030.getTime() / 1000 });
  await untilTrue(() => phone.chatSettings(chatId)?.muteExpiration === until2030.getTime() / 1000, 'the mute');
  expect(await client.unmuteChat(chatId)).toEqual({ isMuted: false, muteExpiration: 0 });
  await untilTrue(() => phone.chatSettings(chatId)?.muteExpiration === 0, 'the unmute');
  await expect(client.muteChat(chatId, new Date(Number.NaN))).rejects.toBeInstanceOf(InvalidOptionError);

  // Through the Chat: mute forever (-1), and the object follows; archive, pin and unpin round trip.
  const chat = await client.getChatById(chatId);
  expect(await chat.mute()).toEqual({ isMuted: true, muteExpiration: -1 });
  expect(chat).toMatchObject({ isMuted: true, muteExpiration: -1 });
  await untilTrue(() => phone.chatSettings(chatId)?.muteExpiration === -1, 'the mute forever');
  expect(await chat.unmute()).toEqual({ isMuted: false, muteExpiration: 0 });
  expect(chat).toMatchObject({ isMuted: false, muteExpiration: 0 });
  // Declared void, resolving the new state at run time as in whatsapp-web.js (bots read it).
  expect(await (chat.archive() as Promise<unknown>)).toBe(true);
  await untilTrue(() => phone.chatSettings(chatId)?.archived === true, 'chat.archive() reaching the phone');
  expect(await (chat.unarchive() as Promise<unknown>)).toBe(false);
  await untilTrue(() => phone.chatSettings(chatId)?.archived === false, 'chat.unarchive() reaching the phone');
  expect(await chat.pin()).toBe(true);
  expect(await chat.unpin()).toBe(false);
  await untilTrue(() => phone.chatSettings(chatId)?.pinned === false, 'chat.unpin() reaching the phone');

  // Read first (so the mark is what makes it unread), then marked unread.
  await chat.sendSeen();
  await client.markChatUnread(chatId);
  await untilTrue(() => phone.chatSettings(chatId)?.markedUnread === true, 'the unread mark reaching the phone');
  expect((await client.getChatById(chatId)).unreadCount).toBe(-1);
  const marked = await until(() => unread.find((c) => c.id._serialized === chatId && c.unreadCount === -1), 'unread_count with the mark');
  expect(marked).toBeInstanceOf(PrivateChat);
});

test('pinChat refuses a fourth pin (whatsapp-web.js rule): false, and the phone sees no pin', async () => {
  const number = '15553000602';
  const contacts = ['15557770611', '15557770612', '15557770613', '15557770614'];
  const { client } = await ready(number);
  const phone = env.sim.phone(number);
  for (const contact of contacts) await phone.receiveText(contact, `hi from ${contact}`);
  const ids = contacts.map((c) => `${c}@c.us`);
  const listed = await until(async () => {
    const chats = (await client.getChats()).map((c) => c.id._serialized);
    return ids.every((id) => chats.includes(id)) ? chats : undefined;
  }, 'four chats');
  // The app's list order decides which pin is the third: pin in that order.
  const order = listed.filter((id) => ids.includes(id));
  for (const id of order.slice(0, 3)) expect(await client.pinChat(id)).toBe(true);
  expect(await client.pinChat(order[3]!)).toBe(false);
  await untilTrue(() => order.slice(0, 3).every((id) => phone.chatSettings(id)?.pinned === true), 'three pins');
  expect(phone.chatSettings(order[3]!)?.pinned).toBeUndefined();
  expect((await client.getChatById(order[3]!)).pinned).toBe(false);
  // The Chat's own markUnread reaches the phone too.
  await (await client.getChatById(order[3]!)).markUnread();
  await untilTrue(() => phone.chatSettings(order[3]!)?.markedUnread === true, 'chat.markUnread() reaching the phone');
  // One unpinned, the fourth may be pinned.
  expect(await client.unpinChat(order[2]!)).toBe(false);
  expect(await client.pinChat(order[3]!)).toBe(true);
});

test('clear and delete: the messages go, chat_removed fires, the phone sees both', async () => {
  const number = '15553000603';
  const contact = '15557770603';
  const chatId = `${contact}@c.us`;
  const { client } = await ready(number);
  const phone = env.sim.phone(number);
  const removed: Chat[] = [];
  client.on('chat_removed', (chat) => removed.push(chat));
  await phone.receiveText(contact, 'one');
  await phone.receiveText(contact, 'two');
  await untilTrue(async () => (await (await client.getChatById(chatId)).fetchMessages()).length === 2, 'two messages');

  expect(await (await client.getChatById(chatId)).clearMessages()).toBe(true);
  expect(await (await client.getChatById(chatId)).fetchMessages()).toEqual([]);
  await untilTrue(() => phone.chatSettings(chatId)?.cleared === true, 'the clear reaching the phone');

  expect(await (await client.getChatById(chatId)).delete()).toBe(true);
  await untilTrue(() => removed.length === 1, 'chat_removed');
  expect(removed[0]).toBeInstanceOf(PrivateChat);
  expect(removed.map((c) => c.id._serialized)).toEqual([chatId]);
  expect((await client.getChats()).map((c) => c.id._serialized)).not.toContain(chatId);
  await untilTrue(() => phone.chatSettings(chatId)?.deleted === true, 'the delete reaching the phone');
});

test('a build without the delete module: web_contract names chat-actions, delete() rejects with INCOMPATIBLE_WEB, the rest works', async () => {
  const build = '2.3000.1026000601';
  env.sim.setLiveBuild(build, { without: ['WAWebDeleteChatAction'] });
  const number = '15553000604';
  const contact = '15557770604';
  const chatId = `${contact}@c.us`;
  const c = env.h.create({ scanAs: number, options: { authStrategy: new NoAuth() } });
  const reports: WebContractReport[] = [];
  c.client.on('web_contract', (report) => reports.push(report));
  await c.client.initialize();
  await c.until('ready');
  expect(reports).toEqual([
    {
      build,
      missing: [{ module: 'WAWebDeleteChatAction', member: 'sendDelete', feature: 'chat-actions', expected: 'function', found: 'missing' }],
    },
  ]);
  await env.sim.phone(number).receiveText(contact, 'hello');
  const chat = await until(async () => (await c.client.getChats()).find((ch) => ch.id._serialized === chatId), 'the chat');
  const err = await chat.delete().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(IncompatibleWebError);
  expect((err as IncompatibleWebError).code).toBe('INCOMPATIBLE_WEB');
  await expect(c.client.archiveChat(chatId)).rejects.toBeInstanceOf(IncompatibleWebError);
  expect(env.sim.phone(number).chatSettings(chatId)?.deleted).toBeUndefined();
  // What does not need the feature still works.
  expect((await chat.fetchMessages()).map((m) => m.body)).toEqual(['hello']);
});

test("syncHistory() asks the phone for a chat's older messages that history sync left behind; false once the device has them all", async () => {
  const number = '15553000605';
  const older = '15557770605@c.us';
  const recent = '15557770606@c.us';
  const phone = env.sim.phone(number);
  for (let i = 0; i < 102; i++) await phone.addHistory(older, `old ${i}`, 100_000 - i);
  await phone.addHistory(recent, 'recent', 10);
  const { client } = await ready(number);
  const count = async (id: string): Promise<number> => (await (await client.getChatById(id)).fetchMessages()).length;
  await until(async () => ((await count(older)) === 99 ? true : undefined), 'the synced history');

  expect(await client.syncHistory(recent)).toBe(false);
  expect(await (await client.getChatById(older)).syncHistory()).toBe(true);
  await until(async () => ((await count(older)) === 102 ? true : undefined), "the chat's older messages");
  expect(phone.historyRequests()).toEqual([older]);
  expect(await client.syncHistory(older)).toBe(false);
  expect(await client.syncHistory('15557770699')).toBe(false);
  expect(phone.historyRequests()).toEqual([older]);
  await expect(client.syncHistory('')).rejects.toBeInstanceOf(InvalidOptionError);
});
