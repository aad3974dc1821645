/**
 * What identifies a session's logical content, so an unchanged session is not uploaded again:
 * localStorage as the page sees it, plus IndexedDB's files on disk as the file system describes them
 * (name, size, modification time in nanoseconds, inode). No file is read: the backup's archive is the
 * one pass over the profile. LevelDB only ever appends to a file or writes a new one, and each write
 * moves the file's mtime, so an unchanged key means unchanged files; a compaction that rewrites
 * files with the same content changes the key, which costs one upload and loses nothing.
 */
import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { combineDigests, type FileDigest } from '../../archive';
import { isErrno } from '../../util/errno';

/** A key that changes exactly when localStorage (its `localStorageKey`) or the profile's IndexedDB files (`indexedDbKey`) do. */
export function sessionContentKey(itemsKey: string, indexedDb: string): string {
  return `${itemsKey}:${indexedDb}`;
}

/** A key that changes exactly when the profile's IndexedDB files do (described by metadata, none read). */
export async function indexedDbKey(userDataDir: string): Promise<string> {
  const digests: FileDigest[] = [];
  await digestFiles(join(userDataDir, 'Default', 'IndexedDB'), 'Default/IndexedDB', digests);
  return combineDigests(digests);
}

/** A key that changes exactly when the localStorage `entries` do (in any order). */
export function localStorageKey(entries: ReadonlyArray<readonly [string, string]>): string {
  const ls = createHash('sha256');
  for (const [key, value] of [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    ls.update(`${key.length}:${key}${value.length}:${value}`);
  return ls.digest('hex');
}

/** Describes every file under `dir` (LevelDB `LOCK` files aside) by its metadata: nothing is read. */
async function digestFiles(dir: string, rel: string, out: FileDigest[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return;
    throw err;
  }
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) await digestFiles(full, `${rel}/${entry.name}`, out);
    else if (entry.isFile() && entry.name !== 'LOCK') {
      let info;
      try {
        info = await stat(full, { bigint: true });
      } catch (err) {
        // A compaction can remove a file mid-walk; it is simply not part of this state.
        if (isErrno(err, 'ENOENT')) continue;
        throw err;
      }
      const sha256 = createHash('sha256').update(`${info.size}:${info.mtimeNs}:${info.ino}`).digest();
      out.push({ path: `${rel}/${entry.name}`, size: Number(info.size), sha256 });
    }
  }
}
