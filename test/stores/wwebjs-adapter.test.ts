import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Db } from 'mongodb';
import { MongoClient } from 'mongodb';
import mongoose from 'mongoose';
import { ErrorCode, InvalidOptionError, StoreError } from '../../src/errors';
import { FileStore, WwebjsStoreAdapter, toWwebjsStore, type WwebjsStore } from '../../src/stores';
import { startMongo, type MongoServer } from '../helpers/mongo';
import { tempDir } from '../helpers/tmp';
import { describeStoreConformance } from '../../src/testing';

// The real packages, unmodified. They ship JavaScript; these are the parts the tests call.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- wwebjs-mongo ships no types
const { MongoStore: WwebjsMongo } = require('wwebjs-mongo') as { MongoStore: new (o: { mongoose: unknown }) => WwebjsStore };

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
  admin = new MongoClient(server.uri, { serverSelectionTimeoutMS: 10_000, serverMonitoringMode: 'poll' });
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
  'new WwebjsStoreAdapter(wwebjs-mongo 1.1.0 MongoStore)',
  async () => {
    dbCounter += 1;
    const dbName = `${server.dbName}_${dbCounter}`;
    const m = new mongoose.Mongoose();
    await m.connect(server.uri, { dbName, serverSelectionTimeoutMS: 3_000, serverMonitoringMode: 'poll' });
    const work = await tempDir('waweb-wwebjs-work-');
    return {
      store: new WwebjsStoreAdapter(new WwebjsMongo({ mongoose: m }), { workDir: work.path }),
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
  'new WwebjsStoreAdapter(toWwebjsStore(FileStore))',
  async () => {
    const tmp = await tempDir('waweb-wwebjs-file-');
    const directory = path.join(tmp.path, 'store');
    const zips = path.join(tmp.path, 'zips');
    await fs.mkdir(zips);
    const inner = new FileStore({ directory, keep: 3 });
    return {
      store: new WwebjsStoreAdapter(toWwebjsStore(inner, { workDir: zips }), { workDir: path.join(tmp.path, 'work'), zipDir: zips }),
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

describe('WwebjsStoreAdapter', () => {
  let dbName: string;
  let m: mongoose.Mongoose;
  let work: { path: string; remove(): Promise<void> };

  beforeEach(async () => {
    dbCounter += 1;
    dbName = `${server.dbName}_${dbCounter}`;
    m = new mongoose.Mongoose();
    await m.connect(server.uri, { dbName, serverSelectionTimeoutMS: 3_000, serverMonitoringMode: 'poll' });
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
    const adapter = new WwebjsStoreAdapter(theirs, { workDir: work.path });
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
    const first = new WwebjsStoreAdapter(theirs, { workDir: work.path });
    await first.save('sess', Buffer.from('a'));
    await first.save('sess', Buffer.from('b'));
    expect((await first.list('sess')).map((e) => [e.generation, e.bytes])).toEqual([[2, 1]]);

    const second = new WwebjsStoreAdapter(theirs, { workDir: work.path });
    const loaded = await second.load('sess');
    expect(loaded).toMatchObject({ generation: 1, bytes: 1 });
    expect(loaded?.data.toString()).toBe('b');
    await expect(second.load('sess', { generation: 2 })).resolves.toBeNull();
    // A save over a backup it did not see numbers on from 1.
    await expect(second.save('sess', Buffer.from('c'))).resolves.toMatchObject({ generation: 2 });
  });

  it('lists without downloading: bytes 0 (unknown) for a backup it has not seen, and says its generations are not stable', async () => {
    const theirs = new WwebjsMongo({ mongoose: m });
    await new WwebjsStoreAdapter(theirs, { workDir: work.path }).save('seen', randomBytes(300_000));
    const calls = { sessionExists: 0, extract: 0 };
    const counting: WwebjsStore = {
      sessionExists: (o) => (calls.sessionExists++, theirs.sessionExists(o)),
      save: (o) => theirs.save(o),
      extract: (o) => (calls.extract++, theirs.extract(o)),
      delete: (o) => theirs.delete(o),
    };
    const fresh = new WwebjsStoreAdapter(counting, { workDir: work.path });
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
    const adapter = new WwebjsStoreAdapter(lagging, { workDir: work.path });
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
    const adapter = new WwebjsStoreAdapter(stuck, { workDir: work.path, deleteSettleTimeoutMs: 100 });
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
    const adapter = new WwebjsStoreAdapter(throwing, { workDir: work.path });
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
    const adapter = new WwebjsStoreAdapter(empty, { workDir: work.path });
    await expect(adapter.load('ghost')).rejects.toMatchObject({ code: ErrorCode.STORE_FAILED });
  });

  it('rejects objects that are not wwebjs stores and a missing workDir', () => {
    expect(() => new WwebjsStoreAdapter({} as WwebjsStore, { workDir: work.path })).toThrow(InvalidOptionError);
    expect(() => new WwebjsStoreAdapter(new WwebjsMongo({ mongoose: m }), { workDir: '' })).toThrow(InvalidOptionError);
  });
});
