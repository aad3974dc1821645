import { promises as fsp } from 'node:fs';
import { ErrorCode, ArchiveError, InvalidOptionError } from '../errors';
import { DEFAULT_ARCHIVE_LIMITS, positiveInteger, type ArchiveLimits } from './limits';

export type ReadArchiveFileOptions = Partial<Pick<ArchiveLimits, 'maxCompressedBytes'>>;

/**
 * Reads an archive file into memory, never more than `maxCompressedBytes` (+1 to notice more):
 * the size is checked before reading, and the read itself is bounded, so a file that grows, a
 * device (`/dev/zero`) or a FIFO cannot make it read forever. Too large: `ARCHIVE_TOO_LARGE`;
 * unreadable: `INVALID_OPTION` with the cause.
 */
export async function readArchiveFile(file: string, options: ReadArchiveFileOptions = {}): Promise<Buffer> {
  const max = positiveInteger(options.maxCompressedBytes, DEFAULT_ARCHIVE_LIMITS.maxCompressedBytes, 'maxCompressedBytes');
  const tooLarge = (size: string): ArchiveError =>
    new ArchiveError(ErrorCode.ARCHIVE_TOO_LARGE, `${file} is ${size} bytes, more than maxCompressedBytes (${max})`);
  let handle: fsp.FileHandle;
  try {
    if (typeof file !== 'string' || file === '' || file.includes('\0')) throw new TypeError('not a usable path');
    handle = await fsp.open(file, 'r');
  } catch (err) {
    throw new InvalidOptionError(`cannot read ${String(file)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  try {
    const st = await handle.stat();
    if (st.isDirectory()) throw new InvalidOptionError(`${file} is a folder, not an archive`);
    if (st.isFile() && st.size > max) throw tooLarge(String(st.size));
    // Read in chunks up to max + 1 bytes whatever the size said (devices and FIFOs report 0).
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const want = Math.min(1024 * 1024, max + 1 - total);
      const chunk = Buffer.allocUnsafe(want);
      const { bytesRead } = await handle.read(chunk, 0, want, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > max) throw tooLarge(`more than ${max}`);
    }
    return Buffer.concat(chunks, total);
  } finally {
    await handle.close();
  }
}
