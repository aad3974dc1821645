/**
 * The one front every store has (unstorage's split between `createStorage` and its drivers): what
 * every backend would otherwise repeat lives here once, and a backend keeps only its raw
 * operations (a `StoreDriver`).
 *
 * The front owns: session-id, closed, buffer, generation and `maxBytes` checks; cancellation and
 * the optional per-call deadline; error translation (anything untyped becomes a `StoreError` with
 * the driver's error as `cause`); the "list again if pruned meanwhile" load loop; the `exists`
 * fallback; an idempotent `close()` and `Symbol.asyncDispose`. Later layers (encryption, leases)
 * wrap a `SessionStore` the same way from outside.
 */
import { AbortError, ErrorCode, InvalidOptionError, StoreError } from '../errors';
import { abortable, withDeadline } from '../util/deadline';
import { assertBuffer, assertGeneration, assertMaxBytes, closedError, dataTooLarge, wrapError } from './internal';
import { assertSessionId } from './session-id';
import type { LoadOptions, LoadedSession, SaveOptions, SessionStore, StoreCallOptions, StoredGeneration } from './types';

/** A listed generation, with whatever the driver needs to read it again (a file id, a path). */
export interface DriverGeneration extends StoredGeneration {
  handle?: unknown;
}

/** A backend's raw operations. Ids are valid and the store open when they are called. */
export interface StoreDriver {
  /** Short backend name (`file`, `mongo`, ...), the store's `name`. */
  readonly name: string;
  /** The class users know, for messages (`FileStore`). */
  readonly label: string;
  /** See `SessionStore.stableGenerations`. */
  readonly stableGenerations?: boolean;
  /** When set, every call is bounded by it; the error names `option`. */
  readonly callTimeout?: { ms: number; option: string };
  /** Generations of `sessionId`, newest first; empty when absent. */
  list(sessionId: string, signal: AbortSignal): Promise<DriverGeneration[]>;
  /** The data of one listed generation; `null` when it is gone (pruned meanwhile). May refuse past `maxBytes` before reading. */
  read(sessionId: string, generation: DriverGeneration, maxBytes: number | undefined, signal: AbortSignal): Promise<Buffer | null>;
  /** Stores `data` as generation highest + 1, completely, then prunes beyond the store's `keep`. */
  write(sessionId: string, data: Buffer, signal: AbortSignal): Promise<StoredGeneration>;
  /**
   * A fenced write: like `write`, in one atomic step with checking `fence` against the largest token
   * seen for the session (refused with `LeaseError` code `FENCED` when smaller) and remembering it.
   */
  writeFenced?(sessionId: string, data: Buffer, fence: number, signal: AbortSignal): Promise<StoredGeneration>;
  /** Remembers `token` as the least a fenced write may carry; resolves with the token in force. */
  raiseFence?(sessionId: string, token: number, signal: AbortSignal): Promise<number>;
  /** Removes every generation; an absent session is fine. */
  remove(sessionId: string, signal: AbortSignal): Promise<void>;
  /** A cheaper answer than `list()` when the backend has one. */
  exists?(sessionId: string, signal: AbortSignal): Promise<boolean>;
  /** Releases what the driver opened itself. Called once. */
  dispose?(): Promise<void>;
  /** Which driver errors mean "cannot reach the backend". @default everything is STORE_FAILED */
  readonly classify?: (err: unknown) => typeof ErrorCode.STORE_FAILED | typeof ErrorCode.STORE_UNREACHABLE;
}

function assertFence(token: number, owner: string): void {
  if (!Number.isSafeInteger(token) || token < 1) throw new InvalidOptionError(`${owner}: a fencing token must be a positive integer`);
}

/** How often a load lists again when the generation it picked was pruned before it was read. */
const MAX_LOAD_ATTEMPTS = 5;

/** A `SessionStore` over a `StoreDriver`. The public store classes extend it. */
export class StoreFront implements SessionStore, AsyncDisposable {
  readonly name: string;
  readonly stableGenerations?: boolean;
  readonly fencing: boolean;
  #closing: Promise<void> | undefined;

  constructor(protected readonly driver: StoreDriver) {
    this.name = driver.name;
    if (driver.stableGenerations !== undefined) this.stableGenerations = driver.stableGenerations;
    this.fencing = driver.writeFenced !== undefined && driver.raiseFence !== undefined;
  }

  exists(sessionId: string, options?: StoreCallOptions): Promise<boolean> {
    return this.#run(sessionId, 'checking', options, async (signal) =>
      this.driver.exists ? this.driver.exists(sessionId, signal) : (await this.driver.list(sessionId, signal)).length > 0,
    );
  }

  save(sessionId: string, data: Buffer, options?: SaveOptions): Promise<StoredGeneration> {
    return this.#run(sessionId, 'saving', options, (signal) => {
      assertBuffer(data, `${this.driver.label}.save`);
      const fence = options?.fence;
      if (fence === undefined) return this.driver.write(sessionId, data, signal);
      assertFence(fence, `${this.driver.label}.save`);
      if (!this.driver.writeFenced) throw new InvalidOptionError(`${this.driver.label} does not support fencing tokens ("fence")`);
      return this.driver.writeFenced(sessionId, data, fence, signal);
    });
  }

  /** See `SessionStore.raiseFence`; rejects with `InvalidOptionError` on a store without fencing. */
  raiseFence(sessionId: string, token: number, options?: StoreCallOptions): Promise<number> {
    return this.#run(sessionId, 'fencing', options, (signal) => {
      assertFence(token, `${this.driver.label}.raiseFence`);
      if (!this.driver.raiseFence) throw new InvalidOptionError(`${this.driver.label} does not support fencing tokens`);
      return this.driver.raiseFence(sessionId, token, signal);
    });
  }

  load(sessionId: string, options?: LoadOptions): Promise<LoadedSession | null> {
    return this.#run(sessionId, 'loading', options, async (signal) => {
      assertGeneration(options?.generation, `${this.driver.label}.load`);
      assertMaxBytes(options?.maxBytes, `${this.driver.label}.load`);
      const wanted = options?.generation;
      const maxBytes = options?.maxBytes;
      for (let attempt = 0; attempt < MAX_LOAD_ATTEMPTS; attempt++) {
        const listed = await this.driver.list(sessionId, signal);
        const generation = wanted === undefined ? listed[0] : listed.find((g) => g.generation === wanted);
        if (!generation) return null;
        const tooLarge = (bytes: number): StoreError =>
          dataTooLarge(this.driver.label, sessionId, generation.generation, bytes, maxBytes ?? 0);
        if (maxBytes !== undefined && generation.bytes > maxBytes) throw tooLarge(generation.bytes);
        const data = await this.driver.read(sessionId, generation, maxBytes, signal);
        if (data === null) {
          // Pruned between listing and reading: the newest is listed again; a named one is gone.
          if (wanted !== undefined) return null;
          continue;
        }
        if (maxBytes !== undefined && data.length > maxBytes) throw tooLarge(data.length);
        return { sessionId, generation: generation.generation, createdAt: generation.createdAt, bytes: data.length, data };
      }
      throw new StoreError(`${this.driver.label}: session "${sessionId}" kept changing while loading it`);
    });
  }

  list(sessionId: string, options?: StoreCallOptions): Promise<StoredGeneration[]> {
    return this.#run(sessionId, 'listing', options, async (signal) =>
      (await this.driver.list(sessionId, signal)).map(({ sessionId: id, generation, createdAt, bytes }) => ({
        sessionId: id,
        generation,
        createdAt,
        bytes,
      })),
    );
  }

  delete(sessionId: string, options?: StoreCallOptions): Promise<void> {
    return this.#run(sessionId, 'deleting', options, (signal) => this.driver.remove(sessionId, signal));
  }

  /** Releases what the store opened itself (never a connection passed in). Safe to call twice. */
  close(): Promise<void> {
    this.#closing ??= (this.driver.dispose?.() ?? Promise.resolve()).catch(() => undefined);
    return this.#closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** One call: checks, cancellation, the driver's deadline, typed errors. */
  async #run<T>(
    sessionId: string,
    what: string,
    options: StoreCallOptions | undefined,
    task: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    if (this.#closing) throw closedError(this.name);
    assertSessionId(sessionId);
    const label = `${this.driver.label}: ${what} session "${sessionId}"`;
    const signal = options?.signal;
    if (signal?.aborted) throw new AbortError(`${label} was aborted`);
    const timeout = this.driver.callTimeout;
    try {
      if (timeout) {
        return await withDeadline(task, {
          timeoutMs: timeout.ms,
          signal,
          abortMessage: `${label} was aborted`,
          onTimeout: () =>
            new StoreError(`${label} did not finish within ${timeout.option} (${timeout.ms} ms)`, { code: ErrorCode.TIMEOUT }),
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
      throw wrapError(err, `${label} failed`, this.driver.classify);
    }
  }
}
