/**
 * Issue 15: leases and fencing tokens on PostgreSQL and MongoDB. The lease backends' rules (one
 * owner, a token that only grows, takeover only after expiry, release hands over at once, renew
 * only by the holder) and the stores' fencing (a stale token's save refused atomically) are checked
 * against real servers: the local PostgreSQL and the offline MongoDB (or MONGODB_URI).
 */
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { Pool } from 'pg';
import {
  EncryptedStore,
  ErrorCode,
  FileStore,
  InvalidOptionError,
  LeaseError,
  MongoStore,
  PostgresStore,
  type DeleteOptions,
  type RewriteOptions,
  type SaveOptions,
  type SessionStore,
} from '../../src/index';
import { MongoLeases, PostgresLeases, type LeaseBackend } from '../../src/manager/index';
import { withFence } from '../../src/stores/fenced';
import { describeFencingConformance, describeMarksConformance, freshSessionId } from '../../src/testing';
import { generateEncryptionKey } from '../../src/util/encryption-keys';
import { startMongo, type MongoServer } from '../helpers/mongo';
import { startPostgres, type PostgresServer } from '../helpers/postgres';
import { tempDir } from '../helpers/tmp';

let pg: PostgresServer;
let mongo: MongoServer;
let mongoClient: MongoClient;
const unique = (): string => `t_${process.pid}_${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  [pg, mongo] = await Promise.all([startPostgres(), startMongo()]);
  mongoClient = new MongoClient(mongo.uri, { serverSelectionTimeoutMS: 5000, serverMonitoringMode: 'poll' });
  await mongoClient.connect();
}, 120_000);

afterAll(async () => {
  await mongoClient?.close();
  await Promise.all([pg?.stop(), mongo?.stop()]);
});

describeFencingConformance('PostgresStore', async () => {
  const pool = new Pool({ connectionString: pg.connectionString, max: 4 });
  pool.on('error', () => undefined);
  return {
    store: new PostgresStore({ pool, table: unique() }),
    breakBackend: () => pool.end(),
    cleanup: () => pool.end().catch(() => undefined),
  };
});

/** A MongoStore on a database of its own (wrapped by `wrap`), for a fencing conformance run. */
async function mongoTarget(wrap: (store: MongoStore) => SessionStore = (store) => store) {
  const client = new MongoClient(mongo.uri, { serverSelectionTimeoutMS: 5000, serverMonitoringMode: 'poll' });
  await client.connect();
  const dbName = unique();
  return {
    store: wrap(new MongoStore({ client, dbName })),
    breakBackend: () => client.close(),
    cleanup: async () => {
      await client
        .db(dbName)
        .dropDatabase()
        .catch(() => undefined);
      await client.close();
    },
  };
}

describeFencingConformance('MongoStore', () => mongoTarget());

describeFencingConformance('EncryptedStore(PostgresStore)', async () => {
  const store = new PostgresStore({ connectionString: pg.connectionString, table: unique() });
  return {
    store: new EncryptedStore(store, { keys: [{ id: 'k1', key: generateEncryptionKey() }] }),
    breakBackend: () => store.close(),
    cleanup: () => store.close(),
  };
});

describeFencingConformance('EncryptedStore(MongoStore)', () =>
  mongoTarget((store) => new EncryptedStore(store, { keys: [{ id: 'k1', key: generateEncryptionKey() }] })),
);

/**
 * `inner` seen through `withFence(inner, () => fence)` for each call that carries a `fence`: the
 * fencing suite's explicit tokens become the view's, so the view's saves (with `ifNewest` passed
 * through) and deletes (fenced by the view) run the same cases.
 */
function fencedViews(inner: SessionStore): SessionStore {
  const via = (fence: number | undefined): SessionStore => (fence === undefined ? inner : withFence(inner, () => fence));
  return {
    ...withFence(inner, () => 1),
    save: (id: string, data: Buffer, { fence, ...rest }: SaveOptions = {}) => via(fence).save(id, data, rest),
    delete: (id: string, { fence, ...rest }: DeleteOptions = {}) => via(fence).delete(id, rest),
    rewriteGeneration: (id: string, generation: number, data: Buffer, { fence, ...rest }: RewriteOptions = {}) =>
      via(fence).rewriteGeneration!(id, generation, data, rest),
    close: () => inner.close(),
  };
}

describeFencingConformance('withFence(PostgresStore)', async () => {
  const store = new PostgresStore({ connectionString: pg.connectionString, table: unique() });
  return { store: fencedViews(store), breakBackend: () => store.close(), cleanup: () => store.close() };
});

describeFencingConformance('withFence(MongoStore)', () => mongoTarget(fencedViews));

describe("a stale owner's delete through withFence (what RemoteAuth's logout does under a SessionManager)", () => {
  test.each(['postgres', 'mongo'])('%s: is refused FENCED once a newer owner raised the fence, and the backups stay', async (kind) => {
    const client =
      kind === 'mongo' ? new MongoClient(mongo.uri, { serverSelectionTimeoutMS: 5000, serverMonitoringMode: 'poll' }) : undefined;
    await client?.connect();
    const dbName = unique();
    const store: SessionStore = client
      ? new MongoStore({ client, dbName })
      : new PostgresStore({ connectionString: pg.connectionString, table: unique() });
    try {
      const id = freshSessionId('stale');
      const stale = withFence(store, () => 1);
      const owner = withFence(store, () => 2);
      await stale.save(id, Buffer.from('old owner'));
      await store.raiseFence?.(id, 2);
      const kept = await owner.save(id, Buffer.from('new owner'));
      await expect(stale.delete(id)).rejects.toMatchObject({ code: ErrorCode.FENCED });
      await expect(stale.delete(id)).rejects.toBeInstanceOf(LeaseError);
      expect((await store.list(id)).map((g) => g.generation)).toContain(kept.generation);
      expect((await store.load(id))?.data.toString()).toBe('new owner');
      await owner.delete(id);
      expect(await store.list(id)).toEqual([]);
    } finally {
      await store.close();
      await client
        ?.db(dbName)
        .dropDatabase()
        .catch(() => undefined);
      await client?.close();
    }
  });
});

// What a SessionManager hands RemoteAuth: the fenced view keeps the store's marks.
describeMarksConformance(
  'withFence(PostgresStore)',
  async () => {
    const table = unique();
    const inner = new PostgresStore({ connectionString: pg.connectionString, table });
    return {
      store: withFence(inner, () => 1),
      reopen: async () => new PostgresStore({ connectionString: pg.connectionString, table }),
      breakBackend: () => inner.close(),
      cleanup: () => inner.close(),
    };
  },
  { keep: 3 },
);

test('a store without fencing refuses a fencing token, and withFence() refuses the store', async () => {
  const tmp = await tempDir('waweb-nofence-');
  const store = new FileStore({ directory: tmp.path });
  try {
    expect(store.fencing).toBe(false);
    await expect(store.save('s', Buffer.from('x'), { fence: 1 })).rejects.toBeInstanceOf(InvalidOptionError);
    expect(await store.list('s')).toEqual([]);
    expect(() => withFence(store, () => 1)).toThrow(InvalidOptionError);
  } finally {
    await store.close();
    await tmp.remove();
  }
});

/** Waits (polling, bounded) until `attempt` gives a value. */
async function eventually<T>(attempt: () => Promise<T | null>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error('the condition was not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const backends: Record<string, () => LeaseBackend> = {
  postgres: () => new PostgresLeases({ connectionString: pg.connectionString, table: unique() }),
  mongo: () => new MongoLeases({ db: mongoClient.db(unique()) }),
};

describe.each(Object.keys(backends))('%s leases', (kind) => {
  let leases: LeaseBackend;
  beforeEach(() => {
    leases = (backends[kind] as () => LeaseBackend)();
  });
  afterEach(async () => {
    await leases.close();
    await leases.close();
  });

  test('one owner at a time; the token grows with every acquisition; release hands over at once', async () => {
    const id = freshSessionId('lease');
    const a = await leases.acquire(id, 'worker-a', 30_000);
    expect(a).toMatchObject({ sessionId: id, owner: 'worker-a', token: 1, takenFrom: null });
    expect(await leases.acquire(id, 'worker-b', 30_000)).toBeNull();
    expect(await leases.acquire(id, 'worker-a', 30_000)).toBeNull(); // held: not acquired twice
    const renewed = await leases.renew(a!, 30_000);
    expect(renewed?.token).toBe(1);
    expect(await leases.renew({ ...a!, owner: 'worker-b' }, 30_000)).toBeNull();
    expect(await leases.release(a!)).toBe(true);
    expect(await leases.release(a!)).toBe(false);
    const b = await leases.acquire(id, 'worker-b', 30_000);
    expect(b).toMatchObject({ owner: 'worker-b', token: 2, takenFrom: null });
    expect(await leases.renew(a!, 30_000)).toBeNull(); // the old holder cannot renew
    const listed = await leases.list();
    expect(listed.find((l) => l.sessionId === id)).toMatchObject({ owner: 'worker-b', token: 2, live: true });
  });

  test('an expired lease is taken over (takenFrom names the old owner); the old owner cannot renew or release it', async () => {
    const id = freshSessionId('expire');
    const a = await leases.acquire(id, 'worker-a', 150);
    expect(a?.token).toBe(1);
    const b = await eventually(() => leases.acquire(id, 'worker-b', 30_000));
    expect(b).toMatchObject({ token: 2, takenFrom: 'worker-a' });
    expect(await leases.renew(a!, 30_000)).toBeNull();
    expect(await leases.release(a!)).toBe(false);
  });

  test('renewMany renews in one call the leases still held, and leaves out those taken over', async () => {
    const ids = [freshSessionId('many'), freshSessionId('many'), freshSessionId('many')];
    const held = await Promise.all(ids.map((id) => leases.acquire(id, 'worker-a', 30_000)));
    expect(held.every((l) => l !== null)).toBe(true);
    const [first, second, third] = held as [NonNullable<(typeof held)[0]>, NonNullable<(typeof held)[0]>, NonNullable<(typeof held)[0]>];
    expect(await leases.release(second)).toBe(true);
    expect(await leases.acquire(second.sessionId, 'worker-b', 30_000)).toMatchObject({ owner: 'worker-b', token: 2 });
    const renewed = await leases.renewMany([first, second, third, { ...third, token: third.token + 5 }], 60_000);
    expect(renewed.map((l) => l.sessionId).sort()).toEqual([first.sessionId, third.sessionId].sort());
    for (const lease of renewed) expect(lease.expiresAt.getTime()).toBeGreaterThan(first.expiresAt.getTime());
    expect(await leases.renewMany([], 60_000)).toEqual([]);
    expect((await leases.list()).find((l) => l.sessionId === second.sessionId)).toMatchObject({ owner: 'worker-b', live: true });
  });

  test('racing acquisitions: exactly one worker wins', async () => {
    const id = freshSessionId('race');
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => leases.acquire(id, `w${i}`, 30_000)));
    expect(results.filter((r) => r !== null)).toHaveLength(1);
  });

  test('workers announce themselves, expire, and leave', async () => {
    await leases.heartbeat('w1', 30_000);
    await leases.heartbeat('w2', 100);
    await leases.heartbeat('w1', 30_000);
    expect((await leases.workers()).map((w) => w.workerId)).toContain('w1');
    await eventually(async () => ((await leases.workers()).some((w) => w.workerId === 'w2') ? null : true));
    await leases.leave('w1');
    expect((await leases.workers()).map((w) => w.workerId)).not.toContain('w1');
  });

  test('a closed backend refuses calls; bad names are refused before the database', async () => {
    await expect(leases.acquire('', 'w', 1000)).rejects.toMatchObject({ code: ErrorCode.INVALID_SESSION_ID });
    await expect(leases.acquire('s', 'bad\nowner', 1000)).rejects.toMatchObject({ code: ErrorCode.INVALID_SESSION_ID });
    await leases.close();
    await expect(leases.list()).rejects.toBeInstanceOf(InvalidOptionError);
  });
});
