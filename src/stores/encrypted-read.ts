/**
 * The read side of `EncryptedStore`: how a generation of the inner store is listed (its data size,
 * its set-aside mark only when its seal holds) and opened, whole (`load`) or a chunk at a time
 * (`loadStream`), under the binding its place in the store gives it: its session, and the generation
 * it was written as checked against where it is stored (a replay is refused). It reads every format
 * stored so far: chunked version 3 envelopes (streamed), version 2 envelopes (one tag over the whole
 * blob, so they are read whole before a byte is handed out), version 1 only during the upgrade, and
 * plaintext only with `plaintext: 'read'`.
 */
import { Readable } from 'node:stream';
import { EncryptionError, ErrorCode } from '../errors';
import { CHUNK_TAG_BYTES } from '../util/encryption-chunks';
import {
  CHUNKED_HEADER_BYTES,
  chunkedEnvelopeBytes,
  chunkedPlainBytes,
  decryptEnvelope,
  envelopeInfo,
  peekEnvelope,
  verifyAuthentication,
  type EnvelopeBinding,
  type EnvelopeInfo,
} from '../util/encryption';
import type { KeyRing } from '../util/encryption-keys';
import { ByteReader, openChunkedStream } from '../util/encryption-stream';
import { dataTooLarge } from './internal';
import { loadStreamFrom } from './stream';
import type { LoadOptions, LoadedSession, LoadedSessionStream, SessionStore, StoreCallOptions, StoredGeneration } from './types';

/** Appended to a set-aside mark's detail: its authentication tag. */
const SEAL = / \[waweb-seal ([A-Za-z0-9_.-]{1,64}:[A-Za-z0-9_-]+)\]$/;

/** What a set-aside mark's seal covers: a mark moved to another generation or session fails. */
export function markFields(sessionId: string, generation: number, reason: string, detail: string): string[] {
  return [sessionId, String(generation), reason, detail];
}

export interface ReadPolicy {
  readonly plaintext: 'refuse' | 'read';
  readonly legacy: 'upgrade' | 'refuse';
  readonly stable: boolean;
  readonly warn: (message: string) => void;
}

export class EncryptedReader {
  constructor(
    private readonly inner: SessionStore,
    private readonly ring: KeyRing,
    private readonly policy: ReadPolicy,
  ) {}

  /** The inner store's `maxBytes` for a caller's: the largest envelope of that much data. */
  #innerOptions(options: LoadOptions): LoadOptions {
    return options.maxBytes === undefined ? options : { ...options, maxBytes: chunkedEnvelopeBytes(options.maxBytes) };
  }

  async load(sessionId: string, options: LoadOptions = {}): Promise<LoadedSession | null> {
    const loaded = await this.inner.load(sessionId, this.#innerOptions(options));
    if (!loaded) return null;
    const what = `generation ${loaded.generation} of ${sessionId}`;
    const data = await this.#openWhole(sessionId, loaded, what, options);
    return { ...this.outer(sessionId, loaded), data, bytes: data.length };
  }

  /**
   * Resolves once the envelope's header and first chunk passed their checks (a wrong key, an altered
   * start or a replay rejects); later chunks are checked as they are read, an error emitted on the
   * stream before any byte of a bad chunk.
   */
  async loadStream(sessionId: string, options: LoadOptions = {}): Promise<LoadedSessionStream | null> {
    const loaded = await loadStreamFrom(this.inner, sessionId, this.#innerOptions(options));
    if (!loaded) return null;
    const { stream, ...generation } = loaded;
    const what = `generation ${generation.generation} of ${sessionId}`;
    const reader = new ByteReader(stream);
    try {
      await reader.fill(CHUNKED_HEADER_BYTES + CHUNK_TAG_BYTES);
      const info = envelopeInfo(reader.queue.peek(CHUNKED_HEADER_BYTES + CHUNK_TAG_BYTES), what);
      if (!info && this.policy.plaintext === 'read') {
        // Plaintext, read as it is: nothing to check, so nothing to hold.
        this.policy.warn(`${what} is not encrypted: read as it is (plaintext: 'read'); nothing vouches for its integrity`);
        if (options.maxBytes !== undefined && generation.bytes > options.maxBytes) {
          throw dataTooLarge('EncryptedStore', sessionId, generation.generation, generation.bytes, options.maxBytes);
        }
        return {
          ...this.outer(sessionId, generation),
          bytes: generation.bytes,
          stream: Readable.from(reader.rest(), { objectMode: false }),
        };
      }
      if (info?.version !== 3) {
        const data = await this.#openWhole(sessionId, { ...generation, data: await reader.all() }, what, options);
        return { ...this.outer(sessionId, generation), bytes: data.length, stream: Readable.from([data], { objectMode: false }) };
      }
      const binding = await this.#binding(sessionId, generation.generation, info, what, options);
      const bytes = chunkedPlainBytes(generation.bytes);
      if (options.maxBytes !== undefined && bytes > options.maxBytes) {
        throw dataTooLarge('EncryptedStore', sessionId, generation.generation, bytes, options.maxBytes);
      }
      const chunks = await openChunkedStream(this.ring, reader, binding, what);
      return { ...this.outer(sessionId, generation), stream: Readable.from(chunks, { objectMode: false }) };
    } catch (err) {
      await reader.close();
      throw err;
    }
  }

  /** A whole stored blob opened: plaintext under the policy, or any envelope version. */
  async #openWhole(sessionId: string, loaded: LoadedSession, what: string, options: LoadOptions): Promise<Buffer> {
    const info = envelopeInfo(loaded.data, what);
    let data: Buffer;
    if (!info) {
      if (this.policy.plaintext !== 'read') {
        throw new EncryptionError(ErrorCode.DECRYPTION_FAILED, `${what} is not encrypted (plaintext: 'read' accepts such generations)`);
      }
      this.policy.warn(`${what} is not encrypted: read as it is (plaintext: 'read'); nothing vouches for its integrity`);
      data = loaded.data;
    } else if (info.version === 1) {
      await this.#allowLegacy(sessionId, loaded.generation, what, options);
      const binding: EnvelopeBinding = { purpose: 'store', sessionId, generation: null };
      data = decryptEnvelope(this.ring, loaded.data, binding, what, { legacy: true });
      this.policy.warn(`${what} is a version 1 envelope (no generation bound): read during the upgrade; save or rekey the session`);
    } else {
      data = decryptEnvelope(this.ring, loaded.data, await this.#binding(sessionId, loaded.generation, info, what, options), what);
    }
    if (options.maxBytes !== undefined && data.length > options.maxBytes)
      throw dataTooLarge('EncryptedStore', sessionId, loaded.generation, data.length, options.maxBytes);
    return data;
  }

  /**
   * The binding a version 2 or 3 envelope stored as `stored` is opened under. A store may skip
   * numbers (MongoStore after an interrupted save), so an envelope sealed for N and stored as M > N
   * is accepted when no kept generation lies in [N, M): a copy of N put back on top is not.
   */
  async #binding(sessionId: string, stored: number, info: EnvelopeInfo, what: string, options: StoreCallOptions): Promise<EnvelopeBinding> {
    let generation: number | null = this.policy.stable ? stored : null;
    const written = info.generation ?? 0;
    if (generation !== null && written > 0 && written < generation) {
      const listed = await this.inner.list(sessionId, options);
      const between = listed.find((g) => g.generation >= written && g.generation < stored);
      if (between) {
        throw new EncryptionError(
          ErrorCode.DECRYPTION_FAILED,
          `${what} was written as generation ${written} while generation ${between.generation} is kept: a copy of an older generation (a replay), refused`,
        );
      }
      generation = written;
    }
    return { purpose: 'store', sessionId, generation };
  }

  /** A version 1 envelope is read only during the upgrade: while no kept generation is version 2 or later. */
  async #allowLegacy(sessionId: string, generation: number, what: string, options: StoreCallOptions): Promise<void> {
    const refuse = (why: string): never => {
      throw new EncryptionError(ErrorCode.DECRYPTION_FAILED, `${what} is a version 1 envelope, which binds no generation; ${why}`);
    };
    if (this.policy.legacy === 'refuse') refuse(`legacyEnvelopes: 'refuse'`);
    for (const g of await this.inner.list(sessionId, options)) {
      if (g.generation === generation) continue;
      const other = await this.inner.load(sessionId, { ...options, generation: g.generation });
      const version = other ? peekEnvelope(other.data)?.version : undefined;
      if (version !== undefined && version >= 2) {
        refuse(
          `generation ${g.generation} is version ${version}, so this one cannot be newer than the upgrade: refused as a possible replay`,
        );
      }
    }
  }

  /**
   * A generation of the inner store as the EncryptedStore lists it: the size of its data (exact for
   * chunked envelopes, and for older ones up to 64 KiB), and a set-aside mark only when its seal holds
   * (its detail shown without the seal).
   */
  outer(sessionId: string, g: StoredGeneration): StoredGeneration {
    const out: StoredGeneration = { ...g, bytes: chunkedPlainBytes(g.bytes) };
    if (!g.setAside) return out;
    const seal = SEAL.exec(g.setAside.detail);
    const detail = seal ? g.setAside.detail.slice(0, seal.index) : g.setAside.detail;
    const fields = markFields(sessionId, g.generation, g.setAside.reason, detail);
    if (seal?.[1] !== undefined && verifyAuthentication(this.ring, 'set-aside', fields, seal[1])) {
      out.setAside = { ...g.setAside, detail };
      return out;
    }
    delete out.setAside;
    this.policy.warn(`generation ${g.generation} of ${sessionId} is marked set aside without a valid seal: the mark is ignored`);
    return out;
  }
}
