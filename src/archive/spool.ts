/**
 * A session archive arriving as a stream (a store's streaming load) lands in a private file first:
 * a zip's central directory, which every check of an extraction starts from, is at its end. The
 * file is read back a piece at a time, so memory stays flat whatever the archive's size, and the
 * limits are enforced while it arrives: a stream past `maxCompressedBytes` stops at once.
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { AbortError, ArchiveError, ErrorCode, FileSystemError, InvalidOptionError, errorMessage } from '../errors';

export interface SpoolOptions {
  /** Most bytes accepted; one more fails with `ARCHIVE_TOO_LARGE` naming `maxCompressedBytes`. */
  maxCompressedBytes: number;
  /** Stops the spooling with an `AbortError` (the source is destroyed, the file removed). */
  signal?: AbortSignal;
}

export interface SpooledArchive {
  /** The file written (mode 0600), the caller's to remove. */
  file: string;
  /** Bytes received. */
  bytes: number;
  /** sha256 of the bytes received, hex. */
  sha256: string;
}

/**
 * Writes `source` to `file` (created, never overwritten), counting and hashing as it goes. A source
 * longer than `maxCompressedBytes` fails with `ARCHIVE_TOO_LARGE` before the excess is written; a
 * failure of the source is rethrown as it is; a failure to write is a `FileSystemError`. On any
 * failure the source is destroyed (a store's connection or file is released) and the file removed.
 */
export async function spoolArchive(source: AsyncIterable<Uint8Array>, file: string, options: SpoolOptions): Promise<SpooledArchive> {
  const { maxCompressedBytes: max, signal } = options;
  if (typeof file !== 'string' || file === '' || file.includes('\0')) throw new InvalidOptionError('spool file must be a path');
  if (signal?.aborted) {
    destroySource(source);
    throw new AbortError('receiving the session archive was aborted');
  }
  const handle = await fsp.open(file, 'wx', 0o600).catch((err: unknown) => {
    throw new FileSystemError(`Cannot create ${file} to receive the session archive: ${errorMessage(err)}`, { cause: err });
  });
  const hash = createHash('sha256');
  let bytes = 0;
  let done = false;
  try {
    for await (const chunk of source) {
      if (signal?.aborted) throw new AbortError('receiving the session archive was aborted');
      bytes += chunk.byteLength;
      if (bytes > max) {
        throw new ArchiveError(ErrorCode.ARCHIVE_TOO_LARGE, `Session archive is more than maxCompressedBytes (${max}) bytes`);
      }
      hash.update(chunk);
      await handle.write(chunk).catch((err: unknown) => {
        throw new FileSystemError(`Writing the session archive to ${file} failed: ${errorMessage(err)}`, { cause: err });
      });
    }
    if (signal?.aborted) throw new AbortError('receiving the session archive was aborted');
    done = true;
  } finally {
    if (!done) destroySource(source);
    await handle.close().catch(() => undefined);
    if (!done) await fsp.rm(file, { force: true });
  }
  return { file, bytes, sha256: hash.digest('hex') };
}

function destroySource(source: AsyncIterable<Uint8Array>): void {
  const s = source as { destroy?: unknown };
  if (typeof s.destroy === 'function') (s.destroy as () => void).call(source);
}
