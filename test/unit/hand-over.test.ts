/**
 * Issue 28, faster hand-over, without WhatsApp: two SessionManagers in this process share leases in
 * memory, over scripted clients (no browser) whose graceful stop the test can hold open, as a slow
 * final backup would.
 *
 * - A closing worker says it is leaving first: a peer already at its share takes each of its sessions
 *   as soon as that one's lease is released, not once the last final backup is done.
 * - A worker whose heartbeats stopped (killed, cut off) stops counting toward the shares before its
 *   leases expire, and a peer takes its sessions once they do.
 * - Where the backend reports releases and leaves (`watch`, as PostgreSQL's NOTIFY does), a peer
 *   takes a released session at once, long before its next sweep, even before its first one; a
 *   backend whose watch fails still has its changes found by the sweeps.
 * - A hand-over's final backup is reported (`session.saved`): the bench times the hand-over's steps by it.
 */
import { join } from 'node:path';
import { SessionManager, type Lease, type LeaseBackend } from '../../src/manager/index';
import type { SessionStore } from '../../src/stores/types';
import { reaches, untilEvent } from '../helpers/manager-events';
import { MemoryLeases } from '../helpers/memory-leases';
import { tempDir, type TempDir } from '../helpers/tmp';

/** destroy() of a session waits on its gate (a slow final backup). */
const mockGates = new Map<string, Promise<void>>();

jest.mock('../../src/client/client', () => {
  const { EventEmitter: Emitter } = jest.requireActual<typeof import('node:events')>('node:events');
  class Scripted extends Emitter {
    readonly #id: string;
    constructor(options: { authStrategy: { clientId: string } }) {
      super();
      this.#id = options.authStrategy.clientId;
    }
    async initialize(): Promise<void> {
      setImmediate(() => this.emit('ready'));
    }
    get pupBrowser(): undefined {
      return undefined;
    }
    async destroy(): Promise<void> {
      await mockGates.get(this.#id);
      // RemoteAuth's final backup, reported before the client is gone.
      this.emit('remote_session_saved', { bytes: 1, durationMs: 1, generation: 7 });
    }
  }
  return { Client: Scripted };
});

/** Enough of a fencing store for RemoteAuth's constructor and the fence (the scripted client never saves). */
const store = { name: 'scripted', fencing: true, raiseFence: async () => 1, list: async () => [] } as unknown as SessionStore;

/** One worker's view of shared leases; `cut` makes every call fail, as for a worker killed or cut off. */
function cuttable(shared: MemoryLeases): LeaseBackend & { cut: boolean } {
  const view = {
    name: 'memory',
    cut: false,
    call<T>(run: () => Promise<T>): Promise<T> {
      return view.cut ? Promise.reject(new Error('the database is out of reach')) : run();
    },
    acquire: (id: string, owner: string, ttl: number) => view.call(() => shared.acquire(id, owner, ttl)),
    renew: (lease: Lease, ttl: number) => view.call(() => shared.renew(lease, ttl)),
    renewMany: (leases: readonly Lease[], ttl: number) => view.call(() => shared.renewMany(leases, ttl)),
    release: (lease: Lease) => view.call(() => shared.release(lease)),
    list: () => view.call(() => shared.list()),
    heartbeat: (id: string, ttl: number) => view.call(() => shared.heartbeat(id, ttl)),
    workers: () => view.call(() => shared.workers()),
    leave: (id: string) => view.call(() => shared.leave(id)),
    close: async () => undefined,
  };
  return view;
}

/** Resolves once `check` holds, looking again every 20 ms; rejects with `what` after `timeoutMs`. */
async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let work: TempDir;
const managers: SessionManager[] = [];
const opened: Array<() => void> = [];

beforeEach(async () => {
  work = await tempDir('waweb-hand-over-');
});

afterEach(async () => {
  for (const open of opened.splice(0)) open();
  await Promise.all(managers.splice(0).map((m) => m.close()));
  mockGates.clear();
  await work.remove();
});

function worker(
  name: string,
  leases: LeaseBackend,
  sessions: string[],
  times = { leaseTtlMs: 3000, sweepIntervalMs: 100 },
): SessionManager {
  const m = new SessionManager({
    store,
    leases,
    workerId: name,
    sessions,
    dataPath: join(work.path, name),
    ...times,
    deadManSwitch: false,
  });
  managers.push(m);
  return m;
}

/** Holds session `id`'s graceful stop open until the test ends or calls the returned function. */
function holdStop(id: string): () => void {
  let open!: () => void;
  mockGates.set(id, new Promise<void>((resolve) => (open = resolve)));
  opened.push(() => open());
  return () => open();
}

const SESSIONS = ['s1', 's2', 's3', 's4'];

test("a closing worker's session is taken by a peer at its share while the closing worker's other final backup still runs", async () => {
  const shared = new MemoryLeases();
  const a = worker('worker-a', shared, SESSIONS);
  await a.start();
  await Promise.all(SESSIONS.map((id) => reaches(a, id, 'ready', 15_000)));
  const b = worker('worker-b', shared, SESSIONS);
  await b.start();
  // Two each: b is at its share while a runs.
  await until(() => a.list().length === 2 && b.list().length === 2 && b.list().every((s) => s.state === 'ready'), 'two sessions each');
  const [slow, quick] = a.list().map((s) => s.id) as [string, string];
  const openSlow = holdStop(slow);
  let closed = false;
  const closing = a.close().then(() => (closed = true));
  const [, lease] = await untilEvent(b, 'lease.acquired', (id) => id === quick, 10_000);
  expect(lease.takenFrom).toBeNull(); // released by a, not expired
  // a is still taking the other session's final backup, its lease still held and renewed.
  expect(closed).toBe(false);
  expect((await shared.list()).find((r) => r.sessionId === slow)).toMatchObject({ owner: 'worker-a', live: true });
  await reaches(b, quick, 'ready', 15_000);
  openSlow();
  await closing;
  await untilEvent(b, 'lease.acquired', (id) => id === slow, 10_000);
  await until(() => b.list().length === 4, 'all four sessions on b');
});

test('a worker whose heartbeats stopped stops counting before its leases expire; a peer takes its sessions when they do', async () => {
  const shared = new MemoryLeases();
  const leasesA = cuttable(shared);
  const a = worker('worker-a', leasesA, SESSIONS);
  await a.start();
  await Promise.all(SESSIONS.map((id) => reaches(a, id, 'ready', 15_000)));
  // Killed or cut off: no heartbeat, no renewal, no release from now on.
  leasesA.cut = true;
  await until(async () => !(await shared.workers()).some((w) => w.workerId === 'worker-a'), 'worker-a no longer counted');
  // It stopped counting well before its leases expire (renewed a third of a TTL ago at most, they
  // have two thirds of one left, less the few sweeps its record lasted).
  const goneAt = Date.now();
  for (const r of await shared.list()) {
    expect(r).toMatchObject({ owner: 'worker-a', live: true });
    expect((r.expiresAt?.getTime() ?? 0) - goneAt).toBeGreaterThan(1000);
  }
  const b = worker('worker-b', shared, SESSIONS);
  const taken: Array<string | null> = [];
  b.on('lease.acquired', (_id, lease) => taken.push(lease.takenFrom));
  await b.start();
  await until(() => b.list().length === 4 && b.list().every((s) => s.state === 'ready'), 'all four sessions ready on b');
  // Taken over after expiring, never while a's leases were live.
  expect(taken).toEqual(['worker-a', 'worker-a', 'worker-a', 'worker-a']);
});

test("a hand-over's final backup is reported with session.saved", async () => {
  const a = worker('worker-a', new MemoryLeases(), ['s1', 's2']);
  await a.start();
  await Promise.all(['s1', 's2'].map((id) => reaches(a, id, 'ready', 15_000)));
  const seen: string[] = [];
  a.on('session.saved', (id, info) => seen.push(`saved ${id} ${info.generation}`));
  a.on('lease.released', (id) => seen.push(`released ${id}`));
  await a.close();
  // Each session's final backup, reported before its lease is released.
  for (const id of ['s1', 's2']) {
    expect(seen).toContain(`saved ${id} 7`);
    expect(seen.indexOf(`saved ${id} 7`)).toBeLessThan(seen.indexOf(`released ${id}`));
  }
});

/** `shared` with a watch: every release and leave is told to every watcher (as PostgreSQL's NOTIFY would), asynchronously. */
function watched(shared: MemoryLeases): LeaseBackend & { watchers: number } {
  const listeners = new Set<() => void>();
  const tell = (): void => {
    for (const listener of [...listeners]) setImmediate(listener);
  };
  const view = {
    ...cuttable(shared),
    release: async (lease: Lease) => {
      const released = await shared.release(lease);
      if (released) tell();
      return released;
    },
    leave: async (id: string) => {
      await shared.leave(id);
      tell();
    },
    watch: (onChange: () => void) => {
      listeners.add(onChange);
      return { ready: Promise.resolve(), close: async () => void listeners.delete(onChange) };
    },
    get watchers() {
      return listeners.size;
    },
  };
  return view;
}

/** Sweeps so far apart that within the test only a wake can explain a balance step (the TTL must be three sweeps). */
const SLOW = { leaseTtlMs: 90_000, sweepIntervalMs: 30_000 };

test("a peer whose next sweep is far off takes sessions at their release's notice: shed to its share, then a leaving worker's all", async () => {
  const leases = watched(new MemoryLeases());
  const a = worker('worker-a', leases, SESSIONS);
  await a.start();
  await Promise.all(SESSIONS.map((id) => reaches(a, id, 'ready', 15_000)));
  const b = worker('worker-b', leases, SESSIONS, SLOW);
  const taken: Array<string | null> = [];
  b.on('lease.acquired', (_id, lease) => taken.push(lease.takenFrom));
  await b.start();
  // a sees b and hands two sessions over, one at a time; b's first sweep is 30 s away.
  await until(() => b.list().length === 2 && b.list().every((s) => s.state === 'ready'), 'two sessions ready on b', 10_000);
  expect(a.list()).toHaveLength(2);
  await a.close();
  await until(() => b.list().length === 4 && b.list().every((s) => s.state === 'ready'), 'all four sessions ready on b', 10_000);
  // Each released by a before b took it, none taken over after expiring.
  expect(taken).toEqual([null, null, null, null]);
  await b.close();
  expect(leases.watchers).toBe(0);
});

test('a backend whose watch fails still has its released sessions found by the sweeps', async () => {
  const shared = new MemoryLeases();
  let asked = 0;
  const broken = {
    ...cuttable(shared),
    watch: (): never => {
      asked++;
      throw new Error('no connection for LISTEN');
    },
  };
  const a = worker('worker-a', shared, SESSIONS);
  await a.start();
  await Promise.all(SESSIONS.map((id) => reaches(a, id, 'ready', 15_000)));
  const b = worker('worker-b', broken, SESSIONS);
  await b.start();
  await a.close();
  await until(() => b.list().length === 4 && b.list().every((s) => s.state === 'ready'), 'all four sessions ready on b');
  expect(asked).toBe(1);
});
