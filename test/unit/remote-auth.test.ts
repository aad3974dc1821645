/**
 * RemoteAuth's guarantees without a browser: the strategy runs against a fake
 * host whose "page" keeps localStorage in a Map and flushes it into a fake
 * profile's Local Storage LevelDB file after a delay, as Chromium does.
 * The e2e files (test/e2e/remote-auth-*.test.ts) check the same promises with
 * real Chromium; these pin down orderings that are hard to provoke there.
 */
import { recordUnhandledRejections } from '../helpers/client';
import { appendFile, mkdir, mkdtemp, readdir, readFile, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { appendFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FLUSH_BARRIER_KEY, localStorageContains } from '../../src/auth/profile/flush';
import { AbortError } from '../../src/errors';
import { toWwebjsStore } from '../../src/stores/wwebjs-adapter';
import type { LoadedSession, StoredGeneration } from '../../src/stores/types';
import type { AuthHost, SessionSavedInfo } from '../../src/auth/strategy';
import {
  ArchiveError,
  ErrorCode,
  FileStore,
  RemoteAuth,
  RestoreError,
  StoreError,
  type RemoteAuthOptions,
  type SessionStore,
} from '../../src/index';
import { createSessionArchive, extractSessionArchive } from '../../src/session/index';
import { readLocalStorageSnapshot } from '../../src/archive';
import type { WebPage } from '../../src/web/web-page';
import { instrument, snapshotStore, treeHash, type Faults, type InstrumentedStore } from '../helpers/remote-auth';

const IDB_LOG = 'Default/IndexedDB/https_web.whatsapp.com_0.indexeddb.leveldb/000003.log';
const LS_LOG = 'Default/Local Storage/leveldb/000003.log';
const SESSION = 'RemoteAuth-u1';

let root: string;
let dataPath: string;
let fileStore: FileStore;
const cleanups: Array<() => Promise<void>> = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'waweb-remote-unit-'));
  dataPath = join(root, 'data');
  fileStore = new FileStore({ directory: join(root, 'store'), keep: 10 });
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  await rm(root, { recursive: true, force: true });
});

/** The page side RemoteAuth uses: localStorage as the page sees it, written to disk `flushDelayMs` later. */
class FakePage {
  readonly ls = new Map<string, string>([['WASimDeviceId', 'device-1']]);
  flushDelayMs = 20;
  /** When set, every read of localStorage shows a new value (so every save has something to upload). */
  changeOnEveryRead = false;
  /** A crashed renderer: page calls never answer until the browser goes away. */
  hung = false;
  /** localStorage writes never reach disk (a renderer that died after accepting the write). */
  neverFlush = false;
  reads = 0;
  /** Runs right after a read returned its items: the page changing localStorage at that moment. */
  afterRead: (() => void) | undefined;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #hungCalls = new Set<(err: Error) => void>();

  constructor(private readonly profile: string) {}

  async localStorageEntries(): Promise<Array<[string, string]>> {
    this.reads++;
    if (this.hung) return new Promise((_resolve, reject) => this.#hungCalls.add(reject));
    if (this.changeOnEveryRead) this.ls.set('counter', String(this.reads));
    const items = [...this.ls];
    this.afterRead?.();
    return items;
  }

  async setLocalStorageItem(key: string, value: string): Promise<void> {
    this.ls.set(key, value);
    if (this.neverFlush) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      void appendFile(join(this.profile, ...LS_LOG.split('/')), Buffer.from(`\u0001${key}\u0001${value}`, 'latin1'));
    }, this.flushDelayMs);
    this.#timers.add(timer);
  }

  /** The browser went away: pending calls fail as puppeteer's do. */
  close(): void {
    for (const t of this.#timers) clearTimeout(t);
    for (const reject of this.#hungCalls) reject(new Error('Protocol error: Target closed'));
    this.#hungCalls.clear();
  }
}

class FakeHost implements AuthHost {
  web: FakePage | undefined;
  readonly saved: SessionSavedInfo[] = [];
  readonly errors: Error[] = [];
  readonly #waiters = new Set<() => void>();

  page(): WebPage | undefined {
    return this.web as unknown as WebPage | undefined;
  }
  emitSessionSaved(info: SessionSavedInfo): void {
    this.saved.push(info);
    for (const w of [...this.#waiters]) w();
  }
  emitError(error: Error): void {
    this.errors.push(error);
    for (const w of [...this.#waiters]) w();
  }
  until(what: () => boolean, label: string, timeoutMs = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!what()) return;
        this.#waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(
          new Error(
            `${label} did not happen within ${timeoutMs} ms (saved ${this.saved.length}, errors ${this.errors.map((e) => e.message).join('; ')})`,
          ),
        );
      }, timeoutMs);
      this.#waiters.add(check);
      check();
    });
  }
}

async function writeFileAt(base: string, rel: string, data: string | Buffer): Promise<void> {
  const file = join(base, ...rel.split('/'));
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, data);
}

/** A profile with a session: an IndexedDB log and a Local Storage log. */
async function writeProfile(profile: string, marker = 'session-1'): Promise<void> {
  await writeFileAt(profile, IDB_LOG, `idb:${marker}`);
  await writeFileAt(profile, LS_LOG, `ls:${marker}`);
}

/** A good archive of a profile holding `marker`. */
async function goodArchive(marker: string): Promise<Buffer> {
  const dir = await mkdtemp(join(root, 'src-'));
  await writeProfile(dir, marker);
  const { data } = await createSessionArchive(dir, { clientId: 'u1' });
  await rm(dir, { recursive: true, force: true });
  return data;
}

interface Started {
  auth: RemoteAuth;
  host: FakeHost;
  store: InstrumentedStore;
  web: FakePage;
}

/** A strategy through `beforeBrowserInitialized`, with a session profile and a page, not yet ready. */
async function start(options: Partial<RemoteAuthOptions> = {}, faults: Faults = {}, inner: SessionStore = fileStore): Promise<Started> {
  const store = instrument(inner, faults);
  const auth = new RemoteAuth({
    store,
    clientId: 'u1',
    dataPath,
    retryDelayMs: 20,
    flushTimeoutMs: 3000,
    backupSyncIntervalMs: 60_000,
    ...options,
  });
  const host = new FakeHost();
  auth.setup(host);
  await auth.beforeBrowserInitialized({});
  await writeProfile(auth.userDataDir);
  const web = new FakePage(auth.userDataDir);
  host.web = web;
  cleanups.push(async () => {
    web.close();
    await auth.destroy();
  });
  return { auth, host, store, web };
}

/** What the client does on destroy(): page still open, browser closed, strategy destroyed. */
async function close(
  s: Started,
  info: { clean: boolean; loggedOut: boolean; reason?: string } = { clean: true, loggedOut: false },
): Promise<void> {
  await s.auth.beforeBrowserClose();
  s.host.web = undefined;
  s.web.close();
  await s.auth.afterBrowserClosed(info);
  await s.auth.destroy();
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Test-side polling for conditions no event announces. */
async function waitUntil(condition: () => boolean, label: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() >= deadline) throw new Error(`${label} did not happen within ${timeoutMs} ms`);
    await sleep(5);
  }
}

describe('backups', () => {
  test('the first backup is taken at ready with localStorage read from the page; the second waits for the flush barrier', async () => {
    const s = await start();
    s.web.flushDelayMs = 300;
    s.web.ls.set('last-wid-md', '"15550001@c.us"');
    await s.auth.afterAuthReady();
    await s.host.until(() => s.host.saved.length === 1, 'first save');
    expect(s.host.saved[0]).toEqual({ bytes: expect.any(Number), durationMs: expect.any(Number), generation: 1 });
    const [first] = (await fileStore.list(SESSION)).map((g) => g.generation);
    expect(first).toBe(1);
    const firstArchive = (await fileStore.load(SESSION))!.data;
    const keptAtReady = await readLocalStorageSnapshot(s.auth.userDataDir);
    // The page's items travel in the archive, and stay next to the profile until the barrier passes.
    const atReady = join(root, 'at-ready');
    await extractSessionArchive(firstArchive, atReady);
    const pageItems = [...s.web.ls.entries()].filter(([key]) => key !== FLUSH_BARRIER_KEY);
    expect(pageItems).toContainEqual(['last-wid-md', '"15550001@c.us"']);
    expect(await readLocalStorageSnapshot(atReady)).toEqual(pageItems);

    // The second is made once the barrier is on disk, uploaded although nothing else changed.
    await s.host.until(() => s.host.saved.length === 2, 'second save');
    const barrier = s.web.ls.get(FLUSH_BARRIER_KEY);
    expect(barrier).toBeDefined();
    const stored = await fileStore.load(SESSION);
    const out = join(root, 'check');
    await extractSessionArchive(stored!.data, out);
    expect(await localStorageContains(out, barrier!)).toBe(true);
    expect(s.host.saved[1]!.bytes).toBe(stored!.data.length);
    // Its files alone hold the session: it carries no items a restore would write over them.
    expect(await readLocalStorageSnapshot(out)).toBeUndefined();
    // Until then the profile kept the same items; localStorage is on disk now and they are gone.
    expect(keptAtReady).toEqual(pageItems);
    expect(await readLocalStorageSnapshot(s.auth.userDataDir)).toBeUndefined();
  });

  test('periodic saves skip unchanged content and upload changes; every save emits with a growing generation', async () => {
    const s = await start({ backupSyncIntervalMs: 30 });
    await s.auth.afterAuthReady();
    // The backup at ready, then the one once localStorage is on disk.
    await s.host.until(() => s.host.saved.length === 2, 'first two saves');
    const readsAfterFirst = s.web.reads;
    // Several periodic checks later, nothing was uploaded again.
    await waitUntil(() => s.web.reads >= readsAfterFirst + 5, 'five periodic checks');
    expect(s.store.calls.save).toBe(2);
    expect(await fileStore.list(SESSION)).toHaveLength(2);

    // A localStorage change is uploaded...
    s.web.ls.set('last-wid-md', '"15550001@c.us"');
    await s.host.until(() => s.host.saved.length === 3, 'save after a localStorage change');
    // ...and so is an IndexedDB change.
    await appendFile(join(s.auth.userDataDir, ...IDB_LOG.split('/')), 'more history');
    await s.host.until(() => s.host.saved.length === 4, 'save after an IndexedDB change');
    expect(s.host.saved.map((i) => i.generation)).toEqual([1, 2, 3, 4]);
    expect((await fileStore.list(SESSION)).map((g) => g.generation)).toEqual([4, 3, 2, 1]);
    expect(s.host.errors).toEqual([]);
  });

  test('once localStorage is on disk, a change to IndexedDB alone is saved without a barrier; a localStorage change waits for one', async () => {
    const s = await start({ backupSyncIntervalMs: 60_000, flushTimeoutMs: 300 });
    await s.auth.afterAuthReady();
    await s.host.until(() => s.host.saved.length === 2, 'first two saves');
    // From now on nothing reaches disk: only a save that needs no barrier can complete.
    s.web.neverFlush = true;
    await appendFile(join(s.auth.userDataDir, ...IDB_LOG.split('/')), 'more history');
    await s.auth.saveNow();
    expect(s.host.saved.map((i) => i.generation)).toEqual([1, 2, 3]);
    s.web.ls.set('last-wid-md', '"15550002@c.us"');
    await expect(s.auth.saveNow()).rejects.toMatchObject({ code: ErrorCode.TIMEOUT, message: expect.stringContaining('flushTimeoutMs') });
    expect(s.host.saved).toHaveLength(3);
  });

  test('each save reads localStorage from the page once, barrier or not', async () => {
    const s = await start();
    await s.auth.afterAuthReady();
    await s.host.until(() => s.host.saved.length === 2, 'first two saves');
    // The backup at ready and the one after the barrier: one read each.
    expect(s.web.reads).toBe(2);
    // A localStorage change: read, barrier, archive, with that one read.
    s.web.ls.set('last-wid-md', '"15550003@c.us"');
    await s.auth.saveNow();
    expect(s.host.saved).toHaveLength(3);
    expect(s.web.reads).toBe(3);
    // Nothing changed: read once and skipped.
    await s.auth.saveNow();
    expect(s.host.saved).toHaveLength(3);
    expect(s.web.reads).toBe(4);
  });

  test('the items an archive carries are never older than the localStorage in its files, though the page changes them after a read', async () => {
    const s = await start();
    // The barrier never passes here (its item never reaches disk), so the run stays at its first upload.
    s.web.neverFlush = true;
    const lsLog = join(s.auth.userDataDir, ...LS_LOG.split('/'));
    // Right after each read the page bumps a counter, and Chromium writes it to disk at once.
    s.web.ls.set('counter', '0');
    appendFileSync(lsLog, Buffer.from('\u0001counter\u00010', 'latin1'));
    s.web.afterRead = () => {
      const next = String(Number(s.web.ls.get('counter')) + 1);
      s.web.ls.set('counter', next);
      appendFileSync(lsLog, Buffer.from(`\u0001counter\u0001${next}`, 'latin1'));
    };
    await s.auth.afterAuthReady();
    await s.host.until(() => s.host.saved.length === 1, 'first save');
    const out = join(root, 'first');
    await extractSessionArchive((await fileStore.load(SESSION, { generation: 1 }))!.data, out);
    // The fake's log holds `\u0001key\u0001value` records: every value `counter` had on disk.
    const records = (await readFile(join(out, ...LS_LOG.split('/')), 'latin1')).split('\u0001');
    const onDisk = records.flatMap((r, k) => (r === 'counter' ? [Number.parseInt(records[k + 1]!, 10)] : []));
    const newestOnDisk = Math.max(...onDisk);
    expect(newestOnDisk).toBeGreaterThanOrEqual(0);
    const carried = new Map(await readLocalStorageSnapshot(out));
    // A restore writes these over the files: they must hold the newest value the files do, or newer.
    expect(Number(carried.get('counter'))).toBeGreaterThanOrEqual(newestOnDisk);
    // The profile keeps the same items as the archive until the barrier passes.
    expect(await readLocalStorageSnapshot(s.auth.userDataDir)).toEqual([...carried]);
  });

  test('a restarted run of the same login reads localStorage a second time only in its first save, to skip it when unchanged', async () => {
    const s = await start();
    await s.auth.afterAuthReady();
    await s.host.until(() => s.host.saved.length === 2, 'first two saves');
    // Chromium dies; the same strategy starts again on the same (newest) profile.
    s.host.web = undefined;
    s.web.close();
    await s.auth.afterBrowserClosed({ clean: false, loggedOut: false });
    await s.auth.beforeBrowserInitialized({});
    const web = new FakePage(s.auth.userDataDir);
    cleanups.push(async () => web.close());
    s.host.web = web;
    await s.auth.afterAuthReady();
    // Nothing changed since the last upload: the run's first save reads once and is skipped, without a
    // copy; so is the one asked for after it.
    await waitUntil(() => web.reads >= 1, 'the save at ready');
    await s.auth.saveNow();
    expect(web.reads).toBe(2);
    expect(s.store.calls.save).toBe(2);
    // A change: read for the check, copied, read again for the archive's items; then the follow-up reads once.
    await appendFile(join(s.auth.userDataDir, ...IDB_LOG.split('/')), 'more history');
    await s.auth.saveNow();
    await s.host.until(() => s.host.saved.length === 4, 'the upload and its follow-up');
    expect(web.reads).toBe(5);
    expect(s.host.errors).toEqual([]);
  });

  test('saves never overlap: concurrent saveNow() calls and the timer run one after another', async () => {
    const s = await start({ backupSyncIntervalMs: 10 }, { saveDelayMs: 60 });
    s.web.changeOnEveryRead = true;
    await s.auth.afterAuthReady();
    await s.store.saveEntered(1);
    // Three callers while the first save is in flight, then three more while those are queued.
    const first = [s.auth.saveNow(), s.auth.saveNow(), s.auth.saveNow()];
    await sleep(30);
    const second = [s.auth.saveNow(), s.auth.saveNow(), s.auth.saveNow()];
    await Promise.all([...first, ...second]);
    expect(s.store.maxConcurrentSaves).toBe(1);
    expect(s.store.calls.save).toBeGreaterThanOrEqual(7);
    const generations = s.host.saved.map((i) => i.generation);
    expect(generations).toEqual([...generations].sort((a, b) => a - b));
    expect(new Set(generations).size).toBe(generations.length);
    await close(s);
    expect(s.store.maxConcurrentSaves).toBe(1);
  });

  test('failed saves emit StoreErrors and retry with backoff until one succeeds; nothing is thrown', async () => {
    // Node's own process object: under jest the test's `process` never sees unhandled rejections.
    const recorder = recordUnhandledRejections();
    const unhandled = recorder.seen;
    try {
      const s = await start({ retryDelayMs: 40 }, { failSaves: 3 });
      await s.auth.afterAuthReady();
      await s.host.until(() => s.host.saved.length === 1, 'a save after three failures');
      expect(s.host.errors).toHaveLength(3);
      for (const err of s.host.errors) {
        expect(err).toBeInstanceOf(StoreError);
        expect((err as StoreError).code).toBe(ErrorCode.STORE_FAILED);
      }
      expect(s.host.saved[0]!.generation).toBe(1);
      expect(s.store.calls.save).toBe(4);
      await sleep(20);
      expect(unhandled).toEqual([]);
    } finally {
      recorder.uninstall();
    }
  });

  test("a store's own exception becomes a StoreError with the original as cause", async () => {
    const boom = new Error('socket hang up');
    let calls = 0;
    const flaky: SessionStore = {
      name: 'flaky',
      exists: (id) => fileStore.exists(id),
      list: (id) => fileStore.list(id),
      load: (id, o) => fileStore.load(id, o),
      delete: (id) => fileStore.delete(id),
      close: () => fileStore.close(),
      save: async (id, data) => {
        calls++;
        if (calls === 1) throw boom;
        return fileStore.save(id, data);
      },
    };
    const s = await start({}, {}, flaky);
    await s.auth.afterAuthReady();
    await s.host.until(() => s.host.saved.length === 1, 'save after one failure');
    expect(s.host.errors).toHaveLength(1);
    expect(s.host.errors[0]).toBeInstanceOf(StoreError);
    expect((s.host.errors[0] as StoreError).cause).toBe(boom);
  });

  test('saveNow() before ready, and after the browser closed, uploads nothing', async () => {
    const s = await start();
    await s.auth.saveNow();
    expect(s.store.calls.save).toBe(0);
    await close(s, { clean: false, loggedOut: false });
    await s.auth.saveNow();
    expect(s.store.calls.save).toBe(0);
    expect(s.host.saved).toEqual([]);
  });
});

describe('stopping', () => {
  test('closing lets a save in flight finish its page part (barrier, copy) before the browser closes, then takes a final one', async () => {
    const s = await start();
    s.web.flushDelayMs = 300;
    await s.auth.afterAuthReady();
    // The backup at ready is done; the next one waits on the barrier.
    await waitUntil(() => s.web.ls.has(FLUSH_BARRIER_KEY), 'barrier written');
    expect(s.store.calls.save).toBe(1);
    await s.auth.beforeBrowserClose();
    // The page part (barrier, copy) ended while the page was still there; the archive streams into
    // the store as it is read, so its upload may still be finishing: a save cut short by the close
    // below would never reach the store.
    s.host.web = undefined;
    s.web.close();
    await s.store.saveEntered(2);
    await s.auth.afterBrowserClosed({ clean: true, loggedOut: false });
    expect(s.host.saved.map((i) => i.generation)).toEqual([1, 2, 3]);
    await s.auth.destroy();
    await s.auth.destroy(); // idempotent
    expect((await fileStore.list(SESSION)).map((g) => g.generation)).toEqual([3, 2, 1]);
    expect(s.host.errors).toEqual([]);
  });

  test('an upload in flight does not hold the browser open, but the close waits for it before the final save', async () => {
    const s = await start({}, { saveDelayMs: 400 });
    await s.auth.afterAuthReady();
    await s.store.saveEntered(1);
    const t0 = Date.now();
    await s.auth.beforeBrowserClose();
    expect(Date.now() - t0).toBeLessThan(200);
    expect(s.host.saved).toHaveLength(0);
    s.host.web = undefined;
    s.web.close();
    await s.auth.afterBrowserClosed({ clean: true, loggedOut: false });
    expect(s.host.saved.map((i) => i.generation)).toEqual([1, 2]);
    expect(s.store.maxConcurrentSaves).toBe(1);
    await s.auth.destroy();
  });

  test('a page that stopped answering holds the close up for flushTimeoutMs at most', async () => {
    const s = await start({ flushTimeoutMs: 250, backupSyncIntervalMs: 20 });
    await s.auth.afterAuthReady();
    await s.host.until(() => s.host.saved.length === 1, 'first save');
    s.web.hung = true;
    const reads = s.web.reads;
    await waitUntil(() => s.web.reads > reads, 'a periodic save stuck in the page');
    const t0 = Date.now();
    await s.auth.beforeBrowserClose();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(240);
    expect(Date.now() - t0).toBeLessThan(2000);
    s.host.web = undefined;
    s.web.close(); // the stuck call fails now, as puppeteer's do when the browser goes
    await s.auth.afterBrowserClosed({ clean: true, loggedOut: false });
    await s.auth.destroy();
    // The stuck save was reported; the final save still ran.
    expect(s.host.errors.map((e) => e.message)).toEqual([expect.stringContaining('Target closed')]);
    expect(s.host.saved.map((i) => i.generation)).toEqual([1, 2]);
  });

  test.each([
    ['the browser was killed', { clean: false, loggedOut: false }],
    ['the session was logged out', { clean: true, loggedOut: true }],
    ['another browser took the session (CONFLICT)', { clean: true, loggedOut: false, reason: 'CONFLICT' }],
  ])('no final backup when %s', async (_label, info) => {
    const s = await start();
    await s.auth.afterAuthReady();
    await s.host.until(() => s.host.saved.length === 1, 'first save');
    await close(s, info);
    expect(s.store.calls.save).toBe(1);
  });

  test('after a crash, a save stuck on a flush barrier that never reaches disk is aborted: the close does not wait flushTimeoutMs', async () => {
    const s = await start({ flushTimeoutMs: 60_000 });
    s.web.neverFlush = true;
    await s.auth.afterAuthReady();
    await waitUntil(() => s.web.ls.has(FLUSH_BARRIER_KEY), 'barrier written');
    // Chromium died: no beforeBrowserClose (the page is gone), then the unclean close.
    s.host.web = undefined;
    s.web.close();
    const closed = s.auth.afterBrowserClosed({ clean: false, loggedOut: false }).then(() => 'closed' as const);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => resolve('deadline'), 10_000);
    });
    try {
      // Resolving within 10 s proves it did not wait out the 60 s flushTimeoutMs.
      expect(await Promise.race([closed, deadline])).toBe('closed');
    } finally {
      clearTimeout(timer);
    }
    await s.auth.destroy();
    // Only the backup at ready was uploaded; the one on the barrier was aborted by the crash, unreported.
    expect(s.store.calls.save).toBe(1);
    expect(s.host.saved.map((i) => i.generation)).toEqual([1]);
    expect(s.host.errors).toEqual([]);
  }, 20_000);

  test('destroy() cancels a save waiting on a flush barrier: no flushTimeoutMs wait, no upload, no error', async () => {
    const s = await start({ flushTimeoutMs: 60_000, backupSyncIntervalMs: 60_000 });
    s.web.neverFlush = true;
    await s.auth.afterAuthReady();
    await waitUntil(() => s.web.ls.has(FLUSH_BARRIER_KEY), 'barrier written');
    // Queued behind the stuck save: after destroy() there is nothing to save it from.
    const queued = s.auth.saveNow().then(
      () => 'resolved',
      (e: unknown) => e,
    );
    const destroyed = s.auth.destroy().then(() => 'destroyed' as const);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => resolve('deadline'), 10_000);
    });
    try {
      expect(await Promise.race([destroyed, deadline])).toBe('destroyed');
    } finally {
      clearTimeout(timer);
    }
    expect(await queued).toBe('resolved');
    expect(s.store.calls.save).toBe(1); // the backup at ready; the one on the barrier was cancelled
    // The timer's save was aborted, and that is not reported as a failed backup.
    expect(s.host.errors).toEqual([]);
  }, 20_000);

  test('no final backup of a session that never became ready', async () => {
    const s = await start();
    await close(s);
    expect(s.store.calls.save).toBe(0);
  });

  test('the timer does not outlive destroy()', async () => {
    const s = await start({ backupSyncIntervalMs: 15 });
    s.web.changeOnEveryRead = true;
    await s.auth.afterAuthReady();
    await s.host.until(() => s.host.saved.length >= 3, 'three periodic saves');
    await s.auth.destroy();
    const after = s.store.calls.save;
    const reads = s.web.reads;
    await sleep(150);
    expect(s.store.calls.save).toBe(after);
    expect(s.web.reads).toBe(reads);
  });

  test('logout() deletes every generation and the local profile', async () => {
    const s = await start();
    await s.auth.afterAuthReady();
    await s.host.until(() => s.host.saved.length === 1, 'first save');
    await close(s, { clean: true, loggedOut: true });
    await s.auth.logout();
    expect(await fileStore.list(SESSION)).toEqual([]);
    expect(existsSync(s.auth.userDataDir)).toBe(false);
  });
});

describe('starting', () => {
  test('a store that cannot be reached fails the start with its typed error', async () => {
    const store = instrument(fileStore, { failLists: 100 });
    const auth = new RemoteAuth({ store, clientId: 'u1', dataPath });
    auth.setup(new FakeHost());
    const err: unknown = await auth.beforeBrowserInitialized({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe(ErrorCode.STORE_UNREACHABLE);
    expect(store.calls.list).toBe(1);
  });

  test('with startupRetries the start waits for the store to come back', async () => {
    const store = instrument(fileStore, { failLists: 2 });
    const auth = new RemoteAuth({ store, clientId: 'u1', dataPath, startupRetries: 3, retryDelayMs: 20 });
    auth.setup(new FakeHost());
    await expect(auth.beforeBrowserInitialized({})).resolves.toEqual(expect.objectContaining({ userDataDir: auth.userDataDir }));
    expect(store.calls.list).toBe(3);
  });

  test('destroy() during start-up retries ends the start at once with an AbortError', async () => {
    const store = instrument(fileStore, { failLists: 100 });
    const auth = new RemoteAuth({ store, clientId: 'u1', dataPath, startupRetries: 5, retryDelayMs: 30_000 });
    auth.setup(new FakeHost());
    const starting = auth.beforeBrowserInitialized({}).then(
      () => undefined,
      (e: unknown) => e,
    );
    await waitUntil(() => store.calls.list === 1, 'first list');
    await auth.destroy();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => resolve('deadline'), 10_000);
    });
    try {
      const err = await Promise.race([starting, deadline]);
      expect(err).toBeInstanceOf(AbortError);
      expect((err as AbortError).code).toBe(ErrorCode.ABORTED);
    } finally {
      clearTimeout(timer);
    }
    expect(store.calls.list).toBe(1);
  }, 20_000);

  test('leftover temporary zips of other processes go once stale, whatever their pid; recent ones stay', async () => {
    await mkdir(dataPath, { recursive: true });
    const old = new Date(Date.now() - 20 * 60_000);
    // This process's own pid (in a container, pid 1 again after a restart): alive, but the zip is not ours.
    const reusedPid = join(dataPath, `.waweb-archive-${process.pid}-0123456789abcdef-a1b2c3d4e5f6.zip`);
    const legacy = join(dataPath, `.waweb-archive-${process.pid}-a1b2c3d4e5f6.zip`);
    const recent = join(dataPath, `.waweb-archive-${process.pid}-fedcba9876543210-a1b2c3d4e5f6.zip`);
    const unrelated = join(dataPath, '.waweb-archive-notes.txt');
    for (const file of [reusedPid, legacy, recent, unrelated]) await writeFile(file, 'PK');
    for (const file of [reusedPid, legacy, unrelated]) await utimes(file, old, old);
    const auth = new RemoteAuth({ store: fileStore, clientId: 'u1', dataPath });
    auth.setup(new FakeHost());
    await auth.beforeBrowserInitialized({});
    expect(existsSync(reusedPid)).toBe(false);
    expect(existsSync(legacy)).toBe(false);
    expect(existsSync(recent)).toBe(true);
    expect(existsSync(unrelated)).toBe(true);
  });

  test('retries run out: the last typed error is thrown', async () => {
    const store = instrument(fileStore, { failLists: 100 });
    const auth = new RemoteAuth({ store, clientId: 'u1', dataPath, startupRetries: 2, retryDelayMs: 10 });
    auth.setup(new FakeHost());
    const err: unknown = await auth.beforeBrowserInitialized({}).catch((e: unknown) => e);
    expect((err as StoreError).code).toBe(ErrorCode.STORE_UNREACHABLE);
    expect(store.calls.list).toBe(3);
  });
});

describe('restoring', () => {
  const profileOf = (): string => join(dataPath, SESSION);

  /**
   * A local profile, stamped (when `stampGeneration` is given) as the store's generation of that
   * number: its `createdAt` as the store lists it, or `createdAt` when given.
   */
  async function localProfile(stampGeneration?: number, createdAt?: Date): Promise<string> {
    await writeProfile(profileOf(), 'local');
    await writeFileAt(profileOf(), 'Default/Preferences', '{"local":true}');
    if (stampGeneration !== undefined) {
      const listed = (await fileStore.list(SESSION)).find((g) => g.generation === stampGeneration);
      const at = createdAt ?? listed?.createdAt ?? new Date();
      await writeFileAt(
        profileOf(),
        'waweb-remote.json',
        JSON.stringify({ sessionName: SESSION, generation: stampGeneration, createdAt: at.toISOString() }),
      );
    }
    return treeHash(profileOf());
  }

  async function readLocalStamp(): Promise<Record<string, unknown>> {
    return JSON.parse(await readFile(join(profileOf(), 'waweb-remote.json'), 'utf8')) as Record<string, unknown>;
  }

  /** A fresh RemoteAuth over an instrumented `inner` store, through its start (restore) step. */
  async function startOver(inner: SessionStore): Promise<{ auth: RemoteAuth; store: InstrumentedStore }> {
    const store = instrument(inner);
    const auth = new RemoteAuth({ store, clientId: 'u1', dataPath });
    auth.setup(new FakeHost());
    await auth.beforeBrowserInitialized({});
    return { auth, store };
  }

  async function restoredMarker(): Promise<string> {
    return readFile(join(profileOf(), ...IDB_LOG.split('/')), 'utf8');
  }

  test('a restore interrupted by a kill is recovered: temp folders go, a profile moved aside comes back', async () => {
    await localProfile(1);
    const before = await treeHash(profileOf());
    // Killed after moving the profile aside, before the new one was in place.
    await rename(profileOf(), join(dataPath, `${SESSION}.previous-dead1`));
    await writeFileAt(join(dataPath, `.${SESSION}.restore-dead2`), 'Default/IndexedDB/x/000001.log', 'half');
    const auth = new RemoteAuth({ store: fileStore, clientId: 'u1', dataPath });
    auth.setup(new FakeHost());
    await auth.beforeBrowserInitialized({});
    expect(await readdir(dataPath)).toEqual([SESSION]);
    expect(await treeHash(profileOf())).toBe(before);
  });

  test('a leftover previous profile beside a complete one is removed', async () => {
    await localProfile(1);
    const before = await treeHash(profileOf());
    await writeFileAt(join(dataPath, `${SESSION}.previous-old`), 'Default/IndexedDB/x/000001.log', 'old');
    const auth = new RemoteAuth({ store: fileStore, clientId: 'u1', dataPath });
    auth.setup(new FakeHost());
    await auth.beforeBrowserInitialized({});
    expect(await readdir(dataPath)).toEqual([SESSION]);
    expect(await treeHash(profileOf())).toBe(before);
  });

  test('the newest generation replaces a local profile it is newer than', async () => {
    await fileStore.save(SESSION, await goodArchive('gen1'));
    await localProfile();
    const host = new FakeHost();
    const auth = new RemoteAuth({ store: fileStore, clientId: 'u1', dataPath });
    auth.setup(host);
    await auth.beforeBrowserInitialized({});
    expect(await restoredMarker()).toBe('idb:gen1');
    expect(existsSync(join(profileOf(), 'Default', 'Preferences'))).toBe(false);
    expect(host.errors).toEqual([]);
    // Nothing is left beside the profile: no temp or previous folders.
    expect(await readdir(dataPath)).toEqual([SESSION]);
  });

  test.each([
    ['truncated', ErrorCode.ARCHIVE_CORRUPT, async () => (await goodArchive('bad')).subarray(0, 100)],
    ['not a zip', ErrorCode.ARCHIVE_CORRUPT, async () => Buffer.from('hello')],
  ])('a %s newest generation falls back to the older good one and reports %s', async (_label, code, bad) => {
    await fileStore.save(SESSION, await goodArchive('gen1'));
    await fileStore.save(SESSION, await bad());
    const before = await snapshotStore(fileStore, SESSION);
    const host = new FakeHost();
    const auth = new RemoteAuth({ store: fileStore, clientId: 'u1', dataPath });
    auth.setup(host);
    await auth.beforeBrowserInitialized({});
    expect(await restoredMarker()).toBe('idb:gen1');
    expect(host.errors).toHaveLength(1);
    expect(host.errors[0]).toBeInstanceOf(ArchiveError);
    expect((host.errors[0] as ArchiveError).code).toBe(code);
    expect((host.errors[0] as ArchiveError).cause).toBeInstanceOf(ArchiveError);
    expect(await snapshotStore(fileStore, SESSION)).toEqual(before);
  });

  test('a store failing mid-restore leaves the local profile exactly as it was', async () => {
    await fileStore.save(SESSION, await goodArchive('gen1'));
    const before = await localProfile();
    const store = instrument(fileStore, { failLoads: true });
    const auth = new RemoteAuth({ store, clientId: 'u1', dataPath });
    auth.setup(new FakeHost());
    const err: unknown = await auth.beforeBrowserInitialized({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RestoreError);
    expect((err as RestoreError).attempts.map((a) => a.generation)).toEqual([1]);
    expect((err as RestoreError).attempts[0]?.error).toBeInstanceOf(StoreError);
    expect(store.calls.load).toBe(1);
    expect(await treeHash(profileOf())).toBe(before);
    expect(await readdir(dataPath)).toEqual([SESSION]);
  });

  test('a local copy stamped with the newest generation (same number, same createdAt) is kept without a download', async () => {
    await fileStore.save(SESSION, await goodArchive('gen1'));
    await fileStore.save(SESSION, await goodArchive('gen2'));
    const before = await localProfile(2);
    const { store } = await startOver(fileStore);
    expect(store.calls.load).toBe(0);
    expect(await treeHash(profileOf())).toBe(before);
  });

  test('a stamp written before createdAt existed (savedAt held it) is still recognised', async () => {
    await fileStore.save(SESSION, await goodArchive('gen1'));
    const [listed] = await fileStore.list(SESSION);
    await writeProfile(profileOf(), 'local');
    await writeFileAt(
      profileOf(),
      'waweb-remote.json',
      JSON.stringify({ sessionName: SESSION, generation: 1, savedAt: listed!.createdAt.toISOString() }),
    );
    const before = await treeHash(profileOf());
    const { store } = await startOver(fileStore);
    expect(store.calls.load).toBe(0);
    expect(await treeHash(profileOf())).toBe(before);
  });

  test('a local copy is never replaced by a generation older than the one its stamp names', async () => {
    await fileStore.save(SESSION, await goodArchive('gen1'));
    await fileStore.save(SESSION, await goodArchive('gen2'));
    await fileStore.save(SESSION, Buffer.from('not a zip'));
    const before = await localProfile(2);
    const host = new FakeHost();
    const store = instrument(fileStore);
    const auth = new RemoteAuth({ store, clientId: 'u1', dataPath });
    auth.setup(host);
    await auth.beforeBrowserInitialized({});
    // Only generation 3 was a candidate; generation 1 was never even downloaded.
    expect(store.calls.load).toBe(1);
    expect(await treeHash(profileOf())).toBe(before);
    expect(host.errors.map((e) => (e as ArchiveError).code)).toEqual([ErrorCode.ARCHIVE_CORRUPT]);
  });

  test('saves and restores stamp the local copy with generation, createdAt and content hash', async () => {
    const s = await start();
    await s.auth.afterAuthReady();
    await s.host.until(() => s.host.saved.length === 1, 'first save');
    const [listed] = await fileStore.list(SESSION);
    const stored = await fileStore.load(SESSION);
    const manifest = (await extractSessionArchive(stored!.data, join(root, 'check'))).manifest;
    expect(await readLocalStamp()).toEqual({
      sessionName: SESSION,
      generation: 1,
      createdAt: listed!.createdAt.toISOString(),
      contentHash: manifest!.contentHash,
    });
    await close(s);
    // A new machine restores generation 2 (the final save) and stamps it the same way.
    await rm(profileOf(), { recursive: true, force: true });
    const auth = new RemoteAuth({ store: fileStore, clientId: 'u1', dataPath });
    auth.setup(new FakeHost());
    await auth.beforeBrowserInitialized({});
    const newest = (await fileStore.list(SESSION))[0]!;
    expect(await readLocalStamp()).toEqual({
      sessionName: SESSION,
      generation: newest.generation,
      createdAt: newest.createdAt.toISOString(),
      contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  test('after the remote copy was deleted and saved again from 1, the newest is restored over a local copy stamped with a higher number', async () => {
    for (const marker of ['old1', 'old2', 'old3']) await fileStore.save(SESSION, await goodArchive(marker));
    await localProfile(3);
    await fileStore.delete(SESSION);
    await fileStore.save(SESSION, await goodArchive('fresh1'));
    const host = new FakeHost();
    const auth = new RemoteAuth({ store: fileStore, clientId: 'u1', dataPath });
    auth.setup(host);
    await auth.beforeBrowserInitialized({});
    expect(await restoredMarker()).toBe('idb:fresh1');
    expect(host.errors).toEqual([]);
  });

  test('a stamp whose number now names another backup (renumbered after a prune) is not trusted: the newest is restored', async () => {
    // Like MongoStore over wwebjs-mongo uploads: no numbers stored, generations are positions by upload date.
    const store = new PositionalStore();
    store.upload(await goodArchive('A'));
    store.upload(await goodArchive('B'));
    const first = new RemoteAuth({ store, clientId: 'u1', dataPath });
    first.setup(new FakeHost());
    await first.beforeBrowserInitialized({});
    expect(await restoredMarker()).toBe('idb:B');
    expect(await readLocalStamp()).toMatchObject({ generation: 2 });
    // wwebjs-mongo uploads C and deletes A: [B = 1, C = 2].
    store.upload(await goodArchive('C'));
    store.removeOldest();
    expect((await store.list(SESSION)).map((g) => g.generation)).toEqual([2, 1]);
    const host = new FakeHost();
    const second = new RemoteAuth({ store, clientId: 'u1', dataPath });
    second.setup(host);
    await second.beforeBrowserInitialized({});
    expect(await restoredMarker()).toBe('idb:C');
    expect(host.errors).toEqual([]);
  });

  test('a store without stable generations is restored from its newest backup on every start, whatever the stamp says', async () => {
    await fileStore.save(SESSION, await goodArchive('gen1'));
    await localProfile(1); // the stamp matches generation 1 exactly
    const unstable: SessionStore = {
      name: 'unstable',
      stableGenerations: false,
      exists: (id) => fileStore.exists(id),
      list: (id) => fileStore.list(id),
      load: (id, o) => fileStore.load(id, o),
      save: (id, d) => fileStore.save(id, d),
      delete: (id) => fileStore.delete(id),
      close: () => fileStore.close(),
    };
    const host = new FakeHost();
    const auth = new RemoteAuth({ store: unstable, clientId: 'u1', dataPath });
    auth.setup(host);
    await auth.beforeBrowserInitialized({});
    expect(await restoredMarker()).toBe('idb:gen1');
    expect(host.errors).toEqual([]);
  });

  test('a whatsapp-web.js-style store is wrapped as a store without stable generations, and restored from on every start', async () => {
    await fileStore.save(SESSION, await goodArchive('gen1'));
    const wwebjsStyle = toWwebjsStore(fileStore, { workDir: join(root, 'zips') });
    const first = new RemoteAuth({ store: wwebjsStyle, clientId: 'u1', dataPath });
    expect(first.store.stableGenerations).toBe(false);
    first.setup(new FakeHost());
    await first.beforeBrowserInitialized({});
    expect(await restoredMarker()).toBe('idb:gen1');
    // The local copy changes; the next start still restores what the store holds.
    await writeProfile(profileOf(), 'local-edit');
    const second = new RemoteAuth({ store: wwebjsStyle, clientId: 'u1', dataPath });
    second.setup(new FakeHost());
    await second.beforeBrowserInitialized({});
    expect(await restoredMarker()).toBe('idb:gen1');
  });

  test('when every generation is unusable and the stamp names none of them, a stamped local copy is kept and the error reported', async () => {
    await fileStore.save(SESSION, Buffer.from('not a zip'));
    const before = await localProfile(7, new Date('2020-01-01T00:00:00Z'));
    const remote = await snapshotStore(fileStore, SESSION);
    const host = new FakeHost();
    const auth = new RemoteAuth({ store: fileStore, clientId: 'u1', dataPath });
    auth.setup(host);
    await auth.beforeBrowserInitialized({});
    expect(await treeHash(profileOf())).toBe(before);
    expect(host.errors.map((e) => (e as ArchiveError).code)).toEqual([ErrorCode.ARCHIVE_CORRUPT]);
    expect(await snapshotStore(fileStore, SESSION)).toEqual(remote);
  });

  test('when the generations newer than a stamped local copy are unusable, the local copy is kept and the error reported', async () => {
    await fileStore.save(SESSION, await goodArchive('gen1'));
    await fileStore.save(SESSION, Buffer.from('not a zip'));
    const before = await localProfile(1);
    const host = new FakeHost();
    const auth = new RemoteAuth({ store: fileStore, clientId: 'u1', dataPath });
    auth.setup(host);
    await auth.beforeBrowserInitialized({});
    expect(await treeHash(profileOf())).toBe(before);
    expect(host.errors).toHaveLength(1);
    expect((host.errors[0] as ArchiveError).code).toBe(ErrorCode.ARCHIVE_CORRUPT);
  });

  test('an unusable newest generation with nothing older and an unstamped local folder rejects, touching nothing', async () => {
    await fileStore.save(SESSION, Buffer.from('not a zip'));
    const before = await localProfile();
    const remote = await snapshotStore(fileStore, SESSION);
    const auth = new RemoteAuth({ store: fileStore, clientId: 'u1', dataPath });
    auth.setup(new FakeHost());
    const err: unknown = await auth.beforeBrowserInitialized({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RestoreError);
    expect((err as RestoreError).code).toBe(ErrorCode.RESTORE_FAILED);
    expect((err as RestoreError).attempts.map((a) => [a.generation, a.error.code])).toEqual([[1, ErrorCode.ARCHIVE_CORRUPT]]);
    expect(await treeHash(profileOf())).toBe(before);
    expect(await snapshotStore(fileStore, SESSION)).toEqual(remote);
  });
});

/**
 * A store that numbers backups by position, oldest = 1, as MongoStore does for wwebjs-mongo uploads
 * (which carry no waweb number): deleting the oldest renumbers the rest.
 */
class PositionalStore implements SessionStore {
  readonly name = 'positional';
  readonly #files: Array<{ data: Buffer; createdAt: Date }> = [];
  #clock = Date.parse('2024-01-01T00:00:00Z');

  upload(data: Buffer): void {
    this.#clock += 1000;
    this.#files.push({ data, createdAt: new Date(this.#clock) });
  }
  removeOldest(): void {
    this.#files.shift();
  }
  async exists(): Promise<boolean> {
    return this.#files.length > 0;
  }
  async save(sessionId: string, data: Buffer): Promise<StoredGeneration> {
    this.upload(data);
    const f = this.#files.at(-1)!;
    return { sessionId, generation: this.#files.length, createdAt: f.createdAt, bytes: data.length };
  }
  async load(sessionId: string, options?: { generation?: number }): Promise<LoadedSession | null> {
    const generation = options?.generation ?? this.#files.length;
    const f = this.#files[generation - 1];
    return f ? { sessionId, generation, createdAt: f.createdAt, bytes: f.data.length, data: f.data } : null;
  }
  async list(sessionId: string): Promise<StoredGeneration[]> {
    return this.#files.map((f, i) => ({ sessionId, generation: i + 1, createdAt: f.createdAt, bytes: f.data.length })).reverse();
  }
  async delete(): Promise<void> {
    this.#files.length = 0;
  }
  async close(): Promise<void> {}
}
