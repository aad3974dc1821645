/**
 * The chaos soak's own checks, without browsers: which save wrote the bytes a store serves as newest
 * and whether they may be the newest (test/helpers/chaos-watch.ts), and the seeded schedule's
 * randomness (the same seed, the same faults).
 */
import type { SaveLog } from '../helpers/chaos-cluster';
import { Random } from '../helpers/chaos-plan';
import { judge } from '../helpers/chaos-watch';

const T0 = Date.now() - 10_000;

function log(entries: Array<{ sha: string; token: number | null; worker: string; at: number; end?: string | null }>): SaveLog {
  return {
    begins: entries.map(({ sha, token, worker, at }) => ({ sha, token, worker, at })),
    ends: entries
      .filter((e) => e.end !== undefined)
      .map((e) => ({
        sha: e.sha,
        token: e.token,
        worker: e.worker,
        ok: e.end === null,
        code: e.end ?? null,
        generation: 1,
        at: e.at + 100,
      })),
  };
}

describe('the stale-newest check', () => {
  test('the newest save of the highest token is fine, and so is a later save stored after the poll began', () => {
    const saves = log([
      { sha: 'a', token: 1, worker: 'w1', at: T0, end: null },
      { sha: 'b', token: 2, worker: 'w2', at: T0 + 1000, end: null },
      { sha: 'c', token: 2, worker: 'w2', at: T0 + 4000, end: null },
    ]);
    expect(judge(saves, 'b', T0 + 3000)).toBe('ok');
    expect(judge(saves, 'c', T0 + 3000)).toBe('ok');
    expect(judge(saves, 'c', T0 + 5000)).toBe('ok');
  });

  test("an older owner's bytes served after a newer owner's save was stored are stale", () => {
    const saves = log([
      { sha: 'old', token: 1, worker: 'w1', at: T0, end: null },
      { sha: 'new', token: 2, worker: 'w2', at: T0 + 1000, end: null },
    ]);
    expect(judge(saves, 'old', T0 + 5000)).toMatch(/token 1 by w1, older than the save already stored under token 2 by w2/);
    // Unless the newer save was not yet stored when the poll began.
    expect(judge(saves, 'old', T0 + 500)).toBe('ok');
  });

  test('an unfenced write (no token) next to a fenced owner is stale, and a rollback by the same owner too', () => {
    const saves = log([
      { sha: 'owner1', token: 3, worker: 'w1', at: T0, end: null },
      { sha: 'owner2', token: 3, worker: 'w1', at: T0 + 2000, end: null },
      { sha: 'rogue', token: null, worker: 'w2', at: T0 + 3000, end: null },
    ]);
    expect(judge(saves, 'rogue', T0 + 5000)).toMatch(/token none by w2/);
    expect(judge(saves, 'owner1', T0 + 5000)).toMatch(/token 3 by w1, older than/);
  });

  test('bytes of a save the store refused with FENCED are stale; bytes no save began are unknown', () => {
    const saves = log([
      { sha: 'kept', token: 1, worker: 'w1', at: T0, end: null },
      { sha: 'refused', token: 1, worker: 'w1', at: T0 + 1000, end: 'FENCED' },
    ]);
    expect(judge(saves, 'refused', T0 + 5000)).toMatch(/refused \(FENCED\) under token 1 by w1/);
    expect(judge(saves, 'nobody', T0 + 5000)).toBe('unknown');
  });

  test('a recent write whose end is not reported yet is judged later', () => {
    const saves = log([
      { sha: 'a', token: 1, worker: 'w1', at: T0, end: null },
      { sha: 'b', token: 1, worker: 'w1', at: Date.now() },
    ]);
    expect(judge(saves, 'b', Date.now())).toBe('pending');
  });
});

test('the same seed draws the same schedule; another seed another one', () => {
  const draw = (seed: number): number[] => {
    const r = new Random(seed);
    return Array.from({ length: 20 }, () => r.between(0, 8));
  };
  expect(draw(7)).toEqual(draw(7));
  expect(draw(7)).not.toEqual(draw(8));
  expect(draw(7).every((n) => n >= 0 && n <= 8)).toBe(true);
});
