/**
 * Where a MongoStore's data lives: the database and the GridFS and ObjectId classes to use with it,
 * from whichever source it was given (mongoose, a `Db`, a client, or a client made from a URL).
 */
import type { Db, GridFSBucket, GridFSBucketOptions } from 'mongodb';
import { ErrorCode, MissingDependencyError, StoreError } from '../errors';
import type { OwnedMongoClient } from '../db/mongo';
import { loadObjectId, type ObjectIdClass } from '../db/mongo-keyed';
import type { MongoClientLike, MongoDbLike, MongooseLike } from './mongo-options';

type GridFSBucketClass = new (db: Db, options?: GridFSBucketOptions) => GridFSBucket;
export type Source =
  | { kind: 'mongoose'; mongoose: MongooseLike }
  | { kind: 'db'; db: MongoDbLike }
  | { kind: 'client'; client: MongoClientLike; dbName: string | undefined; owned?: OwnedMongoClient };

function loadGridFSBucket(): GridFSBucketClass {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- mongodb is an optional peer, loaded only when a MongoStore is used
    return (require('mongodb') as { GridFSBucket: GridFSBucketClass }).GridFSBucket;
  } catch (err) {
    throw new MissingDependencyError('mongodb', 'MongoStore', { cause: err });
  }
}

export interface Target {
  db: MongoDbLike;
  Bucket: GridFSBucketClass;
  ObjectId: ObjectIdClass;
}

/** The database and classes of `source`; waits for a mongoose connection still connecting. */
export async function resolveTarget(source: Source): Promise<Target> {
  if (source.kind === 'mongoose') {
    const connection = source.mongoose.connection;
    // readyState 2 = connecting: wait for it rather than failing a store call made during startup.
    if (!connection.db && connection.readyState === 2 && typeof connection.asPromise === 'function') {
      await connection.asPromise();
    }
    if (!connection.db) {
      throw new StoreError('MongoStore: the mongoose connection is not open', { code: ErrorCode.STORE_UNREACHABLE });
    }
    // mongoose's own copy of the driver, when it exposes one: its BSON types are the ones it writes.
    const mongo = source.mongoose.mongo as { GridFSBucket?: GridFSBucketClass; ObjectId?: ObjectIdClass } | undefined;
    const Bucket = typeof mongo?.GridFSBucket === 'function' ? mongo.GridFSBucket : loadGridFSBucket();
    const ObjectId = typeof mongo?.ObjectId === 'function' ? mongo.ObjectId : loadObjectId('MongoStore');
    return { db: connection.db, Bucket, ObjectId };
  }
  const db = source.kind === 'db' ? source.db : source.client.db(source.dbName);
  return { db, Bucket: loadGridFSBucket(), ObjectId: loadObjectId('MongoStore') };
}
