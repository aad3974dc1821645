/**
 * Messages between the phone's contacts and a connected page, and the two ways
 * a session ends: logout on the page, unlink on the phone.
 */
import type { WireMessage } from '../../src/simulator';
import { linkByQr, SimPages, type PageEvent } from '../helpers/sim-page';
import { useSimulatorWithPages } from '../helpers/use-simulator';

// Globals of the page, for functions that run in Chromium (this tsconfig has no DOM lib).
declare const window: any;
declare const localStorage: any;

const pages = new SimPages();
const env = useSimulatorWithPages(pages, { adminPort: false });

test('a contact’s text reaches the page; the page’s text reaches the phone', async () => {
  const number = '15550005001';
  const page = await pages.launch(env.sim);
  await linkByQr(env.sim, page, number);

  const incoming = await env.sim.phone(number).receiveText('15559990000', 'hi');
  expect(incoming).toMatchObject({ from: '15559990000@c.us', to: `${number}@c.us`, body: 'hi', fromMe: false });
  const added = await page.waitForEvent((e) => e.type === 'msg' && e.body === 'hi');
  expect(added).toMatchObject({ from: '15559990000@c.us', fromMe: false, id: `false_15559990000@c.us_${incoming.id}` });
  const stored = await page.evaluate(() => {
    const { Msg, Chat } = window.require('WAWebCollections');
    return {
      msgs: Msg.getModelsArray().map((m: any) => ({ body: m.body, from: m.from._serialized, to: m.to._serialized, isNewMsg: m.isNewMsg })),
      chat: Chat.get('15559990000@c.us')?.serialize(),
    };
  });
  expect(stored.msgs).toEqual([{ body: 'hi', from: '15559990000@c.us', to: `${number}@c.us`, isNewMsg: true }]);
  expect(stored.chat).toMatchObject({ id: { _serialized: '15559990000@c.us' }, unreadCount: 1 });

  const sentEvents: Array<[string, WireMessage]> = [];
  const onSent = (phone: string, msg: WireMessage): void => {
    sentEvents.push([phone, msg]);
  };
  env.sim.on('sent', onSent);
  try {
    // The contract's send path: a chat, a new key, addAndSendMsgToChat's two promises.
    const reply = await page.evaluate(async () => {
      const { Chat, Msg } = window.require('WAWebCollections');
      const chat = Chat.get(window.require('WAWebWidFactory').createWid('15559990000@c.us'));
      const MsgKey = window.require('WAWebMsgKey');
      const me = window.require('WAWebUserPrefsMeUser').getMaybeMePnUser();
      const key = new MsgKey({ from: me, to: chat.id, id: await MsgKey.newId(), selfDir: 'out' });
      const data = {
        id: key,
        ack: 0,
        body: 'yo',
        from: me,
        to: chat.id,
        local: true,
        self: 'out',
        t: 1,
        isNewMsg: true,
        type: 'chat',
        waitUntilMsgSent: true,
      };
      const [added, sent] = window.require('WAWebSendMsgChatAction').addAndSendMsgToChat(chat, data);
      const model = await added;
      const ackAtAdd = model.ack;
      await sent;
      const m = Msg.get(key._serialized);
      return {
        body: m.body,
        fromMe: m.id.fromMe,
        remote: m.id.remote._serialized,
        ackAtAdd,
        ack: m.ack,
        webId: /^3EB0[0-9A-F]{16}$/.test(m.id.id),
      };
    });
    expect(reply).toEqual({ body: 'yo', fromMe: true, remote: '15559990000@c.us', ackAtAdd: 0, ack: expect.any(Number), webId: true });
    expect(reply.ack).toBeGreaterThanOrEqual(1);
  } finally {
    env.sim.off('sent', onSent);
  }
  const sent = env.sim.phone(number).sentMessages();
  expect(sent).toEqual([
    expect.objectContaining({
      chatId: '15559990000@c.us',
      to: '15559990000@c.us',
      from: `${number}@c.us`,
      body: 'yo',
      fromMe: true,
      type: 'chat',
    }),
  ]);
  expect(sentEvents).toEqual([[number, sent[0]]]);
  // The page's own message is in its Msg collection too.
  await page.waitForEvent((e) => e.type === 'msg' && e.body === 'yo' && e.fromMe);
});

test('Socket.logout() unlinks the device, navigates to ?post_logout=1 and comes back unpaired', async () => {
  const number = '15550005002';
  const page = await pages.launch(env.sim);
  await linkByQr(env.sim, page, number);
  const firstDoc = page.events[0]!.doc;
  const firstQr = page.events.find((e): e is Extract<PageEvent, { type: 'qr' }> => e.type === 'qr' && e.text !== null)!.text!;

  // Not awaited in the page: the navigation it starts tears down this context.
  await page.evaluate(() => {
    void window.require('WAWebSocketModel').Socket.logout();
  });
  const boot = await page.waitForEvent((e) => e.type === 'boot' && e.doc !== firstDoc);
  expect(boot).toMatchObject({ url: 'https://web.whatsapp.com/?post_logout=1' });
  await page.waitForEvent((e) => e.type === 'state' && e.doc === boot.doc && e.state === 'UNPAIRED');
  expect(env.sim.phone(number).devices()).toEqual([]);

  // The page asked for it: Cmd `logout`, not a logout from the phone.
  const cmds = page.events.flatMap((e) => (e.type === 'cmd' && e.doc === firstDoc ? [e.name] : []));
  expect(cmds).toEqual(['logout']);

  // Storage was wiped: the new QR carries new keys and localStorage is empty.
  const qr = (await page.waitForQrText()).split(',');
  expect(qr[2]).not.toBe(firstQr.split(',')[2]);
  expect(await page.evaluate(() => localStorage.length)).toBe(0);
  expect(await page.evaluate(() => window.require('WAWebUserPrefsMeUser').getMaybeMePnUser())).toBeUndefined();
});

test('unlinking an online device from the phone logs the page out from the bridge', async () => {
  const number = '15550005003';
  const page = await pages.launch(env.sim);
  const device = await linkByQr(env.sim, page, number);
  const firstDoc = page.events[0]!.doc;

  await env.sim.phone(number).unlink(device.id);
  expect(env.sim.phone(number).devices()).toEqual([]);
  await page.waitForEvent((e) => e.type === 'cmd' && e.doc === firstDoc && e.name === 'logout_from_bridge');
  const boot = await page.waitForEvent((e) => e.type === 'boot' && e.doc !== firstDoc);
  expect(boot).toMatchObject({ url: 'https://web.whatsapp.com/?post_logout=1' });
  await page.waitForEvent((e) => e.type === 'state' && e.doc === boot.doc && e.state === 'UNPAIRED');
  expect(page.events.flatMap((e) => (e.type === 'cmd' && e.doc === firstDoc ? [e.name] : []))).toEqual(['logout_from_bridge']);
  expect((await page.waitForQrText()).split(',')).toHaveLength(5);
  // The unpaired page can be linked again.
  await linkByQr(env.sim, page, number);
  expect(env.sim.phone(number).devices()).toHaveLength(1);
});
