/**
 * Issue 22, point 4: a SessionManager session whose starts keep failing. The simulator's app never
 * boots (`stallNextBoots`), so each start misses its boot deadline (`authTimeoutMs`, small here):
 * every failed start is reported with its attempt and reason, the session backs off while its lease
 * stays with this worker (same owner, same fencing token, read from PostgreSQL), and after
 * `maxStartAttempts` it stops in `failed` (listed FAILED and counted by the dashboard) and no browser
 * is launched again until a restart (the dashboard's), which brings it back to `ready` once the
 * fault is gone. Browser launches are counted by a wrapper around
 * Chromium that notes each process it becomes.
 */
import { randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findChromium } from '../../src/browser/executable';
import { PostgresStore, StartTimeoutError } from '../../src/index';
import { PostgresLeases, SessionManager, type LeaseRecord, type ManagedState, type StartFailure } from '../../src/manager/index';
import { startDashboard } from '../../src/serve/index';
import { WhatsAppSimulator } from '../../src/simulator';
import { reaches, untilEvent } from '../helpers/manager-events';
import { processesMentioning } from '../helpers/processes';
import { startPostgres, type PostgresServer } from '../helpers/postgres';
import { tempDir, type TempDir } from '../helpers/tmp';

const ID = 'flaky';
const NUMBER = '15550220401';
const WORKER = 'worker-one';
const ATTEMPTS = 3;
const TOKEN = 'start-failures-token-0123456789';

let pg: PostgresServer;
let sim: WhatsAppSimulator;
let work: TempDir;
let store: PostgresStore;
let leases: PostgresLeases;
let manager: SessionManager | undefined;
/** A Chromium that appends its pid to `launchLog` and then becomes the real one. */
let chromium: string;
let launchLog: string;

beforeAll(async () => {
  [pg, sim, work] = await Promise.all([startPostgres(), WhatsAppSimulator.start(), tempDir('waweb-start-failures-')]);
  const suffix = randomBytes(4).toString('hex');
  store = new PostgresStore({ connectionString: pg.connectionString, table: `start_failures_${suffix}` });
  leases = new PostgresLeases({ connectionString: pg.connectionString, table: `start_failures_leases_${suffix}` });
  launchLog = join(work.path, 'launches');
  await writeFile(launchLog, '');
  // Named like the real one, so the launch picks the same flags.
  chromium = join(work.path, 'counting-headless-shell');
  await writeFile(chromium, `#!/bin/sh\necho $$ >> '${launchLog}'\nexec '${findChromium()}' "$@"\n`);
  await chmod(chromium, 0o755);
}, 120_000);

afterAll(async () => {
  await manager?.close();
  await store?.close();
  await leases?.close();
  await sim?.close();
  await pg?.stop();
  expect(processesMentioning(work.path)).toEqual([]);
  await work?.remove();
}, 60_000);

async function launches(): Promise<number> {
  return (await readFile(launchLog, 'utf8')).split('\n').filter(Boolean).length;
}

/** The session's lease as the database has it. */
async function leaseRecord(): Promise<LeaseRecord | undefined> {
  return (await leases.list()).find((r) => r.sessionId === ID);
}

/** Resolves once the lease keeper has renewed the lease `times` more times (its expiry moved on). */
async function renewed(times: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = (await leaseRecord())?.expiresAt?.getTime() ?? 0;
  let seen = 0;
  while (seen < times) {
    if (Date.now() > deadline) throw new Error(`the lease was renewed ${seen} of ${times} times within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
    const now = (await leaseRecord())?.expiresAt?.getTime() ?? 0;
    if (now > last) seen++;
    last = Math.max(last, now);
  }
}

test('options: maxStartAttempts must be a positive integer', () => {
  for (const maxStartAttempts of [0, -1, 1.5, Number.NaN, '3' as unknown as number]) {
    expect(() => new SessionManager({ store, maxStartAttempts })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  }
  expect(() => new SessionManager({ store, maxStartAttempts: 1 })).not.toThrow();
});

test('failing starts back off with the lease held, stop in `failed` after maxStartAttempts (as the dashboard shows), and Restart brings the session back', async () => {
  const m = new SessionManager({
    store,
    leases,
    workerId: WORKER,
    sessions: [ID],
    dataPath: join(work.path, 'profiles'),
    clientOptions: { puppeteer: { executablePath: chromium, args: sim.chromiumArgs() }, authTimeoutMs: 1500 },
    maxStartAttempts: ATTEMPTS,
    restartDelayMs: 100,
    maxRestartDelayMs: 400,
    leaseTtlMs: 3000,
    sweepIntervalMs: 500,
  });
  manager = m;
  const failures: StartFailure[] = [];
  const failed: StartFailure[] = [];
  /** The lease as the database had it at each failure, read while the session backs off. */
  const leasesDuringBackoff: Array<Promise<LeaseRecord | undefined>> = [];
  const states: ManagedState[] = [];
  const leaseEvents: string[] = [];
  m.on(
    'session.qr',
    (_id, qr) =>
      void sim
        .phone(NUMBER)
        .scan(qr)
        .catch(() => undefined),
  );
  m.on('session.state', (info) => info.id === ID && states.push(info.state));
  m.on('session.start_failed', (_id, failure) => {
    failures.push(failure);
    if (failure.retryInMs !== null) leasesDuringBackoff.push(leaseRecord());
  });
  m.on('session.failed', (_id, failure) => failed.push(failure));
  m.on('lease.released', (id) => leaseEvents.push(`released:${id}`));
  m.on('lease.lost', (id) => leaseEvents.push(`lost:${id}`));

  await m.start();
  await reaches(m, ID, 'ready');
  await untilEvent(m, 'session.saved', (id) => id === ID, 30_000);
  const held = await leaseRecord();
  expect(held).toMatchObject({ owner: WORKER, live: true });
  const launchesBefore = await launches();

  // The app never boots on the next ATTEMPTS page loads: each start misses authTimeoutMs.
  sim.stallNextBoots(ATTEMPTS);
  states.length = 0;
  const gaveUp = untilEvent(m, 'session.failed', (id) => id === ID);
  await m.restart(ID);
  await gaveUp;

  expect(failures.map((f) => [f.attempt, f.maxAttempts, f.code])).toEqual([
    [1, ATTEMPTS, 'START_TIMEOUT'],
    [2, ATTEMPTS, 'START_TIMEOUT'],
    [3, ATTEMPTS, 'START_TIMEOUT'],
  ]);
  for (const { error } of failures) {
    expect(error).toBeInstanceOf(StartTimeoutError);
    expect(error).toMatchObject({ phase: 'boot', option: 'authTimeoutMs' });
  }
  // Backoff between attempts (doubling), none after the last.
  const [first, second, third] = failures.map((f) => f.retryInMs);
  expect(first).toBeGreaterThan(0);
  expect(second).toBe((first as number) * 2);
  expect(third).toBeNull();
  expect(failed).toEqual([failures[2]]);
  expect(states.filter((s) => s === 'starting')).toHaveLength(ATTEMPTS);
  expect(states.filter((s) => s === 'restarting').length).toBeGreaterThanOrEqual(ATTEMPTS - 1);
  expect(await launches()).toBe(launchesBefore + ATTEMPTS);

  // The lease never left this worker: same owner and fencing token while it backed off, and now.
  const during = await Promise.all(leasesDuringBackoff);
  expect(during).toHaveLength(ATTEMPTS - 1);
  for (const record of [...during, await leaseRecord()]) expect(record).toMatchObject({ owner: WORKER, live: true, token: held?.token });
  expect(leaseEvents).toEqual([]);
  expect(m.get(ID)).toMatchObject({
    state: 'failed',
    startFailures: ATTEMPTS,
    nextStartAt: null,
    lastError: { code: 'START_TIMEOUT' },
    leaseToken: held?.token,
  });
  expect(m.client(ID)).toBeUndefined();
  expect(processesMentioning(join(work.path, 'profiles'))).toEqual([]);

  // It stays `failed`: the keeper renews the lease and starts nothing, although the fault is used
  // up (a start now would succeed and be seen).
  await renewed(2);
  expect(await launches()).toBe(launchesBefore + ATTEMPTS);
  expect(m.get(ID)?.state).toBe('failed');
  expect(await leaseRecord()).toMatchObject({ owner: WORKER, live: true, token: held?.token });

  // The dashboard lists it FAILED with its reason, counts it, and its Restart starts a new round:
  // the app boots again and the session comes back from its backup.
  const dashboard = await startDashboard({ manager: m, token: TOKEN });
  try {
    const api = (path: string, init: RequestInit = {}): Promise<Response> =>
      fetch(`${dashboard.url}${path}`, { ...init, headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' } });
    const { sessions } = (await (await api('/api/sessions')).json()) as { sessions: Array<Record<string, unknown>> };
    expect(sessions.find((s) => s['id'] === ID)).toMatchObject({
      state: 'failed',
      label: 'FAILED',
      startFailures: ATTEMPTS,
      lastError: { code: 'START_TIMEOUT' },
    });
    const metrics = await (await api('/metrics')).text();
    expect(metrics).toContain('waweb_sessions{state="failed"} 1');
    const back = reaches(m, ID, 'ready');
    expect((await api(`/api/sessions/${ID}/restart`, { method: 'POST', body: '{}' })).status).toBe(202);
    await back;
  } finally {
    await dashboard.close();
  }
  expect(m.get(ID)).toMatchObject({ state: 'ready', startFailures: 0 });
  expect(await launches()).toBe(launchesBefore + ATTEMPTS + 1);
  expect(failures).toHaveLength(ATTEMPTS);
  expect(await leaseRecord()).toMatchObject({ owner: WORKER, live: true, token: held?.token });

  await m.close();
  expect(leaseEvents).toEqual([`released:${ID}`]);
  expect(await leaseRecord()).toMatchObject({ live: false });
}, 180_000);
