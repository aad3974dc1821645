/**
 * Leases: which worker owns a session right now. A lease has an owner, an expiry and a fencing
 * token that grows by one with every acquisition; the database's own atomic update is the arbiter.
 */

/** A lease this worker holds. */
export interface Lease {
  sessionId: string;
  owner: string;
  /** Grows with every acquisition of this session's lease, by any worker. */
  token: number;
  /** When the lease ends unless renewed, by the database's clock where it has one. */
  expiresAt: Date;
  /** The worker that held it before, when it was taken over after expiring (not released). */
  takenFrom: string | null;
}

/** A lease as anyone can see it. */
export interface LeaseRecord {
  sessionId: string;
  /** `null` once released. */
  owner: string | null;
  token: number;
  expiresAt: Date | null;
  /** False when released or expired. */
  live: boolean;
}

/** A worker that said it is alive. */
export interface WorkerRecord {
  workerId: string;
  startedAt: Date;
  expiresAt: Date;
}

/** Where leases live: a PostgreSQL table or a MongoDB collection. */
export interface LeaseBackend {
  /** `postgres` or `mongo`. */
  readonly name: string;
  /** Takes the session's lease when it is free, released or expired; `null` when another worker holds it. */
  acquire(sessionId: string, owner: string, ttlMs: number): Promise<Lease | null>;
  /** Extends a lease still held with the same token; `null` when it was taken over or released. */
  renew(lease: Lease, ttlMs: number): Promise<Lease | null>;
  /**
   * Extends many leases of one owner in one round trip; resolves with those still held (same owner
   * and token), with their new expiry. The others were taken over or released.
   */
  renewMany(leases: readonly Lease[], ttlMs: number): Promise<Lease[]>;
  /** Gives the lease up at once (another worker may take it now). False when it was no longer held. */
  release(lease: Lease): Promise<boolean>;
  /** Every session's lease, live or not. */
  list(): Promise<LeaseRecord[]>;
  /** Says `workerId` is alive for `ttlMs` more. */
  heartbeat(workerId: string, ttlMs: number): Promise<void>;
  /** Workers alive now, oldest first. */
  workers(): Promise<WorkerRecord[]>;
  /** Removes a worker that is leaving. */
  leave(workerId: string): Promise<void>;
  /**
   * Optional: calls `onChange` soon after any worker releases a lease or leaves, so a peer can act at
   * once instead of at its next sweep. Best effort: a change may go unreported (a connection lost),
   * so callers still poll; `onChange` is also called after the watch recovers from such a loss.
   */
  watch?(onChange: () => void): LeaseWatch;
  /** Releases what the backend opened itself (never a pool or client passed in). Safe twice. */
  close(): Promise<void>;
}

/** A watch started by `LeaseBackend.watch`; `close()` stops it (safe twice). */
export interface LeaseWatch {
  /** Resolves once changes are being watched (a change before may go unreported), or at `close()`. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}
