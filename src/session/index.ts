/**
 * `waweb/session`: sessions as data the user owns. Session archives (the format RemoteAuth stores),
 * export/import/migrate between folders, stores and files, each copy verified, and the tools for
 * encrypted stores and archive files (keys, envelopes).
 *
 * @module waweb/session
 */
export {
  createSessionArchive,
  extractSessionArchive,
  readArchiveManifest,
  readArchiveFile,
  DEFAULT_ARCHIVE_LIMITS,
  writeSessionArchive,
  extractSessionArchiveFile,
  extractSessionArchiveStream,
} from '../archive';
export type {
  ArchiveLimits,
  ArchiveManifest,
  CreateSessionArchiveOptions,
  ExtractSessionArchiveOptions,
  ExtractedSessionArchive,
  ReadArchiveFileOptions,
  ReadArchiveManifestOptions,
  SessionArchive,
  SessionArchiveSink,
  WriteSessionArchiveOptions,
  WrittenSessionArchive,
  ExtractSessionArchiveStreamOptions,
  ExtractedSessionArchiveStream,
} from '../archive';
export { exportSession, importSession, migrateSession } from './transfer';
export type { ImportTarget, ImportResult, SessionSource, ExportedSession, MigrateOptions, MigrateResult } from './transfer';
export { ENCRYPTION_KEYS_ENV, generateEncryptionKey, parseEncryptionKeys, keyRing } from '../util/encryption-keys';
export type { EncryptionKey, KeyRing } from '../util/encryption-keys';
export {
  encryptEnvelope as encryptData,
  decryptEnvelope as decryptData,
  isEnvelope as isEncrypted,
  envelopeInfo,
  quoteKeyId,
} from '../util/encryption';
export type { EnvelopeBinding, EnvelopeInfo, OpenOptions } from '../util/encryption';
export { redactUrl, UNPARSABLE_URL } from '../util/redact-url';
export { privateScratch, sweepScratch } from '../util/private-folder';
export type { ScratchFolder } from '../util/private-folder';
