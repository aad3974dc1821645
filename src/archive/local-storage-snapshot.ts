/**
 * The page's localStorage carried in an archive as JSON, next to Chromium's own files.
 *
 * Chromium writes localStorage to disk lazily (about a second after a change with
 * `--enable-aggressive-domstorage-flushing`, up to a minute without), while IndexedDB is on disk
 * as soon as a transaction commits. A backup taken right after `ready` therefore carries the items
 * read from the live page, and a restore writes them back before the app's first script runs.
 * The file sits inside `Default/Local Storage/`, so every tool that copies that folder (and
 * whatsapp-web.js's RemoteAuth) carries it along; Chromium ignores it.
 *
 * In a profile the file means "localStorage on disk may lack these items": it is removed once
 * Chromium is known to have written them (a flush barrier passed, or a clean close).
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { ArchiveError, ErrorCode } from '../errors';
import { writeFileAtomic } from '../util/atomic-write';
import { isErrno } from '../util/errno';
import { APP_ORIGIN } from './session-data';

/** Where the snapshot sits, relative to the user-data-dir (and as an archive entry). */
export const LOCAL_STORAGE_SNAPSHOT = 'Default/Local Storage/waweb-local-storage.json';
const FORMAT = 'waweb-local-storage';
/** Chromium allows 10 MiB of localStorage per origin (5 Mi UTF-16 characters); JSON can double it. */
const MAX_SNAPSHOT_BYTES = 24 * 1024 * 1024;

export function serializeLocalStorageSnapshot(items: ReadonlyArray<readonly [string, string]>): Buffer {
  return Buffer.from(JSON.stringify({ format: FORMAT, version: 1, origin: APP_ORIGIN, items }), 'utf8');
}

function corrupt(message: string, cause?: unknown): ArchiveError {
  return new ArchiveError(ErrorCode.ARCHIVE_CORRUPT, message, cause === undefined ? undefined : { cause });
}

/** Parses a snapshot; anything but `{ format, version: 1, origin, items: [[string, string], ...] }` is `ARCHIVE_CORRUPT`. */
export function parseLocalStorageSnapshot(data: Buffer): Array<[string, string]> {
  if (data.length > MAX_SNAPSHOT_BYTES) throw corrupt(`${LOCAL_STORAGE_SNAPSHOT} is ${data.length} bytes, more than ${MAX_SNAPSHOT_BYTES}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString('utf8'));
  } catch (err) {
    throw corrupt(`${LOCAL_STORAGE_SNAPSHOT} is not valid JSON`, err);
  }
  const doc = parsed as { format?: unknown; version?: unknown; origin?: unknown; items?: unknown } | null;
  if (typeof doc !== 'object' || doc === null || doc.format !== FORMAT || doc.version !== 1 || doc.origin !== APP_ORIGIN) {
    throw corrupt(`${LOCAL_STORAGE_SNAPSHOT} is not a version 1 snapshot of ${APP_ORIGIN}`);
  }
  if (!Array.isArray(doc.items)) throw corrupt(`${LOCAL_STORAGE_SNAPSHOT} has no items list`);
  const items: Array<[string, string]> = [];
  for (const item of doc.items as unknown[]) {
    if (!Array.isArray(item) || item.length !== 2 || typeof item[0] !== 'string' || typeof item[1] !== 'string') {
      throw corrupt(`${LOCAL_STORAGE_SNAPSHOT} holds an item that is not a [key, value] pair of strings`);
    }
    items.push([item[0], item[1]]);
  }
  return items;
}

function snapshotPath(profileDir: string): string {
  return path.join(profileDir, ...LOCAL_STORAGE_SNAPSHOT.split('/'));
}

/** The snapshot a restore left in `profileDir` (items still to write back), or `undefined`. */
export async function readLocalStorageSnapshot(profileDir: string): Promise<Array<[string, string]> | undefined> {
  let data: Buffer;
  try {
    data = await fsp.readFile(snapshotPath(profileDir));
  } catch (err) {
    if (isErrno(err, 'ENOENT', 'ENOTDIR')) return undefined;
    throw err;
  }
  return parseLocalStorageSnapshot(data);
}

/** Leaves `items` in `profileDir` to be written back by the next start (atomically, 0600). */
export async function writeLocalStorageSnapshot(profileDir: string, items: ReadonlyArray<readonly [string, string]>): Promise<void> {
  const file = snapshotPath(profileDir);
  await fsp.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, serializeLocalStorageSnapshot(items));
}

/** Removes the snapshot from a profile whose localStorage on disk is known to be complete. */
export async function removeLocalStorageSnapshot(profileDir: string): Promise<void> {
  await fsp.rm(snapshotPath(profileDir), { force: true });
}
