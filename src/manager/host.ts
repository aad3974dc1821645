/** What a managed session needs from its manager. */
import type { SessionStore } from '../stores/types';
import type { Logger } from '../util/logger';
import type { WawebError } from '../errors';
import type { ManagedState, SessionManagerEvents, SessionManagerOptions } from './types';

export interface SessionHost {
  readonly workerId: string;
  readonly store: SessionStore;
  readonly dataPath: string;
  readonly clientOptions: NonNullable<SessionManagerOptions['clientOptions']>;
  readonly remoteAuth: NonNullable<SessionManagerOptions['remoteAuth']>;
  readonly logger: Logger;
  readonly stuckAfterMs: number;
  readonly restartDelayMs: number;
  readonly maxRestartDelayMs: number;
  readonly maxStartAttempts: number;
  emit<K extends keyof SessionManagerEvents & string>(event: K, ...args: SessionManagerEvents[K]): void;
  /** Waits for one of `maxConcurrent` start slots; call the result to give it back. */
  startSlot(): Promise<() => void>;
  /** A save was refused with a stale fencing token: a newer owner exists. */
  fenced(id: string, error: WawebError): void;
  /**
   * The session ended for good (`logged_out`, `conflict`, `failed`); with leases it keeps its lease,
   * so no worker retakes it.
   */
  ended(id: string, state: ManagedState): void;
}
