/**
 * Encryption at rest around any `SessionStore`: every saved generation is an AES-256-GCM envelope
 * (see `util/encryption.ts`) bound to its session id; loads decrypt and check it whole before
 * returning a byte. Several keys can read (the current one and retired ones); the first one writes.
 * Keys come from the `keys` option or `WAWEB_ENCRYPTION_KEYS`, never from a command line.
 *
 * What it covers: the blobs in the store. Not the live Chromium profile, which Chromium needs in
 * clear (RemoteAuth and LocalAuth keep it in folders only the user can read).
 */
import { EncryptionError, ErrorCode, InvalidOptionError } from '../errors';
import {
  decryptEnvelope,
  ENVELOPE_OVERHEAD,
  encryptEnvelope,
  envelopeKeyId,
  isEnvelope,
  keyRing,
  type EncryptionKey,
  type KeyRing,
} from '../util/encryption';
import { dataTooLarge } from './internal';
import type { DeleteOptions, LoadOptions, LoadedSession, SaveOptions, SessionStore, StoreCallOptions, StoredGeneration } from './types';

export interface EncryptedStoreOptions {
  /** The keys: the first encrypts, all decrypt. @default parsed from `WAWEB_ENCRYPTION_KEYS` */
  keys?: ReadonlyArray<EncryptionKey>;
  /**
   * Generations that are not encrypted (written before encryption was turned on): `'refuse'` them
   * with `DECRYPTION_FAILED`, or `'read'` them as they are (the next save writes an encrypted one).
   * @default 'refuse'
   */
  plaintext?: 'refuse' | 'read';
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
  readonly #ring: KeyRing;
  readonly #plaintext: 'refuse' | 'read';

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
        const marked = (await inner.mark?.(sessionId, generation, mark, options)) ?? null;
        return marked && this.#outer(marked);
      };
      this.deleteGeneration = async (sessionId, generation, options) =>
        (await inner.deleteGeneration?.(sessionId, generation, options)) ?? false;
    }
    this.#ring = keyRing(options.keys);
    this.#plaintext = options.plaintext ?? 'refuse';
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
   */
  async save(sessionId: string, data: Buffer, options?: SaveOptions): Promise<StoredGeneration> {
    if (!Buffer.isBuffer(data)) return this.inner.save(sessionId, data, options); // the inner store reports it
    const saved = await this.inner.save(sessionId, encryptEnvelope(this.#ring, data, sessionId), options);
    return { ...saved, bytes: data.length };
  }

  async load(sessionId: string, options: LoadOptions = {}): Promise<LoadedSession | null> {
    const { maxBytes } = options;
    const inner = maxBytes === undefined ? options : { ...options, maxBytes: maxBytes + ENVELOPE_OVERHEAD };
    const loaded = await this.inner.load(sessionId, inner);
    if (!loaded) return null;
    const what = `generation ${loaded.generation} of ${sessionId}`;
    if (!isEnvelope(loaded.data)) {
      if (this.#plaintext === 'read') return loaded;
      throw new EncryptionError(ErrorCode.DECRYPTION_FAILED, `${what} is not encrypted (plaintext: 'read' accepts such generations)`);
    }
    const data = decryptEnvelope(this.#ring, loaded.data, sessionId, what);
    if (maxBytes !== undefined && data.length > maxBytes)
      throw dataTooLarge('EncryptedStore', sessionId, loaded.generation, data.length, maxBytes);
    return { ...loaded, data, bytes: data.length };
  }

  async list(sessionId: string, options?: StoreCallOptions): Promise<StoredGeneration[]> {
    const listed = await this.inner.list(sessionId, options);
    return listed.map((g) => this.#outer(g));
  }

  /** A generation of the inner store as this one lists it: the size without the envelope. */
  #outer(g: StoredGeneration): StoredGeneration {
    return { ...g, bytes: Math.max(0, g.bytes - ENVELOPE_OVERHEAD) };
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
   * The key each kept generation of `sessionId` is encrypted with (`null`: not encrypted), newest
   * first. Reads every generation; for `waweb session inspect` and before retiring a key.
   */
  async keyIds(sessionId: string, options?: StoreCallOptions): Promise<Array<{ generation: number; keyId: string | null }>> {
    const out: Array<{ generation: number; keyId: string | null }> = [];
    for (const g of await this.inner.list(sessionId, options)) {
      const loaded = await this.inner.load(sessionId, { ...options, generation: g.generation });
      if (loaded) out.push({ generation: g.generation, keyId: envelopeKeyId(loaded.data) ?? null });
    }
    return out;
  }

  /**
   * Re-encrypts the newest generation with the current key, as a new generation; older ones keep
   * their key until the store prunes them (`keep`). Resolves with the new generation, or `null`
   * when the session is absent. Nothing is written unless the newest one decrypted and checked.
   *
   * The save is a compare-and-swap on the generation it loaded (`ifNewest`): when a live owner
   * saved meanwhile, the rekey is refused with `StoreError` code `GENERATION_CHANGED` and writes
   * nothing, instead of putting the older backup back on top. Run it again to rekey the new one.
   */
  async rekey(sessionId: string, options?: StoreCallOptions): Promise<StoredGeneration | null> {
    const loaded = await this.load(sessionId, options ?? {});
    if (!loaded) return null;
    return this.save(sessionId, loaded.data, { ...options, ifNewest: loaded.generation });
  }
}

/**
 * `new EncryptedStore(store, options)`.
 * @deprecated use `new EncryptedStore(store, options)`; this alias goes in the next release.
 */
export function encryptStore(store: SessionStore, options?: EncryptedStoreOptions): EncryptedStore {
  return new EncryptedStore(store, options);
}
