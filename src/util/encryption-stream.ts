/**
 * Version 3 (chunked) envelopes as streams: sealing reads the data a chunk at a time and hands out the
 * header and then each sealed chunk; opening reads the stored bytes a chunk at a time and hands out a
 * chunk's data only once it passed its check, the last chunk's mark making a cut stream an error at
 * its end. Memory stays at a chunk or two whatever the size.
 */
import { AbortError, EncryptionError, ErrorCode } from '../errors';
import { CHUNK_BYTES, CHUNK_TAG_BYTES, FRAME_BYTES } from './encryption-chunks';
import { assertWrittenAs, CHUNKED_HEADER_BYTES, openChunkedEnvelope, startChunkedEnvelope, type EnvelopeBinding } from './encryption';
import type { KeyRing } from './encryption-keys';

/** Bytes in arrival order, taken from the front; each byte is copied at most once on the way out. */
export class ByteQueue {
  #parts: Buffer[] = [];
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(piece: Uint8Array): void {
    if (piece.byteLength === 0) return;
    this.#parts.push(Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength));
    this.#length += piece.byteLength;
  }

  /** The first `n` bytes (at most `length`) without taking them. */
  peek(n: number): Buffer {
    const first = this.#parts[0];
    if (first && first.length >= n) return first.subarray(0, n);
    return Buffer.concat(this.#parts, Math.min(n, this.#length)).subarray(0, n);
  }

  /** Takes the first `n` bytes (at most `length`). */
  take(n: number): Buffer {
    const want = Math.min(n, this.#length);
    const first = this.#parts[0];
    if (first && first.length >= want) {
      const out = first.subarray(0, want);
      if (first.length === want) this.#parts.shift();
      else this.#parts[0] = first.subarray(want);
      this.#length -= want;
      return out;
    }
    const out = Buffer.allocUnsafe(want);
    let at = 0;
    while (at < want) {
      const part = this.#parts[0] as Buffer;
      const used = Math.min(part.length, want - at);
      part.copy(out, at, 0, used);
      at += used;
      if (used === part.length) this.#parts.shift();
      else this.#parts[0] = part.subarray(used);
    }
    this.#length -= want;
    return out;
  }
}

/** What a sealing stream has read of its source so far. */
export interface SealProgress {
  /** Whether it began reading the source (a save that failed before that may be tried again). */
  started: boolean;
  /** Data bytes read. */
  bytes: number;
}

/**
 * The version 3 envelope of `source` bound to `binding`, sealed with the ring's current key, as the
 * header and then one sealed chunk at a time. `progress` is updated as the source is read; `signal`
 * is checked between pieces of it.
 */
export async function* sealChunkedStream(
  ring: KeyRing,
  source: AsyncIterable<Uint8Array>,
  binding: EnvelopeBinding,
  progress: SealProgress,
  signal?: AbortSignal,
): AsyncGenerator<Buffer, void, undefined> {
  const { header, sealer } = startChunkedEnvelope(ring, binding);
  yield header;
  const pending = new ByteQueue();
  progress.started = true;
  const checkSignal = (): void => {
    if (signal?.aborted) throw new AbortError('the streamed save was aborted', { cause: signal.reason });
  };
  for await (const piece of source) {
    checkSignal();
    pending.push(piece);
    progress.bytes += piece.byteLength;
    // A full chunk is sealed as not the last only once more data is known to follow it.
    while (pending.length > CHUNK_BYTES) yield sealer.seal(pending.take(CHUNK_BYTES), false);
  }
  checkSignal();
  yield sealer.seal(pending.take(CHUNK_BYTES), true);
}

/** Reads a byte stream into a queue as far as asked: the start of stored data, then the rest. */
export class ByteReader {
  readonly queue = new ByteQueue();
  readonly #iterator: AsyncIterator<Uint8Array>;
  #done = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#iterator = source[Symbol.asyncIterator]();
  }

  /** Reads until the queue holds at least `n` bytes or the stream ended; `true` when it holds them. */
  async fill(n: number): Promise<boolean> {
    while (this.queue.length < n && !this.#done) {
      const next = await this.#iterator.next();
      if (next.done === true) this.#done = true;
      else this.queue.push(next.value);
    }
    return this.queue.length >= n;
  }

  /** Whether the stream ended (everything it had is in the queue). */
  get ended(): boolean {
    return this.#done;
  }

  /** Everything left, the queue first, a piece at a time. */
  async *rest(): AsyncGenerator<Buffer, void, undefined> {
    try {
      while (this.queue.length > 0 || (await this.fill(1))) yield this.queue.take(this.queue.length);
    } finally {
      await this.close();
    }
  }

  /** Everything left as one Buffer. */
  async all(): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const part of this.rest()) parts.push(part);
    return Buffer.concat(parts);
  }

  /** Stops reading the stream (its source's `return`, which destroys a Readable). Safe to call twice. */
  async close(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    await this.#iterator.return?.();
  }
}

/**
 * Opens a version 3 envelope from `reader` (at its start): reads its header and first chunk and
 * checks them (the key, the chunk, then the generation the header names against `binding`) before
 * resolving, so a wrong key or altered start rejects here; resolves with the data, a checked chunk at
 * a time. An error after that (a later chunk altered, the stream cut short or extended) is thrown by
 * the generator, typed as `decryptEnvelope` throws it, before any data of the bad chunk.
 */
export async function openChunkedStream(
  ring: KeyRing,
  reader: ByteReader,
  binding: EnvelopeBinding,
  what: string,
): Promise<AsyncGenerator<Buffer, void, undefined>> {
  if (!(await reader.fill(CHUNKED_HEADER_BYTES + CHUNK_TAG_BYTES))) {
    throw new EncryptionError(ErrorCode.DECRYPTION_FAILED, `${what} is truncated`);
  }
  const { info, opener } = openChunkedEnvelope(ring, reader.queue.peek(CHUNKED_HEADER_BYTES + CHUNK_TAG_BYTES), binding, what);
  reader.queue.take(CHUNKED_HEADER_BYTES);
  const next = async (): Promise<Buffer> => {
    // A whole frame followed by more bytes is not the last; whatever the data ends with is.
    const more = await reader.fill(FRAME_BYTES + 1);
    return more ? opener.open(reader.queue.take(FRAME_BYTES), false) : opener.open(reader.queue.take(FRAME_BYTES + 1), true);
  };
  const first = await next();
  assertWrittenAs(info, binding, what);
  return (async function* chunks(): AsyncGenerator<Buffer, void, undefined> {
    try {
      if (first.length > 0) yield first;
      while (!reader.ended || reader.queue.length > 0) {
        const chunk = await next();
        if (chunk.length > 0) yield chunk;
      }
    } finally {
      await reader.close();
    }
  })();
}
