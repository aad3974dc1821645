/**
 * A session run in a pooled browser (`BrowserPool`): for the run, the session's profile is the
 * pooled browser's folder; once that browser is gone it becomes the session's own folder again, as
 * if the browser had run there. Meanwhile a marker beside the session's folder (`<folder>.pooled`)
 * names the pooled folder, so that a second start sees the live browser (`ProfileLockedError`) and a
 * process killed mid-run leaves a folder the next start takes back, as it would find the folder a
 * killed browser left.
 */
import { cp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { checkProfileLock } from '../../browser/profile-lock';
import { writeFileAtomic } from '../../util/atomic-write';
import { isErrno } from '../../util/errno';
import { exists } from './files';

const INDEXED_DB = 'Default/IndexedDB';
const LOCAL_STORAGE_DB = 'Default/Local Storage/leveldb';

/** Chromium's marks of a profile in use: they belong to the browser that made them. */
const NOT_COPIED: ReadonlySet<string> = new Set(['SingletonLock', 'SingletonCookie', 'SingletonSocket', 'LOCK']);

/** The marker naming the pooled folder a run of `sessionDir` uses. */
export function pooledMarker(sessionDir: string): string {
  return `${sessionDir}.pooled`;
}

/**
 * Before a start: a pooled run that never handed its folder back (its process was killed) does so
 * now; one whose browser still runs is a `ProfileLockedError` (the session is live elsewhere).
 */
export async function recoverPooledRun(sessionDir: string): Promise<void> {
  let pooled: string;
  try {
    pooled = (await readFile(pooledMarker(sessionDir), 'utf8')).trim();
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return;
    throw err;
  }
  if (pooled !== '' && (await exists(pooled))) {
    await checkProfileLock(pooled);
    await moveFolder(pooled, sessionDir);
  }
  await rm(pooledMarker(sessionDir), { force: true });
}

/**
 * The session's files into the pooled browser's folder before its first navigation: the session's
 * IndexedDB (which Chromium opens only when a page of the origin asks) in place of any the browser
 * made, everything else but localStorage's LevelDB only where the browser has no file of its own.
 */
export async function fillPooledProfile(sessionDir: string, pooledDir: string): Promise<void> {
  await writeFileAtomic(pooledMarker(sessionDir), pooledDir);
  if (!(await exists(sessionDir))) return;
  await rm(join(pooledDir, INDEXED_DB), { recursive: true, force: true });
  // Chromium set up localStorage's LevelDB folder at start and writes there: it stays, the session's
  // copy is not read (its items come by init script, see `fitsPooledBrowser`).
  const leveldb = join(sessionDir, LOCAL_STORAGE_DB);
  await cp(sessionDir, pooledDir, {
    recursive: true,
    force: false,
    errorOnExist: false,
    verbatimSymlinks: true,
    filter: (source) => !NOT_COPIED.has(basename(source)) && source !== leveldb && !source.startsWith(`${leveldb}/`),
  });
}

/**
 * Whether a pooled browser can run this profile: Chromium sets up localStorage's database when it
 * starts, so LevelDB files copied in afterwards are not read; the profile's localStorage must come
 * as items written before the app starts (`pending`), or there must be none on disk.
 */
export async function fitsPooledBrowser(sessionDir: string, pending: boolean): Promise<boolean> {
  if (pending) return true;
  const files = await readdir(join(sessionDir, LOCAL_STORAGE_DB)).catch(() => []);
  return !files.some((name) => /^\d+\.(log|ldb)$/.test(name));
}

/** The browser is gone: its folder becomes the session's folder again, and the marker goes. */
export async function returnPooledProfile(sessionDir: string, pooledDir: string): Promise<void> {
  if (await exists(pooledDir)) await moveFolder(pooledDir, sessionDir);
  await rm(pooledMarker(sessionDir), { force: true });
}

/** `from` replaces `to`; across file systems by copy. */
async function moveFolder(from: string, to: string): Promise<void> {
  await rm(to, { recursive: true, force: true, maxRetries: 4, retryDelay: 100 });
  try {
    await rename(from, to);
  } catch (err) {
    if (!isErrno(err, 'EXDEV')) throw err;
    await cp(from, to, { recursive: true, verbatimSymlinks: true });
    await rm(from, { recursive: true, force: true, maxRetries: 4, retryDelay: 100 });
  }
}
