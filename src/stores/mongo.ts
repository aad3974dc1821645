import type { Db, GridFSBucket, GridFSBucketOptions, GridFSFile } from 'mongodb';
import { ErrorCode, InvalidOptionError, LeaseError, MissingDependencyError, StoreError } from '../errors';
import type { DriverGeneration, DriverReadContext, DriverWriteContext, StoreDriver } from './driver';
import { StoreFront } from './front';
import { classifyMongoError, mongoClientFromUrl, type OwnedMongoClient } from '../db/mongo';
import { dataTooLarge, generationsToPrune, processLock, resolveKeep, resolveTimeout } from './internal';
import { deleteFile, download, fileMarks, isFileNotFound, markUpdate, numberFiles, upload, uploadDateAfter } from './mongo-gridfs';
import type { GenerationMark, StoredGeneration } from './types';

/** The part of a `mongodb` `Db` this store uses (any driver version >= 6). */
export interface MongoDbLike {
  readonly databaseName: string;
  collection(name: string): unknown;
}

/** The part of a `mongodb` `MongoClient` this store uses. */
export interface MongoClientLike {
  db(dbName?: string): MongoDbLike;
}

/** The part of a mongoose instance this store uses (mongoose >= 8). */
export interface MongooseLike {
  readonly connection: {
    readonly db?: MongoDbLike | undefined;
    readonly readyState: number;
    asPromise?(): Promise<unknown>;
  };
  /** mongoose re-exports its own `mongodb` driver here; its `GridFSBucket` is used when present. */
  readonly mongo?: unknown;
}

export interface MongoStoreOptions {
  /** A mongoose instance (as passed to wwebjs-mongo's `MongoStore`); its default connection is used. */
  mongoose?: MongooseLike;
  /** A `mongodb` `Db`. */
  db?: MongoDbLike;
  /** A connected or connectable `mongodb` `MongoClient`; `dbName` picks the database. */
  client?: MongoClientLike;
  /**
   * A MongoDB connection string: the store makes its own `MongoClient` (with the driver's
   * `serverSelectionTimeoutMS` and `connectTimeoutMS` at `connectTimeoutMs` unless the URL sets
   * them) and closes it on `close()`. `dbName` picks the database.
   */
  url?: string;
  /**
   * Database to use with `client` or `url`.
   * @default the database named in the connection string, else `test`
   */
  dbName?: string;
  /**
   * With `url`: how long the client looks for a server before a call fails as unreachable.
   * @default 5000
   */
  connectTimeoutMs?: number;
  /**
   * How many generations to keep per session.
   * @default 3
   */
  keep?: number;
  /**
   * Longest one store call may take (server selection, queries, the GridFS transfer); then
   * `StoreError` code `TIMEOUT` naming this option. The driver's own `serverSelectionTimeoutMS`
   * (30 s by default) belongs to a client you pass: set it lower there to hear of an unreachable
   * server sooner.
   * @default 30000
   */
  operationTimeoutMs?: number;
  /**
   * Collection holding the largest fencing token seen per session (fenced saves, `raiseFence`).
   * @default 'waweb_fences'
   */
  fencesCollection?: string;
}

type GridFSBucketClass = new (db: Db, options?: GridFSBucketOptions) => GridFSBucket;
type Source =
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

/**
 * Session store on MongoDB GridFS, laid out like wwebjs-mongo 1.1.0: bucket `whatsapp-<sessionId>`,
 * file name `<sessionId>.zip`, one file per generation. A backup written by wwebjs-mongo loads here
 * and the newest one written here is what wwebjs-mongo's `extract` downloads.
 *
 * A save uploads the new file completely, then deletes (and awaits) every file the pruning rule
 * gives up. Marks live in the file document's `metadata.waweb` (`setAside`, `loggedInAt`).
 * Saves of one session are serialized within the process; across processes, give each session one
 * owner at a time.
 */
export class MongoStore extends StoreFront {
  readonly keep: number;
  readonly operationTimeoutMs: number;

  constructor(options: MongoStoreOptions) {
    const driver = new MongoDriver(options);
    super(driver);
    this.keep = driver.keep;
    this.operationTimeoutMs = driver.callTimeout.ms;
  }

  /** The GridFS bucket name for a session (same as wwebjs-mongo 1.1.0). */
  static bucketName(sessionId: string): string {
    return `whatsapp-${sessionId}`;
  }

  /** The GridFS file name for a session (same as wwebjs-mongo 1.1.0). */
  static fileName(sessionId: string): string {
    return `${sessionId}.zip`;
  }
}

/** The raw operations of a MongoStore over one source (mongoose, a Db, a client, or a URL). */
class MongoDriver implements StoreDriver<GridFSFile> {
  readonly name = 'mongo';
  readonly label = 'MongoStore';
  readonly keep: number;
  readonly callTimeout: { ms: number; option: string };
  readonly fencesCollection: string;
  private readonly source: Source;

  constructor(options: MongoStoreOptions) {
    const given = [options?.mongoose, options?.db, options?.client, options?.url].filter((x) => x !== undefined && x !== null);
    if (given.length !== 1) {
      throw new InvalidOptionError('MongoStore: pass exactly one of "mongoose", "db", "client" or "url"');
    }
    if (options.dbName !== undefined && !options.client && options.url === undefined) {
      throw new InvalidOptionError('MongoStore: "dbName" only applies together with "client" or "url"');
    }
    if (options.connectTimeoutMs !== undefined && options.url === undefined) {
      throw new InvalidOptionError('MongoStore: "connectTimeoutMs" only applies together with "url"');
    }
    this.keep = resolveKeep(options.keep, 'MongoStore');
    this.fencesCollection = options.fencesCollection ?? 'waweb_fences';
    if (typeof this.fencesCollection !== 'string' || !/^[A-Za-z0-9_.-]{1,100}$/.test(this.fencesCollection)) {
      throw new InvalidOptionError('MongoStore: "fencesCollection" must be a collection name (letters, digits, "_", "-", ".")');
    }
    this.callTimeout = {
      ms: resolveTimeout(options.operationTimeoutMs, 30_000, 'operationTimeoutMs', 'MongoStore'),
      option: 'operationTimeoutMs',
    };
    if (options.mongoose) {
      if (typeof options.mongoose.connection !== 'object' || options.mongoose.connection === null) {
        throw new InvalidOptionError('MongoStore: "mongoose" must be a mongoose instance');
      }
      this.source = { kind: 'mongoose', mongoose: options.mongoose };
    } else if (options.db) {
      if (typeof options.db.collection !== 'function') throw new InvalidOptionError('MongoStore: "db" must be a mongodb Db');
      this.source = { kind: 'db', db: options.db };
    } else if (options.client) {
      const client = options.client;
      if (typeof client.db !== 'function') throw new InvalidOptionError('MongoStore: "client" must be a mongodb MongoClient');
      this.source = { kind: 'client', client, dbName: options.dbName };
    } else {
      const connectTimeoutMs = resolveTimeout(options.connectTimeoutMs, 5000, 'connectTimeoutMs', 'MongoStore');
      const owned = mongoClientFromUrl(options.url as string, connectTimeoutMs, 'MongoStore');
      this.source = { kind: 'client', client: owned, dbName: options.dbName, owned };
    }
  }

  isUnreachable(err: unknown): boolean {
    return classifyMongoError(err) === ErrorCode.STORE_UNREACHABLE;
  }

  async exists(sessionId: string): Promise<boolean> {
    const bucket = await this.bucket(sessionId);
    const first = await bucket.find({ filename: MongoStore.fileName(sessionId) }, { limit: 1 }).toArray();
    return first.length > 0;
  }

  async list(sessionId: string): Promise<Array<DriverGeneration<GridFSFile>>> {
    const bucket = await this.bucket(sessionId);
    return numberFiles(await this.files(bucket, sessionId)).map(({ file, generation }) => ({
      sessionId,
      generation,
      createdAt: file.uploadDate,
      bytes: file.length,
      ...fileMarks(file),
      handle: file,
    }));
  }

  /** One `updateOne` on the bucket's files collection; `null` when the file is gone. */
  async mark(sessionId: string, generation: DriverGeneration<GridFSFile>, mark: GenerationMark): Promise<StoredGeneration | null> {
    const file = generation.handle;
    if (!file) return null;
    const files = await this.filesCollection(sessionId);
    const updated = await files.updateOne({ _id: file._id }, markUpdate(file, mark, new Date()));
    if (updated.matchedCount === 0) return null;
    const now = await files.findOne({ _id: file._id });
    if (!now) return null;
    return { sessionId, generation: generation.generation, createdAt: now.uploadDate, bytes: now.length, ...fileMarks(now) };
  }

  async removeGeneration(sessionId: string, generation: DriverGeneration<GridFSFile>): Promise<boolean> {
    const file = generation.handle;
    if (!file) return false;
    try {
      await (await this.bucket(sessionId)).delete(file._id);
      return true;
    } catch (err) {
      if (isFileNotFound(err)) return false;
      throw err;
    }
  }

  private async filesCollection(sessionId: string): Promise<FilesCollection> {
    const { db } = await this.target();
    return db.collection(`${MongoStore.bucketName(sessionId)}.files`) as FilesCollection;
  }

  async read(sessionId: string, generation: DriverGeneration<GridFSFile>, { maxBytes, signal }: DriverReadContext): Promise<Buffer | null> {
    const file = generation.handle;
    if (!file) return null;
    if (maxBytes !== undefined && file.length > maxBytes)
      throw dataTooLarge(this.label, sessionId, generation.generation, file.length, maxBytes);
    try {
      return await download(await this.bucket(sessionId), file, signal);
    } catch (err) {
      if (isFileNotFound(err)) return null; // pruned by a concurrent save
      throw err;
    }
  }

  /** With `fence`, see `save` below. */
  write(sessionId: string, data: Buffer, { fence }: DriverWriteContext): Promise<StoredGeneration> {
    return this.save(sessionId, data, fence);
  }

  async raiseFence(sessionId: string, token: number): Promise<number> {
    const fences = new MongoFences(await this.fences());
    return fences.raise(sessionId, token);
  }

  /**
   * A fenced save claims the token first (refused when a larger one is stored), uploads, then looks
   * again: a new owner that raised the token meanwhile wins, and the file just written is deleted
   * before the save is refused. MongoDB has no transaction on every deployment, so a reader may see
   * that file in the moment between the upload and the second look (see docs/sessions.md).
   */
  private async save(sessionId: string, data: Buffer, fence: number | undefined): Promise<StoredGeneration> {
    const target = await this.target();
    const fences = fence === undefined ? undefined : new MongoFences(await this.fences());
    // Two store objects over the same database in one process also take turns.
    return processLock.run(`mongo:${target.db.databaseName}:${sessionId}`, async () => {
      if (fences && fence !== undefined) await fences.claim(sessionId, fence);
      const bucket = new target.Bucket(target.db as unknown as Db, { bucketName: MongoStore.bucketName(sessionId) });
      const before = numberFiles(await this.files(bucket, sessionId));
      const generation = (before[0]?.generation ?? 0) + 1;
      await uploadDateAfter(before);
      const file = await upload(bucket, MongoStore.fileName(sessionId), data, {
        waweb: { generation, ...(fence === undefined ? {} : { fence }) },
      });
      if (fences && fence !== undefined) {
        try {
          await fences.claim(sessionId, fence);
        } catch (err) {
          await deleteFile(bucket, file);
          throw err;
        }
      }
      await this.prune(bucket, sessionId);
      return { sessionId, generation, createdAt: file.uploadDate, bytes: data.length };
    });
  }

  private async fences(): Promise<FenceCollection> {
    const { db } = await this.target();
    const collection = db.collection(this.fencesCollection) as FenceCollection;
    // One record per session: a unique index keeps two first upserts from making two.
    this.fenceIndex ??= Promise.resolve(collection.createIndex?.({ sessionId: 1 }, { unique: true })).then(
      () => undefined,
      () => (this.fenceIndex = undefined),
    );
    await this.fenceIndex;
    return collection;
  }

  private fenceIndex: Promise<void> | undefined;

  async remove(sessionId: string): Promise<void> {
    const bucket = await this.bucket(sessionId);
    for (const file of await this.files(bucket, sessionId)) await deleteFile(bucket, file);
  }

  /** Closes the client the store made from a URL; a connection passed in stays open. */
  async dispose(): Promise<void> {
    if (this.source.kind === 'client' && this.source.owned) await this.source.owned.close();
  }

  private async target(): Promise<{ db: MongoDbLike; Bucket: GridFSBucketClass }> {
    const source = this.source;
    if (source.kind === 'mongoose') {
      const connection = source.mongoose.connection;
      // readyState 2 = connecting: wait for it rather than failing a store call made during startup.
      if (!connection.db && connection.readyState === 2 && typeof connection.asPromise === 'function') {
        await connection.asPromise();
      }
      if (!connection.db) {
        throw new StoreError('MongoStore: the mongoose connection is not open', { code: ErrorCode.STORE_UNREACHABLE });
      }
      const mongo = source.mongoose.mongo as { GridFSBucket?: GridFSBucketClass } | undefined;
      const Bucket = typeof mongo?.GridFSBucket === 'function' ? mongo.GridFSBucket : loadGridFSBucket();
      return { db: connection.db, Bucket };
    }
    const db = source.kind === 'db' ? source.db : source.client.db(source.dbName);
    return { db, Bucket: loadGridFSBucket() };
  }

  private async bucket(sessionId: string): Promise<GridFSBucket> {
    const { db, Bucket } = await this.target();
    return new Bucket(db as unknown as Db, { bucketName: MongoStore.bucketName(sessionId) });
  }

  private async files(bucket: GridFSBucket, sessionId: string): Promise<GridFSFile[]> {
    return bucket.find({ filename: MongoStore.fileName(sessionId) }).toArray();
  }

  /** Deletes every file `generationsToPrune` gives up, each delete awaited. */
  private async prune(bucket: GridFSBucket, sessionId: string): Promise<void> {
    const numbered = numberFiles(await this.files(bucket, sessionId)).map((n) => ({ ...n, ...fileMarks(n.file) }));
    for (const { file } of generationsToPrune(numbered, this.keep)) await deleteFile(bucket, file);
  }
}

/** The part of a GridFS files collection that marks use. */
interface FilesCollection {
  updateOne(filter: object, update: object): Promise<{ matchedCount: number }>;
  findOne(filter: object): Promise<GridFSFile | null>;
}

/** The part of a `mongodb` collection the fencing records use. */
interface FenceCollection {
  updateOne(filter: object, update: object, options?: { upsert?: boolean }): Promise<{ matchedCount: number; upsertedCount?: number }>;
  findOne(filter: object): Promise<{ token?: unknown } | null>;
  createIndex?(spec: object, options?: object): Promise<unknown>;
}

/** One document per session, `{ sessionId, token }`: the largest fencing token seen. */
class MongoFences {
  constructor(private readonly collection: FenceCollection) {}

  /** Keeps `token` unless a larger one is stored; refuses with `FENCED` when one is. */
  async claim(sessionId: string, token: number): Promise<void> {
    await this.ensure(sessionId);
    const claimed = await this.collection.updateOne({ sessionId, token: { $lte: token } }, { $set: { token } });
    if (claimed.matchedCount > 0) return;
    const seen = await this.collection.findOne({ sessionId });
    throw new LeaseError(
      ErrorCode.FENCED,
      sessionId,
      `MongoStore: save of "${sessionId}" refused: it carries fencing token ${token}, and ${String(seen?.token)} was seen (a newer owner has the session)`,
    );
  }

  async raise(sessionId: string, token: number): Promise<number> {
    await this.ensure(sessionId);
    await this.collection.updateOne({ sessionId, token: { $lt: token } }, { $set: { token } });
    const seen = await this.collection.findOne({ sessionId });
    return typeof seen?.token === 'number' ? seen.token : token;
  }

  private async ensure(sessionId: string): Promise<void> {
    await this.collection.updateOne({ sessionId }, { $setOnInsert: { token: 0 } }, { upsert: true });
  }
}

/**
 * Creates a {@link MongoStore}.
 * @deprecated use `new MongoStore(options)`; this alias goes in the next release.
 */
export function createMongoStore(options: MongoStoreOptions): MongoStore {
  return new MongoStore(options);
}
