/**
 * Issue 15, the session manager in one process (no leases): many sessions side by side, one
 * restarted without touching the others, a start that hangs restarted on its own with backoff, a
 * session opened elsewhere left in `conflict` (no ping-pong), a logout from the phone ending in
 * `logged_out`, typed events for all of it, and a close that stops everything.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { createBrowserPool, FileStore, InvalidOptionError } from '../../src/index';
import { PostgresLeases, SessionManager } from '../../src/manager/index';
import { WhatsAppSimulator } from '../../src/simulator';
import { reaches, untilEvent } from '../helpers/manager-events';
import { processesMentioning } from '../helpers/processes';
import { tempDir, type TempDir } from '../helpers/tmp';

const numberOf = (id: string): string => `1555030${String(id.charCodeAt(1)).padStart(4, '0')}`;

let sim: WhatsAppSimulator;
let work: TempDir;
let store: FileStore;
/** Every manager a test made, so a test that fails half-way still has its browsers closed. */
const managers: SessionManager[] = [];
const track = (m: SessionManager): void => {
  managers.push(m);
};

beforeAll(async () => {
  [sim, work] = await Promise.all([WhatsAppSimulator.start(), tempDir('waweb-manager-')]);
  store = new FileStore({ directory: join(work.path, 'store') });
}, 60_000);

afterAll(async () => {
  await Promise.all(managers.map((m) => m.close()));
  await store?.close();
  await sim?.close();
  expect(processesMentioning(work.path)).toEqual([]);
  await work?.remove();
}, 60_000);

test('options: leases need a store with fencing; the sweep must fit the lease three times', () => {
  const leases = new PostgresLeases({ connectionString: 'postgres://127.0.0.1:1/none' });
  expect(() => new SessionManager({ store, leases })).toThrow(InvalidOptionError);
  expect(() => new SessionManager({ store: undefined as unknown as FileStore })).toThrow(InvalidOptionError);
  expect(() => new SessionManager({ store, sessions: 'a,b' as unknown as string[] })).toThrow(InvalidOptionError);
  expect(() => new SessionManager({ store, sessions: ['ok', '../bad'] })).toThrow(InvalidOptionError);
  return leases.close();
});

test('runs sessions side by side: restart, stuck start, conflict and logout each touch one session only', async () => {
  const m = new SessionManager({
    store,
    sessions: ['ma', 'mb'],
    dataPath: join(work.path, 'profiles'),
    clientOptions: { puppeteer: { args: sim.chromiumArgs() } },
    // Long enough that a restore on a loaded 2-core machine is never taken for a stuck start.
    stuckAfterMs: 10_000,
    restartDelayMs: 200,
  });
  track(m);
  const events: string[] = [];
  m.on('session.qr', (id, qr) => {
    events.push(`qr:${id}`);
    sim
      .phone(numberOf(id))
      .scan(qr)
      .catch(() => undefined);
  });
  m.on('session.ready', (id, info) => events.push(`ready:${id}:${info.restored ? 'restored' : 'paired'}`));
  m.on('session.saved', (id) => events.push(`saved:${id}`));
  await m.start();
  await Promise.all([reaches(m, 'ma', 'ready'), reaches(m, 'mb', 'ready')]);
  expect(events).toEqual(expect.arrayContaining(['ready:ma:paired', 'ready:mb:paired']));
  await untilEvent(m, 'session.saved', (id) => id === 'ma', 30_000);
  // What a dashboard shows for a session another worker runs: its newest backup in the store.
  const newest = await m.lastBackup('ma');
  expect(newest?.generation).toBeGreaterThanOrEqual(1);
  expect(newest?.bytes).toBeGreaterThan(0);
  expect(await m.lastBackup('nobody')).toBeNull();
  expect(m.list().map((s) => [s.id, s.state])).toEqual([
    ['ma', 'ready'],
    ['mb', 'ready'],
  ]);

  // Restart one: it comes back restored; the other keeps its browser and never leaves `ready`.
  const mbBrowser = m.client('mb')?.pupBrowser?.process()?.pid;
  const mbStates: string[] = [];
  m.on('session.state', (info) => info.id === 'mb' && mbStates.push(info.state));
  await m.restart('ma');
  await reaches(m, 'ma', 'ready');
  expect(events.filter((e) => e === 'ready:ma:restored')).toHaveLength(1);
  expect(m.get('ma')?.restarts).toBe(1);
  expect(m.client('mb')?.pupBrowser?.process()?.pid).toBe(mbBrowser);

  // A start that hangs (the servers hold the page's connection) is restarted on its own.
  sim.delayNextConnection(30_000);
  await m.restart('ma');
  await untilEvent(m, 'session.state', (info) => info.id === 'ma' && info.state === 'restarting', 30_000);
  expect(m.get('ma')?.lastError?.code).toBe('TIMEOUT');
  await reaches(m, 'ma', 'ready');
  expect(m.get('ma')?.restarts).toBeGreaterThanOrEqual(3);

  // Opened elsewhere: left in `conflict`, not taken back; restart() brings it back.
  const [device] = sim.phone(numberOf('ma')).devices();
  sim.phone(numberOf('ma')).openElsewhere(device!.id);
  await reaches(m, 'ma', 'conflict');
  expect(m.client('ma')).toBeUndefined();
  await m.restart('ma');
  await reaches(m, 'ma', 'ready');

  // Logged out from the phone: `logged_out`, its backups gone, the other untouched.
  const [mbDevice] = sim.phone(numberOf('mb')).devices();
  await sim.phone(numberOf('mb')).unlink(mbDevice!.id);
  await reaches(m, 'mb', 'logged_out');
  expect(await store.list('RemoteAuth-mb')).toEqual([]);
  expect(m.get('ma')?.state).toBe('ready');
  expect(mbStates).toEqual(expect.arrayContaining(['logged_out']));
  expect(mbStates.slice(0, mbStates.indexOf('stopping'))).toEqual([]);

  await m.close();
  await m.close();
  expect(m.list().map((s) => s.state)).toEqual(['stopped', 'logged_out']);
  expect(m.client('ma')).toBeUndefined();
  await expect(m.start()).rejects.toMatchObject({ code: 'CLOSED' });
}, 240_000);

test('a sessions function is asked again: a new id starts, a removed one stops', async () => {
  const wanted = ['fa'];
  const m = new SessionManager({
    store,
    sessions: () => wanted,
    dataPath: join(work.path, 'profiles-fn'),
    clientOptions: { puppeteer: { args: sim.chromiumArgs() } },
    sweepIntervalMs: 200,
  });
  track(m);
  await m.start();
  await reaches(m, 'fa', 'qr');
  wanted.push('fb');
  await reaches(m, 'fb', 'qr');
  wanted.splice(0, 1);
  await untilEvent(m, 'session.state', (info) => info.id === 'fa' && info.state === 'stopped', 30_000);
  expect(m.list().map((s) => s.id)).toEqual(['fb']);
  await m.close();
  expect(m.list().map((s) => [s.id, s.state])).toEqual([['fb', 'stopped']]);
}, 120_000);

test('browserPool (a pool given): a session starts in its waiting browser; the manager leaves the pool open', async () => {
  const dataPath = join(work.path, 'pooled');
  const clientOptions = { puppeteer: { args: sim.chromiumArgs() } };
  const pool = createBrowserPool({ size: 1, client: clientOptions, folder: join(work.path, 'my-pool') });
  try {
    await pool.whenReady();
    const m = new SessionManager({ store, sessions: ['mp'], dataPath, browserPool: pool, clientOptions, stuckAfterMs: 10_000 });
    track(m);
    m.on('session.qr', (id, qr) => {
      sim
        .phone(numberOf(id))
        .scan(qr)
        .catch(() => undefined);
    });
    await m.start();
    await reaches(m, 'mp', 'ready');
    expect(pool.stats()).toMatchObject({ taken: 1 });
    // The run's marker names the pooled folder the session's browser runs on.
    const pooledFolder = (await fsp.readFile(join(dataPath, 'mp', 'RemoteAuth-mp.pooled'), 'utf8')).trim();
    expect(pooledFolder.startsWith(join(work.path, 'my-pool', 'waweb-pool-'))).toBe(true);
    expect(processesMentioning(pooledFolder).length).toBeGreaterThan(0);
    await m.close();
    expect(processesMentioning(pooledFolder)).toEqual([]);
    // Handed back: the session's own folder holds the profile again, and the marker is gone.
    expect(await fsp.readdir(join(dataPath, 'mp', 'RemoteAuth-mp'))).toContain('Default');
    await expect(fsp.access(join(dataPath, 'mp', 'RemoteAuth-mp.pooled'))).rejects.toThrow();
  } finally {
    await pool.close();
  }
  expect(processesMentioning(join(work.path, 'my-pool'))).toEqual([]);
});

test('browserPool (a size): the manager launches its pool at start() under <dataPath>/.pool and ends it on close()', async () => {
  expect(() => new SessionManager({ store, browserPool: 0 })).toThrow(InvalidOptionError);
  const dataPath = join(work.path, 'own-pool');
  const m = new SessionManager({
    store,
    sessions: [],
    dataPath,
    browserPool: 1,
    clientOptions: { puppeteer: { args: sim.chromiumArgs() } },
  });
  track(m);
  expect(processesMentioning(join(dataPath, '.pool'))).toEqual([]);
  await m.start();
  // Test-side polling: no event announces a pooled browser.
  const deadline = Date.now() + 30_000;
  while (processesMentioning(join(dataPath, '.pool', 'waweb-pool-')).length === 0) {
    if (Date.now() > deadline) throw new Error('no pooled browser within 30 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  await m.close();
  expect(processesMentioning(join(dataPath, '.pool'))).toEqual([]);
});
