/**
 * Leases in MongoDB: one document per session (`waweb_leases`), one per live worker
 * (`waweb_workers`). Every decision is one conditional `findOneAndUpdate`/`updateOne` on one
 * document, atomic on any deployment. Expiry uses the workers' clocks: keep them within a second
 * (NTP), well under the lease TTL.
 */
import { InvalidOptionError } from '../errors';
import { classifyMongoError, mongoClientFromUrl, type OwnedMongoClient } from '../db/mongo';
import { assertLeaseName, leaseCall, renewedOnes, resolveCallTimeout } from './call';
import type { Lease, LeaseBackend, LeaseRecord, WorkerRecord } from './types';

interface LeaseDoc {
  sessionId: string;
  owner: string | null;
  token: number;
  expiresAt: Date | null;
}

interface WorkerDoc {
  workerId: string;
  startedAt: Date;
  expiresAt: Date;
}

/** The part of a `mongodb` collection used here. */
interface Collection<D> {
  findOneAndUpdate(filter: object, update: object, options: { returnDocument: 'before' | 'after' }): Promise<D | null>;
  updateOne(filter: object, update: object, options?: { upsert?: boolean }): Promise<{ matchedCount: number }>;
  updateMany(filter: object, update: object): Promise<{ matchedCount: number }>;
  deleteMany(filter: object): Promise<unknown>;
  find(filter: object, options?: { sort?: object; projection?: object }): { toArray(): Promise<D[]> };
  createIndex?(spec: object, options?: object): Promise<unknown>;
}

export interface MongoLeasesOptions {
  /** A `mongodb` `Db` owned by the caller. */
  db?: { collection(name: string): unknown };
  /** A connection string: the backend makes its own `MongoClient` and closes it on `close()`. */
  url?: string;
  /** Database for `url`. @default the one in the URL */
  dbName?: string;
  /** @default 'waweb_leases' (and `<collection>_workers`) */
  collection?: string;
  /** Longest one call may take. @default 5000 */
  callTimeoutMs?: number;
}

export class MongoLeases implements LeaseBackend {
  readonly name = 'mongo';
  readonly collection: string;
  readonly #db: { collection(name: string): unknown } | undefined;
  readonly #client: OwnedMongoClient | undefined;
  readonly #dbName: string | undefined;
  readonly #timeoutMs: number;
  #indexes: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: MongoLeasesOptions) {
    const hasDb = options?.db !== undefined && options.db !== null;
    const hasUrl = typeof options?.url === 'string' && options.url.length > 0;
    if (hasDb === hasUrl) throw new InvalidOptionError('MongoLeases: pass exactly one of "db" or "url"');
    this.collection = options.collection ?? 'waweb_leases';
    if (!/^[A-Za-z0-9_.-]{1,90}$/.test(this.collection)) throw new InvalidOptionError('MongoLeases: invalid "collection" name');
    this.#timeoutMs = resolveCallTimeout(options.callTimeoutMs, 'MongoLeases');
    this.#dbName = options.dbName;
    if (hasDb) {
      this.#db = options.db;
    } else {
      this.#client = mongoClientFromUrl(options.url as string, this.#timeoutMs, 'MongoLeases');
    }
  }

  async acquire(sessionId: string, owner: string, ttlMs: number): Promise<Lease | null> {
    assertLeaseName(sessionId, 'a session id', 'MongoLeases');
    assertLeaseName(owner, 'an owner', 'MongoLeases');
    return this.#call('acquiring a lease', async () => {
      const leases = await this.#leases();
      await leases.updateOne({ sessionId }, { $setOnInsert: { owner: null, token: 0, expiresAt: null } }, { upsert: true });
      const now = new Date();
      const expiresAt = new Date(now.getTime() + ttlMs);
      const before = await leases.findOneAndUpdate(
        { sessionId, $or: [{ owner: null }, { expiresAt: { $lte: now } }] },
        { $set: { owner, expiresAt }, $inc: { token: 1 } },
        { returnDocument: 'before' },
      );
      if (!before) return null;
      return { sessionId, owner, token: before.token + 1, expiresAt, takenFrom: before.owner };
    });
  }

  async renew(lease: Lease, ttlMs: number): Promise<Lease | null> {
    return this.#call('renewing a lease', async () => {
      const expiresAt = new Date(Date.now() + ttlMs);
      const res = await (
        await this.#leases()
      ).updateOne({ sessionId: lease.sessionId, owner: lease.owner, token: lease.token }, { $set: { expiresAt } });
      return res.matchedCount > 0 ? { ...lease, expiresAt } : null;
    });
  }

  async renewMany(leases: readonly Lease[], ttlMs: number): Promise<Lease[]> {
    if (leases.length === 0) return [];
    return this.#call('renewing leases', async () => {
      const collection = await this.#leases();
      const expiresAt = new Date(Date.now() + ttlMs);
      const held = { $or: leases.map((l) => ({ sessionId: l.sessionId, owner: l.owner, token: l.token })) };
      await collection.updateMany(held, { $set: { expiresAt } });
      // Whatever still matches now was renewed above (a lease taken since is lost either way).
      const docs = await collection.find(held).toArray();
      return renewedOnes(
        leases,
        docs.map((d) => ({ sessionId: d.sessionId, owner: d.owner ?? '', token: d.token, expiresAt })),
      );
    });
  }

  async release(lease: Lease): Promise<boolean> {
    return this.#call('releasing a lease', async () => {
      const res = await (
        await this.#leases()
      ).updateOne({ sessionId: lease.sessionId, owner: lease.owner, token: lease.token }, { $set: { owner: null, expiresAt: null } });
      return res.matchedCount > 0;
    });
  }

  async list(): Promise<LeaseRecord[]> {
    return this.#call('listing leases', async () => {
      const now = Date.now();
      const docs = await (await this.#leases()).find({}, { sort: { sessionId: 1 } }).toArray();
      return docs.map((d) => ({
        sessionId: d.sessionId,
        owner: d.owner,
        token: d.token,
        expiresAt: d.expiresAt,
        live: d.owner !== null && d.expiresAt !== null && d.expiresAt.getTime() > now,
      }));
    });
  }

  async heartbeat(workerId: string, ttlMs: number): Promise<void> {
    assertLeaseName(workerId, 'a worker id', 'MongoLeases');
    await this.#call('sending a heartbeat', async () => {
      const now = new Date();
      await (
        await this.#workersCollection()
      ).updateOne(
        { workerId },
        { $set: { expiresAt: new Date(now.getTime() + ttlMs) }, $setOnInsert: { startedAt: now } },
        { upsert: true },
      );
    });
  }

  async workers(): Promise<WorkerRecord[]> {
    return this.#call('listing workers', async () => {
      const docs = await (await this.#workersCollection()).find({ expiresAt: { $gt: new Date() } }).toArray();
      return docs
        .map((d) => ({ workerId: d.workerId, startedAt: d.startedAt, expiresAt: d.expiresAt }))
        .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime() || a.workerId.localeCompare(b.workerId));
    });
  }

  async leave(workerId: string): Promise<void> {
    await this.#call('removing a worker', async () => {
      const dayAgo = new Date(Date.now() - 86_400_000);
      await (await this.#workersCollection()).deleteMany({ $or: [{ workerId }, { expiresAt: { $lt: dayAgo } }] });
    });
  }

  close(): Promise<void> {
    this.#closing ??= this.#client ? this.#client.close().catch(() => undefined) : Promise.resolve();
    return this.#closing;
  }

  #call<T>(what: string, work: () => Promise<T>): Promise<T> {
    if (this.#closing) return Promise.reject(new InvalidOptionError('MongoLeases is closed'));
    return leaseCall('MongoLeases', what, this.#timeoutMs, classifyMongoError, work);
  }

  #database(): { collection(name: string): unknown } {
    return this.#db ?? (this.#client as OwnedMongoClient).db(this.#dbName);
  }

  async #leases(): Promise<Collection<LeaseDoc>> {
    const leases = this.#database().collection(this.collection) as Collection<LeaseDoc>;
    // One document per session and per worker: unique indexes keep two first upserts from making two.
    this.#indexes ??= Promise.all([
      leases.createIndex?.({ sessionId: 1 }, { unique: true }),
      (this.#database().collection(`${this.collection}_workers`) as Collection<WorkerDoc>).createIndex?.({ workerId: 1 }, { unique: true }),
    ]).then(
      () => undefined,
      () => (this.#indexes = undefined),
    );
    await this.#indexes;
    return leases;
  }

  async #workersCollection(): Promise<Collection<WorkerDoc>> {
    await this.#leases();
    return this.#database().collection(`${this.collection}_workers`) as Collection<WorkerDoc>;
  }
}
