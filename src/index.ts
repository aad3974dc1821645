/**
 * waweb: drive WhatsApp Web in headless Chromium, with a session layer that survives restarts,
 * machines and crashes. The entry a bot author imports, written by hand: the client and its model,
 * the auth strategies, the stores, the errors. It loads no dashboard, no metrics library and no
 * database driver; those come with the entries of their audience:
 *
 *   waweb/manager    SessionManager and leases (many sessions over workers)
 *   waweb/dashboard  the web dashboard and Prometheus metrics
 *   waweb/session    session archives, export/import/migrate, encryption tools
 *   waweb/simulator  a local WhatsApp Web and phone, for offline tests
 *   waweb/wwebjs     waweb's strategies and stores for whatsapp-web.js's own Client
 *   waweb/testing    the store conformance suite
 *
 * @module waweb
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
export { PrivateChat } from './client/model/private-chat';
export { Contact } from './client/model/contact';
export { GroupChat } from './client/model/group-chat';
export type { FetchMessagesOptions } from './client/model/chat';
export type { GroupParticipant } from './client/model/group-chat';
export type { Wid } from './client/model/wid';
export type { ClientOptions, DisconnectReason } from './client/options';
export type { ClientEvents } from './client/events';
export type { WwebjsEventName, WwebjsEvents } from './client/events';
export type { WebVersionFallback } from './client/events';
export type { WebContractCheck, WebContractReport } from './client/events';
export type { WebVersionCache } from './client/web-version-options';
export { WAState } from './web/states';
// whatsapp-web.js's whole declared surface (issue 26): its constants, its other classes and their shapes.
export {
  version,
  WhatsWebURL,
  DefaultOptions,
  Status,
  Events,
  GroupNotificationTypes,
  MessageAck,
  MessageTypes,
  ChatTypes,
} from './client/constants';
export { ClientInfo } from './client/model/client-info';
export type { ClientInfoPhone, BatteryInfo } from './client/model/client-info';
export { PrivateContact } from './client/model/private-contact';
export { BusinessContact } from './client/model/business-contact';
export type { BusinessProfile, BusinessCategory, BusinessHours, BusinessHoursOfDay } from './client/model/business-contact';
export { Poll } from './client/model/poll';
export type { PollSendOptions } from './client/model/poll';
export { PollVote } from './client/model/poll-vote';
export type { SelectedPollOption } from './client/model/poll-vote';
export { ScheduledEvent } from './client/model/scheduled-event';
export type { ScheduledEventSendOptions } from './client/model/scheduled-event';
export { List } from './client/model/list';
export { Buttons } from './client/model/buttons';
export { Label } from './client/model/label';
export { Broadcast } from './client/model/broadcast';
export { Call } from './client/model/call';
export { Channel } from './client/model/channel';
export type {
  CreateChannelOptions,
  CreateChannelResult,
  UnsubscribeOptions,
  SearchChannelsOptions,
  TransferChannelOwnershipOptions,
  MessageSendChannelOptions,
} from './client/model/channel-types';
export type {
  CreateGroupOptions,
  CreateGroupResult,
  AddParticipantsOptions,
  AddParticipantsResult,
  GroupMembershipRequest,
  MembershipRequestActionOptions,
  MembershipRequestActionResult,
} from './client/model/group-types';
export type {
  InviteV4Data,
  MessageInfo,
  ReactionList,
  MessageEditOptions,
  Order,
  Payment,
  Product,
  GroupMention,
  EventLocation,
} from './client/model/message-types';
export { ProductMetadata } from './client/model/product-metadata';
export type { ContactCard, LocationInput } from './client/model/message-content';
export type { MediaFromURLOptions } from './client/model/message-media';
export type { CustomerNote } from './client/model/chat';
export type { InterfaceController } from './client/api/interface';

export { AuthStrategy } from './auth/strategy';
export type {
  AuthHost,
  BrowserPlan,
  BrowserClosedInfo,
  LaunchRequest,
  LoginFailure,
  LoginRetry,
  RestoreFailedInfo,
  SessionPage,
  SessionSavedInfo,
} from './auth/strategy';
export { NoAuth } from './auth/no-auth';
export { LocalAuth } from './auth/local-auth';
export type { LocalAuthOptions } from './auth/local-auth';
export { RemoteAuth } from './auth/remote/remote-auth';
export type { RemoteAuthOptions } from './auth/remote/remote-auth';
export { LegacySessionAuth, LEGACY_AUTH_FAILURE_MESSAGE } from './auth/legacy-session-auth';
export type { LegacySession, LegacySessionAuthOptions } from './auth/legacy-session-auth';

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
  EncryptedStore,
  encryptStore,
  assertSessionId,
  isValidSessionId,
  createStore,
  defineStoreDriver,
  saveStreamTo,
  loadStreamFrom,
} from './stores';
export type {
  SessionStore,
  StoredGeneration,
  GenerationMark,
  SetAsideMark,
  SetAsideReason,
  LoadedSession,
  LoadOptions,
  SaveOptions,
  DeleteOptions,
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
  RewriteOptions,
  DriverRewriteContext,
  RekeyOptions,
  RekeyResult,
  LoadedSessionStream,
  SessionSource,
} from './stores';
/** The shape of `EncryptedStoreOptions.keys`; the key tools are in `waweb/session`. */
export type { EncryptionKey } from './util/encryption-keys';

export {
  WawebError,
  ErrorCode,
  InvalidOptionError,
  TimeoutError,
  StartTimeoutError,
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
  SessionExistsError,
  EncryptionError,
  LeaseError,
  WebVersionUnavailableError,
  IncompatibleWebError,
  NotSupportedError,
  NotBusinessError,
} from './errors';
export type { WebContractMiss } from './errors';
export type { AuthFailureReason, RestoreAttempt, StartPhase, StartTimeoutDetails, StoreErrorCode } from './errors';

export { findChromium, CHROMIUM_BUILD_ENV, type ChromiumBuild, type FindChromiumOptions } from './browser/executable';
export type { PuppeteerOptions } from './browser/launch';
export { DEFAULT_CHROMIUM_ARGS } from './browser/flags';
export type { Logger, LogFn } from './util/logger';
// A pool of pre-launched browsers (issue 28)
export { BrowserPool } from './browser/pool';
export type { BrowserPoolOptions, BrowserPoolStats } from './browser/pool';
export { createBrowserPool } from './client/browser-pool';
export type { ClientBrowserPoolOptions, PoolClientOptions } from './client/browser-pool';
