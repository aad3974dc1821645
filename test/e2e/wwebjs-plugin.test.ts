/**
 * Issue 11: waweb's strategies inside the unmodified whatsapp-web.js 1.34.7 Client, configured only
 * through its public options (`authStrategy`, `puppeteer`). What whatsapp-web.js's own strategies get
 * wrong must hold here: CONFLICT deletes nothing, `logout()` does, a logout from the phone followed by
 * a new pairing in the same browser keeps being backed up, a rejected session gives `auth_failure`
 * and then a QR, an unreachable store fails `initialize()` with a typed error, `destroy()` takes a
 * final backup and a crash none, and failures never reach an `error` event nobody listens to.
 */
import { existsSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { PostgresStore, FileStore, StoreError, type SessionStore } from '../../src/index';
import { LocalAuth, RemoteAuth } from '../../src/wwebjs';
import { freePort } from '../helpers/ports';
import { useSimulatorHarnesses } from '../helpers/use-simulator';
import { WwebjsHarness, type TrackedClient } from '../helpers/wwebjs';

const env = useSimulatorHarnesses('waweb-wwebjs-plugin-', (sim, dir) => ({ harness: new WwebjsHarness(sim, dir) }));

/** Test-side polling for outcomes no event announces. */
async function until(what: () => boolean | Promise<boolean>, label: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await what())) {
    if (Date.now() > deadline) throw new Error(`${label} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const count = (t: TrackedClient, name: string): number => t.events.filter((e) => e.name === name).length;

function setup(number: string, clientId: string) {
  const store = new FileStore({ directory: join(env.work.path, 'store') });
  const dataPath = join(env.work.path, 'data');
  const phone = env.sim.phone(number);
  const scanErrors: unknown[] = [];
  const scan = (qr: string): void => {
    phone.scan(qr).catch((err: unknown) => scanErrors.push(err));
  };
  const remote = (options: { store?: SessionStore; onError?: (e: unknown) => void } = {}) =>
    new RemoteAuth({
      store: options.store ?? store,
      clientId,
      dataPath,
      backupSyncIntervalMs: 300_000,
      ...(options.onError ? { onError: options.onError } : {}),
    });
  return {
    store,
    dataPath,
    phone,
    scan,
    scanErrors,
    remote,
    session: `RemoteAuth-${clientId}`,
    profile: join(dataPath, `RemoteAuth-${clientId}`),
  };
}

test('CONFLICT leaves every backup; the next start restores; client.logout() removes the backups and the profile', async () => {
  const s = setup('15556100001', 'conflict');
  const t = env.harness.start(s.remote(), { onQr: s.scan });
  await t.next('ready');
  // The backup at ready, then the one taken once localStorage is on disk.
  await until(() => count(t, 'remote_session_saved') >= 2, 'two backups');
  const before = await s.store.list(s.session);
  expect(before.map((g) => g.generation)).toEqual([2, 1]);
  const [device] = s.phone.devices();

  s.phone.openElsewhere(device!.id);
  expect((await t.next('disconnected'))[0]).toBe('CONFLICT');
  await env.harness.stop(t.client);
  // No final backup from the browser that lost the session, and nothing deleted.
  expect(await s.store.list(s.session)).toEqual(before);
  expect(count(t, 'remote_session_saved')).toBe(2);

  const again = env.harness.start(s.remote(), { onQr: s.scan });
  await again.next('ready');
  expect(again.qrs).toEqual([]);
  await again.client.logout();
  expect(await s.store.list(s.session)).toEqual([]);
  expect(existsSync(s.profile)).toBe(false);
  expect(s.scanErrors).toEqual([]);
});

test('a logout from the phone, then a new pairing in the same browser: backed up again', async () => {
  const s = setup('15556100002', 'relink');
  const t = env.harness.start(s.remote(), { onQr: s.scan });
  await t.next('ready');
  await t.next('remote_session_saved');
  const [device] = s.phone.devices();
  await s.phone.unlink(device!.id);
  // whatsapp-web.js reports the logout and shows a QR again in the same browser; the phone scans it.
  await until(() => t.events.some((e) => e.name === 'disconnected' && e.args[0] === 'LOGOUT'), 'disconnected(LOGOUT)');
  await until(() => count(t, 'ready') >= 2, 'ready after the new pairing');
  await until(() => count(t, 'remote_session_saved') >= 2, 'a backup of the new login');
  const [relinked] = s.phone.devices();
  expect(relinked!.id).not.toBe(device!.id);
  // The backups of the logged-out login were deleted; what is stored now is the new login.
  const generations = await s.store.list(s.session);
  expect(generations.length).toBeGreaterThanOrEqual(1);
  await env.harness.stop(t.client);
  const restored = env.harness.start(s.remote(), { onQr: s.scan });
  await restored.next('ready');
  expect(restored.qrs).toEqual([]);
  expect(s.phone.devices().map((d) => d.id)).toEqual([relinked!.id]);
});

test('a rejected session: auth_failure with a reason, then a QR; the backups stay', async () => {
  const s = setup('15556100003', 'rejected');
  const t = env.harness.start(s.remote(), { onQr: s.scan });
  await t.next('ready');
  await t.next('remote_session_saved');
  await env.harness.stop(t.client);
  const stored = await s.store.list(s.session);
  const [device] = s.phone.devices();
  await s.phone.unlink(device!.id);

  const next = env.harness.start(s.remote());
  const [failure] = await next.next('auth_failure');
  expect(failure).toMatchObject({ code: 'AUTH_FAILED', reason: 'SESSION_REJECTED' });
  await next.next('qr');
  const names = next.events.map((e) => e.name);
  expect(names.indexOf('auth_failure')).toBeLessThan(names.indexOf('qr'));
  expect(count(next, 'auth_failure')).toBe(1);
  expect(await s.store.list(s.session)).toEqual(stored);
});

test('an unreachable store rejects initialize() with a typed error, and no QR is shown', async () => {
  const s = setup('15556100004', 'unreachable');
  const port = await freePort();
  const store = new PostgresStore({ connectionString: `postgresql://postgres@127.0.0.1:${port}/none`, connectTimeoutMs: 1000 });
  try {
    const t = env.harness.start(s.remote({ store }));
    const err = await t.next('ready', 30_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect(err).toMatchObject({ code: 'STORE_UNREACHABLE' });
    expect(t.qrs).toEqual([]);
  } finally {
    await store.close();
  }
});

test('destroy() takes a final backup after a clean close; a killed Chromium uploads nothing', async () => {
  const s = setup('15556100005', 'closing');
  const t = env.harness.start(s.remote(), { onQr: s.scan });
  await t.next('ready');
  await until(() => count(t, 'remote_session_saved') >= 2, 'two backups');
  await env.harness.stop(t.client);
  expect(count(t, 'remote_session_saved')).toBe(3);
  expect((await s.store.list(s.session))[0]!.generation).toBe(3);

  const second = env.harness.start(s.remote(), { onQr: s.scan });
  await second.next('ready');
  expect(second.qrs).toEqual([]);
  await until(() => count(second, 'remote_session_saved') >= 2, 'two backups after the restore');
  const newest = (await s.store.list(s.session))[0]!.generation;
  second.client.pupBrowser!.process()!.kill('SIGKILL');
  await until(() => second.client.pupBrowser?.isConnected() === false, 'the browser is gone');
  await env.harness.stop(second.client);
  expect(count(second, 'remote_session_saved')).toBe(2);
  expect((await s.store.list(s.session))[0]!.generation).toBe(newest);
});

test('a failing store is reported, never thrown as an unhandled error event', async () => {
  const s = setup('15556100006', 'failing');
  const failing: SessionStore = {
    name: 'failing',
    exists: (id, o) => s.store.exists(id, o),
    load: (id, o) => s.store.load(id, o),
    list: (id, o) => s.store.list(id, o),
    delete: (id, o) => s.store.delete(id, o),
    close: () => s.store.close(),
    save: async () => {
      throw new StoreError('the disk is full', { code: 'STORE_FAILED' });
    },
  };
  const reported: unknown[] = [];
  const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    // No 'error' listener on the client: whatsapp-web.js's EventEmitter would throw on emit('error').
    const t = env.harness.start(s.remote({ store: failing }), { onQr: s.scan });
    await t.next('ready');
    await until(() => spy.mock.calls.some((c) => String(c[0]).includes('the disk is full')), 'the failure on the console');
    expect(await t.client.getState()).toBe('CONNECTED');
    // With onError, failures go there instead.
    await env.harness.stop(t.client);
    const u = env.harness.start(s.remote({ store: failing, onError: (e) => reported.push(e) }), { onQr: s.scan });
    await u.next('ready');
    await until(() => reported.length > 0, 'the failure reported to onError');
    expect(reported[0]).toMatchObject({ message: expect.stringContaining('the disk is full') });
  } finally {
    spy.mockRestore();
  }
});

test("LocalAuth restores a whatsapp-web.js .wwebjs_auth folder and starts after a SIGKILL's stale SingletonLock", async () => {
  const number = '15556100007';
  const phone = env.sim.phone(number);
  const scan = (qr: string): void => void phone.scan(qr).catch(() => undefined);
  const dataPath = join(env.work.path, '.wwebjs_auth');
  // Paired by whatsapp-web.js's own LocalAuth.
  const own = env.harness.start(env.harness.localAuth('shop', dataPath), { onQr: scan });
  await own.next('ready');
  await env.harness.stop(own.client);

  const local = () => new LocalAuth({ clientId: 'shop', dataPath });
  const first = env.harness.start(local(), { onQr: scan });
  await first.next('ready');
  expect(first.qrs).toEqual([]);
  // A second client on the same live profile is refused with a typed error.
  const twin = env.harness.start(local());
  const refused = await twin.next('ready', 30_000).catch((e: unknown) => e);
  expect(refused).toMatchObject({ code: 'PROFILE_LOCKED' });
  // Chromium killed: its SingletonLock stays behind, pointing at a dead process.
  first.client.pupBrowser!.process()!.kill('SIGKILL');
  await until(() => first.client.pupBrowser?.isConnected() === false, 'the browser is gone');
  // (a symlink to `<host>-<pid>`, which existsSync would follow to nothing)
  expect(lstatSync(join(dataPath, 'session-shop', 'SingletonLock')).isSymbolicLink()).toBe(true);
  await env.harness.stop(first.client);
  const after = env.harness.start(local(), { onQr: scan });
  await after.next('ready');
  expect(after.qrs).toEqual([]);
});
