/**
 * Every error waweb throws is a `WawebError` with a stable `code`.
 * Tests and callers branch on `instanceof` and `code`, never on message text.
 */
export const ErrorCode = {
  INVALID_OPTION: 'INVALID_OPTION',
  TIMEOUT: 'TIMEOUT',
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
  INVALID_SESSION_ID: 'INVALID_SESSION_ID',
  ARCHIVE_CORRUPT: 'ARCHIVE_CORRUPT',
  ARCHIVE_UNSAFE: 'ARCHIVE_UNSAFE',
  ARCHIVE_TOO_LARGE: 'ARCHIVE_TOO_LARGE',
  ARCHIVE_VERSION: 'ARCHIVE_VERSION',
  MISSING_DEPENDENCY: 'MISSING_DEPENDENCY',
  SIMULATOR: 'SIMULATOR',
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
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.TIMEOUT, message, options);
  }
}

/** A wait was cancelled through an AbortSignal. */
export class AbortError extends WawebError {
  constructor(message = 'The operation was aborted', options?: { cause?: unknown }) {
    super(ErrorCode.ABORTED, message, options);
  }
}

/** A storage backend failed; `cause` holds the driver's own error. */
export class StoreError extends WawebError {
  constructor(
    message: string,
    options?: { cause?: unknown; code?: typeof ErrorCode.STORE_FAILED | typeof ErrorCode.STORE_UNREACHABLE | typeof ErrorCode.INVALID_SESSION_ID },
  ) {
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
      | typeof ErrorCode.ARCHIVE_VERSION,
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

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
