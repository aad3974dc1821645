/** Small pieces RemoteAuth shares with nothing else: store detection, store calls and error typing. */
import { AbortError, ErrorCode, FileSystemError, InvalidOptionError, StoreError, WawebError, errorMessage } from '../../errors';
import { abortable, delay } from '../../util/deadline';
import { backoff } from './backup-scheduler';
import type { WwebjsStore } from '../../stores/wwebjs-adapter';
import type { SessionStore } from '../../stores/types';
import { isErrno } from '../../util/errno';

export function isWwebjsStore(store: SessionStore | WwebjsStore): store is WwebjsStore {
  const s = store as unknown as Record<string, unknown>;
  return typeof s['sessionExists'] === 'function' && typeof s['extract'] === 'function' && typeof s['load'] !== 'function';
}

export function throwIfAborted(signal: AbortSignal, message: string): void {
  if (signal.aborted) throw new AbortError(message);
}

/** A failed backup as a typed error: the store's, the archive's or the disk's code, with the cause kept. */
export function backupError(err: unknown, sessionName: string): WawebError {
  if (err instanceof WawebError) return err;
  if (isErrno(err, 'ENOSPC', 'EACCES', 'EPERM', 'EIO', 'EROFS', 'EMFILE', 'ENFILE', 'ENOENT', 'EBUSY')) {
    return new FileSystemError(`backup of ${sessionName} failed on the local disk: ${errorMessage(err)}`, { cause: err });
  }
  return new WawebError(ErrorCode.BACKUP_FAILED, `backup of ${sessionName} failed: ${errorMessage(err)}`, { cause: err });
}

/**
 * One store call within `timeoutMs` (the `storeTimeoutMs` option), ended by `signal` (destroy(), a
 * crash, the client's start being cancelled). The deadline is a signal passed down with the call:
 * one timer, which the store sees as cancellation and stops its work on, and which ends the wait
 * here even for a store that ignores it. The store's own per-call deadline (MongoStore's
 * `operationTimeoutMs`) is its business. A deadline that passes is a `StoreError` code `TIMEOUT`
 * naming `storeTimeoutMs`; anything the store throws untyped becomes a `StoreError`.
 */
export async function storeCall<T>(
  store: SessionStore,
  sessionName: string,
  timeoutMs: number,
  what: string,
  signal: AbortSignal,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const abortMessage = `${what} of ${sessionName} aborted`;
  throwIfAborted(signal, abortMessage);
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  const ended = AbortSignal.any([signal, deadline.signal]);
  try {
    return await abortable(call(ended), ended, abortMessage);
  } catch (err) {
    if (signal.aborted) throw err instanceof AbortError ? err : new AbortError(abortMessage, { cause: err });
    if (deadline.signal.aborted) {
      throw new StoreError(`${store.name} store: ${what} of ${sessionName} did not finish within storeTimeoutMs (${timeoutMs} ms)`, {
        code: ErrorCode.TIMEOUT,
      });
    }
    if (err instanceof WawebError) throw err;
    throw new StoreError(`${store.name} store: ${what} of ${sessionName} failed: ${errorMessage(err)}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}

/** The `onDecryptionFailure` option, checked. */
export function decryptionFailureOption(value: unknown): 'stop' | 'fallback' {
  if (value === undefined || value === 'stop' || value === 'fallback') return value ?? 'stop';
  throw new InvalidOptionError(`onDecryptionFailure must be 'stop' or 'fallback', got ${JSON.stringify(value)}`);
}

/** `call`, tried again `retries` times with backoff; `signal` (destroy()) ends the retries with an `AbortError`. */
export async function retried<T>(
  call: (signal: AbortSignal) => Promise<T>,
  options: { retries: number; retryDelayMs: number; signal: AbortSignal; what: string },
): Promise<T> {
  const { retries, retryDelayMs, signal, what } = options;
  for (let attempt = 0; ; attempt++) {
    throwIfAborted(signal, `${what} aborted`);
    try {
      return await call(signal);
    } catch (err) {
      throwIfAborted(signal, `${what} aborted`);
      if (attempt >= retries) throw err;
      await delay(backoff(retryDelayMs, attempt), signal, `${what} aborted while waiting to retry the store`);
    }
  }
}
