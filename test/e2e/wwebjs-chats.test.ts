/**
 * Issue 26: the chat actions whatsapp-web.js 1.34.7 calls (`WAWebCmd.Cmd` archiveChat, pinChat,
 * markChatUnread; a chat's `mute`; `WAWebChatClearBridge`, `WAWebDeleteChatAction`) and the events it
 * builds on the `Chat` collection (`chat_archived`, `chat_removed`, `unread_count`), and on-demand history
 * sync (a chat's `endOfHistoryTransferType`, `WAWebSendNonMessageDataRequest`), proven on the simulator by
 * an unmodified whatsapp-web.js; the account's phone sees each change.
 */
import { useSimulatorHarnesses } from '../helpers/use-simulator';
import { WwebjsHarness } from '../helpers/wwebjs';
import { until, untilTrue } from '../helpers/until';

const env = useSimulatorHarnesses('waweb-wwebjs-chats-', (sim, dir) => ({ harness: new WwebjsHarness(sim, dir) }));

interface WChat {
  id: { _serialized: string };
  archived: boolean;
  pinned: boolean;
  isMuted: boolean;
  muteExpiration: number;
  unreadCount: number;
  clearMessages(): Promise<boolean>;
  delete(): Promise<boolean>;
  markUnread(): Promise<void>;
  fetchMessages(options: { limit?: number }): Promise<unknown[]>;
  syncHistory(): Promise<boolean>;
}
interface WClient {
  archiveChat(id: string): Promise<boolean>;
  unarchiveChat(id: string): Promise<boolean>;
  pinChat(id: string): Promise<boolean>;
  unpinChat(id: string): Promise<boolean>;
  muteChat(id: string, until?: Date): Promise<{ isMuted: boolean; muteExpiration: number }>;
  unmuteChat(id: string): Promise<{ isMuted: boolean; muteExpiration: number }>;
  getChatById(id: string): Promise<WChat>;
  getChats(): Promise<WChat[]>;
  syncHistory(id: string): Promise<boolean>;
  on(event: string, listener: (...args: any[]) => void): void;
}

test('archive, pin, mute and mark unread: the phone sees each, chat_archived and unread_count fire, the chat reads back', async () => {
  const number = '15550000501';
  const contact = '15557770501';
  const chatId = `${contact}@c.us`;
  const client = await env.harness.linked<WClient>(number);
  const phone = env.sim.phone(number);
  const archived: Array<[string, boolean, boolean]> = [];
  const unread: Array<[string, number]> = [];
  client.on('chat_archived', (chat: WChat, current: boolean, previous: boolean) => archived.push([chat.id._serialized, current, previous]));
  client.on('unread_count', (chat: WChat) => unread.push([chat.id._serialized, chat.unreadCount]));
  await phone.receiveText(contact, 'hello');
  await untilTrue(async () => (await client.getChats()).some((c) => c.id._serialized === chatId), 'the chat');

  expect(await client.archiveChat(chatId)).toBe(true);
  await untilTrue(() => phone.chatSettings(chatId)?.archived === true, 'the archive reaching the phone');
  expect((await client.getChatById(chatId)).archived).toBe(true);
  await client.unarchiveChat(chatId);
  await untilTrue(() => phone.chatSettings(chatId)?.archived === false, 'the unarchive reaching the phone');
  await untilTrue(() => archived.length === 2, 'two chat_archived events');
  expect(archived).toEqual([
    [chatId, true, false],
    [chatId, false, true],
  ]);

  expect(await client.pinChat(chatId)).toBe(true);
  await untilTrue(() => phone.chatSettings(chatId)?.pinned === true, 'the pin reaching the phone');
  expect((await client.getChatById(chatId)).pinned).toBe(true);
  await client.unpinChat(chatId);
  await untilTrue(() => phone.chatSettings(chatId)?.pinned === false, 'the unpin reaching the phone');

  const until2030 = new Date('2030-01-01T00:00:00Z');
  expect(await client.muteChat(chatId, until2030)).toEqual({ isMuted: true, muteExpiration: until2030.getTime() / 1000 });
  await untilTrue(() => phone.chatSettings(chatId)?.muteExpiration === until2030.getTime() / 1000, 'the mute');
  expect(await client.unmuteChat(chatId)).toEqual({ isMuted: false, muteExpiration: 0 });
  await untilTrue(() => phone.chatSettings(chatId)?.muteExpiration === 0, 'the unmute');

  // Read first (so the mark is what makes it unread), then marked unread.
  const chat = await client.getChatById(chatId);
  await (chat as unknown as { sendSeen(): Promise<boolean> }).sendSeen();
  await chat.markUnread();
  await untilTrue(() => phone.chatSettings(chatId)?.markedUnread === true, 'the unread mark reaching the phone');
  expect((await client.getChatById(chatId)).unreadCount).toBe(-1);
  await untilTrue(() => unread.some(([id, count]) => id === chatId && count === -1), 'unread_count with the mark');
});

test('clear and delete: the messages go, chat_removed fires, the phone sees both', async () => {
  const number = '15550000502';
  const contact = '15557770502';
  const chatId = `${contact}@c.us`;
  const client = await env.harness.linked<WClient>(number);
  const phone = env.sim.phone(number);
  const removed: string[] = [];
  client.on('chat_removed', (chat: WChat) => removed.push(chat.id._serialized));
  await phone.receiveText(contact, 'one');
  await phone.receiveText(contact, 'two');
  await untilTrue(async () => (await (await client.getChatById(chatId)).fetchMessages({})).length === 2, 'two messages');

  expect(await (await client.getChatById(chatId)).clearMessages()).toBe(true);
  expect(await (await client.getChatById(chatId)).fetchMessages({})).toEqual([]);
  await untilTrue(() => phone.chatSettings(chatId)?.cleared === true, 'the clear reaching the phone');

  expect(await (await client.getChatById(chatId)).delete()).toBe(true);
  await untilTrue(() => removed.length === 1, 'chat_removed');
  expect(removed).toEqual([chatId]);
  // whatsapp-web.js looks the removed chat up for its event (findOrCreateLatestChat), which may bring an empty one back.
  for (const chat of (await client.getChats()).filter((c) => c.id._serialized === chatId)) expect(await chat.fetchMessages({})).toEqual([]);
  await untilTrue(() => phone.chatSettings(chatId)?.deleted === true, 'the delete reaching the phone');
});

test('pinChat refuses a fourth pin: false, and the phone sees no pin (the rule waweb mirrors)', async () => {
  const number = '15550000503';
  const contacts = ['15557770511', '15557770512', '15557770513', '15557770514'];
  const client = await env.harness.linked<WClient>(number);
  const phone = env.sim.phone(number);
  for (const contact of contacts) await phone.receiveText(contact, `hi from ${contact}`);
  const ids = contacts.map((c) => `${c}@c.us`);
  const listed = await until(async () => {
    const chats = (await client.getChats()).map((c) => c.id._serialized);
    return ids.every((id) => chats.includes(id)) ? chats : undefined;
  }, 'four chats');
  // whatsapp-web.js reads the app's list order: the third chat of it pinned means no more pins.
  const order = listed.filter((id) => ids.includes(id));
  for (const id of order.slice(0, 3)) expect(await client.pinChat(id)).toBe(true);
  expect(await client.pinChat(order[3]!)).toBe(false);
  await untilTrue(() => order.slice(0, 3).every((id) => phone.chatSettings(id)?.pinned === true), 'three pins');
  expect(phone.chatSettings(order[3]!)?.pinned).toBeUndefined();
  expect(await client.unpinChat(order[2]!)).toBe(false);
  expect(await client.pinChat(order[3]!)).toBe(true);
});

test("syncHistory() asks the phone for a chat's older messages that history sync left behind; false once the device has them all", async () => {
  const number = '15550000504';
  const older = `15557770504@c.us`;
  const recent = `15557770505@c.us`;
  const phone = env.sim.phone(number);
  // History sync brings a new device the last 100 messages: three of this chat's stay on the phone.
  for (let i = 0; i < 102; i++) await phone.addHistory(older, `old ${i}`, 100_000 - i);
  await phone.addHistory(recent, 'recent', 10);
  const client = await env.harness.linked<WClient>(number);
  const count = async (id: string): Promise<number> => (await (await client.getChatById(id)).fetchMessages({ limit: 500 })).length;
  await until(async () => ((await count(older)) === 99 ? true : undefined), 'the synced history');

  expect(await client.syncHistory(recent)).toBe(false);
  expect(await (await client.getChatById(older)).syncHistory()).toBe(true);
  await until(async () => ((await count(older)) === 102 ? true : undefined), "the chat's older messages");
  expect(phone.historyRequests()).toEqual([older]);
  expect(await client.syncHistory(older)).toBe(false);
  expect(await client.syncHistory('15557770599@c.us')).toBe(false);
  expect(phone.historyRequests()).toEqual([older]);
});
