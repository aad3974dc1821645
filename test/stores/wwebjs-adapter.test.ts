import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Db } from 'mongodb';
import { MongoClient } from 'mongodb';
import mongoose from 'mongoose';
import { ErrorCode, InvalidOptionError, StoreError } from '../../src/errors';
import { FileStore, fromWwebjsStore, toWwebjsStore, type WwebjsStore } from '../../src/stores';
import { startMongo, type MongoServer } from '../helpers/mongo';
import { tempDir } from '../helpers/tmp';
import { describeStoreConformance } from '../../src/testing';

// The real packages, unmodified. They ship JavaScript; these are the parts the tests call.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- wwebjs-mongo ships no types
const { MongoStore: WwebjsMongo } = require('wwebjs-mongo') as { MongoStore: new (o: { mongoose: unknown }) => WwebjsStore };
interface RemoteAuthLike {
  setup(client: unknown): void;
  beforeBrowserInitialized(): Promise<void>;
  storeRemoteSession(options?: { emit?: boolean }): Promise<void>;
  userDataDir: string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- whatsapp-web.js's RemoteAuth is CommonJS, not exported with types
const RemoteAuth = require('whatsapp-web.js/src/authStrategies/RemoteAuth') as new (o: Record<string, unknown>) => RemoteAuthLike;

let server: MongoServer;
let admin: MongoClient;
let dbCounter = 0;
let scratch: { path: string; remove(): Promise<void> };
let originalCwd: string;

// whatsapp-web.js-style stores read `<session>.zip` from the working directory. Run the file from a
// scratch folder so the adapter's short-lived zips never land in the repository.
beforeAll(async () => {
  originalCwd = process.cwd();
  scratch = await tempDir('waweb-wwebjs-cwd-');
  process.chdir(scratch.path);
  server = await startMongo();
  admin = new MongoClient(server.uri, { serverSelectionTimeoutMS: 10_000 });
  await admin.connect();
});

afterAll(async () => {
  process.chdir(originalCwd);
  try {
    await admin?.close();
  } finally {
    try {
      await server?.stop();
    } finally {
      await scratch?.remove();
    }
  }
});

async function describeDb(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const c of await db.listCollections().toArray()) out[c.name] = await db.collection(c.name).countDocuments();
  return out;
}

async function listTree(root: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string): Promise<void> {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      out.push(path.relative(root, full) + (entry.isDirectory() ? '/' : ''));
      if (entry.isDirectory()) await walk(full);
    }
  }
  await walk(root);
  return out.sort();
}

describeStoreConformance(
  'fromWwebjsStore(wwebjs-mongo 1.1.0 MongoStore)',
  async () => {
    dbCounter += 1;
    const dbName = `${server.dbName}_${dbCounter}`;
    const m = new mongoose.Mongoose();
    await m.connect(server.uri, { dbName, serverSelectionTimeoutMS: 3_000 });
    const work = await tempDir('waweb-wwebjs-work-');
    return {
      store: fromWwebjsStore(new WwebjsMongo({ mongoose: m }), { workDir: work.path }),
      snapshot: async () => ({ db: await describeDb(admin.db(dbName)), cwd: await listTree(process.cwd()) }),
      breakBackend: () => m.disconnect(),
      cleanup: async () => {
        await m.disconnect().catch(() => undefined);
        await admin
          .db(dbName)
          .dropDatabase()
          .catch(() => undefined);
        await work.remove();
      },
    };
  },
  // wwebjs-mongo keeps one upload; the adapter cannot address older ones.
  { keep: 1, generations: false },
);

describeStoreConformance(
  'fromWwebjsStore(toWwebjsStore(FileStore))',
  async () => {
    const tmp = await tempDir('waweb-wwebjs-file-');
    const directory = path.join(tmp.path, 'store');
    const zips = path.join(tmp.path, 'zips');
    await fs.mkdir(zips);
    const inner = new FileStore({ directory, keep: 3 });
    return {
      store: fromWwebjsStore(toWwebjsStore(inner, { workDir: zips }), { workDir: path.join(tmp.path, 'work'), zipDir: zips }),
      snapshot: () => listTree(tmp.path),
      breakBackend: async () => {
        await fs.rm(directory, { recursive: true, force: true });
        await fs.writeFile(directory, 'not a folder');
      },
      cleanup: () => tmp.remove(),
    };
  },
  { keep: 3, generations: false },
);

describe('fromWwebjsStore', () => {
  let dbName: string;
  let m: mongoose.Mongoose;
  let work: { path: string; remove(): Promise<void> };

  beforeEach(async () => {
    dbCounter += 1;
    dbName = `${server.dbName}_${dbCounter}`;
    m = new mongoose.Mongoose();
    await m.connect(server.uri, { dbName, serverSelectionTimeoutMS: 3_000 });
    work = await tempDir('waweb-wwebjs-work-');
  });

  afterEach(async () => {
    await m.disconnect().catch(() => undefined);
    await admin
      .db(dbName)
      .dropDatabase()
      .catch(() => undefined);
    await work.remove();
  });

  it('saves where wwebjs-mongo itself restores from, and loads what it saved', async () => {
    const theirs = new WwebjsMongo({ mongoose: m });
    const adapter = fromWwebjsStore(theirs, { workDir: work.path });
    const id = 'RemoteAuth-abc';
    const data = randomBytes(400_000);
    const saved = await adapter.save(id, data);
    expect(saved).toMatchObject({ sessionId: id, generation: 1, bytes: data.length });
    const names = (await admin.db(dbName).listCollections().toArray()).map((c) => c.name).sort();
    expect(names).toEqual([`whatsapp-${id}.chunks`, `whatsapp-${id}.files`]);
    const out = path.join(work.path, 'theirs.zip');
    await theirs.extract({ session: id, path: out });
    expect((await fs.readFile(out)).equals(data)).toBe(true);

    // The staged zip existed only during save(), and nothing else was left in the working directory.
    expect(await fs.readdir(process.cwd())).toEqual([]);
    // extract() temp files are gone too.
    await adapter.load(id);
    expect((await fs.readdir(work.path)).filter((n) => n.startsWith('.extract-'))).toEqual([]);
  });

  it('counts generations it saw and reports an unknown backup as generation 1', async () => {
    const theirs = new WwebjsMongo({ mongoose: m });
    const first = fromWwebjsStore(theirs, { workDir: work.path });
    await first.save('sess', Buffer.from('a'));
    await first.save('sess', Buffer.from('b'));
    expect((await first.list('sess')).map((e) => [e.generation, e.bytes])).toEqual([[2, 1]]);

    const second = fromWwebjsStore(theirs, { workDir: work.path });
    const loaded = await second.load('sess');
    expect(loaded).toMatchObject({ generation: 1, bytes: 1 });
    expect(loaded?.data.toString()).toBe('b');
    await expect(second.load('sess', { generation: 2 })).resolves.toBeNull();
    // A save over a backup it did not see numbers on from 1.
    await expect(second.save('sess', Buffer.from('c'))).resolves.toMatchObject({ generation: 2 });
  });

  it('lists without downloading: bytes 0 (unknown) for a backup it has not seen, and says its generations are not stable', async () => {
    const theirs = new WwebjsMongo({ mongoose: m });
    await fromWwebjsStore(theirs, { workDir: work.path }).save('seen', randomBytes(300_000));
    const calls = { sessionExists: 0, extract: 0 };
    const counting: WwebjsStore = {
      sessionExists: (o) => (calls.sessionExists++, theirs.sessionExists(o)),
      save: (o) => theirs.save(o),
      extract: (o) => (calls.extract++, theirs.extract(o)),
      delete: (o) => theirs.delete(o),
    };
    const fresh = fromWwebjsStore(counting, { workDir: work.path });
    expect(fresh.stableGenerations).toBe(false);
    const list = await fresh.list('seen');
    expect(list).toEqual([{ sessionId: 'seen', generation: 1, createdAt: expect.any(Date), bytes: 0 }]);
    expect(calls).toEqual({ sessionExists: 1, extract: 0 });
    // One download per restore: the load that follows the list.
    const loaded = await fresh.load('seen', { generation: list[0]!.generation });
    expect(loaded?.bytes).toBe(300_000);
    expect(calls.extract).toBe(1);
    // Once seen, list reports its size.
    expect((await fresh.list('seen')).map((e) => e.bytes)).toEqual([300_000]);
    expect(calls.extract).toBe(1);
  });

  it('waits for a delete the wrapped store finishes in the background', async () => {
    const data = new Map<string, Buffer>();
    const lagging: WwebjsStore = {
      async sessionExists({ session }) {
        return data.has(session);
      },
      async save({ session }) {
        data.set(session, await fs.readFile(`${session}.zip`));
      },
      async extract({ session, path: p }) {
        await fs.writeFile(p, data.get(session)!);
      },
      async delete({ session }) {
        // Like wwebjs-mongo 1.1.0: starts the work and returns before it is done.
        setTimeout(() => data.delete(session), 150);
      },
    };
    const adapter = fromWwebjsStore(lagging, { workDir: work.path });
    await adapter.save('lag', Buffer.from('x'));
    await adapter.delete('lag');
    await expect(adapter.exists('lag')).resolves.toBe(false);
  });

  it('gives up on a delete that never takes effect, naming the option', async () => {
    const stuck: WwebjsStore = {
      sessionExists: async () => true,
      save: async () => undefined,
      extract: async () => undefined,
      delete: async () => undefined,
    };
    const adapter = fromWwebjsStore(stuck, { workDir: work.path, deleteSettleTimeoutMs: 100 });
    const err = await adapter.delete('stuck').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe(ErrorCode.STORE_FAILED);
    expect((err as StoreError).message).toContain('deleteSettleTimeoutMs');
  });

  it('wraps whatever the store throws, strings included, keeping it as cause', async () => {
    const throwing: WwebjsStore = {
      sessionExists: async () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the point: a third-party store that throws a string
        throw 'auth timeout';
      },
      save: async () => undefined,
      extract: async () => undefined,
      delete: async () => undefined,
    };
    const adapter = fromWwebjsStore(throwing, { workDir: work.path });
    await expect(adapter.exists('x1')).rejects.toMatchObject({ code: ErrorCode.STORE_FAILED, cause: 'auth timeout' });
    await expect(adapter.load('x1')).rejects.toBeInstanceOf(StoreError);
  });

  it('reports an extract that wrote nothing', async () => {
    const empty: WwebjsStore = {
      sessionExists: async () => true,
      save: async () => undefined,
      extract: async () => undefined,
      delete: async () => undefined,
    };
    const adapter = fromWwebjsStore(empty, { workDir: work.path });
    await expect(adapter.load('ghost')).rejects.toMatchObject({ code: ErrorCode.STORE_FAILED });
  });

  it('rejects objects that are not wwebjs stores and a missing workDir', () => {
    expect(() => fromWwebjsStore({} as WwebjsStore, { workDir: work.path })).toThrow(InvalidOptionError);
    expect(() => fromWwebjsStore(new WwebjsMongo({ mongoose: m }), { workDir: '' })).toThrow(InvalidOptionError);
  });
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
