/**
 * Issue 3 acceptance 1 and 7: the waweb Client's LocalAuth login lifecycle
 * against the simulator (real Chromium): pair, restore without a QR, events
 * once per login, independent clientIds, auth_failure after an unlink,
 * idempotent destroy()/logout(), waitFor deadlines.
 */
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { AbortError, AuthFailureError, ClientClosedError, ErrorCode, StartTimeoutError, TimeoutError } from '../../src/index';
import { ClientHarness, mainBrowserPid } from '../helpers/client';
import { sentOnPhone } from '../helpers/until';
import { useSimulatorHarnesses } from '../helpers/use-simulator';

const env = useSimulatorHarnesses('waweb-client-life-', (sim, dir) => ({ h: new ClientHarness(sim, dir) }));

test('LocalAuth: pair → ready → destroy → a new Client with the same clientId is ready without a QR', async () => {
  const number = '15551000001';
  env.sim.phone(number, { pushname: 'Alice' });

  const first = await env.h.start({ scanAs: number, options: { authStrategy: env.h.localAuth('alice') } });
  // `ready` comes only once the page is usable: info is set and a message can be sent from the listener.
  const sentFromReady = new Promise<unknown>((resolve) => {
    first.client.once('ready', () => {
      resolve(
        first.client.info === undefined
          ? new Error('info not set at ready')
          : first.client.sendMessage('15559990000@c.us', 'hello from ready').then(
              (m) => m,
              (err: unknown) => err,
            ),
      );
    });
  });
  await first.until('ready');
  const sent = await sentFromReady;
  expect(sent).not.toBeInstanceOf(Error);
  await sentOnPhone(env.sim.phone(number), 'hello from ready', 'hello from ready on the phone');
  expect(first.client.info?.wid._serialized).toBe(`${number}@c.us`);
  expect(first.client.info?.pushname).toBe('Alice');
  expect(first.count('qr')).toBeGreaterThanOrEqual(1);
  expect(first.count('authenticated')).toBe(1);
  expect(first.count('ready')).toBe(1);
  expect(first.names().indexOf('authenticated')).toBeLessThan(first.names().indexOf('ready'));
  expect(await first.client.getState()).toBe('CONNECTED');
  expect(env.sim.phone(number).devices()).toHaveLength(1);
  await first.client.destroy();
  expect(await env.h.waitForNoBrowser()).toEqual([]);
  expect(await first.client.getState()).toBeNull();

  const second = await env.h.start({ options: { authStrategy: env.h.localAuth('alice') } });
  await second.until('ready');
  // A message round trip (to the server and back) after ready proves nothing else was still on its way.
  await second.client.sendMessage('15559990000', 'after restore', { waitUntilMsgSent: true });
  expect(second.count('qr')).toBe(0);
  expect(second.count('auth_failure')).toBe(0);
  expect(second.count('authenticated')).toBe(1);
  expect(second.count('ready')).toBe(1);
  expect(second.client.info?.wid.user).toBe(number);
  expect(env.sim.phone(number).devices()).toHaveLength(1);
  await sentOnPhone(env.sim.phone(number), 'after restore', 'after restore on the phone');
});

test('NoAuth: every start is a fresh session with a QR, and no browser is left behind', async () => {
  const number = '15551000007';
  for (let i = 0; i < 2; i++) {
    const c = await env.h.start({ scanAs: number });
    await c.until('ready');
    expect(c.count('qr')).toBeGreaterThanOrEqual(1);
    expect(c.client.info?.wid.user).toBe(number);
    await c.client.destroy();
    expect(await env.h.waitForNoBrowser()).toEqual([]);
  }
  expect(env.sim.phone(number).devices()).toHaveLength(2);
  expect(existsSync(env.h.dataPath)).toBe(false);
});

test('a dropped connection heals on its own: TIMEOUT → CONNECTED, no second authenticated/ready, still usable', async () => {
  const number = '15551000008';
  const c = await env.h.start({ scanAs: number, options: { authStrategy: env.h.localAuth('flaky') } });
  await c.until('ready');
  const before = c.count('change_state');
  expect(env.sim.dropConnections(number)).toBe(1);
  await c.until('change_state', before + 3);
  expect(c.args('change_state').slice(before)).toEqual([['TIMEOUT'], ['OPENING'], ['CONNECTED']]);
  expect(await c.client.getState()).toBe('CONNECTED');
  await c.client.sendMessage('15559990009@c.us', 'after reconnect');
  await sentOnPhone(env.sim.phone(number), 'after reconnect', 'after reconnect on the phone');
  expect(c.count('authenticated')).toBe(1);
  expect(c.count('ready')).toBe(1);
  expect(c.count('disconnected')).toBe(0);
  expect(c.count('qr')).toBe(1);
});

test('two clientIds side by side stay independent: two devices, unlinking one affects only that one', async () => {
  const number = '15551000002';
  const [a, b] = await Promise.all([
    env.h.start({ scanAs: number, options: { authStrategy: env.h.localAuth('side-a') } }),
    env.h.start({ scanAs: number, options: { authStrategy: env.h.localAuth('side-b') } }),
  ]);
  await Promise.all([a.until('ready'), b.until('ready')]);
  const devices = env.sim.phone(number).devices();
  expect(devices).toHaveLength(2);
  expect(devices.every((d) => d.online)).toBe(true);

  // Unlink one device on the phone (the phone API does not say which browser it is): exactly one client goes.
  await env.sim.phone(number).unlink(devices[0]!.id);
  const loggedOut = await Promise.race([a.until('disconnected').then(() => a), b.until('disconnected').then(() => b)]);
  const other = loggedOut === a ? b : a;
  const otherId = loggedOut === a ? 'side-b' : 'side-a';
  const goneId = loggedOut === a ? 'side-a' : 'side-b';
  expect(loggedOut.args('disconnected')).toEqual([['LOGOUT']]);
  expect(other.count('disconnected')).toBe(0);
  expect(await other.client.getState()).toBe('CONNECTED');
  await other.client.sendMessage('15559990001', 'still here');
  await sentOnPhone(env.sim.phone(number), 'still here', 'still here on the phone');
  expect(
    env.sim
      .phone(number)
      .devices()
      .map((d) => d.id),
  ).toEqual([devices[1]!.id]);
  // A phone-side logout removes the session's folder, and only that one.
  expect(existsSync(env.h.sessionDir(goneId))).toBe(false);
  expect(existsSync(env.h.sessionDir(otherId))).toBe(true);
});

test('unlinked on the phone while stopped: the next start emits auth_failure (typed), then a QR, and can pair again', async () => {
  const number = '15551000003';
  await env.h.pair('unlinked', number);
  const [device] = env.sim.phone(number).devices();
  await env.sim.phone(number).unlink(device!.id);

  const c = await env.h.start({ scanAs: number, options: { authStrategy: env.h.localAuth('unlinked') } });
  await c.until('ready');
  const names = c.names().filter((n) => ['auth_failure', 'qr', 'authenticated', 'ready'].includes(n));
  expect(names[0]).toBe('auth_failure');
  expect(names.slice(1)).toEqual(expect.arrayContaining(['qr', 'authenticated', 'ready']));
  expect(names.indexOf('qr')).toBeLessThan(names.indexOf('authenticated'));
  expect(c.count('auth_failure')).toBe(1);
  expect(c.count('authenticated')).toBe(1);
  expect(c.count('ready')).toBe(1);
  const [failure] = c.args('auth_failure')[0]!;
  expect(failure).toBeInstanceOf(AuthFailureError);
  expect(failure.code).toBe(ErrorCode.AUTH_FAILED);
  expect(failure.code).toBe('AUTH_FAILED');
  expect(failure.reason).toBe('SESSION_REJECTED');
  expect(env.sim.phone(number).devices()).toHaveLength(1);
});

test('restartOnAuthFail: false → auth_failure, then disconnected(AUTH_FAILURE), no QR, browser gone', async () => {
  const number = '15551000004';
  await env.h.pair('strict', number);
  const [device] = env.sim.phone(number).devices();
  await env.sim.phone(number).unlink(device!.id);

  const c = await env.h.start({ options: { authStrategy: env.h.localAuth('strict'), restartOnAuthFail: false } });
  const [reason] = await c.until('disconnected');
  expect(reason).toBe('AUTH_FAILURE');
  expect(c.names().filter((n) => n === 'auth_failure' || n === 'disconnected' || n === 'qr')).toEqual(['auth_failure', 'disconnected']);
  expect(c.args('auth_failure')[0]![0].reason).toBe('SESSION_REJECTED');
  expect(await env.h.waitForNoBrowser()).toEqual([]);
  expect(await c.client.getState()).toBeNull();
  // The rejected session's folder is not deleted behind the caller's back.
  expect(existsSync(env.h.sessionDir('strict'))).toBe(true);
});

test('destroy() is idempotent, also when called concurrently and during initialize()', async () => {
  const number = '15551000005';
  const c = await env.h.start({ scanAs: number, options: { authStrategy: env.h.localAuth('idem') } });
  await c.until('ready');
  await Promise.all([c.client.destroy(), c.client.destroy()]);
  await c.client.destroy();
  expect(await env.h.waitForNoBrowser()).toEqual([]);
  expect(c.count('disconnected')).toBe(0);

  // destroy() while initialize() is still under way: initialize settles, destroy waits for it, nothing is left.
  const d = env.h.create({ options: { authStrategy: env.h.localAuth('idem') } });
  const init = d.client.initialize();
  const settled = init.then(
    () => 'resolved',
    (err: unknown) => err,
  );
  await Promise.all([d.client.destroy(), d.client.destroy()]);
  const outcome = await settled;
  if (outcome !== 'resolved') expect((outcome as { code?: string }).code).toBe('CLOSED');
  expect(await env.h.waitForNoBrowser()).toEqual([]);
  expect(await d.client.getState()).toBeNull();
});

/** A TCP server that accepts connections and never answers: a page that never loads. */
async function blackHole(): Promise<{ args: string[]; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    args: [`--host-resolver-rules=MAP web.whatsapp.com 127.0.0.1:${port}`],
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

test('destroy() during a start whose page never loads returns promptly; initialize() rejects with CLOSED', async () => {
  const hole = await blackHole();
  try {
    const c = env.h.create({ options: { authStrategy: env.h.localAuth('hang'), puppeteer: { args: hole.args } } });
    const init = c.client.initialize().catch((err: unknown) => err);
    // Wait (test-side) until the browser is up and the page is loading.
    while (mainBrowserPid(env.h.sessionDir('hang')) === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
    const started = Date.now();
    await c.client.destroy();
    expect(Date.now() - started).toBeLessThan(10_000);
    const err = await init;
    expect(err).toBeInstanceOf(ClientClosedError);
    expect((err as ClientClosedError).code).toBe('CLOSED');
    expect(await env.h.waitForNoBrowser()).toEqual([]);
  } finally {
    await hole.close();
  }
});

test('pageLoadTimeoutMs bounds loading the page: initialize() rejects with a StartTimeoutError naming the phase and option', async () => {
  const hole = await blackHole();
  try {
    const c = env.h.create({ options: { authStrategy: env.h.localAuth('slow'), pageLoadTimeoutMs: 1500, puppeteer: { args: hole.args } } });
    const err = await c.client.initialize().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).toBeInstanceOf(StartTimeoutError);
    expect((err as StartTimeoutError).code).toBe('START_TIMEOUT');
    expect((err as StartTimeoutError).phase).toBe('page-load');
    expect((err as StartTimeoutError).option).toBe('pageLoadTimeoutMs');
    expect((err as StartTimeoutError).message).toContain('pageLoadTimeoutMs');
    expect(c.args('disconnected')).toEqual([['START_TIMEOUT']]);
    expect(existsSync(env.h.sessionDir('slow'))).toBe(true);
    expect(await env.h.waitForNoBrowser()).toEqual([]);
    expect(await c.client.getState()).toBeNull();
  } finally {
    await hole.close();
  }
});

test('logout() is idempotent, unlinks the device and removes exactly that session folder', async () => {
  const number = '15551000006';
  await env.h.pair('keep', number);
  const c = await env.h.start({ scanAs: number, options: { authStrategy: env.h.localAuth('leave') } });
  await c.until('ready');
  expect(env.sim.phone(number).devices()).toHaveLength(2);
  expect(existsSync(env.h.sessionDir('leave'))).toBe(true);

  await Promise.all([c.client.logout(), c.client.logout()]);
  await c.client.logout();
  expect(existsSync(env.h.sessionDir('leave'))).toBe(false);
  expect(existsSync(env.h.sessionDir('keep'))).toBe(true);
  expect(env.sim.phone(number).devices()).toHaveLength(1);
  expect(await env.h.waitForNoBrowser()).toEqual([]);
  // An explicit logout is not reported as a phone-side one.
  expect(c.args('disconnected')).not.toContainEqual(['LOGOUT']);

  // The sibling session still restores.
  const keep = await env.h.start({ options: { authStrategy: env.h.localAuth('keep') } });
  await keep.until('ready');
  expect(keep.count('qr')).toBe(0);
});

test('waitFor: timeout rejects with TimeoutError, abort with AbortError', async () => {
  const c = env.h.create({ options: { authStrategy: env.h.localAuth('wait') } });
  const timedOut = c.client.waitFor('ready', { timeout: 1 });
  await expect(timedOut).rejects.toBeInstanceOf(TimeoutError);
  await expect(c.client.waitFor('ready', { timeout: 1 })).rejects.toMatchObject({ code: 'TIMEOUT' });

  const controller = new AbortController();
  const aborted = c.client.waitFor('ready', { signal: controller.signal });
  controller.abort();
  await expect(aborted).rejects.toBeInstanceOf(AbortError);
  await expect(c.client.waitFor('ready', { signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
  // Nothing was launched.
  expect(await env.h.waitForNoBrowser()).toEqual([]);
});
