/**
 * Issue 7, defect 2: no store call waits forever. (A store's close() waits for a connection
 * attempt in flight for at most its connectTimeoutMs, so the stores here use 3 s.) Against a server that accepts connections and
 * never answers (the worst case: no refusal, no error, nothing), every PostgresStore and MongoStore
 * call ends with a typed error naming the option that bounds it, a caller's signal ends it sooner,
 * and destroy() ends a RemoteAuth start (and a Client's initialize()) at once.
 */
import { MongoClient } from 'mongodb';
import { Pool } from 'pg';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AbortError, Client, ClientClosedError, ErrorCode, MongoStore, PostgresStore, RemoteAuth, StoreError } from '../../src/index';
import type { AuthHost } from '../../src/auth/strategy';
import { blackHole, type BlackHole } from '../helpers/ports';

let hole: BlackHole;
let dataPath: string;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  hole = await blackHole();
});
afterAll(async () => {
  await hole.close();
});
beforeEach(async () => {
  dataPath = await mkdtemp(join(tmpdir(), 'waweb-deadlines-'));
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  await rm(dataPath, { recursive: true, force: true });
});

/** How long `promise` took to settle, and with what. */
async function timed(promise: Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = Date.now();
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return { ms: Date.now() - started, error };
}

function pgStore(options: { connectTimeoutMs?: number } = {}): PostgresStore {
  const store = new PostgresStore({ connectionString: `postgres://waweb@127.0.0.1:${hole.port}/waweb`, ...options });
  cleanups.push(() => store.close());
  return store;
}

const host: AuthHost = { page: () => undefined, emitSessionSaved: () => undefined, emitError: () => undefined };

describe('PostgresStore', () => {
  test('every call ends with StoreError TIMEOUT naming connectTimeoutMs', async () => {
    const store = pgStore({ connectTimeoutMs: 300 });
    for (const call of [store.list('s'), store.load('s'), store.exists('s'), store.save('s', Buffer.from('x')), store.delete('s')]) {
      const { ms, error } = await timed(call);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).code).toBe(ErrorCode.TIMEOUT);
      expect((error as StoreError).message).toContain('connectTimeoutMs');
      expect(ms).toBeLessThan(5000);
    }
  });

  test('the default deadline is seconds', async () => {
    const { ms, error } = await timed(pgStore().list('s'));
    expect((error as StoreError).code).toBe(ErrorCode.TIMEOUT);
    expect(ms).toBeLessThan(15_000);
  });

  test("a caller's pool with no timeouts of its own is bounded the same way", async () => {
    const pool = new Pool({ connectionString: `postgres://waweb@127.0.0.1:${hole.port}/waweb` });
    pool.on('error', () => undefined);
    const store = new PostgresStore({ pool, connectTimeoutMs: 300 });
    const { ms, error } = await timed(store.list('s'));
    expect((error as StoreError).code).toBe(ErrorCode.TIMEOUT);
    expect(ms).toBeLessThan(5000);
    await store.close();
    // The pool still holds the connection attempt we stopped waiting for; ending it drops that.
    await hole.close();
    hole = await blackHole();
    await pool.end();
  });

  test("a caller's signal ends a call at once, long before connectTimeoutMs", async () => {
    const store = pgStore({ connectTimeoutMs: 3000 });
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    const { ms, error } = await timed(store.list('s', { signal: abort.signal }));
    expect(error).toBeInstanceOf(AbortError);
    expect(ms).toBeLessThan(2000);
  });
});

describe('MongoStore', () => {
  test('a call to a server that never answers ends with TIMEOUT naming operationTimeoutMs', async () => {
    const client = new MongoClient(`mongodb://127.0.0.1:${hole.port}/waweb`, {
      serverSelectionTimeoutMS: 60_000,
      connectTimeoutMS: 60_000,
    });
    cleanups.push(() => client.close(true));
    const store = new MongoStore({ client: client, operationTimeoutMs: 300 });
    for (const call of [store.list('s'), store.load('s'), store.save('s', Buffer.from('x'))]) {
      const { ms, error } = await timed(call);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).code).toBe(ErrorCode.TIMEOUT);
      expect((error as StoreError).message).toContain('operationTimeoutMs');
      expect(ms).toBeLessThan(5000);
    }
  });
});

describe('RemoteAuth and the Client', () => {
  test('destroy() ends a RemoteAuth start waiting on a hanging store at once', async () => {
    const auth = new RemoteAuth({ store: pgStore({ connectTimeoutMs: 3000 }), clientId: 'd1', dataPath });
    auth.setup(host);
    const starting = timed(auth.beforeBrowserInitialized({}));
    setTimeout(() => void auth.destroy(), 300);
    const { ms, error } = await starting;
    expect(error).toBeInstanceOf(AbortError);
    expect(ms).toBeLessThan(2000);
  });

  test('a store that hangs past storeTimeoutMs fails the start with TIMEOUT naming it, never a QR', async () => {
    const auth = new RemoteAuth({ store: pgStore({ connectTimeoutMs: 3000 }), clientId: 'd2', dataPath, storeTimeoutMs: 300 });
    auth.setup(host);
    const { ms, error } = await timed(auth.beforeBrowserInitialized({}));
    expect((error as StoreError).code).toBe(ErrorCode.TIMEOUT);
    expect((error as StoreError).message).toContain('storeTimeoutMs');
    expect(ms).toBeLessThan(5000);
  });

  test('client.destroy() 300 ms into a start against a hanging store: destroy returns within a second, initialize() rejects ClientClosedError', async () => {
    const store = pgStore({ connectTimeoutMs: 3000 });
    const client = new Client({ authStrategy: new RemoteAuth({ store, clientId: 'd3', dataPath, startupRetries: 3, retryDelayMs: 2000 }) });
    cleanups.push(() => client.destroy());
    let qr = 0;
    client.on('qr', () => qr++);
    const initializing = timed(client.initialize());
    await new Promise((resolve) => setTimeout(resolve, 300));
    const destroyed = await timed(client.destroy());
    expect(destroyed.error).toBeUndefined();
    expect(destroyed.ms).toBeLessThan(1000);
    const { error } = await initializing;
    expect(error).toBeInstanceOf(ClientClosedError);
    expect(qr).toBe(0);
  });
});
