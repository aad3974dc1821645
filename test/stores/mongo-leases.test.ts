/**
 * Issue 23, MongoLeases: expiry is judged by the database server's clock, never the worker's; lease
 * and worker documents are keyed by `_id` (no unique index relied on); documents of the layout
 * before carry their tokens over. Against the offline server, or MONGODB_URI when set.
 */
import { ObjectId, type Db } from 'mongodb';
import { MongoLeases } from '../../src/manager/index';
import { freshSessionId } from '../../src/testing';
import { interposeDb } from '../helpers/mongo-interpose';
import { useMongoDatabases } from '../helpers/mongo';

let db: Db;
let leases: MongoLeases;
useMongoDatabases(
  'l',
  (fresh) => {
    db = fresh;
    leases = new MongoLeases({ db });
  },
  async () => {
    jest.useRealTimers();
    await leases.close();
  },
);

/**
 * From here on this process's clock (`Date`, `new Date()`) is `skewMs` off, still ticking; every
 * timer, the event loop and the driver's monotonic clock stay real.
 */
function skewClock(skewMs: number): void {
  jest.useFakeTimers({
    now: Date.now() + skewMs,
    advanceTimers: true,
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'requestIdleCallback',
      'cancelIdleCallback',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
}

/** Polls (bounded) until the server no longer counts the lease of `id` live. */
async function untilExpired(id: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const record = (await leases.list()).find((l) => l.sessionId === id);
    if (record && !record.live) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`the lease of ${id} never expired`);
}

describe('MongoLeases on the server clock (issue 23)', () => {
  test('a worker whose clock runs 30 s ahead cannot take a lease the server counts live', async () => {
    const id = freshSessionId('ahead');
    const held = await leases.acquire(id, 'worker-a', 20_000);
    expect(held?.token).toBe(1);
    skewClock(30_000);
    expect(await leases.acquire(id, 'worker-b', 20_000)).toBeNull();
    expect((await leases.list()).find((l) => l.sessionId === id)).toMatchObject({ owner: 'worker-a', live: true });
    // Its expiry is the server's: well before the skewed clock's now.
    expect(held!.expiresAt.getTime()).toBeLessThan(Date.now());
  });

  test('a worker whose clock runs 30 s behind cannot keep (renew) a lease the server counts expired', async () => {
    const id = freshSessionId('behind');
    const other = freshSessionId('behind');
    const held = await leases.acquire(id, 'worker-a', 300);
    const alsoHeld = await leases.acquire(other, 'worker-a', 300);
    await untilExpired(id);
    await untilExpired(other);
    skewClock(-30_000);
    expect(await leases.renew(held!, 20_000)).toBeNull();
    expect(await leases.renewMany([alsoHeld!], 20_000)).toEqual([]);
    // ...nor take one back that is live by the server's clock: another worker has it now.
    jest.useRealTimers();
    expect(await leases.acquire(id, 'worker-b', 20_000)).toMatchObject({ token: 2, takenFrom: 'worker-a' });
    skewClock(-30_000);
    expect(await leases.acquire(id, 'worker-a', 20_000)).toBeNull();
  });

  test('workers are alive by the server clock: a heartbeat from a clock 30 s behind does not outlive its TTL', async () => {
    skewClock(-30_000);
    await leases.heartbeat('slow-clock', 200);
    jest.useRealTimers();
    for (let i = 0; i < 500 && (await leases.workers()).some((w) => w.workerId === 'slow-clock'); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect((await leases.workers()).map((w) => w.workerId)).not.toContain('slow-clock');
  });

  test('no index is relied on: with every createIndex failing, racing acquisitions still have one winner and one document', async () => {
    const noIndexes = new MongoLeases({
      db: interposeDb(db, {
        call: (_c, method, run) => (method === 'createIndex' ? Promise.reject(new Error('index build failed')) : run()),
      }),
    });
    try {
      const id = freshSessionId('race');
      const won = await Promise.all(Array.from({ length: 8 }, (_, i) => noIndexes.acquire(id, `w${i}`, 20_000)));
      expect(won.filter((l) => l !== null)).toHaveLength(1);
      expect(await db.collection('waweb_leases').countDocuments({ sessionId: id })).toBe(1);
      await Promise.all([noIndexes.heartbeat('w1', 20_000), noIndexes.heartbeat('w1', 20_000)]);
      expect(await db.collection('waweb_leases_workers').countDocuments({ workerId: 'w1' })).toBe(1);
    } finally {
      await noIndexes.close();
    }
  });

  test('a lease document of the layout before issue 23 carries its token, owner and expiry over', async () => {
    const released = freshSessionId('old');
    const live = freshSessionId('old');
    await db.collection('waweb_leases').insertMany([
      { _id: new ObjectId(), sessionId: released, owner: null, token: 41, expiresAt: null },
      { _id: new ObjectId(), sessionId: live, owner: 'old-worker', token: 7, expiresAt: new Date(Date.now() + 60_000) },
    ]);
    await db
      .collection('waweb_leases_workers')
      .insertOne({ _id: new ObjectId(), workerId: 'w1', startedAt: new Date(), expiresAt: new Date() });
    expect(await leases.acquire(released, 'worker-a', 20_000)).toMatchObject({ token: 42, takenFrom: null });
    expect(await leases.acquire(live, 'worker-a', 20_000)).toBeNull();
    expect((await leases.list()).map((l) => [l.sessionId, l.owner, l.token]).sort()).toEqual(
      [
        [released, 'worker-a', 42],
        [live, 'old-worker', 7],
      ].sort(),
    );
    await leases.heartbeat('w1', 20_000);
    expect((await leases.workers()).filter((w) => w.workerId === 'w1')).toHaveLength(1);
  });
});
