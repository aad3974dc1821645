/** What both lease backends share: one bounded call, errors typed as the store's. */
import { ErrorCode, StoreError, WawebError } from '../errors';
import { timeoutError, withDeadline } from '../util/deadline';
import { positiveNumber } from '../util/options';
import type { Lease } from './types';

export const DEFAULT_LEASE_CALL_TIMEOUT_MS = 5000;

export function resolveCallTimeout(value: number | undefined, owner: string): number {
  return positiveNumber(value, DEFAULT_LEASE_CALL_TIMEOUT_MS, `${owner} callTimeoutMs`);
}

/**
 * Runs one lease call within `timeoutMs`: a database that stopped answering must not hold a worker
 * past its leases' expiry. Driver errors become `StoreError` with the code `classify` gives them
 * (`STORE_UNREACHABLE` or `STORE_FAILED`) and the driver's error as `cause`.
 */
export async function leaseCall<T>(
  label: string,
  what: string,
  timeoutMs: number,
  classify: (err: unknown) => typeof ErrorCode.STORE_FAILED | typeof ErrorCode.STORE_UNREACHABLE,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await withDeadline(() => work(), {
      timeoutMs,
      onTimeout: () => timeoutError(`${label}: ${what}`, 'callTimeoutMs', timeoutMs),
    });
  } catch (err) {
    if (err instanceof WawebError) throw err;
    const detail = err instanceof Error ? err.message : String(err);
    throw new StoreError(`${label}: ${what} failed: ${detail}`, {
      code: classify(err),
      cause: err,
    });
  }
}

/** The leases of `asked` that `rows` (what the database renewed) name with the same owner and token, with the new expiry. */
export function renewedOnes(
  asked: readonly Lease[],
  rows: ReadonlyArray<{ sessionId: string; owner: string; token: number; expiresAt: Date }>,
): Lease[] {
  const out: Lease[] = [];
  for (const lease of asked) {
    const row = rows.find((r) => r.sessionId === lease.sessionId && r.owner === lease.owner && r.token === lease.token);
    if (row) out.push({ ...lease, expiresAt: row.expiresAt });
  }
  return out;
}

/** Session and worker ids: what a lease may name. */
export function assertLeaseName(value: unknown, what: string, owner: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 200 || [...value].some((c) => c.charCodeAt(0) < 0x20)) {
    throw new StoreError(`${owner}: ${what} must be a non-empty string of at most 200 printable characters`, {
      code: ErrorCode.INVALID_SESSION_ID,
    });
  }
}
