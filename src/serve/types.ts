/** What the dashboard and the metrics take from a SessionManager, take as options and give back. */
import type { Registry } from 'prom-client';
import type { SessionManager } from '../manager/session-manager';
import type { ManagedState, SessionManagerEvents } from '../manager/types';
import type { CertificateFingerprints, DashboardTls } from './cert';

/** Listening to a SessionManager's events (its `on`/`off`, whatever they return). */
export interface SessionManagerListening {
  on<K extends keyof SessionManagerEvents & string>(event: K, listener: (...args: SessionManagerEvents[K]) => void): unknown;
  off<K extends keyof SessionManagerEvents & string>(event: K, listener: (...args: SessionManagerEvents[K]) => void): unknown;
}

/** The part of a SessionManager the metrics read: a real one, or anything shaped like this part of it. */
export type MetricsManager = Pick<SessionManager, 'list' | 'browserPids'> & SessionManagerListening;

/** The part of a SessionManager the dashboard uses. */
export type DashboardManager = Pick<
  SessionManager,
  'workerId' | 'list' | 'leases' | 'restart' | 'logout' | 'requestPairingCode' | 'browserPids'
> &
  Partial<Pick<SessionManager, 'lastBackup'>> &
  SessionManagerListening;

export interface MetricsOptions {
  /** Also collect prom-client's default process metrics (CPU, memory, event loop, GC). @default true */
  defaultMetrics?: boolean;
}

/** A Prometheus registry of one manager's metrics, for `/metrics` or a server of your own. */
export interface Metrics {
  /** prom-client's `Registry`: `await registry.metrics()` is the text to serve, `registry.contentType` its type. */
  readonly registry: Registry;
  /** Stops listening to the manager and empties the registry. Idempotent. */
  close(): void;
}

export interface DashboardOptions {
  manager: DashboardManager;
  /**
   * The secret every request needs (16 characters or more): `Authorization: Bearer <token>`, or the
   * cookie set after opening `/?token=<token>` once.
   */
  token: string;
  /** Address to listen on. Any but a loopback one needs `tls` (or `insecureHttp`). @default '127.0.0.1' */
  host?: string;
  /** Port; 0 lets the OS pick one. @default 0 */
  port?: number;
  /** Serve HTTPS with this certificate and key (PEM); `selfSignedCertificate()` makes one. @default none: plain HTTP */
  tls?: DashboardTls;
  /**
   * Serve plain HTTP on an address other machines can reach: the token and the cookie cross the
   * network in clear. Only behind a TLS proxy on a network you trust. @default false
   */
  insecureHttp?: boolean;
  /**
   * Names (or addresses) requests may carry as `Host` besides the defaults: the bound address; on
   * loopback also `localhost` and `*.localhost`; on `0.0.0.0`/`::` every address of this machine.
   * Others are answered `421`. Give the DNS name users open, or a reverse proxy's. @default []
   */
  allowedHosts?: string[];
  /** How long a browser's cookie lasts, in seconds (the server refuses it afterwards too). @default 43200 (12 h) */
  cookieMaxAgeSeconds?: number;
  /** Aborting it closes the dashboard (a start still under way rejects with an AbortError). */
  signal?: AbortSignal;
  /** Options for the metrics at `/metrics`. */
  metrics?: MetricsOptions;
}

export interface Dashboard {
  /** `http://host:port` or `https://host:port` (no token in it). */
  readonly url: string;
  readonly port: number;
  /** The served certificate's fingerprints under TLS (to check or pin it), else null. */
  readonly certificate: CertificateFingerprints | null;
  /** Stops listening, ends the open event streams and the metrics. Idempotent. */
  close(): Promise<void>;
}

/** One session as `GET /api/sessions` lists it: this worker's, or one another worker holds. */
export interface DashboardSession {
  id: string;
  /** `null` for a session another worker runs (only its lease is known here). */
  state: ManagedState | null;
  /** What the page shows: WhatsApp's own `CONNECTED` for `ready`, the state in capitals otherwise. */
  label: string;
  /** The worker running it: this one, or the lease's owner. */
  worker: string | null;
  /** True when it runs on this worker (restart, logout and pairing work only here). */
  local: boolean;
  since: string | null;
  qr: string | null;
  pairingCode: string | null;
  /** `durationMs` is `null` for a session another worker runs (read from the store, not timed here). */
  lastSave: { at: string; generation: number; bytes: number; durationMs: number | null } | null;
  restarts: number | null;
  lastError: { code: string; message: string } | null;
  /** Failed starts in a row (`null` for a session another worker runs); `state` is `failed` once they reach `maxStartAttempts`. */
  startFailures: number | null;
  /** When the next automatic start is due during a backoff. */
  nextStartAt: string | null;
  /** The last sample of the browser (`ManagedSessionInfo.meter`); `null` for another worker's session, before a sample, off Linux. */
  meter: { pssBytes: number; cpuSeconds: number; cpuPercent: number | null; processes: number; sampledAt: string } | null;
  lease: { owner: string | null; token: number; expiresAt: string | null; live: boolean } | null;
}
