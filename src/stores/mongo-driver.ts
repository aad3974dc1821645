/**
 * MongoStore's raw operations (a `StoreDriver`) over one source: mongoose, a `Db`, a client or a URL.
 * Which files readers see, how generations are numbered and how fenced saves and deletes are made
 * safe without transactions is the fence record's job (`mongo-fences.ts`); GridFS details are in
 * `mongo-gridfs.ts`.
 */
import type { Readable } from 'node:stream';
import type { Db, GridFSBucket, GridFSFile } from 'mongodb';
import { ErrorCode, InvalidOptionError, StoreError } from '../errors';
import type {
  DriverGeneration,
  DriverReadContext,
  DriverRemoveContext,
  DriverRewriteContext,
  DriverWriteContext,
  StoreDriver,
} from './driver';
import { classifyMongoError, mongoClientFromUrl } from '../db/mongo';
import type { KeyedCollection } from '../db/mongo-keyed';
import { resolveTarget, type Source, type Target } from './mongo-target';
import { dataTooLarge, generationsToPrune, oneChunk, processLock, resolveKeep, resolveTimeout } from './internal';
import { FenceRecords, generationChanged, type FenceRecord } from './mongo-fences';
import {
  deleteFile,
  download,
  fileId,
  fileMarks,
  isCommittable,
  isFileNotFound,
  markUpdate,
  numberFiles,
  replacedFiles,
  rewriteMetadata,
  tagOf,
  uncommittable,
  upload,
  uploadDateAfter,
  uploadMetadata,
  visibleFiles,
} from './mongo-gridfs';
import type { MongoStoreOptions } from './mongo-options';
import type { GenerationMark, StoredGeneration } from './types';

/** The GridFS bucket name for a session (same as wwebjs-mongo 1.1.0). */
export function bucketName(sessionId: string): string {
  return `whatsapp-${sessionId}`;
}

/** The GridFS file name for a session (same as wwebjs-mongo 1.1.0). */
export function fileName(sessionId: string): string {
  return `${sessionId}.zip`;
}

export class MongoDriver implements StoreDriver<GridFSFile> {
  readonly name = 'mongo';
  readonly label = 'MongoStore';
  /** `ifNewest` is checked in the same commit that makes the new generation visible. */
  readonly conditionalWrites = true;
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

  /**
   * What readers see: files without the protocol marker, marked ones whose generation is committed,
   * and for a rewritten generation only the file chosen. The record is read before and after the
   * files: when a commit or a rewrite's swap came in between (its `rev` moved), it looks again, so a
   * rewritten generation is never missing from a listing.
   */
  async list(sessionId: string): Promise<Array<DriverGeneration<GridFSFile>>> {
    const target = await this.target();
    const records = this.records(target);
    let record = await records.get(sessionId);
    let files: GridFSFile[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      files = await this.files(this.bucket(target, sessionId), sessionId);
      const after = await records.get(sessionId);
      const same = after?.rev === record?.rev;
      record = after;
      if (same) break;
    }
    return numberFiles(visibleFiles(files, record?.committed, record?.chosen)).map(({ file, generation }) => ({
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
    const { db } = await this.target();
    const files = db.collection(`${bucketName(sessionId)}.files`) as FilesCollection;
    const updated = await files.updateOne({ _id: file._id }, markUpdate(file, mark, new Date()));
    if (updated.matchedCount === 0) return null;
    const now = await files.findOne({ _id: file._id });
    if (!now) return null;
    return { sessionId, generation: generation.generation, createdAt: now.uploadDate, bytes: now.length, ...fileMarks(now) };
  }

  /** Takes the generation out of what readers see first, then deletes its file. */
  async removeGeneration(sessionId: string, generation: DriverGeneration<GridFSFile>): Promise<boolean> {
    const file = generation.handle;
    if (!file) return false;
    const target = await this.target();
    await this.records(target).forget(sessionId, isCommittable(file) ? [generation.generation] : []);
    try {
      await this.bucket(target, sessionId).delete(file._id);
      return true;
    } catch (err) {
      if (isFileNotFound(err)) return false;
      throw err;
    }
  }

  /** A file rewritten meanwhile (rekey) is read again as the file now shown for that generation. */
  async read(sessionId: string, generation: DriverGeneration<GridFSFile>, { maxBytes, signal }: DriverReadContext): Promise<Buffer | null> {
    const file = generation.handle;
    if (!file) return null;
    if (maxBytes !== undefined && file.length > maxBytes)
      throw dataTooLarge(this.label, sessionId, generation.generation, file.length, maxBytes);
    const bucket = this.bucket(await this.target(), sessionId);
    try {
      return await download(bucket, file, signal);
    } catch (err) {
      const now = (await this.list(sessionId)).find((g) => g.generation === generation.generation);
      if (now?.handle && fileId(now.handle) !== fileId(file) && now.createdAt.getTime() === generation.createdAt.getTime()) {
        return this.read(sessionId, now, { signal, ...(maxBytes === undefined ? {} : { maxBytes }) });
      }
      if (isFileNotFound(err)) return null; // pruned by a concurrent save
      throw err;
    }
  }

  /**
   * GridFS `openDownloadStream` of the listed file; `null` when its document is gone (pruned, or
   * replaced by a rewrite: the front lists again). A file deleted after this check fails the stream.
   */
  async readStream(sessionId: string, generation: DriverGeneration<GridFSFile>, { maxBytes }: DriverReadContext): Promise<Readable | null> {
    const file = generation.handle;
    if (!file) return null;
    if (maxBytes !== undefined && file.length > maxBytes)
      throw dataTooLarge(this.label, sessionId, generation.generation, file.length, maxBytes);
    const target = await this.target();
    const files = target.db.collection(`${bucketName(sessionId)}.files`) as FilesCollection;
    if (!(await files.findOne({ _id: file._id }))) return null;
    return this.bucket(target, sessionId).openDownloadStream(file._id);
  }

  /**
   * Uploads the new data under a temporary name, gives it the generation's name and upload date
   * (hidden still: a rewrite is shown only once chosen), swaps it in with one update of the record
   * (`FenceRecords.choose`), then deletes the file it replaced. Refused (the upload deleted) when the
   * listed file is no longer the one shown. A file wwebjs-mongo wrote (numbered by upload order,
   * with no generation of its own) cannot be rewritten: `CANNOT_REWRITE`.
   */
  async rewrite(
    sessionId: string,
    generation: DriverGeneration<GridFSFile>,
    data: Buffer,
    { fence }: DriverRewriteContext,
  ): Promise<StoredGeneration | null> {
    const old = generation.handle;
    if (!old) return null;
    if (tagOf(old) === undefined) {
      throw new StoreError(
        `MongoStore: generation ${generation.generation} of "${sessionId}" was written by wwebjs-mongo (numbered by upload order) and cannot be rewritten in place`,
        { code: ErrorCode.CANNOT_REWRITE },
      );
    }
    const target = await this.target();
    const records = this.records(target);
    return processLock.run(`mongo:${target.db.databaseName}:${sessionId}`, async () => {
      await records.ensure(sessionId);
      const bucket = this.bucket(target, sessionId);
      const temp = `${fileName(sessionId)}.rewrite-${fileId(old)}`;
      const file = await upload(bucket, temp, oneChunk(data), rewriteMetadata(old, generation.generation, fence, new Date()));
      const files = target.db.collection(`${bucketName(sessionId)}.files`) as FilesCollection;
      let chosen = false;
      try {
        await files.updateOne({ _id: file._id }, { $set: { filename: fileName(sessionId), uploadDate: old.uploadDate } });
        const from = { id: fileId(old), committed: isCommittable(old) };
        chosen = await records.choose(sessionId, generation.generation, from, fileId(file), fence);
      } finally {
        if (!chosen) await deleteFile(bucket, file);
      }
      if (!chosen) return null;
      await deleteFile(bucket, old);
      const now = await files.findOne({ _id: file._id });
      return {
        sessionId,
        generation: generation.generation,
        createdAt: old.uploadDate,
        bytes: data.length,
        ...(now ? fileMarks(now) : {}),
      };
    });
  }

  /** Every bucket named as this store names them (`whatsapp-<id>`) that holds a generation. */
  async sessions(): Promise<string[]> {
    const { db } = await this.target();
    const lister = (db as { listCollections?: (filter: object, options: object) => { toArray(): Promise<Array<{ name: string }>> } })
      .listCollections;
    if (typeof lister !== 'function') throw new StoreError('MongoStore: this database object cannot list its collections');
    const names = await lister.call(db, {}, { nameOnly: true }).toArray();
    const out: string[] = [];
    for (const { name } of names) {
      const id = /^whatsapp-(.+)\.files$/.exec(name)?.[1];
      if (id !== undefined && /^[A-Za-z0-9_-]{1,128}$/.test(id) && (await this.list(id)).length > 0) out.push(id);
    }
    return out;
  }

  async raiseFence(sessionId: string, token: number): Promise<number> {
    return this.records(await this.target()).raise(sessionId, token);
  }

  /**
   * Takes a generation number from the fence record (refused with `FENCED` when a larger token was
   * seen), uploads the file marked with it, then commits it (see `mongo-fences.ts`). A commit refused
   * (a newer owner raised the fence meanwhile, or with `ifNewest` another change came first) deletes
   * the file; were the process to die first, the file stays invisible and a later prune deletes it.
   */
  write(sessionId: string, data: Buffer, context: DriverWriteContext): Promise<StoredGeneration> {
    return this.writeStream(sessionId, oneChunk(data), context);
  }

  /** `write()` with the file uploaded from `source` as it comes (GridFS `openUploadStream`). */
  async writeStream(sessionId: string, source: AsyncIterable<Buffer>, { fence, ifNewest }: DriverWriteContext): Promise<StoredGeneration> {
    const target = await this.target();
    const records = this.records(target);
    // Two store objects over the same database in one process also take turns.
    return processLock.run(`mongo:${target.db.databaseName}:${sessionId}`, async () => {
      const record = await records.ensure(sessionId);
      const bucket = this.bucket(target, sessionId);
      const files = await this.files(bucket, sessionId);
      const visible = numberFiles(visibleFiles(files, record.committed, record.chosen));
      if (ifNewest !== undefined && (visible[0]?.generation ?? 0) !== ifNewest) {
        throw generationChanged(sessionId, ifNewest, visible[0]?.generation ?? 0);
      }
      const floor = Math.max(0, ...numberFiles(files).map((n) => n.generation));
      const generation = await records.allocate(sessionId, fence, floor, record);
      // After every file, shown or not: wwebjs-mongo's extract picks the newest upload of them all.
      await uploadDateAfter(numberFiles(files));
      const file = await upload(bucket, fileName(sessionId), source, uploadMetadata(generation, fence));
      const outcome = await records.commit(sessionId, generation, fence, ifNewest === undefined ? undefined : record.rev);
      if (outcome !== 'committed') {
        await deleteFile(bucket, file);
        throw records.commitError(sessionId, outcome, fence, ifNewest);
      }
      await this.prune(target, bucket, sessionId);
      return { sessionId, generation, createdAt: file.uploadDate, bytes: file.length };
    });
  }

  /**
   * With `fence`: refused with `FENCED` when a larger token was seen. The check and hiding every
   * generation written under the protocol are one update of the fence record; the files are deleted
   * after it, one by one (GridFS has no multi-file delete), so a file written before the protocol or
   * by wwebjs-mongo stays visible until its own delete, and one whose delete was cut short by a crash
   * stays until the next delete.
   */
  async remove(sessionId: string, { fence }: DriverRemoveContext): Promise<void> {
    const target = await this.target();
    const records = this.records(target);
    await processLock.run(`mongo:${target.db.databaseName}:${sessionId}`, async () => {
      const bucket = this.bucket(target, sessionId);
      // Listed before the check: whatever a newer owner writes after it is not ours to delete.
      const files = await this.files(bucket, sessionId);
      const record: FenceRecord | null = fence === undefined ? await records.get(sessionId) : await records.ensure(sessionId);
      if (record) await records.hideAll(sessionId, fence, record);
      for (const file of files) await deleteFile(bucket, file);
    });
  }

  /** Closes the client the store made from a URL; a connection passed in stays open. */
  async dispose(): Promise<void> {
    if (this.source.kind === 'client' && this.source.owned) await this.source.owned.close();
  }

  private records(target: Target): FenceRecords {
    return new FenceRecords(target.db.collection(this.fencesCollection) as KeyedCollection<FenceRecord>, target.ObjectId);
  }

  private target(): Promise<Target> {
    return resolveTarget(this.source);
  }

  private bucket(target: Target, sessionId: string): GridFSBucket {
    return new target.Bucket(target.db as unknown as Db, { bucketName: bucketName(sessionId) });
  }

  private async files(bucket: GridFSBucket, sessionId: string): Promise<GridFSFile[]> {
    return bucket.find({ filename: fileName(sessionId) }).toArray();
  }

  /**
   * Deletes every visible file `generationsToPrune` gives up (taken out of the record first, so no
   * reader sees one half deleted), every marked file that can never be committed (a stale upload),
   * and what rewrites left: replaced files, and stale rewrites never chosen.
   */
  private async prune(target: Target, bucket: GridFSBucket, sessionId: string): Promise<void> {
    const records = this.records(target);
    const record = await records.get(sessionId);
    const files = await this.files(bucket, sessionId);
    const numbered = numberFiles(visibleFiles(files, record?.committed, record?.chosen)).map((n) => ({ ...n, ...fileMarks(n.file) }));
    const doomed = generationsToPrune(numbered, this.keep);
    const forgotten = doomed.filter((n) => isCommittable(n.file)).map((n) => n.generation);
    if (forgotten.length > 0) await records.forget(sessionId, forgotten);
    const leftovers = [...uncommittable(files, record), ...replacedFiles(files, record?.chosen, Date.now())];
    for (const file of new Set([...doomed.map((n) => n.file), ...leftovers])) await deleteFile(bucket, file);
  }
}

/** The part of a GridFS files collection that marks use. */
interface FilesCollection {
  updateOne(filter: object, update: object): Promise<{ matchedCount: number }>;
  findOne(filter: object): Promise<GridFSFile | null>;
}
