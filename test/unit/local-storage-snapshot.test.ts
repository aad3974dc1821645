/**
 * Issue 13, the first backup at `ready`: the page's localStorage carried in the archive as
 * `Default/Local Storage/waweb-local-storage.json`, and the script that writes it back on restore.
 */
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import {
  createSessionArchive,
  extractSessionArchive,
  LOCAL_STORAGE_SNAPSHOT,
  parseLocalStorageSnapshot,
  readLocalStorageSnapshot,
  removeLocalStorageSnapshot,
} from '../../src/archive';
import { localStorageRestoreScript } from '../../src/browser/init-scripts';
import { ErrorCode } from '../../src/errors';
import { importSession } from '../../src/session/index';
import { LocalAuth } from '../../src/index';

const IDB = 'Default/IndexedDB/https_web.whatsapp.com_0.indexeddb.leveldb';

let tmp: string;
beforeEach(async () => {
  tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'waweb-ls-snapshot-'));
});
afterEach(async () => {
  await fsp.rm(tmp, { recursive: true, force: true });
});

async function write(root: string, rel: string, data: string): Promise<void> {
  const file = path.join(root, ...rel.split('/'));
  await fsp.mkdir(path.dirname(file), { recursive: true });
  await fsp.writeFile(file, data);
}

async function profile(): Promise<string> {
  const root = path.join(tmp, 'profile');
  await write(root, `${IDB}/000003.log`, 'idb-record');
  await write(root, `${IDB}/CURRENT`, 'MANIFEST-000001\n');
  await write(root, 'Default/Local Storage/leveldb/CURRENT', 'MANIFEST-000001\n');
  return root;
}

let extractions = 0;
/** The items an archive carries, read back through a real extraction. */
async function carried(zip: Buffer): Promise<Array<[string, string]> | undefined> {
  const dir = path.join(tmp, `extracted-${extractions++}`);
  await extractSessionArchive(zip, dir);
  expect(await fsp.readdir(path.join(dir, 'Default', 'Local Storage'))).toContain(path.basename(LOCAL_STORAGE_SNAPSHOT));
  return readLocalStorageSnapshot(dir);
}

const ITEMS: Array<[string, string]> = [
  ['last-wid-md', '"15551230001:7@c.us"'],
  ['__proto__', 'a key like any other'],
  ['ünïcödé', '💬'],
];

test('a live archive carries the items, read after the files; the manifest covers them and extraction restores them', async () => {
  const root = await profile();
  const order: string[] = [];
  const archive = await createSessionArchive(root, {
    clientId: 'snap',
    localStorage: async () => {
      order.push('items');
      return ITEMS;
    },
  });
  expect(order).toEqual(['items']);
  expect(archive.manifest.files).toBe(4);
  expect(await carried(archive.data)).toEqual(ITEMS);

  const target = path.join(tmp, 'restored');
  await extractSessionArchive(archive.data, target);
  expect(await readLocalStorageSnapshot(target)).toEqual(ITEMS);
  await removeLocalStorageSnapshot(target);
  expect(await readLocalStorageSnapshot(target)).toBeUndefined();
  await removeLocalStorageSnapshot(target); // idempotent
});

test('a snapshot left in the profile is replaced by the live items, and kept when there are none', async () => {
  const root = await profile();
  const stale: Array<[string, string]> = [['old', 'value']];
  await createSessionArchive(root, { clientId: 'snap', localStorage: async () => stale }).then((a) =>
    extractSessionArchive(a.data, path.join(root, '..', 'second')),
  );
  const second = path.join(root, '..', 'second');
  const live = await createSessionArchive(second, { clientId: 'snap', localStorage: async () => ITEMS });
  expect(await carried(live.data)).toEqual(ITEMS);
  expect(live.manifest.files).toBe(4);
  const closed = await createSessionArchive(second, { clientId: 'snap' });
  expect(await carried(closed.data)).toEqual(stale);
});

test.each([
  ['not JSON', '{'],
  ['another format', JSON.stringify({ format: 'x', version: 1, origin: 'https://web.whatsapp.com', items: [] })],
  ['another origin', JSON.stringify({ format: 'waweb-local-storage', version: 1, origin: 'https://evil.example', items: [] })],
  ['a later version', JSON.stringify({ format: 'waweb-local-storage', version: 2, origin: 'https://web.whatsapp.com', items: [] })],
  [
    'an item that is no pair',
    JSON.stringify({ format: 'waweb-local-storage', version: 1, origin: 'https://web.whatsapp.com', items: [['k']] }),
  ],
  [
    'a value that is no string',
    JSON.stringify({ format: 'waweb-local-storage', version: 1, origin: 'https://web.whatsapp.com', items: [['k', 1]] }),
  ],
])('a snapshot that is %s is ARCHIVE_CORRUPT', (_what, text) => {
  expect(() => parseLocalStorageSnapshot(Buffer.from(text))).toThrow(expect.objectContaining({ code: ErrorCode.ARCHIVE_CORRUPT }));
});

describe('localStorageRestoreScript', () => {
  function page(origin: string, top = true) {
    const local = new Map<string, string>();
    const session = new Map<string, string>();
    const storage = (m: Map<string, string>) => ({
      getItem: (k: string) => (m.has(k) ? m.get(k)! : null),
      setItem: (k: string, v: string) => void m.set(k, String(v)),
    });
    const window: Record<string, unknown> = {};
    window['top'] = top ? window : {};
    const context = { location: { origin }, window, localStorage: storage(local), sessionStorage: storage(session), console };
    return { local, run: (script: string) => runInNewContext(script, context) };
  }

  test('writes every item once per tab, in the app origin only, and evaluates nothing it carries', () => {
    const hostile: Array<[string, string]> = [...ITEMS, ['x', '`);globalThis.pwned=1;(`'], ['</script>', '${1+1}']];
    const script = localStorageRestoreScript('https://web.whatsapp.com', hostile);
    const app = page('https://web.whatsapp.com');
    app.run(script);
    expect([...app.local.entries()]).toEqual(hostile);
    app.local.set('last-wid-md', 'changed by the app');
    app.run(script); // a reload of the same tab
    expect(app.local.get('last-wid-md')).toBe('changed by the app');
    expect((globalThis as Record<string, unknown>)['pwned']).toBeUndefined();

    const other = page('https://example.org');
    other.run(script);
    expect(other.local.size).toBe(0);
    const frame = page('https://web.whatsapp.com', false);
    frame.run(script);
    expect(frame.local.size).toBe(0);
  });
});

describe('a backup taken at ready, imported into a LocalAuth folder', () => {
  test('LocalAuth writes the carried items back on start, and drops them after a clean close', async () => {
    const root = await profile();
    const archive = await createSessionArchive(root, { clientId: 'snap', localStorage: async () => ITEMS });
    const dataPath = path.join(tmp, 'auth');
    await importSession({ localAuth: { dataPath, clientId: 'bot' } }, archive);
    const auth = new LocalAuth({ clientId: 'bot', dataPath });
    const errors: unknown[] = [];
    auth.setup({ page: () => undefined, emitSessionSaved: () => undefined, emitError: (e) => void errors.push(e) });
    const plan = await auth.beforeBrowserInitialized({});
    expect(plan.initScripts).toHaveLength(1);
    expect(plan.initScripts![0]).toContain(JSON.stringify(ITEMS));
    await auth.afterBrowserClosed({ clean: true, loggedOut: false });
    expect(await readLocalStorageSnapshot(auth.userDataDir)).toBeUndefined();
    expect((await auth.beforeBrowserInitialized({})).initScripts).toBeUndefined();

    // An unreadable set of items is reported and dropped; the start goes on.
    await fsp.writeFile(path.join(auth.userDataDir, ...LOCAL_STORAGE_SNAPSHOT.split('/')), '{');
    expect((await auth.beforeBrowserInitialized({})).initScripts).toBeUndefined();
    expect(errors).toEqual([expect.objectContaining({ code: ErrorCode.ARCHIVE_CORRUPT })]);
    expect(await readLocalStorageSnapshot(auth.userDataDir)).toBeUndefined();
  });

  test('a start past its deadline (START_TIMEOUT) keeps the items, since the app that takes them may not have loaded', async () => {
    const root = await profile();
    const archive = await createSessionArchive(root, { clientId: 'snap', localStorage: async () => ITEMS });
    const dataPath = path.join(tmp, 'auth');
    await importSession({ localAuth: { dataPath, clientId: 'late' } }, archive);
    const auth = new LocalAuth({ clientId: 'late', dataPath });
    auth.setup({ page: () => undefined, emitSessionSaved: () => undefined, emitError: () => undefined });
    expect(auth.sessionFolder()).toBe(auth.userDataDir);
    await auth.beforeBrowserInitialized({});
    await auth.afterBrowserClosed({ clean: true, loggedOut: false, reason: 'START_TIMEOUT' });
    expect(await readLocalStorageSnapshot(auth.userDataDir)).toEqual(ITEMS);
    expect((await auth.beforeBrowserInitialized({})).initScripts).toHaveLength(1);
  });
  test("a logged-in page's items are copied before the browser closes: kept after a close that killed the browser, dropped after a clean one or a logout", async () => {
    const dataPath = path.join(tmp, 'auth');
    const auth = new LocalAuth({ clientId: 'closing', dataPath });
    let reads = 0;
    const page = {
      localStorageEntries: async () => {
        reads++;
        return ITEMS;
      },
      setLocalStorageItem: async () => undefined,
    };
    auth.setup({ page: () => page, emitSessionSaved: () => undefined, emitError: () => undefined });

    // Not logged in (a QR was showing): nothing worth keeping is read.
    await auth.beforeBrowserInitialized({});
    await auth.beforeBrowserClose();
    expect(reads).toBe(0);
    await auth.afterBrowserClosed({ clean: false, loggedOut: false });
    expect(await readLocalStorageSnapshot(auth.userDataDir)).toBeUndefined();

    // Logged in, then a close that had to kill the browser: the next start writes the items back.
    await auth.beforeBrowserInitialized({});
    await auth.getAuthEventPayload();
    await auth.beforeBrowserClose();
    expect(reads).toBe(1);
    await auth.afterBrowserClosed({ clean: false, loggedOut: false });
    expect(await readLocalStorageSnapshot(auth.userDataDir)).toEqual(ITEMS);
    const plan = await auth.beforeBrowserInitialized({});
    expect(plan.initScripts?.[0]).toContain(JSON.stringify(ITEMS));

    // A clean close flushed localStorage itself: the copy goes.
    await auth.getAuthEventPayload();
    await auth.beforeBrowserClose();
    await auth.afterBrowserClosed({ clean: true, loggedOut: false });
    expect(await readLocalStorageSnapshot(auth.userDataDir)).toBeUndefined();

    // Logged out: nothing to write back, whatever the close.
    await auth.beforeBrowserInitialized({});
    await auth.getAuthEventPayload();
    await auth.beforeBrowserClose();
    await auth.afterBrowserClosed({ clean: false, loggedOut: true });
    expect(await readLocalStorageSnapshot(auth.userDataDir)).toBeUndefined();
  });

  test("a page that does not answer delays the close by at most the copy's bound, and the close goes on", async () => {
    const auth = new LocalAuth({ clientId: 'stuck', dataPath: path.join(tmp, 'auth') });
    const page = {
      localStorageEntries: () => new Promise<Array<[string, string]>>(() => undefined),
      setLocalStorageItem: async () => undefined,
    };
    auth.setup({ page: () => page, emitSessionSaved: () => undefined, emitError: () => undefined });
    await auth.beforeBrowserInitialized({});
    await auth.getAuthEventPayload();
    await expect(auth.beforeBrowserClose()).resolves.toBeUndefined();
    expect(await readLocalStorageSnapshot(auth.userDataDir)).toBeUndefined();
  });
});
