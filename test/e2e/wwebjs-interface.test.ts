/**
 * Issue 26: whatsapp-web.js 1.34.7's `client.interface` (`InterfaceController`) on the simulator, with
 * the unmodified package: `Cmd.openChatBottom`, `openDrawerMid`, `chatSearch`, `openChatAt` (with
 * `WAWebChatMessageSearch.getSearchContext`), `msgInfoDrawer`, `WAWebDrawerManager`'s
 * `closeDrawerRight`, and `WAWebCollections.Features`. What each call opens is read from the page's
 * DOM, as from the real app's window.
 */
import { useSimulatorHarnesses } from '../helpers/use-simulator';
import { until } from '../helpers/until';
import { WwebjsHarness } from '../helpers/wwebjs';
import { readView, type ViewOf } from '../helpers/app-view';

const env = useSimulatorHarnesses('waweb-wwebjs-interface-', (sim, dir) => ({ harness: new WwebjsHarness(sim, dir) }));

interface WInterface {
  openChatWindow(chatId: string): Promise<unknown>;
  openChatDrawer(chatId: string): Promise<void>;
  openChatSearch(chatId: string): Promise<void>;
  openChatWindowAt(msgId: string): Promise<void>;
  openMessageDrawer(msgId: string): Promise<void>;
  closeRightDrawer(): Promise<void>;
  getFeatures(): Promise<Record<string, string>>;
  checkFeatureStatus(feature: string): Promise<boolean>;
  enableFeatures(features: string[]): Promise<void>;
  disableFeatures(features: string[]): Promise<void>;
}
interface WClient {
  interface: WInterface;
  pupPage: ViewOf;
  sendMessage(id: string, text: string): Promise<{ id: { _serialized: string } }>;
  on(event: string, listener: (...args: any[]) => void): void;
}

test('interface: opens chats, drawers and a chat at a message in the app, and switches its features', async () => {
  const number = '15550000801';
  const alice = '15557770801@c.us';
  const bob = '15557770802@c.us';
  const client = await env.harness.linked<WClient>(number);
  const incoming: Array<{ id: { _serialized: string } }> = [];
  client.on('message', (msg: { id: { _serialized: string } }) => incoming.push(msg));
  await env.sim.phone(number).receiveText(alice.replace('@c.us', ''), 'from alice');
  const [fromAlice] = await until(() => (incoming.length === 1 ? incoming : undefined), 'the message');
  const toBob = await client.sendMessage(bob, 'to bob');
  const ui = client.interface;

  expect(await readView(client.pupPage)).toEqual({ chat: null, at: null, mid: null, right: null });
  expect(await ui.openChatWindow(alice)).toBe(true);
  expect(await readView(client.pupPage)).toMatchObject({ chat: alice, at: null });

  await ui.openChatDrawer(bob);
  expect(await readView(client.pupPage)).toMatchObject({ chat: alice, mid: { kind: 'chat-info', chat: bob } });

  await ui.openChatSearch(bob);
  expect(await readView(client.pupPage)).toMatchObject({ chat: bob, right: { kind: 'search', chat: bob } });

  await ui.openMessageDrawer(toBob.id._serialized);
  expect(await readView(client.pupPage)).toMatchObject({ right: { kind: 'msg-info', msg: toBob.id._serialized } });
  await ui.closeRightDrawer();
  expect(await readView(client.pupPage)).toMatchObject({ chat: bob, right: null, mid: { kind: 'chat-info' } });

  await ui.openChatWindowAt(fromAlice!.id._serialized);
  expect(await readView(client.pupPage)).toMatchObject({ chat: alice, at: fromAlice!.id._serialized });
  await ui.openChatWindow(bob);
  expect(await readView(client.pupPage)).toMatchObject({ chat: bob, at: null });

  const features = await ui.getFeatures();
  expect(features['MEDIA_EDITOR']).toBe('MEDIA_EDITOR');
  expect(await ui.checkFeatureStatus('MEDIA_EDITOR')).toBe(true);
  await ui.disableFeatures(['MEDIA_EDITOR', 'STICKER_MAKER']);
  expect(await ui.checkFeatureStatus('MEDIA_EDITOR')).toBe(false);
  expect(await ui.checkFeatureStatus('STICKER_MAKER')).toBe(false);
  await ui.enableFeatures(['STICKER_MAKER']);
  expect(await ui.checkFeatureStatus('STICKER_MAKER')).toBe(true);
  expect(await ui.checkFeatureStatus('MEDIA_EDITOR')).toBe(false);
  expect(await ui.checkFeatureStatus('NO_SUCH_FEATURE')).toBe(false);
});
