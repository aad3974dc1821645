/** What a SessionManager takes, reports and emits. */
import type { RemoteAuthOptions } from '../auth/remote/options';
import type { SessionSavedInfo } from '../auth/strategy';
import type { ClientOptions, DisconnectReason } from '../client/options';
import type { BrowserPool } from '../client/browser-pool';
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
  /**
   * The last sample of the session's browser (`meterIntervalMs`); `null` before the first one, while
   * no browser runs, and off Linux.
   */
  meter: SessionMeter | null;
}

/** What a session's browser uses: Chromium and every process under it, sampled from /proc (Linux). */
export interface SessionMeter {
  /** The browser's process id (the root of the tree measured). */
  pid: number;
  /** Processes counted: the browser, its zygotes, renderers, GPU and utility processes. */
  processes: number;
  /** Proportional set size of the tree (`Pss`; `VmRSS` where the kernel has no smaps_rollup), bytes. */
  pssBytes: number;
  /** CPU time (user + system) of the tree since the browser started, exited helpers included, seconds. */
  cpuSeconds: number;
  /** CPU used since the previous sample of the same browser, % of one core; `undefined` on its first sample. */
  cpuPercent: number | undefined;
  sampledAt: Date;
}

/** Ceilings for one session; `null` turns off a ceiling the manager's options set. */
export interface SessionLimits {
  /** Over this PSS (MiB) on a sample while `ready`, the session is saved and restarted. */
  maxMemoryMiB?: number | null;
  /** Over this average CPU (% of one core) across `cpuWindowMs` while `ready`, the session is saved and restarted. */
  maxCpuPercent?: number | null;
}

/** A session over one of its ceilings, reported with `session.ceiling` as its restart begins. */
export interface CeilingBreach {
  kind: 'memory' | 'cpu';
  /** What was measured: MiB of PSS, or % of one core averaged over `windowMs`. */
  value: number;
  /** The ceiling in force: `maxMemoryMiB` or `maxCpuPercent`. */
  limit: number;
  /** For `cpu`: the time the average covers (at least `cpuWindowMs`); `null` for `memory`. */
  windowMs: number | null;
  /** Ceiling restarts of this session in a row, this one included (reset by a sample under its ceilings). */
  inARow: number;
  /** The least time before another ceiling restart of this session. */
  nextAllowedInMs: number;
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
  /**
   * Pre-launched browsers for the sessions' starts (the Client's `browserPool`, docs/client.md): a
   * number makes a pool of that size for `clientOptions` when `start()` runs, under
   * `<dataPath>/.pool`, closed by `close()`; a `BrowserPool` is used as it is (you close it). Each
   * waiting browser costs a Chromium's memory. @default none
   */
  browserPool?: number | BrowserPool;
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
  /**
   * How often each session's browser tree is measured (PSS and CPU time from /proc, Linux only;
   * never on a session's own path). @default 15000
   */
  meterIntervalMs?: number;
  /**
   * Ceiling for every session: a `ready` session whose browser tree's PSS is over this many MiB on
   * a sample takes its final backup and restarts (`session.ceiling`). @default none
   */
  maxMemoryMiB?: number;
  /** Ceiling for every session: average CPU (% of one core, 100 = a full core) over `cpuWindowMs`. @default none */
  maxCpuPercent?: number;
  /** The time `maxCpuPercent` is averaged over (from the newest sample at least this old). @default 60000 */
  cpuWindowMs?: number;
  /**
   * The least time between two ceiling restarts of one session; doubles with each one in a row whose
   * session never came back under its ceilings, up to an hour (or this, when longer). @default 300000
   */
  ceilingIntervalMs?: number;
  /** Per-session ceilings, by session id, over `maxMemoryMiB`/`maxCpuPercent` (`null` turns one off). */
  sessionLimits?: Readonly<Record<string, SessionLimits>>;
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
  /** A sample was over a ceiling: the session takes its final backup and restarts. */
  'session.ceiling': [id: string, breach: CeilingBreach];
  'lease.acquired': [id: string, lease: Lease];
  'lease.lost': [id: string, error: WawebError];
  'lease.released': [id: string];
}
