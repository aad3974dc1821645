/**
 * `waweb/wwebjs`: waweb's session strategies for whatsapp-web.js's own Client, and the stores they
 * save to. whatsapp-web.js is not a dependency: bring your own.
 *
 *   const { Client } = require('whatsapp-web.js');
 *   const { RemoteAuth, MongoStore } = require('waweb/wwebjs');
 *
 * @module waweb/wwebjs
 */
export { RemoteAuth } from './remote-auth';
export type { RemoteAuthOptions } from './remote-auth';
export { LocalAuth } from './local-auth';
export type { LocalAuthOptions } from './local-auth';
export type { WwebjsStrategyOptions, AuthenticationNeeded } from './strategy';
export {
  FileStore,
  createFileStore,
  MongoStore,
  createMongoStore,
  PostgresStore,
  createPostgresStore,
  AuthFailureError,
  ProfileLockedError,
  StoreError,
  WawebError,
} from '../index';
export type { SessionStore, WwebjsStore, SessionSavedInfo } from '../index';
