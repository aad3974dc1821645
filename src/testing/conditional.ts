/**
 * The compare-and-swap and fenced-delete cases of the main conformance suite (`SaveOptions.ifNewest`,
 * `DeleteOptions.fence`), registered inside `describeStoreConformance`: what `rekey` and
 * `import --force` rely on so that a writer that read, transformed and wrote back never puts an
 * older backup on top of a live owner's newer one. Racing writers are checked by the fencing suite,
 * on the stores that say the check is atomic.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ErrorCode, InvalidOptionError, StoreError, WawebError, type SessionStore } from '../index';

/** How a test is registered (the runner's `it`). */
type It = (name: string, fn: () => Promise<void> | void) => void;

/** Resolves with what `promise` rejected with; fails when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  return assert.fail('expected the call to reject');
}

/** Checks that `promise` rejects with a `StoreError` code `GENERATION_CHANGED`. */
export async function refusedAsChanged(promise: Promise<unknown>): Promise<void> {
  const err = await rejectionOf(promise);
  assert.ok(err instanceof StoreError, `expected a StoreError, got ${String(err)}`);
  assert.equal(err.code, ErrorCode.GENERATION_CHANGED);
}

/** Registers the cases with `it`; `store` gives the running test's store, `sessionId` a fresh id. */
export function describeConditionalWrites(it: It, store: () => SessionStore, sessionId: (label: string) => string): void {
  const data = (tag: string): Buffer => Buffer.concat([Buffer.from(`${tag}|`), randomBytes(256)]);

  it('saves with ifNewest only while it names the newest generation (0: none), and writes nothing otherwise', async () => {
    const id = sessionId('cas');
    await refusedAsChanged(store().save(id, data('early'), { ifNewest: 1 }));
    assert.deepEqual(await store().list(id), [], 'a refused save on an absent session wrote nothing');
    const first = await store().save(id, data('first'), { ifNewest: 0 });
    await refusedAsChanged(store().save(id, data('again'), { ifNewest: 0 }));
    const second = data('second');
    const saved = await store().save(id, second, { ifNewest: first.generation });
    assert.ok(saved.generation > first.generation);
    // What a rekey that loaded `first` before `second` was saved would write: refused.
    await refusedAsChanged(store().save(id, data('stale'), { ifNewest: first.generation }));
    const listed = await store().list(id);
    assert.equal(listed[0]?.generation, saved.generation, 'the refused saves added no generation');
    assert.ok((await store().load(id))?.data.equals(second), 'the newest holds the last accepted save');
  });

  it('rejects an ifNewest that is not a generation number or 0 with INVALID_OPTION', async () => {
    const id = sessionId('badcas');
    for (const ifNewest of [-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) {
      const err = await rejectionOf(store().save(id, data('x'), { ifNewest }));
      assert.ok(err instanceof WawebError && err.code === ErrorCode.INVALID_OPTION, `ifNewest ${ifNewest}: got ${String(err)}`);
    }
    assert.deepEqual(await store().list(id), []);
  });

  it('refuses a fenced delete with InvalidOptionError when it has no fencing, and deletes nothing', async () => {
    if (store().fencing === true) return; // the fencing conformance checks fenced deletes
    const id = sessionId('nofence');
    const saved = await store().save(id, data('kept'));
    const err = await rejectionOf(store().delete(id, { fence: 1 }));
    assert.ok(err instanceof InvalidOptionError, `expected an InvalidOptionError, got ${String(err)}`);
    assert.equal((await store().list(id))[0]?.generation, saved.generation, 'the backup is still there');
  });
}
