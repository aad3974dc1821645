/** What a managed session needs from its manager. */
import type { SessionStore } from '../stores/types';
import type { Logger } from '../util/logger';
import type { WawebError } from '../errors';
import type { BrowserPool } from '../client/browser-pool';
import type { ManagedState, SessionManagerEvents, SessionManagerOptions, SessionMeter } from './types';

export interface SessionHost {
  readonly workerId: string;
  readonly store: SessionStore;
  readonly dataPath: string;
  readonly clientOptions: NonNullable<SessionManagerOptions['clientOptions']>;
  /** The manager's browser pool for its sessions' starts, as client options (none until it has one). */
  poolOption(): { browserPool?: BrowserPool };
  readonly remoteAuth: NonNullable<SessionManagerOptions['remoteAuth']>;
  readonly logger: Logger;
  readonly stuckAfterMs: number;
  readonly restartDelayMs: number;
  readonly maxRestartDelayMs: number;
  readonly maxStartAttempts: number;
  /** Leases are configured: a session runs only while it holds its lease. */
  readonly leased: boolean;
  emit<K extends keyof SessionManagerEvents & string>(event: K, ...args: SessionManagerEvents[K]): void;
  /** Waits for one of `maxConcurrent` start slots; call the result to give it back. */
  startSlot(): Promise<() => void>;
  /** Arms the dead-man switch for a session about to launch a browser (no-op without leases). */
  guard(id: string): void;
  /** Kills every browser of a session at once, from outside this process's event loop where possible. */
  killBrowsers(id: string): void;
  /** A save was refused with a stale fencing token: a newer owner exists. */
  fenced(id: string, error: WawebError): void;
  /**
   * The session ended for good (`logged_out`, `conflict`, `failed`); with leases it keeps its lease,
   * so no worker retakes it.
   */
  ended(id: string, state: ManagedState): void;
  /** The last meter sample of a session, when it was of its browser `pid`. */
  meter(id: string, pid: number | undefined): SessionMeter | null;
}
