/**
 * Issue 28, faster hand-over: the lease backends' `watch`, against real servers. Another worker's
 * release or leave is reported (PostgreSQL: NOTIFY in the same statement, LISTEN on a connection
 * of the watch's own; MongoDB: a change counter the watch polls). A lost LISTEN connection is opened
 * again, reported once (a notification may have been missed meanwhile), and notifications then
 * come through again. A lease not released (still held, or renewed) is not reported.
 */
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { Pool } from 'pg';
import { MongoLeases, PostgresLeases, type LeaseBackend, type LeaseWatch } from '../../src/manager/index';
import { leaseChannel } from '../../src/leases/pg-listen';
import { freshSessionId } from '../../src/testing';
import { startMongo, type MongoServer } from '../helpers/mongo';
import { startPostgres, type PostgresServer } from '../helpers/postgres';

let pg: PostgresServer;
let mongo: MongoServer;
let mongoClient: MongoClient;
const closers: Array<() => Promise<unknown>> = [];
const unique = (): string => `w_${process.pid}_${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  [pg, mongo] = await Promise.all([startPostgres(), startMongo()]);
  mongoClient = new MongoClient(mongo.uri, { serverSelectionTimeoutMS: 5000, serverMonitoringMode: 'poll' });
  await mongoClient.connect();
}, 120_000);

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

afterAll(async () => {
  await mongoClient?.close();
  await Promise.all([pg?.stop(), mongo?.stop()]);
});

/** A watch on `leases` counting its reports; `next()` resolves at the next one (rejects after 10 s). */
function counted(leases: LeaseBackend): { watch: LeaseWatch; count(): number; next(): Promise<void> } {
  let count = 0;
  const waiters: Array<() => void> = [];
  if (!leases.watch) throw new Error(`${leases.name} offers no watch`);
  const watch = leases.watch(() => {
    count++;
    for (const wake of waiters.splice(0)) wake();
  });
  closers.push(() => watch.close());
  const next = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no change reported within 10 s')), 10_000);
      waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  return { watch, count: () => count, next };
}

const BACKENDS: Array<[string, (name: string) => LeaseBackend]> = [
  ['PostgresLeases', (table) => new PostgresLeases({ connectionString: pg.connectionString, table })],
  ['MongoLeases', (collection) => new MongoLeases({ db: mongoClient.db(`watch_${process.pid}`), collection })],
];

describe.each(BACKENDS)('%s watch', (_name, make) => {
  function pair(): [LeaseBackend, LeaseBackend] {
    const name = unique();
    const a = make(name);
    const b = make(name);
    closers.push(() => Promise.all([a.close(), b.close()]));
    return [a, b];
  }

  test("reports another worker's release and leave, and nothing for an acquire or a renewal", async () => {
    const [a, b] = pair();
    const seen = counted(b);
    await seen.watch.ready;
    const lease = await a.acquire(freshSessionId('watch'), 'worker-a', 10_000);
    await a.renewMany([lease!], 10_000);
    await a.heartbeat('worker-a', 10_000);
    // The foreign lease held, not released: nothing to report (a release by another owner fails).
    expect(await b.release({ ...lease!, owner: 'worker-b' })).toBe(false);
    const released = seen.next();
    expect(await a.release(lease!)).toBe(true);
    await released;
    const left = seen.next();
    await a.leave('worker-a');
    await left;
    expect(seen.count()).toBe(2);
  });

  test('a watch closed reports nothing more, and closing twice is safe', async () => {
    const [a, b] = pair();
    const seen = counted(b);
    await seen.watch.close();
    await seen.watch.close();
    const lease = await a.acquire(freshSessionId('closed'), 'worker-a', 10_000);
    await a.release(lease!);
    // A later watch on the same table does see the next change: the one before it was not merely slow.
    const later = counted(b);
    await later.watch.ready;
    const next = later.next();
    await a.leave('worker-a');
    await next;
    expect(seen.count()).toBe(0);
  });
});

describe('PostgresLeases watch, connection lost', () => {
  test('the LISTEN connection killed: opened again, reported once, and releases come through again', async () => {
    const table = unique();
    const a = new PostgresLeases({ connectionString: pg.connectionString, table });
    const b = new PostgresLeases({ connectionString: pg.connectionString, table });
    closers.push(() => Promise.all([a.close(), b.close()]));
    const seen = counted(b);
    await seen.watch.ready;
    const admin = new Pool({ connectionString: pg.connectionString, max: 1 });
    closers.push(() => admin.end());
    const killed = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = $1`, [
      `LISTEN "${leaseChannel(table)}"`,
    ]);
    expect(killed.rowCount).toBe(1);
    // Back: one report for whatever was missed while it was down.
    await seen.next();
    expect(seen.count()).toBe(1);
    const lease = await a.acquire(freshSessionId('lost'), 'worker-a', 10_000);
    const released = seen.next();
    await a.release(lease!);
    await released;
    expect(seen.count()).toBe(2);
  });

  test("a caller's pool without connect() offers no watch; with one, the watch holds a client of its own", async () => {
    const pool = new Pool({ connectionString: pg.connectionString, max: 2 });
    closers.push(() => pool.end());
    const table = unique();
    expect(new PostgresLeases({ pool: { query: pool.query.bind(pool), end: () => pool.end() }, table }).watch).toBeUndefined();
    const leases = new PostgresLeases({ pool, table });
    const seen = counted(leases);
    await seen.watch.ready;
    const lease = await leases.acquire(freshSessionId('pool'), 'worker-a', 10_000);
    const released = seen.next();
    await leases.release(lease!);
    await released;
    expect(pool.totalCount).toBe(2);
    await seen.watch.close();
    // Destroyed, not returned to the pool.
    expect(pool.totalCount).toBe(1);
  });
});
