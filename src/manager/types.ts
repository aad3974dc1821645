/** What a SessionManager takes, reports and emits. */
import type { RemoteAuthOptions } from '../auth/remote/options';
import type { SessionSavedInfo } from '../auth/strategy';
import type { ClientOptions, DisconnectReason } from '../client/options';
import type { ErrorCode, WawebError } from '../errors';
import type { Lease, LeaseBackend } from '../leases/types';
import type { SessionStore } from '../stores/types';
import type { Logger } from '../util/logger';

/**
 * Where a managed session is:
 * `starting` (browser launching, restoring), `qr` (waiting to be paired: a QR or a pairing code is
 * shown), `ready`, `restarting` (waiting out a backoff after a failure or a stuck start),
 * `stopping`, `stopped`, `conflict` (another browser opened the number: left stopped, never
 * retaken on its own), `logged_out` (the phone removed the device; backups deleted), `failed`
 * (`maxStartAttempts` starts in a row failed: left stopped with the reason until `restart()`).
 */
export const MANAGED_STATES = ['starting', 'qr', 'ready', 'restarting', 'stopping', 'stopped', 'conflict', 'logged_out', 'failed'] as const;
export type ManagedState = (typeof MANAGED_STATES)[number];

/** One session as this worker sees it. */
export interface ManagedSessionInfo {
  id: string;
  state: ManagedState;
  /** This worker's id. */
  worker: string;
  /** When `state` began. */
  since: Date;
  /** The QR text while `state` is `qr` (a new one with every ref). */
  qr: string | null;
  /** The pairing code while one is shown. */
  pairingCode: string | null;
  /** The last backup this worker stored. */
  lastSave: { at: Date; generation: number; bytes: number; durationMs: number } | null;
  /** Restarts after failures or stuck starts since the manager began. */
  restarts: number;
  /** The lease's fencing token while this worker holds it. */
  leaseToken: number | null;
  lastError: { code: string; message: string } | null;
  /**
   * Starts in a row that failed since the last `ready` (or `restart()`): at `maxStartAttempts` the
   * session stops in `failed`.
   */
  startFailures: number;
  /** When the next automatic start is due while `state` is `restarting` (backoff); otherwise `null`. */
  nextStartAt: Date | null;
}

/**
 * A start that failed: `initialize()` rejected, the client disconnected before `ready` (a
 * `START_TIMEOUT` among others), or it reached neither a QR nor `ready` within `stuckAfterMs`.
 */
export interface StartFailure {
  /** 1 for the first failed start since the last `ready` or `restart()`. */
  attempt: number;
  /** The session's `maxStartAttempts`: at `attempt === maxAttempts` it stops in `failed`. */
  maxAttempts: number;
  /** Why, as a code: `START_TIMEOUT` (a client deadline: `error.phase` says which), `TIMEOUT` (`stuckAfterMs`), `RESTORE_FAILED`, `BROWSER_FAILED`, ... */
  code: ErrorCode;
  /** The client's `disconnected` reason when the start ended that way (`START_TIMEOUT`, `NAVIGATION`, ...), else `null`. */
  disconnectReason: DisconnectReason | null;
  /** The error itself: a `StartTimeoutError` keeps its `phase`, `option` and `lastState`. */
  error: WawebError;
  /** The backoff before the next start; `null` when this was the last attempt (the session is `failed`). */
  retryInMs: number | null;
}

/** How one session's backups are kept: RemoteAuth's options without the ones the manager sets. */
export type ManagedRemoteAuthOptions = Omit<RemoteAuthOptions, 'store' | 'clientId' | 'dataPath'>;

export interface SessionManagerOptions {
  /** Where sessions are backed up (RemoteAuth). With `leases`, a store with fencing (Postgres or Mongo). */
  store: SessionStore;
  /**
   * The sessions to run (their `clientId`s), or a function giving them, asked again on every sweep
   * (a new id starts, a removed one stops). `add()`/`remove()` change a fixed list at run time.
   */
  sessions?: readonly string[] | (() => readonly string[] | Promise<readonly string[]>);
  /** Local profiles go under this folder, one per session. @default './.waweb_sessions' */
  dataPath?: string;
  /** Options for every session's `Client` (puppeteer, chromium, logger, ...). */
  clientOptions?: Omit<ClientOptions, 'authStrategy' | 'logger'>;
  /** Options for every session's RemoteAuth (backup interval, timeouts, limits). */
  remoteAuth?: ManagedRemoteAuthOptions;
  /** Sessions starting at once (browser launch and restore). @default 2 */
  maxConcurrent?: number;
  /**
   * A start that has not reached `qr` or `ready` after this long (since it began, or since RemoteAuth last
   * moved on to an older backup) is restarted: a backstop behind the client's own deadlines.
   * @default the longest start those deadlines allow, the boot's and the login's doubled, plus 60 s (390000 at the client's defaults)
   */
  stuckAfterMs?: number;
  /** First wait before restarting a failed session; doubles up to `maxRestartDelayMs`. @default 1000 */
  restartDelayMs?: number;
  /** @default 60000 */
  maxRestartDelayMs?: number;
  /**
   * Starts in a row that may fail (each reported with `session.start_failed`, then retried after the
   * backoff above) before the session stops in `failed` (`session.failed`), where it stays, its lease
   * still held, until `restart()` or `remove()`. A `ready` resets the count. @default 5
   */
  maxStartAttempts?: number;
  /**
   * Leases shared by several workers (`PostgresLeases`, `MongoLeases`): each session runs on one
   * worker at a time, spread evenly over the live workers. Without it, this process runs them all.
   */
  leases?: LeaseBackend;
  /**
   * With `leases`: a watchdog process that kills a session's Chromium when its lease deadline passes
   * while this process is stalled (GC, a blocked event loop, a paused container): Chromium keeps its
   * connection meanwhile and would otherwise outlive the lease. Linux only. @default true
   */
  deadManSwitch?: boolean;
  /** This worker's id in the leases. @default `<hostname>-<pid>-<random>` */
  workerId?: string;
  /**
   * How long a lease lasts unless renewed (renewed every third of it); a killed worker's sessions move
   * after this at most. Below about 4 s the dead-man switch's margin gets too thin. @default 6000
   */
  leaseTtlMs?: number;
  /**
   * How often the worker renews, looks for free sessions and balances (without leases: how often a
   * `sessions` function is asked again). @default 1000
   */
  sweepIntervalMs?: number;
  /** A pino-compatible logger; each session's client logs through a child with `session`. */
  logger?: Logger;
}

export interface SessionReadyInfo {
  /** From the start of this run to `ready`. */
  ms: number;
  /** True when no QR or code was shown: the session came back from a backup or the local profile. */
  restored: boolean;
}

/** The manager's events: every session's, with its id first. */
export interface SessionManagerEvents {
  [event: string]: unknown[];
  'session.state': [info: ManagedSessionInfo];
  'session.qr': [id: string, qr: string];
  'session.code': [id: string, code: string];
  'session.ready': [id: string, info: SessionReadyInfo];
  'session.disconnected': [id: string, reason: DisconnectReason];
  'session.saved': [id: string, info: SessionSavedInfo];
  'session.save_failed': [id: string, error: WawebError];
  'session.error': [id: string, error: WawebError];
  /** A start failed; with `retryInMs` set, the next one comes after that backoff. */
  'session.start_failed': [id: string, failure: StartFailure];
  /** The last of `maxStartAttempts` starts in a row failed: the session stays `failed` until `restart()`. */
  'session.failed': [id: string, failure: StartFailure];
  'lease.acquired': [id: string, lease: Lease];
  'lease.lost': [id: string, error: WawebError];
  'lease.released': [id: string];
}
