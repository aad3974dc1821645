/**
 * Restoring a session archive (waweb's, or one made by whatsapp-web.js) into a folder, and reading
 * its manifest. Everything is checked against `ArchiveLimits` before and while anything is written;
 * any failure removes exactly what the call created.
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { ArchiveError, ErrorCode, FileSystemError, InvalidOptionError, WawebError, errorMessage } from '../errors';
import { isErrno } from '../util/errno';
import { resolveArchiveLimits, type ArchiveLimits } from './limits';
import { MANIFEST_ENTRY_NAME, combineDigests, type ArchiveManifest, type FileDigest } from './manifest';
import { SessionDataProbe } from './session-data';
import {
  Budget,
  EntryMeter,
  checkDataEntries,
  corrupt,
  findManifest,
  planEntries,
  readCentralDirectory,
  shown,
  translateStreamError,
  unsafe,
  verifyEntry,
  writeEntryData,
  type PlannedEntry,
} from './zip-read';
import { openZip, openZipFile, openZipFileIfUnchanged, type ExpectedFile, type OpenedZip } from './zip-open';
import { spoolArchive } from './spool';

export interface ExtractSessionArchiveOptions extends Partial<ArchiveLimits> {
  /** Fail with `ARCHIVE_VERSION` when the archive has no `waweb-manifest.json`. @default false (whatsapp-web.js archives have none) */
  requireManifest?: boolean;
}

/** Limits for `readArchiveManifest` (the data limits do not apply: nothing but the manifest is inflated). */
export type ReadArchiveManifestOptions = Partial<ArchiveLimits>;

export interface ExtractedSessionArchive {
  /** The archive's manifest, `null` for archives without one (made by whatsapp-web.js). */
  manifest: ArchiveManifest | null;
  /** Files written. */
  files: number;
  /** Bytes written. */
  bytes: number;
}

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;
/** Linux's PATH_MAX less the terminating NUL: no absolute path longer than this can be opened. */
const MAX_ABSOLUTE_PATH_BYTES = 4095;

/**
 * Reads just the manifest: the central directory and one small entry, no other data
 * inflated. `null` for archives without one (made by whatsapp-web.js).
 * Errors: `ARCHIVE_CORRUPT` (not a zip, damaged manifest), `ARCHIVE_UNSAFE` (unsafe
 * entry names anywhere), `ARCHIVE_TOO_LARGE` (`maxCompressedBytes`, `maxEntries`, `maxFolders`),
 * `ARCHIVE_VERSION` (unknown format or version).
 */
export async function readArchiveManifest(data: Buffer, options: ReadArchiveManifestOptions = {}): Promise<ArchiveManifest | null> {
  const limits = resolveArchiveLimits(options);
  const opened = await openZip(data, limits);
  try {
    const planned = planEntries(await readCentralDirectory(opened.zip, limits.maxEntries), limits);
    const manifestEntries = planned.filter((p) => p.kind === 'manifest');
    await checkDataEntries(opened.zip, manifestEntries);
    return await findManifest(opened.source, planned, []);
  } finally {
    await opened.close();
  }
}

/** Tracks everything one extraction creates so a failure can remove exactly that. */
class ExtractionTarget {
  /** Paths to remove on rollback: the top-most things this extraction created. */
  private readonly created: string[] = [];
  private readonly dirs = new Set<string>();
  private readonly rootBytes: number;

  constructor(
    private readonly root: string,
    private readonly rootExists: boolean,
  ) {
    this.rootBytes = Buffer.byteLength(root, 'utf8');
  }

  async open(): Promise<void> {
    if (this.rootExists) return;
    const first = await fsp.mkdir(this.root, { recursive: true, mode: DIR_MODE });
    if (first !== undefined) this.created.push(first);
  }

  private abs(relPath: string): string {
    if (this.rootBytes + 1 + Buffer.byteLength(relPath, 'utf8') > MAX_ABSOLUTE_PATH_BYTES) {
      throw unsafe(`Entry ${shown(relPath)} under ${this.root} would be longer than the ${MAX_ABSOLUTE_PATH_BYTES} bytes a path may have`);
    }
    const abs = path.join(this.root, ...relPath.split('/'));
    const back = path.relative(this.root, abs);
    if (back === '' || back.startsWith('..') || path.isAbsolute(back)) throw unsafe(`Entry ${shown(relPath)} resolves outside the target`);
    return abs;
  }

  /**
   * Creates each missing folder of `relPath` itself (not `recursive`, so nothing pre-existing is
   * reused), walking up only to the first folder already made.
   */
  async ensureDir(relPath: string): Promise<void> {
    const missing: string[] = [];
    for (let dir = relPath; dir !== '' && !this.dirs.has(dir);) {
      missing.push(dir);
      const slash = dir.lastIndexOf('/');
      dir = slash === -1 ? '' : dir.slice(0, slash);
    }
    for (const dir of missing.reverse()) {
      const abs = this.abs(dir);
      await fsp.mkdir(abs, { mode: DIR_MODE });
      this.dirs.add(dir);
      if (!dir.includes('/')) this.created.push(abs);
    }
  }

  /** Writes one file: `copy` gets the file's stream as soon as it is made (see `writeEntryData`). */
  async writeFile(relPath: string, copy: (out: Writable) => Promise<void>): Promise<void> {
    const slash = relPath.lastIndexOf('/');
    if (slash > 0) await this.ensureDir(relPath.slice(0, slash));
    const abs = this.abs(relPath);
    // 'wx': never overwrite and never write through an existing symlink.
    const handle = await fsp.open(abs, 'wx', FILE_MODE);
    if (slash <= 0) this.created.push(abs);
    // The stream closes the handle when it ends or fails.
    await copy(handle.createWriteStream({ highWaterMark: 1024 * 1024 }));
  }

  async rollback(): Promise<void> {
    await Promise.allSettled(this.created.map((p) => fsp.rm(p, { recursive: true, force: true, maxRetries: 3 })));
  }
}

/** Whether `dir` is usable as a target: `false` if absent, `true` if an empty folder, else InvalidOptionError. */
async function checkTarget(dir: string): Promise<boolean> {
  if (dir.includes('\0')) throw new InvalidOptionError('Target folder path contains a NUL character');
  let st;
  try {
    st = await fsp.stat(dir);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw new InvalidOptionError(`Target folder ${dir} cannot be read`, { cause: err });
  }
  if (!st.isDirectory()) throw new InvalidOptionError(`Target ${dir} exists and is not a folder`);
  if ((await fsp.readdir(dir)).length > 0) throw new InvalidOptionError(`Target folder ${dir} is not empty`);
  return true;
}

/** A file-system error while writing becomes a typed one: the archive's fault, or the disk's. */
function typedWriteError(err: unknown): unknown {
  if (err instanceof WawebError) return err;
  if (isErrno(err, 'ENAMETOOLONG'))
    return new ArchiveError(ErrorCode.ARCHIVE_UNSAFE, 'Session archive holds a path this file system cannot hold', { cause: err });
  if (typeof err === 'object' && err !== null && 'syscall' in err) {
    return new FileSystemError(`Writing the restored session failed: ${errorMessage(err)}`, { cause: err });
  }
  return err;
}

const empty = (): ArchiveError =>
  new ArchiveError(ErrorCode.ARCHIVE_EMPTY, "Session archive holds no session data (no IndexedDB or localStorage of the app's origin)");

/**
 * Restores a session archive (waweb's, or one made by whatsapp-web.js) into
 * `targetDir`, which must be an empty or absent folder.
 *
 * Before anything is written the whole central directory is checked: unsafe names
 * (`..`, absolute, drive letters, backslashes, control characters), names or segments past
 * `maxPathBytes`/`maxSegmentBytes`, symlink or special entries, duplicates (also once case and
 * Unicode normalization are ignored), overlapping entries → `ARCHIVE_UNSAFE`; the archive's size,
 * entry count, folder count and declared sizes → `ARCHIVE_TOO_LARGE`; the manifest's
 * `format`/`version` → `ARCHIVE_VERSION`; unreadable zip → `ARCHIVE_CORRUPT`; no session data
 * → `ARCHIVE_EMPTY`. While writing, inflated bytes are counted (headers are not trusted): an entry
 * inflating past its declared size stops at once (`ARCHIVE_CORRUPT`), and every entry's size and
 * CRC-32 are checked; at the end the manifest's `contentHash`, `files` and `bytes` are, and that
 * session data was written. File-system failures are `FileSystemError` (`FILESYSTEM`). On any
 * error everything this call created is removed. Only entries under `Default/IndexedDB/` and
 * `Default/Local Storage/` are written (files 0o600, folders 0o700); the manifest is read, not
 * written; other entries are ignored.
 */
export async function extractSessionArchive(
  data: Buffer,
  targetDir: string,
  options: ExtractSessionArchiveOptions = {},
): Promise<ExtractedSessionArchive> {
  const limits = resolveArchiveLimits(options);
  const { root, rootExists } = await resolveTarget(targetDir);
  return extractOpenedZip(await openZip(data, limits), root, rootExists, limits, options);
}

/**
 * `extractSessionArchive` from a zip file (`file`), read a piece at a time: memory stays flat
 * whatever the archive's size. Same checks, errors and rollback; a file that cannot be read is a
 * `FileSystemError`.
 */
export async function extractSessionArchiveFile(
  file: string,
  targetDir: string,
  options: ExtractSessionArchiveOptions = {},
): Promise<ExtractedSessionArchive> {
  const limits = resolveArchiveLimits(options);
  const { root, rootExists } = await resolveTarget(targetDir);
  return extractOpenedZip(await openZipFile(file, limits), root, rootExists, limits, options);
}

/**
 * A store's generation kept as a local file (`localFileOf`), opened where it is: `null` when the file
 * is gone or was replaced since (the caller reads the store's stream instead). Open it while that
 * stream is still open, then `extractOpenedArchive`.
 */
export function openArchiveInPlace(file: string, expected: ExpectedFile, options: Partial<ArchiveLimits> = {}): Promise<OpenedZip | null> {
  return openZipFileIfUnchanged(file, resolveArchiveLimits(options), expected);
}

/** `extractSessionArchiveFile` for a zip `openArchiveInPlace` opened; it is closed whatever happens. */
export async function extractOpenedArchive(
  opened: OpenedZip,
  targetDir: string,
  options: ExtractSessionArchiveOptions = {},
): Promise<ExtractedSessionArchive> {
  const limits = resolveArchiveLimits(options);
  let target: { root: string; rootExists: boolean };
  try {
    target = await resolveTarget(targetDir);
  } catch (err) {
    await opened.close();
    throw err;
  }
  return extractOpenedZip(opened, target.root, target.rootExists, limits, options);
}

async function extractOpenedZip(
  opened: OpenedZip,
  root: string,
  rootExists: boolean,
  limits: ArchiveLimits,
  options: ExtractSessionArchiveOptions,
): Promise<ExtractedSessionArchive> {
  try {
    return await extractZip(opened, root, rootExists, limits, options);
  } finally {
    await opened.close();
  }
}

export interface ExtractSessionArchiveStreamOptions extends ExtractSessionArchiveOptions {
  /**
   * Where the archive is kept while it arrives (created, then removed). @default a private file
   * beside `targetDir` (`.<name>.spool-<random>.zip`)
   */
  spoolFile?: string;
  /** Stops receiving the archive with an `AbortError`. */
  signal?: AbortSignal;
}

export interface ExtractedSessionArchiveStream extends ExtractedSessionArchive {
  /** Zip bytes received. */
  archiveBytes: number;
  /** sha256 of the zip bytes received, hex. */
  sha256: string;
}

/**
 * `extractSessionArchive` from a stream (a store's streaming load): the stream lands in a private
 * spool file as it arrives (`maxCompressedBytes` enforced as it does, the rest left unread), then
 * is extracted from it with every check, a piece at a time. Nothing of an archive that is truncated,
 * damaged or over a limit is left in `targetDir`; the spool file is always removed. A failure of the
 * stream itself is rethrown as it is.
 */
export async function extractSessionArchiveStream(
  source: AsyncIterable<Uint8Array>,
  targetDir: string,
  options: ExtractSessionArchiveStreamOptions = {},
): Promise<ExtractedSessionArchiveStream> {
  const limits = resolveArchiveLimits(options);
  const { root } = await resolveTarget(targetDir);
  const spoolFile =
    options.spoolFile ?? path.join(path.dirname(root), `.${path.basename(root)}.spool-${randomBytes(6).toString('hex')}.zip`);
  const spooled = await spoolArchive(source, spoolFile, { maxCompressedBytes: limits.maxCompressedBytes, signal: options.signal });
  try {
    const extracted = await extractSessionArchiveFile(spooled.file, targetDir, options);
    return { ...extracted, archiveBytes: spooled.bytes, sha256: spooled.sha256 };
  } finally {
    await fsp.rm(spooled.file, { force: true });
  }
}

async function resolveTarget(targetDir: string): Promise<{ root: string; rootExists: boolean }> {
  if (typeof targetDir !== 'string' || targetDir === '') throw new InvalidOptionError('targetDir must be a non-empty path');
  const root = path.resolve(targetDir);
  return { root, rootExists: await checkTarget(root) };
}

/** Everything after the zip is open: the checks, the writing, the verification, the rollback. */
async function extractZip(
  { zip, source }: OpenedZip,
  root: string,
  rootExists: boolean,
  limits: ArchiveLimits,
  options: ExtractSessionArchiveOptions,
): Promise<ExtractedSessionArchive> {
  const planned = planEntries(await readCentralDirectory(zip, limits.maxEntries), limits);
  const toRead = planned.filter((p) => p.kind === 'file' || p.kind === 'manifest');
  const declared = toRead.reduce((sum, p) => sum + p.entry.uncompressedSize, 0);
  if (declared > limits.maxUncompressedBytes) {
    throw new ArchiveError(
      ErrorCode.ARCHIVE_TOO_LARGE,
      `Session archive declares ${declared} bytes, more than maxUncompressedBytes (${limits.maxUncompressedBytes})`,
    );
  }
  await checkDataEntries(zip, toRead);

  const budget = new Budget(limits.maxUncompressedBytes, 'maxUncompressedBytes');
  const manifest = await findManifest(source, planned, [budget]);
  if (manifest === null && options.requireManifest === true) {
    throw new ArchiveError(ErrorCode.ARCHIVE_VERSION, `Session archive has no ${MANIFEST_ENTRY_NAME} and requireManifest is set`);
  }
  if (!planned.some((p) => p.kind === 'file' && p.entry.uncompressedSize > 0 && SessionDataProbe.relevant(p.relPath))) throw empty();

  const target = new ExtractionTarget(root, rootExists);
  try {
    await target.open();
    for (const p of planned) if (p.kind === 'dir') await target.ensureDir(p.relPath);
    const probe = new SessionDataProbe();
    const digests = await writeFiles(source, planned, target, budget, probe);
    const bytes = digests.reduce((sum, d) => sum + d.size, 0);
    if (manifest) {
      if (manifest.files !== digests.length || manifest.bytes !== bytes) {
        throw corrupt(
          `Session archive holds ${digests.length} files / ${bytes} bytes, its manifest says ${manifest.files} / ${manifest.bytes}`,
        );
      }
      if (combineDigests(digests) !== manifest.contentHash) {
        throw corrupt('Session archive content does not match the contentHash in its manifest');
      }
    }
    if (!probe.found) throw empty();
    return { manifest, files: digests.length, bytes };
  } catch (err) {
    await target.rollback();
    throw typedWriteError(err);
  }
}

async function writeFiles(
  source: OpenedZip['source'],
  planned: readonly PlannedEntry[],
  target: ExtractionTarget,
  budget: Budget,
  probe: SessionDataProbe,
): Promise<FileDigest[]> {
  const digests: FileDigest[] = [];
  for (const p of planned) {
    if (p.kind !== 'file') continue;
    const meter = new EntryMeter(p, [budget], probe);
    try {
      await target.writeFile(p.relPath, (out) => writeEntryData(source, p, meter, out));
    } catch (err) {
      throw translateStreamError(err, p.relPath);
    }
    verifyEntry(p, meter);
    digests.push({ path: p.relPath, size: meter.size, sha256: meter.hash.digest() });
  }
  return digests;
}
