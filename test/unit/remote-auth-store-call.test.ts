/**
 * RemoteAuth's one deadline per store call (src/auth/remote/helpers.ts): `storeTimeoutMs` is passed
 * down as the call's signal, and the wait ends with it even when the store ignores the signal.
 */
import { AbortError, ErrorCode, LeaseError, StoreError } from '../../src/errors';
import { storeCall } from '../../src/auth/remote/helpers';
import type { SessionStore } from '../../src/stores/types';

const store = { name: 'test' } as SessionStore;

/** A call that never settles on its own; it records the signal it was given. */
function hanging(seen: AbortSignal[]): (signal: AbortSignal) => Promise<never> {
  return (signal) => {
    seen.push(signal);
    return new Promise<never>(() => undefined);
  };
}

describe('storeCall', () => {
  test('a store that ignores its signal is still cut off at storeTimeoutMs: StoreError TIMEOUT naming the option', async () => {
    const seen: AbortSignal[] = [];
    const t0 = Date.now();
    const error: unknown = await storeCall(store, 'RemoteAuth-x', 80, 'saving', new AbortController().signal, hanging(seen)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe(ErrorCode.TIMEOUT);
    expect((error as StoreError).message).toContain('storeTimeoutMs');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(70);
    // The store was told to stop when the deadline passed.
    expect(seen).toHaveLength(1);
    expect(seen[0]!.aborted).toBe(true);
  });

  test("a store that ends on its signal's abort with its own error still reports TIMEOUT", async () => {
    const call = (signal: AbortSignal): Promise<never> =>
      new Promise<never>((_resolve, reject) => {
        signal.addEventListener('abort', () => reject(new AbortError('the driver stopped')), { once: true });
      });
    await expect(storeCall(store, 'RemoteAuth-x', 50, 'listing', new AbortController().signal, call)).rejects.toMatchObject({
      code: ErrorCode.TIMEOUT,
    });
  });

  test('the caller aborting ends the call with an AbortError, not a timeout', async () => {
    const seen: AbortSignal[] = [];
    const caller = new AbortController();
    const pending = storeCall(store, 'RemoteAuth-x', 60_000, 'listing', caller.signal, hanging(seen));
    caller.abort();
    const error: unknown = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).code).toBe(ErrorCode.ABORTED);
    expect(seen[0]!.aborted).toBe(true);
  });

  test('an already aborted caller never reaches the store', async () => {
    const seen: AbortSignal[] = [];
    await expect(storeCall(store, 'RemoteAuth-x', 1000, 'listing', AbortSignal.abort(), hanging(seen))).rejects.toBeInstanceOf(AbortError);
    expect(seen).toHaveLength(0);
  });

  test('typed errors pass through; untyped ones become StoreError with the original as cause', async () => {
    const fenced = new LeaseError(ErrorCode.FENCED, 'RemoteAuth-x', 'a newer owner saved');
    await expect(storeCall(store, 'RemoteAuth-x', 1000, 'saving', new AbortController().signal, () => Promise.reject(fenced))).rejects.toBe(
      fenced,
    );
    const boom = new Error('socket hang up');
    const error: unknown = await storeCall(store, 'RemoteAuth-x', 1000, 'saving', new AbortController().signal, () =>
      Promise.reject(boom),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe(ErrorCode.STORE_FAILED);
    expect((error as StoreError).cause).toBe(boom);
  });

  test('a call that settles in time returns its value', async () => {
    await expect(storeCall(store, 'RemoteAuth-x', 1000, 'listing', new AbortController().signal, async () => 42)).resolves.toBe(42);
  });
});
