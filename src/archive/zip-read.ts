/**
 * Reading a session archive's zip safely: the central directory checked as a whole before any
 * data is inflated, and every inflated byte counted against the limits.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, Writable, type TransformCallback } from 'node:stream';
import { crc32 } from 'node:zlib';
import * as yauzl from 'yauzl';
import { ArchiveError, ErrorCode, WawebError } from '../errors';
import { copyEntry, type EntrySource } from './entry-reader';
import type { ArchiveLimits } from './limits';
import { MANIFEST_ENTRY_NAME, parseManifest, type ArchiveManifest } from './manifest';
import { SESSION_DIRS, collisionKey, isSessionPath, pathLengthProblem, unsafeEntryNameReason } from './paths';
import type { SessionDataProbe } from './session-data';

/** The manifest is a few hundred bytes; anything near this is not ours. */
const MAX_MANIFEST_BYTES = 64 * 1024;

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

export function corrupt(message: string, cause?: unknown): ArchiveError {
  return new ArchiveError(ErrorCode.ARCHIVE_CORRUPT, message, cause === undefined ? undefined : { cause });
}
export function unsafe(message: string): ArchiveError {
  return new ArchiveError(ErrorCode.ARCHIVE_UNSAFE, message);
}
export function tooLarge(message: string): ArchiveError {
  return new ArchiveError(ErrorCode.ARCHIVE_TOO_LARGE, message);
}

/** An entry name fit for an error message: hostile names can be kilobytes long. */
export function shown(name: string): string {
  return JSON.stringify(name.length > 120 ? `${name.slice(0, 60)}…${name.slice(-40)}` : name);
}

export type EntryKind = 'manifest' | 'file' | 'dir' | 'ignored';

export interface PlannedEntry {
  entry: yauzl.Entry;
  /** Decoded name without a trailing `/`. */
  relPath: string;
  kind: EntryKind;
  /** Set for entries whose data will be read. */
  dataStart?: number;
}

export async function readCentralDirectory(zip: yauzl.ZipFile, maxEntries: number): Promise<yauzl.Entry[]> {
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

/**
 * Classifies every entry and rejects anything unsafe in the whole archive, written or not: names
 * (`unsafeEntryNameReason`), lengths (`maxPathBytes`, `maxSegmentBytes`), types, duplicates, names
 * that collide once case or Unicode normalization is ignored, a file where a folder is needed, and
 * more folders to create than `maxFolders`.
 */
export function planEntries(entries: readonly yauzl.Entry[], limits: ArchiveLimits): PlannedEntry[] {
  const planned: PlannedEntry[] = [];
  const exact = new Set<string>();
  for (const entry of entries) {
    const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
    const reason = unsafeEntryNameReason(name);
    if (reason) throw unsafe(`Unsafe entry ${shown(name)}: ${reason}`);
    const relPath = name.endsWith('/') ? name.slice(0, -1) : name;
    const length = pathLengthProblem(relPath, limits);
    if (length) throw unsafe(`Entry ${shown(name)} cannot be written: ${length}`);
    const type = (entry.externalFileAttributes >>> 16) & S_IFMT;
    if (type === S_IFLNK) throw unsafe(`Entry ${shown(name)} is a symlink`);
    if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) throw unsafe(`Entry ${shown(name)} is a special file`);
    const isDir = name.endsWith('/') || type === S_IFDIR;
    if (exact.has(relPath)) throw unsafe(`Duplicate entry ${shown(relPath)}`);
    exact.add(relPath);

    let kind: EntryKind = 'ignored';
    if (relPath === MANIFEST_ENTRY_NAME) kind = isDir ? 'ignored' : 'manifest';
    else if (isDir && isSessionPath(relPath)) kind = 'dir';
    else if (!isDir && isSessionPath(relPath) && !(SESSION_DIRS as readonly string[]).includes(relPath)) kind = 'file';
    planned.push({ entry, relPath, kind });
  }
  checkWrittenPaths(
    planned.filter((p) => p.kind === 'file' || p.kind === 'dir'),
    limits.maxFolders,
  );
  return planned;
}

/**
 * What gets written must not collide on a file system that ignores case or Unicode normalization,
 * no file may sit where a folder is needed, and the folders to create stay within `maxFolders`.
 * Each entry walks up only to the first folder already seen: linear in the archive's size.
 */
function checkWrittenPaths(written: readonly PlannedEntry[], maxFolders: number): void {
  const keys = new Map<string, EntryKind>();
  for (const p of written) {
    const key = collisionKey(p.relPath);
    const seen = keys.get(key);
    if (seen === 'file' || (seen === 'dir' && p.kind === 'dir')) {
      throw unsafe(`Entries collide on a file system that ignores case or Unicode normalization: ${shown(p.relPath)}`);
    }
    if (seen === 'dir') throw unsafe(`Entry ${shown(p.relPath)} is a file where the archive needs a folder`);
    keys.set(key, p.kind);
  }
  // Folders by collision key: `A/x` and `a/y` need two folders that such file systems make one.
  const folders = new Map<string, string>();
  for (const p of written) {
    let dir = p.kind === 'dir' ? p.relPath : parentOf(p.relPath);
    while (dir !== '') {
      const key = collisionKey(dir);
      const known = folders.get(key);
      if (known !== undefined) {
        if (known !== dir)
          throw unsafe(`Folders ${shown(known)} and ${shown(dir)} collide on a file system that ignores case or Unicode normalization`);
        break;
      }
      if (keys.get(key) === 'file') throw unsafe(`Entry ${shown(p.relPath)} needs a folder where the archive has a file`);
      folders.set(key, dir);
      if (folders.size > maxFolders) throw tooLarge(`Session archive would create more than maxFolders (${maxFolders}) folders`);
      dir = parentOf(dir);
    }
  }
}

function parentOf(relPath: string): string {
  const slash = relPath.lastIndexOf('/');
  return slash === -1 ? '' : relPath.slice(0, slash);
}

/** Checks what the data-bearing entries declare and where their data lies; no inflating yet. */
export async function checkDataEntries(zip: yauzl.ZipFile, toRead: readonly PlannedEntry[]): Promise<void> {
  for (const p of toRead) {
    const { entry } = p;
    if ((entry.generalPurposeBitFlag & 0x1) !== 0) throw corrupt(`Entry ${shown(p.relPath)} is encrypted`);
    if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
      throw corrupt(`Entry ${shown(p.relPath)} uses unsupported compression method ${entry.compressionMethod}`);
    }
    let header: yauzl.LocalFileHeader;
    try {
      header = await zip.readLocalFileHeaderPromise(entry);
    } catch (err) {
      throw corrupt(`Entry ${shown(p.relPath)} has a damaged local header`, err);
    }
    // whatsapp-web.js (unzipper) reads local headers, we read the central directory:
    // an archive where the two disagree shows different files to different tools.
    if (!header.fileName.equals(entry.fileNameRaw)) {
      throw unsafe(`Entry ${shown(p.relPath)} has a different name in its local header`);
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
      throw unsafe(`Entries ${shown(prev.p.relPath)} and ${shown(cur.p.relPath)} overlap`);
    }
  }
}

/** Shared inflated-byte budget across all entries of one extraction. */
export class Budget {
  used = 0;
  constructor(
    readonly limit: number,
    readonly optionName: string,
  ) {}
}

/**
 * Counts, CRCs and hashes inflated bytes as they pass. Fails the moment a budget runs out, or the
 * entry inflates past its declared size (`ARCHIVE_CORRUPT`): a chunk that would cross either is
 * never passed on, so nothing past the declared size is written.
 */
export class EntryMeter extends Transform {
  size = 0;
  crc = 0;
  readonly hash: Hash = createHash('sha256');

  constructor(
    private readonly p: PlannedEntry,
    private readonly budgets: readonly Budget[],
    private readonly probe?: SessionDataProbe,
  ) {
    super();
  }

  /** Counts, checks and hashes `chunk` (a stored entry's, passed on by the caller); throws instead of letting it through. */
  measure(chunk: Buffer): void {
    this.size += chunk.length;
    if (this.size > this.p.entry.uncompressedSize) {
      throw corrupt(`Entry ${shown(this.p.relPath)} inflates past the ${this.p.entry.uncompressedSize} bytes its header declares`);
    }
    for (const b of this.budgets) {
      b.used += chunk.length;
      if (b.used > b.limit) throw tooLarge(`Session archive inflates past ${b.optionName} (${b.limit} bytes) at ${shown(this.p.relPath)}`);
    }
    this.crc = crc32(chunk, this.crc);
    this.hash.update(chunk);
    this.probe?.update(this.p.relPath, chunk);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.measure(chunk);
    } catch (err) {
      callback(err as Error);
      return;
    }
    callback(null, chunk);
  }
}

/**
 * Copies `p`'s data from `source` into `out`, through `meter` (see `copyEntry`). `out` must be
 * made just before: nothing listens to its errors until this call.
 */
export function writeEntryData(source: EntrySource, p: PlannedEntry, meter: EntryMeter, out: Writable): Promise<void> {
  const { dataStart } = p;
  if (dataStart === undefined) throw new Error(`internal: ${p.relPath} was not checked`);
  const { compressedSize, compressionMethod, uncompressedSize } = p.entry;
  const data = { pieces: source.pieces(dataStart, compressedSize), compressed: compressionMethod !== 0, declaredSize: uncompressedSize };
  return copyEntry(data, meter, out);
}

/** After an entry streamed through: its real size and CRC must match the headers. */
export function verifyEntry(p: PlannedEntry, meter: EntryMeter): void {
  if (meter.size !== p.entry.uncompressedSize) {
    throw corrupt(`Entry ${shown(p.relPath)} inflated to ${meter.size} bytes, header says ${p.entry.uncompressedSize}`);
  }
  if (meter.crc >>> 0 !== p.entry.crc32 >>> 0) throw corrupt(`Entry ${shown(p.relPath)} fails its CRC-32 check`);
}

/** Non-waweb errors from inflating are damage; from the file system they stay as Node raised them. */
export function translateStreamError(err: unknown, relPath: string): unknown {
  if (err instanceof WawebError) return err;
  if (typeof err === 'object' && err !== null && 'syscall' in err) return err;
  return corrupt(`Entry ${shown(relPath)} is damaged`, err);
}

async function readManifestEntry(source: EntrySource, p: PlannedEntry, budgets: readonly Budget[]): Promise<ArchiveManifest> {
  if (p.entry.uncompressedSize > MAX_MANIFEST_BYTES) {
    throw tooLarge(`${MANIFEST_ENTRY_NAME} declares ${p.entry.uncompressedSize} bytes (limit ${MAX_MANIFEST_BYTES})`);
  }
  const meter = new EntryMeter(p, budgets);
  const chunks: Buffer[] = [];
  const collect = new Writable({
    write(chunk: Buffer, _encoding, done) {
      // A copy: a stored manifest's chunks are pieces of a buffer the source reuses.
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  try {
    await writeEntryData(source, p, meter, collect);
  } catch (err) {
    throw translateStreamError(err, p.relPath);
  }
  verifyEntry(p, meter);
  return parseManifest(Buffer.concat(chunks).toString('utf8'));
}

export async function findManifest(
  source: EntrySource,
  planned: readonly PlannedEntry[],
  budgets: readonly Budget[],
): Promise<ArchiveManifest | null> {
  const entry = planned.find((p) => p.kind === 'manifest');
  return entry ? readManifestEntry(source, entry, budgets) : null;
}
