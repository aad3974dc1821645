/**
 * Reading a Chromium profile for an archive: which files, in which order, opened how, and how a
 * profile that changed under the read is noticed. Knows nothing of zips.
 */
import { constants as fsConstants, promises as fsp } from 'node:fs';
import path from 'node:path';
import { ArchiveError, ErrorCode } from '../errors';
import { isErrno } from '../util/errno';
import { comparePaths } from './manifest';
import { SESSION_DIRS, SKIPPED_FILE_NAMES, unsafeEntryNameReason } from './paths';

function unsafe(message: string): ArchiveError {
  return new ArchiveError(ErrorCode.ARCHIVE_UNSAFE, message);
}

/**
 * The regular files of the profile's session folders (relative, `/`-separated), in archive order
 * (`compareArchiveOrder`); reads nothing. A session folder that is a symlink is skipped.
 */
export async function listProfileFiles(root: string): Promise<string[]> {
  const paths: string[] = [];
  for (const dir of SESSION_DIRS) {
    if (await isRealDirectory(root, dir)) await walk(root, dir, paths);
  }
  return paths.sort(compareArchiveOrder);
}

/**
 * LevelDB's metadata: `CURRENT` names the live `MANIFEST-*`, which lists the table and log
 * files that make up the database.
 */
function isLevelDbMetadata(name: string): boolean {
  return name === 'CURRENT' || name.startsWith('MANIFEST-');
}

/** LevelDB's data and metadata files; a new one appearing means the database moved on. */
const LEVELDB_FILE = /^(?:\d+\.(?:ldb|log|sst)|MANIFEST-\d+)$/;

/**
 * The order files are read (and archived) in: folder by folder, in byte-wise order of the path
 * segments, and within each folder `CURRENT` and `MANIFEST-*` before everything else.
 *
 * Why: a compaction writes its new table files, then a new MANIFEST (and CURRENT), then deletes the
 * tables it replaced. Reading the metadata first means the archived MANIFEST can only name files
 * that exist when it is read: a later compaction deletes one of them (the walk restarts on
 * `ENOENT`), or it does not and the archive holds every file its MANIFEST names. Read the other
 * way round, the MANIFEST could name a table made after the tables were read.
 */
export function compareArchiveOrder(a: string, b: string): number {
  const sa = a.split('/');
  const sb = b.split('/');
  const n = Math.min(sa.length, sb.length);
  for (let i = 0; i < n; i++) {
    const x = sa[i] as string;
    const y = sb[i] as string;
    if (x === y) continue;
    const gx = i === sa.length - 1 && isLevelDbMetadata(x) ? 0 : 1;
    const gy = i === sb.length - 1 && isLevelDbMetadata(y) ? 0 : 1;
    return gx - gy || comparePaths(x, y);
  }
  return sa.length - sb.length;
}

/** The walk must start again: the profile changed in a way a vanished file does not show. */
export class ProfileChangedError extends Error {}

/**
 * Closes the remaining gap after reading: a LevelDB folder that gained a data or MANIFEST file
 * since it was listed may have an archived MANIFEST that names it (a compaction finished between
 * the listing and the MANIFEST read, and the files it replaced were read before they were
 * deleted). Any such new file restarts the walk.
 */
export async function checkNoNewLevelDbFiles(root: string, paths: readonly string[]): Promise<void> {
  const listed = new Set(paths);
  const folders = new Set(paths.filter((p) => path.posix.basename(p) === 'CURRENT').map((p) => path.posix.dirname(p)));
  for (const folder of folders) {
    let names: string[];
    try {
      names = await fsp.readdir(path.join(root, ...folder.split('/')));
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw new ProfileChangedError(`${folder} disappeared while being archived`, { cause: err });
      throw err;
    }
    const added = names.find((name) => LEVELDB_FILE.test(name) && !listed.has(`${folder}/${name}`));
    if (added !== undefined) throw new ProfileChangedError(`${folder}/${added} appeared while ${folder} was being archived`);
  }
}

/** True when every component of `rel` under `root` is a real folder (no symlink). */
async function isRealDirectory(root: string, rel: string): Promise<boolean> {
  let current = root;
  for (const segment of rel.split('/')) {
    current = path.join(current, segment);
    try {
      const st = await fsp.lstat(current);
      if (!st.isDirectory()) return false;
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return false;
      throw err;
    }
  }
  return true;
}

/** Lists the regular files to archive (relative, `/`-separated); reads nothing. */
async function walk(root: string, rel: string, out: string[]): Promise<void> {
  const entries = await fsp.readdir(path.join(root, ...rel.split('/')), { withFileTypes: true });
  for (const entry of entries) {
    const childRel = `${rel}/${entry.name}`;
    if (entry.isDirectory()) {
      await walk(root, childRel, out);
    } else if (entry.isFile()) {
      if (SKIPPED_FILE_NAMES.has(entry.name)) continue;
      const reason = unsafeEntryNameReason(childRel);
      if (reason) throw unsafe(`Profile file ${JSON.stringify(childRel)} cannot be archived portably: ${reason}`);
      out.push(childRel);
    }
    // Symlinks, sockets, FIFOs and devices are skipped: never followed, never archived.
  }
}

/** Opens a file without following a symlink swapped in since readdir; `null` if it is not a regular file now. */
export async function openRegularFile(file: string): Promise<fsp.FileHandle | null> {
  const flags = fsConstants.O_RDONLY | (fsConstants.O_NOFOLLOW ?? 0) | (fsConstants.O_NONBLOCK ?? 0);
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(file, flags);
  } catch (err) {
    if (isErrno(err, 'ELOOP')) return null;
    throw err;
  }
  if (!(await handle.stat()).isFile()) {
    await handle.close();
    return null;
  }
  return handle;
}
