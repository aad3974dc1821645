/**
 * Issue 14, store outages: PostgreSQL stopped (connections refused) and the MongoDB server frozen
 * (connections open, no answers) for 30 s each, while a client is ready and saving on a short
 * interval. The client stays ready, reports typed store errors, backs off, and saves again once
 * the server is back: no unhandled rejection, no generation lost, no QR.
 */
import { MongoStore, PostgresStore, ErrorCode, StoreError, type SessionStore } from '../../src/index';
import { recordUnhandledRejections } from '../helpers/client';
import { startMongo, type MongoServer } from '../helpers/mongo';
import { startPostgres, type PostgresServer } from '../helpers/postgres';
import { RemoteHarness } from '../helpers/remote-auth';
import { useSimulatorHarnesses } from '../helpers/use-simulator';

const env = useSimulatorHarnesses('waweb-outage-', (sim, dir) => ({ harness: new RemoteHarness(sim, dir) }));
const OUTAGE_MS = 30_000;
// Servers named by the environment are not this test's to stop or freeze.
const externalPostgres = Boolean(process.env['PG_CONNECTION_STRING'] || process.env['DATABASE_URL']);
const externalMongo = Boolean(process.env['MONGODB_URI']);
const SESSION = 'RemoteAuth-r1';

let pg: PostgresServer;
let mongo: MongoServer;
beforeAll(async () => {
  [pg, mongo] = await Promise.all([startPostgres(), startMongo()]);
}, 120_000);
afterAll(async () => {
  mongo?.thaw?.();
  await Promise.all([pg?.stop(), mongo?.stop()]);
});

async function survives(
  store: SessionStore,
  number: string,
  outage: { begin(): unknown; end(): unknown },
  expectedCodes: string[],
): Promise<string> {
  const rejections = recordUnhandledRejections();
  try {
    const t = env.harness.create(
      { store, backupSyncIntervalMs: 500, retryDelayMs: 500, storeTimeoutMs: 3_000, flushTimeoutMs: 5_000 },
      { scanAs: number },
    );
    await t.client.initialize();
    await t.until('ready');
    await t.until('remote_session_saved', 2);
    const before = t.args('remote_session_saved').map(([i]) => i.generation);
    const pairingQrs = t.count('qr');
    const [device] = env.sim.phone(number).devices();

    const began = Date.now();
    await outage.begin();
    // Keep changing the session while the store is away, so every periodic save has work to do.
    while (Date.now() - began < OUTAGE_MS) {
      await env.sim.phone(number).fillHistory(device!.id, 4096);
      await new Promise((r) => setTimeout(r, 2_000));
    }
    const errorsDuring = t.args('error').map(([e]) => e);
    // Every one of them was a failed backup, announced as such first.
    expect(t.args('remote_session_save_failed').map(([e]) => e)).toEqual(errorsDuring);
    await outage.end();
    const [after] = await t.until('remote_session_saved', before.length + 1, 90_000);

    expect(t.count('disconnected')).toBe(0);
    expect(t.count('qr')).toBe(pairingQrs); // no QR since the pairing
    expect(errorsDuring.length).toBeGreaterThanOrEqual(2);
    for (const e of errorsDuring) {
      expect(e).toBeInstanceOf(StoreError);
      expect(expectedCodes).toContain(e.code);
      // A wait that ran out names the option that bounds it.
      if (e.code === ErrorCode.TIMEOUT) expect(e.message).toMatch(/storeTimeoutMs|connectTimeoutMs/);
    }
    // Backoff: with saves due every 500 ms, 30 s of outage gives far fewer attempts than 60.
    expect(errorsDuring.length).toBeLessThan(15);
    // No generation lost: the next one after the outage follows the last one before it.
    expect(after.generation).toBe(Math.max(...before) + 1);
    expect((await store.list(SESSION)).map((g) => g.generation)[0]).toBe(after.generation);
    await t.client.destroy();
    await new Promise((r) => setTimeout(r, 50));
    expect(rejections.seen).toEqual([]);
    const codes = [...new Set(errorsDuring.map((e) => e.code))].join(', ');
    return `${errorsDuring.length} typed errors (${codes}) in ${OUTAGE_MS / 1000} s, generation ${after.generation} saved ${t.at('remote_session_saved', before.length + 1)! - (began + OUTAGE_MS)} ms after the server returned`;
  } finally {
    rejections.uninstall();
  }
}

(externalPostgres ? test.skip : test)(
  'PostgreSQL stopped for 30 s: the client stays ready, backs off, and saves again when it returns',
  async () => {
    const store = new PostgresStore({ connectionString: pg.connectionString, connectTimeoutMs: 2_000 });
    try {
      const report = await survives(store, '15553007001', { begin: () => pg.pause!(), end: () => pg.resume!() }, [
        ErrorCode.STORE_UNREACHABLE,
        ErrorCode.STORE_FAILED,
        ErrorCode.TIMEOUT,
      ]);
      console.log(`PostgreSQL outage: ${report}`);
    } finally {
      await store.close();
    }
  },
  240_000,
);

(externalMongo ? test.skip : test)(
  'the MongoDB server hanging for 30 s: storeTimeoutMs ends each call, and saving resumes when it answers again',
  async () => {
    const store = new MongoStore({ url: mongo.uri, dbName: mongo.dbName, connectTimeoutMs: 2_000 });
    try {
      const report = await survives(store, '15553007002', { begin: () => mongo.freeze!(), end: () => mongo.thaw!() }, [
        ErrorCode.TIMEOUT,
        ErrorCode.STORE_UNREACHABLE,
        ErrorCode.STORE_FAILED,
      ]);
      console.log(`MongoDB hang: ${report}`);
    } finally {
      await store.close();
    }
  },
  240_000,
);
