/**
 * The conformance suite every waweb `SessionStore` passes, shipped as `waweb/testing` so authors of
 * third-party stores can run it against theirs. It needs only `describe`, `it`, `beforeEach` and
 * `afterEach` (jest's, vitest's or mocha's globals, or a `runner` you pass) and checks with
 * `node:assert`. A backend's test file calls it with a factory that makes a fresh, empty store:
 *
 *   describeStoreConformance('MyStore', async () => ({
 *     store: new MyStore({ ... }),
 *     cleanup: async () => { ... },           // drop the namespace the store used
 *     breakBackend: async () => { ... },      // make the backend fail from now on
 *   }), { keep: 3 });
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ErrorCode, InvalidOptionError, StoreError, WawebError, type SessionStore, type StoredGeneration } from '../index';
import { describeConditionalWrites } from './conditional';
import { describeRewrites } from './rewrites';
import { describeStreams } from './streams';

export interface ConformanceFixture {
  /** A store over an empty namespace (folder, database, table) of its own. */
  store: SessionStore;
  /** Removes the namespace and closes what the factory opened. Runs after every test, pass or fail. */
  cleanup(): Promise<void>;
  /**
   * Makes the backend behind `store` fail from now on: close the connection or pool the store
   * uses, replace its folder by a file, point it at a dead port, ...
   */
  breakBackend(): Promise<void>;
  /**
   * Everything the namespace holds, in a form `assert.deepStrictEqual` can compare (file listing,
   * rows). Used to prove that rejected ids wrote nothing; without it only the store's own view is checked.
   */
  snapshot?(): Promise<unknown>;
}

/** The test functions the suite registers with. */
export interface TestRunner {
  describe: (name: string, fn: () => void) => void;
  it: (name: string, fn: () => Promise<void> | void) => void;
  beforeEach: (fn: () => Promise<void> | void) => void;
  afterEach: (fn: () => Promise<void> | void) => void;
}

export interface ConformanceOptions {
  /** The `keep` the factory's stores were created with. */
  keep: number;
  /**
   * False for stores that hold a single backup and cannot load older generations by number
   * (whatsapp-web.js-style stores behind `WwebjsStoreAdapter`).
   * @default true
   */
  generations?: boolean;
  /**
   * Size of the large round-trip payload.
   * @default 5 MiB
   */
  largeBytes?: number;
  /** @default the global `describe`, `it`, `beforeEach`, `afterEach` */
  runner?: TestRunner;
}

/** Session ids every store must refuse with `INVALID_SESSION_ID` before touching its backend. */
export const HOSTILE_SESSION_IDS: readonly string[] = ['../x', 'a/b', '', 'x\0y', 'a b', '..', 'a\\b', 'x'.repeat(129)];

let counter = 0;
/** A session id no other test uses. */
export function freshSessionId(label = 's'): string {
  counter += 1;
  return `${label}_${process.pid}_${counter}_${randomBytes(3).toString('hex')}`;
}

/** Distinct, recognisable payloads: a tag followed by random bytes. */
function payload(tag: string, size: number): Buffer {
  return Buffer.concat([Buffer.from(`${tag}|`), randomBytes(size)]);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  assert.fail('expected the call to reject');
}

async function expectStoreError(promise: Promise<unknown>, codes: readonly string[]): Promise<StoreError> {
  const err = await rejection(promise);
  assert.ok(err instanceof StoreError, `expected a StoreError, got ${String(err)}`);
  assert.ok(codes.includes(err.code), `expected code ${codes.join(' or ')}, got ${err.code}`);
  return err;
}

function assertWellFormed(entry: StoredGeneration, sessionId: string): void {
  assert.equal(entry.sessionId, sessionId);
  assert.ok(Number.isSafeInteger(entry.generation) && entry.generation >= 1, `generation ${entry.generation}`);
  // Not instanceof Date: dates made by Node's core (fs.Stats) can come from another realm under a test runner's VM.
  assert.equal(Object.prototype.toString.call(entry.createdAt), '[object Date]');
  assert.ok(!Number.isNaN(entry.createdAt.getTime()), 'createdAt is a valid date');
  assert.ok(Number.isSafeInteger(entry.bytes) && entry.bytes >= 0, `bytes ${entry.bytes}`);
}

/** jest's, vitest's or mocha's globals. (Shared with fencing.ts, not exported from waweb/testing.) */
export function globalRunner(suite = 'describeStoreConformance'): TestRunner {
  const g = globalThis as Record<string, unknown>;
  for (const name of ['describe', 'it', 'beforeEach', 'afterEach']) {
    if (typeof g[name] !== 'function') {
      throw new InvalidOptionError(`${suite}: no global ${name}(); run it under jest, vitest or mocha, or pass options.runner`);
    }
  }
  return g as unknown as TestRunner;
}

/**
 * A fresh fixture from `factory` before each test, its store closed and its namespace cleaned up
 * after each one, pass or fail. Returns what the running test reads it through.
 */
export function useFixture<F extends ConformanceFixture>(runner: TestRunner, factory: () => Promise<F>): () => F {
  let fixture: F | undefined;
  runner.beforeEach(async () => {
    fixture = await factory();
  });
  runner.afterEach(async () => {
    const current = fixture;
    fixture = undefined;
    if (current) {
      try {
        await current.store.close();
      } finally {
        await current.cleanup();
      }
    }
  });
  return () => {
    if (!fixture) throw new Error('the conformance fixture is used outside a test');
    return fixture;
  };
}

/** Registers the conformance tests for the stores `factory` makes. */
export function describeStoreConformance(name: string, factory: () => Promise<ConformanceFixture>, options: ConformanceOptions): void {
  const runner = options.runner ?? globalRunner();
  const { describe, it, beforeEach } = runner;
  const keep = options.keep;
  const generations = options.generations ?? true;
  const largeBytes = options.largeBytes ?? 5 * 1024 * 1024;
  const keptByStore = generations ? keep : 1;

  describe(`${name} conformance`, () => {
    const current = useFixture(runner, factory);
    let store: SessionStore;
    beforeEach(() => {
      store = current().store;
    });

    it('has a name', () => {
      assert.equal(typeof store.name, 'string');
      assert.ok(store.name.length > 0);
    });

    it('has mark() and deleteGeneration() exactly when it says marks: true', () => {
      const marks = store.marks === true;
      assert.equal(typeof store.mark, marks ? 'function' : 'undefined', `mark with marks: ${String(store.marks)}`);
      assert.equal(typeof store.deleteGeneration, marks ? 'function' : 'undefined', `deleteGeneration with marks: ${String(store.marks)}`);
    });

    it('reports an absent session as absent, and deleting it is fine', async () => {
      const id = freshSessionId('absent');
      assert.equal(await store.exists(id), false);
      assert.equal(await store.load(id), null);
      assert.equal(await store.load(id, { generation: 1 }), null);
      assert.deepEqual(await store.list(id), []);
      assert.equal(await store.delete(id), undefined);
      assert.equal(await store.exists(id), false);
    });

    it('round-trips an empty payload', async () => {
      const id = freshSessionId('empty');
      const saved = await store.save(id, Buffer.alloc(0));
      assertWellFormed(saved, id);
      assert.equal(saved.bytes, 0);
      assert.equal(await store.exists(id), true);
      const loaded = await store.load(id);
      assert.ok(loaded && Buffer.isBuffer(loaded.data));
      assert.equal(loaded.data.length, 0);
      assert.equal(loaded.bytes, 0);
      assert.equal(loaded.generation, saved.generation);
      const list = await store.list(id);
      assert.equal(list.length, 1);
      assert.equal(list[0]?.bytes, 0);
      assert.equal(list[0]?.generation, saved.generation);
    });

    it(`round-trips a ${Math.round(largeBytes / 1024 / 1024)} MB random payload byte for byte`, async () => {
      const id = freshSessionId('large');
      const data = randomBytes(largeBytes);
      const saved = await store.save(id, data);
      assertWellFormed(saved, id);
      assert.equal(saved.bytes, largeBytes);
      const loaded = await store.load(id);
      assert.ok(loaded);
      assert.equal(loaded.bytes, largeBytes);
      assert.ok(loaded.data.equals(data), 'the loaded bytes equal the saved ones');
      assertWellFormed(loaded, id);
    });

    it(`keeps exactly ${keptByStore} generation(s) when overwritten, newest last saved`, async () => {
      const id = freshSessionId('overwrite');
      const payloads: Buffer[] = [];
      const returned: StoredGeneration[] = [];
      for (let i = 0; i < keep + 2; i++) {
        const data = payload(`save-${i}`, 1024 + i);
        payloads.push(data);
        const saved = await store.save(id, data);
        assertWellFormed(saved, id);
        assert.equal(saved.bytes, data.length);
        returned.push(saved);
      }
      for (let i = 1; i < returned.length; i++) {
        assert.ok(returned[i]!.generation > returned[i - 1]!.generation, 'generations grow with every save');
      }
      const list = await store.list(id);
      assert.equal(list.length, keptByStore);
      list.forEach((entry) => assertWellFormed(entry, id));
      // Newest first, and exactly the last `keptByStore` saves.
      const expected = returned.slice(-keptByStore).reverse();
      assert.deepEqual(
        list.map((e) => [e.generation, e.bytes]),
        expected.map((e) => [e.generation, e.bytes]),
      );
      const newest = await store.load(id);
      assert.equal(newest?.generation, returned[returned.length - 1]!.generation);
      assert.ok(newest?.data.equals(payloads[payloads.length - 1]!), 'the newest holds the last save');
    });

    if (generations) {
      it('loads an older generation by number, and null for a pruned one', async () => {
        const id = freshSessionId('older');
        const byGeneration = new Map<number, Buffer>();
        for (let i = 0; i < keep + 1; i++) {
          const data = payload(`gen-${i}`, 2048);
          byGeneration.set((await store.save(id, data)).generation, data);
        }
        const list = await store.list(id);
        assert.equal(list.length, keep);
        for (const entry of list) {
          const loaded = await store.load(id, { generation: entry.generation });
          assert.equal(loaded?.generation, entry.generation);
          assert.ok(loaded?.data.equals(byGeneration.get(entry.generation)!), `generation ${entry.generation} holds its save`);
        }
        const kept = new Set(list.map((e) => e.generation));
        const pruned = [...byGeneration.keys()].filter((g) => !kept.has(g));
        assert.equal(pruned.length, 1);
        assert.equal(await store.load(id, { generation: pruned[0]! }), null);
        assert.equal(await store.load(id, { generation: Math.max(...byGeneration.keys()) + 1 }), null);
      });
    }

    it('keeps sessions apart', async () => {
      const a = freshSessionId('iso_a');
      const b = freshSessionId('iso_b');
      const dataA = payload('A', 4096);
      const dataB = payload('B', 8192);
      await store.save(a, dataA);
      await store.save(b, dataB);
      assert.ok((await store.load(a))?.data.equals(dataA));
      assert.ok((await store.load(b))?.data.equals(dataB));
      assert.ok((await store.list(a)).every((e) => e.sessionId === a));
      await store.delete(a);
      assert.equal(await store.exists(a), false);
      assert.equal(await store.load(a), null);
      assert.deepEqual(await store.list(a), []);
      assert.equal(await store.exists(b), true);
      assert.ok((await store.load(b))?.data.equals(dataB));
    });

    it('deletes every generation', async () => {
      const id = freshSessionId('del');
      for (let i = 0; i < keep; i++) await store.save(id, payload(`d${i}`, 512));
      await store.delete(id);
      assert.equal(await store.exists(id), false);
      assert.deepEqual(await store.list(id), []);
      assert.equal(await store.load(id), null);
      for (let g = 1; g <= keep; g++) assert.equal(await store.load(id, { generation: g }), null);
      // The id is usable again.
      const again = payload('again', 100);
      await store.save(id, again);
      assert.ok((await store.load(id))?.data.equals(again));
    });

    it('rejects hostile session ids with INVALID_SESSION_ID and writes nothing', async () => {
      const before = current().snapshot ? await current().snapshot?.() : undefined;
      const data = payload('hostile', 64);
      for (const id of HOSTILE_SESSION_IDS) {
        await expectStoreError(store.save(id, data), [ErrorCode.INVALID_SESSION_ID]);
        await expectStoreError(store.load(id), [ErrorCode.INVALID_SESSION_ID]);
        await expectStoreError(store.exists(id), [ErrorCode.INVALID_SESSION_ID]);
        await expectStoreError(store.list(id), [ErrorCode.INVALID_SESSION_ID]);
        await expectStoreError(store.delete(id), [ErrorCode.INVALID_SESSION_ID]);
      }
      if (current().snapshot) assert.deepStrictEqual(await current().snapshot?.(), before);
      // `../x` must not have become `x`, nor `a/b` become `a`.
      assert.equal(await store.exists('x'), false);
      assert.equal(await store.exists('a'), false);
    });

    it('ends 8 concurrent saves with one complete newest generation', async () => {
      const id = freshSessionId('race');
      const inputs = Array.from({ length: 8 }, (_, i) => payload(`racer-${i}`, 64 * 1024 + i * 977));
      const results = await Promise.all(inputs.map((data) => store.save(id, data)));
      const numbers = results.map((r) => r.generation);
      assert.equal(new Set(numbers).size, numbers.length, 'no generation number twice');
      results.forEach((r, i) => assert.equal(r.bytes, inputs[i]!.length));
      const list = await store.list(id);
      assert.ok(list.length >= 1 && list.length <= keptByStore, `${list.length} generations kept`);
      assert.equal(new Set(list.map((e) => e.generation)).size, list.length);
      const newest = await store.load(id);
      assert.ok(newest);
      const match = inputs.findIndex((data) => data.equals(newest.data));
      assert.ok(match >= 0, 'the newest generation is one complete save');
      assert.equal(newest.bytes, inputs[match]!.length);
      assert.equal(newest.generation, Math.max(...numbers));
      // The newest generation holds what the save that got that number wrote.
      assert.equal(results[match]!.generation, newest.generation);
    });

    it('surfaces a backend failure as a StoreError with the cause kept', async () => {
      const id = freshSessionId('broken');
      await current().breakBackend();
      const codes = [ErrorCode.STORE_FAILED, ErrorCode.STORE_UNREACHABLE];
      const errors = [
        await expectStoreError(store.save(id, payload('x', 10)), codes),
        await expectStoreError(store.load(id), codes),
        await expectStoreError(store.list(id), codes),
        await expectStoreError(store.exists(id), codes),
      ];
      for (const err of errors) {
        assert.notEqual(err.cause, undefined, 'the backend error is kept as cause');
        assert.notEqual(err.cause, err);
      }
    });

    it('refuses a load over maxBytes with DATA_TOO_LARGE, and loads at the limit', async () => {
      const id = freshSessionId('max');
      const data = payload('m', 4096);
      await store.save(id, data);
      const err = await expectStoreError(store.load(id, { maxBytes: data.length - 1 }), [ErrorCode.DATA_TOO_LARGE]);
      assert.ok(err.message.includes('maxBytes'), 'the error names maxBytes');
      assert.ok((await store.load(id, { maxBytes: data.length }))?.data.equals(data));
    });

    it('ends a call whose signal has fired with an AbortError, and stores nothing for it', async () => {
      const id = freshSessionId('abort');
      const aborted = AbortSignal.abort();
      for (const call of [
        store.save(id, payload('a', 10), { signal: aborted }),
        store.list(id, { signal: aborted }),
        store.load(id, { signal: aborted }),
      ]) {
        const err = await rejection(call);
        assert.ok(err instanceof WawebError, `expected a WawebError, got ${String(err)}`);
        assert.equal(err.code, ErrorCode.ABORTED);
      }
      assert.deepEqual(await store.list(id), []);
    });

    describeConditionalWrites(it, () => current().store, freshSessionId);
    describeRewrites(it, () => current().store, freshSessionId, keptByStore);
    describeStreams(it, () => current().store, freshSessionId, generations);

    it('closes twice without complaint and refuses work afterwards', async () => {
      const id = freshSessionId('close');
      await store.save(id, payload('c', 10));
      assert.equal(await store.close(), undefined);
      assert.equal(await store.close(), undefined);
      await expectStoreError(store.load(id), [ErrorCode.STORE_FAILED]);
      await expectStoreError(store.save(id, payload('c', 10)), [ErrorCode.STORE_FAILED]);
    });
  });
}
