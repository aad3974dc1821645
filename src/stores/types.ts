/**
 * The contract every waweb session store implements: opaque bytes under a session id,
 * kept as numbered generations so a bad backup never replaces the last good one.
 */
import type { Readable } from 'node:stream';

/** One stored copy of a session. */
export interface StoredGeneration {
  sessionId: string;
  /** Increases by one with every save of this session id (1 for the first). */
  generation: number;
  createdAt: Date;
  /**
   * Size of the stored data in bytes. From `list()`, `0` can also mean "not known without
   * downloading" for stores that say so (`WwebjsStoreAdapter`); `save()` and `load()` always give the size.
   */
  bytes: number;
  /**
   * Set aside: RemoteAuth could not log in with it (or a user set it aside). It stays stored and
   * listed, is never restored automatically, and does not count toward the store's `keep`. Only
   * stores with `marks` set it. The store itself still hands it out: `load()` without `generation`
   * returns the newest generation, set aside or not, so a caller that restores picks from `list()`.
   */
  setAside?: SetAsideMark;
  /** When a restore of this generation last logged in (a verified backup). Only stores with `marks` set it. */
  loggedInAt?: Date;
}

/** Why a generation was set aside. */
export type SetAsideReason =
  /** The restored session landed on a QR although the backup held session data. */
  | 'QR'
  /** The page refused the restored login (unlinked, revoked, or data the app could not use). */
  | 'REJECTED'
  /** The restored session missed its login deadline twice, the second time with double the deadline. */
  | 'LOGIN_TIMEOUT'
  /** Set aside by hand (`waweb session set-aside`, `store.mark()`). */
  | 'MANUAL';

export interface SetAsideMark {
  reason: SetAsideReason;
  /** What happened, for people. */
  detail: string;
  at: Date;
}

/**
 * A mark on one generation: set aside (with why), released (restorable again), or logged in (a
 * restore of it reached the login). Each touches only its own field: logging in does not release a
 * set-aside generation, and releasing keeps `loggedInAt`. The time recorded is the store's (a
 * database server's clock for PostgresStore).
 */
export type GenerationMark =
  | { readonly setAside: { readonly reason: SetAsideReason; readonly detail: string } }
  | { readonly setAside: null }
  | { readonly loggedIn: true };

/** A generation together with its data. */
export interface LoadedSession extends StoredGeneration {
  data: Buffer;
}

/** A generation together with its data as a stream of chunks, read once. */
export interface LoadedSessionStream extends StoredGeneration {
  /**
   * The generation's bytes (`bytes` of them). Read it to the end or destroy it: a store may hold a
   * connection or a file open until then. An error while reading (the backend went away, the data
   * does not match what was stored) is emitted on the stream.
   */
  stream: Readable;
}

/** What a streaming save reads: chunks of the session's bytes, in order. A `Readable` is one. */
export type SessionSource = AsyncIterable<Uint8Array>;

/** What every store call may take. */
export interface StoreCallOptions {
  /**
   * Ends the call: it rejects with an `AbortError` (`ABORTED`) once the signal fires, and the store
   * stops the work where its backend allows. A store that ignores it is still correct; RemoteAuth
   * stops waiting for it either way.
   */
  signal?: AbortSignal;
}

export interface SaveOptions extends StoreCallOptions {
  /**
   * A fencing token (a lease's, growing with every new owner). The store refuses the save with a
   * `LeaseError` code `FENCED` when it has seen a larger token for this session, and otherwise
   * remembers this one, in the same atomic step as the write. Only stores with `fencing: true`
   * take it; others reject it with `InvalidOptionError`.
   */
  fence?: number;
  /**
   * Compare-and-swap on the newest generation: the save happens only while the session's newest
   * generation is still this one (`0`: while it has none), checked in the same atomic step as the
   * write where the store can (PostgresStore, MongoStore, FileStore); otherwise it is refused with
   * `StoreError` code `GENERATION_CHANGED` and nothing is written. For writers that read, transform
   * and write back (`rekey`, `import --force`) next to a live owner.
   */
  ifNewest?: number;
}

/** What `delete()` takes. */
export interface DeleteOptions extends StoreCallOptions {
  /**
   * A fencing token, as for `save()`: the delete is refused with `LeaseError` code `FENCED` when a
   * larger token was seen for the session. Only stores with `fencing: true` take it.
   */
  fence?: number;
}

/** What `rewriteGeneration()` takes. */
export interface RewriteOptions extends StoreCallOptions {
  /**
   * A fencing token, as for `save()`: refused with `LeaseError` code `FENCED` when a larger token was
   * seen for the session, checked in the same atomic step as the rewrite. Only stores with `fencing`.
   */
  fence?: number;
  /**
   * Compare-and-swap on the generation itself: rewrite only while the generation of that number is
   * still the one created at this time (its `createdAt` as listed or loaded), so data read from it is
   * never written over another generation that reused the number. Otherwise resolves with `null`.
   */
  createdAt?: Date;
}

export interface LoadOptions extends StoreCallOptions {
  /** Load this generation instead of the newest one. `null` when it is not (or no longer) kept. */
  generation?: number;
  /**
   * Refuse a stored copy larger than this many bytes with `StoreError` code `DATA_TOO_LARGE`,
   * checked before it is read whole. @default no limit
   */
  maxBytes?: number;
}

export interface SessionStore {
  /** Short backend name, e.g. `file`, `mongo`, `postgres`. */
  readonly name: string;
  /**
   * Optional capability, `true` when absent. `true`: a generation's number together with its
   * `createdAt` names one stored backup for as long as it is kept, whichever store object or
   * process lists it, so RemoteAuth may keep a local profile stamped with them instead of
   * downloading it again. `false`: the numbers are only this object's guesses (whatsapp-web.js-style
   * stores behind `WwebjsStoreAdapter`), and RemoteAuth restores the newest backup on every start.
   * Decorators should pass it through.
   */
  readonly stableGenerations?: boolean;
  /**
   * Optional capability: `true` when `save()` takes `fence` and `raiseFence()` exists
   * (PostgresStore, MongoStore, and EncryptedStore around either).
   */
  readonly fencing?: boolean;
  /**
   * Remembers `token` as the least fencing token a save of `sessionId` may carry from now on, so a
   * previous owner's save is refused even before the new owner saved once. Resolves with the token
   * in force (the larger of the stored one and `token`). Present when `fencing` is `true`.
   */
  raiseFence?(sessionId: string, token: number, options?: StoreCallOptions): Promise<number>;
  /**
   * Optional capability: `true` when `mark()` and `deleteGeneration()` exist (FileStore,
   * PostgresStore, MongoStore, and EncryptedStore or `withFence` around any of them). With it, pruning
   * keeps the `keep` newest generations that are not set aside, the newest generation marked logged in
   * however old, and at most `keep` newest set-aside ones besides; everything else goes. Absent or
   * `false`: `mark` and `deleteGeneration` are absent too (test `if (store.marks && store.mark)`).
   */
  readonly marks?: boolean;
  /**
   * Marks one generation (present when `marks` is `true`). Resolves with the generation as it is now
   * listed, or `null` when it is not (or no longer) kept. A generation that is not a positive integer
   * or a mark of another shape (an unknown reason, a detail that is not a string) is `InvalidOptionError`.
   */
  mark?(sessionId: string, generation: number, mark: GenerationMark, options?: StoreCallOptions): Promise<StoredGeneration | null>;
  /** Removes one generation (present when `marks` is `true`); `false` when it was not kept. */
  deleteGeneration?(sessionId: string, generation: number, options?: StoreCallOptions): Promise<boolean>;
  /**
   * Optional capability: replaces the data of one kept generation in place (FileStore, PostgresStore,
   * MongoStore, and EncryptedStore or `withFence` around any of them): the same number, `createdAt`
   * and marks, only its bytes change, atomically (a reader sees the old data or the new, never a
   * missing or half generation). Never adds, revives or reorders a generation: resolves with the
   * generation as now listed, or `null` when it is not (or no longer) kept, or is not the one
   * `options.createdAt` names. For `rekey`, which re-encrypts every kept generation.
   */
  rewriteGeneration?(sessionId: string, generation: number, data: Buffer, options?: RewriteOptions): Promise<StoredGeneration | null>;
  /**
   * Optional capability: the ids of the sessions with at least one generation stored, sorted
   * (FileStore, PostgresStore, MongoStore, and the decorators around them). For `rekey --all`.
   */
  listSessions?(options?: StoreCallOptions): Promise<string[]>;
  /** True when at least one generation of `sessionId` is stored. */
  exists(sessionId: string, options?: StoreCallOptions): Promise<boolean>;
  /**
   * Stores `data` as a new generation (previous highest + 1). The new generation is written
   * completely before older ones beyond the store's `keep` are pruned.
   */
  save(sessionId: string, data: Buffer, options?: SaveOptions): Promise<StoredGeneration>;
  /** The newest generation, or the one asked for; `null` when there is none. */
  load(sessionId: string, options?: LoadOptions): Promise<LoadedSession | null>;
  /**
   * Optional capability, streaming (every store made by `createStore`, and the decorators around
   * them): `save` with the data read from `source` a chunk at a time, never held whole. Same
   * generations, options and errors as `save`; a source that fails or an abort writes no generation.
   * Callers use `saveStreamTo(store, ...)`, which falls back to `save` for stores without it.
   */
  saveStream?(sessionId: string, source: SessionSource, options?: SaveOptions): Promise<StoredGeneration>;
  /**
   * Optional capability, streaming: `load` with the data as a stream (`LoadedSessionStream.stream`),
   * resolved once the generation is chosen and before its bytes are read. Same choice of generation,
   * options and errors as `load` (`maxBytes` is checked against the stored size before streaming).
   * Callers use `loadStreamFrom(store, ...)`, which falls back to `load`.
   */
  loadStream?(sessionId: string, options?: LoadOptions): Promise<LoadedSessionStream | null>;
  /** Stored generations, newest first; empty when the session is absent. */
  list(sessionId: string, options?: StoreCallOptions): Promise<StoredGeneration[]>;
  /**
   * Removes every generation. Deleting an absent session is not an error. With `fence` (stores with
   * `fencing`), refused with `LeaseError` code `FENCED` once a newer owner's token was seen.
   */
  delete(sessionId: string, options?: DeleteOptions): Promise<void>;
  /**
   * Releases what the store opened itself (never a connection the caller passed in). Safe to call
   * twice. Afterwards every other method rejects with a `StoreError`.
   */
  close(): Promise<void>;
}
