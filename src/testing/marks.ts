/**
 * Conformance for stores with marks (`store.marks === true`): what RemoteAuth relies on to set a
 * backup that cannot log in aside without losing it, and to keep the last one that logged in. A store
 * author calls it beside `describeStoreConformance`, with a fixture that can also open a second store
 * object over the same namespace:
 *
 *   describeMarksConformance('MyStore', async () => ({ store, reopen, cleanup, breakBackend }), { keep: 3 });
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ErrorCode, WawebError, type SessionStore, type StoredGeneration } from '../index';
import { freshSessionId, globalRunner, useFixture, type ConformanceFixture, type TestRunner } from './conformance';

export interface MarksConformanceFixture extends ConformanceFixture {
  /** Another store object over the same namespace (a new connection or folder handle); the suite closes it. */
  reopen(): Promise<SessionStore>;
}

export interface MarksConformanceOptions {
  /** The `keep` the factory's stores were created with. */
  keep: number;
  /** @default the global `describe`, `it`, `beforeEach`, `afterEach` */
  runner?: TestRunner;
}

/** Marks are stamped by the backend's clock (a database server's); allow it this far from ours. */
const CLOCK_SKEW_MS = 60_000;

type MarkingStore = SessionStore & Required<Pick<SessionStore, 'mark' | 'deleteGeneration'>>;

function assertNear(at: unknown, from: number, to: number, what: string): void {
  // Not instanceof Date: dates made by a driver can come from another realm under a test runner's VM.
  assert.equal(Object.prototype.toString.call(at), '[object Date]', `${what} is a Date`);
  const ms = (at as Date).getTime();
  assert.ok(ms >= from - CLOCK_SKEW_MS && ms <= to + CLOCK_SKEW_MS, `${what} (${String(at)}) is the time of the mark`);
}

/** A set-aside mark in a form `deepEqual` compares across realms (the time in ms). */
function plain(g: StoredGeneration | null | undefined): unknown {
  const m = g?.setAside;
  return m ? { reason: m.reason, detail: m.detail, at: m.at.getTime() } : undefined;
}

function find(list: StoredGeneration[], generation: number): StoredGeneration {
  const found = list.find((g) => g.generation === generation);
  assert.ok(found, `generation ${generation} is listed`);
  return found;
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => err instanceof WawebError && err.code === code);
}

export function describeMarksConformance(
  name: string,
  factory: () => Promise<MarksConformanceFixture>,
  options: MarksConformanceOptions,
): void {
  const runner = options.runner ?? globalRunner('describeMarksConformance');
  const { describe, it } = runner;
  const { keep } = options;
  describe(`${name} marks conformance`, () => {
    const current = useFixture(runner, factory);
    const store = (): MarkingStore => {
      const s = current().store;
      assert.equal(s.marks, true, 'the store says marks: true');
      assert.equal(typeof s.mark, 'function', 'mark() is present');
      assert.equal(typeof s.deleteGeneration, 'function', 'deleteGeneration() is present');
      return s as MarkingStore;
    };
    const data = (): Buffer => randomBytes(256);
    const saveN = async (id: string, n: number): Promise<number[]> => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await store().save(id, data())).generation);
      return out;
    };

    it('sets a generation aside with reason, detail and time, shown by list and load', async () => {
      const id = freshSessionId('aside');
      const [first, second] = await saveN(id, 2);
      const before = Date.now();
      const marked = await store().mark(id, first!, { setAside: { reason: 'QR', detail: 'landed on a QR' } });
      const after = Date.now();
      assert.equal(marked?.generation, first);
      assert.equal(marked?.setAside?.reason, 'QR');
      assert.equal(marked?.setAside?.detail, 'landed on a QR');
      assertNear(marked?.setAside?.at, before, after, 'setAside.at');
      const listed = find(await store().list(id), first!);
      assert.deepEqual(plain(listed), plain(marked));
      assert.equal(find(await store().list(id), second!).setAside, undefined, 'the other generation is not set aside');
      const loaded = await store().load(id, { generation: first! });
      assert.deepEqual(plain(loaded), plain(marked));
      const newest = await store().load(id);
      assert.equal(newest?.generation, second);
      assert.equal(newest?.setAside, undefined);
    });

    it('releases a set-aside generation ({ setAside: null }), which keeps its data', async () => {
      const id = freshSessionId('release');
      const payload = data();
      const { generation } = await store().save(id, payload);
      await store().mark(id, generation, { setAside: { reason: 'REJECTED', detail: 'unlinked' } });
      const released = await store().mark(id, generation, { setAside: null });
      assert.equal(released?.generation, generation);
      assert.equal(released?.setAside, undefined);
      assert.equal(find(await store().list(id), generation).setAside, undefined);
      const loaded = await store().load(id);
      assert.ok(loaded?.data.equals(payload));
      assert.equal(loaded?.setAside, undefined);
    });

    it('marks a generation logged in, and setting it aside later keeps that', async () => {
      const id = freshSessionId('loggedin');
      const { generation } = await store().save(id, data());
      const before = Date.now();
      const marked = await store().mark(id, generation, { loggedIn: true });
      assertNear(marked?.loggedInAt, before, Date.now(), 'loggedInAt');
      assert.equal(marked?.setAside, undefined);
      assertNear(find(await store().list(id), generation).loggedInAt, before, Date.now(), 'listed loggedInAt');
      assertNear((await store().load(id))?.loggedInAt, before, Date.now(), 'loaded loggedInAt');
      const aside = await store().mark(id, generation, { setAside: { reason: 'MANUAL', detail: '' } });
      assert.equal(aside?.setAside?.reason, 'MANUAL');
      assert.equal(aside?.setAside?.detail, '');
      assert.equal(aside?.loggedInAt?.getTime(), marked?.loggedInAt?.getTime());
    });

    it('answers null and false for a generation it does not keep, and refuses bad arguments', async () => {
      const id = freshSessionId('unknown');
      assert.equal(await store().mark(id, 1, { loggedIn: true }), null, 'absent session');
      assert.equal(await store().deleteGeneration(id, 1), false, 'absent session');
      const [only] = await saveN(id, 1);
      assert.equal(await store().mark(id, only! + 1, { setAside: { reason: 'MANUAL', detail: 'x' } }), null);
      assert.equal(await store().deleteGeneration(id, only! + 1), false);
      for (const generation of [0, -1, 1.5, Number.NaN]) {
        await rejectsWith(store().mark(id, generation, { loggedIn: true }), ErrorCode.INVALID_OPTION);
        await rejectsWith(store().deleteGeneration(id, generation), ErrorCode.INVALID_OPTION);
      }
      const bad = { setAside: { reason: 'BROKEN', detail: 'x' } } as never;
      await rejectsWith(store().mark(id, only!, bad), ErrorCode.INVALID_OPTION);
      await rejectsWith(store().mark('../x', only!, { loggedIn: true }), ErrorCode.INVALID_SESSION_ID);
      await rejectsWith(store().deleteGeneration('a/b', only!), ErrorCode.INVALID_SESSION_ID);
      const listed = find(await store().list(id), only!);
      assert.equal(listed.setAside, undefined, 'a refused mark changed nothing');
      assert.equal(listed.loggedInAt, undefined, 'a refused mark changed nothing');
    });

    it(`does not count a set-aside generation toward keep (${keep})`, async () => {
      const id = freshSessionId('keep');
      const [aside] = await saveN(id, 1);
      await store().mark(id, aside!, { setAside: { reason: 'LOGIN_TIMEOUT', detail: 'missed the deadline twice' } });
      const later = await saveN(id, keep + 1);
      const listed = await store().list(id);
      assert.deepEqual(
        listed.map((g) => g.generation),
        [...later.slice(-keep).reverse(), aside],
        `the ${keep} newest unmarked ones and the set-aside one remain, newest first`,
      );
      assert.equal(find(listed, aside!).setAside?.reason, 'LOGIN_TIMEOUT');
      assert.ok(await store().load(id, { generation: aside! }), 'the set-aside one still loads');
    });

    it('never prunes the newest generation that logged in', async () => {
      const id = freshSessionId('verified');
      const [older, newer] = await saveN(id, 2);
      await store().mark(id, older!, { loggedIn: true });
      await store().mark(id, newer!, { loggedIn: true });
      const later = await saveN(id, keep + 1);
      const listed = await store().list(id);
      assert.deepEqual(
        listed.map((g) => g.generation),
        [...later.slice(-keep).reverse(), newer],
        'the newest that logged in stays besides the kept ones; an older one that logged in goes',
      );
      assert.ok(find(listed, newer!).loggedInAt);
      assert.ok(await store().load(id, { generation: newer! }), 'it still loads');
    });

    it('deletes exactly one generation, and answers false the second time', async () => {
      const id = freshSessionId('delone');
      const saved: Array<{ generation: number; payload: Buffer }> = [];
      for (let i = 0; i < Math.min(keep, 3); i++) {
        const payload = data();
        saved.push({ generation: (await store().save(id, payload)).generation, payload });
      }
      const doomed = saved[0]!.generation;
      assert.equal(await store().deleteGeneration(id, doomed), true);
      assert.equal(await store().load(id, { generation: doomed }), null);
      const rest = saved.slice(1);
      assert.deepEqual(
        (await store().list(id)).map((g) => g.generation),
        rest.map((s) => s.generation).reverse(),
      );
      for (const s of rest) assert.ok((await store().load(id, { generation: s.generation }))?.data.equals(s.payload));
      assert.equal(await store().deleteGeneration(id, doomed), false);
      assert.equal(await store().exists(id), rest.length > 0);
    });

    it('keeps marks for a new store object over the same backend', async () => {
      const id = freshSessionId('reopen');
      const [aside, verified] = await saveN(id, 2);
      await store().mark(id, aside!, { setAside: { reason: 'REJECTED', detail: 'the page refused the login' } });
      const loggedIn = await store().mark(id, verified!, { loggedIn: true });
      const other = await current().reopen();
      try {
        const listed = await other.list(id);
        assert.equal(find(listed, aside!).setAside?.reason, 'REJECTED');
        assert.equal(find(listed, aside!).setAside?.detail, 'the page refused the login');
        assert.equal(find(listed, verified!).loggedInAt?.getTime(), loggedIn?.loggedInAt?.getTime());
        assert.equal(find(listed, verified!).setAside, undefined);
      } finally {
        await other.close();
      }
    });
  });
}
