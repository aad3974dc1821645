/**
 * The worker loop behind a SessionManager with leases: says the worker is alive, renews the leases
 * it holds (letting go of a session before its lease can expire unrenewed), takes free sessions up
 * to its share of the live workers, and hands surplus ones over when another worker has room.
 */
import { createHash } from 'node:crypto';
import { ErrorCode, LeaseError, errorMessage, type WawebError } from '../errors';
import type { Lease, LeaseBackend, LeaseRecord } from '../leases/types';
import type { ManagedSession } from './managed-session';
import type { SessionManagerEvents } from './types';

export interface KeeperHost {
  readonly leases: LeaseBackend;
  readonly workerId: string;
  readonly ttlMs: number;
  readonly sweepMs: number;
  /** Sessions that should run somewhere. */
  desired(): Promise<readonly string[]>;
  /** This worker's session objects (made on demand). */
  session(id: string): ManagedSession;
  held(): ManagedSession[];
  emit<K extends keyof SessionManagerEvents & string>(event: K, ...args: SessionManagerEvents[K]): void;
  report(error: unknown): void;
}

/** Rendezvous hashing: each session prefers the live worker with the highest score. */
function score(sessionId: string, workerId: string): number {
  return createHash('sha1').update(`${sessionId}\u0000${workerId}`).digest().readUInt32BE(0);
}

export class LeaseKeeper {
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<void> | undefined;
  #closed = false;
  #joinedAt = 0;
  /**
   * Per held session, when its last successful renew (or the acquire) began. Its local deadline is
   * that plus the TTL: the database set the expiry no earlier.
   */
  readonly #renewedAt = new Map<string, number>();
  /** Leases being let go after a loss: reported once. */
  readonly #losing = new WeakSet<Lease>();

  constructor(private readonly host: KeeperHost) {}

  start(): void {
    this.#joinedAt = Date.now();
    this.#schedule(0);
  }

  /** Stops the loop and waits for a sweep in flight. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    await this.#sweeping;
  }

  /** A session this worker no longer holds (stopped, fenced): forget when it was renewed. */
  forget(id: string): void {
    this.#renewedAt.delete(id);
  }

  /** Stops a session and gives its lease up at once, so another worker can take it now. */
  async handOver(session: ManagedSession): Promise<void> {
    const lease = session.lease;
    await session.stop('stopped');
    session.forgetLease();
    this.forget(session.id);
    if (!lease) return;
    try {
      if (await this.host.leases.release(lease)) this.host.emit('lease.released', session.id);
    } catch (err) {
      this.host.report(err); // it expires on its own after the TTL
    }
  }

  /** The session's lease is gone (taken over, or unrenewable): stop it; its final save is fenced. */
  async lost(session: ManagedSession, error: WawebError): Promise<void> {
    const lease = session.lease;
    if (!lease || this.#losing.has(lease)) return;
    this.#losing.add(lease);
    this.host.emit('lease.lost', session.id, error);
    this.forget(session.id);
    await session.stop('stopped');
    session.forgetLease();
  }

  #schedule(ms: number): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#sweeping = this.#sweep()
        .catch((err: unknown) => this.host.report(err))
        .finally(() => {
          this.#sweeping = undefined;
          this.#schedule(this.host.sweepMs);
        });
    }, ms);
  }

  async #sweep(): Promise<void> {
    const { leases, workerId, ttlMs } = this.host;
    const [beat] = await Promise.allSettled([leases.heartbeat(workerId, ttlMs), this.#renewAll()]);
    if (beat.status === 'rejected') throw beat.reason;
    if (this.#closed) return;
    // One sweep after joining, workers that started at the same time see each other first.
    if (Date.now() - this.#joinedAt < this.host.sweepMs) return;
    await this.#balance();
  }

  /** Renews, in one round trip, every held lease a third of the TTL old; lets go of those lost. */
  async #renewAll(): Promise<void> {
    const { ttlMs } = this.host;
    const now = Date.now();
    const due = this.host.held().filter((s) => s.lease && now - (this.#renewedAt.get(s.id) ?? 0) >= ttlMs / 3);
    if (due.length === 0) return;
    const asked = due.map((s) => s.lease as Lease);
    let renewed: Lease[];
    try {
      renewed = await this.host.leases.renewMany(asked, ttlMs);
    } catch (err) {
      // Not renewed: stop before the lease can expire, so no two browsers ever hold the session.
      const margin = Math.min(ttlMs / 4, 3000);
      const deadline = (id: string): number => (this.#renewedAt.get(id) ?? now - ttlMs) + ttlMs;
      const late = due.filter((s) => Date.now() >= deadline(s.id) - margin);
      await Promise.all(
        late.map((s) =>
          this.lost(
            s,
            new LeaseError(ErrorCode.LEASE_LOST, s.id, `lease on ${s.id} could not be renewed: ${errorMessage(err)}`, { cause: err }),
          ),
        ),
      );
      return;
    }
    await Promise.all(
      due.map(async (session, i) => {
        const lease = asked[i] as Lease;
        if (session.lease?.token !== lease.token) return;
        const fresh = renewed.find((r) => r.sessionId === lease.sessionId);
        if (!fresh) {
          return this.lost(session, new LeaseError(ErrorCode.LEASE_LOST, session.id, `lease on ${session.id} was taken over or released`));
        }
        this.#renewedAt.set(session.id, now);
        session.updateLease(fresh);
      }),
    );
  }

  async #balance(): Promise<void> {
    const { leases, workerId } = this.host;
    const [desired, workers, records] = await Promise.all([this.host.desired(), leases.workers(), leases.list()]);
    const wanted = new Set(desired);
    const live = workers.map((w) => w.workerId);
    if (!live.includes(workerId)) live.push(workerId);
    const share = Math.ceil(wanted.size / Math.max(1, live.length));
    const held = this.host.held().filter((s) => s.lease !== undefined);
    // Sessions no longer wanted stop here.
    for (const session of held) if (!wanted.has(session.id)) await this.handOver(session);
    const mine = held.filter((s) => wanted.has(s.id));
    if (mine.length > share) return this.#shedOne(mine, live, records, share);
    if (mine.length < share) await this.#takeFree(desired, records, share - mine.length, live);
  }

  /**
   * Hands one session over when another live worker is below its share. Only a movable one: a
   * session that ended for good or whose starts are failing stays here with its lease (it still
   * counts toward this worker's share), so no other worker starts it and meets the same failure.
   */
  async #shedOne(mine: ManagedSession[], live: string[], records: LeaseRecord[], share: number): Promise<void> {
    const counts = new Map<string, number>();
    for (const r of records) if (r.live && r.owner) counts.set(r.owner, (counts.get(r.owner) ?? 0) + 1);
    const roomElsewhere = live.some((w) => w !== this.host.workerId && (counts.get(w) ?? 0) < share);
    if (!roomElsewhere) return;
    const me = this.host.workerId;
    const [least] = mine.filter((s) => s.movable).sort((a, b) => score(a.id, me) - score(b.id, me));
    if (least) await this.handOver(least);
  }

  async #takeFree(desired: readonly string[], records: LeaseRecord[], room: number, live: string[]): Promise<void> {
    const me = this.host.workerId;
    const taken = new Set(records.filter((r) => r.live).map((r) => r.sessionId));
    const heldHere = new Set(this.host.held().map((s) => s.id));
    const rank = (id: string): number => live.filter((w) => score(id, w) > score(id, me)).length;
    const free = desired.filter((id) => !taken.has(id) && !heldHere.has(id)).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    // Leases are taken up to the share at once; the starts then queue for maxConcurrent slots.
    let budget = room;
    for (const id of free) {
      if (budget <= 0 || this.#closed) break;
      const asked = Date.now();
      const lease = await this.host.leases.acquire(id, me, this.host.ttlMs).catch((err: unknown) => {
        this.host.report(err);
        return null;
      });
      if (!lease) continue;
      budget--;
      this.#renewedAt.set(id, asked);
      this.host.emit('lease.acquired', id, lease);
      this.#startWith(id, lease);
    }
  }

  #startWith(id: string, lease: Lease): void {
    this.host
      .session(id)
      .start(lease)
      .catch((err: unknown) => this.host.report(err));
  }
}
