import type { Db, GridFSBucket, GridFSBucketOptions, GridFSFile } from 'mongodb';
import { ErrorCode, InvalidOptionError, MissingDependencyError, StoreError } from '../errors';
import { withDeadline } from '../util/deadline';
import {
  assertBuffer,
  assertGeneration,
  assertMaxBytes,
  causeChain,
  closedError,
  dataTooLarge,
  processLock,
  resolveKeep,
  resolveTimeout,
  wrapError,
} from './internal';
import { assertSessionId } from './session-id';
import type { LoadOptions, LoadedSession, SessionStore, StoreCallOptions, StoredGeneration } from './types';

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
   * Database to use with `client`.
   * @default the database named in the client's connection string, else `test`
   */
  dbName?: string;
  /**
   * How many generations to keep per session.
   * @default 2
   */
  keep?: number;
  /**
   * Longest one store call may take (server selection, queries, the GridFS transfer); then
   * `StoreError` code `TIMEOUT` naming this option. The driver's own `serverSelectionTimeoutMS`
   * (30 s by default) belongs to the client you pass: set it lower there to hear of an unreachable
   * server sooner.
   * @default 30000
   */
  operationTimeoutMs?: number;
}

type GridFSBucketClass = new (db: Db, options?: GridFSBucketOptions) => GridFSBucket;

/** Stored in each file's `metadata`; files without it (written by wwebjs-mongo) are numbered by upload order. */
interface WawebMetadata {
  waweb?: { generation?: unknown };
}

interface NumberedFile {
  file: GridFSFile;
  generation: number;
}

const UNREACHABLE_ERRORS = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoTopologyClosedError',
  'MongoNotConnectedError',
]);

function classify(err: unknown): typeof ErrorCode.STORE_FAILED | typeof ErrorCode.STORE_UNREACHABLE {
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

function isFileNotFound(err: unknown): boolean {
  const e = err as { name?: unknown; message?: unknown; code?: unknown };
  return (e?.name === 'MongoRuntimeError' && typeof e.message === 'string' && /not found/i.test(e.message)) || e?.code === 'ENOENT';
}

function loadGridFSBucket(): GridFSBucketClass {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- mongodb is an optional peer, loaded only when a MongoStore is used
    return (require('mongodb') as { GridFSBucket: GridFSBucketClass }).GridFSBucket;
  } catch (err) {
    throw new MissingDependencyError('mongodb', 'MongoStore', { cause: err });
  }
}

function idString(id: unknown): string {
  if (id && typeof (id as { toHexString?: unknown }).toHexString === 'function') {
    return (id as { toHexString(): string }).toHexString();
  }
  return String(id);
}

function taggedGeneration(file: GridFSFile): number | undefined {
  const value = (file.metadata as WawebMetadata | undefined)?.waweb?.generation;
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

/**
 * Numbers the files of one session. waweb's own uploads carry their generation in
 * `metadata.waweb.generation`; uploads by wwebjs-mongo do not and are numbered after whatever
 * was uploaded before them, so the newest upload is also the highest generation (the file
 * wwebjs-mongo's `extract` would pick). Returned newest first.
 */
function numberFiles(files: GridFSFile[]): NumberedFile[] {
  // Same millisecond: waweb's saves wait until their upload date is later than every existing
  // file's, so a tie can only be a wwebjs upload that came after ours; put untagged files last.
  const ascending = [...files].sort(
    (a, b) =>
      a.uploadDate.getTime() - b.uploadDate.getTime() ||
      (taggedGeneration(a) ?? Number.MAX_SAFE_INTEGER) - (taggedGeneration(b) ?? Number.MAX_SAFE_INTEGER) ||
      idString(a._id).localeCompare(idString(b._id)),
  );
  let highest = 0;
  const numbered: NumberedFile[] = [];
  for (const file of ascending) {
    const generation = taggedGeneration(file) ?? highest + 1;
    highest = Math.max(highest, generation);
    numbered.push({ file, generation });
  }
  return numbered.sort((a, b) => b.generation - a.generation || b.file.uploadDate.getTime() - a.file.uploadDate.getTime());
}

/**
 * Session store on MongoDB GridFS, laid out like wwebjs-mongo 1.1.0: bucket `whatsapp-<sessionId>`,
 * file name `<sessionId>.zip`, one file per generation. A backup written by wwebjs-mongo loads here
 * and the newest one written here is what wwebjs-mongo's `extract` downloads.
 *
 * A save uploads the new file completely, then deletes (and awaits) every file beyond `keep`.
 * Saves of one session are serialized within the process; across processes, give each session one
 * owner at a time.
 */
export class MongoStore implements SessionStore {
  readonly name = 'mongo';
  readonly keep: number;
  readonly operationTimeoutMs: number;
  private readonly source:
    | { kind: 'mongoose'; mongoose: MongooseLike }
    | { kind: 'db'; db: MongoDbLike }
    | { kind: 'client'; client: MongoClientLike; dbName: string | undefined };
  private closed = false;

  constructor(options: MongoStoreOptions) {
    const given = [options?.mongoose, options?.db, options?.client].filter((x) => x !== undefined && x !== null);
    if (given.length !== 1) {
      throw new InvalidOptionError('MongoStore: pass exactly one of "mongoose", "db" or "client"');
    }
    if (options.dbName !== undefined && !options.client) {
      throw new InvalidOptionError('MongoStore: "dbName" only applies together with "client"');
    }
    if (options.mongoose) {
      if (typeof options.mongoose.connection !== 'object' || options.mongoose.connection === null) {
        throw new InvalidOptionError('MongoStore: "mongoose" must be a mongoose instance');
      }
      this.source = { kind: 'mongoose', mongoose: options.mongoose };
    } else if (options.db) {
      if (typeof options.db.collection !== 'function') throw new InvalidOptionError('MongoStore: "db" must be a mongodb Db');
      this.source = { kind: 'db', db: options.db };
    } else {
      const client = options.client as MongoClientLike;
      if (typeof client.db !== 'function') throw new InvalidOptionError('MongoStore: "client" must be a mongodb MongoClient');
      this.source = { kind: 'client', client, dbName: options.dbName };
    }
    this.keep = resolveKeep(options.keep, 2, 'MongoStore');
    this.operationTimeoutMs = resolveTimeout(options.operationTimeoutMs, 30_000, 'operationTimeoutMs', 'MongoStore');
  }

  /** The GridFS bucket name for a session (same as wwebjs-mongo 1.1.0). */
  static bucketName(sessionId: string): string {
    return `whatsapp-${sessionId}`;
  }

  /** The GridFS file name for a session (same as wwebjs-mongo 1.1.0). */
  static fileName(sessionId: string): string {
    return `${sessionId}.zip`;
  }

  async exists(sessionId: string, options?: StoreCallOptions): Promise<boolean> {
    this.check(sessionId);
    return this.run(`checking session "${sessionId}"`, options?.signal, async () => {
      const bucket = await this.bucket(sessionId);
      const first = await bucket.find({ filename: MongoStore.fileName(sessionId) }, { limit: 1 }).toArray();
      return first.length > 0;
    });
  }

  async save(sessionId: string, data: Buffer, options?: StoreCallOptions): Promise<StoredGeneration> {
    this.check(sessionId);
    assertBuffer(data, 'MongoStore.save');
    return this.run(`saving session "${sessionId}"`, options?.signal, async () => {
      const target = await this.target();
      // Two store objects over the same database in one process also take turns.
      return processLock.run(`mongo:${target.db.databaseName}:${sessionId}`, async () => {
        const bucket = new target.Bucket(target.db as unknown as Db, { bucketName: MongoStore.bucketName(sessionId) });
        const before = numberFiles(await this.files(bucket, sessionId));
        const generation = (before[0]?.generation ?? 0) + 1;
        await uploadDateAfter(before);
        const metadata = { waweb: { generation } };
        const file = await upload(bucket, MongoStore.fileName(sessionId), data, metadata);
        await this.prune(bucket, sessionId);
        return { sessionId, generation, createdAt: file.uploadDate, bytes: data.length };
      });
    });
  }

  async load(sessionId: string, options?: LoadOptions): Promise<LoadedSession | null> {
    this.check(sessionId);
    assertGeneration(options?.generation, 'MongoStore.load');
    assertMaxBytes(options?.maxBytes, 'MongoStore.load');
    return this.run(`loading session "${sessionId}"`, options?.signal, async (signal) => {
      const bucket = await this.bucket(sessionId);
      // A concurrent save may prune the file between listing and downloading it; list again then.
      for (let attempt = 0; attempt < 5; attempt++) {
        const numbered = numberFiles(await this.files(bucket, sessionId));
        const wanted = options?.generation;
        const entry = wanted === undefined ? numbered[0] : numbered.find((n) => n.generation === wanted);
        if (!entry) return null;
        const maxBytes = options?.maxBytes;
        if (maxBytes !== undefined && entry.file.length > maxBytes)
          throw dataTooLarge('MongoStore', sessionId, entry.generation, entry.file.length, maxBytes);
        let data: Buffer;
        try {
          data = await download(bucket, entry.file, signal);
        } catch (err) {
          if (!isFileNotFound(err)) throw err;
          if (wanted !== undefined) return null;
          continue;
        }
        return { sessionId, generation: entry.generation, createdAt: entry.file.uploadDate, bytes: data.length, data };
      }
      throw new StoreError(`MongoStore: session "${sessionId}" kept changing while loading it`);
    });
  }

  async list(sessionId: string, options?: StoreCallOptions): Promise<StoredGeneration[]> {
    this.check(sessionId);
    return this.run(`listing session "${sessionId}"`, options?.signal, async () => {
      const bucket = await this.bucket(sessionId);
      return numberFiles(await this.files(bucket, sessionId)).map(({ file, generation }) => ({
        sessionId,
        generation,
        createdAt: file.uploadDate,
        bytes: file.length,
      }));
    });
  }

  async delete(sessionId: string, options?: StoreCallOptions): Promise<void> {
    this.check(sessionId);
    await this.run(`deleting session "${sessionId}"`, options?.signal, async () => {
      const bucket = await this.bucket(sessionId);
      for (const file of await this.files(bucket, sessionId)) {
        await deleteFile(bucket, file);
      }
    });
  }

  /** Runs one call within `operationTimeoutMs`, ended by `signal`; errors become `StoreError`s. */
  private async run<T>(what: string, signal: AbortSignal | undefined, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    try {
      return await withDeadline(task, {
        timeoutMs: this.operationTimeoutMs,
        signal,
        abortMessage: `MongoStore: ${what} was aborted`,
        onTimeout: () =>
          new StoreError(`MongoStore: ${what} did not finish within operationTimeoutMs (${this.operationTimeoutMs} ms)`, {
            code: ErrorCode.TIMEOUT,
          }),
      });
    } catch (err) {
      throw wrapError(err, `MongoStore: ${what} failed`, classify);
    }
  }

  /** Marks the store closed. The connection belongs to the caller and stays open. */
  async close(): Promise<void> {
    this.closed = true;
  }

  private check(sessionId: string): void {
    if (this.closed) throw closedError(this.name);
    assertSessionId(sessionId);
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

  /** Deletes every file beyond `keep`, newest kept, each delete awaited. */
  private async prune(bucket: GridFSBucket, sessionId: string): Promise<void> {
    const numbered = numberFiles(await this.files(bucket, sessionId));
    for (const { file } of numbered.slice(this.keep)) {
      await deleteFile(bucket, file);
    }
  }
}

/**
 * GridFS orders same-named files by `uploadDate` (milliseconds, set by the uploading client), and
 * that is how wwebjs-mongo picks the newest. Wait, at most a few milliseconds, until this clock is
 * past every existing upload so the new file sorts strictly last. A date far in the future (another
 * host's clock) is not waited for.
 */
async function uploadDateAfter(existing: NumberedFile[]): Promise<void> {
  const latest = Math.max(0, ...existing.map((n) => n.file.uploadDate.getTime()));
  const deadline = Date.now() + 50;
  while (Date.now() <= latest && latest < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

async function deleteFile(bucket: GridFSBucket, file: GridFSFile): Promise<void> {
  try {
    await bucket.delete(file._id);
  } catch (err) {
    if (!isFileNotFound(err)) throw err; // already gone (a concurrent delete or prune)
  }
}

function upload(bucket: GridFSBucket, filename: string, data: Buffer, metadata: object): Promise<GridFSFile> {
  return new Promise<GridFSFile>((resolve, reject) => {
    const stream = bucket.openUploadStream(filename, { metadata });
    let settled = false;
    stream.once('error', (err: unknown) => {
      if (settled) return;
      settled = true;
      // Remove the chunks written so far; the file document was never inserted.
      stream.abort().then(
        () => reject(err),
        () => reject(err),
      );
    });
    stream.once('finish', () => {
      if (settled) return;
      settled = true;
      const file = stream.gridFSFile;
      if (!file) {
        reject(new StoreError('MongoStore: GridFS upload finished without a file document'));
        return;
      }
      resolve(file);
    });
    if (data.length === 0) stream.end();
    else stream.end(data);
  });
}

/** Downloads one file; `signal` destroys the download stream. Never holds more than the file's length. */
async function download(bucket: GridFSBucket, file: GridFSFile, signal: AbortSignal): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  const stream = bucket.openDownloadStream(file._id);
  const onAbort = (): void => {
    stream.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of stream) {
      const buf = chunk as Buffer;
      total += buf.length;
      if (total > file.length) throw new StoreError(`MongoStore: "${file.filename}" has more data than its ${file.length} bytes`);
      chunks.push(buf);
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  if (total !== file.length) {
    throw new StoreError(`MongoStore: downloaded ${total} bytes of "${file.filename}", expected ${file.length}`);
  }
  return Buffer.concat(chunks, total);
}

/** Creates a {@link MongoStore}. */
export function createMongoStore(options: MongoStoreOptions): MongoStore {
  return new MongoStore(options);
}
