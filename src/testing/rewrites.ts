/**
 * The rewrite and session-listing cases of the main conformance suite (`rewriteGeneration`,
 * `listSessions`), registered inside `describeStoreConformance` for the stores that have them: what
 * `rekey` relies on to re-encrypt every kept generation in place without losing, reviving or
 * reordering one, with readers never seeing a generation missing or half written.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ErrorCode, WawebError, type LoadedSession, type SessionStore, type StoredGeneration } from '../index';
import { rejectionOf } from './conditional';

type It = (name: string, fn: () => Promise<void> | void) => void;
type Rewriting = SessionStore & Required<Pick<SessionStore, 'rewriteGeneration'>>;

const data = (tag: string): Buffer => Buffer.concat([Buffer.from(`${tag}|`), randomBytes(300)]);

/** What a listing says of one generation, in a form `deepEqual` compares across realms. */
function shape(g: StoredGeneration | undefined | null): unknown {
  if (!g) return g;
  return {
    generation: g.generation,
    createdAt: g.createdAt.getTime(),
    setAside: g.setAside ? { reason: g.setAside.reason, detail: g.setAside.detail, at: g.setAside.at.getTime() } : undefined,
    loggedInAt: g.loggedInAt?.getTime(),
  };
}

/** Registers the cases with `it`; `store` gives the running test's store, `sessionId` a fresh id, `keep` its generations kept. */
export function describeRewrites(it: It, store: () => SessionStore, sessionId: (label: string) => string, keep: number): void {
  const rewriting = (): Rewriting | undefined => {
    const s = store();
    return typeof s.rewriteGeneration === 'function' ? (s as Rewriting) : undefined;
  };

  it('rewrites a kept generation in place: same number, createdAt and marks; the others and their order untouched', async () => {
    const s = rewriting();
    if (!s) return assert.equal(typeof store().rewriteGeneration, 'undefined');
    const id = sessionId('rewrite');
    const saves = Math.max(1, Math.min(keep, 3));
    const payloads = Array.from({ length: saves }, (_, i) => data(`save ${i}`));
    const saved: StoredGeneration[] = [];
    for (const p of payloads) saved.push(await s.save(id, p));
    const target = (saved[0] as StoredGeneration).generation;
    const newest = (saved[saved.length - 1] as StoredGeneration).generation;
    if (s.marks === true && s.mark) {
      await s.mark(id, target, { setAside: { reason: 'MANUAL', detail: 'kept aside' } });
      await s.mark(id, newest, { loggedIn: true });
    }
    const before = await s.list(id);
    const newer = data('rewritten');
    const rewritten = await s.rewriteGeneration(id, target, newer);
    assert.ok(rewritten, 'the rewrite resolves with the generation');
    assert.equal(rewritten.generation, target);
    assert.equal(rewritten.createdAt.getTime(), before.find((g) => g.generation === target)?.createdAt.getTime());
    const after = await s.list(id);
    assert.deepEqual(after.map(shape), before.map(shape), 'numbers, order, createdAt and marks are as they were');
    assert.equal(after.find((g) => g.generation === target)?.bytes, newer.length, 'the listed size is the new one');
    assert.ok((await s.load(id, { generation: target }))?.data.equals(newer), 'the generation holds the new bytes');
    if (saves > 1) assert.ok((await s.load(id))?.data.equals(payloads[saves - 1] as Buffer), 'another generation is untouched');
    assert.equal((await s.load(id))?.generation, newest, 'the newest is still the newest');
    // The newest can be rewritten too, and a save after it still takes the next number.
    assert.equal((await s.rewriteGeneration(id, newest, data('newest, rewritten')))?.generation, newest);
    assert.ok((await s.save(id, data('next'))).generation > newest);
  });

  it('rewrites nothing that is not kept, nor a generation created at another time than the caller read', async () => {
    const s = rewriting();
    if (!s) return assert.equal(typeof store().rewriteGeneration, 'undefined');
    const id = sessionId('rewrite-gone');
    assert.equal(await s.rewriteGeneration(id, 1, data('x')), null, 'an absent session');
    assert.deepEqual(await s.list(id), [], 'a rewrite of an absent session wrote nothing');
    const saved = await s.save(id, data('kept'));
    assert.equal(await s.rewriteGeneration(id, saved.generation + 1, data('x')), null, 'a number never saved');
    const stale = new Date(saved.createdAt.getTime() - 1000);
    assert.equal(await s.rewriteGeneration(id, saved.generation, data('x'), { createdAt: stale }), null, 'another createdAt');
    const kept = await s.load(id);
    assert.ok(kept?.data.subarray(0, 5).equals(Buffer.from('kept|')), 'the refused rewrites left the data');
    assert.ok(await s.rewriteGeneration(id, saved.generation, data('y'), { createdAt: saved.createdAt }), 'the createdAt listed');
    if (s.marks === true && s.deleteGeneration && keep > 1) {
      const second = await s.save(id, data('second'));
      assert.equal(await s.deleteGeneration(id, saved.generation), true);
      assert.equal(await s.rewriteGeneration(id, saved.generation, data('revived?')), null, 'a deleted generation');
      assert.deepEqual(
        (await s.list(id)).map((g) => g.generation),
        [second.generation],
        'a rewrite never brings a deleted generation back',
      );
    }
  });

  it('rejects a generation that is not a positive integer, data that is not a Buffer, and a fence without fencing', async () => {
    const s = rewriting();
    if (!s) return assert.equal(typeof store().rewriteGeneration, 'undefined');
    const id = sessionId('rewrite-bad');
    const saved = await s.save(id, data('kept'));
    const invalid = async (promise: Promise<unknown>, what: string): Promise<void> => {
      const err = await rejectionOf(promise);
      assert.ok(err instanceof WawebError && err.code === ErrorCode.INVALID_OPTION, `${what}: got ${String(err)}`);
    };
    for (const generation of [0, -1, 1.5, Number.NaN])
      await invalid(s.rewriteGeneration(id, generation, data('x')), `generation ${generation}`);
    await invalid(s.rewriteGeneration(id, saved.generation, 'text' as unknown as Buffer), 'a string');
    if (s.fencing !== true) await invalid(s.rewriteGeneration(id, saved.generation, data('x'), { fence: 1 }), 'a fence');
    assert.ok((await s.load(id))?.data.subarray(0, 5).equals(Buffer.from('kept|')));
  });

  it('readers never see a generation missing or half written while it is rewritten', async () => {
    const s = rewriting();
    if (!s) return assert.equal(typeof store().rewriteGeneration, 'undefined');
    const id = sessionId('rewrite-read');
    const older = keep > 1 ? await s.save(id, data('older')) : undefined;
    const versions = [data('v0')];
    const newest = await s.save(id, versions[0] as Buffer);
    let writing = true;
    const writer = (async () => {
      try {
        for (let i = 1; i <= 8; i++) {
          const next = data(`v${i}`);
          versions.push(next);
          assert.ok(await s.rewriteGeneration(id, newest.generation, next));
        }
      } finally {
        writing = false;
      }
    })();
    let reads = 0;
    while (writing || reads === 0) {
      const listed: StoredGeneration[] = await s.list(id);
      assert.deepEqual(
        listed.map((g) => g.generation),
        older ? [newest.generation, older.generation] : [newest.generation],
      );
      const loaded: LoadedSession | null = await s.load(id);
      assert.equal(loaded?.generation, newest.generation, 'the newest stays the newest');
      assert.ok(loaded && versions.some((v) => v.equals(loaded.data)), 'the data is one whole version');
      reads += 1;
    }
    await writer;
    assert.ok((await s.load(id))?.data.equals(versions[versions.length - 1] as Buffer));
  });

  it('lists the sessions that have a generation, sorted', async () => {
    const s = store();
    if (typeof s.listSessions !== 'function') return assert.equal(typeof s.listSessions, 'undefined');
    const [a, b, gone] = [sessionId('ls_a'), sessionId('ls_b'), sessionId('ls_gone')];
    await s.save(b, data('b'));
    await s.save(a, data('a'));
    await s.save(gone, data('gone'));
    await s.delete(gone);
    const listed = await s.listSessions();
    assert.ok(listed.includes(a) && listed.includes(b), `both sessions are listed: ${listed.join(', ')}`);
    assert.ok(!listed.includes(gone), 'a deleted session is not');
    assert.deepEqual(listed, [...listed].sort(), 'sorted');
  });
}
