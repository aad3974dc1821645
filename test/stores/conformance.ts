/**
 * The conformance suite every waweb SessionStore passes. A backend's test file calls it with a
 * factory that makes a fresh, empty store per test:
 *
 *   describeStoreConformance('FileStore', async () => {
 *     const dir = await tempDir();
 *     const directory = join(dir.path, 'store');
 *     return {
 *       store: new FileStore({ directory, keep: 3 }),
 *       cleanup: dir.remove,
 *       // from now on the store's folder is a plain file
 *       breakBackend: async () => { await rm(directory, { recursive: true, force: true }); await writeFile(directory, ''); },
 *     };
 *   }, { keep: 3 });
 *
 * Nothing here knows a backend; the `breakBackend` and (optional) `snapshot` hooks let the
 * factory show how its backend fails and what it holds.
 */
import { randomBytes } from 'node:crypto';
import { ErrorCode, StoreError, WawebError } from '../../src/errors';
import type { SessionStore, StoredGeneration } from '../../src/stores';

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
   * Everything the namespace holds, in a form `toEqual` can compare (file listing, rows,
   * collections). Used to prove that rejected ids wrote nothing; without it only the store's
   * own view is checked.
   */
  snapshot?(): Promise<unknown>;
}

export interface ConformanceOptions {
  /** The `keep` the factory's stores were created with. */
  keep: number;
  /**
   * False for stores that hold a single backup and cannot load older generations by number
   * (whatsapp-web.js-style stores behind `fromWwebjsStore`).
   * @default true
   */
  generations?: boolean;
  /**
   * Size of the large round-trip payload.
   * @default 5 MiB
   */
  largeBytes?: number;
}

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

async function expectStoreError(promise: Promise<unknown>, codes: readonly string[]): Promise<StoreError> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(StoreError);
  const err = caught as StoreError;
  expect(codes).toContain(err.code);
  return err;
}

function expectWellFormed(entry: StoredGeneration, sessionId: string): void {
  expect(entry.sessionId).toBe(sessionId);
  expect(Number.isSafeInteger(entry.generation) && entry.generation >= 1).toBe(true);
  // Not toBeInstanceOf(Date): dates made by Node's core (fs.Stats) come from another realm under jest.
  expect(Object.prototype.toString.call(entry.createdAt)).toBe('[object Date]');
  expect(Number.isNaN(entry.createdAt.getTime())).toBe(false);
  expect(Number.isSafeInteger(entry.bytes) && entry.bytes >= 0).toBe(true);
}

export function describeStoreConformance(name: string, factory: () => Promise<ConformanceFixture>, options: ConformanceOptions): void {
  const keep = options.keep;
  const generations = options.generations ?? true;
  const largeBytes = options.largeBytes ?? 5 * 1024 * 1024;
  const keptByStore = generations ? keep : 1;

  describe(`${name} conformance`, () => {
    let fixture: ConformanceFixture | undefined;
    let store: SessionStore;

    beforeEach(async () => {
      fixture = await factory();
      store = fixture.store;
    });

    afterEach(async () => {
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

    it('has a name', () => {
      expect(typeof store.name).toBe('string');
      expect(store.name.length).toBeGreaterThan(0);
    });

    it('reports an absent session as absent, and deleting it is fine', async () => {
      const id = freshSessionId('absent');
      await expect(store.exists(id)).resolves.toBe(false);
      await expect(store.load(id)).resolves.toBeNull();
      await expect(store.load(id, { generation: 1 })).resolves.toBeNull();
      await expect(store.list(id)).resolves.toEqual([]);
      await expect(store.delete(id)).resolves.toBeUndefined();
      await expect(store.exists(id)).resolves.toBe(false);
    });

    it('round-trips an empty payload', async () => {
      const id = freshSessionId('empty');
      const saved = await store.save(id, Buffer.alloc(0));
      expectWellFormed(saved, id);
      expect(saved.bytes).toBe(0);
      await expect(store.exists(id)).resolves.toBe(true);
      const loaded = await store.load(id);
      expect(loaded).not.toBeNull();
      expect(Buffer.isBuffer(loaded?.data)).toBe(true);
      expect(loaded?.data.length).toBe(0);
      expect(loaded?.bytes).toBe(0);
      expect(loaded?.generation).toBe(saved.generation);
      const list = await store.list(id);
      expect(list).toHaveLength(1);
      expect(list[0]?.bytes).toBe(0);
      expect(list[0]?.generation).toBe(saved.generation);
    });

    it(`round-trips a ${Math.round(largeBytes / 1024 / 1024)} MB random payload byte for byte`, async () => {
      const id = freshSessionId('large');
      const data = randomBytes(largeBytes);
      const saved = await store.save(id, data);
      expectWellFormed(saved, id);
      expect(saved.bytes).toBe(largeBytes);
      const loaded = await store.load(id);
      expect(loaded).not.toBeNull();
      expect(loaded?.bytes).toBe(largeBytes);
      expect(loaded?.data.length).toBe(largeBytes);
      expect(loaded?.data.equals(data)).toBe(true);
      expectWellFormed(loaded as StoredGeneration, id);
    });

    it(`keeps exactly ${keptByStore} generation(s) when overwritten, newest last saved`, async () => {
      const id = freshSessionId('overwrite');
      const saves = keep + 2;
      const payloads: Buffer[] = [];
      const returned: StoredGeneration[] = [];
      for (let i = 0; i < saves; i++) {
        const data = payload(`save-${i}`, 1024 + i);
        payloads.push(data);
        const saved = await store.save(id, data);
        expectWellFormed(saved, id);
        expect(saved.bytes).toBe(data.length);
        returned.push(saved);
      }
      for (let i = 1; i < returned.length; i++) {
        expect(returned[i]!.generation).toBeGreaterThan(returned[i - 1]!.generation);
      }
      const list = await store.list(id);
      expect(list).toHaveLength(keptByStore);
      list.forEach((entry) => expectWellFormed(entry, id));
      // Newest first, and exactly the last `keptByStore` saves.
      const expected = returned.slice(-keptByStore).reverse();
      expect(list.map((e) => e.generation)).toEqual(expected.map((e) => e.generation));
      expect(list.map((e) => e.bytes)).toEqual(expected.map((e) => e.bytes));

      const newest = await store.load(id);
      expect(newest?.generation).toBe(returned[returned.length - 1]!.generation);
      expect(newest?.data.equals(payloads[payloads.length - 1]!)).toBe(true);
    });

    if (generations) {
      it('loads an older generation by number, and null for a pruned one', async () => {
        const id = freshSessionId('older');
        const saves = keep + 1;
        const byGeneration = new Map<number, Buffer>();
        for (let i = 0; i < saves; i++) {
          const data = payload(`gen-${i}`, 2048);
          const saved = await store.save(id, data);
          byGeneration.set(saved.generation, data);
        }
        const list = await store.list(id);
        expect(list).toHaveLength(keep);
        for (const entry of list) {
          const loaded = await store.load(id, { generation: entry.generation });
          expect(loaded?.generation).toBe(entry.generation);
          expect(loaded?.data.equals(byGeneration.get(entry.generation)!)).toBe(true);
        }
        const kept = new Set(list.map((e) => e.generation));
        const pruned = [...byGeneration.keys()].filter((g) => !kept.has(g));
        expect(pruned).toHaveLength(1);
        await expect(store.load(id, { generation: pruned[0]! })).resolves.toBeNull();
        const beyond = Math.max(...byGeneration.keys()) + 1;
        await expect(store.load(id, { generation: beyond })).resolves.toBeNull();
      });
    }

    it('keeps sessions apart', async () => {
      const a = freshSessionId('iso_a');
      const b = freshSessionId('iso_b');
      const dataA = payload('A', 4096);
      const dataB = payload('B', 8192);
      await store.save(a, dataA);
      await store.save(b, dataB);
      expect((await store.load(a))?.data.equals(dataA)).toBe(true);
      expect((await store.load(b))?.data.equals(dataB)).toBe(true);
      expect((await store.list(a)).every((e) => e.sessionId === a)).toBe(true);

      await store.delete(a);
      await expect(store.exists(a)).resolves.toBe(false);
      await expect(store.load(a)).resolves.toBeNull();
      await expect(store.list(a)).resolves.toEqual([]);
      await expect(store.exists(b)).resolves.toBe(true);
      expect((await store.load(b))?.data.equals(dataB)).toBe(true);
    });

    it('deletes every generation', async () => {
      const id = freshSessionId('del');
      for (let i = 0; i < keep; i++) await store.save(id, payload(`d${i}`, 512));
      await store.delete(id);
      await expect(store.exists(id)).resolves.toBe(false);
      await expect(store.list(id)).resolves.toEqual([]);
      await expect(store.load(id)).resolves.toBeNull();
      for (let g = 1; g <= keep; g++) {
        await expect(store.load(id, { generation: g })).resolves.toBeNull();
      }
      // The id is usable again.
      const again = payload('again', 100);
      await store.save(id, again);
      expect((await store.load(id))?.data.equals(again)).toBe(true);
    });

    it('rejects hostile session ids with INVALID_SESSION_ID and writes nothing', async () => {
      const before = fixture?.snapshot ? await fixture.snapshot() : undefined;
      const data = payload('hostile', 64);
      for (const id of HOSTILE_SESSION_IDS) {
        await expectStoreError(store.save(id, data), [ErrorCode.INVALID_SESSION_ID]);
        await expectStoreError(store.load(id), [ErrorCode.INVALID_SESSION_ID]);
        await expectStoreError(store.exists(id), [ErrorCode.INVALID_SESSION_ID]);
        await expectStoreError(store.list(id), [ErrorCode.INVALID_SESSION_ID]);
        await expectStoreError(store.delete(id), [ErrorCode.INVALID_SESSION_ID]);
      }
      if (fixture?.snapshot) {
        expect(await fixture.snapshot()).toEqual(before);
      }
      // `../x` must not have become `x`, nor `a/b` become `a`.
      await expect(store.exists('x')).resolves.toBe(false);
      await expect(store.exists('a')).resolves.toBe(false);
    });

    it('ends 8 concurrent saves with one complete newest generation', async () => {
      const id = freshSessionId('race');
      const inputs = Array.from({ length: 8 }, (_, i) => payload(`racer-${i}`, 64 * 1024 + i * 977));
      const results = await Promise.all(inputs.map((data) => store.save(id, data)));
      const numbers = results.map((r) => r.generation);
      expect(new Set(numbers).size).toBe(numbers.length);
      results.forEach((r, i) => expect(r.bytes).toBe(inputs[i]!.length));

      const list = await store.list(id);
      expect(list.length).toBeGreaterThanOrEqual(1);
      expect(list.length).toBeLessThanOrEqual(keptByStore);
      expect(new Set(list.map((e) => e.generation)).size).toBe(list.length);

      const newest = await store.load(id);
      expect(newest).not.toBeNull();
      const match = inputs.findIndex((data) => data.equals(newest!.data));
      expect(match).toBeGreaterThanOrEqual(0);
      expect(newest!.bytes).toBe(inputs[match]!.length);
      expect(newest!.generation).toBe(Math.max(...numbers));
      // The newest generation holds what the save that got that number wrote.
      expect(results[match]!.generation).toBe(newest!.generation);
    });

    it('surfaces a backend failure as a StoreError with the cause kept', async () => {
      const id = freshSessionId('broken');
      await fixture!.breakBackend();
      const codes = [ErrorCode.STORE_FAILED, ErrorCode.STORE_UNREACHABLE];
      const errors = [
        await expectStoreError(store.save(id, payload('x', 10)), codes),
        await expectStoreError(store.load(id), codes),
        await expectStoreError(store.list(id), codes),
        await expectStoreError(store.exists(id), codes),
      ];
      for (const err of errors) {
        expect(err.cause).toBeDefined();
        expect(err.cause).not.toBe(err);
      }
    });

    it('refuses a load over maxBytes with DATA_TOO_LARGE, and loads at the limit', async () => {
      const id = freshSessionId('max');
      const data = payload('m', 4096);
      await store.save(id, data);
      const err = await expectStoreError(store.load(id, { maxBytes: data.length - 1 }), [ErrorCode.DATA_TOO_LARGE]);
      expect(err.message).toContain('maxBytes');
      expect((await store.load(id, { maxBytes: data.length }))?.data.equals(data)).toBe(true);
    });

    it('ends a call whose signal has fired with an AbortError, and stores nothing for it', async () => {
      const id = freshSessionId('abort');
      const aborted = AbortSignal.abort();
      for (const call of [
        store.save(id, payload('a', 10), { signal: aborted }),
        store.list(id, { signal: aborted }),
        store.load(id, { signal: aborted }),
      ]) {
        const err: unknown = await call.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(WawebError);
        expect((err as WawebError).code).toBe(ErrorCode.ABORTED);
      }
      expect(await store.list(id)).toEqual([]);
    });

    it('closes twice without complaint and refuses work afterwards', async () => {
      const id = freshSessionId('close');
      await store.save(id, payload('c', 10));
      await expect(store.close()).resolves.toBeUndefined();
      await expect(store.close()).resolves.toBeUndefined();
      await expectStoreError(store.load(id), [ErrorCode.STORE_FAILED]);
      await expectStoreError(store.save(id, payload('c', 10)), [ErrorCode.STORE_FAILED]);
    });
  });
}
