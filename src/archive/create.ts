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
 * The zip is made as a stream (`writeSessionArchive`): each file is read, hashed and deflated a chunk
 * at a time while the zip's bytes flow to whoever reads them (a store's streaming save), so memory
 * stays flat whatever the profile's size. Making one never follows symlinks, and never archives a
 * profile that holds no session.
 */
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import * as yazl from 'yazl';
import { AbortError, ArchiveError, ErrorCode, InvalidOptionError } from '../errors';
import { assertClientId } from '../util/client-id';
import { abortable } from '../util/deadline';
import { isErrno } from '../util/errno';
import {
  ARCHIVE_FORMAT,
  ARCHIVE_FORMAT_VERSION,
  MANIFEST_ENTRY_NAME,
  combineDigests,
  serializeManifest,
  type ArchiveManifest,
  digestFile,
  type FileDigest,
} from './manifest';
import { LOCAL_STORAGE_SNAPSHOT, serializeLocalStorageSnapshot } from './local-storage-snapshot';
import { ProfileChangedError, checkNoNewLevelDbFiles, listProfileFiles, openRegularFile } from './profile-walk';
import { SessionDataProbe } from './session-data';

export interface CreateSessionArchiveOptions {
  /** Client id recorded in the manifest: 1 to 100 letters, digits, `_` and `-` (the one rule for client ids). */
  clientId: string;
  /** Time recorded as the manifest's `createdAt`. @default new Date() */
  now?: Date;
  /**
   * Unused since archives are made as streams (no temporary zip is written); accepted so earlier code
   * keeps compiling.
   * @deprecated
   */
  tempDir?: string;
  /**
   * Reads the live page's localStorage, called once the profile's files are read (so it is at
   * least as new as the copied Local Storage files). Its items are archived as
   * `LOCAL_STORAGE_SNAPSHOT` in place of any such file in the profile, so the archive restores the
   * session even when Chromium had not yet written localStorage to disk.
   */
  localStorage?: () => Promise<ReadonlyArray<readonly [string, string]>>;
}

export interface WriteSessionArchiveOptions extends CreateSessionArchiveOptions {
  /**
   * Called once the profile has been read whole (its files, and `localStorage` when given) and
   * checked: from then on the zip's remaining bytes need nothing of the profile or the page.
   */
  onProfileRead?: () => void;
}

export interface SessionArchive {
  /** The zip's bytes. */
  data: Buffer;
  manifest: ArchiveManifest;
}

/**
 * Reads one attempt's zip to its end (e.g. `(zip) => saveStreamTo(store, id, zip)`). The stream
 * fails (an error is thrown where it is read) when the attempt fails: whatever the sink wrote of it
 * must then be dropped, as a store's streaming save does with a source that fails.
 */
export type SessionArchiveSink<T> = (zip: Readable) => Promise<T>;

export interface WrittenSessionArchive<T> {
  manifest: ArchiveManifest;
  /** Zip bytes the sink read. */
  bytes: number;
  /** What the sink resolved with. */
  result: T;
}

/** How many times the profile walk restarts when a file vanishes under it (LevelDB compaction). */
const MAX_WALK_ATTEMPTS = 5;
/** Fixed entry time so equal content gives equal zip bytes. Built from local fields: DOS times are local. */
const FIXED_MTIME = new Date(2000, 0, 1, 0, 0, 0);
const FILE_ENTRY_MODE = 0o100600;
/**
 * Largest chunk read from a profile file at once. Small on purpose: yazl passes each chunk through
 * a chain of streams (hash, CRC, counters, deflate), each of which may hold one whole chunk while
 * the next is busy, so 1 MiB chunks kept 4 to 6 MiB alive where 64 KiB keep well under 1 MiB.
 */
const READ_CHUNK_BYTES = 64 * 1024;

function corrupt(message: string, cause?: unknown): ArchiveError {
  return new ArchiveError(ErrorCode.ARCHIVE_CORRUPT, message, cause === undefined ? undefined : { cause });
}

/**
 * Zips a Chromium profile's `Default/IndexedDB` and `Default/Local Storage` plus a manifest into
 * `sink`, as the profile is read: files one at a time, each read, hashed and deflated a chunk at a
 * time, at the pace the sink reads (nothing is written to disk, nothing held whole). Entries come
 * in a fixed order (folder by folder, `CURRENT` and `MANIFEST-*` first in each, see
 * `compareArchiveOrder`) and carry a fixed time and mode, so the same files (and the same `now`) give
 * byte-identical zips and always the same `contentHash`. The manifest is the last entry: it records
 * the hash of exactly the bytes archived.
 *
 * Symlinks and special files inside the profile are skipped, never followed; LevelDB `LOCK` files
 * are skipped; empty folders are not archived (Chromium recreates them). A file that disappears
 * mid-walk (LevelDB compaction), or a LevelDB data or MANIFEST file that appears in an archived
 * LevelDB folder while it is read, fails the sink's stream and starts again with a new call of
 * `sink`, up to 5 attempts, then `ARCHIVE_CORRUPT` with the last cause. A profile with no session
 * data (see `SessionDataProbe`) fails the stream before its end with `ARCHIVE_EMPTY`: such a backup
 * could only ever replace a working session with one that must pair again. Every check runs before
 * the zip's last bytes, so a sink that keeps only complete streams never keeps a refused archive.
 * Other I/O errors reading the profile are thrown as Node raised them; the sink's own failure is
 * thrown as it is.
 */
export async function writeSessionArchive<T>(
  profileDir: string,
  sink: SessionArchiveSink<T>,
  options: WriteSessionArchiveOptions,
): Promise<WrittenSessionArchive<T>> {
  const clientId = assertClientId(options?.clientId, 'options.clientId');
  if (clientId === undefined) throw new InvalidOptionError('options.clientId is required');
  const now = options.now ?? new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw new InvalidOptionError('options.now must be a valid Date');
  }
  if (typeof sink !== 'function') throw new InvalidOptionError('sink must be a function that reads the archive');
  const root = path.resolve(profileDir);
  let rootStat;
  try {
    rootStat = await fsp.stat(root);
  } catch (err) {
    throw new InvalidOptionError(`Profile folder ${root} cannot be read`, { cause: err });
  }
  if (!rootStat.isDirectory()) throw new InvalidOptionError(`Profile path ${root} is not a folder`);

  const makeManifest = (digests: FileDigest[]): ArchiveManifest => ({
    format: ARCHIVE_FORMAT,
    version: ARCHIVE_FORMAT_VERSION,
    clientId,
    createdAt: now.toISOString(),
    contentHash: combineDigests(digests),
    files: digests.length,
    bytes: digests.reduce((sum, d) => sum + d.size, 0),
  });
  let lastError: unknown;
  for (let attempt = 0; attempt < MAX_WALK_ATTEMPTS; attempt++) {
    try {
      return await writeAttempt(root, options, makeManifest, sink);
    } catch (err) {
      if (!(err instanceof WalkRestart)) throw err;
      lastError = err.cause;
    }
  }
  throw corrupt(`Profile files kept changing while being archived (${MAX_WALK_ATTEMPTS} attempts)`, lastError);
}

/**
 * The archive as one Buffer (`writeSessionArchive` into memory): for small profiles and tools. A
 * backup streams instead (`writeSessionArchive` into `saveStreamTo`).
 */
export async function createSessionArchive(profileDir: string, options: CreateSessionArchiveOptions): Promise<SessionArchive> {
  const written = await writeSessionArchive(
    profileDir,
    async (zip) => {
      const chunks: Buffer[] = [];
      for await (const chunk of zip) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
    options,
  );
  return { data: written.result, manifest: written.manifest };
}

/**
 * Temporary zips were named `.waweb-archive-<pid>-<token>-<random>.zip` (before archives were
 * streamed), where `<token>` is drawn once per process: a pid alone is reused (in containers the
 * process is often pid 1 on every start), the token is not. Kept so leftovers of older versions are
 * recognised and removed.
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

/** One attempt's walk failed because the profile changed under it: start again. */
class WalkRestart extends Error {}

/** Counts the zip's bytes on their way to the sink. */
class ByteCounter extends Transform {
  bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    done(null, chunk);
  }
}

/**
 * One walk of the profile into one call of `sink`. The producer (reading the profile into yazl)
 * and the sink run together; the first to fail ends the other: a failed producer fails the sink's
 * stream, a sink that fails or returns stops the producer where it waits.
 */
async function writeAttempt<T>(
  root: string,
  options: WriteSessionArchiveOptions,
  makeManifest: (digests: FileDigest[]) => ArchiveManifest,
  sink: SessionArchiveSink<T>,
): Promise<WrittenSessionArchive<T>> {
  const files = await listProfileFiles(root).catch((err: unknown) => {
    throw isErrno(err, 'ENOENT') ? new WalkRestart('a folder vanished while listed', { cause: err }) : err;
  });
  const live = options.localStorage;
  const zip = new yazl.ZipFile();
  const counter = new ByteCounter();
  // A failed archive reaches the caller through `producing` and the reader on its next read; the sink may
  // not be reading yet (a store still listing or opening a file), so its 'error' must not go unheard.
  counter.on('error', () => undefined);
  zip.outputStream.pipe(counter);
  const stop = new AbortController();
  let first: 'producer' | 'sink' | undefined;
  const snapshot = live ? async () => serializeLocalStorageSnapshot(await live()) : undefined;
  const paths = live ? files.filter((p) => p !== LOCAL_STORAGE_SNAPSHOT) : files;
  const producing = produceZip(zip, root, paths, snapshot, makeManifest, stop.signal);
  producing.then(
    () => options.onProfileRead?.(),
    () => undefined,
  );
  producing.catch((err: unknown) => {
    first ??= 'producer';
    zip.outputStream.unpipe(counter);
    // Passed on as it is (an errno error from another realm is no `instanceof Error`).
    counter.destroy(typeof err === 'object' && err !== null ? (err as Error) : new Error(String(err)));
  });
  let consuming: Promise<T>;
  try {
    consuming = sink(counter);
  } catch (err) {
    consuming = Promise.reject(err);
  }
  consuming = consuming.then(
    (value) => {
      stop.abort();
      return value;
    },
    (err: unknown) => {
      first ??= 'sink';
      stop.abort();
      throw err;
    },
  );
  const [made, consumed] = await Promise.allSettled([producing, consuming]);
  if (made.status === 'rejected' && first === 'producer') {
    const err: unknown = made.reason;
    if (isErrno(err, 'ENOENT') || err instanceof ProfileChangedError) throw new WalkRestart('the profile changed', { cause: err });
    throw err;
  }
  if (consumed.status === 'rejected') throw consumed.reason;
  if (made.status === 'rejected' || !counter.readableEnded) {
    throw new InvalidOptionError('The archive sink returned before reading the archive to its end');
  }
  return { manifest: made.value, bytes: counter.bytes, result: consumed.value };
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
 * Adds `paths` to `zip`, one file at a time (yazl deflates each as it is read), then the live
 * localStorage snapshot; checks that the profile held still and holds a session; then adds the
 * manifest made from the digests and ends the zip. `signal`: the sink stopped reading.
 */
async function produceZip(
  zip: yazl.ZipFile,
  root: string,
  paths: readonly string[],
  snapshot: (() => Promise<Buffer>) | undefined,
  makeManifest: (digests: FileDigest[]) => ArchiveManifest,
  signal: AbortSignal,
): Promise<ArchiveManifest> {
  // Level 1: LevelDB tables are already compressed, so higher levels cost time and gain little.
  const entryOptions = { mtime: FIXED_MTIME, mode: FILE_ENTRY_MODE, forceDosTimestamp: true, compress: true, compressionLevel: 1 };
  const stopped = 'archive stopped: its reader ended';
  const probe = new SessionDataProbe();
  const digests: FileDigest[] = [];
  for (const rel of paths) {
    if (signal.aborted) throw new AbortError(stopped);
    const handle = await openRegularFile(path.join(root, ...rel.split('/')));
    if (!handle) continue;
    const digest = new DigestStream(rel, probe);
    const source = handle.createReadStream({ autoClose: true, highWaterMark: READ_CHUNK_BYTES });
    const consumed = new Promise<void>((resolve, reject) => {
      digest.once('end', resolve);
      digest.once('error', reject);
      source.once('error', reject);
    });
    zip.addReadStream(source.pipe(digest), rel, entryOptions);
    try {
      // yazl reads entries in order; waiting here keeps one file open and in flight at a time.
      await abortable(consumed, signal, stopped);
    } catch (err) {
      source.destroy();
      digest.destroy();
      throw err;
    }
    digests.push({ path: rel, size: digest.size, sha256: digest.hash.digest() });
  }
  if (snapshot) {
    const data = await snapshot();
    probe.update(LOCAL_STORAGE_SNAPSHOT, data);
    zip.addBuffer(data, LOCAL_STORAGE_SNAPSHOT, entryOptions);
    digests.push(digestFile(LOCAL_STORAGE_SNAPSHOT, data));
  }
  await checkNoNewLevelDbFiles(root, paths);
  if (!probe.found) {
    throw new ArchiveError(
      ErrorCode.ARCHIVE_EMPTY,
      `Profile ${root} holds no session data (no IndexedDB or localStorage of the app's origin); nothing archived`,
    );
  }
  const manifest = makeManifest(digests);
  zip.addBuffer(serializeManifest(manifest), MANIFEST_ENTRY_NAME, entryOptions);
  zip.end();
  return manifest;
}
