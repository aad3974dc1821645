/**
 * Session archives: the zip RemoteAuth backs up and restores.
 *
 * Layout (compatible with whatsapp-web.js RemoteAuth both ways):
 *   Default/IndexedDB/**           (paths relative to the Chromium user-data-dir)
 *   Default/Local Storage/**
 *   waweb-manifest.json            (last; waweb only; whatsapp-web.js ignores it)
 *
 * Making one never follows symlinks; restoring one validates the whole central
 * directory before anything is written and removes what it wrote on any error.
 */
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { constants as fsConstants, createWriteStream, promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw, crc32 } from 'node:zlib';
import * as yauzl from 'yauzl';
import * as yazl from 'yazl';
import { ArchiveError, ErrorCode, InvalidOptionError, WawebError } from '../../errors';
import { SESSION_DIRS, SKIPPED_FILE_NAMES, isSessionPath, unsafeEntryNameReason } from './archive-paths';
import {
  ARCHIVE_FORMAT,
  ARCHIVE_FORMAT_VERSION,
  MANIFEST_ENTRY_NAME,
  combineDigests,
  comparePaths,
  parseManifest,
  serializeManifest,
  type ArchiveManifest,
  type FileDigest,
} from './manifest';
import { isErrno } from '../../util/errno';

export type { ArchiveManifest } from './manifest';
export { computeContentHash, MANIFEST_ENTRY_NAME, ARCHIVE_FORMAT, ARCHIVE_FORMAT_VERSION } from './manifest';
export { SESSION_DIRS } from './archive-paths';

export interface CreateSessionArchiveOptions {
  /** Client id recorded in the manifest. Letters, digits, `_` and `-` (whatsapp-web.js's rule). */
  clientId: string;
  /** Time recorded as the manifest's `createdAt`. @default new Date() */
  now?: Date;
  /** Folder for the temporary zip while it is being written. @default os.tmpdir() */
  tempDir?: string;
}

export interface SessionArchive {
  /** The zip's bytes. */
  data: Buffer;
  manifest: ArchiveManifest;
}

export interface ExtractSessionArchiveOptions {
  /** Stop with `ARCHIVE_TOO_LARGE` once this many bytes have been inflated (counted, not taken from headers). @default 512 MiB */
  maxUncompressedBytes?: number;
  /** Stop with `ARCHIVE_TOO_LARGE` when the archive has more entries than this. @default 100_000 */
  maxEntries?: number;
  /** Fail with `ARCHIVE_VERSION` when the archive has no `waweb-manifest.json`. @default false (whatsapp-web.js archives have none) */
  requireManifest?: boolean;
}

export interface ExtractedSessionArchive {
  /** The archive's manifest, `null` for archives without one (made by whatsapp-web.js). */
  manifest: ArchiveManifest | null;
  /** Files written. */
  files: number;
  /** Bytes written. */
  bytes: number;
}

export const DEFAULT_MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024;
export const DEFAULT_MAX_ENTRIES = 100_000;

/** How many times the profile walk restarts when a file vanishes under it (LevelDB compaction). */
const MAX_WALK_ATTEMPTS = 5;
/** The manifest is a few hundred bytes; anything near this is not ours. */
const MAX_MANIFEST_BYTES = 64 * 1024;
/** Fixed entry time so equal content gives equal zip bytes. Built from local fields: DOS times are local. */
const FIXED_MTIME = new Date(2000, 0, 1, 0, 0, 0);
const FILE_ENTRY_MODE = 0o100600;
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;
const CLIENT_ID = /^[-_\w]+$/;

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

function corrupt(message: string, cause?: unknown): ArchiveError {
  return new ArchiveError(ErrorCode.ARCHIVE_CORRUPT, message, cause === undefined ? undefined : { cause });
}
function unsafe(message: string): ArchiveError {
  return new ArchiveError(ErrorCode.ARCHIVE_UNSAFE, message);
}
function tooLarge(message: string): ArchiveError {
  return new ArchiveError(ErrorCode.ARCHIVE_TOO_LARGE, message);
}

// ---------------------------------------------------------------------------
// Making an archive
// ---------------------------------------------------------------------------

/**
 * Zips a Chromium profile's `Default/IndexedDB` and `Default/Local Storage` plus a
 * manifest. Files are streamed one at a time, hashed as they pass, into a temporary
 * zip file (in `tempDir`), so memory stays near the size of the finished zip whatever
 * the profile's size. Entries come in a fixed order (folder by folder, `CURRENT` and
 * `MANIFEST-*` first in each, see `compareArchiveOrder`) and carry a fixed time and mode,
 * so the same files (and the same `now`) give byte-identical zips and always the same
 * `contentHash`. The manifest is the last entry: it records the hash of exactly the bytes archived.
 *
 * Symlinks and special files inside the profile are skipped, never followed; LevelDB
 * `LOCK` files are skipped (see `SKIPPED_FILE_NAMES`); empty folders are not archived
 * (Chromium recreates them). A file that disappears mid-walk (LevelDB compaction), or a
 * LevelDB data or MANIFEST file that appears in an archived LevelDB folder while it is
 * read, restarts the walk, up to 5 times, then `ARCHIVE_CORRUPT` with the last cause.
 * Other I/O errors reading the profile are thrown as Node raised them.
 */
export async function createSessionArchive(profileDir: string, options: CreateSessionArchiveOptions): Promise<SessionArchive> {
  const { clientId } = options;
  if (typeof clientId !== 'string' || !CLIENT_ID.test(clientId)) {
    throw new InvalidOptionError(`options.clientId must be letters, digits, "_" or "-", got ${JSON.stringify(clientId)}`);
  }
  const now = options.now ?? new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw new InvalidOptionError('options.now must be a valid Date');
  }
  const root = path.resolve(profileDir);
  let rootStat;
  try {
    rootStat = await fsp.stat(root);
  } catch (err) {
    throw new InvalidOptionError(`Profile folder ${root} cannot be read`, { cause: err });
  }
  if (!rootStat.isDirectory()) throw new InvalidOptionError(`Profile path ${root} is not a folder`);
  const tempDir = path.resolve(options.tempDir ?? os.tmpdir());

  let lastError: unknown;
  for (let attempt = 0; attempt < MAX_WALK_ATTEMPTS; attempt++) {
    const zipPath = path.join(tempDir, `${ARCHIVE_TEMP_PREFIX}${process.pid}-${PROCESS_TOKEN}-${randomBytes(6).toString('hex')}.zip`);
    try {
      const paths: string[] = [];
      for (const dir of SESSION_DIRS) {
        if (await isRealDirectory(root, dir)) await walk(root, dir, paths);
      }
      paths.sort(compareArchiveOrder);
      const manifest = await writeZip(root, paths, zipPath, (digests) => ({
        format: ARCHIVE_FORMAT,
        version: ARCHIVE_FORMAT_VERSION,
        clientId,
        createdAt: now.toISOString(),
        contentHash: combineDigests(digests),
        files: digests.length,
        bytes: digests.reduce((sum, d) => sum + d.size, 0),
      }));
      await checkNoNewLevelDbFiles(root, paths);
      const data = await fsp.readFile(zipPath);
      return { data, manifest };
    } catch (err) {
      if (!isErrno(err, 'ENOENT') && !(err instanceof ProfileChangedError)) throw err;
      lastError = err;
    } finally {
      await fsp.rm(zipPath, { force: true });
    }
  }
  throw corrupt(`Profile files kept changing while being archived (${MAX_WALK_ATTEMPTS} attempts)`, lastError);
}

/**
 * Temporary zips are named `.waweb-archive-<pid>-<token>-<random>.zip`, where `<token>` is drawn
 * once per process: a pid alone is reused (in containers the process is often pid 1 on every
 * start), the token is not.
 */
export const ARCHIVE_TEMP_PREFIX = '.waweb-archive-';
const PROCESS_TOKEN = randomBytes(8).toString('hex');

/**
 * Whether `name` (a file name, no folder) is a temporary zip of `createSessionArchive`, and if so
 * whether this process made it. `null` for other names. Names from before the token was added
 * (`.waweb-archive-<pid>-<random>.zip`) count as another process's.
 */
export function archiveTempOwner(name: string): { ours: boolean } | null {
  const m = /^\.waweb-archive-\d+-(?:([0-9a-f]{16})-)?[0-9a-f]{12}\.zip$/.exec(name);
  if (!m) return null;
  return { ours: m[1] === PROCESS_TOKEN };
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
function compareArchiveOrder(a: string, b: string): number {
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
class ProfileChangedError extends Error {}

/**
 * Closes the remaining gap after reading: a LevelDB folder that gained a data or MANIFEST file
 * since it was listed may have an archived MANIFEST that names it (a compaction finished between
 * the listing and the MANIFEST read, and the files it replaced were read before they were
 * deleted). Any such new file restarts the walk.
 */
async function checkNoNewLevelDbFiles(root: string, paths: readonly string[]): Promise<void> {
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
async function openRegularFile(file: string): Promise<fsp.FileHandle | null> {
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

/** Counts and hashes what streams through it. */
class DigestStream extends Transform {
  readonly hash: Hash = createHash('sha256');
  size = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    done(null, chunk);
  }
}

/**
 * Streams `paths` into a zip at `zipPath`, one file at a time, then appends the
 * manifest made from their digests. Resolves with that manifest.
 */
async function writeZip(
  root: string,
  paths: readonly string[],
  zipPath: string,
  makeManifest: (digests: FileDigest[]) => ArchiveManifest,
): Promise<ArchiveManifest> {
  const zip = new yazl.ZipFile();
  const out = createWriteStream(zipPath, { flags: 'wx', mode: 0o600 });
  const written = pipeline(zip.outputStream, out);
  written.catch(() => undefined);
  const entryOptions = { mtime: FIXED_MTIME, mode: FILE_ENTRY_MODE, forceDosTimestamp: true, compress: true };
  const digests: FileDigest[] = [];
  try {
    for (const rel of paths) {
      const handle = await openRegularFile(path.join(root, ...rel.split('/')));
      if (!handle) continue;
      const digest = new DigestStream();
      const source = handle.createReadStream({ autoClose: true });
      const consumed = new Promise<void>((resolve, reject) => {
        digest.once('end', resolve);
        digest.once('error', reject);
        source.once('error', reject);
      });
      zip.addReadStream(source.pipe(digest), rel, entryOptions);
      // yazl reads entries in order; waiting here keeps one file open and in flight at a time.
      await consumed;
      digests.push({ path: rel, size: digest.size, sha256: digest.hash.digest() });
    }
    const manifest = makeManifest(digests);
    zip.addBuffer(serializeManifest(manifest), MANIFEST_ENTRY_NAME, entryOptions);
    zip.end();
    await written;
    return manifest;
  } catch (err) {
    zip.outputStream.unpipe(out);
    out.destroy();
    await written.catch(() => undefined);
    throw err;
  }
}

// ---------------------------------------------------------------------------
// Reading an archive
// ---------------------------------------------------------------------------

type EntryKind = 'manifest' | 'file' | 'dir' | 'ignored';

interface PlannedEntry {
  entry: yauzl.Entry;
  /** Decoded name without a trailing `/`. */
  relPath: string;
  kind: EntryKind;
  /** Set for entries whose data will be read. */
  dataStart?: number;
}

async function openZip(data: Buffer): Promise<yauzl.ZipFile> {
  if (!Buffer.isBuffer(data)) throw new InvalidOptionError('Session archive data must be a Buffer');
  try {
    return await yauzl.fromBufferPromise(data, {
      lazyEntries: true,
      autoClose: false,
      // Names are decoded and checked here (typed errors, no silent `\` → `/` rewrite).
      decodeStrings: false,
      // Sizes are checked here against bytes actually inflated.
      validateEntrySizes: false,
    });
  } catch (err) {
    throw corrupt('Session archive is not a readable zip (truncated or damaged)', err);
  }
}

async function readCentralDirectory(zip: yauzl.ZipFile, maxEntries: number): Promise<yauzl.Entry[]> {
  if (zip.entryCount > maxEntries) {
    throw tooLarge(`Session archive has ${zip.entryCount} entries, more than maxEntries (${maxEntries})`);
  }
  const entries: yauzl.Entry[] = [];
  try {
    for await (const entry of zip.eachEntry()) {
      entries.push(entry);
      if (entries.length > maxEntries) {
        throw tooLarge(`Session archive has more entries than maxEntries (${maxEntries})`);
      }
    }
  } catch (err) {
    if (err instanceof WawebError) throw err;
    throw corrupt('Session archive has a damaged central directory', err);
  }
  return entries;
}

/** Classifies every entry and rejects anything unsafe in the whole archive, written or not. */
function planEntries(entries: readonly yauzl.Entry[]): PlannedEntry[] {
  const planned: PlannedEntry[] = [];
  const exact = new Set<string>();
  for (const entry of entries) {
    const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
    const reason = unsafeEntryNameReason(name);
    if (reason) throw unsafe(`Unsafe entry ${JSON.stringify(name)}: ${reason}`);
    const type = (entry.externalFileAttributes >>> 16) & S_IFMT;
    if (type === S_IFLNK) throw unsafe(`Entry ${JSON.stringify(name)} is a symlink`);
    if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) throw unsafe(`Entry ${JSON.stringify(name)} is a special file`);
    const isDir = name.endsWith('/') || type === S_IFDIR;
    const relPath = name.endsWith('/') ? name.slice(0, -1) : name;
    if (exact.has(relPath)) throw unsafe(`Duplicate entry ${JSON.stringify(relPath)}`);
    exact.add(relPath);

    let kind: EntryKind = 'ignored';
    if (relPath === MANIFEST_ENTRY_NAME) kind = isDir ? 'ignored' : 'manifest';
    else if (isDir && isSessionPath(relPath)) kind = 'dir';
    else if (!isDir && isSessionPath(relPath) && !(SESSION_DIRS as readonly string[]).includes(relPath)) kind = 'file';
    planned.push({ entry, relPath, kind });
  }

  // What gets written must not collide on a case-insensitive file system, and no
  // file may sit where a folder is needed.
  const written = planned.filter((p) => p.kind === 'file' || p.kind === 'dir');
  const folded = new Set<string>();
  const fileKeys = new Set<string>();
  for (const p of written) {
    const key = p.relPath.toLowerCase();
    if (folded.has(key)) throw unsafe(`Entries collide on a case-insensitive file system: ${JSON.stringify(p.relPath)}`);
    folded.add(key);
    if (p.kind === 'file') fileKeys.add(key);
  }
  for (const p of written) {
    const segments = p.relPath.toLowerCase().split('/');
    for (let i = 1; i < segments.length; i++) {
      if (fileKeys.has(segments.slice(0, i).join('/'))) {
        throw unsafe(`Entry ${JSON.stringify(p.relPath)} needs a folder where the archive has a file`);
      }
    }
  }
  return planned;
}

/** Checks what the data-bearing entries declare and where their data lies; no inflating yet. */
async function checkDataEntries(zip: yauzl.ZipFile, toRead: readonly PlannedEntry[]): Promise<void> {
  for (const p of toRead) {
    const { entry } = p;
    if ((entry.generalPurposeBitFlag & 0x1) !== 0) throw corrupt(`Entry ${JSON.stringify(p.relPath)} is encrypted`);
    if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
      throw corrupt(`Entry ${JSON.stringify(p.relPath)} uses unsupported compression method ${entry.compressionMethod}`);
    }
    let header: yauzl.LocalFileHeader;
    try {
      header = await zip.readLocalFileHeaderPromise(entry);
    } catch (err) {
      throw corrupt(`Entry ${JSON.stringify(p.relPath)} has a damaged local header`, err);
    }
    // whatsapp-web.js (unzipper) reads local headers, we read the central directory:
    // an archive where the two disagree shows different files to different tools.
    if (!header.fileName.equals(entry.fileNameRaw)) {
      throw unsafe(`Entry ${JSON.stringify(p.relPath)} has a different name in its local header`);
    }
    p.dataStart = header.fileDataStart;
  }
  // Overlapping entries (one compressed stream referenced many times) are a zip-bomb technique.
  const ranges = toRead
    .map((p) => ({ p, start: p.entry.relativeOffsetOfLocalHeader, end: (p.dataStart ?? 0) + p.entry.compressedSize }))
    .sort((a, b) => a.start - b.start);
  for (let i = 1; i < ranges.length; i++) {
    const prev = ranges[i - 1];
    const cur = ranges[i];
    if (prev && cur && cur.start < prev.end) {
      throw unsafe(`Entries ${JSON.stringify(prev.p.relPath)} and ${JSON.stringify(cur.p.relPath)} overlap`);
    }
  }
}

/** Shared inflated-byte budget across all entries of one extraction. */
class Budget {
  used = 0;
  constructor(
    readonly limit: number,
    readonly optionName: string,
  ) {}
}

/** Counts, CRCs and hashes inflated bytes as they pass; fails the moment a budget runs out. */
class EntryMeter extends Transform {
  size = 0;
  crc = 0;
  readonly hash: Hash = createHash('sha256');

  constructor(
    private readonly relPath: string,
    private readonly budgets: readonly Budget[],
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    for (const b of this.budgets) {
      b.used += chunk.length;
      if (b.used > b.limit) {
        callback(tooLarge(`Session archive inflates past ${b.optionName} (${b.limit} bytes) at ${JSON.stringify(this.relPath)}`));
        return;
      }
    }
    this.crc = crc32(chunk, this.crc);
    this.hash.update(chunk);
    callback(null, chunk);
  }
}

async function openEntryData(zip: yauzl.ZipFile, p: PlannedEntry): Promise<Readable> {
  const { entry } = p;
  const { dataStart } = p;
  if (dataStart === undefined) throw new Error(`internal: ${p.relPath} was not checked`);
  let raw: Readable;
  try {
    // Callback form on purpose: yauzl 3.4.0's openReadStreamLowLevelPromise calls the wrong method.
    raw = await new Promise<Readable>((resolve, reject) => {
      zip.openReadStreamLowLevel(dataStart, entry.compressedSize, 0, entry.compressedSize, false, null, (err, stream) =>
        err ? reject(err) : resolve(stream),
      );
    });
  } catch (err) {
    throw corrupt(`Entry ${JSON.stringify(p.relPath)} cannot be read`, err);
  }
  if (entry.compressionMethod === 0) return raw;
  // Inflate here rather than in yauzl so destroying the pipeline also frees zlib.
  const inflate = createInflateRaw();
  raw.on('error', (err) => inflate.destroy(err));
  return raw.pipe(inflate);
}

/** After an entry streamed through: its real size and CRC must match the headers. */
function verifyEntry(p: PlannedEntry, meter: EntryMeter): void {
  if (meter.size !== p.entry.uncompressedSize) {
    throw corrupt(`Entry ${JSON.stringify(p.relPath)} inflated to ${meter.size} bytes, header says ${p.entry.uncompressedSize}`);
  }
  if (meter.crc >>> 0 !== p.entry.crc32 >>> 0) throw corrupt(`Entry ${JSON.stringify(p.relPath)} fails its CRC-32 check`);
}

/** Non-waweb errors from inflating are damage; from the file system they stay as Node raised them. */
function translateStreamError(err: unknown, relPath: string): unknown {
  if (err instanceof WawebError) return err;
  if (typeof err === 'object' && err !== null && 'syscall' in err) return err;
  return corrupt(`Entry ${JSON.stringify(relPath)} is damaged`, err);
}

async function readManifestEntry(zip: yauzl.ZipFile, p: PlannedEntry, budgets: readonly Budget[]): Promise<ArchiveManifest> {
  if (p.entry.uncompressedSize > MAX_MANIFEST_BYTES) {
    throw tooLarge(`${MANIFEST_ENTRY_NAME} declares ${p.entry.uncompressedSize} bytes (limit ${MAX_MANIFEST_BYTES})`);
  }
  const meter = new EntryMeter(p.relPath, [...budgets, new Budget(MAX_MANIFEST_BYTES, 'the manifest size limit')]);
  const chunks: Buffer[] = [];
  try {
    await pipeline(await openEntryData(zip, p), meter, async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) chunks.push(chunk);
    });
  } catch (err) {
    throw translateStreamError(err, p.relPath);
  }
  verifyEntry(p, meter);
  return parseManifest(Buffer.concat(chunks).toString('utf8'));
}

async function findManifest(zip: yauzl.ZipFile, planned: readonly PlannedEntry[], budgets: readonly Budget[]): Promise<ArchiveManifest | null> {
  const entry = planned.find((p) => p.kind === 'manifest');
  return entry ? readManifestEntry(zip, entry, budgets) : null;
}

/**
 * Reads just the manifest: the central directory and one small entry, no other data
 * inflated. `null` for archives without one (made by whatsapp-web.js).
 * Errors: `ARCHIVE_CORRUPT` (not a zip, damaged manifest), `ARCHIVE_UNSAFE` (unsafe
 * entry names anywhere), `ARCHIVE_VERSION` (unknown format or version).
 */
export async function readArchiveManifest(data: Buffer): Promise<ArchiveManifest | null> {
  const zip = await openZip(data);
  try {
    // The buffer bounds the entry count already (46 bytes each), so no extra cap here.
    const planned = planEntries(await readCentralDirectory(zip, Number.MAX_SAFE_INTEGER));
    const manifestEntries = planned.filter((p) => p.kind === 'manifest');
    await checkDataEntries(zip, manifestEntries);
    return await findManifest(zip, planned, []);
  } finally {
    zip.close();
  }
}

/** Tracks everything one extraction creates so a failure can remove exactly that. */
class ExtractionTarget {
  /** Paths to remove on rollback: the top-most things this extraction created. */
  private readonly created: string[] = [];
  private readonly dirs = new Set<string>();

  constructor(
    private readonly root: string,
    private readonly rootExists: boolean,
  ) {}

  async open(): Promise<void> {
    if (this.rootExists) return;
    const first = await fsp.mkdir(this.root, { recursive: true, mode: DIR_MODE });
    if (first !== undefined) this.created.push(first);
  }

  private abs(relPath: string): string {
    const abs = path.join(this.root, ...relPath.split('/'));
    const back = path.relative(this.root, abs);
    if (back === '' || back.startsWith('..') || path.isAbsolute(back)) throw unsafe(`Entry ${JSON.stringify(relPath)} resolves outside the target`);
    return abs;
  }

  /** Creates each missing folder of `relPath` itself (not `recursive`, so nothing pre-existing is reused). */
  async ensureDir(relPath: string): Promise<void> {
    const segments = relPath.split('/');
    for (let i = 1; i <= segments.length; i++) {
      const prefix = segments.slice(0, i).join('/');
      if (this.dirs.has(prefix)) continue;
      const abs = this.abs(prefix);
      await fsp.mkdir(abs, { mode: DIR_MODE });
      this.dirs.add(prefix);
      if (i === 1) this.created.push(abs);
    }
  }

  async writeFile(relPath: string, source: Readable, meter: EntryMeter): Promise<void> {
    const slash = relPath.lastIndexOf('/');
    if (slash > 0) await this.ensureDir(relPath.slice(0, slash));
    const abs = this.abs(relPath);
    // 'wx': never overwrite and never write through an existing symlink.
    const handle = await fsp.open(abs, 'wx', FILE_MODE);
    if (slash <= 0) this.created.push(abs);
    await pipeline(source, meter, handle.createWriteStream());
  }

  async rollback(): Promise<void> {
    await Promise.allSettled(this.created.map((p) => fsp.rm(p, { recursive: true, force: true, maxRetries: 3 })));
  }
}

/** Whether `dir` is usable as a target: `false` if absent, `true` if an empty folder, else InvalidOptionError. */
async function checkTarget(dir: string): Promise<boolean> {
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

function checkLimit(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidOptionError(`options.${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/**
 * Restores a session archive (waweb's, or one made by whatsapp-web.js) into
 * `targetDir`, which must be an empty or absent folder.
 *
 * Before anything is written the whole central directory is checked: unsafe names
 * (`..`, absolute, drive letters, backslashes), symlink or special entries,
 * duplicates, overlapping entries → `ARCHIVE_UNSAFE`; entry count and declared sizes
 * → `ARCHIVE_TOO_LARGE`; the manifest's `format`/`version` → `ARCHIVE_VERSION`;
 * unreadable zip → `ARCHIVE_CORRUPT`. While writing, inflated bytes are counted
 * (headers are not trusted) and every entry's size and CRC-32 are checked; at the
 * end the manifest's `contentHash`, `files` and `bytes` are. On any error everything
 * this call created is removed. Only entries under `Default/IndexedDB/` and
 * `Default/Local Storage/` are written (files 0o600, folders 0o700); the manifest is
 * read, not written; other entries are ignored.
 */
export async function extractSessionArchive(
  data: Buffer,
  targetDir: string,
  options: ExtractSessionArchiveOptions = {},
): Promise<ExtractedSessionArchive> {
  const maxBytes = checkLimit(options.maxUncompressedBytes, DEFAULT_MAX_UNCOMPRESSED_BYTES, 'maxUncompressedBytes');
  const maxEntries = checkLimit(options.maxEntries, DEFAULT_MAX_ENTRIES, 'maxEntries');
  const root = path.resolve(targetDir);
  const rootExists = await checkTarget(root);

  const zip = await openZip(data);
  try {
    const planned = planEntries(await readCentralDirectory(zip, maxEntries));
    const toRead = planned.filter((p) => p.kind === 'file' || p.kind === 'manifest');
    const declared = toRead.reduce((sum, p) => sum + p.entry.uncompressedSize, 0);
    if (declared > maxBytes) {
      throw tooLarge(`Session archive declares ${declared} bytes, more than maxUncompressedBytes (${maxBytes})`);
    }
    await checkDataEntries(zip, toRead);

    const budget = new Budget(maxBytes, 'maxUncompressedBytes');
    const manifest = await findManifest(zip, planned, [budget]);
    if (manifest === null && options.requireManifest === true) {
      throw new ArchiveError(ErrorCode.ARCHIVE_VERSION, `Session archive has no ${MANIFEST_ENTRY_NAME} and requireManifest is set`);
    }

    const target = new ExtractionTarget(root, rootExists);
    try {
      await target.open();
      for (const p of planned) if (p.kind === 'dir') await target.ensureDir(p.relPath);
      const digests: FileDigest[] = [];
      for (const p of planned) {
        if (p.kind !== 'file') continue;
        const meter = new EntryMeter(p.relPath, [budget]);
        try {
          await target.writeFile(p.relPath, await openEntryData(zip, p), meter);
        } catch (err) {
          throw translateStreamError(err, p.relPath);
        }
        verifyEntry(p, meter);
        digests.push({ path: p.relPath, size: meter.size, sha256: meter.hash.digest() });
      }
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
      return { manifest, files: digests.length, bytes };
    } catch (err) {
      await target.rollback();
      throw err;
    }
  } finally {
    zip.close();
  }
}
