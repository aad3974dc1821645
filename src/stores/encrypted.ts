/**
 * Encryption at rest around any `SessionStore`: every saved generation is an AES-256-GCM envelope
 * (see `util/encryption.ts`) bound to its session id, its generation number and the fencing token
 * it was written under; loads decrypt and check it whole before returning a byte, and refuse an
 * envelope stored under another generation than it was written as (a replay). Set-aside marks are
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
import { EncryptionError, ErrorCode, InvalidOptionError, StoreError } from '../errors';
import {
  authenticate,
  decryptEnvelope,
  ENVELOPE_OVERHEAD,
  encryptEnvelope,
  envelopeInfo,
  peekEnvelope,
  isEnvelope,
  verifyAuthentication,
  type EnvelopeBinding,
} from '../util/encryption';
import { keyRing, type EncryptionKey, type KeyRing } from '../util/encryption-keys';
import { assertFence, assertIfNewest, dataTooLarge, KeyedLock } from './internal';
import { keyIdsOf, rekeySession, type RekeyOptions, type RekeyResult } from './rekey';
import type {
  DeleteOptions,
  GenerationMark,
  LoadOptions,
  LoadedSession,
  SaveOptions,
  SessionStore,
  StoreCallOptions,
  StoredGeneration,
} from './types';

/** How often a save is tried again when another process's save took the number it was sealed for. */
const SAVE_ATTEMPTS = 10;
/** Saves of one session id through any EncryptedStore of this process, one after another. */
const saving = new KeyedLock();
/** Appended to a set-aside mark's detail: its authentication tag. */
const SEAL = / \[waweb-seal ([A-Za-z0-9_.-]{1,64}:[A-Za-z0-9_-]+)\]$/;

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
  readonly #plaintext: 'refuse' | 'read';
  readonly #legacy: 'upgrade' | 'refuse';
  readonly #warn: (message: string) => void;

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
        return marked && this.#outer(sessionId, marked);
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
        const sealed = valid ? encryptEnvelope(this.#ring, data, binding) : data;
        const rewritten = await rewrite(sessionId, generation, sealed, options);
        return rewritten && this.#outer(sessionId, rewritten);
      };
    }
    if (inner.listSessions) this.listSessions = inner.listSessions.bind(inner);
    this.#plaintext = options.plaintext ?? 'refuse';
    this.#legacy = options.legacyEnvelopes ?? 'upgrade';
    this.#warn = options.onWarning ?? ((message) => process.emitWarning(message, 'WawebWarning'));
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
   * Sizes are the data's, as saved and loaded: an envelope's `ENVELOPE_OVERHEAD` is not counted.
   * `fence` and `ifNewest` pass through to the inner store.
   *
   * The envelope names the generation it becomes, so the save is sealed for (newest listed + 1) and
   * made conditional on that newest (`ifNewest`); when another save came first it is sealed again
   * for the next number (a few times). With the caller's own `ifNewest`, its refusal is the caller's.
   */
  async save(sessionId: string, data: Buffer, options?: SaveOptions): Promise<StoredGeneration> {
    if (!Buffer.isBuffer(data)) return this.inner.save(sessionId, data, options); // the inner store reports it
    if (options?.ifNewest !== undefined) assertIfNewest(options.ifNewest, `EncryptedStore(${this.name})`);
    if (options?.fence !== undefined) assertFence(options.fence, `EncryptedStore(${this.name})`);
    return saving.run(sessionId, () => this.#save(sessionId, data, options));
  }

  async #save(sessionId: string, data: Buffer, options: SaveOptions | undefined): Promise<StoredGeneration> {
    const fence = options?.fence;
    if (this.stableGenerations === false) {
      const sealed = encryptEnvelope(this.#ring, data, { purpose: 'store', sessionId, generation: null, ...(fence ? { fence } : {}) });
      return { ...(await this.inner.save(sessionId, sealed, options)), bytes: data.length };
    }
    for (let attempt = 1; ; attempt++) {
      const newest = options?.ifNewest ?? (await this.inner.list(sessionId, options))[0]?.generation ?? 0;
      const binding: EnvelopeBinding = { purpose: 'store', sessionId, generation: newest + 1, ...(fence ? { fence } : {}) };
      try {
        const saved = await this.inner.save(sessionId, encryptEnvelope(this.#ring, data, binding), { ...options, ifNewest: newest });
        return { ...saved, bytes: data.length };
      } catch (err) {
        const retry = options?.ifNewest === undefined && attempt < SAVE_ATTEMPTS;
        if (!retry || !(err instanceof StoreError) || err.code !== ErrorCode.GENERATION_CHANGED) throw err;
      }
    }
  }

  async load(sessionId: string, options: LoadOptions = {}): Promise<LoadedSession | null> {
    const { maxBytes } = options;
    const inner = maxBytes === undefined ? options : { ...options, maxBytes: maxBytes + ENVELOPE_OVERHEAD };
    const loaded = await this.inner.load(sessionId, inner);
    if (!loaded) return null;
    const what = `generation ${loaded.generation} of ${sessionId}`;
    if (!isEnvelope(loaded.data)) {
      if (this.#plaintext !== 'read') {
        throw new EncryptionError(ErrorCode.DECRYPTION_FAILED, `${what} is not encrypted (plaintext: 'read' accepts such generations)`);
      }
      this.#warn(`${what} is not encrypted: read as it is (plaintext: 'read'); nothing vouches for its integrity`);
      return { ...this.#outer(sessionId, loaded), data: loaded.data, bytes: loaded.data.length };
    }
    const data = await this.#open(sessionId, loaded, what, options);
    if (maxBytes !== undefined && data.length > maxBytes)
      throw dataTooLarge('EncryptedStore', sessionId, loaded.generation, data.length, maxBytes);
    return { ...this.#outer(sessionId, loaded), data, bytes: data.length };
  }

  /**
   * Decrypts a loaded envelope under the binding its place in the store gives it. A store may skip
   * numbers (MongoStore after an interrupted save), so an envelope sealed for N and stored as M > N
   * is accepted when no kept generation lies in [N, M): a copy of N put back on top is not.
   */
  async #open(sessionId: string, loaded: LoadedSession, what: string, options: StoreCallOptions): Promise<Buffer> {
    const info = envelopeInfo(loaded.data, what);
    const stable = this.stableGenerations !== false;
    if (info?.version === 1) {
      await this.#allowLegacy(sessionId, loaded.generation, what, options);
      const binding: EnvelopeBinding = { purpose: 'store', sessionId, generation: null };
      const data = decryptEnvelope(this.#ring, loaded.data, binding, what, { legacy: true });
      this.#warn(`${what} is a version 1 envelope (no generation bound): read during the upgrade; save or rekey the session`);
      return data;
    }
    let generation: number | null = stable ? loaded.generation : null;
    const written = info?.generation ?? 0;
    if (generation !== null && written > 0 && written < generation) {
      const listed = await this.inner.list(sessionId, options);
      const between = listed.find((g) => g.generation >= written && g.generation < loaded.generation);
      if (between) {
        throw new EncryptionError(
          ErrorCode.DECRYPTION_FAILED,
          `${what} was written as generation ${written} while generation ${between.generation} is kept: a copy of an older generation (a replay), refused`,
        );
      }
      generation = written;
    }
    return decryptEnvelope(this.#ring, loaded.data, { purpose: 'store', sessionId, generation }, what);
  }

  /** A version 1 envelope is read only during the upgrade: while no kept generation is version 2. */
  async #allowLegacy(sessionId: string, generation: number, what: string, options: StoreCallOptions): Promise<void> {
    const refuse = (why: string): never => {
      throw new EncryptionError(ErrorCode.DECRYPTION_FAILED, `${what} is a version 1 envelope, which binds no generation; ${why}`);
    };
    if (this.#legacy === 'refuse') refuse(`legacyEnvelopes: 'refuse'`);
    for (const g of await this.inner.list(sessionId, options)) {
      if (g.generation === generation) continue;
      const other = await this.inner.load(sessionId, { ...options, generation: g.generation });
      if (other && peekEnvelope(other.data)?.version === 2) {
        refuse(`generation ${g.generation} is version 2, so this one cannot be newer than the upgrade: refused as a possible replay`);
      }
    }
  }

  async list(sessionId: string, options?: StoreCallOptions): Promise<StoredGeneration[]> {
    const listed = await this.inner.list(sessionId, options);
    return listed.map((g) => this.#outer(sessionId, g));
  }

  /**
   * A generation of the inner store as this one lists it: the size without the envelope, and a
   * set-aside mark only when its seal holds (its detail shown without the seal).
   */
  #outer(sessionId: string, g: StoredGeneration): StoredGeneration {
    const out: StoredGeneration = { ...g, bytes: Math.max(0, g.bytes - ENVELOPE_OVERHEAD) };
    if (!g.setAside) return out;
    const seal = SEAL.exec(g.setAside.detail);
    const detail = seal ? g.setAside.detail.slice(0, seal.index) : g.setAside.detail;
    const fields = markFields(sessionId, g.generation, g.setAside.reason, detail);
    if (seal?.[1] !== undefined && verifyAuthentication(this.#ring, 'set-aside', fields, seal[1])) {
      out.setAside = { ...g.setAside, detail };
      return out;
    }
    delete out.setAside;
    this.#warn(`generation ${g.generation} of ${sessionId} is marked set aside without a valid seal: the mark is ignored`);
    return out;
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

/** What a set-aside mark's seal covers: a mark moved to another generation or session fails. */
function markFields(sessionId: string, generation: number, reason: string, detail: string): string[] {
  return [sessionId, String(generation), reason, detail];
}

/**
 * `new EncryptedStore(store, options)`.
 * @deprecated use `new EncryptedStore(store, options)`; this alias goes in the next release.
 */
export function encryptStore(store: SessionStore, options?: EncryptedStoreOptions): EncryptedStore {
  return new EncryptedStore(store, options);
}
