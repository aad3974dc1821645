import { createHash } from 'node:crypto';
import { ArchiveError, ErrorCode } from '../errors';
import { isValidClientId } from '../util/client-id';

/** Name of the manifest entry at the root of a waweb session archive. whatsapp-web.js ignores it. */
export const MANIFEST_ENTRY_NAME = 'waweb-manifest.json';
/** Value of `ArchiveManifest.format`. */
export const ARCHIVE_FORMAT = 'waweb-session';
/** The only `ArchiveManifest.version` this build reads and writes. */
export const ARCHIVE_FORMAT_VERSION = 1;

/** The manifest waweb writes into every session archive it makes. */
export interface ArchiveManifest {
  format: typeof ARCHIVE_FORMAT;
  version: typeof ARCHIVE_FORMAT_VERSION;
  /** The RemoteAuth client id the archive was made for: 1 to 100 letters, digits, `_` or `-`. */
  clientId: string;
  /** When the archive was made, ISO 8601 (UTC). */
  createdAt: string;
  /** Lower-case hex sha256 over the archived files; see `computeContentHash`. */
  contentHash: string;
  /** Number of files in the archive, the manifest not counted. */
  files: number;
  /** Sum of the archived files' sizes in bytes, the manifest not counted. */
  bytes: number;
}

/** One archived file as the content hash sees it. */
export interface ContentHashInput {
  /** Path relative to the profile root, `/`-separated, e.g. `Default/IndexedDB/x/000003.log`. */
  path: string;
  data: Uint8Array;
}

/** Per-file digest; lets extraction hash files as they stream past, in any order. */
export interface FileDigest {
  path: string;
  size: number;
  sha256: Buffer;
}

/** Byte-wise order of the UTF-8 encoded paths: the same in every language and locale. */
export function comparePaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function digestFile(path: string, data: Uint8Array): FileDigest {
  return { path, size: data.byteLength, sha256: createHash('sha256').update(data).digest() };
}

/**
 * Combines per-file digests into the archive's content hash:
 * sha256 over, for each file in byte-wise order of its UTF-8 path,
 * `u32be(pathLength) ‖ path ‖ u64be(size) ‖ sha256(fileBytes)`.
 * Every field has a fixed width or a length prefix, so two different file sets
 * cannot produce the same input. The manifest itself is never part of it.
 */
export function combineDigests(digests: readonly FileDigest[]): string {
  const sorted = [...digests].sort((a, b) => comparePaths(a.path, b.path));
  const hash = createHash('sha256');
  for (const d of sorted) {
    const name = Buffer.from(d.path, 'utf8');
    const head = Buffer.alloc(4);
    head.writeUInt32BE(name.length, 0);
    const size = Buffer.alloc(8);
    size.writeBigUInt64BE(BigInt(d.size), 0);
    hash.update(head).update(name).update(size).update(d.sha256);
  }
  return hash.digest('hex');
}

/**
 * The content hash of a set of files (paths relative to the profile root, `/`-separated).
 * Equal files give an equal hash whatever the order they are given in, the time
 * they were archived or the zip's compression; one changed byte or path changes it.
 */
export function computeContentHash(files: Iterable<ContentHashInput>): string {
  const digests: FileDigest[] = [];
  for (const f of files) digests.push(digestFile(f.path, f.data));
  return combineDigests(digests);
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/**
 * Parses and checks a manifest's JSON text.
 * Unknown `format` or `version`: `ARCHIVE_VERSION`; anything else malformed: `ARCHIVE_CORRUPT`.
 * Unknown extra fields are ignored.
 */
export function parseManifest(text: string): ArchiveManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ArchiveError(ErrorCode.ARCHIVE_CORRUPT, `${MANIFEST_ENTRY_NAME} is not valid JSON`, { cause: err });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ArchiveError(ErrorCode.ARCHIVE_CORRUPT, `${MANIFEST_ENTRY_NAME} is not a JSON object`);
  }
  const m = raw as Record<string, unknown>;
  if (m.format !== ARCHIVE_FORMAT) {
    throw new ArchiveError(
      ErrorCode.ARCHIVE_VERSION,
      `Unknown session archive format ${JSON.stringify(m.format)} (expected "${ARCHIVE_FORMAT}")`,
    );
  }
  if (m.version !== ARCHIVE_FORMAT_VERSION) {
    throw new ArchiveError(
      ErrorCode.ARCHIVE_VERSION,
      `Unsupported session archive version ${JSON.stringify(m.version)} (this build reads version ${ARCHIVE_FORMAT_VERSION})`,
    );
  }
  const bad = (field: string): never => {
    throw new ArchiveError(ErrorCode.ARCHIVE_CORRUPT, `${MANIFEST_ENTRY_NAME} has an invalid "${field}"`);
  };
  if (!isValidClientId(m.clientId)) bad('clientId');
  if (typeof m.createdAt !== 'string' || Number.isNaN(Date.parse(m.createdAt))) bad('createdAt');
  if (typeof m.contentHash !== 'string' || !/^[0-9a-f]{64}$/.test(m.contentHash)) bad('contentHash');
  if (!isCount(m.files)) bad('files');
  if (!isCount(m.bytes)) bad('bytes');
  return {
    format: ARCHIVE_FORMAT,
    version: ARCHIVE_FORMAT_VERSION,
    clientId: m.clientId as string,
    createdAt: m.createdAt as string,
    contentHash: m.contentHash as string,
    files: m.files as number,
    bytes: m.bytes as number,
  };
}

/** The manifest's bytes as written into an archive: fixed key order, so equal manifests give equal bytes. */
export function serializeManifest(m: ArchiveManifest): Buffer {
  const ordered: ArchiveManifest = {
    format: m.format,
    version: m.version,
    clientId: m.clientId,
    createdAt: m.createdAt,
    contentHash: m.contentHash,
    files: m.files,
    bytes: m.bytes,
  };
  return Buffer.from(`${JSON.stringify(ordered, null, 2)}\n`, 'utf8');
}
