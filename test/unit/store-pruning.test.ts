/**
 * The pruning rule every store with marks uses (`generationsToPrune`), and the checks the store
 * front makes on a mark, tested on plain data.
 */
import { InvalidOptionError } from '../../src/errors';
import { applyMark, assertGenerationMark, generationsToPrune, type PrunableGeneration } from '../../src/stores/internal';

const AT = new Date(Date.UTC(2026, 0, 1));

/** Generations `n..1`, newest first; `aside` and `loggedIn` name the marked ones. */
function listed(n: number, marks: { aside?: number[]; loggedIn?: number[] } = {}): PrunableGeneration[] {
  return Array.from({ length: n }, (_, i) => {
    const generation = n - i;
    const g: PrunableGeneration = { generation };
    if (marks.aside?.includes(generation)) g.setAside = { reason: 'QR', detail: 'landed on a QR', at: AT };
    if (marks.loggedIn?.includes(generation)) g.loggedInAt = AT;
    return g;
  });
}

const pruned = (list: PrunableGeneration[], keep: number): number[] => generationsToPrune(list, keep).map((g) => g.generation);

describe('generationsToPrune', () => {
  it('without marks, keeps the `keep` newest and gives up the rest, newest first', () => {
    expect(pruned(listed(5), 3)).toEqual([2, 1]);
    expect(pruned(listed(3), 3)).toEqual([]);
    expect(pruned([], 3)).toEqual([]);
  });

  it('does not count set-aside generations toward keep', () => {
    // 6 is set aside: 5, 4, 3 are the three kept restorable ones, and 6 stays besides.
    expect(pruned(listed(6, { aside: [6] }), 3)).toEqual([2, 1]);
  });

  it('keeps at most `keep` set-aside generations, the newest ones', () => {
    expect(pruned(listed(6, { aside: [6, 5, 4] }), 2)).toEqual([4, 1]);
  });

  it('keeps the newest logged-in generation however old, and only that one', () => {
    expect(pruned(listed(6, { loggedIn: [2, 1] }), 3)).toEqual([3, 1]);
    // Already among the kept ones: nothing extra.
    expect(pruned(listed(6, { loggedIn: [5, 1] }), 3)).toEqual([3, 2, 1]);
  });

  it('keeps a logged-in generation that was set aside later even beyond the set-aside quota', () => {
    expect(pruned(listed(5, { aside: [5, 2], loggedIn: [2] }), 1)).toEqual([3, 1]);
  });

  it('reads the list in any order', () => {
    expect(pruned(listed(5).reverse(), 2)).toEqual([3, 2, 1]);
  });
});

describe('marks', () => {
  it('set aside, release and logged in each touch only their own field', () => {
    const later = new Date(AT.getTime() + 1000);
    const aside = applyMark({ loggedInAt: AT }, { setAside: { reason: 'MANUAL', detail: 'by hand' } }, later);
    expect(aside).toEqual({ loggedInAt: AT, setAside: { reason: 'MANUAL', detail: 'by hand', at: later } });
    expect(applyMark(aside, { setAside: null }, later)).toEqual({ loggedInAt: AT });
    expect(applyMark(aside, { loggedIn: true }, later)).toEqual({ ...aside, loggedInAt: later });
  });

  it('refuses what is not a mark with InvalidOptionError', () => {
    const bad: unknown[] = [
      null,
      'QR',
      {},
      { setAside: { reason: 'BAD', detail: '' } },
      { setAside: { reason: 'QR' } },
      { setAside: { reason: 'QR', detail: 3 } },
      { setAside: 'QR' },
      { loggedIn: false },
      { loggedIn: true, setAside: null },
      { released: true },
    ];
    for (const mark of bad) expect(() => assertGenerationMark(mark, 'test')).toThrow(InvalidOptionError);
    for (const mark of [{ setAside: null }, { loggedIn: true }, { setAside: { reason: 'LOGIN_TIMEOUT', detail: '' } }]) {
      expect(() => assertGenerationMark(mark, 'test')).not.toThrow();
    }
  });
});
