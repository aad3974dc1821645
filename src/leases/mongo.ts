/**
 * Leases in MongoDB: one document per session (`waweb_leases`), one per live worker
 * (`waweb_leases_workers`), each keyed by `_id` (derived from the session or worker id, see
 * `db/mongo-keyed.ts`): no secondary index is needed, so none can be missing. Every decision is one
 * conditional update of one document, atomic on any deployment.
 *
 * Time is the database server's, never the workers': each call first reads the server's clock with a
 * `$currentDate` (on the lease document itself, or on a clock document), then uses that time in its
 * conditional update. That time is a little earlier than the server's when the update runs, so an
 * expiry is judged a little late (a lease is taken over a moment after it expired, never before) and
 * a new expiry is set a little early. `Lease.expiresAt` is server time. (A real server could do it in
 * one step with `$$NOW` in a pipeline update; the offline test server has no pipeline updates, and
 * one code path serves both.)
 */
import { InvalidOptionError } from '../errors';
import { classifyMongoError, mongoClientFromUrl, type OwnedMongoClient } from '../db/mongo';
import {
  ensureKeyed,
  isKeyedDoc,
  keyedId,
  loadObjectId,
  serverNow,
  upsertById,
  type KeyedCollection,
  type ObjectIdClass,
} from '../db/mongo-keyed';
import { assertLeaseName, leaseCall, renewedOnes, resolveCallTimeout } from './call';
import { pollChanges } from './poll-changes';
import type { Lease, LeaseBackend, LeaseRecord, LeaseWatch, WorkerRecord } from './types';

interface LeaseDoc {
  _id?: unknown;
  sessionId: string;
  owner: string | null;
  token: number;
  expiresAt: Date | null;
  /** The server's time at the last look (`$currentDate`). */
  seenAt?: Date;
}

interface WorkerDoc {
  _id?: unknown;
  workerId: string;
  startedAt: Date;
  expiresAt: Date;
}

/** The part of a `mongodb` collection used here. */
interface Collection<D> extends KeyedCollection<D> {
  updateMany(filter: object, update: object): Promise<{ matchedCount: number }>;
  deleteMany(filter: object): Promise<unknown>;
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
  /**
   * How often `watch()` reads the change counter (one small document that every release and leave
   * bumps; the offline test server has no change streams); `0` offers no `watch()`. @default 100
   */
  watchIntervalMs?: number;
}

const DAY_MS = 86_400_000;

/**
 * What a lease document written before issue 23 (a random `_id`, `sessionId` unique by index) carries
 * over: its token (so tokens keep growing past every fence the stores remember), owner and expiry.
 */
function seedLease(older: LeaseDoc[]): Omit<LeaseDoc, 'sessionId'> {
  const newest = older.reduce<LeaseDoc | undefined>(
    (a, d) => (typeof d.token === 'number' && d.token > (a?.token ?? -1) ? d : a),
    undefined,
  );
  if (!newest) return { owner: null, token: 0, expiresAt: null };
  const expiresAt = newest.expiresAt instanceof Date ? newest.expiresAt : null;
  return { owner: typeof newest.owner === 'string' && expiresAt ? newest.owner : null, token: newest.token, expiresAt };
}

export class MongoLeases implements LeaseBackend {
  readonly name = 'mongo';
  readonly collection: string;
  readonly #db: { collection(name: string): unknown } | undefined;
  readonly #client: OwnedMongoClient | undefined;
  readonly #dbName: string | undefined;
  readonly #timeoutMs: number;
  readonly #watchMs: number;
  /** Worker ids whose older-layout documents this process has removed. */
  readonly #movedWorkers = new Set<string>();
  #ObjectId: ObjectIdClass | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: MongoLeasesOptions) {
    const hasDb = options?.db !== undefined && options.db !== null;
    const hasUrl = typeof options?.url === 'string' && options.url.length > 0;
    if (hasDb === hasUrl) throw new InvalidOptionError('MongoLeases: pass exactly one of "db" or "url"');
    this.collection = options.collection ?? 'waweb_leases';
    if (!/^[A-Za-z0-9_.-]{1,90}$/.test(this.collection)) throw new InvalidOptionError('MongoLeases: invalid "collection" name');
    this.#timeoutMs = resolveCallTimeout(options.callTimeoutMs, 'MongoLeases');
    const watchMs = options.watchIntervalMs ?? 100;
    if (!Number.isFinite(watchMs) || watchMs < 0) throw new InvalidOptionError('MongoLeases: "watchIntervalMs" must be a number ≥ 0');
    this.#watchMs = watchMs;
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
      const leases = this.#leases();
      // The look that makes the document also reads the server's time (`seenAt`).
      const seen = await ensureKeyed(leases, this.#oid(), 'lease', 'sessionId', sessionId, seedLease);
      const now = seen.seenAt;
      const expiresAt = new Date(now.getTime() + ttlMs);
      const before = await leases.findOneAndUpdate(
        { _id: this.#id('lease', sessionId), sessionId, $or: [{ owner: null }, { expiresAt: { $lte: now } }] },
        { $set: { owner, expiresAt }, $inc: { token: 1 } },
        { returnDocument: 'before' },
      );
      if (!before) return null;
      return { sessionId, owner, token: before.token + 1, expiresAt, takenFrom: before.owner };
    });
  }

  /** Only while the server still counts the lease live: one it considers expired is not kept. */
  async renew(lease: Lease, ttlMs: number): Promise<Lease | null> {
    return this.#call('renewing a lease', async () => {
      const leases = this.#leases();
      const held = { _id: this.#id('lease', lease.sessionId), sessionId: lease.sessionId, owner: lease.owner, token: lease.token };
      const seen = await leases.findOneAndUpdate(held, { $currentDate: { seenAt: true } }, { returnDocument: 'after' });
      const now = seen?.seenAt;
      if (!seen || !(now instanceof Date) || !(seen.expiresAt instanceof Date) || seen.expiresAt <= now) return null;
      const expiresAt = new Date(now.getTime() + ttlMs);
      const res = await leases.updateOne({ ...held, expiresAt: { $gt: now } }, { $set: { expiresAt } });
      return res.matchedCount > 0 ? { ...lease, expiresAt } : null;
    });
  }

  async renewMany(leases: readonly Lease[], ttlMs: number): Promise<Lease[]> {
    if (leases.length === 0) return [];
    return this.#call('renewing leases', async () => {
      const collection = this.#leases();
      const now = await serverNow(collection, this.#oid());
      const expiresAt = new Date(now.getTime() + ttlMs);
      const held = leases.map((l) => ({ _id: this.#id('lease', l.sessionId), sessionId: l.sessionId, owner: l.owner, token: l.token }));
      await collection.updateMany({ $or: held, expiresAt: { $gt: now } }, { $set: { expiresAt } });
      // Renewed above: still held, with this expiry or a later one (a renewal racing this one).
      const docs = (await collection.find({ $or: held }).toArray()).filter(
        (d) => d.expiresAt instanceof Date && d.expiresAt.getTime() >= expiresAt.getTime(),
      );
      return renewedOnes(
        leases,
        docs.map((d) => ({ sessionId: d.sessionId, owner: d.owner ?? '', token: d.token, expiresAt })),
      );
    });
  }

  async release(lease: Lease): Promise<boolean> {
    return this.#call('releasing a lease', async () => {
      const res = await this.#leases().updateOne(
        { _id: this.#id('lease', lease.sessionId), sessionId: lease.sessionId, owner: lease.owner, token: lease.token },
        { $set: { owner: null, expiresAt: null } },
      );
      if (res.matchedCount > 0) await this.#changed();
      return res.matchedCount > 0;
    });
  }

  /**
   * Every release and leave (of any worker on this collection) calls `onChange` within about
   * `watchIntervalMs`: each bumps a counter document that the watch reads at that interval. Not
   * offered with `watchIntervalMs: 0`.
   */
  get watch(): ((onChange: () => void) => LeaseWatch) | undefined {
    if (this.#watchMs === 0) return undefined;
    return (onChange) => {
      if (this.#closing) throw new InvalidOptionError('MongoLeases is closed');
      const read = async (): Promise<number | undefined> => {
        if (this.#closing) return undefined;
        const doc = (await this.#leases().findOne({ _id: this.#id('clock', 'changes') })) as { changes?: unknown } | null;
        return typeof doc?.changes === 'number' ? doc.changes : 0;
      };
      return pollChanges(this.#watchMs, onChange, () => this.#call('reading the change counter', read));
    };
  }

  /** Bumps the change counter that `watch()` reads; best effort (the release or leave stands, the sweeps find it). */
  async #changed(): Promise<void> {
    const _id = this.#id('clock', 'changes');
    await upsertById(() => this.#leases().updateOne({ _id }, { $inc: { changes: 1 } }, { upsert: true })).catch(() => undefined);
  }

  /** `live` by the server's clock. Documents of the layout before issue 23 are not listed. */
  async list(): Promise<LeaseRecord[]> {
    return this.#call('listing leases', async () => {
      const leases = this.#leases();
      const now = await serverNow(leases, this.#oid());
      const docs = (await leases.find({}).toArray()).filter((d) => isKeyedDoc(this.#oid(), 'lease', d, d.sessionId));
      return docs
        .map((d) => ({
          sessionId: d.sessionId,
          owner: d.owner ?? null,
          token: d.token,
          expiresAt: d.expiresAt ?? null,
          live: typeof d.owner === 'string' && d.expiresAt instanceof Date && d.expiresAt.getTime() > now.getTime(),
        }))
        .sort((a, b) => (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0));
    });
  }

  async heartbeat(workerId: string, ttlMs: number): Promise<void> {
    assertLeaseName(workerId, 'a worker id', 'MongoLeases');
    await this.#call('sending a heartbeat', async () => {
      const workers = this.#workers();
      const _id = this.#id('worker', workerId);
      if (!this.#movedWorkers.has(workerId)) {
        // A document of the layout before issue 23 for this id would hold its unique index against ours.
        for (const old of await workers.find({ workerId }).toArray()) {
          if (!isKeyedDoc(this.#oid(), 'worker', old, workerId)) await workers.deleteMany({ _id: old._id, workerId });
        }
        this.#movedWorkers.add(workerId);
      }
      const now = await serverNow(this.#leases(), this.#oid());
      await upsertById(() =>
        workers.updateOne(
          { _id },
          { $set: { workerId, expiresAt: new Date(now.getTime() + ttlMs) }, $setOnInsert: { startedAt: now } },
          { upsert: true },
        ),
      );
    });
  }

  /** Alive by the server's clock, oldest first. */
  async workers(): Promise<WorkerRecord[]> {
    return this.#call('listing workers', async () => {
      const now = await serverNow(this.#leases(), this.#oid());
      const docs = await this.#workers()
        .find({ expiresAt: { $gt: now } })
        .toArray();
      return docs
        .filter((d) => isKeyedDoc(this.#oid(), 'worker', d, d.workerId))
        .map((d) => ({ workerId: d.workerId, startedAt: d.startedAt, expiresAt: d.expiresAt }))
        .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime() || a.workerId.localeCompare(b.workerId));
    });
  }

  async leave(workerId: string): Promise<void> {
    await this.#call('removing a worker', async () => {
      const now = await serverNow(this.#leases(), this.#oid());
      await this.#workers().deleteMany({ $or: [{ workerId }, { expiresAt: { $lt: new Date(now.getTime() - DAY_MS) } }] });
      await this.#changed();
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

  #oid(): ObjectIdClass {
    this.#ObjectId ??= loadObjectId('MongoLeases');
    return this.#ObjectId;
  }

  #id(kind: 'lease' | 'worker' | 'clock', key: string): unknown {
    return keyedId(this.#oid(), kind, key);
  }

  #database(): { collection(name: string): unknown } {
    return this.#db ?? (this.#client as OwnedMongoClient).db(this.#dbName);
  }

  #leases(): Collection<LeaseDoc> {
    return this.#database().collection(this.collection) as Collection<LeaseDoc>;
  }

  #workers(): Collection<WorkerDoc> {
    return this.#database().collection(`${this.collection}_workers`) as Collection<WorkerDoc>;
  }
}
