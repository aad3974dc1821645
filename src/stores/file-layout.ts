/**
 * FileStore's files: the names of generations and their temp files, durable folder entries, and
 * the temp file a save streams into before it is linked in as a generation. Knows no numbering,
 * locking or pruning (`file.ts` does).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isErrno } from '../util/errno';
import { throwIfAborted } from './internal';

const GENERATION_DIGITS = 10;
export const GENERATION_FILE = /^(\d{10})\.zip$/;
export const TEMP_PREFIX = '.tmp-';

export function generationFileName(generation: number): string {
  return `${String(generation).padStart(GENERATION_DIGITS, '0')}.zip`;
}

export function sidecarFileName(generation: number): string {
  return `${String(generation).padStart(GENERATION_DIGITS, '0')}.json`;
}

/** A temp file name in `dir` no other writer (in any process) picks. */
export function tempPath(dir: string): string {
  return path.join(dir, `${TEMP_PREFIX}${process.pid}-${randomBytes(8).toString('hex')}`);
}

export async function fsyncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch (err) {
    // Some platforms and file systems cannot open or fsync a directory; the rename is still atomic there.
    if (!isErrno(err, 'EISDIR', 'EINVAL', 'EPERM', 'ENOTSUP', 'EBADF')) throw err;
  } finally {
    await handle?.close();
  }
}

/** Generation numbers present in `dir`, newest first; empty when the folder does not exist. */
export async function readGenerations(dir: string): Promise<number[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return [];
    throw err;
  }
  const generations: number[] = [];
  for (const name of names) {
    const match = GENERATION_FILE.exec(name);
    if (match?.[1]) generations.push(Number(match[1]));
  }
  return generations.sort((a, b) => b - a);
}

/** Makes the entries of folders just created (from `first` down to `last`) durable in their parents. */
export async function syncNewFolders(first: string, last: string): Promise<void> {
  let dir = last;
  for (;;) {
    await fsyncDirectory(path.dirname(dir));
    if (dir === first || path.dirname(dir) === dir) break;
    dir = path.dirname(dir);
  }
}

/**
 * Creates `temp` (exclusively, 0600), writes the chunks of `source` to it as they come and fsyncs
 * it; resolves with the bytes written. When the source fails or `signal` fires, `temp` is removed
 * and the error rethrown. A chunk is written before the next is asked for: memory stays one chunk.
 */
export async function writeTemp(temp: string, source: AsyncIterable<Buffer>, signal: AbortSignal | undefined): Promise<number> {
  const handle = await fs.open(temp, 'wx', 0o600);
  let bytes = 0;
  try {
    try {
      for await (const chunk of source) {
        throwIfAborted(signal, 'FileStore.saveStream');
        for (let at = 0; at < chunk.length;) {
          const { bytesWritten } = await handle.write(chunk, at, chunk.length - at);
          at += bytesWritten;
        }
        bytes += chunk.length;
      }
      throwIfAborted(signal, 'FileStore.saveStream');
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (err) {
    await fs.rm(temp, { force: true });
    throw err;
  }
  return bytes;
}

/** File systems without hard links: exclusive-create the name, then atomically replace it. */
export async function placeWithoutLink(temp: string, final: string): Promise<void> {
  const reserve = await fs.open(final, 'wx', 0o600);
  await reserve.close();
  await fs.rename(temp, final);
}
