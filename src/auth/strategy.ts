/**
 * Auth strategies: small classes with lifecycle hooks the client calls in a
 * fixed order. A strategy sees only the narrow `AuthHost`, never the client.
 *
 * Order: setup → beforeBrowserInitialized → (browser starts) → afterBrowserInitialized
 * → onLoggedIn and getAuthEventPayload (on `authenticated`) → afterAuthReady (after `ready`)
 * → onLoginFailed (a start could not log in with the stored session; the strategy may ask for another
 * start, then the order begins again at beforeBrowserInitialized) → onAuthFailure (a stored session was rejected) → beforeBrowserClose (page still open)
 * → (browser closes) → afterBrowserClosed → logout (after a phone-side logout succeeded) → destroy.
 * `hasStoredSession` may be asked at any time (before a pairing code is requested).
 */
import type { SessionArchive } from '../archive';
import { AuthFailureError, InvalidOptionError, type StartTimeoutError, type WawebError } from '../errors';
import type { SetAsideReason } from '../stores/types';
import { silentLogger, type Logger } from '../util/logger';

export type { SessionArchive } from '../archive';

/** What a strategy may do with the live page: read and write the origin's localStorage. */
export interface SessionPage {
  /** The origin's localStorage, exactly as the page sees it. */
  localStorageEntries(): Promise<Array<[string, string]>>;
  /** Writes one localStorage item (RemoteAuth's flush barrier). */
  setLocalStorageItem(key: string, value: string): Promise<void>;
}

/** What a strategy may use of the client. */
export interface AuthHost {
  /** The live page, when there is one. */
  page(): SessionPage | undefined;
  /** Emits `remote_session_saved` on the client. */
  emitSessionSaved(info: SessionSavedInfo): void;
  /** Emits `remote_session_restore_failed` on the client. @default ignored */
  emitRestoreFailed?(info: RestoreFailedInfo): void;
  /** Emits `error` on the client (failures that do not stop it, e.g. a failed backup), always typed. */
  emitError(error: WawebError): void;
  /**
   * A backup failed (it is retried unless the store refused it for good). Hosts that have it emit
   * `remote_session_save_failed` and then `error`; strategies fall back to `emitError` without it.
   */
  emitSaveFailed?(error: WawebError): void;
  /** Where the strategy's records go (the client's `logger` option). @default silent */
  logger?: Logger;
}

/** A start that did not log in with the session the strategy gave it. */
export type LoginFailure =
  /** The app wants a new login (a QR or a pairing code) although the profile was to hold a session. */
  | { readonly kind: 'qr' }
  /** The app found a stored session and refused it (unlinked, revoked, unusable). */
  | { readonly kind: 'rejected' }
  /** The app's boot or the login missed its deadline. */
  | { readonly kind: 'timeout'; readonly error: StartTimeoutError };

/** A strategy's answer to a failed login: close this browser and start again (`beforeBrowserInitialized` once more). */
export interface LoginRetry {
  /** The boot's and the login's deadlines are multiplied by this in the next start (2: a slow machine gets a second chance). */
  readonly deadlineFactor: number;
}

/** `remote_session_restore_failed`: a restored backup did not log in, and what RemoteAuth does about it. */
export interface RestoreFailedInfo {
  /** The store's generation that failed, or `'local'` for the local copy kept from before the restore. */
  generation: number | 'local';
  reason: SetAsideReason;
  /** What happened, for people. */
  detail: string;
  /**
   * `true`: set aside (kept in the store, never restored automatically). `false`: it missed its
   * deadline once and is tried again with double the deadline.
   */
  setAside: boolean;
  /** What the next start uses: a generation, the local copy, the same one again, or nothing (a QR). */
  next: number | 'local' | 'same' | 'qr';
}

export interface SessionSavedInfo {
  bytes: number;
  durationMs: number;
  generation: number;
}

/** What a strategy asks of the browser launch. */
export interface BrowserPlan {
  /** Profile folder to launch with; undefined means a throwaway one. */
  userDataDir?: string;
  /** Extra Chromium flags the strategy needs. */
  args?: string[];
  /**
   * localStorage items written before the app's scripts run, on a fresh load only (one whose referrer
   * is `https://whatsapp.com/`, as the client's first navigation): how LegacySessionAuth hands the app
   * its session.
   */
  seedLocalStorage?: Record<string, string>;
  /** Scripts for every new document of the page, run before the app's own (`evaluateOnNewDocument`). */
  initScripts?: string[];
}

/** How the browser went away. */
export interface BrowserClosedInfo {
  /** Closed by waweb with `browser.close()`, so Chromium flushed its profile. */
  clean: boolean;
  /** The session was logged out: nothing of it is worth keeping. */
  loggedOut: boolean;
  /** Why the client stopped (`disconnected` reason); undefined for `destroy()` and `logout()`. */
  reason?: string;
}

export interface LaunchRequest {
  /** `puppeteer.userDataDir` as the caller gave it. */
  userDataDir?: string;
  /**
   * An empty profile folder a pooled browser already runs on (given only to strategies with
   * `poolArgs`, on a blank page, before any navigation). A strategy takes the browser by returning
   * this folder as the plan's `userDataDir`, with the session's files in it; any other plan and the
   * client launches as usual.
   */
  pooledProfile?: string;
  /** Fires when the start is cancelled (`client.destroy()` during `initialize()`): end every wait then. */
  signal?: AbortSignal;
}

export abstract class AuthStrategy {
  /** Short name, e.g. `no-auth`, `local`, `remote`. */
  abstract readonly name: string;
  /**
   * True when the strategy keeps the session in a Chromium profile it chooses,
   * which only a browser waweb launches can use (not one it connects to).
   */
  readonly requiresProfile: boolean = false;
  /**
   * The Chromium flags this strategy asks for when it can run in a browser from a `BrowserPool`
   * (RemoteAuth, NoAuth); `undefined`: it always launches its own. @default undefined
   */
  readonly poolArgs: readonly string[] | undefined = undefined;
  #host: AuthHost | undefined;

  /** Called once, when the strategy is given to a client. */
  setup(host: AuthHost): void {
    this.#host = host;
  }

  protected get host(): AuthHost {
    if (!this.#host) throw new InvalidOptionError('this auth strategy is not attached to a client yet (setup() was not called)');
    return this.#host;
  }

  /** The host's logger (silent when there is none, or no host yet). */
  protected get log(): Logger {
    return this.#host?.logger ?? silentLogger;
  }

  /** Where the session is kept on disk, for errors that leave it untouched (a start past its deadline). */
  sessionFolder(): string | undefined {
    return undefined;
  }

  /** Validate and prepare before anything is launched. Throw typed errors here. */
  async beforeBrowserInitialized(_request: LaunchRequest): Promise<BrowserPlan> {
    return {};
  }

  async afterBrowserInitialized(): Promise<void> {}

  /** Payload of the `authenticated` event. */
  async getAuthEventPayload(): Promise<unknown> {
    return undefined;
  }

  async afterAuthReady(): Promise<void> {}

  /** The app logged in with the session this start had (before `authenticated`): a restored copy is good. */
  async onLoggedIn(): Promise<void> {}

  /**
   * The start did not log in with the session this strategy gave it. Return a `LoginRetry` to have the
   * client close this browser and start again without telling the user (no `qr`, `auth_failure` or
   * `disconnected` for this start), having prepared what the next start should try; `undefined`
   * lets the client go on as usual (`qr`, `auth_failure`, or `START_TIMEOUT`). Asked at most once
   * per start. @default undefined
   */
  async onLoginFailed(_failure: LoginFailure): Promise<LoginRetry | undefined> {
    return undefined;
  }

  /** A stored session was rejected (unlinked, revoked). */
  async onAuthFailure(): Promise<void> {}

  /**
   * Whether the client goes on to a fresh QR after `auth_failure`; undefined leaves it to the client's
   * own `restartOnAuthFail` option.
   */
  readonly restartOnAuthFail: boolean | undefined = undefined;

  /** The `auth_failure` payload when the page rejected the stored session. */
  rejection(): AuthFailureError {
    return new AuthFailureError('SESSION_REJECTED', 'the stored session was rejected (unlinked or revoked on the phone)');
  }

  /** The page is still open; the browser is about to close. */
  async beforeBrowserClose(): Promise<void> {}

  /** The browser has closed; `info` tells how. */
  async afterBrowserClosed(_info: BrowserClosedInfo): Promise<void> {}

  /**
   * Whether this strategy's folder or store holds a session: one that logged in and was not logged
   * out, even if the page rejected it this time (a copy that failed to load may belong to a device
   * the phone still lists). Pairing by code is refused while it does, unless forced: a code for a
   * number that is already linked can revoke the live device. @default false (nothing is kept)
   */
  async hasStoredSession(): Promise<boolean> {
    return false;
  }

  /** The phone-side logout succeeded: remove this session's stored data. */
  async logout(): Promise<void> {}

  /** The client is done with the strategy for this run. Must be idempotent. */
  async destroy(): Promise<void> {}

  /**
   * An archive of the live session, consistent as RemoteAuth's backups are. Only strategies that keep
   * the session in a profile of their own (LocalAuth, RemoteAuth) can.
   */
  async exportSession(): Promise<SessionArchive> {
    throw new InvalidOptionError(`${this.constructor.name} keeps no profile of its own: exportSession() needs LocalAuth or RemoteAuth`);
  }
}
