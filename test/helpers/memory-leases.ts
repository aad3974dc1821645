/** Leases in memory, with the same rules as the database backends, for manager tests without a database. */
import type { Lease, LeaseBackend, LeaseRecord, WorkerRecord } from '../../src/manager/index';

/** Leases in memory, with the same rules as the database backends. */
export class MemoryLeases implements LeaseBackend {
  readonly name = 'memory';
  readonly #leases = new Map<string, { owner: string | null; token: number; expiresAt: number }>();
  readonly #workers = new Map<string, { startedAt: number; expiresAt: number }>();

  async acquire(sessionId: string, owner: string, ttlMs: number): Promise<Lease | null> {
    const now = Date.now();
    const held = this.#leases.get(sessionId);
    if (held?.owner && held.expiresAt > now) return null;
    const token = (held?.token ?? 0) + 1;
    this.#leases.set(sessionId, { owner, token, expiresAt: now + ttlMs });
    return { sessionId, owner, token, expiresAt: new Date(now + ttlMs), takenFrom: held?.owner ?? null };
  }
  async renew(lease: Lease, ttlMs: number): Promise<Lease | null> {
    const [renewed] = await this.renewMany([lease], ttlMs);
    return renewed ?? null;
  }
  async renewMany(leases: readonly Lease[], ttlMs: number): Promise<Lease[]> {
    const now = Date.now();
    return leases.flatMap((lease) => {
      const held = this.#leases.get(lease.sessionId);
      if (!held || held.owner !== lease.owner || held.token !== lease.token || held.expiresAt <= now) return [];
      held.expiresAt = now + ttlMs;
      return [{ ...lease, expiresAt: new Date(held.expiresAt) }];
    });
  }
  async release(lease: Lease): Promise<boolean> {
    const held = this.#leases.get(lease.sessionId);
    if (!held || held.owner !== lease.owner || held.token !== lease.token) return false;
    held.owner = null;
    return true;
  }
  async list(): Promise<LeaseRecord[]> {
    const now = Date.now();
    return [...this.#leases].map(([sessionId, l]) => ({
      sessionId,
      owner: l.owner,
      token: l.token,
      expiresAt: l.owner ? new Date(l.expiresAt) : null,
      live: l.owner !== null && l.expiresAt > now,
    }));
  }
  async heartbeat(workerId: string, ttlMs: number): Promise<void> {
    const now = Date.now();
    this.#workers.set(workerId, { startedAt: this.#workers.get(workerId)?.startedAt ?? now, expiresAt: now + ttlMs });
  }
  async workers(): Promise<WorkerRecord[]> {
    const now = Date.now();
    return [...this.#workers]
      .filter(([, w]) => w.expiresAt > now)
      .map(([workerId, w]) => ({ workerId, startedAt: new Date(w.startedAt), expiresAt: new Date(w.expiresAt) }))
      .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
  }
  async leave(workerId: string): Promise<void> {
    this.#workers.delete(workerId);
  }
  async close(): Promise<void> {}
}
