/**
 * `waweb session set-aside`, `release` and `delete --generation` on a store without marks: refused
 * with a message naming the store and exit code 2, nothing changed. Every store a URL opens today has
 * marks, so the URL opener is pointed at the in-memory driver of docs/stores.md (which has none).
 */
import type { OpenedStore } from '../../src/cli/store-url';
import { runSession } from '../../src/cli/session/index';
import { describeState } from '../../src/cli/session/marking';
import type { SessionStore } from '../../src/index';

const mockStores = new Map<string, SessionStore>();

jest.mock('../../src/cli/store-url', () => {
  const actual = jest.requireActual<typeof import('../../src/cli/store-url')>('../../src/cli/store-url');
  return {
    ...actual,
    openStoreUrl: (url: string): OpenedStore => {
      const store = mockStores.get(url);
      return store ? { store, label: url, close: () => Promise.resolve() } : actual.openStoreUrl(url);
    },
  };
});

let errors: string[] = [];
let printed: string[] = [];
beforeEach(() => {
  errors = [];
  printed = [];
  jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void errors.push(args.join(' ')));
  jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.join(' ')));
});
afterEach(() => jest.restoreAllMocks());

test('a store without marks: set-aside, release and delete --generation exit 2 and change nothing; list shows every generation ok', async () => {
  const { createStore } = jest.requireActual<typeof import('../../src/index')>('../../src/index');
  const { memoryDriver } = jest.requireActual<typeof import('../stores/fixtures/memory-driver')>('../stores/fixtures/memory-driver');
  const store = createStore(memoryDriver(3));
  expect(store.marks).toBe(false);
  mockStores.set('memory:', store);
  await store.save('dave', Buffer.from('one'));
  await store.save('dave', Buffer.from('two'));
  const target = ['--store', 'memory:', '--session', 'dave', '--generation', '1'];
  for (const argv of [
    ['set-aside', ...target],
    ['release', ...target],
    ['delete', ...target, '--yes'],
  ]) {
    errors = [];
    expect(await runSession(argv)).toBe(2);
    expect(errors.join('\n')).toContain('the memory store at memory: cannot mark or delete single generations');
  }
  expect((await store.list('dave')).map((g) => [g.generation, g.setAside])).toEqual([
    [2, undefined],
    [1, undefined],
  ]);
  expect(await runSession(['list', '--store', 'memory:', '--session', 'dave'])).toBe(0);
  expect(printed.filter((line) => /^\s+\d+\s/.test(line)).every((line) => line.endsWith('  ok'))).toBe(true);
  expect(printed.filter((line) => /^\s+\d+\s/.test(line))).toHaveLength(2);
});

test("list's state column: ok, logged in, set aside with its detail on one line", () => {
  const base = { sessionId: 's', generation: 1, createdAt: new Date(0), bytes: 1 };
  const at = new Date(Date.UTC(2026, 11, 6, 20, 0, 0));
  expect(describeState(base)).toBe('ok');
  expect(describeState({ ...base, loggedInAt: at })).toBe('logged in at 2026-12-06T20:00:00.000Z');
  expect(describeState({ ...base, setAside: { reason: 'REJECTED', detail: 'the page said:\n  unlinked\n', at } })).toBe(
    'set aside: REJECTED at 2026-12-06T20:00:00.000Z, the page said: unlinked',
  );
  expect(describeState({ ...base, setAside: { reason: 'QR', detail: '', at }, loggedInAt: at })).toBe(
    'set aside: QR at 2026-12-06T20:00:00.000Z; logged in at 2026-12-06T20:00:00.000Z',
  );
});
