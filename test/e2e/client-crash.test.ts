/**
 * Issue 3 acceptance 5: Chromium killed with SIGKILL under a running client.
 *
 * localStorage written less than ~5 s before a SIGKILL may be lost, and the
 * session needs its localStorage marker: so the session is paired and closed
 * cleanly first (marker flushed), restored, and only then is the browser killed.
 */
import { ClientHarness, mainBrowserPid, recordUnhandledRejections } from '../helpers/client';
import { sentOnPhone } from '../helpers/until';
import { useSimulatorHarnesses } from '../helpers/use-simulator';

const env = useSimulatorHarnesses('waweb-client-crash-', (sim, dir) => ({ h: new ClientHarness(sim, dir) }));
let rejections: ReturnType<typeof recordUnhandledRejections>;
beforeEach(() => {
  rejections = recordUnhandledRejections();
});
afterEach(() => {
  rejections?.uninstall();
});

/** Lets pending rejections surface (Node reports unhandled ones after the microtask queue drains). */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));

test('SIGKILL → disconnected(BROWSER_CLOSED), no unhandled rejection; the next initialize() restores without a QR', async () => {
  const number = '15555000001';
  await env.h.pair('crash', number);
  const c = await env.h.start({ options: { authStrategy: env.h.localAuth('crash') } });
  await c.until('ready');
  expect(c.count('qr')).toBe(0);

  const pid = mainBrowserPid(env.h.sessionDir('crash'));
  expect(pid).toBeDefined();
  process.kill(pid!, 'SIGKILL');
  const [reason] = await c.until('disconnected');
  expect(reason).toBe('BROWSER_CLOSED');
  expect(c.count('disconnected')).toBe(1);
  expect(await env.h.waitForNoBrowser()).toEqual([]);
  expect(await c.client.getState()).toBeNull();
  await expect(c.client.sendMessage('15559990004@c.us', 'nobody home')).rejects.toMatchObject({ code: 'NOT_READY' });

  // Same Client, same folder: the stale SingletonLock of the killed browser is cleared and the session restores.
  await c.client.initialize();
  await c.until('ready', 2);
  expect(c.count('qr')).toBe(0);
  expect(c.count('auth_failure')).toBe(0);
  expect(c.client.info?.wid.user).toBe(number);
  await c.client.sendMessage('15559990004@c.us', 'back after the crash');
  await sentOnPhone(env.sim.phone(number), 'back after the crash', 'back after the crash on the phone');

  await settle();
  expect(rejections.seen).toEqual([]);
});

test('SIGKILL before the login completes: disconnected(BROWSER_CLOSED) and no ready; the next initialize() restores', async () => {
  const number = '15555000002';
  await env.h.pair('early', number);
  // Hold the page's connection: initialize() resolves once the app has booted, before any login.
  env.sim.delayNextConnection(3000);
  const c = await env.h.start({ options: { authStrategy: env.h.localAuth('early') } });
  expect(c.count('authenticated')).toBe(0);
  const pid = mainBrowserPid(env.h.sessionDir('early'));
  expect(pid).toBeDefined();
  process.kill(pid!, 'SIGKILL');
  const [reason] = await c.until('disconnected');
  expect(reason).toBe('BROWSER_CLOSED');
  expect(c.count('ready')).toBe(0);
  expect(c.count('auth_failure')).toBe(0);
  expect(await env.h.waitForNoBrowser()).toEqual([]);
  expect(await c.client.getState()).toBeNull();

  await c.client.initialize();
  await c.until('ready');
  expect(c.count('qr')).toBe(0);
  await settle();
  expect(rejections.seen).toEqual([]);
});

// With the lean flags (the default) the browser is one process: a renderer crash ends the browser too.
test.each([
  { lean: false, reason: 'PAGE_CRASHED' },
  { lean: true, reason: 'BROWSER_CLOSED' },
])(
  'the renderer crashing (leanFlags $lean): disconnected($reason), the browser gone; the next initialize() restores without a QR',
  async ({ lean, reason: expected }) => {
    const number = lean ? '15555000013' : '15555000003';
    const id = lean ? 'renderer-lean' : 'renderer';
    await env.h.pair(id, number);
    const c = await env.h.start({ options: { authStrategy: env.h.localAuth(id), leanFlags: lean } });
    await c.until('ready');
    const session = await c.client.pupPage!.createCDPSession();
    void session.send('Page.crash').catch(() => undefined); // answers never come from a crashed renderer
    const [reason] = await c.until('disconnected');
    expect(reason).toBe(expected);
    expect(await env.h.waitForNoBrowser()).toEqual([]);

    await c.client.initialize();
    await c.until('ready', 2);
    expect(c.count('qr')).toBe(0);
    await c.client.sendMessage('15559990004@c.us', 'back after the renderer crash');
    await sentOnPhone(env.sim.phone(number), 'back after the renderer crash', 'back after the renderer crash on the phone');
    await settle();
    expect(rejections.seen).toEqual([]);
  },
);

test('a second client on the same clientId and folder is refused at once (PROFILE_LOCKED); the first carries on', async () => {
  const number = '15555000004';
  await env.h.pair('twice', number);
  const first = await env.h.start({ options: { authStrategy: env.h.localAuth('twice') } });
  await first.until('ready');
  const second = env.h.create({ options: { authStrategy: env.h.localAuth('twice') } });
  const started = Date.now();
  await expect(second.client.initialize()).rejects.toMatchObject({ code: 'PROFILE_LOCKED' });
  const refusedAfterMs = Date.now() - started;
  console.log(`second client on the same folder refused after ${refusedAfterMs} ms`);
  expect(second.count('qr')).toBe(0);
  expect(first.count('disconnected')).toBe(0);
  await first.client.sendMessage('15559990004@c.us', 'still here');
  await sentOnPhone(env.sim.phone(number), 'still here', 'still here on the phone');
});
