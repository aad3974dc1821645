/**
 * The worker loop behind a SessionManager with leases, in two loops that never wait for each other:
 *
 * - the **renewal tick** (a few times a second): says the worker is alive, renews the leases it holds,
 *   closes at once the browser of any session whose lease could not be renewed before its deadline
 *   minus a margin, and keeps the dead-man switch armed with each deadline. It starts calls and never
 *   awaits a stop, a balance step, an acquire or user code; local deadlines use a monotonic clock.
 * - the **balance loop** (every `sweepMs`): takes free sessions up to its share of the live workers and
 *   hands surplus ones over when another worker has room. Hand-overs run in the background, the
 *   lease still renewed by the tick until it is released. While another worker's sessions are about
 *   to come free (it left, or its heartbeat stopped, and it still holds live leases), it looks ten
 *   times as often, so each is taken within moments of its release or expiry.
 *
 * Where the lease backend can watch (PostgreSQL `LISTEN`, MongoDB's change counter), a release or a
 * leave anywhere wakes the balance loop at once, even before its first sweep: a freed session is
 * taken within a round trip, not at the next sweep. The sweeps go on all the same, so a lost
 * notification only costs time.
 *
 * A worker says it is alive for three sweeps only, not a whole lease TTL: a dead one stops counting
 * toward the shares before its leases expire. One that is closing says it is leaving first, so the
 * others make room for its sessions while it still takes their final backups.
 */
import { createHash } from 'node:crypto';
import { ErrorCode, LeaseError, type WawebError } from '../errors';
import type { Lease, LeaseBackend, LeaseRecord, LeaseWatch } from '../leases/types';
import { monotonicMs } from '../util/clock';
import type { DeadManSwitch } from './dead-man-switch';
import type { ManagedSession } from './managed-session';
import type { SessionManagerEvents } from './types';

export interface KeeperHost {
  readonly leases: LeaseBackend;
  readonly workerId: string;
  readonly ttlMs: number;
  readonly sweepMs: number;
  /** Closes a session's browsers when Node cannot (absent where the platform has none). */
  readonly deadMan: DeadManSwitch | undefined;
  /** Sessions that should run somewhere. */
  desired(): Promise<readonly string[]>;
  /** This worker's session objects (made on demand). */
  session(id: string): ManagedSession;
  held(): ManagedSession[];
  /** The folder every profile of a session lives in (what the dead-man switch closes browsers by). */
  profileDir(id: string): string;
  emit<K extends keyof SessionManagerEvents & string>(event: K, ...args: SessionManagerEvents[K]): void;
  report(error: unknown): void;
}

/** Rendezvous hashing: each session prefers the live worker with the highest score. */
function score(sessionId: string, workerId: string): number {
  return createHash('sha1').update(`${sessionId}\u0000${workerId}`).digest().readUInt32BE(0);
}

export class LeaseKeeper {
  #tickTimer: NodeJS.Timeout | undefined;
  #balanceTimer: NodeJS.Timeout | undefined;
  #renewing: Promise<void> | undefined;
  #beating: Promise<void> | undefined;
  /** Closing: no more heartbeats, the worker record is gone. */
  #leaving = false;
  /** The last balance step saw live leases of a worker that is not live (leaving or dead). */
  #peerGoing = false;
  #balancing: Promise<void> | undefined;
  #balanceStopped = false;
  /** The backend's watch of releases and leaves, if it has one. */
  #watch: LeaseWatch | undefined;
  /** A release or leave was reported since the last balance step began: another step runs at once. */
  #woken = false;
  #closed = false;
  #joinedAt = 0;
  /** When the last heartbeat that went through began (monotonic); none yet: no balancing. */
  #beatAt: number | undefined;
  /**
   * Per held session, when its last successful renew (or the acquire) began, on the monotonic clock.
   * Its local deadline is that plus the TTL: the database set the expiry no earlier.
   */
  readonly #renewedAt = new Map<string, number>();
  /** Leases being let go after a loss: reported and stopped once. */
  readonly #losing = new WeakSet<Lease>();
  /** Stops in flight (hand-overs and losses), awaited by `settled()`. */
  readonly #work = new Set<Promise<void>>();
  readonly #handingOver = new Set<string>();

  constructor(private readonly host: KeeperHost) {}

  /** Before the deadline by this much, a lease not yet renewed is given up and its browser closed. */
  get marginMs(): number {
    return Math.min(this.host.ttlMs / 4, 3000);
  }

  start(): void {
    this.#joinedAt = monotonicMs();
    this.#scheduleTick(0);
    this.#scheduleBalance(this.host.sweepMs);
    try {
      this.#watch = this.host.leases.watch?.(() => this.#wake());
    } catch (err) {
      this.host.report(err); // the sweeps still find every change
    }
  }

  /** A lease came free or a worker left somewhere: a balance step now (or right after the one running). */
  #wake(): void {
    if (this.#balanceStopped) return;
    this.#woken = true;
    if (this.#balancing || this.#balanceTimer === undefined) return;
    clearTimeout(this.#balanceTimer);
    this.#scheduleBalance(0);
  }

  /** No more balancing (no acquires, no hand-overs of its own); waits for a balance step in flight. */
  async stopBalancing(): Promise<void> {
    this.#balanceStopped = true;
    if (this.#balanceTimer !== undefined) clearTimeout(this.#balanceTimer);
    this.#balanceTimer = undefined;
    await Promise.all([this.#balancing, this.#watch?.close()]);
  }

  /** Resolves once every hand-over and loss in flight has finished. */
  async settled(): Promise<void> {
    while (this.#work.size > 0) await Promise.allSettled([...this.#work]);
  }

  /** How long a heartbeat keeps this worker counted: three sweeps, at most the lease TTL. */
  get workerTtlMs(): number {
    return Math.min(this.host.ttlMs, 3 * this.host.sweepMs);
  }

  /**
   * Says this worker is leaving (its record removed, no more heartbeats): the others stop counting
   * it in their shares and take each of its sessions as soon as its lease is released. The leases it
   * holds are still renewed until then. Call after `stopBalancing()`.
   */
  leave(): Promise<void> {
    if (this.#leaving) return Promise.resolve();
    this.#leaving = true;
    return this.#track(
      (async () => {
        // A heartbeat in flight would write the record back after the delete.
        await this.#beating;
        await this.host.leases.leave(this.host.workerId);
      })(),
    );
  }

  /** Stops both loops (after `stopBalancing()` and the hand-overs, so leases stay renewed until released). */
  async close(): Promise<void> {
    await this.stopBalancing();
    this.#closed = true;
    if (this.#tickTimer !== undefined) clearTimeout(this.#tickTimer);
    this.#tickTimer = undefined;
    await Promise.all([this.#renewing, this.#beating]);
  }

  /** A session this worker no longer holds (stopped, fenced): forget when it was renewed. */
  forget(id: string): void {
    this.#renewedAt.delete(id);
    this.host.deadMan?.disarm(id);
  }

  /** Arms the dead-man switch for a session about to launch a browser (the tick keeps it armed after). */
  guard(id: string): void {
    const session = this.host.held().find((s) => s.id === id);
    if (session) this.#arm(session);
  }

  /** Arms the dead-man switch with the session's deadline; false when it holds no live lease here. */
  #arm(session: ManagedSession): boolean {
    const renewed = this.#renewedAt.get(session.id);
    if (!session.lease || renewed === undefined || this.#losing.has(session.lease)) return false;
    // Later than the tick's own hard close: while Node runs, the tick acts first; the watchdog is the backstop.
    this.host.deadMan?.arm(session.id, this.host.profileDir(session.id), renewed + this.host.ttlMs - this.marginMs / 2);
    return true;
  }

  /**
   * Stops a session gracefully (a final, fenced backup) and gives its lease up at once, so another
   * worker can take it now. The lease is renewed by the tick until then; if it is lost meanwhile, the
   * loss closes the browser at once instead.
   */
  handOver(session: ManagedSession): Promise<void> {
    const lease = session.lease;
    this.#handingOver.add(session.id);
    const work = (async () => {
      await session.stop('stopped');
      if (!lease || this.#losing.has(lease) || session.lease?.token !== lease.token) return;
      session.forgetLease();
      this.forget(session.id);
      try {
        if (await this.host.leases.release(lease)) this.host.emit('lease.released', session.id);
      } catch (err) {
        this.host.report(err); // it expires on its own after the TTL
      }
    })().finally(() => this.#handingOver.delete(session.id));
    return this.#track(work);
  }

  /**
   * The session's lease is gone (taken over, refused by a fence, or not renewed in time): its browser
   * is closed at once, without a final backup, then the lease is released if it is still this worker's.
   */
  lost(session: ManagedSession, error: WawebError): Promise<void> {
    const lease = session.lease;
    if (!lease || this.#losing.has(lease)) return Promise.resolve();
    this.#losing.add(lease);
    this.host.emit('lease.lost', session.id, error);
    this.forget(session.id);
    const work = (async () => {
      await session.stop('stopped', { hard: true });
      if (session.lease?.token === lease.token) session.forgetLease();
      // Not renewed in time but perhaps still this worker's: free it now rather than at its expiry.
      await this.host.leases.release(lease).catch(() => false);
    })();
    return this.#track(work);
  }

  #track(work: Promise<void>): Promise<void> {
    const tracked = work.catch((err: unknown) => this.host.report(err));
    this.#work.add(tracked);
    void tracked.finally(() => this.#work.delete(tracked));
    return tracked;
  }

  // ------------------------------------------------------------------ the renewal tick

  #scheduleTick(ms: number): void {
    if (this.#closed) return;
    this.#tickTimer = setTimeout(() => {
      this.#tickTimer = undefined;
      try {
        this.#tick();
      } catch (err) {
        this.host.report(err);
      }
      this.#scheduleTick(this.#tickMs());
    }, ms);
  }

  /** A few ticks per renewal period, and at least a few per margin. */
  #tickMs(): number {
    return Math.max(20, Math.min(this.host.sweepMs / 2, this.marginMs / 4, 250));
  }

  #deadline(id: string): number {
    return (this.#renewedAt.get(id) ?? Number.NEGATIVE_INFINITY) + this.host.ttlMs;
  }

  #tick(): void {
    const { ttlMs, deadMan } = this.host;
    const now = monotonicMs();
    const held = this.host.held().filter((s) => s.lease && !this.#losing.has(s.lease));
    for (const session of held) {
      if (now < this.#deadline(session.id) - this.marginMs) continue;
      const error = new LeaseError(
        ErrorCode.LEASE_LOST,
        session.id,
        `the lease on ${session.id} was not renewed in time; its browser was closed`,
      );
      void this.lost(session, error);
    }
    const guarded = new Set<string>();
    for (const session of this.host.held()) if (this.#arm(session)) guarded.add(session.id);
    for (const id of deadMan?.armed() ?? []) if (!guarded.has(id)) deadMan?.disarm(id);
    const due = held.filter((s) => !this.#losing.has(s.lease as Lease) && now - (this.#renewedAt.get(s.id) ?? 0) >= ttlMs / 3);
    const beatDue = this.#beatAt === undefined || now - this.#beatAt >= this.host.sweepMs;
    // Apart, so a slow renewal never lets the worker record lapse (it lasts only a few sweeps).
    if (beatDue && !this.#leaving && !this.#beating) {
      this.#beating = this.#beat(now).finally(() => {
        this.#beating = undefined;
      });
    }
    if (this.#renewing || due.length === 0) return;
    this.#renewing = this.#renew(due, now).finally(() => {
      this.#renewing = undefined;
    });
  }

  async #beat(started: number): Promise<void> {
    try {
      await this.host.leases.heartbeat(this.host.workerId, this.workerTtlMs);
      this.#beatAt = started;
    } catch (err) {
      this.host.report(err);
    }
  }

  /** One round trip for every due lease; a lease not returned was taken over or released. */
  async #renew(due: ManagedSession[], started: number): Promise<void> {
    const { leases, ttlMs } = this.host;
    const asked = due.map((s) => s.lease as Lease);
    let renewed: Lease[];
    try {
      renewed = await leases.renewMany(asked, ttlMs);
    } catch (err) {
      // Not renewed: the tick closes each browser before its lease can expire.
      this.host.report(err);
      return;
    }
    due.forEach((session, i) => {
      const lease = asked[i] as Lease;
      if (session.lease?.token !== lease.token || this.#losing.has(lease)) return;
      const fresh = renewed.find((r) => r.sessionId === lease.sessionId);
      if (!fresh) {
        void this.lost(session, new LeaseError(ErrorCode.LEASE_LOST, session.id, `lease on ${session.id} was taken over or released`));
        return;
      }
      this.#renewedAt.set(session.id, started);
      session.updateLease(fresh);
      this.#arm(session);
    });
  }

  // ------------------------------------------------------------------ the balance loop

  #scheduleBalance(ms: number): void {
    if (this.#balanceStopped) return;
    this.#balanceTimer = setTimeout(() => {
      this.#balanceTimer = undefined;
      const woken = this.#woken;
      this.#woken = false;
      this.#balancing = this.#balance(woken)
        .catch((err: unknown) => this.host.report(err))
        .finally(() => {
          this.#balancing = undefined;
          const next = this.#woken ? 0 : this.#peerGoing ? Math.max(20, this.host.sweepMs / 10) : this.host.sweepMs;
          this.#scheduleBalance(next);
        });
    }, ms);
  }

  async #balance(woken: boolean): Promise<void> {
    // After a heartbeat went through, and a sweep after joining: workers that started together see
    // each other first. A wake does not wait for that sweep: a session came free for the live workers.
    if (this.#beatAt === undefined || (!woken && monotonicMs() - this.#joinedAt < this.host.sweepMs)) return;
    const { leases, workerId } = this.host;
    const [desired, workers, records] = await Promise.all([this.host.desired(), leases.workers(), leases.list()]);
    if (this.#balanceStopped) return;
    const wanted = new Set(desired);
    const live = workers.map((w) => w.workerId);
    if (!live.includes(workerId)) live.push(workerId);
    const share = Math.ceil(wanted.size / Math.max(1, live.length));
    // A worker that left or died still holds live leases: they come free at its release or expiry.
    this.#peerGoing = records.some((r) => r.live && r.owner !== null && r.owner !== workerId && !live.includes(r.owner));
    const held = this.host.held().filter((s) => s.lease !== undefined && !this.#losing.has(s.lease));
    // Sessions no longer wanted stop here, in the background.
    for (const session of held) if (!wanted.has(session.id) && !this.#handingOver.has(session.id)) void this.handOver(session);
    const mine = held.filter((s) => wanted.has(s.id));
    if (mine.length > share) return this.#shedOne(mine, live, records, share);
    if (mine.length < share) await this.#takeFree(desired, records, share - mine.length, live);
  }

  /**
   * Hands one session over when another live worker is below its share, one at a time. Only a
   * movable one: a session that ended for good or whose starts are failing stays here with its lease
   * (it still counts toward this worker's share), so no other worker starts it and meets the same failure.
   */
  #shedOne(mine: ManagedSession[], live: string[], records: LeaseRecord[], share: number): void {
    if (this.#handingOver.size > 0) return;
    const counts = new Map<string, number>();
    for (const r of records) if (r.live && r.owner) counts.set(r.owner, (counts.get(r.owner) ?? 0) + 1);
    const roomElsewhere = live.some((w) => w !== this.host.workerId && (counts.get(w) ?? 0) < share);
    if (!roomElsewhere) return;
    const me = this.host.workerId;
    const [least] = mine.filter((s) => s.movable).sort((a, b) => score(a.id, me) - score(b.id, me));
    if (least) void this.handOver(least);
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
      if (budget <= 0 || this.#balanceStopped) break;
      const asked = monotonicMs();
      const lease = await this.host.leases.acquire(id, me, this.host.ttlMs).catch((err: unknown) => {
        this.host.report(err);
        return null;
      });
      if (!lease) continue;
      if (this.#balanceStopped) {
        // Closing meanwhile: not started, given back at once.
        await this.host.leases.release(lease).catch((err: unknown) => this.host.report(err));
        break;
      }
      budget--;
      this.#renewedAt.set(id, asked);
      this.host.emit('lease.acquired', id, lease);
      this.host
        .session(id)
        .start(lease)
        .catch((err: unknown) => this.host.report(err));
    }
  }
}
