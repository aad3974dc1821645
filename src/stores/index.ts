/** Session stores: one contract, one file per backend. Written by hand; helpers stay private. */
export type {
  DeleteOptions,
  GenerationMark,
  LoadOptions,
  LoadedSession,
  LoadedSessionStream,
  SessionSource,
  RewriteOptions,
  SaveOptions,
  SessionStore,
  SetAsideMark,
  SetAsideReason,
  StoreCallOptions,
  StoredGeneration,
} from './types';
export { loadStreamFrom, saveStreamTo } from './stream';
export { assertSessionId, isValidSessionId } from './session-id';
export { createStore } from './front';
export { defineStoreDriver } from './driver';
export type {
  DriverCallContext,
  DriverGeneration,
  DriverReadContext,
  DriverRemoveContext,
  DriverRewriteContext,
  DriverWriteContext,
  StoreDriver,
} from './driver';
export { FileStore, createFileStore } from './file';
export type { FileStoreOptions } from './file';
export { MongoStore, createMongoStore } from './mongo';
export type { MongoClientLike, MongoDbLike, MongoStoreOptions, MongooseLike } from './mongo';
export { PostgresStore, createPostgresStore } from './postgres';
export type { PgPoolLike, PostgresStoreOptions } from './postgres';
export { WwebjsStoreAdapter, fromWwebjsStore, toWwebjsStore } from './wwebjs-adapter';
export type { FromWwebjsStoreOptions, ToWwebjsStoreOptions, WwebjsStore } from './wwebjs-adapter';
export { EncryptedStore, encryptStore } from './encrypted';
export type { EncryptedStoreOptions } from './encrypted';
export type { RekeyOptions, RekeyResult } from './rekey';
export { withFence } from './fenced';
