/**
 * waweb: drive WhatsApp Web in headless Chromium, with a session layer that
 * survives restarts, machines and crashes. The public surface, written by hand.
 */
export { Client, DEFAULT_USER_AGENT } from './client/client';
export { GroupNotification, Message, Reaction } from './client/message';
export { MessageMedia } from './client/media';
export { Location } from './client/location';
export type { MessageContent, MessageSendOptions } from './client/content';
export type { PairWithPhoneNumber } from './client/pairing';
export type { MessageId } from './client/message';
export { Chat, Contact, GroupChat } from './client/chat';
export type { FetchMessagesOptions, GroupParticipant, Wid } from './client/chat';
export type { ClientOptions, ClientEvents, ClientInfo, DisconnectReason } from './client/types';

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
  createStore,
  defineStoreDriver,
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
  StoreDriver,
  DriverGeneration,
  DriverCallContext,
  DriverReadContext,
  DriverWriteContext,
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
