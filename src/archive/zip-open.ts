/**
 * Opening a session archive's zip for reading: from a file (read a piece at a time, never whole),
 * from a file another party keeps (a store's generation, read in place while unchanged), or from a
 * Buffer. The size limit is checked before anything inside is looked at.
 */
import { close, fstat as fstatCb, open } from 'node:fs';
import { promisify } from 'node:util';
import * as yauzl from 'yauzl';
import { FileSystemError, InvalidOptionError, errorMessage } from '../errors';
import { bufferSource, fileSource, type EntrySource } from './entry-reader';
import type { ArchiveLimits } from './limits';
import { corrupt, tooLarge } from './zip-read';

const openFd = promisify(open);
const fstat = promisify(fstatCb);
const closeFd = promisify(close);

const ZIP_OPTIONS = {
  lazyEntries: true,
  autoClose: false,
  // Names are decoded and checked here (typed errors, no silent `\` → `/` rewrite).
  decodeStrings: false,
  // Sizes are checked here against bytes actually inflated.
  validateEntrySizes: false,
} as const;

/** A zip opened for reading, and how to let go of it. */
export interface OpenedZip {
  zip: yauzl.ZipFile;
  /** Where its entries' data is read from (yauzl reads only the directory and the headers). */
  source: EntrySource;
  close(): Promise<void>;
}

/**
 * Opens the zip in `file`, read a piece at a time (never whole); refuses one over
 * `maxCompressedBytes` before looking inside. A file that cannot be opened is a `FileSystemError`.
 */
export async function openZipFile(file: string, limits: Pick<ArchiveLimits, 'maxCompressedBytes'>): Promise<OpenedZip> {
  let fd: number;
  try {
    fd = await openFd(file, 'r');
  } catch (err) {
    throw new FileSystemError(`Cannot read the session archive ${file}: ${errorMessage(err)}`, { cause: err });
  }
  return zipOfFd(fd, limits);
}

/** What a file read in place must still be: its size and modification time. */
export interface ExpectedFile {
  bytes: number;
  modified: Date;
}

/**
 * `openZipFile` for a file another party keeps (a store's generation, read where it is): `null` when
 * it is gone or no longer has the expected size and modification time (replaced meanwhile), so the
 * caller reads its own copy instead. Once open, the descriptor keeps these bytes whatever happens to
 * the path.
 */
export async function openZipFileIfUnchanged(
  file: string,
  limits: Pick<ArchiveLimits, 'maxCompressedBytes'>,
  expected: ExpectedFile,
): Promise<OpenedZip | null> {
  let fd: number;
  try {
    fd = await openFd(file, 'r');
  } catch {
    return null;
  }
  const same = await fstat(fd).then(
    (s) => s.size === expected.bytes && s.mtime.getTime() === expected.modified.getTime(),
    () => false,
  );
  if (same) return zipOfFd(fd, limits);
  await closeFd(fd).catch(() => undefined);
  return null;
}

async function zipOfFd(fd: number, limits: Pick<ArchiveLimits, 'maxCompressedBytes'>): Promise<OpenedZip> {
  // yauzl owns the descriptor once it has opened the zip: it closes it when the zip is closed and
  // its last read stream ended.
  let zip: yauzl.ZipFile;
  let size: number;
  try {
    ({ size } = await fstat(fd));
    if (size > limits.maxCompressedBytes) {
      throw tooLarge(`Session archive is ${size} bytes, more than maxCompressedBytes (${limits.maxCompressedBytes})`);
    }
    try {
      zip = await yauzl.fromFdPromise(fd, ZIP_OPTIONS);
    } catch (err) {
      throw corrupt('Session archive is not a readable zip (truncated or damaged)', err);
    }
  } catch (err) {
    await closeFd(fd).catch(() => undefined);
    throw err;
  }
  // Entry data is read from the same descriptor, before the zip is closed.
  return { zip, source: fileSource(fd, size), close: async () => zip.close() };
}

/** Opens `data` as a zip; refuses one over `maxCompressedBytes` before looking inside. */
export async function openZip(data: Buffer, limits: Pick<ArchiveLimits, 'maxCompressedBytes'>): Promise<OpenedZip> {
  if (!Buffer.isBuffer(data)) throw new InvalidOptionError('Session archive data must be a Buffer');
  if (data.length > limits.maxCompressedBytes) {
    throw tooLarge(`Session archive is ${data.length} bytes, more than maxCompressedBytes (${limits.maxCompressedBytes})`);
  }
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(data, ZIP_OPTIONS);
  } catch (err) {
    throw corrupt('Session archive is not a readable zip (truncated or damaged)', err);
  }
  return { zip, source: bufferSource(data), close: async () => zip.close() };
}
