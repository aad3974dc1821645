/**
 * What MongoStore and MongoLeases share about the `mongodb` driver: which errors mean the server
 * cannot be reached, and a client made from a connection string.
 */
import { ErrorCode, InvalidOptionError, MissingDependencyError } from '../errors';
import { causeChain } from './cause-chain';
import { redactUrlsIn } from '../util/redact-url';

const UNREACHABLE_ERRORS = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoTopologyClosedError',
  'MongoNotConnectedError',
]);

/** `STORE_UNREACHABLE` when `err` (or its cause) says the server cannot be reached, else `STORE_FAILED`. */
export function classifyMongoError(err: unknown): typeof ErrorCode.STORE_FAILED | typeof ErrorCode.STORE_UNREACHABLE {
  for (const e of causeChain(err)) {
    const name = (e as { name?: unknown }).name;
    if (typeof name === 'string' && UNREACHABLE_ERRORS.has(name)) return ErrorCode.STORE_UNREACHABLE;
    const code = (e as { code?: unknown }).code;
    if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EHOSTUNREACH' || code === 'ENOTFOUND') {
      return ErrorCode.STORE_UNREACHABLE;
    }
  }
  return ErrorCode.STORE_FAILED;
}

/** The part of a `mongodb` `MongoClient` the callers use. */
export interface OwnedMongoClient {
  db(dbName?: string): { readonly databaseName: string; collection(name: string): unknown };
  close(): Promise<void>;
}

/**
 * A `MongoClient` for `url` made for `owner`, looking for a server for `connectTimeoutMs` unless the
 * URL sets `serverSelectionTimeoutMS` / `connectTimeoutMS` itself. Not connected yet: the driver
 * connects on first use.
 */
export function mongoClientFromUrl(url: string, connectTimeoutMs: number, owner: string): OwnedMongoClient {
  if (typeof url !== 'string' || !/^mongodb(\+srv)?:\/\/[^/?]+/i.test(url)) {
    throw new InvalidOptionError(`${owner}: "url" must be a mongodb:// or mongodb+srv:// connection string with a host`);
  }
  type MongoModule = {
    MongoClient: new (url: string, options?: { serverSelectionTimeoutMS?: number; connectTimeoutMS?: number }) => OwnedMongoClient;
  };
  let mongodb: MongoModule;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- mongodb is an optional peer, loaded only when a client is made here
    mongodb = require('mongodb') as MongoModule;
  } catch (err) {
    throw new MissingDependencyError('mongodb', owner, { cause: err });
  }
  try {
    return new mongodb.MongoClient(url, {
      ...(/[?&]serverSelectionTimeoutMS=/i.test(url) ? {} : { serverSelectionTimeoutMS: connectTimeoutMs }),
      ...(/[?&]connectTimeoutMS=/i.test(url) ? {} : { connectTimeoutMS: connectTimeoutMs }),
    });
  } catch (err) {
    throw new InvalidOptionError(
      `${owner}: "url" is not a valid MongoDB connection string: ${redactUrlsIn(err instanceof Error ? err.message : String(err))}`,
      { cause: err },
    );
  }
}
