/**
 * Issue 22, point 4, without a browser: the SessionManager over a scripted Client (each new client
 * plays the next outcome the test queued) and, for the lease keeper, leases kept in memory. A start
 * that fails (initialize() rejects, or a disconnect before `ready`, a START_TIMEOUT among them) is
 * reported with its attempt and reason; a `ready` resets the count; a disconnect after `ready` is no
 * failed start; `maxStartAttempts` in a row end in `failed` until restart() or remove(); the keeper
 * never hands a failed session to another worker to balance.
 */
import { createHash } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { ErrorCode, RestoreError, StartTimeoutError, WawebError } from '../../src/index';
import { SessionManager, type ManagedState, type SessionManagerEvents, type StartFailure } from '../../src/manager/index';
import { MemoryLeases } from '../helpers/memory-leases';
import type { SessionStore } from '../../src/stores/types';

/** What the next client does when initialized. */
type Outcome =
  | { kind: 'ready' }
  | { kind: 'reject'; error: Error }
  /** initialize() resolves, then the login misses its deadline: `error`, then `disconnected('START_TIMEOUT')`. */
  | { kind: 'login-timeout' }
  /** initialize() resolves, then a start the client made itself (after a backup did not log in) fails: `error`, then `disconnected('START_FAILED')`. */
  | { kind: 'self-start-failed'; error: Error }
  /** Restored backups that do not log in, one every `everyMs` (`remote_session_restore_failed`), then `ready`. */
  | { kind: 'slow-fallback'; steps: number; everyMs: number };

/** The outcomes still to play, and every scripted client made (by session id). */
const mockScript = { outcomes: new Map<string, Outcome[]>(), made: [] as Array<{ id: string; client: EventEmitter }> };

jest.mock('../../src/client/client', () => {
  const { EventEmitter: Emitter } = jest.requireActual<typeof import('node:events')>('node:events');
  const { StartTimeoutError: Timeout } = jest.requireActual<typeof import('../../src/errors')>('../../src/errors');
  class ScriptedClient extends Emitter {
    readonly id: string;
    constructor(options: { authStrategy: { clientId: string } }) {
      super();
      this.id = options.authStrategy.clientId;
      mockScript.made.push({ id: this.id, client: this });
    }
    async initialize(): Promise<void> {
      const outcome = mockScript.outcomes.get(this.id)?.shift();
      if (!outcome) throw new Error(`the test queued no outcome for ${this.id}`);
      if (outcome.kind === 'reject') throw outcome.error;
      if (outcome.kind === 'slow-fallback') {
        for (let step = 1; step <= outcome.steps; step++) {
          setTimeout(() => this.emit('remote_session_restore_failed', { generation: step }), step * outcome.everyMs);
        }
        setTimeout(() => this.emit('ready'), (outcome.steps + 1) * outcome.everyMs);
        return;
      }
      setImmediate(() => {
        if (outcome.kind === 'ready') return void this.emit('ready');
        if (outcome.kind === 'self-start-failed') {
          this.emit('error', outcome.error);
          return void this.emit('disconnected', 'START_FAILED');
        }
        const details = { phase: 'login' as const, option: 'loginTimeoutMs', timeoutMs: 50, lastState: 'OPENING' };
        this.emit('error', new Timeout('the login did not finish within loginTimeoutMs (50 ms)', details));
        this.emit('disconnected', 'START_TIMEOUT');
      });
    }
    async destroy(): Promise<void> {}
  }
  return { Client: ScriptedClient };
});

/** A store shaped enough for RemoteAuth's constructor and the fence (the scripted client never saves). */
const store = { name: 'scripted', fencing: true, raiseFence: async () => undefined, list: async () => [] } as unknown as SessionStore;

function queue(id: string, ...outcomes: Outcome[]): void {
  mockScript.outcomes.set(id, [...(mockScript.outcomes.get(id) ?? []), ...outcomes]);
}

const made = (id: string): number => mockScript.made.filter((c) => c.id === id).length;
const restoreFailed = (): RestoreError => new RestoreError('no generation of the session could be restored', []);

function until<K extends keyof SessionManagerEvents & string>(
  m: SessionManager,
  event: K,
  matches: (...args: SessionManagerEvents[K]) => boolean,
): Promise<SessionManagerEvents[K]> {
  return new Promise((resolve) => {
    const listener = (...args: SessionManagerEvents[K]): void => {
      if (!matches(...args)) return;
      m.off(event, listener);
      resolve(args);
    };
    m.on(event, listener);
  });
}

function reaches(m: SessionManager, id: string, state: ManagedState): Promise<unknown> {
  if (m.get(id)?.state === state) return Promise.resolve();
  return until(m, 'session.state', (info) => info.id === id && info.state === state);
}

let manager: SessionManager | undefined;
afterEach(async () => {
  await manager?.close();
  manager = undefined;
  mockScript.outcomes.clear();
  mockScript.made.length = 0;
});

test('each failed start is reported with its attempt and reason, a ready resets the count, a disconnect after ready is no failed start', async () => {
  const m = new SessionManager({ store, sessions: ['s1'], dataPath: '/tmp/waweb-unit-none', maxStartAttempts: 3, restartDelayMs: 5 });
  manager = m;
  const failures: StartFailure[] = [];
  m.on('session.start_failed', (_id, failure) => failures.push(failure));
  queue('s1', { kind: 'login-timeout' }, { kind: 'reject', error: restoreFailed() }, { kind: 'ready' });
  await m.start();
  await reaches(m, 's1', 'ready');

  expect(failures.map((f) => [f.attempt, f.maxAttempts, f.code, f.disconnectReason, f.retryInMs])).toEqual([
    [1, 3, 'START_TIMEOUT', 'START_TIMEOUT', 5],
    [2, 3, 'RESTORE_FAILED', null, 10],
  ]);
  // The StartTimeoutError the client reported before its disconnect, with its phase.
  expect(failures[0]?.error).toBeInstanceOf(StartTimeoutError);
  expect(failures[0]?.error).toMatchObject({ phase: 'login', option: 'loginTimeoutMs', lastState: 'OPENING' });
  expect(failures[1]?.error).toBeInstanceOf(RestoreError);
  expect(m.get('s1')).toMatchObject({ state: 'ready', startFailures: 0, nextStartAt: null });

  // A ready session that drops restarts without counting a failed start; its next failures count from 1.
  queue('s1', { kind: 'login-timeout' }, { kind: 'login-timeout' }, { kind: 'login-timeout' });
  const gaveUp = until(m, 'session.failed', (id) => id === 's1');
  mockScript.made.at(-1)?.client.emit('disconnected', 'NAVIGATION');
  const [, last] = await gaveUp;
  expect(failures.slice(2).map((f) => f.attempt)).toEqual([1, 2, 3]);
  expect(last).toBe(failures.at(-1));
  expect(last).toMatchObject({ attempt: 3, retryInMs: null, code: 'START_TIMEOUT' });
  expect(m.get('s1')).toMatchObject({ state: 'failed', startFailures: 3, nextStartAt: null, lastError: { code: 'START_TIMEOUT' } });
  expect(m.client('s1')).toBeUndefined();
  const clients = made('s1');
  expect(clients).toBe(6);

  // restart() starts a new round; remove() takes a failed session away.
  queue('s1', { kind: 'ready' });
  await m.restart('s1');
  await reaches(m, 's1', 'ready');
  expect(m.get('s1')?.startFailures).toBe(0);
  queue('s1', { kind: 'reject', error: new WawebError(ErrorCode.BROWSER_FAILED, 'no browser') });
  queue('s1', { kind: 'reject', error: new WawebError(ErrorCode.BROWSER_FAILED, 'no browser') });
  queue('s1', { kind: 'reject', error: new WawebError(ErrorCode.BROWSER_FAILED, 'no browser') });
  const again = until(m, 'session.failed', (id) => id === 's1');
  await m.restart('s1');
  await again;
  expect(made('s1')).toBe(clients + 4);
  await m.remove('s1');
  expect(m.list()).toEqual([]);
  expect(made('s1')).toBe(clients + 4);
});

test('a start the client made itself that fails is reported with the error it gave; one attempt allowed ends in failed at once', async () => {
  const m = new SessionManager({ store, sessions: ['s2'], dataPath: '/tmp/waweb-unit-none', maxStartAttempts: 1 });
  manager = m;
  const error = restoreFailed();
  queue('s2', { kind: 'self-start-failed', error });
  const gaveUp = until(m, 'session.failed', (id) => id === 's2');
  await m.start();
  const [, failure] = await gaveUp;
  expect(failure).toMatchObject({ attempt: 1, maxAttempts: 1, code: 'RESTORE_FAILED', disconnectReason: 'START_FAILED', retryInMs: null });
  expect(failure.error).toBe(error);
  expect(m.get('s2')).toMatchObject({ state: 'failed', startFailures: 1, lastError: { code: 'RESTORE_FAILED' } });
  expect(made('s2')).toBe(1);
});

test('a start that goes on from one restored backup to the next is progress: stuckAfterMs counts from the last step, not the start', async () => {
  const m = new SessionManager({ store, sessions: ['s3'], dataPath: '/tmp/waweb-unit-none', stuckAfterMs: 300, restartDelayMs: 5 });
  manager = m;
  const failures: StartFailure[] = [];
  m.on('session.start_failed', (_id, failure) => failures.push(failure));
  // Four steps of 200 ms: 1 s in all, more than three times stuckAfterMs, each step well inside it.
  queue('s3', { kind: 'slow-fallback', steps: 4, everyMs: 200 });
  await m.start();
  await reaches(m, 's3', 'ready');
  expect(failures).toEqual([]);
  expect(made('s3')).toBe(1);
});

/** The lease keeper's rendezvous score (what it sheds first is the lowest). */
const score = (id: string, worker: string): number => createHash('sha1').update(`${id}\u0000${worker}`).digest().readUInt32BE(0);

test('with leases: a failed session keeps its lease and is never the one handed to a worker with room', async () => {
  const leases = new MemoryLeases();
  const worker = 'worker-a';
  const good = 'good';
  // A failing session the keeper would shed first if it looked only at the scores.
  const bad = ['bad-1', 'bad-2', 'bad-3', 'bad-4', 'bad-5', 'bad-6'].find((id) => score(id, worker) < score(good, worker)) as string;
  expect(bad).toBeDefined();
  const m = new SessionManager({
    store,
    leases,
    workerId: worker,
    sessions: [bad, good],
    dataPath: '/tmp/waweb-unit-none',
    maxStartAttempts: 2,
    restartDelayMs: 5,
    leaseTtlMs: 3000,
    sweepIntervalMs: 50,
  });
  manager = m;
  const released: string[] = [];
  m.on('lease.released', (id) => released.push(id));
  queue(bad, { kind: 'reject', error: restoreFailed() }, { kind: 'login-timeout' });
  queue(good, { kind: 'ready' });
  const badFailed = until(m, 'session.failed', (id) => id === bad);
  await m.start();
  await Promise.all([badFailed, reaches(m, good, 'ready')]);
  const token = (await leases.list()).find((r) => r.sessionId === bad)?.token;
  expect(m.get(bad)).toMatchObject({ state: 'failed', leaseToken: token });

  // A second worker joins: this one is over its share and hands one session over, the healthy one.
  await leases.heartbeat('worker-b', 60_000);
  await until(m, 'lease.released', () => true);
  expect(released).toEqual([good]);
  expect((await leases.list()).find((r) => r.sessionId === bad)).toMatchObject({ owner: worker, live: true, token });
  expect(m.get(bad)?.state).toBe('failed');
  expect(made(bad)).toBe(2);

  // close() lets go of it too.
  await m.close();
  expect(released).toEqual([good, bad]);
});
