/**
 * Every error waweb throws is a `WawebError` with a stable `code`.
 * Tests and callers branch on `instanceof` and `code`, never on message text.
 */
export const ErrorCode = {
  INVALID_OPTION: 'INVALID_OPTION',
  TIMEOUT: 'TIMEOUT',
  START_TIMEOUT: 'START_TIMEOUT',
  ABORTED: 'ABORTED',
  BROWSER_NOT_FOUND: 'BROWSER_NOT_FOUND',
  BROWSER_FAILED: 'BROWSER_FAILED',
  PROFILE_LOCKED: 'PROFILE_LOCKED',
  AUTH_FAILED: 'AUTH_FAILED',
  NOT_READY: 'NOT_READY',
  CLOSED: 'CLOSED',
  PAGE_FAILED: 'PAGE_FAILED',
  STORE_FAILED: 'STORE_FAILED',
  STORE_UNREACHABLE: 'STORE_UNREACHABLE',
  DATA_TOO_LARGE: 'DATA_TOO_LARGE',
  INVALID_SESSION_ID: 'INVALID_SESSION_ID',
  ARCHIVE_CORRUPT: 'ARCHIVE_CORRUPT',
  ARCHIVE_UNSAFE: 'ARCHIVE_UNSAFE',
  ARCHIVE_TOO_LARGE: 'ARCHIVE_TOO_LARGE',
  ARCHIVE_VERSION: 'ARCHIVE_VERSION',
  ARCHIVE_EMPTY: 'ARCHIVE_EMPTY',
  RESTORE_FAILED: 'RESTORE_FAILED',
  BACKUP_FAILED: 'BACKUP_FAILED',
  FILESYSTEM: 'FILESYSTEM',
  MISSING_DEPENDENCY: 'MISSING_DEPENDENCY',
  SIMULATOR: 'SIMULATOR',
  ENCRYPTION_KEY: 'ENCRYPTION_KEY',
  DECRYPTION_FAILED: 'DECRYPTION_FAILED',
  LEASE_LOST: 'LEASE_LOST',
  FENCED: 'FENCED',
  SESSION_EXISTS: 'SESSION_EXISTS',
  NOT_OWNER: 'NOT_OWNER',
  GENERATION_CHANGED: 'GENERATION_CHANGED',
  LEASE_LIVE: 'LEASE_LIVE',
  ROLLBACK_REFUSED: 'ROLLBACK_REFUSED',
  CANNOT_REWRITE: 'CANNOT_REWRITE',
  WEB_VERSION_UNAVAILABLE: 'WEB_VERSION_UNAVAILABLE',
  INCOMPATIBLE_WEB: 'INCOMPATIBLE_WEB',
  NOT_SUPPORTED: 'NOT_SUPPORTED',
  NOT_BUSINESS: 'NOT_BUSINESS',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class WawebError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A caller passed an option or argument that cannot work. Thrown before anything starts. */
export class InvalidOptionError extends WawebError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.INVALID_OPTION, message, options);
  }
}

/** A wait ran out. The message names the option that controls the deadline. */
export class TimeoutError extends WawebError {
  constructor(
    message: string,
    options?: { cause?: unknown },
    code: typeof ErrorCode.TIMEOUT | typeof ErrorCode.START_TIMEOUT = ErrorCode.TIMEOUT,
  ) {
    super(code, message, options);
  }
}

/**
 * The phases of a client's start, each under its own deadline: launching Chromium, loading the
 * page, the app's boot, the login (from the boot to logged in or a QR), and history sync (from
 * logged in to `ready`).
 */
export type StartPhase = 'launch' | 'page-load' | 'boot' | 'login' | 'history-sync';

/** What a `StartTimeoutError` tells. */
export interface StartTimeoutDetails {
  phase: StartPhase;
  /** The client option that sets this phase's deadline, e.g. `loginTimeoutMs`. */
  option: string;
  timeoutMs: number;
  /** The app's last state the client saw (`OPENING`, `CONNECTED`, ...); null when the page never reported one. */
  lastState: string | null;
  /** Where the session that did not start is kept, untouched (LocalAuth: its folder). */
  sessionFolder?: string | undefined;
}

/**
 * A phase of a start missed its deadline (`code: 'START_TIMEOUT'`; a `TimeoutError` too). Before
 * the login the client stops (`disconnected('START_TIMEOUT')`, browser closed, nothing deleted);
 * a history sync past its deadline is only reported, the client carries on.
 */
export class StartTimeoutError extends TimeoutError implements StartTimeoutDetails {
  readonly phase: StartPhase;
  readonly option: string;
  readonly timeoutMs: number;
  readonly lastState: string | null;
  readonly sessionFolder: string | undefined;

  constructor(message: string, details: StartTimeoutDetails) {
    super(message, undefined, ErrorCode.START_TIMEOUT);
    this.phase = details.phase;
    this.option = details.option;
    this.timeoutMs = details.timeoutMs;
    this.lastState = details.lastState;
    this.sessionFolder = details.sessionFolder;
  }
}

/** A wait was cancelled through an AbortSignal. */
export class AbortError extends WawebError {
  constructor(message = 'The operation was aborted', options?: { cause?: unknown }) {
    super(ErrorCode.ABORTED, message, options);
  }
}

export type StoreErrorCode =
  | typeof ErrorCode.STORE_FAILED
  | typeof ErrorCode.STORE_UNREACHABLE
  | typeof ErrorCode.INVALID_SESSION_ID
  | typeof ErrorCode.TIMEOUT
  | typeof ErrorCode.ABORTED
  | typeof ErrorCode.DATA_TOO_LARGE
  | typeof ErrorCode.GENERATION_CHANGED
  | typeof ErrorCode.CANNOT_REWRITE;

/**
 * A storage backend failed; `cause` holds the driver's own error. Codes: `STORE_FAILED`,
 * `STORE_UNREACHABLE`, `INVALID_SESSION_ID`, `TIMEOUT` (a deadline ran out; the message names its
 * option), `ABORTED` (the caller's signal), `DATA_TOO_LARGE` (a stored copy over the load's `maxBytes`).
 */
export class StoreError extends WawebError {
  constructor(message: string, options?: { cause?: unknown; code?: StoreErrorCode }) {
    super(options?.code ?? ErrorCode.STORE_FAILED, message, options);
  }
}

/** A session archive could not be trusted: corrupt, unsafe, too large or of an unknown format. */
export class ArchiveError extends WawebError {
  constructor(
    code:
      | typeof ErrorCode.ARCHIVE_CORRUPT
      | typeof ErrorCode.ARCHIVE_UNSAFE
      | typeof ErrorCode.ARCHIVE_TOO_LARGE
      | typeof ErrorCode.ARCHIVE_VERSION
      | typeof ErrorCode.ARCHIVE_EMPTY,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** An optional peer dependency is not installed. The message says what to install. */
export class MissingDependencyError extends WawebError {
  constructor(pkg: string, feature: string, options?: { cause?: unknown }) {
    super(ErrorCode.MISSING_DEPENDENCY, `${feature} needs the "${pkg}" package: npm install ${pkg}`, options);
  }
}

/**
 * The local file system refused something a restore or backup needed (no space, no permission,
 * a path it cannot hold). `cause` is Node's error.
 */
export class FileSystemError extends WawebError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.FILESYSTEM, message, options);
  }
}

/** One backup a restore tried, and why it could not be used. */
export interface RestoreAttempt {
  /** The stored generation, or `'local'` for the local copy. */
  generation: number | 'local';
  error: WawebError;
}

/**
 * No backup of a session could be restored and no local copy could stand in: `attempts` lists
 * every generation tried, newest first, with its typed error. `cause` is the newest one's.
 */
export class RestoreError extends WawebError {
  readonly attempts: readonly RestoreAttempt[];

  constructor(
    message: string,
    attempts: readonly RestoreAttempt[],
    code: typeof ErrorCode.RESTORE_FAILED | typeof ErrorCode.ROLLBACK_REFUSED = ErrorCode.RESTORE_FAILED,
  ) {
    super(code, message, attempts[0] ? { cause: attempts[0].error } : undefined);
    this.attempts = attempts;
  }
}

/** No Chromium could be found; the message says how to install one or point at it. */
export class BrowserNotFoundError extends WawebError {
  constructor(message: string) {
    super(ErrorCode.BROWSER_NOT_FOUND, message);
  }
}

/** Chromium could not be launched, connected to, or closed. */
export class BrowserError extends WawebError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.BROWSER_FAILED, message, options);
  }
}

/** Another Chromium (`pid`, when known) holds the profile folder. */
export class ProfileLockedError extends WawebError {
  constructor(
    message: string,
    readonly pid: number | undefined,
  ) {
    super(ErrorCode.PROFILE_LOCKED, message);
  }
}

/** The WhatsApp Web page failed, or a page call did. */
export class PageError extends WawebError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.PAGE_FAILED, message, options);
  }
}

/** Why a stored session did not log in. */
/**
 * `SESSION_REJECTED`: the app refused a stored session (unlinked or revoked on the phone);
 * `INVALID_SESSION`: LegacySessionAuth's tokens were refused (tampered, revoked, or another account's);
 * `MULTI_DEVICE`: LegacySessionAuth logged in to a multi-device account, whose session it cannot keep.
 */
export type AuthFailureReason = 'SESSION_REJECTED' | 'INVALID_SESSION' | 'MULTI_DEVICE';

/** Payload of `auth_failure`: an Error, so logging it shows what happened. */
export class AuthFailureError extends WawebError {
  constructor(
    readonly reason: AuthFailureReason,
    message: string,
  ) {
    super(ErrorCode.AUTH_FAILED, message);
  }
}

/** A call that needs a ready session came before `ready`. */
export class NotReadyError extends WawebError {
  constructor(message: string) {
    super(ErrorCode.NOT_READY, message);
  }
}

/**
 * Pairing by code was refused (`SESSION_EXISTS`): the client's folder or store already holds a
 * session, whose device may still be linked (a code for a linked number can revoke it). Pass
 * `force` to pair anyway, or log that session out first.
 */
export class SessionExistsError extends WawebError {
  constructor(message: string) {
    super(ErrorCode.SESSION_EXISTS, message);
  }
}

/** The client was closed (destroy(), or closed while starting). */
export class ClientClosedError extends WawebError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.CLOSED, message, options);
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Encryption at rest: `ENCRYPTION_KEY` (no key given, a key that is not 32 bytes, or data encrypted
 * with a key id that none of the given keys has), `DECRYPTION_FAILED` (the data fails its integrity
 * check: altered, truncated, or a wrong key under a known id; or it is not encrypted where it must be).
 * Messages name key ids, never key material.
 */
export class EncryptionError extends WawebError {
  constructor(code: typeof ErrorCode.ENCRYPTION_KEY | typeof ErrorCode.DECRYPTION_FAILED, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/**
 * Single ownership of a session across workers: `LEASE_LOST` (this worker's lease was taken over,
 * released or could not be renewed before it expired: the worker stops that session itself),
 * `FENCED` (a store refused a save carrying a fencing token older than one it has seen: a newer
 * owner exists, and the stale owner's copy must not replace its backups).
 */
export class LeaseError extends WawebError {
  /** The session the lease is for. */
  readonly sessionId: string;

  constructor(
    code: typeof ErrorCode.LEASE_LOST | typeof ErrorCode.FENCED | typeof ErrorCode.NOT_OWNER | typeof ErrorCode.LEASE_LIVE,
    sessionId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.sessionId = sessionId;
  }
}

/**
 * A pinned WhatsApp Web build (`webVersion` with a `strict` `webVersionCache`) cannot be had: not in
 * the local cache, the remote archive unreachable or without it, or its HTML did not boot the app.
 * Not strict, the client loads the live app instead and emits `web_version_fallback`.
 */
export class WebVersionUnavailableError extends WawebError {
  /** The `webVersion` asked for. */
  readonly requested: string | undefined;

  constructor(requested: string | undefined, message: string, options?: { cause?: unknown }) {
    super(ErrorCode.WEB_VERSION_UNAVAILABLE, message, options);
    this.requested = requested;
  }
}

/** A member of the page contract the running WhatsApp Web build lacks, or has with another kind. */
export interface WebContractMiss {
  module: string;
  /** The member path inside the module (`Socket`, `waNoiseInfo.get`). */
  member: string;
  /** What needs it: `login` (the start fails), or a feature that is switched off (`reactions`, `media`, ...). */
  feature: string;
  expected: 'function' | 'object' | 'value';
  /** `missing`, the `typeof` found instead, or `changed` for a member that is there but no longer works as called. */
  found: string;
  /** For `changed`: what the call threw inside the page. */
  detail?: string;
}

/**
 * The running WhatsApp Web build (`build`, its `Debug.VERSION`) lacks members waweb needs, or has one that
 * no longer works as called (`found: 'changed'`, a call that threw a `TypeError` inside the app): a `login`
 * member fails the start; a call that needs a switched-off feature is refused. `missing` names them.
 */
export class IncompatibleWebError extends WawebError {
  readonly build: string;
  readonly missing: readonly WebContractMiss[];

  constructor(build: string, missing: readonly WebContractMiss[], what: string) {
    const found = (m: WebContractMiss): string =>
      m.found === 'missing'
        ? 'missing'
        : m.found === 'changed'
          ? `changed: ${m.detail ?? 'it threw'}`
          : `a ${m.found}, not a ${m.expected}`;
    const names = missing.map((m) => `${m.module}.${m.member} (${found(m)})`);
    super(ErrorCode.INCOMPATIBLE_WEB, `WhatsApp Web build ${build} lacks what ${what} needs: ${names.join(', ')}`);
    this.build = build;
    this.missing = missing;
  }
}

/**
 * A whatsapp-web.js member waweb declares but does not do yet (`NOT_SUPPORTED`): `member` names it
 * (`Client.archiveChat`, `Message.star`), and docs/migrating-from-whatsapp-web-js.md says which issue adds it.
 */
export class NotSupportedError extends WawebError {
  constructor(
    readonly member: string,
    readonly issue?: number,
  ) {
    super(ErrorCode.NOT_SUPPORTED, `${member} is not supported by waweb yet${issue === undefined ? '' : ` (issue ${issue})`}`);
  }
}

/** A WhatsApp Business call (changing labels) on a personal account (`NOT_BUSINESS`), refused as whatsapp-web.js refuses it. */
export class NotBusinessError extends WawebError {
  constructor(readonly member: string) {
    super(ErrorCode.NOT_BUSINESS, `${member} needs a WhatsApp Business account`);
  }
}
