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
 * absolute paths, drive letters and any `:` (NTFS streams), NUL and control characters,
 * and empty, `.` or `..` segments.
 */
export function unsafeEntryNameReason(name: string): string | null {
  if (name.length === 0) return 'empty entry name';
  if (name.includes('\\')) return 'backslash in entry name';
  if (name.startsWith('/')) return 'absolute entry path';
  if (/^[A-Za-z]:/.test(name)) return 'drive letter in entry path';
  if (name.includes(':')) return 'colon in entry name';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'control character in entry name';
  const body = name.endsWith('/') ? name.slice(0, -1) : name;
  for (const segment of body.split('/')) {
    if (segment === '') return 'empty path segment';
    if (segment === '.' || segment === '..') return `"${segment}" path segment`;
  }
  return null;
}
