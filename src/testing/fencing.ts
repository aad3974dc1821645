/**
 * Conformance for stores with fencing tokens (`store.fencing === true`): what a SessionManager with
 * leases relies on. A store author calls it beside `describeStoreConformance`:
 *
 *   describeFencingConformance('MyStore', async () => ({ store, cleanup, breakBackend }));
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ErrorCode, LeaseError } from '../index';
import { freshSessionId, globalRunner, useFixture, type ConformanceFixture, type TestRunner } from './conformance';

async function refusedAsFenced(promise: Promise<unknown>): Promise<void> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof LeaseError, `expected a LeaseError, got ${String(err)}`);
    assert.equal(err.code, ErrorCode.FENCED);
    return;
  }
  assert.fail('expected the save to be refused with FENCED');
}

export function describeFencingConformance(
  name: string,
  factory: () => Promise<ConformanceFixture>,
  options: { runner?: TestRunner } = {},
): void {
  const runner = options.runner ?? globalRunner('describeFencingConformance');
  const { describe, it } = runner;
  describe(`${name} fencing conformance`, () => {
    const current = useFixture(runner, factory);
    const store = (): ConformanceFixture['store'] => {
      assert.equal(current().store.fencing, true, 'the store says fencing: true');
      return current().store;
    };
    const data = (): Buffer => randomBytes(64);

    it('refuses a save whose token is below one it has seen, and keeps the newer backups', async () => {
      const id = freshSessionId('fence');
      await store().save(id, data(), { fence: 1 });
      const newer = await store().save(id, data(), { fence: 2 });
      await refusedAsFenced(store().save(id, data(), { fence: 1 }));
      const listed = await store().list(id);
      assert.equal(listed[0]?.generation, newer.generation, 'the refused save wrote no generation');
      // The same token again, and a larger one, are accepted.
      await store().save(id, data(), { fence: 2 });
      const last = await store().save(id, data(), { fence: 7 });
      await refusedAsFenced(store().save(id, data(), { fence: 6 }));
      assert.equal((await store().list(id))[0]?.generation, last.generation);
    });

    it('raiseFence refuses older tokens before the new owner saved, and never lowers the token', async () => {
      const id = freshSessionId('raise');
      const first = await store().save(id, data(), { fence: 3 });
      assert.equal(await store().raiseFence?.(id, 4), 4);
      await refusedAsFenced(store().save(id, data(), { fence: 3 }));
      assert.equal(await store().raiseFence?.(id, 2), 4, 'a lower token leaves the one in force');
      assert.equal((await store().list(id))[0]?.generation, first.generation);
      const loaded = await store().load(id);
      assert.ok(loaded, 'the backup is still there');
    });

    it('settles racing saves from two owners: the stale one is refused, the newer one stored', async () => {
      const id = freshSessionId('race');
      await store().raiseFence?.(id, 5);
      const stale = data();
      const fresh = data();
      const results = await Promise.allSettled([store().save(id, stale, { fence: 4 }), store().save(id, fresh, { fence: 5 })]);
      assert.equal(results[0]?.status, 'rejected');
      assert.equal(results[1]?.status, 'fulfilled');
      assert.ok((await store().load(id))?.data.equals(fresh));
    });

    it('rejects a fencing token that is not a positive integer', async () => {
      const id = freshSessionId('badfence');
      for (const fence of [0, -1, 1.5, Number.NaN]) {
        await assert.rejects(
          store().save(id, data(), { fence }),
          (err: unknown) => (err as { code?: unknown }).code === ErrorCode.INVALID_OPTION,
        );
      }
      assert.deepEqual(await store().list(id), []);
    });
  });
}
