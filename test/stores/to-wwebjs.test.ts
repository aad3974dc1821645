/**
 * `toWwebjsStore`: a waweb store behind the interface whatsapp-web.js's own RemoteAuth calls, where
 * each wwebjs version leaves its zip, and the real RemoteAuth 1.34.7 backing up into it.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ErrorCode, InvalidOptionError, StoreError } from '../../src/errors';
import { FileStore, toWwebjsStore } from '../../src/stores';
import { tempDir } from '../helpers/tmp';

interface RemoteAuthLike {
  setup(client: unknown): void;
  beforeBrowserInitialized(): Promise<void>;
  storeRemoteSession(options?: { emit?: boolean }): Promise<void>;
  userDataDir: string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- whatsapp-web.js's RemoteAuth is CommonJS, not exported with types
const RemoteAuth = require('whatsapp-web.js/src/authStrategies/RemoteAuth') as new (o: Record<string, unknown>) => RemoteAuthLike;

let scratch: { path: string; remove(): Promise<void> };
let originalCwd: string;

// Older whatsapp-web.js releases leave `<session>.zip` in the working directory. Run the file from a
// scratch folder so those zips never land in the repository.
beforeAll(async () => {
  originalCwd = process.cwd();
  scratch = await tempDir('waweb-towwebjs-cwd-');
  process.chdir(scratch.path);
});

afterAll(async () => {
  process.chdir(originalCwd);
  await scratch?.remove();
});

describe('toWwebjsStore', () => {
  let tmp: { path: string; remove(): Promise<void> };
  let inner: FileStore;
  let dataPath: string;

  beforeEach(async () => {
    tmp = await tempDir('waweb-towwebjs-');
    inner = new FileStore({ directory: path.join(tmp.path, 'store') });
    dataPath = path.join(tmp.path, 'wwebjs_auth');
    await fs.mkdir(dataPath);
  });

  afterEach(async () => {
    await tmp.remove();
  });

  it('finds the zip whatsapp-web.js 1.34.7 leaves in dataPath, whatever the working directory', async () => {
    const store = toWwebjsStore(inner, { workDir: dataPath });
    expect(process.cwd()).not.toBe(dataPath);
    await fs.writeFile(path.join(dataPath, 'RemoteAuth-one.zip'), 'from dataPath');
    await store.save({ session: 'RemoteAuth-one' });
    expect((await inner.load('RemoteAuth-one'))?.data.toString()).toBe('from dataPath');
    await expect(store.sessionExists({ session: 'RemoteAuth-one' })).resolves.toBe(true);
  });

  it('falls back to the working directory (older releases) and prefers dataPath when both exist', async () => {
    const store = toWwebjsStore(inner, { workDir: dataPath });
    const inCwd = path.resolve('RemoteAuth-two.zip');
    await fs.writeFile(inCwd, 'from cwd');
    try {
      await store.save({ session: 'RemoteAuth-two' });
      expect((await inner.load('RemoteAuth-two'))?.data.toString()).toBe('from cwd');
      await fs.writeFile(path.join(dataPath, 'RemoteAuth-two.zip'), 'from dataPath');
      await store.save({ session: 'RemoteAuth-two' });
      expect((await inner.load('RemoteAuth-two'))?.data.toString()).toBe('from dataPath');
    } finally {
      await fs.rm(inCwd, { force: true });
    }
  });

  it('stores a session passed as a path (1.34.5-1.34.6) under its base name', async () => {
    const store = toWwebjsStore(inner, { workDir: dataPath });
    await fs.writeFile(path.join(dataPath, 'RemoteAuth-three.zip'), 'pathlike');
    await store.save({ session: path.join(dataPath, 'RemoteAuth-three') });
    expect((await inner.load('RemoteAuth-three'))?.data.toString()).toBe('pathlike');
    await expect(store.sessionExists({ session: 'RemoteAuth-three' })).resolves.toBe(true);
  });

  it('fails with the file error as cause when there is no zip, and rejects bad names', async () => {
    const store = toWwebjsStore(inner, { workDir: dataPath });
    const err = await store.save({ session: 'RemoteAuth-none' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe(ErrorCode.STORE_FAILED);
    expect(((err as StoreError).cause as NodeJS.ErrnoException).code).toBe('ENOENT');
    await expect(store.save({ session: 'a b' })).rejects.toMatchObject({ code: ErrorCode.INVALID_SESSION_ID });
    await expect(store.sessionExists({ session: '' })).rejects.toMatchObject({ code: ErrorCode.INVALID_SESSION_ID });
    await expect(inner.list('RemoteAuth-none')).resolves.toEqual([]);
  });

  it('extracts the newest generation privately, and fails for an absent session', async () => {
    const store = toWwebjsStore(inner, { workDir: dataPath });
    await inner.save('RemoteAuth-four', Buffer.from('old'));
    await inner.save('RemoteAuth-four', Buffer.from('new'));
    const out = path.join(tmp.path, 'deep', 'er', 'RemoteAuth-four.zip');
    await store.extract({ session: 'RemoteAuth-four', path: out });
    await expect(fs.readFile(out, 'utf8')).resolves.toBe('new');
    expect((await fs.stat(out)).mode & 0o777).toBe(0o600);
    await expect(store.extract({ session: 'RemoteAuth-absent', path: out })).rejects.toBeInstanceOf(StoreError);
    await store.delete({ session: 'RemoteAuth-four' });
    await expect(store.sessionExists({ session: 'RemoteAuth-four' })).resolves.toBe(false);
  });

  it("lets whatsapp-web.js 1.34.7's own RemoteAuth back up into and restore from a waweb store", async () => {
    const store = toWwebjsStore(inner, { workDir: dataPath });
    const emitted: string[] = [];
    const client = { options: { puppeteer: {} }, emit: (name: string) => emitted.push(name) };
    const makeAuth = (): RemoteAuthLike => {
      const auth = new RemoteAuth({ store, clientId: 'interop', dataPath, backupSyncIntervalMs: 60_000 });
      auth.setup(client);
      return auth;
    };

    // First start: no backup anywhere, so RemoteAuth creates an empty profile.
    const auth = makeAuth();
    await auth.beforeBrowserInitialized();
    const profile = path.join(dataPath, 'RemoteAuth-interop');
    expect(auth.userDataDir).toBe(profile);
    const files: Record<string, Buffer> = {
      'Default/IndexedDB/https_web.whatsapp.com_0.indexeddb.leveldb/000003.log': randomBytes(20_000),
      'Default/IndexedDB/https_web.whatsapp.com_0.indexeddb.leveldb/CURRENT': Buffer.from('MANIFEST-000001\n'),
      'Default/Local Storage/leveldb/000005.ldb': randomBytes(5_000),
    };
    for (const [rel, data] of Object.entries(files)) {
      await fs.mkdir(path.dirname(path.join(profile, rel)), { recursive: true });
      await fs.writeFile(path.join(profile, rel), data);
    }
    await fs.mkdir(path.join(profile, 'Default', 'Cache'), { recursive: true });
    await fs.writeFile(path.join(profile, 'Default', 'Cache', 'data_0'), 'not backed up');

    // The working directory is not dataPath: with wwebjs-mongo this is the 1.34.7 ENOENT crash.
    expect(process.cwd()).not.toBe(dataPath);
    await auth.storeRemoteSession({ emit: true });
    expect(emitted).toEqual(['remote_session_saved']);
    const stored = await inner.load('RemoteAuth-interop');
    expect(stored?.data.subarray(0, 2).toString()).toBe('PK');
    // RemoteAuth removed its zip and temp folder; the backup lives only in the waweb store.
    expect((await fs.readdir(dataPath)).sort()).toEqual(['RemoteAuth-interop']);

    // A fresh machine: the profile is gone, RemoteAuth restores it from the waweb store.
    await fs.rm(profile, { recursive: true, force: true });
    await makeAuth().beforeBrowserInitialized();
    // RemoteAuth resolves on unzipper's 'finish', which can come before the last entry is on disk
    // (seen here about one run in five): wait, with a deadline, for the files it is still writing.
    const deadline = Date.now() + 10_000;
    for (const [rel, data] of Object.entries(files)) {
      let restored = await fs.readFile(path.join(profile, rel)).catch(() => undefined);
      while ((!restored || !restored.equals(data)) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        restored = await fs.readFile(path.join(profile, rel)).catch(() => undefined);
      }
      expect(restored?.equals(data)).toBe(true);
    }
    await expect(fs.stat(path.join(profile, 'Default', 'Cache'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('requires workDir', () => {
    expect(() => toWwebjsStore(inner, { workDir: '' })).toThrow(InvalidOptionError);
  });
});
