/**
 * An entry's compressed bytes on their way into a file. From a zip file they are read into two
 * buffers made once per zip and reused, never a fresh Buffer per read: the bytes a restore moves
 * would otherwise all be garbage until the next GC. A buffer is refilled only once whoever took its
 * bytes is done with them (the inflater consumed them, or the file has them).
 */
import { read } from 'node:fs';
import { finished, pipeline } from 'node:stream/promises';
import type { Transform, Writable } from 'node:stream';
import { constants, createInflateRaw } from 'node:zlib';
import { ArchiveError, ErrorCode } from '../errors';

/** Bytes read at a time: few calls, small buffers. */
const PIECE_BYTES = 64 * 1024;
/** The inflater's output chunks at most: larger ones cost memory, smaller ones time (d729804). */
const INFLATE_CHUNK_BYTES = 256 * 1024;

/** Where a zip's bytes are read from. */
export interface EntrySource {
  /**
   * The `length` bytes at `start`, at most `PIECE_BYTES` at a time, for one reader at a time. A piece
   * is valid only until the next one is asked for (or the loop is left): its bytes must have been
   * taken by then. Leaving the loop early waits for a read still under way.
   */
  pieces(start: number, length: number): AsyncGenerator<Buffer, void, undefined>;
}

function checkRange(start: number, length: number, size: number): void {
  if (start < 0 || length < 0 || start + length > size) {
    throw new ArchiveError(ErrorCode.ARCHIVE_CORRUPT, `Session archive data at ${start} (+${length}) lies past its end (${size} bytes)`);
  }
}

/** A zip held in memory: pieces are views of it, nothing is copied. */
export function bufferSource(data: Buffer): EntrySource {
  return {
    async *pieces(start: number, length: number): AsyncGenerator<Buffer, void, undefined> {
      checkRange(start, length, data.length);
      for (let at = 0; at < length; at += PIECE_BYTES) yield data.subarray(start + at, start + Math.min(length, at + PIECE_BYTES));
    },
  };
}

type ReadResult = { piece: Buffer } | { error: unknown };

/**
 * A zip file's open descriptor (`size` bytes), which its owner keeps open while pieces are read.
 * While the caller holds one piece, the next is read into the other buffer.
 */
export function fileSource(fd: number, size: number): EntrySource {
  const buffers: readonly [Buffer, Buffer] = [Buffer.allocUnsafe(PIECE_BYTES), Buffer.allocUnsafe(PIECE_BYTES)];
  // Never rejects: a read ahead may fail while the caller still holds the previous piece.
  const readInto = (buffer: Buffer, position: number, length: number): Promise<ReadResult> =>
    new Promise((resolve) => {
      read(fd, buffer, 0, length, position, (error, bytesRead) => resolve(error ? { error } : { piece: buffer.subarray(0, bytesRead) }));
    });
  let reading = false;
  return {
    async *pieces(start: number, length: number): AsyncGenerator<Buffer, void, undefined> {
      // Two readers at once would fill each other's buffers.
      if (reading) throw new Error('internal: a zip file source read by two entries at once');
      checkRange(start, length, size);
      reading = true;
      let done = 0;
      let turn: 0 | 1 = 0;
      let next = length > 0 ? readInto(buffers[turn], start, Math.min(PIECE_BYTES, length)) : undefined;
      try {
        while (next !== undefined) {
          const result = await next;
          next = undefined;
          if ('error' in result) throw result.error;
          if (result.piece.length === 0) {
            throw new ArchiveError(ErrorCode.ARCHIVE_CORRUPT, `Session archive ended ${length - done} bytes early while it was read`);
          }
          done += result.piece.length;
          // The other buffer's piece was handed out before this one was asked for: it is free.
          turn = turn === 0 ? 1 : 0;
          if (done < length) next = readInto(buffers[turn], start + done, Math.min(PIECE_BYTES, length - done));
          yield result.piece;
        }
      } finally {
        // A read under way fills a buffer the next entry reads into, from a descriptor about to close.
        if (next !== undefined) await next;
        reading = false;
      }
    },
  };
}

/** What checks an entry's bytes: a stage after the inflater, or called on each stored piece (`measure`, throws). */
export interface EntryCheck extends Transform {
  measure(chunk: Buffer): void;
}

/** One entry's data on its way out. */
export interface EntryData {
  /** Its compressed bytes (see `EntrySource.pieces`). */
  pieces: AsyncIterable<Buffer>;
  /** Deflated (method 8), or stored as it is (method 0). */
  compressed: boolean;
  /** The size it declares once inflated: a small entry's inflater needs no 256 KiB buffers. */
  declaredSize: number;
}

/**
 * Copies one entry's data into `out`: compressed pieces through an inflater and `check` (one
 * pipeline), stored ones checked by `check.measure` and written as they are. A piece is handed on
 * only once the last was taken (the inflater's or the file's write callback ran), so its buffer may
 * be reused. Every stage has its error listener before a byte moves. Settles once every stage has
 * and no read is under way; rejects with the first failure of any stage or of a read.
 */
export async function copyEntry({ pieces, compressed, declaredSize }: EntryData, check: EntryCheck, out: Writable): Promise<void> {
  let head: Writable;
  let output: Promise<void>;
  if (compressed) {
    // One byte over the size: output that fills its buffer exactly makes zlib allocate the next one.
    const chunkSize = Math.min(INFLATE_CHUNK_BYTES, Math.max(constants.Z_MIN_CHUNK, declaredSize + 1));
    const inflater = createInflateRaw({ chunkSize });
    head = inflater;
    output = pipeline(inflater, check, out);
  } else {
    head = out;
    output = finished(out);
  }
  const fed = feed(pieces, head, compressed ? undefined : check);
  let failure: Error | undefined;
  try {
    await output;
  } finally {
    failure = await fed;
  }
  // Reached only when the output finished first (a deflate stream that ends before its last
  // piece: zlib ignores what follows) and feeding the rest then failed.
  if (failure !== undefined) throw failure;
}

/**
 * Writes `pieces` into `head` one at a time, then ends it. On the first failure it destroys `head`
 * with it (so the output fails with that error too) and returns it; it never rejects.
 */
async function feed(pieces: AsyncIterable<Buffer>, head: Writable, check: EntryCheck | undefined): Promise<Error | undefined> {
  try {
    for await (const piece of pieces) {
      check?.measure(piece);
      await taken(head, piece);
    }
    head.end();
    return undefined;
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    head.destroy(error);
    return error;
  }
}

/** Writes `chunk`; resolves once `stream` is done with it, rejects if it fails or closes first. */
function taken(stream: Writable, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    // A stream destroyed while it waits for its reader to drain never calls back.
    const closed = (): void => reject(stream.errored ?? new Error('The stream closed before it took the data'));
    stream.once('close', closed);
    stream.write(chunk, (err) => {
      stream.off('close', closed);
      if (err) reject(err);
      else resolve();
    });
  });
}
