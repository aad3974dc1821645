/**
 * Issue 26: `client.interface` through waweb's Client, the scenario test/e2e/wwebjs-interface.test.ts
 * runs with an unmodified whatsapp-web.js; what each call opens is read from the app's DOM.
 */
import { InvalidOptionError, NoAuth, NotReadyError, PageError, type Message } from '../../src/index';
import { readView } from '../helpers/app-view';
import { ClientHarness } from '../helpers/client';
import { until } from '../helpers/until';
import { useSimulatorHarnesses } from '../helpers/use-simulator';

const env = useSimulatorHarnesses('waweb-client-interface-', (sim, dir) => ({ h: new ClientHarness(sim, dir) }));

test('interface: opens chats, drawers and a chat at a message in the app, and switches its features', async () => {
  const number = '15553008001';
  const alice = '15557778001@c.us';
  const bob = '15557778002@c.us';
  const c = env.h.create({ scanAs: number, options: { authStrategy: new NoAuth() } });
  await expect(c.client.interface!.closeRightDrawer()).rejects.toBeInstanceOf(NotReadyError);
  await c.client.initialize();
  await c.until('ready');
  const client = c.client;
  const page = client.pupPage!;
  const incoming: Message[] = [];
  client.on('message', (msg) => incoming.push(msg));
  await env.sim.phone(number).receiveText(alice.replace('@c.us', ''), 'from alice');
  const [fromAlice] = await until(() => (incoming.length === 1 ? incoming : undefined), 'the message');
  const toBob = await client.sendMessage(bob, 'to bob');
  const ui = client.interface!;
  expect(client.interface).toBe(ui);

  expect(await readView(page)).toEqual({ chat: null, at: null, mid: null, right: null });
  expect(await ui.openChatWindow(alice)).toBe(true);
  expect(await readView(page)).toMatchObject({ chat: alice, at: null });

  await ui.openChatDrawer(bob);
  expect(await readView(page)).toMatchObject({ chat: alice, mid: { kind: 'chat-info', chat: bob } });

  await ui.openChatSearch(bob);
  expect(await readView(page)).toMatchObject({ chat: bob, right: { kind: 'search', chat: bob } });

  await ui.openMessageDrawer(toBob.id._serialized);
  expect(await readView(page)).toMatchObject({ right: { kind: 'msg-info', msg: toBob.id._serialized } });
  await ui.closeRightDrawer();
  expect(await readView(page)).toMatchObject({ chat: bob, right: null, mid: { kind: 'chat-info' } });

  await ui.openChatWindowAt(fromAlice!.id._serialized);
  expect(await readView(page)).toMatchObject({ chat: alice, at: fromAlice!.id._serialized });
  await ui.openChatWindow(bob);
  expect(await readView(page)).toMatchObject({ chat: bob, at: null });
  await expect(ui.openMessageDrawer(`true_${bob}_3EB0000000000000DEAD`)).rejects.toBeInstanceOf(PageError);

  const features = (await ui.getFeatures()) as Record<string, string>;
  expect(features['MEDIA_EDITOR']).toBe('MEDIA_EDITOR');
  expect(await ui.checkFeatureStatus('MEDIA_EDITOR')).toBe(true);
  await ui.disableFeatures(['MEDIA_EDITOR', 'STICKER_MAKER']);
  expect(await ui.checkFeatureStatus('MEDIA_EDITOR')).toBe(false);
  expect(await ui.checkFeatureStatus('STICKER_MAKER')).toBe(false);
  await ui.enableFeatures(['STICKER_MAKER']);
  expect(await ui.checkFeatureStatus('STICKER_MAKER')).toBe(true);
  expect(await ui.checkFeatureStatus('MEDIA_EDITOR')).toBe(false);
  expect(await ui.checkFeatureStatus('NO_SUCH_FEATURE')).toBe(false);
  await expect(ui.enableFeatures('MEDIA_EDITOR' as unknown as string[])).rejects.toBeInstanceOf(InvalidOptionError);
});
