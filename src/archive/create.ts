/**
 * Making a session archive: the zip RemoteAuth backs up (and the CLI and any tool may make).
 *
 * Layout (compatible with whatsapp-web.js RemoteAuth both ways):
 *   Default/IndexedDB/**           (paths relative to the Chromium user-data-dir)
 *   Default/Local Storage/**
 *   Default/Local Storage/waweb-local-storage.json
 *                                  (optional: the page's localStorage read live, see LOCAL_STORAGE_SNAPSHOT)
 *   waweb-manifest.json            (last; waweb only; whatsapp-web.js ignores it)
 *
 * Making one never follows symlinks, and never archives a profile that holds no session.
 */
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { constants as fsConstants, createWriteStream, promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as yazl from 'yazl';
import { ArchiveError, ErrorCode, InvalidOptionError } from '../errors';
import { assertClientId } from '../util/client-id';
import { isErrno } from '../util/errno';
import { SESSION_DIRS, SKIPPED_FILE_NAMES, unsafeEntryNameReason } from './paths';
import {
  ARCHIVE_FORMAT,
  ARCHIVE_FORMAT_VERSION,
  MANIFEST_ENTRY_NAME,
  combineDigests,
  comparePaths,
  serializeManifest,
  type ArchiveManifest,
  digestFile,
  type FileDigest,
} from './manifest';
import { LOCAL_STORAGE_SNAPSHOT, serializeLocalStorageSnapshot } from './local-storage-snapshot';
import { SessionDataProbe } from './session-data';

export interface CreateSessionArchiveOptions {
  /** Client id recorded in the manifest: 1 to 100 letters, digits, `_` and `-` (the one rule for client ids). */
  clientId: string;
  /** Time recorded as the manifest's `createdAt`. @default new Date() */
  now?: Date;
  /** Folder for the temporary zip while it is being written. @default os.tmpdir() */
  tempDir?: string;
  /**
   * Reads the live page's localStorage, called once the profile's files are read (so it is at
   * least as new as the copied Local Storage files). Its items are archived as
   * `LOCAL_STORAGE_SNAPSHOT` in place of any such file in the profile, so the archive restores the
   * session even when Chromium had not yet written localStorage to disk.
   */
  localStorage?: () => Promise<ReadonlyArray<readonly [string, string]>>;
}

export interface SessionArchive {
  /** The zip's bytes. */
  data: Buffer;
  manifest: ArchiveManifest;
}

/** How many times the profile walk restarts when a file vanishes under it (LevelDB compaction). */
const MAX_WALK_ATTEMPTS = 5;
/** Fixed entry time so equal content gives equal zip bytes. Built from local fields: DOS times are local. */
const FIXED_MTIME = new Date(2000, 0, 1, 0, 0, 0);
const FILE_ENTRY_MODE = 0o100600;

function unsafe(message: string): ArchiveError {
  return new ArchiveError(ErrorCode.ARCHIVE_UNSAFE, message);
}
function corrupt(message: string, cause?: unknown): ArchiveError {
  return new ArchiveError(ErrorCode.ARCHIVE_CORRUPT, message, cause === undefined ? undefined : { cause });
}

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
 * read, restarts the walk, up to 5 times, then `ARCHIVE_CORRUPT` with the last cause. A profile
 * with no session data (see `SessionDataProbe`) is refused with `ARCHIVE_EMPTY`: such a backup
 * could only ever replace a working session with one that must pair again.
 * Other I/O errors reading the profile are thrown as Node raised them.
 */
export async function createSessionArchive(profileDir: string, options: CreateSessionArchiveOptions): Promise<SessionArchive> {
  const clientId = assertClientId(options?.clientId, 'options.clientId');
  if (clientId === undefined) throw new InvalidOptionError('options.clientId is required');
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
  // A missing temporary folder is not a profile that keeps changing (the walk's retry reason).
  await fsp.mkdir(tempDir, { recursive: true, mode: 0o700 });

  let lastError: unknown;
  for (let attempt = 0; attempt < MAX_WALK_ATTEMPTS; attempt++) {
    const zipPath = path.join(tempDir, `${ARCHIVE_TEMP_PREFIX}${process.pid}-${PROCESS_TOKEN}-${randomBytes(6).toString('hex')}.zip`);
    try {
      const paths: string[] = [];
      for (const dir of SESSION_DIRS) {
        if (await isRealDirectory(root, dir)) await walk(root, dir, paths);
      }
      const live = options.localStorage;
      const files = live ? paths.filter((p) => p !== LOCAL_STORAGE_SNAPSHOT) : paths;
      files.sort(compareArchiveOrder);
      const probe = new SessionDataProbe();
      const snapshot = live ? async () => serializeLocalStorageSnapshot(await live()) : undefined;
      const manifest = await writeZip(root, files, zipPath, probe, snapshot, (digests) => ({
        format: ARCHIVE_FORMAT,
        version: ARCHIVE_FORMAT_VERSION,
        clientId,
        createdAt: now.toISOString(),
        contentHash: combineDigests(digests),
        files: digests.length,
        bytes: digests.reduce((sum, d) => sum + d.size, 0),
      }));
      await checkNoNewLevelDbFiles(root, files);
      if (!probe.found) {
        throw new ArchiveError(
          ErrorCode.ARCHIVE_EMPTY,
          `Profile ${root} holds no session data (no IndexedDB or localStorage of the app's origin); nothing archived`,
        );
      }
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
  constructor(
    private readonly relPath: string,
    private readonly probe: SessionDataProbe,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.probe.update(this.relPath, chunk);
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
  probe: SessionDataProbe,
  snapshot: (() => Promise<Buffer>) | undefined,
  makeManifest: (digests: FileDigest[]) => ArchiveManifest,
): Promise<ArchiveManifest> {
  const zip = new yazl.ZipFile();
  const out = createWriteStream(zipPath, { flags: 'wx', mode: 0o600 });
  const written = pipeline(zip.outputStream, out);
  written.catch(() => undefined);
  // Level 1: LevelDB tables are already compressed, so higher levels cost time and gain little.
  const entryOptions = { mtime: FIXED_MTIME, mode: FILE_ENTRY_MODE, forceDosTimestamp: true, compress: true, compressionLevel: 1 };
  const digests: FileDigest[] = [];
  try {
    for (const rel of paths) {
      const handle = await openRegularFile(path.join(root, ...rel.split('/')));
      if (!handle) continue;
      const digest = new DigestStream(rel, probe);
      const source = handle.createReadStream({ autoClose: true, highWaterMark: 1024 * 1024 });
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
    if (snapshot) {
      const data = await snapshot();
      probe.update(LOCAL_STORAGE_SNAPSHOT, data);
      zip.addBuffer(data, LOCAL_STORAGE_SNAPSHOT, entryOptions);
      digests.push(digestFile(LOCAL_STORAGE_SNAPSHOT, data));
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
