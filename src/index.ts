/**
 * waweb: drive WhatsApp Web in headless Chromium, with a session layer that
 * survives restarts, machines and crashes. The public surface, written by hand.
 */
export { Client } from './client/client';
export { DEFAULT_USER_AGENT } from './client/launch';
export { Message } from './client/model/message';
export { GroupNotification } from './client/model/group-notification';
export { Reaction } from './client/model/reaction';
export { MessageMedia } from './client/model/message-media';
export { Location } from './client/model/location';
export type { MessageContent } from './client/model/message-content';
export type { MessageSendOptions } from './client/model/message-send-options';
export type { PairWithPhoneNumber } from './client/pairing';
export type { MessageId } from './client/model/message-id';
export { Chat } from './client/model/chat';
export { Contact } from './client/model/contact';
export { GroupChat } from './client/model/group-chat';
export type { FetchMessagesOptions } from './client/model/chat';
export type { GroupParticipant } from './client/model/group-chat';
export type { Wid } from './client/model/wid';
export type { ClientOptions, ClientInfo, DisconnectReason } from './client/options';
export type { ClientEvents } from './client/events';

export { AuthStrategy } from './auth/strategy';
export type { AuthHost, BrowserPlan, BrowserClosedInfo, LaunchRequest, SessionPage, SessionSavedInfo } from './auth/strategy';
export { NoAuth } from './auth/no-auth';
export { LocalAuth } from './auth/local-auth';
export type { LocalAuthOptions } from './auth/local-auth';
export { RemoteAuth } from './auth/remote/remote-auth';
export { LegacySessionAuth, LEGACY_AUTH_FAILURE_MESSAGE } from './auth/legacy-session-auth';
export type { LegacySession, LegacySessionAuthOptions } from './auth/legacy-session-auth';
export { importSession, exportSession, migrateSession } from './auth/transfer';
export type { ImportTarget, ImportResult, SessionSource, ExportedSession, MigrateOptions, MigrateResult } from './auth/transfer';
export type { RemoteAuthOptions } from './auth/remote/remote-auth';
export {
  createSessionArchive,
  extractSessionArchive,
  readArchiveManifest,
  readArchiveFile,
  computeContentHash,
  DEFAULT_ARCHIVE_LIMITS,
} from './archive';
export type {
  ArchiveLimits,
  ArchiveManifest,
  CreateSessionArchiveOptions,
  ExtractSessionArchiveOptions,
  ExtractedSessionArchive,
  ReadArchiveFileOptions,
  ReadArchiveManifestOptions,
  SessionArchive,
} from './archive';

export { findChromium, CHROMIUM_BUILD_ENV, type ChromiumBuild, type FindChromiumOptions } from './browser/executable';
export { claimProfileLock, profileInUse } from './browser/profile-lock';
export type { PuppeteerOptions } from './browser/launch';
export { DEFAULT_CHROMIUM_ARGS } from './browser/flags';
export { WAState } from './web/states';

export {
  WawebError,
  ErrorCode,
  InvalidOptionError,
  TimeoutError,
  AbortError,
  StoreError,
  ArchiveError,
  MissingDependencyError,
  FileSystemError,
  RestoreError,
  BrowserNotFoundError,
  BrowserError,
  ProfileLockedError,
  PageError,
  AuthFailureError,
  NotReadyError,
  ClientClosedError,
  EncryptionError,
  LeaseError,
} from './errors';
export type { AuthFailureReason, RestoreAttempt, StoreErrorCode } from './errors';

export { SessionManager } from './manager/session-manager';
export { MANAGED_STATES } from './manager/types';
export type {
  ManagedState,
  ManagedSessionInfo,
  ManagedRemoteAuthOptions,
  SessionManagerOptions,
  SessionManagerEvents,
  SessionReadyInfo,
} from './manager/types';
export { PostgresLeases, MongoLeases } from './leases';
export type { Lease, LeaseBackend, LeaseRecord, WorkerRecord, PostgresLeasesOptions, MongoLeasesOptions } from './leases';

export {
  FileStore,
  createFileStore,
  MongoStore,
  createMongoStore,
  PostgresStore,
  createPostgresStore,
  WwebjsStoreAdapter,
  fromWwebjsStore,
  toWwebjsStore,
  assertSessionId,
  isValidSessionId,
  EncryptedStore,
  encryptStore,
  withFence,
} from './stores';
export {
  ENCRYPTION_KEYS_ENV,
  generateEncryptionKey,
  parseEncryptionKeys,
  encryptEnvelope as encryptData,
  decryptEnvelope as decryptData,
  isEnvelope as isEncrypted,
  keyRing,
} from './util/encryption';
export type { EncryptionKey, KeyRing } from './util/encryption';
export type { Logger, LogFn } from './util/logger';
export type {
  SessionStore,
  StoredGeneration,
  LoadedSession,
  LoadOptions,
  SaveOptions,
  StoreCallOptions,
  FileStoreOptions,
  MongoStoreOptions,
  PostgresStoreOptions,
  WwebjsStore,
  MongoClientLike,
  MongoDbLike,
  MongooseLike,
  PgPoolLike,
  FromWwebjsStoreOptions,
  ToWwebjsStoreOptions,
  EncryptedStoreOptions,
} from './stores';

// Dashboard and metrics (src/serve)
export { startDashboard } from './serve/dashboard';
export { createMetrics } from './serve/metrics';
export type {
  Dashboard,
  DashboardOptions,
  DashboardManager,
  DashboardSession,
  Metrics,
  MetricsManager,
  MetricsOptions,
  SessionManagerListening,
} from './serve/types';
