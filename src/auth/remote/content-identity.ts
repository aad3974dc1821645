/**
 * What identifies a session's logical content, so an unchanged session is not uploaded again:
 * localStorage as the page sees it, plus IndexedDB's files on disk. Cheap next to a backup: it
 * hashes, streaming, and archives nothing.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { combineDigests, type FileDigest } from '../../archive';
import { isErrno } from '../../util/errno';

/** A key that changes exactly when localStorage `entries` or the profile's IndexedDB files do. */
export async function sessionContentKey(userDataDir: string, entries: ReadonlyArray<[string, string]>): Promise<string> {
  const digests: FileDigest[] = [];
  await digestFiles(join(userDataDir, 'Default', 'IndexedDB'), 'Default/IndexedDB', digests);
  const ls = createHash('sha256');
  for (const [key, value] of [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    ls.update(`${key.length}:${key}${value.length}:${value}`);
  return `${ls.digest('hex')}:${combineDigests(digests)}`;
}

/** Hashes every file under `dir` (LevelDB `LOCK` files aside), streaming: nothing is held in memory. */
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
      const hash = createHash('sha256');
      let size = 0;
      try {
        for await (const chunk of createReadStream(full)) {
          hash.update(chunk as Buffer);
          size += (chunk as Buffer).length;
        }
      } catch (err) {
        // A compaction can remove a file mid-walk; it is simply not part of this state.
        if (isErrno(err, 'ENOENT')) continue;
        throw err;
      }
      out.push({ path: `${rel}/${entry.name}`, size, sha256: hash.digest() });
    }
  }
}
