/**
 * The bounds every archive read (inspect, extract, restore) works within. Each is an option with
 * a default far above what a real WhatsApp Web profile needs, and each error names the option.
 */
import { InvalidOptionError } from '../errors';
import { positiveInteger } from '../util/options';

export { positiveInteger };

export interface ArchiveLimits {
  /** Largest archive (zip bytes) read from a store or a file; checked before it is read whole. @default 512 MiB */
  maxCompressedBytes: number;
  /** Stop with `ARCHIVE_TOO_LARGE` once this many bytes have been inflated (counted, not taken from headers). @default 512 MiB */
  maxUncompressedBytes: number;
  /** Most entries in the central directory (inspect too). @default 100_000 */
  maxEntries: number;
  /** Most folders an extraction may create. A real profile has a few dozen. @default 10_000 */
  maxFolders: number;
  /** Longest entry path, in UTF-8 bytes. Chromium's own profile paths stay under 200. @default 1024 */
  maxPathBytes: number;
  /** Longest single path segment (file or folder name), in UTF-8 bytes; most file systems allow 255. @default 255 */
  maxSegmentBytes: number;
}

export const DEFAULT_ARCHIVE_LIMITS: Readonly<ArchiveLimits> = Object.freeze({
  maxCompressedBytes: 512 * 1024 * 1024,
  maxUncompressedBytes: 512 * 1024 * 1024,
  maxEntries: 100_000,
  maxFolders: 10_000,
  maxPathBytes: 1024,
  maxSegmentBytes: 255,
});

/** The limits in force: `given` checked, the defaults for what it leaves out. */
export function resolveArchiveLimits(given: Partial<ArchiveLimits> | undefined): ArchiveLimits {
  if (given !== undefined && (typeof given !== 'object' || given === null)) {
    throw new InvalidOptionError('options must be an object');
  }
  const out = { ...DEFAULT_ARCHIVE_LIMITS };
  for (const key of Object.keys(DEFAULT_ARCHIVE_LIMITS) as Array<keyof ArchiveLimits>) {
    out[key] = positiveInteger(given?.[key], DEFAULT_ARCHIVE_LIMITS[key], `options.${key}`);
  }
  return out;
}
