/**
 * Sessions as data the user owns: an archive of a live session taken under the same consistency rule
 * as RemoteAuth's backups (localStorage flushed through a barrier first), and putting an archive back
 * into a LocalAuth folder or a store, verified first and never over something that exists unless told.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createSessionArchive, extractSessionArchive, readArchiveManifest, type ArchiveManifest, type SessionArchive } from '../archive';
import { InvalidOptionError, NotReadyError } from '../errors';
import type { SessionStore, StoredGeneration } from '../stores/types';
import { assertClientId } from '../util/client-id';
import { isErrno } from '../util/errno';
import { resolveDataPath } from './profile-options';
import { FLUSH_BARRIER_KEY, waitForLocalStorageValue } from './remote/flush';
import type { SessionPage } from './strategy';

export interface ExportLiveOptions {
  /** Recorded in the archive's manifest. */
  clientId: string;
  /** Where the zip is written while it is made. */
  tempDir: string;
  /** How long to wait for localStorage to reach disk. @default 30000 */
  flushTimeoutMs?: number;
  signal?: AbortSignal;
}

/** An archive of the running profile `profileDir`: localStorage reaches disk first, then every file is read once. */
export async function exportLiveProfile(
  page: SessionPage | undefined,
  profileDir: string,
  options: ExportLiveOptions,
): Promise<SessionArchive> {
  if (!page) throw new NotReadyError('exportSession() needs the session open in a page');
  const barrier = `${Date.now()}-${randomBytes(12).toString('hex')}`;
  await page.setLocalStorageItem(FLUSH_BARRIER_KEY, barrier);
  const timeoutMs = options.flushTimeoutMs ?? 30_000;
  await waitForLocalStorageValue(profileDir, barrier, {
    timeoutMs,
    timeoutOption: 'flushTimeoutMs',
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return createSessionArchive(profileDir, { clientId: options.clientId, tempDir: options.tempDir });
}

/** Where `importSession` puts an archive. */
export type ImportTarget =
  /** The folder LocalAuth uses: `<dataPath>/session-<clientId>` (`session` without an id). */
  | { localAuth: { dataPath?: string; clientId?: string } }
  /** A profile folder named directly. */
  | { folder: string }
  /** A new generation of `session` in a store (e.g. `RemoteAuth-<clientId>`). */
  | { store: SessionStore; session: string };

export interface ImportResult {
  /** The archive's manifest (`null` for an archive made by whatsapp-web.js). */
  manifest: ArchiveManifest | null;
  bytes: number;
  /** Files written (folder targets). */
  files?: number;
  /** The generation stored (store targets). */
  generation?: StoredGeneration;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
}

/**
 * Puts `archive` into `target`. The archive is checked first (every file against the manifest's
 * hashes, inside the archive limits) by extracting it into a temporary folder next to the target,
 * which replaces the target only when complete. An existing target (a folder, or a session with
 * generations) is an `InvalidOptionError` unless `overwrite`.
 */
export async function importSession(
  target: ImportTarget,
  archive: Buffer | SessionArchive,
  options: { overwrite?: boolean } = {},
): Promise<ImportResult> {
  const data = Buffer.isBuffer(archive) ? archive : archive?.data;
  if (!Buffer.isBuffer(data) || data.length === 0) throw new InvalidOptionError('archive must be the bytes of a session archive');
  if ('store' in target) {
    if (!options.overwrite && (await target.store.exists(target.session))) {
      throw new InvalidOptionError(
        `${target.session} already has backups in the ${target.store.name} store; pass { overwrite: true } to add this one as the newest`,
      );
    }
    const manifest = await readArchiveManifest(data);
    // A full extraction checks every file against the manifest before anything is stored.
    const scratch = join(tmpdir(), `waweb-import-${randomBytes(6).toString('hex')}`);
    try {
      await extractSessionArchive(data, scratch);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
    const generation = await target.store.save(target.session, data);
    return { manifest, bytes: data.length, generation };
  }
  const folder =
    'folder' in target
      ? target.folder
      : (() => {
          const clientId = assertClientId(target.localAuth.clientId);
          return join(resolveDataPath(target.localAuth.dataPath), clientId === undefined ? 'session' : `session-${clientId}`);
        })();
  if (typeof folder !== 'string' || folder === '') throw new InvalidOptionError('target.folder must be a path');
  const present = await exists(folder);
  if (present && !options.overwrite) {
    throw new InvalidOptionError(`${folder} already exists; pass { overwrite: true } to replace it`);
  }
  await mkdir(dirname(folder), { recursive: true, mode: 0o700 });
  const temp = join(dirname(folder), `.waweb-import-${randomBytes(6).toString('hex')}`);
  try {
    const extracted = await extractSessionArchive(data, temp);
    if (present) await rm(folder, { recursive: true, force: true, maxRetries: 4, retryDelay: 100 });
    await rename(temp, folder);
    return { manifest: extracted.manifest, bytes: extracted.bytes, files: extracted.files };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}
