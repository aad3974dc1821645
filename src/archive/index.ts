/**
 * The session archive: a format, not a strategy. Knows no store and no lifecycle, so RemoteAuth,
 * the CLI and any tool share it. The public surface of this part, written by hand.
 */
export { createSessionArchive, writeSessionArchive, archiveTempOwner, ARCHIVE_TEMP_PREFIX } from './create';
export type {
  CreateSessionArchiveOptions,
  SessionArchive,
  SessionArchiveSink,
  WriteSessionArchiveOptions,
  WrittenSessionArchive,
} from './create';
export {
  extractSessionArchive,
  extractSessionArchiveFile,
  extractOpenedArchive,
  openArchiveInPlace,
  extractSessionArchiveStream,
  readArchiveManifest,
} from './extract';
export type {
  ExtractSessionArchiveOptions,
  ExtractSessionArchiveStreamOptions,
  ExtractedSessionArchive,
  ExtractedSessionArchiveStream,
  ReadArchiveManifestOptions,
} from './extract';
export { spoolArchive } from './spool';
export type { ExpectedFile, OpenedZip } from './zip-open';
export type { SpoolOptions, SpooledArchive } from './spool';
export { readArchiveFile } from './read-file';
export type { ReadArchiveFileOptions } from './read-file';
export { DEFAULT_ARCHIVE_LIMITS, resolveArchiveLimits } from './limits';
export type { ArchiveLimits } from './limits';
export { computeContentHash, combineDigests, MANIFEST_ENTRY_NAME, ARCHIVE_FORMAT, ARCHIVE_FORMAT_VERSION } from './manifest';
export type { ArchiveManifest, FileDigest, ContentHashInput } from './manifest';
export { SESSION_DIRS } from './paths';
export { APP_ORIGIN, SessionDataProbe } from './session-data';
export {
  LOCAL_STORAGE_SNAPSHOT,
  parseLocalStorageSnapshot,
  readLocalStorageSnapshot,
  removeLocalStorageSnapshot,
  writeLocalStorageSnapshot,
} from './local-storage-snapshot';
