/**
 * Issue 23, MongoDB fencing: a stale owner's upload is never shown (even when its process dies before
 * cleaning up), generation numbers come from the database, a fenced delete and a compare-and-swap save
 * (`ifNewest`). Against the offline server, or MONGODB_URI when set.
 */
import { randomBytes } from 'node:crypto';
import { ObjectId, type Db } from 'mongodb';
import { ErrorCode, LeaseError, StoreError } from '../../src/errors';
import { MongoStore } from '../../src/stores';
import { MongoDriver } from '../../src/stores/mongo-driver';
import { freshSessionId } from '../../src/testing';
import { gate, interposeDb } from '../helpers/mongo-interpose';
import { useMongoDatabases } from '../helpers/mongo';

let db: Db;
useMongoDatabases('f', (fresh) => {
  db = fresh;
});

const data = (tag: string): Buffer => Buffer.concat([Buffer.from(`${tag}|`), randomBytes(32)]);

/** Every file document of a session's bucket, invisible ones included. */
interface RawFile {
  metadata?: { waweb?: { generation?: number } };
}
function rawFiles(id: string): Promise<RawFile[]> {
  return db
    .collection<RawFile>(`${MongoStore.bucketName(id)}.files`)
    .find({})
    .toArray();
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (err: unknown) => err,
  );
}

function expectCode(err: unknown, type: typeof LeaseError | typeof StoreError, code: string): void {
  expect(err).toBeInstanceOf(type);
  expect((err as { code?: unknown }).code).toBe(code);
}

const signal = new AbortController().signal;

describe('MongoStore fencing (issue 23)', () => {
  test("a stale owner's upload that lands after the raise is never shown, even when its process dies before cleaning up; the next save deletes it", async () => {
    const id = freshSessionId('stale');
    let armed = false;
    let uploaded = false;
    const landed = gate();
    const hung: Array<(err: Error) => void> = [];
    // The old owner's process: once its file is uploaded, every later step on the fence records
    // never answers (it "died" there), so nothing it would do after the upload happens.
    const oldDb = interposeDb(db, {
      call: (collection, method, run) => {
        if (uploaded && collection === 'waweb_fences') return new Promise((_, reject) => hung.push(reject));
        if (armed && collection.endsWith('.files') && method === 'insertOne') {
          return Promise.resolve(run()).then((r) => {
            uploaded = true;
            landed.open();
            return r;
          });
        }
        return run();
      },
    });
    const oldOwner = new MongoStore({ db: oldDb });
    const newOwner = new MongoStore({ db });
    const committed = data('old owner, before the raise');
    await oldOwner.save(id, committed, { fence: 1 });
    armed = true;
    const late = rejection(oldOwner.save(id, data('old owner, after the raise'), { fence: 1 }));
    const kill = async (): Promise<unknown> => {
      for (const die of hung.splice(0)) die(new Error('the process was killed'));
      return late;
    };
    try {
      await landed.promise;
      // The hand-over: the new owner raises the fence and restores the previous owner's last backup.
      expect(await newOwner.raiseFence(id, 2)).toBe(2);
      expect((await newOwner.load(id))?.data.equals(committed)).toBe(true);
      expect((await newOwner.list(id)).map((g) => g.generation)).toEqual([1]);
      await expect(newOwner.exists(id)).resolves.toBe(true);
      // The stale file is there, just not shown.
      expect(await rawFiles(id)).toHaveLength(2);
    } finally {
      expect(await kill()).toBeInstanceOf(Error);
    }
    expect((await newOwner.load(id))?.data.equals(committed)).toBe(true);

    // The new owner's next save sweeps it.
    const next = await newOwner.save(id, data('new owner'), { fence: 2 });
    expect(next.generation).toBe(3);
    expect((await rawFiles(id)).map((f) => f.metadata?.waweb?.generation).sort()).toEqual([1, 3]);
    expect((await newOwner.list(id)).map((g) => g.generation)).toEqual([3, 1]);
  });

  test('two owners saving at the same moment never get the same generation', async () => {
    const id = freshSessionId('pair');
    const bothUploading = gate();
    let waiting = 0;
    // Each store stands for its own process (another database name for the in-process lock); both
    // uploads wait until both saves have reached their upload.
    const meet = (collection: string, method: string, run: () => unknown): unknown => {
      if (!collection.endsWith('.files') || method !== 'insertOne') return run();
      waiting += 1;
      if (waiting === 2) bothUploading.open();
      return bothUploading.promise.then(run);
    };
    const a = new MongoStore({ db: interposeDb(db, { databaseName: 'process-a', call: meet }) });
    const b = new MongoStore({ db: interposeDb(db, { databaseName: 'process-b', call: meet }) });
    const results = await Promise.allSettled([a.save(id, data('a')), b.save(id, data('b'))]);
    const saved = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.generation] : []));
    expect(saved.length).toBeGreaterThan(0);
    expect(new Set(saved).size).toBe(saved.length);
    const listed = (await new MongoStore({ db }).list(id)).map((g) => g.generation);
    expect(new Set(listed).size).toBe(listed.length);
    expect(listed.sort()).toEqual([...saved].sort());
    // A save that lost the race was refused, never stored under a number another one has.
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(StoreError);
  });

  test('a fenced delete is refused with FENCED below the token in force and keeps every generation; at or above it, it deletes', async () => {
    const id = freshSessionId('delete');
    const driver = new MongoDriver({ db });
    const store = new MongoStore({ db });
    await store.save(id, data('one'), { fence: 2 });
    await store.save(id, data('two'), { fence: 2 });
    expectCode(await rejection(driver.remove(id, { signal, fence: 1 })), LeaseError, ErrorCode.FENCED);
    expect((await store.list(id)).map((g) => g.generation)).toEqual([2, 1]);
    await driver.remove(id, { signal, fence: 3 });
    expect(await store.list(id)).toEqual([]);
    expect(await rawFiles(id)).toEqual([]);
    // The delete remembered its token: the older owner can no longer save.
    expectCode(await rejection(store.save(id, data('late'), { fence: 2 })), LeaseError, ErrorCode.FENCED);
    expect((await store.save(id, data('again'), { fence: 3 })).generation).toBe(3);
  });

  test('ifNewest: saves only while the newest generation is the one named (0: none), else GENERATION_CHANGED with nothing stored', async () => {
    const id = freshSessionId('cas');
    const driver = new MongoDriver({ db });
    const store = new MongoStore({ db });
    expect((await driver.write(id, data('first'), { signal, ifNewest: 0 })).generation).toBe(1);
    expectCode(await rejection(driver.write(id, data('stale'), { signal, ifNewest: 0 })), StoreError, ErrorCode.GENERATION_CHANGED);
    expect((await driver.write(id, data('second'), { signal, ifNewest: 1 })).generation).toBe(2);
    expect((await store.list(id)).map((g) => g.generation)).toEqual([2, 1]);
    expect(await rawFiles(id)).toHaveLength(2);
    expect(driver.conditionalWrites).toBe(true);
  });

  test('ifNewest: a save that lands between the check and the commit makes it GENERATION_CHANGED, and its upload is deleted', async () => {
    const id = freshSessionId('cas-race');
    const store = new MongoStore({ db });
    await store.save(id, data('first'));
    let raced = false;
    // After this writer's upload, another process saves before it commits.
    const racing = interposeDb(db, {
      databaseName: 'process-cas',
      call: (collection, method, run) => {
        if (raced || !collection.endsWith('.files') || method !== 'insertOne') return run();
        raced = true;
        return Promise.resolve(run()).then(async (r) => {
          await store.save(id, data('other writer'));
          return r;
        });
      },
    });
    const err = await rejection(new MongoDriver({ db: racing }).write(id, data('cas'), { signal, ifNewest: 1 }));
    expectCode(err, StoreError, ErrorCode.GENERATION_CHANGED);
    expect((await store.load(id))?.data.toString()).toMatch(/^other writer\|/);
    expect((await store.list(id)).map((g) => g.generation)).toEqual([3, 1]);
    expect(await rawFiles(id)).toHaveLength(2);
  });

  test('a fence record of the layout before issue 23 ({ sessionId, token }) is the floor for the new one', async () => {
    const id = freshSessionId('upgrade');
    await db.collection('waweb_fences').insertOne({ _id: new ObjectId(), sessionId: id, token: 5 });
    const store = new MongoStore({ db });
    expectCode(await rejection(store.save(id, data('older owner'), { fence: 4 })), LeaseError, ErrorCode.FENCED);
    expect(await store.list(id)).toEqual([]);
    expect((await store.save(id, data('owner'), { fence: 5 })).generation).toBe(1);
    expect(await store.raiseFence(id, 3)).toBe(5);
  });

  test('the record lists no more committed generations than the files kept, and files written before it stay visible', async () => {
    const id = freshSessionId('bounded');
    // A file of the layout before the commit protocol (a generation, no marker).
    const legacy = new (await import('mongodb')).GridFSBucket(db, { bucketName: MongoStore.bucketName(id) });
    await new Promise<void>((resolve, reject) => {
      const stream = legacy.openUploadStream(MongoStore.fileName(id), { metadata: { waweb: { generation: 4 } } });
      stream.once('finish', () => resolve());
      stream.once('error', reject);
      stream.end(Buffer.from('legacy'));
    });
    const store = new MongoStore({ db, keep: 2 });
    expect((await store.list(id)).map((g) => g.generation)).toEqual([4]);
    for (let i = 0; i < 5; i++) await store.save(id, data(`s${i}`));
    expect((await store.list(id)).map((g) => g.generation)).toEqual([9, 8]);
    const record = await db.collection('waweb_fences').findOne({ sessionId: id });
    expect([...(record?.['committed'] as number[])].sort()).toEqual([8, 9]);
  });

  test('no unique index is relied on: a database whose createIndex always fails changes nothing', async () => {
    const id = freshSessionId('noindex');
    const noIndexes = interposeDb(db, {
      call: (collection, method, run) =>
        method === 'createIndex' && collection === 'waweb_fences' ? Promise.reject(new Error('index build failed')) : run(),
    });
    const store = new MongoStore({ db: noIndexes });
    await store.save(id, data('one'), { fence: 1 });
    expect(await store.raiseFence(id, 2)).toBe(2);
    expectCode(await rejection(store.save(id, data('stale'), { fence: 1 })), LeaseError, ErrorCode.FENCED);
    expect((await store.save(id, data('two'), { fence: 2 })).generation).toBe(2);
    expect(await db.collection('waweb_fences').countDocuments({ sessionId: id })).toBe(1);
  });
});
