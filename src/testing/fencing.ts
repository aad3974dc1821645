/**
 * Conformance for stores with fencing tokens (`store.fencing === true`): what a SessionManager with
 * leases relies on (fenced saves and deletes), and compare-and-swap saves (`ifNewest`) settled
 * atomically among racing writers, which every fencing store gives. A store author calls it beside `describeStoreConformance`:
 *
 *   describeFencingConformance('MyStore', async () => ({ store, cleanup, breakBackend }));
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ErrorCode, LeaseError, StoreError } from '../index';
import { freshSessionId, globalRunner, useFixture, type ConformanceFixture, type TestRunner } from './conformance';

async function refusedAsFenced(promise: Promise<unknown>, what = 'save'): Promise<void> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof LeaseError, `expected a LeaseError, got ${String(err)}`);
    assert.equal(err.code, ErrorCode.FENCED);
    return;
  }
  assert.fail(`expected the ${what} to be refused with FENCED`);
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

    it('refuses a delete whose token is below one it has seen, keeps the backups, and keeps the token after a delete', async () => {
      const id = freshSessionId('fdel');
      await store().save(id, data(), { fence: 1 });
      const newer = await store().save(id, data(), { fence: 2 });
      await refusedAsFenced(store().delete(id, { fence: 1 }), 'delete');
      const listed = await store().list(id);
      assert.equal(listed[0]?.generation, newer.generation, 'the refused delete removed nothing');
      assert.ok(await store().load(id), 'the backup still loads');
      await store().delete(id, { fence: 2 });
      assert.deepEqual(await store().list(id), [], 'the owner deletes');
      await refusedAsFenced(store().save(id, data(), { fence: 1 }));
      // A delete by a newer owner raises the token like a save.
      await store().delete(id, { fence: 4 });
      await refusedAsFenced(store().save(id, data(), { fence: 3 }));
      assert.deepEqual(await store().list(id), []);
      for (const fence of [0, -1, 1.5]) {
        await assert.rejects(
          store().delete(id, { fence }),
          (err: unknown) => (err as { code?: unknown }).code === ErrorCode.INVALID_OPTION,
        );
      }
    });

    it('settles racing compare-and-swap saves on one newest generation: exactly one is stored', async () => {
      const id = freshSessionId('casrace');
      const base = await store().save(id, data(), { fence: 1 });
      const inputs = Array.from({ length: 6 }, () => data());
      const results = await Promise.allSettled(inputs.map((d) => store().save(id, d, { fence: 1, ifNewest: base.generation })));
      const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
      assert.equal(won.length, 1, `exactly one compare-and-swap wins (${won.length} did)`);
      for (const r of results) {
        if (r.status === 'rejected') {
          assert.ok(r.reason instanceof StoreError, `expected a StoreError, got ${String(r.reason)}`);
          assert.equal(r.reason.code, ErrorCode.GENERATION_CHANGED);
        }
      }
      const listed = await store().list(id);
      assert.deepEqual(
        listed.slice(0, 2).map((g) => g.generation),
        [base.generation + 1, base.generation],
        'one generation was added on top of the one named',
      );
      assert.ok((await store().load(id))?.data.equals(inputs[won[0]!]!), 'the newest holds the winner');
    });

    it("never lets a compare-and-swap racing a live owner's save roll the newest back", async () => {
      const id = freshSessionId('rekeyrace');
      const loaded = await store().save(id, data(), { fence: 2 });
      const live = data();
      // A rekey (load, then save what it loaded) against the owner's save: whichever lands first,
      // the owner's data ends up newest.
      const [liveSave, rewrite] = await Promise.allSettled([
        store().save(id, live, { fence: 2 }),
        store().save(id, data(), { ifNewest: loaded.generation }),
      ]);
      assert.equal(liveSave.status, 'fulfilled');
      assert.ok((await store().load(id))?.data.equals(live), "the live owner's save is the newest");
      if (rewrite.status === 'rejected') {
        assert.ok(rewrite.reason instanceof StoreError && rewrite.reason.code === ErrorCode.GENERATION_CHANGED);
      }
    });

    it("refuses a rewrite whose token is below one it has seen, changing nothing; the owner's token rewrites", async () => {
      const s = store();
      if (typeof s.rewriteGeneration !== 'function') return assert.equal(typeof s.rewriteGeneration, 'undefined');
      const id = freshSessionId('frewrite');
      const kept = data();
      const saved = await s.save(id, kept, { fence: 3 });
      await s.raiseFence?.(id, 4);
      await refusedAsFenced(s.rewriteGeneration(id, saved.generation, data(), { fence: 3 }), 'rewrite');
      assert.ok((await s.load(id))?.data.equals(kept), 'the refused rewrite changed nothing');
      const next = data();
      assert.equal((await s.rewriteGeneration(id, saved.generation, next, { fence: 4 }))?.generation, saved.generation);
      assert.ok((await s.load(id))?.data.equals(next));
      // The rewrite's token is remembered like a save's.
      await s.rewriteGeneration(id, saved.generation, data(), { fence: 6 });
      await refusedAsFenced(s.save(id, data(), { fence: 5 }));
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
