/** Helpers shared by the store implementations. Not part of the public surface. */
import { AbortError, ErrorCode, InvalidOptionError, StoreError, WawebError } from '../errors';
import { optionalInteger, positiveInteger } from '../util/options';

/** Runs tasks with the same key one after another, in call order, within this process. */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    await previous;
    try {
      return await task();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

/** One lock table for the whole process, so two store objects over the same backend also serialize. */
export const processLock = new KeyedLock();

/** How many generations every store keeps per session unless told otherwise. */
export const DEFAULT_KEEP = 3;

export function resolveKeep(value: number | undefined, owner: string): number {
  return positiveInteger(value, DEFAULT_KEEP, `${owner}: "keep"`);
}

export function assertMaxBytes(value: number | undefined, owner: string): void {
  optionalInteger(value, 0, `${owner}: "maxBytes"`);
}

/** The error for a stored copy over the caller's `maxBytes`. */
export function dataTooLarge(owner: string, sessionId: string, generation: number, bytes: number, maxBytes: number): StoreError {
  return new StoreError(`${owner}: generation ${generation} of "${sessionId}" is ${bytes} bytes, more than maxBytes (${maxBytes})`, {
    code: ErrorCode.DATA_TOO_LARGE,
  });
}

/** Throws an `AbortError` when `signal` has fired. */
export function throwIfAborted(signal: AbortSignal | undefined, owner: string): void {
  if (signal?.aborted) throw new AbortError(`${owner}: the call was aborted`);
}

/** Checks a timeout option (milliseconds, > 0). */
export function resolveTimeout(value: number | undefined, fallback: number, name: string, owner: string): number {
  return positiveInteger(value, fallback, `${owner}: "${name}" (milliseconds)`);
}

export function assertGeneration(value: number | undefined, owner: string): void {
  optionalInteger(value, 1, `${owner}: "generation"`);
}

export function assertBuffer(data: unknown, owner: string): asserts data is Buffer {
  if (!Buffer.isBuffer(data)) {
    throw new InvalidOptionError(`${owner}: data must be a Buffer`);
  }
}

export function closedError(storeName: string): StoreError {
  return new StoreError(`The ${storeName} store is closed`, { code: ErrorCode.STORE_FAILED });
}

/** Wraps a backend error in a StoreError, leaving waweb's own errors (StoreError, MissingDependencyError, ...) as they are. */
export function wrapError(
  err: unknown,
  message: string,
  classify: (err: unknown) => typeof ErrorCode.STORE_FAILED | typeof ErrorCode.STORE_UNREACHABLE = () => ErrorCode.STORE_FAILED,
): Error {
  if (err instanceof WawebError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new StoreError(`${message}: ${detail}`, { code: classify(err), cause: err });
}
