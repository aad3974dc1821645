/**
 * Issue 28, per-session meters and ceilings, end to end: a real SessionManager over the simulator.
 * The meter reads the session's real Chromium tree; a `maxMemoryMiB` far below any browser's makes
 * the first sample while `ready` a breach: the session takes its final backup, restarts through the
 * manager's restart, comes back `ready` from that backup, and is not restarted again within
 * `ceilingIntervalMs` although it is still over.
 */
import { join } from 'node:path';
import { FileStore } from '../../src/index';
import { SessionManager, type CeilingBreach } from '../../src/manager/index';
import { createMetrics } from '../../src/serve/index';
import { WhatsAppSimulator } from '../../src/simulator';
import { reaches, untilEvent } from '../helpers/manager-events';
import { processesMentioning } from '../helpers/processes';
import { tempDir, type TempDir } from '../helpers/tmp';
import { until } from '../helpers/until';

const linux = process.platform === 'linux';

let sim: WhatsAppSimulator;
let work: TempDir;
let store: FileStore;
let manager: SessionManager | undefined;

beforeAll(async () => {
  [sim, work] = await Promise.all([WhatsAppSimulator.start(), tempDir('waweb-ceilings-')]);
  store = new FileStore({ directory: join(work.path, 'store') });
}, 60_000);

afterAll(async () => {
  await manager?.close();
  await store?.close();
  await sim?.close();
  expect(processesMentioning(work.path)).toEqual([]);
  await work?.remove();
}, 60_000);

(linux ? test : test.skip)(
  'over maxMemoryMiB: one final backup and one restart, back ready from that backup, no second restart within ceilingIntervalMs',
  async () => {
    const m = new SessionManager({
      store,
      sessions: ['ceil'],
      dataPath: join(work.path, 'profiles'),
      clientOptions: { puppeteer: { args: sim.chromiumArgs() } },
      stuckAfterMs: 60_000,
      meterIntervalMs: 300,
      maxMemoryMiB: 1,
      ceilingIntervalMs: 600_000,
    });
    manager = m;
    const metrics = createMetrics(m, { defaultMetrics: false });
    const events: string[] = [];
    const breaches: CeilingBreach[] = [];
    m.on(
      'session.qr',
      (_id, qr) =>
        void sim
          .phone('15550900001')
          .scan(qr)
          .catch(() => undefined),
    );
    m.on('session.ready', (_id, info) => events.push(info.restored ? 'ready:restored' : 'ready:paired'));
    m.on('session.saved', (_id, info) => events.push(`saved:${info.generation}`));
    m.on('session.ceiling', (_id, breach) => {
      events.push('ceiling');
      breaches.push(breach);
    });
    try {
      const breached = untilEvent(m, 'session.ceiling', () => true, 120_000);
      const back = untilEvent(m, 'session.ready', (_id, info) => info.restored, 120_000);
      await m.start();
      await breached;
      await back;
      const pid = m.client('ceil')?.pupBrowser?.process()?.pid;
      // Several samples of the new browser while ready (each one over the ceiling), with no second restart.
      const firstAt = (await until(() => m.get('ceil')?.meter ?? undefined, 'a sample of the restarted browser', 30_000)).sampledAt;
      await until(
        () => {
          const meter = m.get('ceil')?.meter;
          return meter && meter.sampledAt.getTime() >= firstAt.getTime() + 1500 ? meter : undefined;
        },
        'samples for 1.5 s after the restart',
        30_000,
      );
      expect(m.get('ceil')?.state).toBe('ready');
      expect(m.client('ceil')?.pupBrowser?.process()?.pid).toBe(pid);
      expect(m.get('ceil')?.restarts).toBe(1);

      const ceiling = events.indexOf('ceiling');
      expect(events.filter((e) => e === 'ceiling')).toHaveLength(1);
      expect(events.slice(0, ceiling)).toContain('ready:paired');
      // The final backup comes after the breach and before the session is back, restored from it.
      const after = events.slice(ceiling + 1);
      const restored = after.indexOf('ready:restored');
      expect(after.slice(0, restored).some((e) => e.startsWith('saved:'))).toBe(true);
      expect(breaches[0]).toMatchObject({ kind: 'memory', limit: 1, windowMs: null, inARow: 1, nextAllowedInMs: 600_000 });
      expect(breaches[0]?.value).toBeGreaterThan(1);

      const meter = m.get('ceil')?.meter;
      expect(meter?.pid).toBe(pid);
      // One process with the lean flags (`--single-process`); the browser and its children otherwise.
      expect(meter?.processes).toBeGreaterThanOrEqual(1);
      expect(meter?.pssBytes).toBeGreaterThan(1024 * 1024);
      expect(meter?.cpuSeconds).toBeGreaterThan(0);
      expect(meter?.cpuPercent).toBeGreaterThanOrEqual(0);

      const text = await metrics.registry.metrics();
      expect(text).toContain('waweb_session_ceiling_restarts_total{session="ceil",kind="memory"} 1');
      expect(text).toMatch(/^waweb_session_memory_bytes\{session="ceil"\} [1-9][0-9]*$/m);
      expect(text).toMatch(/^waweb_session_cpu_seconds_total\{session="ceil"\} [0-9.e+-]+$/m);
      await reaches(m, 'ceil', 'ready');
    } finally {
      metrics.close();
      await m.close();
    }
    expect(m.list().map((s) => [s.id, s.state, s.meter])).toEqual([['ceil', 'stopped', null]]);
  },
  240_000,
);
