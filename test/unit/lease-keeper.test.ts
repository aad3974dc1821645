/**
 * Issue 23, points 1-3, without WhatsApp: a SessionManager with leases in memory over scripted
 * clients whose "browser" is a real process (a node process whose command line names its profile
 * under the session's folder, as Chromium's does), and whose graceful stop can be held open by the
 * test, as a slow final backup would.
 *
 * - One slow stop no longer stops every renewal: the tick renews while a hand-over, or close(), waits.
 * - A lease not renewed in time gets its browser killed at once, even in the middle of a graceful stop.
 * - The dead-man switch kills a session's browser while this process's event loop is blocked.
 * - Only the lease's holder acts on a session: restart, save, logout refused with NOT_OWNER, the
 *   dashboard answers 409 NOT_OWNER, and a run under an older token ends before one under a newer starts.
 */
import type { ChildProcess } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { request } from 'node:http';
import { ErrorCode } from '../../src/index';
import type { SessionHost } from '../../src/manager/host';
import { SessionManager, type Lease } from '../../src/manager/index';
import { ManagedSession } from '../../src/manager/managed-session';
import { startDashboard } from '../../src/serve/index';
import type { SessionStore } from '../../src/stores/types';
import { silentLogger } from '../../src/util/logger';
import { untilEvent, reaches } from '../helpers/manager-events';
import { MemoryLeases } from '../helpers/memory-leases';
import { isLive } from '../helpers/processes';
import { tempDir, type TempDir } from '../helpers/tmp';

interface ScriptedClient extends EventEmitter {
  readonly id: string;
  /** Whether every client made before this one had been destroyed when it was made. */
  readonly olderDestroyed: boolean;
  readonly browser: ChildProcess | undefined;
  destroyed: boolean;
}

/** Every scripted client made, and the gates their destroy() waits on (a slow graceful stop). */
const mockScript = {
  made: [] as ScriptedClient[],
  gates: new Map<string, Promise<void>>(),
  browsers: [] as ChildProcess[],
};

jest.mock('../../src/client/client', () => {
  const { EventEmitter: Emitter } = jest.requireActual<typeof import('node:events')>('node:events');
  const { spawn: spawnProcess } = jest.requireActual<typeof import('node:child_process')>('node:child_process');
  const path = jest.requireActual<typeof import('node:path')>('node:path');
  class Scripted extends Emitter {
    readonly id: string;
    readonly #profile: string;
    browser: ChildProcess | undefined;
    destroyed = false;
    readonly olderDestroyed: boolean;
    constructor(options: { authStrategy: { clientId: string; dataPath: string } }) {
      super();
      this.id = options.authStrategy.clientId;
      this.olderDestroyed = mockScript.made.every((c) => c.destroyed);
      this.#profile = path.join(options.authStrategy.dataPath, 'profile');
      mockScript.made.push(this);
    }
    async initialize(): Promise<void> {
      // A stand-in for Chromium: its own process group, its profile on the command line.
      this.browser = spawnProcess(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)', '--', `--user-data-dir=${this.#profile}`], {
        detached: true,
        stdio: 'ignore',
      });
      mockScript.browsers.push(this.browser);
      setImmediate(() => this.emit('ready'));
    }
    get pupBrowser(): { process(): ChildProcess | undefined } | undefined {
      const browser = this.browser;
      return browser ? { process: () => browser } : undefined;
    }
    async destroy(): Promise<void> {
      await mockScript.gates.get(this.id);
      this.destroyed = true;
      this.browser?.kill('SIGTERM');
    }
  }
  return { Client: Scripted };
});

/** Enough of a fencing store for RemoteAuth's constructor and the fence (the scripted client never saves). */
const store = {
  name: 'scripted',
  fencing: true,
  // A test can hold the fence raise open, as a database answering late (or a worker stalled meanwhile) does.
  raiseFence: async () => {
    await fenceGate.promise;
    return 1;
  },
  list: async () => [],
} as unknown as SessionStore;
const fenceGate: { promise: Promise<void> | undefined } = { promise: undefined };

/** Memory leases that count renewals and can stop answering them (as a database that hangs, up to the call timeout). */
class CountingLeases extends MemoryLeases {
  renewals = 0;
  hang = false;
  override async renewMany(leases: readonly Lease[], ttlMs: number): Promise<Lease[]> {
    this.renewals++;
    if (this.hang) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      throw new Error('the database did not answer (callTimeoutMs)');
    }
    return super.renewMany(leases, ttlMs);
  }
}

/** Resolves once `check` holds, looking again every 20 ms; rejects with `what` after `timeoutMs`. */
async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A gate: destroy() of session `id` waits until the returned function is called. */
function holdStop(id: string): () => void {
  let open!: () => void;
  mockScript.gates.set(
    id,
    new Promise<void>((resolve) => {
      open = resolve;
    }),
  );
  return () => {
    mockScript.gates.delete(id);
    open();
  };
}

const exited = (browser: ChildProcess): Promise<NodeJS.Signals | null> =>
  browser.exitCode !== null || browser.signalCode !== null
    ? Promise.resolve(browser.signalCode)
    : new Promise((resolve) => browser.once('exit', (_code, signal) => resolve(signal)));

let work: TempDir;
let manager: SessionManager | undefined;
const opened: Array<() => void> = [];

beforeEach(async () => {
  work = await tempDir('waweb-keeper-');
});

afterEach(async () => {
  for (const open of opened.splice(0)) open();
  await manager?.close();
  manager = undefined;
  for (const browser of mockScript.browsers.splice(0))
    if (browser.exitCode === null && browser.signalCode === null) browser.kill('SIGKILL');
  mockScript.made.length = 0;
  mockScript.gates.clear();
  fenceGate.promise = undefined;
  await work.remove();
});

function startManager(leases: CountingLeases, sessions: string[], ttlMs = 900): SessionManager {
  const m = new SessionManager({
    store,
    leases,
    workerId: 'worker-1',
    sessions,
    dataPath: work.path,
    leaseTtlMs: ttlMs,
    sweepIntervalMs: 100,
    restartDelayMs: 50,
  });
  manager = m;
  return m;
}

const gate = (id: string): void => void opened.push(holdStop(id));

test('one hand-over with a slow final backup does not stop the renewal of every other lease', async () => {
  const leases = new CountingLeases();
  const m = startManager(leases, ['a', 'b', 'c']);
  await m.start();
  await Promise.all(['a', 'b', 'c'].map((id) => reaches(m, id, 'ready', 15_000)));
  for (const id of ['a', 'b', 'c']) gate(id);
  const lost: string[] = [];
  m.on('lease.lost', (id) => lost.push(id));
  // A second worker appears: this one is over its share and hands one session over; its stop hangs.
  await leases.heartbeat('worker-2', 60_000);
  const [shed] = await untilEvent(m, 'session.state', (info) => info.state === 'stopping', 15_000).then(([info]) => [info.id]);
  const others = ['a', 'b', 'c'].filter((id) => id !== shed);
  // Well past two lease periods while the final backup is still under way.
  const from = leases.renewals;
  await until(() => leases.renewals >= from + 8, 'renewals during a slow stop');
  const records = await leases.list();
  for (const id of others) expect(records.find((r) => r.sessionId === id)).toMatchObject({ owner: 'worker-1', live: true });
  // The shed session's own lease is still held (and renewed) until its stop ends.
  expect(records.find((r) => r.sessionId === shed)).toMatchObject({ owner: 'worker-1', live: true });
  expect(lost).toEqual([]);
  for (const open of opened.splice(0)) open();
  await untilEvent(m, 'lease.released', (id) => id === shed, 15_000);
  expect(m.list().map((s) => s.id)).toEqual(others);
});

test('a lease not renewed in time gets its browser killed at once, even while a graceful stop is flushing', async () => {
  const leases = new CountingLeases();
  const m = startManager(leases, ['a']);
  await m.start();
  await reaches(m, 'a', 'ready', 15_000);
  const [client] = mockScript.made;
  const browser = client?.browser as ChildProcess;
  expect(isLive(browser.pid as number)).toBe(true);
  gate('a');
  leases.hang = true;
  const [, error] = await untilEvent(m, 'lease.lost', (id) => id === 'a', 15_000);
  expect(error.code).toBe(ErrorCode.LEASE_LOST);
  // Killed, not asked to close: the graceful stop (held open by the gate) has not finished.
  expect(await exited(browser)).toBe('SIGKILL');
  expect(client?.destroyed).toBe(false);
});

test('close() keeps renewing until each session has stopped and released its lease', async () => {
  const leases = new CountingLeases();
  const m = startManager(leases, ['a', 'b']);
  await m.start();
  await Promise.all(['a', 'b'].map((id) => reaches(m, id, 'ready', 15_000)));
  gate('a');
  gate('b');
  const closing = m.close();
  const from = leases.renewals;
  await until(() => leases.renewals >= from + 8, 'renewals while close() waits for the final backups');
  for (const r of await leases.list()) expect(r).toMatchObject({ owner: 'worker-1', live: true });
  for (const open of opened.splice(0)) open();
  await closing;
  for (const r of await leases.list()) expect(r).toMatchObject({ owner: null, live: false });
});

test('the dead-man switch kills the browser while the event loop is blocked past the lease deadline', async () => {
  const leases = new CountingLeases();
  const m = startManager(leases, ['a'], 1000);
  await m.start();
  await reaches(m, 'a', 'ready', 15_000);
  const pid = mockScript.made[0]?.browser?.pid as number;
  expect(isLive(pid)).toBe(true);
  // Node does nothing at all for longer than the lease: no timer, no renewal, no I/O.
  const end = Date.now() + 1600;
  while (Date.now() < end) {
    // blocked, as in a long GC pause or a synchronous loop
  }
  // Checked before this process handles anything: only the watchdog can have done it.
  expect(isLive(pid)).toBe(false);
  await untilEvent(m, 'lease.lost', (id) => id === 'a', 15_000);
});

test('only the holder of the lease acts on a session: NOT_OWNER in code and on the dashboard', async () => {
  const leases = new CountingLeases();
  const m = startManager(leases, ['a', 'b']);
  await m.start();
  await Promise.all(['a', 'b'].map((id) => reaches(m, id, 'ready', 15_000)));
  await leases.heartbeat('worker-2', 60_000);
  const [shed] = await untilEvent(m, 'lease.released', () => true, 15_000);
  // Worker 2 takes it.
  const taken = await leases.acquire(shed, 'worker-2', 60_000);
  expect(taken).not.toBeNull();
  expect(m.list().map((s) => s.id)).not.toContain(shed);
  const clients = mockScript.made.length;
  for (const attempt of [
    () => m.restart(shed),
    () => m.save(shed),
    () => m.logout(shed),
    () => m.requestPairingCode(shed, '15550001111'),
  ]) {
    await expect(attempt()).rejects.toMatchObject({ code: ErrorCode.NOT_OWNER });
  }
  // Nothing started on this worker.
  expect(mockScript.made.length).toBe(clients);

  const token = 'a-dashboard-token-of-enough-length';
  const dashboard = await startDashboard({ manager: m, token });
  try {
    const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${dashboard.url}/api/sessions/${shed}/restart`,
        { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString('utf8')));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(reply.status).toBe(409);
    expect(JSON.parse(reply.body)).toMatchObject({ code: 'NOT_OWNER' });
  } finally {
    await dashboard.close();
  }
  expect(mockScript.made.length).toBe(clients);
});

test('a run under an older token ends (its browser killed) before one under a newer token starts; no lease, no start', async () => {
  const ready: string[] = [];
  const host: SessionHost = {
    workerId: 'worker-1',
    store,
    dataPath: work.path,
    clientOptions: {},
    poolOption: () => ({}),
    remoteAuth: {},
    logger: silentLogger,
    stuckAfterMs: 60_000,
    restartDelayMs: 50,
    maxRestartDelayMs: 1000,
    maxStartAttempts: 3,
    leased: true,
    emit: (event, ...args) => {
      if (event === 'session.ready') ready.push(String(args[0]));
    },
    startSlot: async () => () => undefined,
    guard: () => undefined,
    killBrowsers: () => undefined,
    fenced: () => undefined,
    ended: () => undefined,
    meter: () => null,
  };
  const session = new ManagedSession('a', host);
  await expect(session.start()).rejects.toMatchObject({ code: ErrorCode.NOT_OWNER });
  expect(mockScript.made).toEqual([]);
  const lease = (token: number): Lease => ({
    sessionId: 'a',
    owner: 'worker-1',
    token,
    expiresAt: new Date(Date.now() + 60_000),
    takenFrom: null,
  });
  await session.start(lease(1));
  await until(() => ready.length === 1, 'the first run ready');
  const old = mockScript.made[0] as ScriptedClient;
  await session.start(lease(2));
  await until(() => ready.length === 2, 'the second run ready');
  expect(mockScript.made).toHaveLength(2);
  // The newer run's client was made only after the older one was destroyed, its browser killed.
  expect(mockScript.made[1]?.olderDestroyed).toBe(true);
  expect(await exited(old.browser as ChildProcess)).toBe('SIGKILL');
  expect(session.info.leaseToken).toBe(2);
  await session.stop();
});

test('a start whose lease was lost while it raised the fence launches no browser (a stall there woke into a second browser)', async () => {
  let openFence!: () => void;
  fenceGate.promise = new Promise<void>((resolve) => {
    openFence = resolve;
  });
  const leases = new CountingLeases();
  const m = startManager(leases, ['a']);
  await m.start();
  await untilEvent(m, 'lease.acquired', (id) => id === 'a', 15_000);
  await until(() => mockScript.made.length === 1, 'the run made, its fence raise pending');
  // The lease cannot be renewed: the tick gives it up while the start still waits for the fence.
  leases.hang = true;
  const [, error] = await untilEvent(m, 'lease.lost', (id) => id === 'a', 15_000);
  expect(error.code).toBe(ErrorCode.LEASE_LOST);
  openFence();
  await until(() => m.list().every((s) => s.id !== 'a'), 'the lost session dropped');
  await until(async () => (await leases.list()).every((r) => !r.live || r.owner !== 'worker-1'), 'the lease let go');
  // The stale start went no further than the fence: its client launched no browser, now or after the
  // start's continuation (a later run, under a lease taken afresh, may have one of its own).
  await new Promise<void>((resolve) => setImmediate(resolve));
  expect(mockScript.made[0]?.browser).toBeUndefined();
});

(process.platform === 'linux' ? test : test.skip)(
  'ceilings act only on the sessions this worker holds: its own restarts once, another worker’s is neither measured nor restarted',
  async () => {
    const leases = new CountingLeases();
    await leases.heartbeat('worker-2', 60_000);
    expect(await leases.acquire('b', 'worker-2', 60_000)).not.toBeNull();
    // Every stand-in browser (a node process) is far over 1 MiB of PSS.
    const m = new SessionManager({
      store,
      leases,
      workerId: 'worker-1',
      sessions: ['a', 'b'],
      dataPath: work.path,
      leaseTtlMs: 900,
      sweepIntervalMs: 100,
      meterIntervalMs: 100,
      maxMemoryMiB: 1,
      ceilingIntervalMs: 600_000,
    });
    manager = m;
    const ceilings: string[] = [];
    m.on('session.ceiling', (id) => ceilings.push(id));
    await m.start();
    await untilEvent(m, 'session.ceiling', () => true, 15_000);
    await until(
      () => m.get('a')?.state === 'ready' && m.get('a')?.restarts === 1 && m.get('a')?.meter !== null,
      "a's restart and a sample of its new browser",
    );
    expect(ceilings).toEqual(['a']);
    expect(m.list().map((s) => s.id)).toEqual(['a']);
    expect(mockScript.made.map((c) => c.id)).toEqual(['a', 'a']);
    expect(mockScript.made[0]?.destroyed).toBe(true);
  },
);
