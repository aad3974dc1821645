/**
 * Sessions as data the user owns: a session read from a folder, a store or a file as an archive, and
 * an archive put back into a LocalAuth folder or a store, verified first and never over something
 * that exists unless told. (A live session's archive is `profile/live-export.ts`.)
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import {
  DEFAULT_ARCHIVE_LIMITS,
  extractSessionArchiveFile,
  spoolArchive,
  writeSessionArchive,
  type ArchiveManifest,
  type SessionArchive,
  type SpooledArchive,
} from '../archive';
import { profileInUse } from '../browser/profile-lock';
import { ArchiveError, ErrorCode, InvalidOptionError, errorMessage } from '../errors';
import { loadStreamFrom, saveStreamTo } from '../stores/stream';
import type { SessionStore, StoredGeneration } from '../stores/types';
import { exists } from '../auth/profile/files';
import { localAuthFolder } from '../auth/profile/profile-options';
import { privateScratch, warnIfExposed, type ScratchFolder } from '../util/private-folder';

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
  return withScratch('import', async (scratch) => importSpooled(target, await spoolTo(scratch, Readable.from([data])), scratch, options));
}

/**
 * `importSession` from an archive already in a private file: read a piece at a time, checked by
 * extracting it, streamed into a store target. Memory stays flat whatever the archive's size.
 */
async function importSpooled(
  target: ImportTarget,
  spooled: SpooledArchive,
  scratch: ScratchFolder,
  options: { overwrite?: boolean },
): Promise<ImportResult> {
  if ('store' in target) {
    const newest = (await target.store.list(target.session))[0]?.generation ?? 0;
    if (!options.overwrite && newest > 0) {
      throw new InvalidOptionError(
        `${target.session} already has backups in the ${target.store.name} store; pass { overwrite: true } to add this one as the newest`,
      );
    }
    // Every file is checked against the manifest before anything is stored.
    const verified = join(scratch.path, 'verified');
    const { manifest } = await extractSessionArchiveFile(spooled.file, verified);
    await rm(verified, { recursive: true, force: true });
    // A compare-and-swap on the newest generation seen above: a save that lands meanwhile (a live
    // owner's backup) refuses this one with GENERATION_CHANGED instead of being buried under it.
    const generation = await saveStreamTo(target.store, target.session, createReadStream(spooled.file), { ifNewest: newest });
    return { manifest, bytes: spooled.bytes, generation };
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
    const extracted = await extractSessionArchiveFile(spooled.file, temp);
    if (present) await rm(folder, { recursive: true, force: true, maxRetries: 4, retryDelay: 100 });
    await rename(temp, folder);
    return { manifest: extracted.manifest, bytes: extracted.bytes, files: extracted.files };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

/** Runs `work` with a private scratch folder (for the spooled archive and its check), removed after. */
async function withScratch<T>(purpose: string, work: (scratch: ScratchFolder) => Promise<T>): Promise<T> {
  const scratch = await privateScratch(purpose);
  try {
    return await work(scratch);
  } finally {
    await scratch.remove();
  }
}

/** Receives an archive stream into the scratch folder's spool file, within the default size limit. */
function spoolTo(scratch: ScratchFolder, source: AsyncIterable<Uint8Array>): Promise<SpooledArchive> {
  return spoolArchive(source, join(scratch.path, `archive-${randomBytes(4).toString('hex')}.zip`), {
    maxCompressedBytes: DEFAULT_ARCHIVE_LIMITS.maxCompressedBytes,
  });
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
 * The archive of `source`, unchecked, streamed into a spool file in `scratch`: a folder is archived
 * (read only), and refused while in use unless `live`; a store's generation is downloaded as a
 * stream; a file is copied (so it cannot change while it is checked).
 */
async function spoolSource(source: SessionSource, scratch: ScratchFolder): Promise<SpooledArchive> {
  if ('store' in source) {
    const loaded = await loadStreamFrom(
      source.store,
      source.session,
      source.generation === undefined ? {} : { generation: source.generation },
    );
    if (!loaded) throw new InvalidOptionError(`no backup of ${source.session} in the ${source.store.name} store`);
    return spoolTo(scratch, loaded.stream);
  }
  if ('file' in source) return spoolTo(scratch, await openArchiveFile(source.file));
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
  return (await writeSessionArchive(folder, (zip) => spoolTo(scratch, zip), { clientId })).result;
}

/** An archive file opened for reading: a missing or unreadable one (or a folder) is an `InvalidOptionError`, as before. */
async function openArchiveFile(file: string): Promise<Readable> {
  const refused = (reason: string, cause?: unknown): InvalidOptionError =>
    new InvalidOptionError(`cannot read ${String(file)}: ${reason}`, cause === undefined ? undefined : { cause });
  if (typeof file !== 'string' || file === '' || file.includes('\0')) throw refused('not a usable path');
  const st = await stat(file).catch((err: unknown) => {
    throw refused(errorMessage(err), err);
  });
  if (st.isDirectory()) throw new InvalidOptionError(`${file} is a folder, not an archive`);
  const stream = createReadStream(file, { highWaterMark: 1024 * 1024 });
  await new Promise<void>((resolve, reject) => {
    stream.once('ready', resolve);
    stream.once('error', (err) => reject(refused(err.message, err)));
  });
  return stream;
}

/** The manifest of a spooled archive, after extracting it into the scratch folder (which checks every file against it). */
async function verifiedManifest(spooled: SpooledArchive, scratch: ScratchFolder): Promise<ArchiveManifest | null> {
  const folder = join(scratch.path, 'verified');
  try {
    return (await extractSessionArchiveFile(spooled.file, folder)).manifest;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/**
 * A session as an archive, from a folder (read, never changed; refused while a Chromium holds it
 * unless `live`), a store or a file. The archive is checked (restored into a scratch folder) before
 * it is returned.
 */
export async function exportSession(source: SessionSource): Promise<ExportedSession> {
  return withScratch('export', async (scratch) => {
    const spooled = await spoolSource(source, scratch);
    const manifest = await verifiedManifest(spooled, scratch);
    return { data: await readFile(spooled.file), manifest };
  });
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
  return withScratch('migrate', async (scratch) => {
    // The archive streams through a private spool file: memory stays flat whatever its size.
    const spooled = await spoolSource(source, scratch);
    // importSpooled checks the archive before it writes anything.
    const result = await importSpooled(target, spooled, scratch, options);
    if ('store' in target && result.generation) {
      const back = await loadStreamFrom(target.store, target.session, { generation: result.generation.generation });
      const backHash = back ? await sha256Of(back.stream) : undefined;
      if (backHash !== spooled.sha256) {
        throw new ArchiveError(
          ErrorCode.ARCHIVE_CORRUPT,
          `the copy in the ${target.store.name} store (generation ${result.generation.generation}) does not load back byte for byte; the source is untouched`,
        );
      }
    }
    return { ...result, sha256: spooled.sha256 };
  });
}

async function sha256Of(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk);
  return hash.digest('hex');
}
