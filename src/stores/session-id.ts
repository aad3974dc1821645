import { ErrorCode, StoreError } from '../errors';

/** Letters, digits, `_` and `-`, 1 to 128 characters: safe as a file name, bucket name or key. */
const SESSION_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** True when `id` is a valid session id. */
export function isValidSessionId(id: unknown): id is string {
  return typeof id === 'string' && SESSION_ID.test(id);
}

/**
 * Throws `StoreError` with code `INVALID_SESSION_ID` unless `id` is 1..128 letters, digits, `_` or `-`.
 * Every store calls this before touching its backend, so `../x`, `a/b`, ``, NUL or spaces never reach a path or query.
 */
export function assertSessionId(id: unknown): asserts id is string {
  if (!isValidSessionId(id)) {
    const shown = typeof id === 'string' ? JSON.stringify(id.length > 40 ? `${id.slice(0, 40)}...` : id) : typeof id;
    throw new StoreError(`Invalid session id ${shown}: use 1 to 128 letters, digits, "_" or "-"`, { code: ErrorCode.INVALID_SESSION_ID });
  }
}
