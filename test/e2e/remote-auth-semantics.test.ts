/**
 * Issue 4, the RemoteAuth bullets, with real Chromium against the simulator:
 * when saves happen and what they report, that they never overlap, how
 * failures are retried, what destroy(), logout() and a CONFLICT do to the
 * stored copies, a store that cannot be reached at start, and that the local
 * profile is never deleted before a good replacement exists.
 * (test/unit/remote-auth.test.ts pins the same rules down without a browser.)
 */
import { recordUnhandledRejections } from '../helpers/client';
import { promises as fsp, existsSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { MongoStore, PostgresStore, ErrorCode, FileStore, StoreError, type Logger } from '../../src/index';
import { WhatsAppSimulator } from '../../src/simulator';
import { freePort } from '../helpers/ports';
import { killAll } from '../helpers/processes';
import { browsersOf, instrument, RemoteHarness, snapshotStore } from '../helpers/remote-auth';
import { useSimulatorHarnesses } from '../helpers/use-simulator';

const measured: string[] = [];
let phoneSeq = 0;

afterAll(() => {
  if (measured.length > 0) console.log(`RemoteAuth semantics timings:\n${measured.join('\n')}`);
});
const env = useSimulatorHarnesses('waweb-remote-sem-', (sim, dir) => ({ harness: new RemoteHarness(sim, dir) }));

const SESSION = 'RemoteAuth-r1';
const nextNumber = (): string => `1555500${String(++phoneSeq).padStart(4, '0')}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const fileStore = (keep = 20): FileStore => new FileStore({ directory: join(env.work.path, 'store'), keep });

/** Test-side polling for conditions no event announces. */
async function waitUntil(condition: () => boolean, label: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() >= deadline) throw new Error(`${label} did not happen within ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** A client logger that counts the live saves the strategy starts (its `backup: started` records). */
function countTicks(): { logger: Logger; ticks: () => number } {
  let ticks = 0;
  const nothing = (): void => undefined;
  const logger: Logger = {
    trace: nothing,
    debug: (fields, message) => {
      if (message === 'backup: started' && fields['mode'] === 'live') ticks++;
    },
    info: nothing,
    warn: nothing,
    error: nothing,
  };
  return { logger, ticks: () => ticks };
}

test('every completed save emits remote_session_saved with a growing generation; unchanged periodic saves upload nothing, changes are uploaded', async () => {
  const number = nextNumber();
  const store = instrument(fileStore());
  const ticks = countTicks();
  const t = env.harness.create({ store, backupSyncIntervalMs: 500 }, { scanAs: number, logger: ticks.logger });
  await t.client.initialize();
  await t.until('ready');
  const [first] = await t.until('remote_session_saved');
  expect(first.generation).toBe(1);
  measured.push(
    `ready → first remote_session_saved: ${t.at('remote_session_saved')! - t.at('ready')!} ms (save ${first.durationMs} ms, ${first.bytes} bytes)`,
  );

  // The one after it, once localStorage is on disk, is uploaded even though nothing else changed.
  const [settled] = await t.until('remote_session_saved', 2);
  expect(settled.generation).toBe(2);

  // Four periodic checks with nothing new: no upload, no event.
  const ticksAtFirst = ticks.ticks();
  await waitUntil(() => ticks.ticks() >= ticksAtFirst + 4, 'four periodic checks');
  expect(store.calls.save).toBe(2);
  expect(await store.list(SESSION)).toHaveLength(2);
  expect(t.count('remote_session_saved')).toBe(2);

  // History lands in IndexedDB: the next periodic save uploads it.
  const [device] = env.sim.phone(number).devices();
  await env.sim.phone(number).fillHistory(device!.id, 256 * 1024);
  const [third] = await t.until('remote_session_saved', 3);
  expect(third.generation).toBe(3);
  expect(third.bytes).toBeGreaterThan(first.bytes + 150 * 1024); // base64 history compresses to ~3/4
  expect(await store.list(SESSION)).toHaveLength(3);

  // destroy() takes a final save, reported like every other.
  await t.client.destroy();
  expect(t.args('remote_session_saved').map(([i]) => i.generation)).toEqual([1, 2, 3, 4]);
  expect((await store.list(SESSION)).map((g) => g.generation)).toEqual([4, 3, 2, 1]);
  expect(t.count('error')).toBe(0);
});

test('saves never overlap: periodic saves, saveNow() calls and the final save run one at a time', async () => {
  const number = nextNumber();
  const store = instrument(fileStore(), { saveDelayMs: 300 });
  const t = env.harness.create({ store, backupSyncIntervalMs: 100 }, { scanAs: number });
  await t.client.initialize();
  await t.until('ready');
  await store.saveEntered(1);
  const [device] = env.sim.phone(number).devices();
  // Keep the content changing while callers pile up.
  const filling = (async () => {
    for (let i = 0; i < 3; i++) await env.sim.phone(number).fillHistory(device!.id, 32 * 1024);
  })();
  await Promise.all([t.auth.saveNow(), t.auth.saveNow(), t.auth.saveNow(), filling]);
  await Promise.all([t.auth.saveNow(), t.auth.saveNow()]);
  await t.client.destroy();
  expect(store.maxConcurrentSaves).toBe(1);
  expect(store.calls.save).toBeGreaterThanOrEqual(3);
  const generations = t.args('remote_session_saved').map(([i]) => i.generation);
  expect(generations).toEqual(Array.from({ length: generations.length }, (_, i) => i + 1));
  expect(t.count('error')).toBe(0);
});

test('a store whose save fails emits StoreError events, retries with backoff, then succeeds; no unhandled rejection', async () => {
  // Node's own process object: under jest the test's `process` never sees unhandled rejections.
  const recorder = recordUnhandledRejections();
  const unhandled = recorder.seen;
  try {
    const number = nextNumber();
    const store = instrument(fileStore(), { failSaves: 3 });
    const t = env.harness.create({ store, retryDelayMs: 100 }, { scanAs: number });
    await t.client.initialize();
    await t.until('ready');
    const [saved] = await t.until('remote_session_saved');
    expect(saved.generation).toBe(1);
    await t.until('remote_session_saved', 2);
    const errors = t.args('error').map(([e]) => e);
    expect(errors).toHaveLength(3);
    for (const e of errors) {
      expect(e).toBeInstanceOf(StoreError);
      expect(e.code).toBe(ErrorCode.STORE_FAILED);
    }
    // Backoff: 100 + 200 + 400 ms between the four attempts at least.
    expect(t.at('remote_session_saved')! - t.at('ready')!).toBeGreaterThanOrEqual(700);
    expect(store.calls.save).toBe(5); // four attempts at the first backup, then the one after the flush
    await t.client.destroy();
    expect(unhandled).toEqual([]);
  } finally {
    recorder.uninstall();
  }
});

test('destroy() waits for the save in flight and takes a final one', async () => {
  const number = nextNumber();
  const store = instrument(fileStore(), { saveDelayMs: 1500 });
  const t = env.harness.create({ store }, { scanAs: number });
  await t.client.initialize();
  await t.until('ready');
  await store.saveEntered(1);
  expect(t.count('remote_session_saved')).toBe(0);
  await t.client.destroy();
  // Both the in-flight save and the final one completed before destroy() resolved.
  expect(t.args('remote_session_saved').map(([i]) => i.generation)).toEqual([1, 2]);
  expect((await store.list(SESSION)).map((g) => g.generation)).toEqual([2, 1]);
  expect(store.maxConcurrentSaves).toBe(1);
  const calls = store.calls.save;
  await sleep(300);
  expect(store.calls.save).toBe(calls); // no timer left behind
  expect(t.count('error')).toBe(0);
});

test('logout() deletes the remote copy once the phone-side logout succeeded', async () => {
  const number = nextNumber();
  const store = instrument(fileStore());
  const t = await env.harness.ready({ store }, number);
  expect(await store.list(SESSION)).toHaveLength(2);
  await t.client.logout();
  expect(env.sim.phone(number).devices()).toEqual([]);
  expect(await store.list(SESSION)).toEqual([]);
  expect(existsSync(join(env.work.path, 'data', SESSION))).toBe(false);
  // No final backup of the logged-out session.
  expect(store.calls.save).toBe(2);
});

test('logout() while the server cannot be reached rejects and leaves the stored copies alone', async () => {
  const own = await WhatsAppSimulator.start();
  const h = new RemoteHarness(own, env.work.path);
  try {
    const number = nextNumber();
    const store = instrument(fileStore());
    const t = await h.ready({ store }, number);
    const before = await snapshotStore(store, SESSION);
    await own.close();
    const err: unknown = await t.client.logout().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(store.calls.delete).toBe(0);
    expect(await snapshotStore(store, SESSION)).toEqual(before);
  } finally {
    await h.stopAll();
    await own.close();
  }
});

test('logout() after the browser is gone deletes nothing', async () => {
  const number = nextNumber();
  const store = instrument(fileStore());
  const t = await env.harness.ready({ store }, number);
  const before = await snapshotStore(store, SESSION);
  const profile = join(env.work.path, 'data', SESSION);
  killAll(browsersOf(env.work.path));

  const [reason] = await t.until('disconnected');
  expect(reason).toBe('BROWSER_CLOSED');
  await t.client.logout().catch(() => undefined);
  expect(store.calls.delete).toBe(0);
  expect(await snapshotStore(store, SESSION)).toEqual(before);
  expect(existsSync(profile)).toBe(true);
  expect(env.sim.phone(number).devices()).toHaveLength(1);
});

test('a CONFLICT disconnect deletes nothing, remote or local', async () => {
  const number = nextNumber();
  const store = instrument(fileStore());
  const t = await env.harness.ready({ store }, number);
  const before = await snapshotStore(store, SESSION);
  const [device] = env.sim.phone(number).devices();
  env.sim.phone(number).openElsewhere(device!.id);
  const [reason] = await t.until('disconnected');
  expect(reason).toBe('CONFLICT');
  expect(store.calls.delete).toBe(0);
  const after = await snapshotStore(store, SESSION);
  expect(after.slice(-before.length)).toEqual(before);
  expect(existsSync(join(env.work.path, 'data', SESSION, 'Default', 'IndexedDB'))).toBe(true);
});

describe('a store that cannot be reached at start', () => {
  async function expectUnreachable(store: import('../../src/index').SessionStore): Promise<void> {
    const t = env.harness.create({ store }, { scanAs: nextNumber() });
    const err: unknown = await t.client.initialize().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe(ErrorCode.STORE_UNREACHABLE);
    expect(t.count('qr')).toBe(0);
    expect(browsersOf(env.work.path)).toEqual([]);
    expect(existsSync(join(env.work.path, 'data', SESSION))).toBe(false);
  }

  test('a store whose list() throws STORE_UNREACHABLE: initialize() rejects with that error, no QR', async () => {
    const store = instrument(fileStore(), { failLists: 100 });
    await expectUnreachable(store);
    expect(store.calls.list).toBe(1);
  });

  test('PostgresStore pointing at a closed port: STORE_UNREACHABLE, no QR', async () => {
    const store = new PostgresStore({
      connectionString: `postgresql://postgres@127.0.0.1:${await freePort()}/postgres`,
      poolConfig: { connectionTimeoutMillis: 2000 },
    });
    try {
      await expectUnreachable(store);
    } finally {
      await store.close();
    }
  });

  test('MongoStore pointing at a closed port: STORE_UNREACHABLE, no QR', async () => {
    const client = new MongoClient(`mongodb://127.0.0.1:${await freePort()}`, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 });
    const store = new MongoStore({ client, dbName: 'waweb_unreachable' });
    try {
      await expectUnreachable(store);
    } finally {
      await store.close();
      await client.close();
    }
  });

  test('with startupRetries the client waits for the store to come back, then pairs', async () => {
    const number = nextNumber();
    const store = instrument(fileStore(), { failLists: 2 });
    const t = env.harness.create({ store, startupRetries: 3, retryDelayMs: 100 }, { scanAs: number });
    await t.client.initialize();
    await t.until('ready');
    expect(store.calls.list).toBe(3);
    expect(t.count('error')).toBe(0);
    expect((await t.until('remote_session_saved'))[0].generation).toBe(1);
  });
});

test('a restore whose download fails falls back to the stamped local copy: reported, ready with no QR; the next start restores', async () => {
  const number = nextNumber();
  const inner = fileStore();
  const paired = await env.harness.ready({ store: inner }, number);
  await paired.client.destroy();
  // Another machine saved a newer generation: the local copy is due to be replaced.
  const newest = (await inner.load(SESSION))!;
  await inner.save(SESSION, newest.data);

  const failing = instrument(inner, { failLoads: true });
  const broken = env.harness.create({ store: failing }, { scanAs: number });
  await broken.client.initialize();
  const [err] = await broken.until('error');
  expect(err).toBeInstanceOf(StoreError);
  expect(err.code).toBe(ErrorCode.STORE_UNREACHABLE);
  expect(failing.calls.load).toBe(1);
  expect((await fsp.readdir(join(env.work.path, 'data'))).filter((n) => n.startsWith('.'))).toEqual([]);
  await broken.until('ready');
  expect(broken.count('qr')).toBe(0);
  // destroy() backs the local copy up as the newest generation; another machine saves once more,
  // so the next start has a newer generation to download.
  await broken.client.destroy();
  failing.faults.failLoads = false;
  await inner.save(SESSION, newest.data);
  const restored = env.harness.create({ store: failing });
  const startedAt = Date.now();
  await restored.client.initialize();
  await restored.until('ready');
  measured.push(`restore (FileStore, swap-in) → ready: ${restored.at('ready')! - startedAt} ms`);
  expect(restored.count('qr')).toBe(0);
  expect(failing.calls.load).toBe(2);
});

test('Chromium killed right after the backup at ready: the same folder and the store each start again without a QR', async () => {
  const number = nextNumber();
  const store = instrument(fileStore());
  const t = env.harness.create({ store }, { scanAs: number });
  const pending = join(env.work.path, 'data', SESSION, 'Default', 'Local Storage', 'waweb-local-storage.json');
  let pendingAtKill = false;
  // Killed in the event handler itself: localStorage is at most milliseconds old, far from flushed.
  t.client.once('remote_session_saved', () => {
    pendingAtKill = existsSync(pending);
    t.client.pupBrowser!.process()!.kill('SIGKILL');
  });
  await t.client.initialize();
  await t.until('disconnected');
  expect(pendingAtKill).toBe(true);
  expect((await store.list(SESSION)).map((g) => g.generation)).toEqual([1]);
  const atReady = (await store.load(SESSION))!.data;
  await t.client.destroy();

  // The same folder: the items left next to the profile are written back before the app starts.
  const local = env.harness.create({ store });
  await local.client.initialize();
  await local.until('ready');
  expect(local.count('qr')).toBe(0);
  await local.client.destroy();
  expect(existsSync(pending)).toBe(false); // the clean close wrote localStorage to disk

  // A fresh folder and a store holding only the backup taken at ready.
  await fsp.rm(join(env.work.path, 'data'), { recursive: true, force: true });
  const elsewhere = new FileStore({ directory: join(env.work.path, 'store-at-ready') });
  await elsewhere.save(SESSION, atReady);
  const fresh = env.harness.create({ store: elsewhere });
  await fresh.client.initialize();
  await fresh.until('ready');
  expect(fresh.count('qr')).toBe(0);
});
