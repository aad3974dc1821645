/**
 * The driver contract: a backend's raw operations, and nothing else. `createStore(driver)` puts the
 * one front every store has around it (see `front.ts`), so a driver never checks ids, a closed
 * store, buffers, generation numbers, `maxBytes` against listed sizes, signals already fired or
 * deadlines, and never wraps its errors: the front does, for every driver the same way.
 *
 * Shaped to grow: every operation takes one context object (new fields are added there) and every
 * capability beyond the five required operations is an optional member with a fallback in the
 * front, so a later optional capability (streaming reads and writes) leaves drivers written today
 * correct.
 */
import type { Readable } from 'node:stream';
import { InvalidOptionError } from '../errors';
import type { GenerationMark, StoredGeneration } from './types';

/**
 * A generation as the driver lists it: what `list()` of the store returns, plus an optional
 * `handle` the front passes back to `read()` unchanged (a file id, a path, a row key).
 */
export interface DriverGeneration<Handle = unknown> extends StoredGeneration {
  handle?: Handle;
}

/** What every driver operation gets. */
export interface DriverCallContext {
  /**
   * Fires when the caller aborts or the store's `callTimeout` passes. The front stops waiting at
   * that moment either way; a driver that passes it to its backend also stops the work.
   */
  readonly signal: AbortSignal;
}

/** What `read()` gets. */
export interface DriverReadContext extends DriverCallContext {
  /**
   * The caller's `maxBytes`. The front has already refused a listed generation larger than this and
   * checks the returned data again; a driver that learns the real size before reading everything
   * may refuse earlier (`StoreError` code `DATA_TOO_LARGE`).
   */
  readonly maxBytes?: number;
}

/** What `write()` gets. */
export interface DriverWriteContext extends DriverCallContext {
  /**
   * A fencing token, only ever set for a driver with `raiseFence()` (the front refuses `fence`
   * otherwise). The write checks it against the largest token seen for the session and remembers
   * it, in the same atomic step as the write; a smaller one is refused with `LeaseError` code
   * `FENCED`. A positive safe integer.
   */
  readonly fence?: number;
  /**
   * Compare-and-swap (see `SaveOptions.ifNewest`), only ever set for a driver with
   * `conditionalWrites: true` (the front checks it itself otherwise, not atomically): write only
   * while the newest generation is this one (`0`: none), in the same atomic step as the write;
   * otherwise throw `StoreError` code `GENERATION_CHANGED` having written nothing.
   */
  readonly ifNewest?: number;
}

/** What `rewrite()` gets. */
export interface DriverRewriteContext extends DriverCallContext {
  /** A fencing token, as for `write()`: checked and remembered in the same atomic step as the rewrite. */
  readonly fence?: number;
}

/** What `remove()` gets. */
export interface DriverRemoveContext extends DriverCallContext {
  /**
   * A fencing token, only ever set for a driver with `raiseFence()`: refuse the removal with
   * `LeaseError` code `FENCED` when a larger token was seen, in the same atomic step as the removal.
   */
  readonly fence?: number;
}

/**
 * A backend's raw operations, turned into a `SessionStore` by `createStore(driver)`.
 *
 * Every call receives a valid session id (1..128 letters, digits, `_`, `-`) on an open store.
 * Errors: throw whatever the backend throws; the front turns it into a `StoreError` (code
 * `STORE_FAILED`, or `STORE_UNREACHABLE` where `isUnreachable` says so) with the original as
 * `cause`. waweb's own errors (`StoreError`, `LeaseError` code `FENCED`, ...) pass through as thrown.
 *
 * The contract grows by optional members only (streaming `readStream`/`writeStream`, which the
 * front falls back from to `read`/`write`), so a driver written against it stays correct.
 */
export interface StoreDriver<Handle = unknown> {
  /** Short backend name (`file`, `mongo`, `memory`): the store's `name`. */
  readonly name: string;
  /** What messages call the store (`FileStore`). @default `name` */
  readonly label?: string;
  /** Generations of `sessionId`, newest first; empty when it has none. */
  list(sessionId: string, context: DriverCallContext): Promise<Array<DriverGeneration<Handle>>>;
  /** The data of one generation `list()` returned; `null` when it is gone (pruned meanwhile). */
  read(sessionId: string, generation: DriverGeneration<Handle>, context: DriverReadContext): Promise<Buffer | null>;
  /**
   * Stores `data` as generation (highest + 1), completely, then removes generations beyond the
   * driver's own `keep`. Concurrent writes of one id must end with distinct numbers and one
   * complete newest generation. Resolves with the new generation (`bytes` = `data.length`).
   */
  write(sessionId: string, data: Buffer, context: DriverWriteContext): Promise<StoredGeneration>;
  /** Removes every generation; an absent session is fine. */
  remove(sessionId: string, context: DriverRemoveContext): Promise<void>;
  /**
   * Optional capability, streaming writes: `write()` with the data read from `source` a chunk at a
   * time (the store's `saveStream`). Same numbering, `fence`, `ifNewest` and pruning as `write()`.
   * When `source` throws or `context.signal` fires before the generation is complete, the write
   * rejects and leaves no generation and nothing a later `list()` or `read()` shows (temp data is
   * removed, or never visible). Resolves with the new generation (`bytes` = the bytes read).
   * Without it, the front gathers the source into one Buffer for `write()`.
   */
  writeStream?(sessionId: string, source: AsyncIterable<Buffer>, context: DriverWriteContext): Promise<StoredGeneration>;
  /**
   * Optional capability, streaming reads: the data of one generation `list()` returned as a stream
   * of chunks (the store's `loadStream`), `null` when it is gone or changed since it was listed (the
   * front lists again). Resolve once it is open; read errors are emitted on the stream, which must
   * give exactly the listed `bytes`. The front destroys it when the reader stops early, the caller's
   * signal fires or no chunk comes within `callTimeout`. Without it, the front hands out `read()`'s
   * Buffer in slices.
   */
  readStream?(sessionId: string, generation: DriverGeneration<Handle>, context: DriverReadContext): Promise<Readable | null>;
  /**
   * Optional capability, reading in place: the local file that holds a generation as it is stored,
   * whose size is its `bytes` and whose modification time its `createdAt` for as long as it holds
   * that generation. A reader that needs random access (a zip's central directory is at its end)
   * opens it while the `readStream` of that generation is still open, checks both, and then needs no
   * copy. Only a driver whose files are never changed in place may have it.
   */
  localFile?(sessionId: string, generation: DriverGeneration<Handle>): string;
  /**
   * Optional: `true` when `write()` honours `context.ifNewest` in the same atomic step as the write.
   * @default false: the front checks `ifNewest` against a listing before `write()` (not atomic)
   */
  readonly conditionalWrites?: boolean;

  /** Optional: a cheaper answer than `list()`. @default `list()` is not empty */
  exists?(sessionId: string, context: DriverCallContext): Promise<boolean>;
  /**
   * Optional capability, fencing: remembers `token` as the least a fenced `write()` may carry and
   * resolves with the token in force. Present means `write()` honours `context.fence`; the store
   * then says `fencing: true`.
   */
  raiseFence?(sessionId: string, token: number, context: DriverCallContext): Promise<number>;
  /**
   * Optional capability, marks: records `mark` on one generation `list()` returned (its `setAside`
   * and `loggedInAt` appear in later listings) and resolves with it as now listed, or `null` when it
   * is gone. Present means `removeGeneration()` is present too, and `write()` prunes as
   * `SessionStore.marks` says (`generationsToPrune`); the store then says `marks: true`.
   */
  mark?(
    sessionId: string,
    generation: DriverGeneration<Handle>,
    mark: GenerationMark,
    context: DriverCallContext,
  ): Promise<StoredGeneration | null>;
  /** Optional (with `mark`): removes one generation `list()` returned; `false` when it was already gone. */
  removeGeneration?(sessionId: string, generation: DriverGeneration<Handle>, context: DriverCallContext): Promise<boolean>;
  /**
   * Optional capability, rewrites: replaces the data of one generation `list()` returned, in place
   * (same number, `createdAt` and marks), atomically for readers, and only while it is still that
   * stored generation (not pruned, not deleted and written again under the same number); resolves
   * with it as now listed, or `null` when it is gone. With `context.fence` (drivers with
   * `raiseFence()`), refused with `LeaseError` code `FENCED` as `write()` is. The store then has
   * `rewriteGeneration()`.
   */
  rewrite?(
    sessionId: string,
    generation: DriverGeneration<Handle>,
    data: Buffer,
    context: DriverRewriteContext,
  ): Promise<StoredGeneration | null>;
  /**
   * Optional capability: the ids of the sessions with a generation stored (any order; the front
   * drops what is not a valid session id and sorts). The store then has `listSessions()`.
   */
  sessions?(context: DriverCallContext): Promise<string[]>;
  /** Optional: releases what the driver opened itself. Called once, by the store's first `close()`. */
  dispose?(): Promise<void>;
  /** Optional: which thrown errors mean "cannot reach the backend". @default none of them */
  isUnreachable?(err: unknown): boolean;
  /**
   * Optional: bounds every call; past it the call rejects with `StoreError` code `TIMEOUT` whose
   * message names `option` (the driver's own option name). Streaming calls are bounded by
   * inactivity instead: a `saveStream` fails when no chunk moves (and then the commit does not
   * finish) within `ms`, a `loadStream` must open within `ms` and its stream fails when the driver
   * gives no chunk within `ms` of being asked; a transfer of any size that keeps moving is never cut.
   * @default no deadline
   */
  readonly callTimeout?: { readonly ms: number; readonly option?: string };
  /** See `SessionStore.stableGenerations`. @default true */
  readonly stableGenerations?: boolean;
}

const REQUIRED = ['list', 'read', 'write', 'remove'] as const;
const OPTIONAL = [
  'exists',
  'raiseFence',
  'mark',
  'removeGeneration',
  'rewrite',
  'sessions',
  'dispose',
  'isUnreachable',
  'writeStream',
  'readStream',
] as const;

/** Throws `InvalidOptionError` unless `driver` has the shape of a `StoreDriver`. */
export function assertStoreDriver(driver: unknown, owner: string): asserts driver is StoreDriver<unknown> {
  if (typeof driver !== 'object' || driver === null) throw new InvalidOptionError(`${owner}: the driver must be an object`);
  const d = driver as Record<string, unknown>;
  if (typeof d.name !== 'string' || d.name.length === 0) throw new InvalidOptionError(`${owner}: the driver needs a "name"`);
  const what = `${owner}: driver "${d.name}"`;
  for (const method of REQUIRED) {
    if (typeof d[method] !== 'function') throw new InvalidOptionError(`${what} has no ${method}() method`);
  }
  for (const method of OPTIONAL) {
    if (d[method] !== undefined && typeof d[method] !== 'function') throw new InvalidOptionError(`${what}: "${method}" must be a function`);
  }
  if ((d.mark === undefined) !== (d.removeGeneration === undefined)) {
    throw new InvalidOptionError(`${what}: "mark" and "removeGeneration" come together (the marks capability)`);
  }
  if (d.label !== undefined && (typeof d.label !== 'string' || d.label.length === 0)) {
    throw new InvalidOptionError(`${what}: "label" must be a non-empty string`);
  }
  if (d.conditionalWrites !== undefined && typeof d.conditionalWrites !== 'boolean') {
    throw new InvalidOptionError(`${what}: "conditionalWrites" must be a boolean`);
  }
  if (d.stableGenerations !== undefined && typeof d.stableGenerations !== 'boolean') {
    throw new InvalidOptionError(`${what}: "stableGenerations" must be a boolean`);
  }
  if (d.callTimeout !== undefined) {
    const { ms, option } = (typeof d.callTimeout === 'object' && d.callTimeout !== null ? d.callTimeout : {}) as Record<string, unknown>;
    if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 1) {
      throw new InvalidOptionError(`${what}: "callTimeout.ms" must be a positive integer (milliseconds)`);
    }
    if (option !== undefined && typeof option !== 'string') throw new InvalidOptionError(`${what}: "callTimeout.option" must be a string`);
  }
}

/**
 * Types and checks a driver object and returns it unchanged (as unstorage's `defineDriver`): a
 * missing `name` or required operation, or a member of the wrong kind, throws `InvalidOptionError`
 * here rather than on the first call. `createStore(driver)` checks the same.
 *
 * @example
 *   const driver = defineStoreDriver({ name: 'memory', list, read, write, remove });
 *   const store = createStore(driver);
 */
export function defineStoreDriver<Handle = unknown>(driver: StoreDriver<Handle>): StoreDriver<Handle> {
  assertStoreDriver(driver, 'defineStoreDriver');
  return driver;
}
