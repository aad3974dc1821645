/**
 * Server trouble on cue (refused, delayed and dropped connections) and the
 * `hasSynced` gate that clients depend on.
 */
import { linkByQr, SimPages, type SimPage } from '../helpers/sim-page';
import { useSimulatorWithPages } from '../helpers/use-simulator';

// Globals of the page, for functions that run in Chromium (this tsconfig has no DOM lib).
declare const window: any;

const pages = new SimPages();
const env = useSimulatorWithPages(pages, { adminPort: false });

/** Counts `change:hasSynced` events from now on (attaching the listener opens the gate). */
function countSyncedFlips(page: SimPage): Promise<void> {
  return page.evaluate(() => {
    const w = window;
    w.__syncedFlips = [];
    w.require('WAWebSocketModel').Socket.on('change:hasSynced', (_m: unknown, v: unknown) => w.__syncedFlips.push(v));
  });
}

function syncedFlips(page: SimPage): Promise<unknown[]> {
  return page.evaluate(() => [...window.__syncedFlips]);
}

/**
 * Waits until the page has processed every frame it received so far: the phone
 * sends a message, and frames are handled in order, so once it is in the Msg
 * collection everything before it was handled too.
 */
async function settle(page: SimPage, number: string): Promise<void> {
  const msg = await env.sim.phone(number).receiveText('15559990009', `marker ${Math.random()}`);
  await page.waitForEvent((e) => e.type === 'msg' && e.id.endsWith(msg.id));
}

test('refused connections: the page retries until one is accepted', async () => {
  env.sim.refuseNextConnections(2);
  const page = await pages.launch(env.sim);
  await page.waitForState('UNPAIRED');
  expect(page.socketsOpened).toBe(3);
  expect(page.frames.filter((f) => f.t === 'challenge')).toHaveLength(1);
  expect(page.events.filter((e) => e.type === 'state').map((e) => (e.type === 'state' ? e.state : ''))).toEqual(['OPENING', 'UNPAIRED']);
  expect((await page.waitForQrText()).split(',')).toHaveLength(5);
});

test('a delayed connection keeps the page in OPENING until the server answers', async () => {
  const delayMs = 1500;
  env.sim.delayNextConnection(delayMs);
  const page = await pages.launch(env.sim);
  await page.waitForState('UNPAIRED');
  expect(page.socketsOpened).toBe(1);
  // Nothing happened between OPENING and the server's late answer...
  expect(page.events.filter((e) => e.type === 'state').map((e) => (e.type === 'state' ? e.state : ''))).toEqual(['OPENING', 'UNPAIRED']);
  expect(page.frames[0]).toMatchObject({ t: 'challenge' });
  // ...which came at least delayMs after the handshake (browser clock; a lower bound only).
  const waitedMs = (page.frameTimes[0]! - page.handshakeTimes[0]!) * 1000;
  expect(waitedMs).toBeGreaterThanOrEqual(delayMs - 50);
});

test('a dropped connection goes TIMEOUT → OPENING → CONNECTED, and hasSynced does not toggle again', async () => {
  const number = '15550004001';
  const page = await pages.launch(env.sim);
  await linkByQr(env.sim, page, number);
  await countSyncedFlips(page);
  await page.page.waitForFunction(() => window.require('WAWebSocketModel').Socket.hasSynced === true, { timeout: 30_000 });
  expect(await syncedFlips(page)).toEqual([true]);

  const mark = page.events.length;
  expect(env.sim.dropConnections(number)).toBe(1);
  await page.waitForEvent((e) => e.type === 'state' && e.state === 'CONNECTED' && page.events.indexOf(e) >= mark);
  const states = page.events.slice(mark).flatMap((e) => (e.type === 'state' ? [e.state] : []));
  expect(states).toEqual(['TIMEOUT', 'OPENING', 'CONNECTED']);
  expect(page.socketsOpened).toBe(2);
  expect(env.sim.phone(number).devices()).toEqual([expect.objectContaining({ online: true })]);

  // The server syncs the new login too; the page must not flip hasSynced again.
  await page.waitForFrame('synced', 1);
  await settle(page, number);
  expect(await syncedFlips(page)).toEqual([true]);
  expect(await page.evaluate(() => window.require('WAWebSocketModel').Socket.hasSynced)).toBe(true);
});

test('an app that never boots: the page loads, Debug.VERSION and require never appear, no socket opens; the next load boots', async () => {
  env.sim.stallNextBoots(1);
  const page = await pages.launch(env.sim, { navigate: false });
  await page.page.goto('https://web.whatsapp.com/', { waitUntil: 'domcontentloaded' });
  const booted = page.page.waitForFunction(() => window.Debug?.VERSION !== undefined || typeof window.require === 'function', {
    timeout: 1500,
  });
  await expect(booted).rejects.toThrow();
  expect(page.socketsOpened).toBe(0);
  expect(await page.state()).toBeUndefined();

  await page.goto();
  await page.waitForState('UNPAIRED');
});

test('a stored session whose login hangs: the server never answers, the page stays OPENING; the next login goes through', async () => {
  const number = '15550004101';
  const page = await pages.launch(env.sim);
  await linkByQr(env.sim, page, number);
  env.sim.stallNextLogins(1);
  const challenges = page.frames.filter((f) => f.t === 'challenge').length;
  await page.goto();
  await page.waitForFrame('challenge', challenges);
  await expect(page.waitForFrame('login-ok', 0, 1500)).rejects.toThrow();
  expect(await page.state()).toBe('OPENING');

  // A new connection logs the same session in.
  expect(env.sim.dropConnections()).toBe(1);
  await page.waitForState('CONNECTED');
  expect(env.sim.phone(number).devices()).toEqual([expect.objectContaining({ online: true })]);
});

test('a socket that drops while the page signs its login: the late login is not sent on the new socket, the session survives', async () => {
  const number = '15550004103';
  const page = await pages.launch(env.sim);
  const device = await linkByQr(env.sim, page, number);
  const rejected: string[] = [];
  env.sim.on('rejected', (_id, reason) => rejected.push(reason));
  // The next document's first signature takes a while (a busy machine): long enough for the socket to
  // drop and the page to reconnect (250 ms) before the login it answers the first challenge with is ready.
  await page.page.evaluateOnNewDocument(() => {
    const subtle = window.crypto.subtle;
    const sign = subtle.sign.bind(subtle);
    let first = true;
    subtle.sign = async (...args: unknown[]) => {
      const slow = first;
      first = false;
      if (slow) await new Promise((resolve) => setTimeout(resolve, 1500));
      const signature = await sign(...args);
      if (slow) window.__slowSignDone = true;
      return signature;
    };
  });
  const challenges = page.frames.filter((f) => f.t === 'challenge').length;
  await page.goto();
  await page.waitForFrame('challenge', challenges);
  expect(env.sim.dropConnections()).toBe(1);
  await page.page.waitForFunction(() => window.__slowSignDone === true, { timeout: 30_000 });
  await page.waitForState('CONNECTED');
  // Everything the page sent by now has been answered (frames are handled in order).
  await settle(page, number);

  // The first challenge's answer was signed over a nonce the new connection never issued: it must not be sent.
  expect(rejected).toEqual([]);
  expect(page.frames.filter((f) => f.t === 'login-rejected')).toEqual([]);
  expect(env.sim.phone(number).devices()).toEqual([expect.objectContaining({ id: device.id, online: true })]);
  expect(await page.state()).toBe('CONNECTED');
});

test('a history sync stuck short of 100 %: the progress shows, hasSynced never flips, queued messages wait; the next login syncs', async () => {
  const number = '15550004102';
  const page = await pages.launch(env.sim);
  env.sim.stallNextHistorySyncs(1, 30);
  await linkByQr(env.sim, page, number);
  await countSyncedFlips(page);
  expect(await page.waitForFrame('offline')).toMatchObject({ progress: 30 });
  expect(page.frames.find((f) => f.t === 'paired')).toMatchObject({ offline: 1 });
  expect(await page.evaluate(() => window.require('WAWebOfflineHandler').OfflineMessageHandler.getOfflineDeliveryProgress())).toBe(30);
  await expect(page.waitForFrame('synced', 0, 1500)).rejects.toThrow();
  expect(await syncedFlips(page)).toEqual([]);

  expect(env.sim.dropConnections(number)).toBe(1);
  await page.waitForFrame('synced');
  await page.waitFor(() => page.frames.some((f) => f.t === 'login-ok'), 'login-ok');
  await page.page.waitForFunction(() => window.require('WAWebSocketModel').Socket.hasSynced === true, { timeout: 30_000 });
  expect(await syncedFlips(page)).toEqual([true]);
});

test('the stall faults refuse bad counts and percentages', () => {
  expect(() => env.sim.stallNextBoots(0)).toThrow(/count/);
  expect(() => env.sim.stallNextLogins(1.5)).toThrow(/count/);
  expect(() => env.sim.stallNextHistorySyncs(1, 100)).toThrow(/percent/);
  expect(() => env.sim.stallNextHistorySyncs(1, -1)).toThrow(/percent/);
});

test('hasSynced stays false until a change:hasSynced listener is attached, then flips exactly once', async () => {
  const number = '15550004002';
  const page = await pages.launch(env.sim);
  await linkByQr(env.sim, page, number);
  // The server has finished syncing and the page has handled it...
  await page.waitForFrame('synced');
  await settle(page, number);
  // ...but nobody listens yet, so the page holds the flip back.
  expect(await page.evaluate(() => window.require('WAWebSocketModel').Socket.hasSynced)).toBe(false);

  // Other listeners do not open the gate.
  await page.evaluate(() => {
    window.require('WAWebSocketModel').Socket.on('change:state', () => undefined);
  });
  expect(await page.evaluate(() => window.require('WAWebSocketModel').Socket.hasSynced)).toBe(false);

  await countSyncedFlips(page);
  await page.page.waitForFunction(() => window.__syncedFlips.length > 0, { timeout: 30_000 });
  expect(await syncedFlips(page)).toEqual([true]);
  expect(await page.evaluate(() => window.require('WAWebSocketModel').Socket.hasSynced)).toBe(true);

  // A second listener and more traffic change nothing.
  await page.evaluate(() => {
    window.require('WAWebSocketModel').Socket.on('change:hasSynced', () => window.__syncedFlips.push('second'));
  });
  await settle(page, number);
  expect(await syncedFlips(page)).toEqual([true]);
});
