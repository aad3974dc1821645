/**
 * Time and cancellation, once: delays that end on a signal, promises that stop being waited for
 * when a signal fires, and deadlines that name the option controlling them. No timer outlives the
 * wait it serves.
 */
import { AbortError, TimeoutError, type WawebError } from '../errors';

/** Waits `ms`; rejects with an `AbortError` as soon as `signal` is aborted. */
export function delay(ms: number, signal?: AbortSignal, message = 'The wait was aborted'): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortError(message));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AbortError(message));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * `promise`, or an `AbortError` (with `message`, or the error `message()` makes) as soon as `signal` is
 * aborted. The work left behind is not cancelled (pass the signal down for that); its eventual
 * rejection is consumed here.
 */
export function abortable<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  message: string | (() => Error) = 'The operation was aborted',
): Promise<T> {
  promise.catch(() => undefined);
  if (!signal) return promise;
  const reason = (): Error => (typeof message === 'string' ? new AbortError(message) : message());
  if (signal.aborted) return Promise.reject(reason());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(reason());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** Waits for `promise` to settle, or for `ms` to pass, whichever comes first; never rejects. */
export async function settledWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([
      promise.then(
        () => undefined,
        () => undefined,
      ),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The first of `promises` to settle, as `Promise.race` gives it, with the rejections of the others
 * consumed (a loser that rejects later is not an unhandled rejection).
 */
export function firstSettled<T>(promises: ReadonlyArray<Promise<T>>): Promise<T> {
  for (const p of promises) p.catch(() => undefined);
  return Promise.race(promises);
}

export interface DeadlineOptions {
  timeoutMs: number;
  /** The error thrown when the deadline passes; its message should name the option. */
  onTimeout: () => WawebError;
  /** The caller's cancellation; ends the wait with an `AbortError`. */
  signal?: AbortSignal | undefined;
  abortMessage?: string;
}

/**
 * Runs `work` with a signal that fires when the deadline passes or the caller's `signal` does, and
 * stops waiting for it then: rejects with `onTimeout()` or an `AbortError`. `work` should pass the
 * signal on so the work itself stops too.
 */
export async function withDeadline<T>(work: (signal: AbortSignal) => Promise<T>, options: DeadlineOptions): Promise<T> {
  const { timeoutMs, onTimeout, signal } = options;
  const message = options.abortMessage ?? 'The operation was aborted';
  if (signal?.aborted) throw new AbortError(message);
  const inner = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<never>((_resolve, reject) => {
    // Settle first, then stop the work: whatever the work rejects with on its way out loses the race.
    timer = setTimeout(() => {
      const err = onTimeout();
      reject(err);
      inner.abort(err);
    }, timeoutMs);
    onAbort = (): void => {
      const err = new AbortError(message);
      reject(err);
      inner.abort(err);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  stop.catch(() => undefined);
  try {
    const running = work(inner.signal);
    running.catch(() => undefined);
    return await Promise.race([running, stop]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

/** A `TimeoutError` for `what`, naming `option`. */
export function timeoutError(what: string, option: string, ms: number): TimeoutError {
  return new TimeoutError(`${what} did not finish within ${option} (${ms} ms)`);
}
