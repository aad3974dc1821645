/**
 * Issue 28, "no launch on the critical path": a pool of pre-launched browsers. A RemoteAuth restore
 * on a machine without a local copy takes a waiting browser (no launch), its data is there, backups
 * read the folder the browser runs on, the pool refills and close() kills what it holds; a start
 * whose launch differs from the pool's launches its own; destroy() during a pooled start leaves
 * nothing behind.
 */
import { existsSync, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import {
  ClientClosedError,
  createBrowserPool,
  ErrorCode,
  FileStore,
  NoAuth,
  StoreError,
  type BrowserPool,
  type SessionStore,
} from '../../src/index';
import { browsersOf, RemoteHarness } from '../helpers/remote-auth';
import { trackClient } from '../helpers/client';
import { useSimulatorHarnesses } from '../helpers/use-simulator';
import { waitForNone } from '../helpers/processes';

const pools: BrowserPool[] = [];
// The pools close first: the harness then checks that no browser under the test's folder is left.
const env = useSimulatorHarnesses(
  'waweb-pool-',
  (sim, dir) => ({ harness: new RemoteHarness(sim, dir) }),
  async ({ harness }) => {
    await Promise.all(pools.splice(0).map((p) => p.close()));
    await harness.stopAll();
  },
);
const SESSION = 'RemoteAuth-r1';
let phoneSeq = 0;
const nextNumber = (): string => `1555600${String(++phoneSeq).padStart(4, '0')}`;

/** Test-side polling for what no event announces. */
async function waitUntil(condition: () => boolean, label: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() >= deadline) throw new Error(`${label} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function pool(options: { size?: number; leanFlags?: boolean; strategy?: 'remote' | 'none' } = {}): BrowserPool {
  const p = createBrowserPool({
    size: options.size ?? 1,
    folder: join(env.work.path, 'pool'),
    strategy: options.strategy ?? 'remote',
    client: { puppeteer: { args: env.sim.chromiumArgs() }, ...(options.leanFlags === undefined ? {} : { leanFlags: options.leanFlags }) },
  });
  pools.push(p);
  return p;
}

/** A store that calls `store`'s methods (a class's methods do not survive a spread). */
function passThrough(store: SessionStore): SessionStore {
  return {
    name: store.name,
    exists: (id, o) => store.exists(id, o),
    save: (id, data, o) => store.save(id, data, o),
    load: (id, o) => store.load(id, o),
    list: (id, o) => store.list(id, o),
    delete: (id, o) => store.delete(id, o),
    close: () => store.close(),
  };
}

/**
 * A session linked on one machine (a chat from `from` in it) and backed up, its client destroyed.
 * `firstOnly`: the store keeps only the backup taken at `ready`, the one that carries localStorage as
 * items (later ones are refused), which a pooled browser can take.
 */
async function storedSession(number: string, from: string, firstOnly: boolean): Promise<SessionStore> {
  const store = new FileStore({ directory: join(env.work.path, 'store') });
  let saves = 0;
  const keeping: SessionStore = {
    ...passThrough(store),
    name: 'first-only',
    save: async (id, data, o) => {
      if (++saves > 1) throw new StoreError('refused: only the first backup is kept', { code: ErrorCode.STORE_FAILED });
      return store.save(id, data, o);
    },
  };
  const first = env.harness.create({ store: firstOnly ? keeping : store, dataPath: join(env.work.path, 'first') }, { scanAs: number });
  await first.client.initialize();
  await first.until('ready');
  await first.until('remote_session_saved', firstOnly ? 1 : 2);
  await env.sim.phone(number).receiveText(from, 'before the restore');
  await first.client.destroy();
  return store;
}

const pidOf = (t: { client: { pupBrowser: unknown } }): number | undefined =>
  (t.client.pupBrowser as { process(): { pid?: number } | null } | undefined)?.process()?.pid;

test('a RemoteAuth restore with a pool reaches ready in a pooled browser without a QR or a launch; backups read that folder; the pool refills; close() kills what it holds', async () => {
  const number = nextNumber();
  const from = nextNumber();
  const store = await storedSession(number, from, true);
  const browsers = pool();
  await waitUntil(() => browsers.stats().ready === 1, 'the pool has a browser waiting');
  const waiting = browsersOf(join(env.work.path, 'pool'));
  expect(waiting.length).toBeGreaterThan(0);

  const dataPath = join(env.work.path, 'second');
  const t = env.harness.create({ store, dataPath }, { client: { browserPool: browsers } });
  await t.client.initialize();
  await t.until('ready');
  expect(t.count('qr')).toBe(0);
  expect(browsers.stats()).toMatchObject({ launched: expect.any(Number), taken: 1, mismatched: 0 });
  // The client runs in the browser that was waiting: nothing was launched for it.
  expect(waiting).toContain(pidOf(t));
  // The session's data came along: the chat the phone had before.
  const chats = await t.client.getChats();
  expect(chats.map((c) => c.id._serialized)).toContain(`${from}@c.us`);

  // Backups read the folder the browser runs on, not the session's folder (emptied here).
  await t.until('remote_session_saved');
  const sessionDir = join(dataPath, SESSION);
  await fsp.rm(join(sessionDir, 'Default'), { recursive: true, force: true });
  await t.auth.saveNow({ force: true });
  const newest = (await store.list(SESSION)).at(-1);
  expect(newest?.bytes).toBeGreaterThan(1000);

  // The pool refilled in the background.
  await waitUntil(() => browsers.stats().ready === 1 && browsers.stats().launched === 2, 'the pool refills');
  const refilled = browsersOf(join(env.work.path, 'pool')).filter((pid) => !waiting.includes(pid));
  expect(refilled.length).toBeGreaterThan(0);

  // close() kills the waiting browser, not the one a session took; twice is fine.
  await Promise.all([browsers.close(), browsers.close()]);
  expect(await waitForNone(() => refilled.filter((pid) => browsersOf(join(env.work.path, 'pool')).includes(pid)), 5000)).toEqual([]);
  expect(browsersOf(join(env.work.path, 'pool'))).toContain(pidOf(t));

  // When the browser is gone its folder is the session's folder again, as if it had run there.
  await t.client.destroy();
  expect(existsSync(join(sessionDir, 'Default', 'IndexedDB'))).toBe(true);
  expect(existsSync(`${sessionDir}.pooled`)).toBe(false);
  expect(await fsp.readdir(join(env.work.path, 'pool'))).toEqual([]);

  // And the next start (no pool) uses it: no QR, no restore needed.
  const again = env.harness.create({ store, dataPath });
  await again.client.initialize();
  await again.until('ready');
  expect(again.count('qr')).toBe(0);
});

test('a pooled browser whose launch differs from the client’s is not used: the client launches its own', async () => {
  const browsers = pool({ leanFlags: false });
  await waitUntil(() => browsers.stats().ready === 1, 'the pool has a browser waiting');
  const store = new FileStore({ directory: join(env.work.path, 'store') });
  const t = env.harness.create({ store }, { scanAs: nextNumber(), client: { browserPool: browsers } });
  await t.client.initialize();
  await t.until('ready');
  expect(browsers.stats()).toMatchObject({ taken: 0, mismatched: 1, ready: 1 });
  expect(browsersOf(join(env.work.path, 'pool'))).not.toContain(pidOf(t));
});

test('a restored profile whose localStorage is only in its LevelDB files is not run in a pooled browser (Chromium would not read them): the start launches its own', async () => {
  const number = nextNumber();
  const store = await storedSession(number, nextNumber(), false);
  const browsers = pool();
  await waitUntil(() => browsers.stats().ready === 1, 'the pool has a browser waiting');
  const waiting = browsersOf(join(env.work.path, 'pool'));
  const t = env.harness.create({ store, dataPath: join(env.work.path, 'second') }, { client: { browserPool: browsers } });
  await t.client.initialize();
  await t.until('ready');
  expect(t.count('qr')).toBe(0);
  expect(t.count('remote_session_restore_failed')).toBe(0);
  expect(waiting).not.toContain(pidOf(t));
  // The browser it was offered is gone with its folder.
  expect(await waitForNone(() => waiting.filter((pid) => browsersOf(join(env.work.path, 'pool')).includes(pid)), 5000)).toEqual([]);
});

test('NoAuth takes a pooled browser too, and shows a QR in it', async () => {
  const browsers = pool({ strategy: 'none' });
  await waitUntil(() => browsers.stats().ready === 1, 'the pool has a browser waiting');
  const waiting = browsersOf(join(env.work.path, 'pool'));
  const { Client } = await import('../../src/index');
  const client = new Client({ authStrategy: new NoAuth(), puppeteer: { args: env.sim.chromiumArgs() }, browserPool: browsers });
  const t = trackClient(client, ['qr', 'ready']);
  try {
    await client.initialize();
    await t.until('qr');
    expect(browsers.stats().taken).toBe(1);
    expect(waiting).toContain(pidOf(t));
  } finally {
    await client.destroy();
  }
  expect(await waitForNone(() => waiting.filter((pid) => browsersOf(join(env.work.path, 'pool')).includes(pid)), 5000)).toEqual([]);
});

test('destroy() during a pooled start ends it with ClientClosedError and kills the taken browser; the session folder is intact', async () => {
  const number = nextNumber();
  const store = await storedSession(number, nextNumber(), true);
  const browsers = pool();
  await waitUntil(() => browsers.stats().ready === 1, 'the pool has a browser waiting');
  const waiting = browsersOf(join(env.work.path, 'pool'));
  // A store whose listing waits until the test lets it go: the start has taken the browser by then.
  let release: () => void = () => undefined;
  const held = new Promise<void>((r) => (release = r));
  const slow: SessionStore = { ...passThrough(store), name: 'slow', list: async (id, o) => (await held, store.list(id, o)) };
  const dataPath = join(env.work.path, 'second');
  const t = env.harness.create({ store: slow, dataPath }, { client: { browserPool: browsers } });
  const starting = t.client.initialize();
  await waitUntil(() => browsers.stats().taken === 1, 'the start takes the pooled browser');
  await t.client.destroy();
  release();
  await expect(starting).rejects.toBeInstanceOf(ClientClosedError);
  expect(await waitForNone(() => waiting.filter((pid) => browsersOf(join(env.work.path, 'pool')).includes(pid)), 5000)).toEqual([]);
  expect(existsSync(`${join(dataPath, SESSION)}.pooled`)).toBe(false);
});

test('whenReady() resolves once a browser waits, at once after that, and rejects once the pool is closed or the wait is aborted', async () => {
  const p = pool();
  await p.whenReady();
  expect(p.stats()).toMatchObject({ launched: 1, ready: 1 });
  await expect(p.whenReady()).resolves.toBeUndefined();
  const aborted = new AbortController();
  aborted.abort();
  await expect(p.whenReady(aborted.signal)).rejects.toThrow(/aborted/);
  await p.close();
  await expect(p.whenReady()).rejects.toThrow(/closed/);
});

test('whenReady() rejects once the pool stops refilling after failed launches', async () => {
  const broken = createBrowserPool({
    folder: join(env.work.path, 'pool'),
    client: { puppeteer: { executablePath: join(env.work.path, 'no-such-chromium'), args: env.sim.chromiumArgs() } },
  });
  pools.push(broken);
  await expect(broken.whenReady()).rejects.toThrow(/stopped refilling/);
  expect(broken.stats()).toMatchObject({ failed: 3, ready: 0, launched: 0 });
});
