/**
 * Encryption at rest around any `SessionStore`: every saved generation is an AES-256-GCM envelope
 * (see `util/encryption.ts`) bound to its session id, its generation number and the fencing token
 * it was written under, sealed in 64 KiB chunks (version 3) so it can be saved and loaded as a
 * stream; loads check each chunk before handing out a byte of it, and refuse an envelope stored under
 * another generation than it was written as (a replay); reading is in `encrypted-read.ts`. Set-aside marks are
 * authenticated too, so nobody without a key can set the good newest generation aside to force a
 * rollback. Several keys can read (the current one and retired ones); the first one writes. Keys
 * come from the `keys` option or `WAWEB_ENCRYPTION_KEYS`, never from a command line.
 *
 * What it covers: the blobs in the store and their set-aside marks. Not the live Chromium profile,
 * which Chromium needs in clear (RemoteAuth and LocalAuth keep it in folders only the user can
 * read), and not the deletion of generations: someone who can write to the store can delete the
 * newer ones, which the store alone cannot reveal (RemoteAuth's local stamp can, on a machine that
 * saw them).
 */
import { ErrorCode, InvalidOptionError, StoreError } from '../errors';
import { authenticate, encryptChunkedEnvelope, type EnvelopeBinding } from '../util/encryption';
import { keyRing, type EncryptionKey, type KeyRing } from '../util/encryption-keys';
import { sealChunkedStream, type SealProgress } from '../util/encryption-stream';
import { EncryptedReader, markFields } from './encrypted-read';
import { assertFence, assertIfNewest, KeyedLock } from './internal';
import { keyIdsOf, rekeySession, type RekeyOptions, type RekeyResult } from './rekey';
import { saveStreamTo } from './stream';
import type {
  DeleteOptions,
  GenerationMark,
  LoadOptions,
  LoadedSession,
  LoadedSessionStream,
  SaveOptions,
  SessionSource,
  SessionStore,
  StoreCallOptions,
  StoredGeneration,
} from './types';

/** How often a save is tried again when another process's save took the number it was sealed for. */
const SAVE_ATTEMPTS = 10;
/** Saves of one session id through any EncryptedStore of this process, one after another. */
const saving = new KeyedLock();

export interface EncryptedStoreOptions {
  /** The keys: the first encrypts, all decrypt. @default parsed from `WAWEB_ENCRYPTION_KEYS` */
  keys?: ReadonlyArray<EncryptionKey>;
  /**
   * Generations that are not encrypted (written before encryption was turned on): `'refuse'` them
   * with `DECRYPTION_FAILED`, or `'read'` them as they are (the next save writes an encrypted one).
   * Reading one is reported through `onWarning`.
   * @default 'refuse'
   */
  plaintext?: 'refuse' | 'read';
  /**
   * Version 1 envelopes (written before generations were bound, see docs/upgrading.md): `'upgrade'`
   * reads one only while no generation of its session is version 2 (each read reported through
   * `onWarning`), so once a session has been saved or rekeyed, an old envelope put back cannot be
   * read; `'refuse'` never reads them.
   * @default 'upgrade'
   */
  legacyEnvelopes?: 'upgrade' | 'refuse';
  /**
   * Told of everything accepted that weakens a guarantee: a plaintext or version 1 generation read, a
   * set-aside mark without a valid seal (ignored: the generation is listed as not set aside).
   * @default `process.emitWarning(message, 'WawebWarning')`
   */
  onWarning?: (message: string) => void;
}

export class EncryptedStore implements SessionStore, AsyncDisposable {
  readonly name: string;
  readonly stableGenerations?: boolean;
  readonly fencing: boolean;
  /** The inner store's marks, passed through: marks are metadata and are not encrypted. */
  readonly marks: boolean;
  /** See `SessionStore.mark`; present when the inner store has marks. */
  readonly mark?: SessionStore['mark'];
  /** See `SessionStore.deleteGeneration`; present when the inner store has marks. */
  readonly deleteGeneration?: SessionStore['deleteGeneration'];
  /** See `SessionStore.rewriteGeneration`: the data sealed for that generation; present when the inner store has it. */
  readonly rewriteGeneration?: SessionStore['rewriteGeneration'];
  /** See `SessionStore.listSessions`; the inner store's, passed through. */
  readonly listSessions?: SessionStore['listSessions'];
  readonly #ring: KeyRing;
  readonly #reader: EncryptedReader;

  constructor(
    readonly inner: SessionStore,
    options: EncryptedStoreOptions = {},
  ) {
    this.name = inner.name;
    if (inner.stableGenerations !== undefined) this.stableGenerations = inner.stableGenerations;
    this.fencing = inner.fencing === true;
    this.marks = inner.marks === true && inner.mark !== undefined && inner.deleteGeneration !== undefined;
    if (this.marks) {
      this.mark = async (sessionId, generation, mark, options) => {
        const marked = (await inner.mark?.(sessionId, generation, this.#sealMark(sessionId, generation, mark), options)) ?? null;
        return marked && this.#reader.outer(sessionId, marked);
      };
      this.deleteGeneration = async (sessionId, generation, options) =>
        (await inner.deleteGeneration?.(sessionId, generation, options)) ?? false;
    }
    this.#ring = keyRing(options.keys);
    const rewrite = inner.rewriteGeneration?.bind(inner);
    if (rewrite) {
      this.rewriteGeneration = async (sessionId, generation, data, options) => {
        const binding = { purpose: 'store', sessionId, generation, ...(options?.fence ? { fence: options.fence } : {}) } as const;
        // The inner store refuses what cannot be sealed (not a Buffer, not a generation number).
        const fence = options?.fence;
        const valid =
          Buffer.isBuffer(data) &&
          Number.isSafeInteger(generation) &&
          generation > 0 &&
          (fence === undefined || (Number.isSafeInteger(fence) && fence > 0));
        const sealed = valid ? encryptChunkedEnvelope(this.#ring, data, binding) : data;
        const rewritten = await rewrite(sessionId, generation, sealed, options);
        return rewritten && this.#reader.outer(sessionId, rewritten);
      };
    }
    if (inner.listSessions) this.listSessions = inner.listSessions.bind(inner);
    this.#reader = new EncryptedReader(inner, this.#ring, {
      plaintext: options.plaintext ?? 'refuse',
      legacy: options.legacyEnvelopes ?? 'upgrade',
      stable: this.stableGenerations !== false,
      warn: options.onWarning ?? ((message) => process.emitWarning(message, 'WawebWarning')),
    });
  }

  /** The id of the key new generations are encrypted with. */
  get currentKeyId(): string {
    return this.#ring.current.id;
  }

  /** The inner store's fencing, passed through. */
  raiseFence(sessionId: string, token: number, options?: StoreCallOptions): Promise<number> {
    if (!this.inner.raiseFence) return Promise.reject(new InvalidOptionError(`the ${this.name} store does not support fencing tokens`));
    return this.inner.raiseFence(sessionId, token, options);
  }

  exists(sessionId: string, options?: StoreCallOptions): Promise<boolean> {
    return this.inner.exists(sessionId, options);
  }

  /**
   * Sizes are the data's, as saved and loaded (an envelope's header and tags are not counted).
   * `fence` and `ifNewest` pass through to the inner store.
   *
   * The envelope names the generation it becomes, so the save is sealed for (newest listed + 1) and
   * made conditional on that newest (`ifNewest`); when another save came first it is sealed again
   * for the next number (a few times). With the caller's own `ifNewest`, its refusal is the caller's.
   */
  async save(sessionId: string, data: Buffer, options?: SaveOptions): Promise<StoredGeneration> {
    if (!Buffer.isBuffer(data)) return this.inner.save(sessionId, data, options); // the inner store reports it
    this.#checkSave(options);
    return saving.run(sessionId, () =>
      this.#sealed(sessionId, options, async (binding, inner) => {
        const saved = await this.inner.save(sessionId, encryptChunkedEnvelope(this.#ring, data, binding), inner);
        return { ...saved, bytes: data.length };
      }),
    );
  }

  /**
   * `save` with the data read from `source` a chunk at a time, each chunk sealed and passed on to the
   * inner store as it comes (`saveStreamTo`: streamed where the inner store streams, else gathered
   * there). Sealed for the generation it becomes, as `save`, but a source is read once: when another
   * writer's save takes that number after the source was first read from, it is `GENERATION_CHANGED`
   * instead of sealed again (saves through this process's EncryptedStores wait for each other).
   */
  async saveStream(sessionId: string, source: SessionSource, options?: SaveOptions): Promise<StoredGeneration> {
    this.#checkSave(options);
    let progress: SealProgress = { started: false, bytes: 0 };
    return saving.run(sessionId, () =>
      this.#sealed(
        sessionId,
        options,
        async (binding, inner) => {
          progress = { started: false, bytes: 0 };
          const sealed = sealChunkedStream(this.#ring, source, binding, progress, options?.signal);
          try {
            const saved = await saveStreamTo(this.inner, sessionId, sealed, inner);
            return { ...saved, bytes: progress.bytes };
          } finally {
            await sealed.return(undefined); // ends the source's reading when the inner store stopped early
          }
        },
        () => !progress.started,
      ),
    );
  }

  #checkSave(options: SaveOptions | undefined): void {
    if (options?.ifNewest !== undefined) assertIfNewest(options.ifNewest, `EncryptedStore(${this.name})`);
    if (options?.fence !== undefined) assertFence(options.fence, `EncryptedStore(${this.name})`);
  }

  /** Runs `write` sealed for the generation it becomes (see `save`), again while `retryable`. */
  async #sealed(
    sessionId: string,
    options: SaveOptions | undefined,
    write: (binding: EnvelopeBinding, inner: SaveOptions) => Promise<StoredGeneration>,
    retryable: () => boolean = () => true,
  ): Promise<StoredGeneration> {
    const fence = options?.fence;
    const bound = (generation: number | null): EnvelopeBinding => ({
      purpose: 'store',
      sessionId,
      generation,
      ...(fence ? { fence } : {}),
    });
    if (this.stableGenerations === false) return write(bound(null), options ?? {});
    for (let attempt = 1; ; attempt++) {
      const newest = options?.ifNewest ?? (await this.inner.list(sessionId, options))[0]?.generation ?? 0;
      try {
        return await write(bound(newest + 1), { ...options, ifNewest: newest });
      } catch (err) {
        const retry = options?.ifNewest === undefined && attempt < SAVE_ATTEMPTS && retryable();
        if (!retry || !(err instanceof StoreError) || err.code !== ErrorCode.GENERATION_CHANGED) throw err;
      }
    }
  }

  /** Decrypts and checks the whole generation before returning it (see `encrypted-read.ts`). */
  load(sessionId: string, options?: LoadOptions): Promise<LoadedSession | null> {
    return this.#reader.load(sessionId, options);
  }

  /**
   * The generation as a stream of checked chunks: resolves once its header and first chunk passed
   * their checks (a wrong key, altered data there or a replay rejects, typed as `load` rejects); a
   * later chunk that fails is an error on the stream before any of its bytes, and so is a stream cut
   * short or extended. Generations written whole before (version 2) are checked whole first.
   */
  loadStream(sessionId: string, options?: LoadOptions): Promise<LoadedSessionStream | null> {
    return this.#reader.loadStream(sessionId, options);
  }

  async list(sessionId: string, options?: StoreCallOptions): Promise<StoredGeneration[]> {
    const listed = await this.inner.list(sessionId, options);
    return listed.map((g) => this.#reader.outer(sessionId, g));
  }

  /** A set-aside mark with its seal appended to the detail; other marks as they are. */
  #sealMark(sessionId: string, generation: number, mark: GenerationMark): GenerationMark {
    if (!('setAside' in mark) || mark.setAside === null || typeof mark.setAside !== 'object') return mark;
    const { reason, detail } = mark.setAside;
    if (typeof detail !== 'string') return mark; // the inner store refuses it
    const tag = authenticate(this.#ring, 'set-aside', markFields(sessionId, generation, reason, detail));
    return { setAside: { reason, detail: `${detail} [waweb-seal ${tag}]` } };
  }

  /** `fence` passes through to the inner store (refused there when it has no fencing). */
  delete(sessionId: string, options?: DeleteOptions): Promise<void> {
    return this.inner.delete(sessionId, options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * The key each kept generation of `sessionId` is encrypted with (`null`: not encrypted) and whether
   * this store's keys include it, newest first. Reads every generation; for `waweb session list`.
   */
  keyIds(sessionId: string, options?: StoreCallOptions): Promise<Array<{ generation: number; keyId: string | null; inRing: boolean }>> {
    return keyIdsOf(this.inner, this.#ring, sessionId, options);
  }

  /**
   * Re-encrypts every kept generation of `sessionId` under the current key, in place, set-aside ones
   * included, and seals their marks again (see `stores/rekey.ts`); `null` when the session is absent.
   * Each rewrite is a compare-and-swap on its generation and carries `options.fence`; what a live
   * owner saves meanwhile is rewritten too, and an owner that keeps saving stops it with
   * `GENERATION_CHANGED`. A store that cannot rewrite in place: `CANNOT_REWRITE`, unless `prune`.
   */
  rekey(sessionId: string, options?: RekeyOptions): Promise<RekeyResult | null> {
    return rekeySession(this, this.#ring, sessionId, options);
  }
}

/**
 * `new EncryptedStore(store, options)`.
 * @deprecated use `new EncryptedStore(store, options)`; this alias goes in the next release.
 */
export function encryptStore(store: SessionStore, options?: EncryptedStoreOptions): EncryptedStore {
  return new EncryptedStore(store, options);
}
