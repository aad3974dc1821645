import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { GridFSBucket, MongoClient, type Db } from 'mongodb';
import mongoose from 'mongoose';
import { ErrorCode, InvalidOptionError, StoreError } from '../../src/errors';
import { MongoStore } from '../../src/stores';
import { startMongo, type MongoServer } from '../helpers/mongo';
import { freePort } from '../helpers/ports';
import { tempDir } from '../helpers/tmp';
import { describeMarksConformance, describeStoreConformance, freshSessionId } from '../../src/testing';

// wwebjs-mongo 1.1.0 ships JavaScript; this is the part of it these tests call.
interface WwebjsMongoStore {
  sessionExists(o: { session: string }): Promise<boolean>;
  save(o: { session: string }): Promise<void>;
  extract(o: { session: string; path: string }): Promise<void>;
  delete(o: { session: string }): Promise<void>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- wwebjs-mongo ships no types
const { MongoStore: WwebjsMongo } = require('wwebjs-mongo') as {
  MongoStore: new (o: { mongoose: unknown }) => WwebjsMongoStore;
};

let server: MongoServer;
let admin: MongoClient;
let dbCounter = 0;

beforeAll(async () => {
  server = await startMongo();
  admin = new MongoClient(server.uri, { serverSelectionTimeoutMS: 10_000, serverMonitoringMode: 'poll' });
  await admin.connect();
});

afterAll(async () => {
  try {
    await admin?.close();
  } finally {
    await server?.stop();
  }
});

function uniqueDbName(): string {
  dbCounter += 1;
  return `${server.dbName}_${dbCounter}`;
}

async function dropDb(name: string): Promise<void> {
  await admin
    .db(name)
    .dropDatabase()
    .catch(() => undefined);
}

/** Collections and their documents' sizes: what a save with a bad id must not change. */
async function describeDb(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const c of await db.listCollections().toArray()) {
    out[c.name] = await db.collection(c.name).countDocuments();
  }
  return out;
}

describeStoreConformance(
  'MongoStore (mongodb client)',
  async () => {
    const dbName = uniqueDbName();
    // Polled monitoring: the offline server's streamed hello (moreToCome) sometimes ends early under load,
    // which clears the pool mid-upload; a real server is monitored the same way without harm.
    const client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 3_000, serverMonitoringMode: 'poll' });
    await client.connect();
    return {
      store: new MongoStore({ client, dbName, keep: 2 }),
      snapshot: () => describeDb(admin.db(dbName)),
      breakBackend: () => client.close(),
      cleanup: async () => {
        await client.close().catch(() => undefined);
        await dropDb(dbName);
      },
    };
  },
  { keep: 2 },
);

describeStoreConformance(
  'MongoStore (mongoose)',
  async () => {
    const dbName = uniqueDbName();
    const m = new mongoose.Mongoose();
    await m.connect(server.uri, { dbName, serverSelectionTimeoutMS: 3_000, serverMonitoringMode: 'poll' });
    return {
      store: new MongoStore({ mongoose: m, keep: 3 }),
      snapshot: () => describeDb(admin.db(dbName)),
      breakBackend: () => m.disconnect(),
      cleanup: async () => {
        await m.disconnect().catch(() => undefined);
        await dropDb(dbName);
      },
    };
  },
  { keep: 3 },
);

describeMarksConformance(
  'MongoStore',
  async () => {
    const dbName = uniqueDbName();
    const connect = async (): Promise<MongoClient> => {
      const c = new MongoClient(server.uri, { serverSelectionTimeoutMS: 3_000, serverMonitoringMode: 'poll' });
      clients.push(c);
      return c.connect();
    };
    const clients: MongoClient[] = [];
    const client = await connect();
    return {
      store: new MongoStore({ client, dbName, keep: 2 }),
      // Its own client: another process's view of the same database.
      reopen: async () => new MongoStore({ client: await connect(), dbName, keep: 2 }),
      breakBackend: () => client.close(),
      cleanup: async () => {
        for (const c of clients) await c.close().catch(() => undefined);
        await dropDb(dbName);
      },
    };
  },
  { keep: 2 },
);

describe('MongoStore', () => {
  let dbName: string;
  let db: Db;
  let m: mongoose.Mongoose;
  let work: { path: string; remove(): Promise<void> };
  let originalCwd: string;

  beforeEach(async () => {
    dbName = uniqueDbName();
    db = admin.db(dbName);
    m = new mongoose.Mongoose();
    await m.connect(server.uri, { dbName, serverSelectionTimeoutMS: 3_000, serverMonitoringMode: 'poll' });
    work = await tempDir('waweb-mongo-');
    originalCwd = process.cwd();
  });

  afterEach(async () => {
    process.chdir(originalCwd);
    await m.disconnect().catch(() => undefined);
    await dropDb(dbName);
    await work.remove();
  });

  /** wwebjs-mongo reads `<session>.zip` from the working directory, as RemoteAuth leaves it. */
  async function saveWithWwebjs(store: WwebjsMongoStore, session: string, data: Buffer): Promise<void> {
    await fs.writeFile(path.join(work.path, `${session}.zip`), data);
    process.chdir(work.path);
    try {
      await store.save({ session });
    } finally {
      process.chdir(originalCwd);
    }
  }

  it('uses wwebjs-mongo 1.1.0 bucket and file names', async () => {
    const store = new MongoStore({ db });
    const id = freshSessionId('RemoteAuth');
    await store.save(id, Buffer.from('zip bytes'));
    const names = (await db.listCollections().toArray()).map((c) => c.name).sort();
    expect(names).toEqual(['waweb_fences', `whatsapp-${id}.chunks`, `whatsapp-${id}.files`]);
    const files = await db.collection(`whatsapp-${id}.files`).find().toArray();
    expect(files).toHaveLength(1);
    expect(files[0]?.filename).toBe(`${id}.zip`);
    expect(files[0]?.metadata).toEqual({ waweb: { generation: 1, commit: true } });
    expect(MongoStore.bucketName(id)).toBe(`whatsapp-${id}`);
    expect(MongoStore.fileName(id)).toBe(`${id}.zip`);
  });

  it('restores a backup made by the real wwebjs-mongo MongoStore', async () => {
    const theirs = new WwebjsMongo({ mongoose: m });
    const ours = new MongoStore({ mongoose: m });
    const id = freshSessionId('RemoteAuth');
    const first = Buffer.from(`wwebjs backup 1 ${'a'.repeat(300_000)}`);
    const second = Buffer.from(`wwebjs backup 2 ${'b'.repeat(300_000)}`);
    await saveWithWwebjs(theirs, id, first);
    await expect(ours.exists(id)).resolves.toBe(true);
    let loaded = await ours.load(id);
    expect(loaded?.data.equals(first)).toBe(true);
    expect(loaded?.generation).toBe(1);

    await saveWithWwebjs(theirs, id, second);
    loaded = await ours.load(id);
    expect(loaded?.data.equals(second)).toBe(true);
    // wwebjs-mongo pruned its older upload itself; what is left counts in upload order.
    expect((await ours.list(id)).map((e) => [e.generation, e.bytes])).toEqual([[loaded!.generation, second.length]]);
  });

  it('marks a backup wwebjs-mongo uploaded (no metadata) in metadata.waweb, and numbers it as before', async () => {
    const theirs = new WwebjsMongo({ mongoose: m });
    const ours = new MongoStore({ mongoose: m });
    const id = freshSessionId('RemoteAuth');
    await saveWithWwebjs(theirs, id, Buffer.from('wwebjs backup'));
    const files = db.collection(`whatsapp-${id}.files`);
    expect((await files.findOne())?.metadata).toBeUndefined();
    const marked = await ours.mark?.(id, 1, { setAside: { reason: 'QR', detail: 'landed on a QR' } });
    expect(marked).toMatchObject({ generation: 1, setAside: { reason: 'QR', detail: 'landed on a QR' } });
    expect((await files.findOne())?.metadata).toEqual({
      waweb: { setAside: { reason: 'QR', detail: 'landed on a QR', at: expect.any(Date) } },
    });
    expect((await ours.list(id)).map((g) => [g.generation, g.setAside?.reason])).toEqual([[1, 'QR']]);
    await ours.mark?.(id, 1, { setAside: null });
    expect((await ours.list(id)).map((g) => [g.generation, g.setAside])).toEqual([[1, undefined]]);
    // The next waweb save numbers on after it.
    expect((await ours.save(id, Buffer.from('ours'))).generation).toBe(2);
  });

  it('writes backups the real wwebjs-mongo MongoStore restores, newest first', async () => {
    const theirs = new WwebjsMongo({ mongoose: m });
    const ours = new MongoStore({ client: admin, dbName });
    const id = freshSessionId('RemoteAuth');
    await expect(theirs.sessionExists({ session: id })).resolves.toBe(false);
    await ours.save(id, Buffer.from('older'));
    const newest = Buffer.concat([Buffer.from('newest|'), Buffer.alloc(700_000, 7)]);
    await ours.save(id, newest);
    await expect(theirs.sessionExists({ session: id })).resolves.toBe(true);
    const out = path.join(work.path, 'restored.zip');
    await theirs.extract({ session: id, path: out });
    expect((await fs.readFile(out)).equals(newest)).toBe(true);

    await ours.delete(id);
    await expect(theirs.sessionExists({ session: id })).resolves.toBe(false);
  });

  it('numbers a mixed history: wwebjs uploads continue after waweb generations and the other way round', async () => {
    const theirs = new WwebjsMongo({ mongoose: m });
    const ours = new MongoStore({ mongoose: m, keep: 5 });
    const id = freshSessionId('RemoteAuth');
    await ours.save(id, Buffer.from('w1'));
    await ours.save(id, Buffer.from('w2'));
    // wwebjs-mongo deletes the oldest upload on every save once there are two or more.
    await saveWithWwebjs(theirs, id, Buffer.from('theirs'));
    let list = await ours.list(id);
    expect(list.map((e) => e.generation)).toEqual([3, 2]);
    expect((await ours.load(id))?.data.toString()).toBe('theirs');
    const saved = await ours.save(id, Buffer.from('w4'));
    expect(saved.generation).toBe(4);
    list = await ours.list(id);
    expect(list.map((e) => e.generation)).toEqual([4, 3, 2]);
    expect((await ours.load(id, { generation: 3 }))?.data.toString()).toBe('theirs');
    const out = path.join(work.path, 'x.zip');
    await theirs.extract({ session: id, path: out });
    await expect(fs.readFile(out, 'utf8')).resolves.toBe('w4');
  });

  it('keeps 3 generations by default (as every store does) and removes the chunks of pruned files', async () => {
    const store = new MongoStore({ db });
    expect(store.keep).toBe(3);
    const id = freshSessionId();
    const chunkSize = 255 * 1024;
    const sizes = [300_000, 600_000, 10, 2 * chunkSize, chunkSize + 1];
    for (const size of sizes) await store.save(id, Buffer.alloc(size, 1));
    const files = await db.collection(`whatsapp-${id}.files`).find().sort({ uploadDate: 1 }).toArray();
    expect(files.map((f) => f['length'])).toEqual([10, 2 * chunkSize, chunkSize + 1]);
    const chunks = await db.collection(`whatsapp-${id}.chunks`).countDocuments();
    expect(chunks).toBe(1 + 2 + 2);
  });

  it('works over a mongodb Db through a bucket the caller can read', async () => {
    const store = new MongoStore({ db, keep: 1 });
    const id = freshSessionId();
    await store.save(id, Buffer.from('via db'));
    const bucket = new GridFSBucket(db, { bucketName: `whatsapp-${id}` });
    const parts: Buffer[] = [];
    for await (const chunk of bucket.openDownloadStreamByName(`${id}.zip`)) parts.push(chunk as Buffer);
    expect(Buffer.concat(parts).toString()).toBe('via db');
  });

  it('reports a dead server as STORE_UNREACHABLE with the driver error as cause', async () => {
    const port = await freePort();
    const client = new MongoClient(`mongodb://127.0.0.1:${port}`, { serverSelectionTimeoutMS: 300 });
    try {
      const store = new MongoStore({ client, dbName: 'nowhere' });
      const err = await store.exists(freshSessionId()).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe(ErrorCode.STORE_UNREACHABLE);
      expect(((err as StoreError).cause as Error).name).toBe('MongoServerSelectionError');
    } finally {
      await client.close();
    }
  });

  it('reports a mongoose instance that is not connected as STORE_UNREACHABLE', async () => {
    const idle = new mongoose.Mongoose();
    const store = new MongoStore({ mongoose: idle });
    await expect(store.load(freshSessionId())).rejects.toMatchObject({ code: ErrorCode.STORE_UNREACHABLE });
  });

  it("leaves the caller's connection open on close()", async () => {
    const store = new MongoStore({ mongoose: m });
    await store.save(freshSessionId(), Buffer.from('x'));
    await store.close();
    await store.close();
    expect(m.connection.readyState).toBe(1);
    await expect(m.connection.db!.command({ ping: 1 })).resolves.toMatchObject({ ok: 1 });
  });

  it('says to install mongodb when a Db is passed and the driver is missing', async () => {
    await jest.isolateModulesAsync(async () => {
      jest.doMock('mongodb', () => {
        throw new Error("Cannot find module 'mongodb'");
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh copy of the module inside jest.isolateModules
      const isolated = require('../../src/stores/mongo') as typeof import('../../src/stores/mongo');
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh copy of the module inside jest.isolateModules
      const errors = require('../../src/errors') as typeof import('../../src/errors');
      const store = new isolated.MongoStore({ db });
      const err = await store.exists(freshSessionId()).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(errors.MissingDependencyError);
      expect((err as { code: string }).code).toBe(ErrorCode.MISSING_DEPENDENCY);
      jest.dontMock('mongodb');
    });
  });

  it('accepts exactly one connection source', () => {
    expect(() => new MongoStore({})).toThrow(InvalidOptionError);
    expect(() => new MongoStore({ db, client: admin })).toThrow(InvalidOptionError);
    expect(() => new MongoStore({ mongoose: m, db })).toThrow(InvalidOptionError);
    expect(() => new MongoStore({ db, dbName: 'x' })).toThrow(InvalidOptionError);
    expect(() => new MongoStore({ db, keep: 0 })).toThrow(InvalidOptionError);
  });
});

describe('MongoStore({ url })', () => {
  test('owns its client: saves and loads through the URL, and close() ends it (idempotent)', async () => {
    const dbName = `${server.dbName}_url`;
    const store = new MongoStore({ url: server.uri, dbName, keep: 2 });
    const id = freshSessionId('url');
    const data = Buffer.from('through a url');
    expect((await store.save(id, data)).generation).toBe(1);
    expect((await store.load(id))?.data.equals(data)).toBe(true);
    // What it wrote is where a client of our own sees it: the same database, wwebjs-mongo's layout.
    const files = await admin
      .db(dbName)
      .collection(`${MongoStore.bucketName(id)}.files`)
      .find({})
      .toArray();
    expect(files.map((f) => f['filename'])).toEqual([MongoStore.fileName(id)]);
    await store.close();
    await store.close();
    await expect(store.list(id)).rejects.toMatchObject({ code: ErrorCode.STORE_FAILED });
    await admin.db(dbName).dropDatabase();
  });

  test('a URL without a host, or with the options of another source, is an InvalidOptionError', () => {
    expect(() => new MongoStore({ url: 'mongodb://' })).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_OPTION }));
    expect(() => new MongoStore({ url: server.uri, db: admin.db('x') })).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_OPTION }),
    );
  });
});
