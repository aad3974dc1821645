/**
 * Chunked AES-256-GCM, the body of a version 3 envelope (see `encryption.ts` for its header): the
 * data cut into `CHUNK_BYTES` chunks, each sealed on its own (ciphertext, then its 16-byte tag), so a
 * reader checks and hands out one chunk at a time and never a byte that did not pass its check.
 *
 * - Key: a key of its own per envelope, HKDF-SHA-256 of the ring's key with the header's random
 *   12-byte salt (info `waweb/chunks`), so nonces never repeat across envelopes under one key.
 * - Nonce: 3 zero bytes | the chunk's index (8, big-endian) | 1 on the last chunk, else 0. A chunk
 *   moved to another place, a stream cut at a chunk boundary (its last chunk then is not marked
 *   last), a chunk dropped or repeated fails its check (the STREAM construction).
 * - Authenticated data, every chunk: the whole header (key id, purpose, generation, fencing token,
 *   salt) and the binding's context (the session id), so a chunk spliced in from another generation,
 *   session or envelope fails too, and the header is checked with the first chunk.
 *
 * Every chunk but the last holds exactly `CHUNK_BYTES` of data; the last holds 0 to `CHUNK_BYTES`
 * (an empty envelope is one empty last chunk). A reader knows the last chunk as the one the data
 * ends with, and a full-sized chunk followed by more bytes is not the last.
 */
import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { EncryptionError, ErrorCode } from '../errors';

/** Data per chunk (the last one may hold less). */
export const CHUNK_BYTES = 64 * 1024;
/** The tag after each chunk's ciphertext. */
export const CHUNK_TAG_BYTES = 16;
/** A whole chunk as stored: ciphertext and tag. */
export const FRAME_BYTES = CHUNK_BYTES + CHUNK_TAG_BYTES;

/** How many chunks `plainBytes` of data take (at least one). */
function chunkCount(plainBytes: number): number {
  return Math.max(1, Math.ceil(plainBytes / CHUNK_BYTES));
}

/** The stored size of the chunks of `plainBytes` of data (header not included). */
export function sealedBodyBytes(plainBytes: number): number {
  return plainBytes + CHUNK_TAG_BYTES * chunkCount(plainBytes);
}

/** The data size behind `bodyBytes` of stored chunks (0 when too short to hold one). */
export function plainBodyBytes(bodyBytes: number): number {
  const frames = Math.max(1, Math.ceil(bodyBytes / FRAME_BYTES));
  return Math.max(0, bodyBytes - CHUNK_TAG_BYTES * frames);
}

function chunkKey(key: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', key, salt, 'waweb/chunks', 32));
}

function nonceOf(index: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeBigUInt64BE(BigInt(index), 3);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

/** Seals chunks in order: the first call is chunk 0, and the call with `last` ends it. */
export class ChunkSealer {
  readonly #key: Buffer;
  readonly #aad: Buffer;
  #index = 0;
  #ended = false;

  /** `aad`: the header and the binding's context, authenticated with every chunk. */
  constructor(key: Buffer, salt: Buffer, aad: Buffer) {
    this.#key = chunkKey(key, salt);
    this.#aad = aad;
  }

  /** The next chunk (at most `CHUNK_BYTES`; exactly that unless `last`) as ciphertext and tag. */
  seal(plain: Uint8Array, last: boolean): Buffer {
    if (this.#ended) throw new Error('ChunkSealer: sealing after the last chunk');
    if (plain.byteLength > CHUNK_BYTES || (!last && plain.byteLength !== CHUNK_BYTES)) {
      throw new Error(`ChunkSealer: a chunk of ${plain.byteLength} bytes (${last ? 'last' : 'not last'})`);
    }
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonceOf(this.#index, last));
    cipher.setAAD(this.#aad);
    const body = cipher.update(plain);
    cipher.final(); // GCM: nothing more comes out
    this.#index += 1;
    this.#ended = last;
    return Buffer.concat([body, cipher.getAuthTag()], body.length + CHUNK_TAG_BYTES);
  }
}

/** Opens chunks in order, each checked before its data is returned; `what` names the data in errors. */
export class ChunkOpener {
  readonly #key: Buffer;
  readonly #aad: Buffer;
  readonly #what: string;
  readonly #keyId: string;
  #index = 0;
  #ended = false;

  constructor(key: Buffer, salt: Buffer, aad: Buffer, what: string, keyId: string) {
    this.#key = chunkKey(key, salt);
    this.#aad = aad;
    this.#what = what;
    this.#keyId = keyId;
  }

  /** The index the next chunk must have. */
  get index(): number {
    return this.#index;
  }

  /** The data of the next chunk, `frame` being its ciphertext and tag; `last` when the data ends with it. */
  open(frame: Buffer, last: boolean): Buffer {
    const at = this.#index;
    if (this.#ended) throw this.#fail(`has data after its last chunk`);
    if (frame.length < CHUNK_TAG_BYTES || frame.length > FRAME_BYTES || (!last && frame.length !== FRAME_BYTES)) {
      throw this.#fail(`is truncated in chunk ${at}`);
    }
    const tagAt = frame.length - CHUNK_TAG_BYTES;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, nonceOf(at, last));
      decipher.setAAD(this.#aad);
      decipher.setAuthTag(frame.subarray(tagAt));
      const plain = decipher.update(frame.subarray(0, tagAt));
      decipher.final();
      this.#index += 1;
      this.#ended = last;
      return plain;
    } catch (err) {
      throw this.#fail(
        `failed the integrity check of chunk ${at}${last ? ' (read as its last)' : ''} (altered, reordered, truncated or spliced data, ` +
          `data of another session or generation, or the wrong key under id ${JSON.stringify(this.#keyId)})`,
        err,
      );
    }
  }

  /** Every chunk of a whole body, in order (for data held in memory). */
  openAll(body: Buffer): Buffer {
    const parts: Buffer[] = [];
    let at = 0;
    while (body.length - at > FRAME_BYTES) {
      parts.push(this.open(body.subarray(at, at + FRAME_BYTES), false));
      at += FRAME_BYTES;
    }
    parts.push(this.open(body.subarray(at), true));
    return Buffer.concat(parts);
  }

  #fail(reason: string, cause?: unknown): EncryptionError {
    return new EncryptionError(ErrorCode.DECRYPTION_FAILED, `${this.#what} ${reason}`, cause === undefined ? undefined : { cause });
  }
}
