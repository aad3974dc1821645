/**
 * The one front every store has (unstorage's split between `createStorage` and its drivers): what
 * every backend would otherwise repeat lives here once, and a backend keeps only its raw
 * operations (a `StoreDriver`).
 *
 * The front owns: session-id, closed, buffer, generation and `maxBytes` checks; cancellation and
 * the optional per-call deadline; error translation (anything untyped becomes a `StoreError` with
 * the driver's error as `cause`); the "list again if pruned meanwhile" load loop; the `exists`
 * fallback; an idempotent `close()` and `Symbol.asyncDispose`. Later layers (encryption, leases)
 * wrap a `SessionStore` the same way from outside. The driver contract (`driver.ts`) is public:
 * `createStore(driver)` gives third-party drivers the same front.
 */
import { AbortError, ErrorCode, InvalidOptionError, StoreError } from '../errors';
import { abortable, withDeadline } from '../util/deadline';
import { assertStoreDriver, type StoreDriver } from './driver';
import { loadStream, saveStream, type StreamFront } from './front-stream';
import {
  assertBuffer,
  assertFence,
  assertGeneration,
  assertGenerationMark,
  assertGenerationNumber,
  assertIfNewest,
  assertMaxBytes,
  closedError,
  dataTooLarge,
  generationChanged,
  publicGeneration,
  wrapError,
} from './internal';
import { assertSessionId, isValidSessionId } from './session-id';
import type {
  DeleteOptions,
  GenerationMark,
  LoadOptions,
  LoadedSession,
  LoadedSessionStream,
  RewriteOptions,
  SaveOptions,
  SessionSource,
  SessionStore,
  StoreCallOptions,
  StoredGeneration,
} from './types';

/** How often a load lists again when the generation it picked was pruned before it was read. */
const MAX_LOAD_ATTEMPTS = 5;

/** A `SessionStore` over a `StoreDriver`. The public store classes extend it; `createStore` makes one. */
export class StoreFront implements SessionStore, AsyncDisposable {
  readonly name: string;
  readonly stableGenerations?: boolean;
  readonly fencing: boolean;
  readonly marks: boolean;
  /** See `SessionStore.mark`; absent (`undefined`) unless `marks`. */
  readonly mark?: SessionStore['mark'];
  /** See `SessionStore.deleteGeneration`; absent (`undefined`) unless `marks`. */
  readonly deleteGeneration?: SessionStore['deleteGeneration'];
  /** See `SessionStore.rewriteGeneration`; absent unless the driver has `rewrite`. */
  readonly rewriteGeneration?: SessionStore['rewriteGeneration'];
  /** See `SessionStore.listSessions`; absent unless the driver has `sessions`. */
  readonly listSessions?: SessionStore['listSessions'];
  readonly #driver: StoreDriver;
  readonly #label: string;
  readonly #streams: StreamFront;
  #closing: Promise<void> | undefined;

  constructor(driver: StoreDriver) {
    assertStoreDriver(driver, 'createStore');
    this.#driver = driver;
    this.#label = driver.label ?? driver.name;
    this.#streams = { driver, label: this.#label, checkFence: (fence, owner) => this.#checkFence(fence, owner) };
    this.name = driver.name;
    if (driver.stableGenerations !== undefined) this.stableGenerations = driver.stableGenerations;
    this.fencing = driver.raiseFence !== undefined;
    this.marks = driver.mark !== undefined;
    if (this.marks) {
      // Own properties rather than methods, so a store without marks has none: `if (store.marks && store.mark)`.
      this.mark = (sessionId, generation, mark, options) => this.#mark(sessionId, generation, mark, options);
      this.deleteGeneration = (sessionId, generation, options) => this.#deleteGeneration(sessionId, generation, options);
    }
    if (driver.rewrite)
      this.rewriteGeneration = (sessionId, generation, data, options) => this.#rewrite(sessionId, generation, data, options);
    if (driver.sessions) this.listSessions = (options) => this.#listSessions(options);
  }

  exists(sessionId: string, options?: StoreCallOptions): Promise<boolean> {
    const driver = this.#driver;
    return this.#run(sessionId, 'checking', options, async (signal) =>
      driver.exists ? driver.exists(sessionId, { signal }) : (await driver.list(sessionId, { signal })).length > 0,
    );
  }

  /**
   * See `SessionStore.save`. `ifNewest` goes to a driver with `conditionalWrites`, which checks it
   * in the same atomic step as the write. For any other driver the front lists the session first
   * and refuses when the newest generation is not `ifNewest`: a check, not a lock, so a save by
   * another writer between that listing and the write is not seen (not atomic).
   */
  save(sessionId: string, data: Buffer, options?: SaveOptions): Promise<StoredGeneration> {
    const driver = this.#driver;
    return this.#run(sessionId, 'saving', options, async (signal) => {
      const owner = `${this.#label}.save`;
      assertBuffer(data, owner);
      const fence = options?.fence;
      const ifNewest = options?.ifNewest;
      if (fence !== undefined) this.#checkFence(fence, owner);
      if (ifNewest !== undefined) {
        assertIfNewest(ifNewest, owner);
        if (driver.conditionalWrites !== true) {
          const newest = (await driver.list(sessionId, { signal }))[0]?.generation ?? 0;
          if (newest !== ifNewest) throw generationChanged(this.#label, sessionId, ifNewest, newest);
        }
      }
      const conditional = ifNewest !== undefined && driver.conditionalWrites === true;
      return driver.write(sessionId, data, {
        signal,
        ...(fence === undefined ? {} : { fence }),
        ...(conditional ? { ifNewest } : {}),
      });
    });
  }

  /**
   * See `SessionStore.saveStream`: the driver's `writeStream`, or `write()` with the source gathered
   * into one Buffer. The same checks and `ifNewest` rule as `save`; `callTimeout` bounds inactivity.
   */
  async saveStream(sessionId: string, source: SessionSource, options?: SaveOptions): Promise<StoredGeneration> {
    this.#checkCall(sessionId);
    return saveStream(this.#streams, sessionId, source, options);
  }

  /**
   * See `SessionStore.loadStream`: the driver's `readStream`, or `read()`'s Buffer in 1 MiB slices.
   * `callTimeout` bounds the opening, then each wait for the driver's next chunk (not the reader's
   * pace); the caller's `signal` destroys the stream until it ends.
   */
  async loadStream(sessionId: string, options?: LoadOptions): Promise<LoadedSessionStream | null> {
    this.#checkCall(sessionId);
    return loadStream(this.#streams, sessionId, options);
  }

  /** See `SessionStore.raiseFence`; rejects with `InvalidOptionError` on a store without fencing. */
  raiseFence(sessionId: string, token: number, options?: StoreCallOptions): Promise<number> {
    const driver = this.#driver;
    return this.#run(sessionId, 'fencing', options, async (signal) => {
      assertFence(token, `${this.#label}.raiseFence`);
      if (!driver.raiseFence) throw new InvalidOptionError(`${this.#label} does not support fencing tokens`);
      return driver.raiseFence(sessionId, token, { signal });
    });
  }

  load(sessionId: string, options?: LoadOptions): Promise<LoadedSession | null> {
    return this.#run(sessionId, 'loading', options, async (signal) => {
      assertGeneration(options?.generation, `${this.#label}.load`);
      assertMaxBytes(options?.maxBytes, `${this.#label}.load`);
      const wanted = options?.generation;
      const maxBytes = options?.maxBytes;
      for (let attempt = 0; attempt < MAX_LOAD_ATTEMPTS; attempt++) {
        const listed = await this.#driver.list(sessionId, { signal });
        const generation = wanted === undefined ? listed[0] : listed.find((g) => g.generation === wanted);
        if (!generation) return null;
        const tooLarge = (bytes: number): StoreError => dataTooLarge(this.#label, sessionId, generation.generation, bytes, maxBytes ?? 0);
        if (maxBytes !== undefined && generation.bytes > maxBytes) throw tooLarge(generation.bytes);
        const data = await this.#driver.read(sessionId, generation, maxBytes === undefined ? { signal } : { signal, maxBytes });
        if (data === null) {
          // Pruned between listing and reading: the newest is listed again; a named one is gone.
          if (wanted !== undefined) return null;
          continue;
        }
        if (!Buffer.isBuffer(data)) throw new StoreError(`${this.#label}: read() of generation ${generation.generation} gave no Buffer`);
        if (maxBytes !== undefined && data.length > maxBytes) throw tooLarge(data.length);
        return { ...publicGeneration(generation), bytes: data.length, data };
      }
      throw new StoreError(`${this.#label}: session "${sessionId}" kept changing while loading it`);
    });
  }

  list(sessionId: string, options?: StoreCallOptions): Promise<StoredGeneration[]> {
    return this.#run(sessionId, 'listing', options, async (signal) =>
      (await this.#driver.list(sessionId, { signal })).map(publicGeneration),
    );
  }

  #mark(sessionId: string, generation: number, mark: GenerationMark, options?: StoreCallOptions): Promise<StoredGeneration | null> {
    const driver = this.#driver;
    return this.#run(sessionId, 'marking', options, async (signal) => {
      assertGenerationNumber(generation, `${this.#label}.mark`);
      assertGenerationMark(mark, `${this.#label}.mark`);
      const listed = (await driver.list(sessionId, { signal })).find((g) => g.generation === generation);
      if (!listed || !driver.mark) return null;
      const marked = await driver.mark(sessionId, listed, mark, { signal });
      return marked ? publicGeneration(marked) : null;
    });
  }

  #deleteGeneration(sessionId: string, generation: number, options?: StoreCallOptions): Promise<boolean> {
    const driver = this.#driver;
    return this.#run(sessionId, 'deleting a generation of', options, async (signal) => {
      assertGenerationNumber(generation, `${this.#label}.deleteGeneration`);
      const listed = (await driver.list(sessionId, { signal })).find((g) => g.generation === generation);
      if (!listed || !driver.removeGeneration) return false;
      return (await driver.removeGeneration(sessionId, listed, { signal })) === true;
    });
  }

  #rewrite(sessionId: string, generation: number, data: Buffer, options?: RewriteOptions): Promise<StoredGeneration | null> {
    const driver = this.#driver;
    return this.#run(sessionId, 'rewriting a generation of', options, async (signal) => {
      const owner = `${this.#label}.rewriteGeneration`;
      assertGenerationNumber(generation, owner);
      assertBuffer(data, owner);
      const fence = options?.fence;
      if (fence !== undefined) this.#checkFence(fence, owner);
      const createdAt = options?.createdAt;
      if (createdAt !== undefined && (Object.prototype.toString.call(createdAt) !== '[object Date]' || Number.isNaN(createdAt.getTime()))) {
        throw new InvalidOptionError(`${owner}: "createdAt" must be a valid Date`);
      }
      const listed = (await driver.list(sessionId, { signal })).find((g) => g.generation === generation);
      if (!listed || !driver.rewrite) return null;
      if (createdAt !== undefined && listed.createdAt.getTime() !== createdAt.getTime()) return null;
      const rewritten = await driver.rewrite(sessionId, listed, data, fence === undefined ? { signal } : { signal, fence });
      return rewritten ? publicGeneration(rewritten) : null;
    });
  }

  #listSessions(options?: StoreCallOptions): Promise<string[]> {
    return this.#run(null, 'listing the sessions', options, async (signal) => {
      const ids = (await this.#driver.sessions?.({ signal })) ?? [];
      return [...new Set(ids.filter((id) => isValidSessionId(id)))].sort();
    });
  }

  /** See `SessionStore.delete`; `fence` is refused with `InvalidOptionError` on a store without fencing. */
  delete(sessionId: string, options?: DeleteOptions): Promise<void> {
    return this.#run(sessionId, 'deleting', options, async (signal) => {
      const fence = options?.fence;
      if (fence === undefined) return this.#driver.remove(sessionId, { signal });
      this.#checkFence(fence, `${this.#label}.delete`);
      return this.#driver.remove(sessionId, { signal, fence });
    });
  }

  /** A `fence` option: a positive integer, on a store with fencing. */
  #checkFence(fence: number, owner: string): void {
    assertFence(fence, owner);
    if (!this.fencing) throw new InvalidOptionError(`${this.#label} does not support fencing tokens ("fence")`);
  }

  /** Releases what the store opened itself (never a connection passed in). Safe to call twice. */
  close(): Promise<void> {
    this.#closing ??= Promise.resolve()
      .then(() => this.#driver.dispose?.())
      .then(
        () => undefined,
        () => undefined,
      );
    return this.#closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** What every call checks first. */
  #checkCall(sessionId: string | null): void {
    if (this.#closing) throw closedError(this.name);
    if (sessionId !== null) assertSessionId(sessionId);
  }

  /** One call: checks, cancellation, the driver's deadline, typed errors. */
  async #run<T>(
    sessionId: string | null,
    what: string,
    options: StoreCallOptions | undefined,
    task: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    this.#checkCall(sessionId);
    const label = sessionId === null ? `${this.#label}: ${what}` : `${this.#label}: ${what} session "${sessionId}"`;
    const signal = options?.signal;
    if (signal?.aborted) throw new AbortError(`${label} was aborted`);
    const timeout = this.#driver.callTimeout;
    const driver = this.#driver;
    try {
      if (timeout) {
        const option = timeout.option ?? 'callTimeout';
        return await withDeadline(task, {
          timeoutMs: timeout.ms,
          signal,
          abortMessage: `${label} was aborted`,
          onTimeout: () => new StoreError(`${label} did not finish within ${option} (${timeout.ms} ms)`, { code: ErrorCode.TIMEOUT }),
        });
      }
      const inner = new AbortController();
      const forward = (): void => inner.abort(signal?.reason);
      signal?.addEventListener('abort', forward, { once: true });
      try {
        return await abortable(task(inner.signal), signal, `${label} was aborted`);
      } finally {
        signal?.removeEventListener('abort', forward);
      }
    } catch (err) {
      throw wrapError(err, `${label} failed`, (e) =>
        driver.isUnreachable?.(e) === true ? ErrorCode.STORE_UNREACHABLE : ErrorCode.STORE_FAILED,
      );
    }
  }
}

/**
 * The `SessionStore` over `driver`: ids, closed store, buffers, generation numbers and `maxBytes`
 * checked, signals and the driver's `callTimeout` honoured, the driver's errors turned into
 * `StoreError`s, `exists`, `fencing` and `marks` derived from what the driver has, `close()` idempotent.
 * Throws `InvalidOptionError` when `driver` is not a `StoreDriver` (see `defineStoreDriver`).
 */
export function createStore<Handle>(driver: StoreDriver<Handle>): SessionStore & AsyncDisposable {
  return new StoreFront(driver);
}
