/**
 * Sessions as data the user owns: a session read from a folder, a store or a file as an archive, and
 * an archive put back into a LocalAuth folder or a store, verified first and never over something
 * that exists unless told. (A live session's archive is `profile/live-export.ts`.)
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createSessionArchive, extractSessionArchive, readArchiveFile, type ArchiveManifest, type SessionArchive } from '../archive';
import { profileInUse } from '../browser/profile-lock';
import { ArchiveError, ErrorCode, InvalidOptionError } from '../errors';
import type { SessionStore, StoredGeneration } from '../stores/types';
import { exists } from '../auth/profile/files';
import { localAuthFolder } from '../auth/profile/profile-options';
import { privateScratch, warnIfExposed } from '../util/private-folder';

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

/**
 * Puts `archive` into `target`. The archive is checked first (every file against the manifest's
 * hashes, inside the archive limits) by extracting it into a temporary folder next to the target,
 * which replaces the target only when complete. An existing target (a folder, or a session with
 * generations) is an `InvalidOptionError` unless `overwrite`. A store target is written as a
 * compare-and-swap on the newest generation listed first (`SaveOptions.ifNewest`): when another
 * writer saved meanwhile, `StoreError` code `GENERATION_CHANGED` and nothing written.
 */
export async function importSession(
  target: ImportTarget,
  archive: Buffer | SessionArchive,
  options: { overwrite?: boolean } = {},
): Promise<ImportResult> {
  const data = Buffer.isBuffer(archive) ? archive : archive?.data;
  if (!Buffer.isBuffer(data) || data.length === 0) throw new InvalidOptionError('archive must be the bytes of a session archive');
  if ('store' in target) {
    const newest = (await target.store.list(target.session))[0]?.generation ?? 0;
    if (!options.overwrite && newest > 0) {
      throw new InvalidOptionError(
        `${target.session} already has backups in the ${target.store.name} store; pass { overwrite: true } to add this one as the newest`,
      );
    }
    // Every file is checked against the manifest before anything is stored.
    const manifest = await verifiedManifest(data);
    // A compare-and-swap on the newest generation seen above: a save that lands meanwhile (a live
    // owner's backup) refuses this one with GENERATION_CHANGED instead of being buried under it.
    const generation = await target.store.save(target.session, data, { ifNewest: newest });
    return { manifest, bytes: data.length, generation };
  }
  const folder = 'folder' in target ? target.folder : localAuthFolder(target.localAuth);
  if (typeof folder !== 'string' || folder === '') throw new InvalidOptionError('target.folder must be a path');
  const present = await exists(folder);
  if (present && !options.overwrite) {
    throw new InvalidOptionError(`${folder} already exists; pass { overwrite: true } to replace it`);
  }
  await mkdir(dirname(folder), { recursive: true, mode: 0o700 });
  // The login lands in the target's parent (made 0700 when missing): one others can read is reported.
  await warnIfExposed(dirname(folder));
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

/** Where `exportSession` and `migrateSession` read a session from. */
export type SessionSource =
  /**
   * A profile folder (a LocalAuth folder, waweb's or whatsapp-web.js's). `live`: copy it even while a
   * Chromium holds it. `clientId`: recorded in the archive's manifest (default: the folder's name).
   */
  | { folder: string; live?: boolean; clientId?: string }
  /** The folder LocalAuth uses for `clientId` under `dataPath`. */
  | { localAuth: { dataPath?: string; clientId?: string }; live?: boolean }
  /** The newest (or the given) generation of `session` in a store: any waweb store, or a whatsapp-web.js-style one behind `WwebjsStoreAdapter`. */
  | { store: SessionStore; session: string; generation?: number }
  /** An archive file. */
  | { file: string };

export interface ExportedSession {
  data: Buffer;
  /** `null` for archives made by whatsapp-web.js. */
  manifest: ArchiveManifest | null;
}

/**
 * The archive's manifest, after extracting it into a private scratch folder (which checks every
 * file against it); the folder is removed afterwards, or by a later run if this one is killed.
 */
async function verifiedManifest(data: Buffer): Promise<ArchiveManifest | null> {
  const scratch = await privateScratch('verify');
  try {
    return (await extractSessionArchive(data, join(scratch.path, 'profile'))).manifest;
  } finally {
    await scratch.remove();
  }
}

/** The bytes of `source`, unchecked; a folder is archived (read only), and refused while in use unless `live`. */
async function sourceBytes(source: SessionSource): Promise<Buffer> {
  if ('store' in source) {
    const loaded = await source.store.load(source.session, source.generation === undefined ? {} : { generation: source.generation });
    if (!loaded) throw new InvalidOptionError(`no backup of ${source.session} in the ${source.store.name} store`);
    return loaded.data;
  }
  if ('file' in source) return readArchiveFile(source.file);
  const folder = 'folder' in source ? source.folder : localAuthFolder(source.localAuth);
  const pid = await profileInUse(folder);
  if (pid !== undefined && source.live !== true) {
    throw new InvalidOptionError(
      `${folder} is in use by Chromium process ${pid}: a copy may miss what it has not written yet, and a login from it would take ` +
        `the session from that browser. Stop it first, or ask for a live copy (live: true; --live on the command line).`,
    );
  }
  const named = 'folder' in source ? source.clientId : undefined;
  const clientId = named ?? (basename(folder).replace(/[^A-Za-z0-9_-]/g, '_') || 'session');
  return (await createSessionArchive(folder, { clientId })).data;
}

/**
 * A session as an archive, from a folder (read, never changed; refused while a Chromium holds it
 * unless `live`), a store or a file. The archive is checked (restored into a scratch folder) before
 * it is returned.
 */
export async function exportSession(source: SessionSource): Promise<ExportedSession> {
  const data = await sourceBytes(source);
  return { data, manifest: await verifiedManifest(data) };
}

export interface MigrateOptions {
  /** Replace (a folder) or add to (a store's session) an existing target. @default false */
  overwrite?: boolean;
}

export interface MigrateResult extends ImportResult {
  /** sha256 of the archive moved; a store target is loaded back and compared with it. */
  sha256: string;
}

/**
 * Copies a session from `source` to `target`, verified: the archive restores into a scratch folder
 * before anything is written, a store target is loaded back and compared byte for byte, and the
 * source is never changed or deleted. An existing target is refused unless `overwrite`.
 */
export async function migrateSession(source: SessionSource, target: ImportTarget, options: MigrateOptions = {}): Promise<MigrateResult> {
  // importSession checks the archive before it writes anything.
  const data = await sourceBytes(source);
  const hash = createHash('sha256').update(data).digest('hex');
  const result = await importSession(target, data, options);
  if ('store' in target && result.generation) {
    const back = await target.store.load(target.session, { generation: result.generation.generation });
    const backHash = back ? createHash('sha256').update(back.data).digest('hex') : undefined;
    if (backHash !== hash) {
      throw new ArchiveError(
        ErrorCode.ARCHIVE_CORRUPT,
        `the copy in the ${target.store.name} store (generation ${result.generation.generation}) does not load back byte for byte; the source is untouched`,
      );
    }
  }
  return { ...result, sha256: hash };
}
