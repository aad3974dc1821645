/**
 * Which paths a session archive holds, and which entry names can be written safely.
 */

/**
 * The profile folders a session archive holds, relative to the Chromium user-data-dir.
 * The same two whatsapp-web.js's RemoteAuth copies, in the same layout.
 */
export const SESSION_DIRS = ['Default/IndexedDB', 'Default/Local Storage'] as const;

/**
 * File names left out of archives, wherever they appear.
 * `LOCK` is LevelDB's lock file: always empty, used only for an OS-level lock, and
 * recreated by LevelDB when it opens the database, so it carries no session state.
 * Copying it is harmless on Linux, but on Windows Chromium holds it open exclusively
 * and reading it fails with EBUSY; leaving it out costs nothing and removes that failure.
 */
export const SKIPPED_FILE_NAMES: ReadonlySet<string> = new Set(['LOCK']);

/** True when `relPath` (`/`-separated, no trailing slash) is one of `SESSION_DIRS` or inside one. */
export function isSessionPath(relPath: string): boolean {
  return SESSION_DIRS.some((dir) => relPath === dir || relPath.startsWith(`${dir}/`));
}

/**
 * Why a zip entry name cannot be written safely on any OS, or `null` when it can.
 * A trailing `/` (directory entry) is allowed. Rejected: empty names, backslashes,
 * absolute paths, drive letters and any `:` (NTFS streams), control characters
 * (C0, DEL and C1: U+0000–U+001F, U+007F–U+009F), and empty, `.` or `..` segments.
 * Lengths are checked separately (`pathLengthProblem`), against the archive limits.
 */
export function unsafeEntryNameReason(name: string): string | null {
  if (name.length === 0) return 'empty entry name';
  if (name.includes('\\')) return 'backslash in entry name';
  if (name.startsWith('/')) return 'absolute entry path';
  if (/^[A-Za-z]:/.test(name)) return 'drive letter in entry path';
  if (name.includes(':')) return 'colon in entry name';
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) return 'control character in entry name';
  const body = name.endsWith('/') ? name.slice(0, -1) : name;
  for (const segment of body.split('/')) {
    if (segment === '') return 'empty path segment';
    if (segment === '.' || segment === '..') return `"${segment}" path segment`;
  }
  return null;
}

/** What the length checks compare against (see `ArchiveLimits`). */
export interface PathLengthLimits {
  maxPathBytes: number;
  maxSegmentBytes: number;
}

/**
 * Why `relPath` (`/`-separated, no trailing slash) is too long, naming the limit it breaks, or
 * `null`. Lengths are UTF-8 bytes, as file systems count them.
 */
export function pathLengthProblem(relPath: string, limits: PathLengthLimits): string | null {
  const bytes = Buffer.byteLength(relPath, 'utf8');
  if (bytes > limits.maxPathBytes) return `path is ${bytes} bytes long, more than maxPathBytes (${limits.maxPathBytes})`;
  let start = 0;
  while (start <= relPath.length) {
    const end = relPath.indexOf('/', start);
    const stop = end === -1 ? relPath.length : end;
    // UTF-8 takes at most 3 bytes per UTF-16 code unit: only segments longer than a third of the limit can break it.
    if ((stop - start) * 3 > limits.maxSegmentBytes) {
      const segmentBytes = Buffer.byteLength(relPath.slice(start, stop), 'utf8');
      if (segmentBytes > limits.maxSegmentBytes) {
        return `a path segment is ${segmentBytes} bytes long, more than maxSegmentBytes (${limits.maxSegmentBytes})`;
      }
    }
    if (end === -1) break;
    start = end + 1;
  }
  return null;
}

/**
 * The key two names share when a file system that ignores case or Unicode normalization (macOS,
 * Windows) would store them as one: NFC-normalized and case-folded.
 */
export function collisionKey(relPath: string): string {
  return relPath.normalize('NFC').toLowerCase().normalize('NFC');
}
