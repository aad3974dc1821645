/**
 * Issue 28, per-session meters: the /proc parsing (fixture text and a fixture /proc folder), the walk
 * over a real process tree this test starts and stops, the ceilings over a fake reader and clock (a
 * restart once over the limit, not below, not twice within the interval, only while `ready`), the
 * options' checks, and what /metrics and the dashboard's view show.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { FileStore, InvalidOptionError } from '../../src/index';
import { SessionManager, type CeilingBreach, type SessionManagerOptions } from '../../src/manager/index';
import { meterSettings, SessionMeters, type MeteredSession, type TreeReader } from '../../src/manager/meters';
import { createMetrics } from '../../src/serve/index';
import { sessionsView } from '../../src/serve/sessions';
import { silentLogger } from '../../src/util/logger';
import { clockTicks, parseKiBField, parseStat, readProcessTrees, type TreeReading } from '../../src/util/process-tree';
import { FakeManager, info } from '../helpers/dashboard';
import { tempDir, type TempDir } from '../helpers/tmp';

const MIB = 1024 * 1024;
/** Lets a finished restart's promise chain run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const linux = process.platform === 'linux';
const onLinux = linux ? test : test.skip;

// A comm with spaces and parentheses, as Chromium's helpers can have.
const STAT = '4242 (chrome (renderer) x) S 4200 4200 4200 0 -1 4194560 100 0 0 0 250 50 7 3 20 0 12 0 5000 1000000 200';
const SMAPS_ROLLUP = [
  '55d0c0000000-7ffd4a1f2000 ---p 00000000 00:00 0                          [rollup]',
  'Rss:              204800 kB',
  'Pss:              102400 kB',
  'Pss_Anon:          51200 kB',
  'Pss_File:          51200 kB',
  'Shared_Clean:      20000 kB',
].join('\n');
const STATUS = ['Name:\tchrome', 'VmPeak:\t  900000 kB', 'VmRSS:\t    8192 kB', 'Threads:\t12'].join('\n');

let work: TempDir;
beforeAll(async () => {
  work = await tempDir('waweb-meters-');
});
afterAll(async () => {
  await work?.remove();
});

describe('/proc parsing', () => {
  test('a stat line: ppid, process group and utime+stime+cutime+cstime, counted from the last parenthesis', () => {
    expect(parseStat(STAT)).toEqual({ ppid: 4200, pgrp: 4200, ticks: 250 + 50 + 7 + 3 });
    expect(parseStat('garbage')).toBeUndefined();
    expect(parseStat('12 (short) S 1 1')).toBeUndefined();
    expect(parseStat('')).toBeUndefined();
  });

  test('smaps_rollup Pss (not Pss_Anon) and status VmRSS, in bytes; a missing field is undefined', () => {
    expect(parseKiBField(SMAPS_ROLLUP, 'Pss')).toBe(102400 * 1024);
    expect(parseKiBField(STATUS, 'VmRSS')).toBe(8192 * 1024);
    expect(parseKiBField(STATUS, 'Pss')).toBeUndefined();
    expect(parseKiBField('', 'Pss')).toBeUndefined();
  });

  onLinux('a fixture /proc: the root, its descendants and its process group, once each; gone processes count nothing', async () => {
    const proc = join(work.path, 'proc');
    const stat = (pid: number, ppid: number, pgrp: number, utime: number, stime: number, cutime = 0): string =>
      `${pid} (p ${pid}) S ${ppid} ${pgrp} ${pgrp} 0 -1 0 0 0 0 0 ${utime} ${stime} ${cutime} 0 20 0 1 0 1 1 1`;
    const processes: Array<{ pid: number; stat: string; rollup?: string; status?: string }> = [
      { pid: 100, stat: stat(100, 1, 100, 100, 50, 20), rollup: 'Pss:   1000 kB' },
      { pid: 101, stat: stat(101, 100, 100, 10, 0), status: 'VmRSS:   300 kB' }, // no smaps_rollup: VmRSS
      { pid: 102, stat: stat(102, 101, 100, 5, 5), rollup: 'Pss:   200 kB' },
      { pid: 103, stat: stat(103, 101, 100, 1, 0) }, // exited between the stat and the memory read
      { pid: 200, stat: stat(200, 1, 100, 30, 0), rollup: 'Pss:   50 kB' }, // re-parented, still in the group
      { pid: 300, stat: stat(300, 1, 300, 999, 0), rollup: 'Pss:   9999 kB' }, // unrelated
      { pid: 301, stat: stat(301, 300, 300, 1, 0), rollup: 'Pss:   1 kB' },
    ];
    for (const p of processes) {
      const dir = join(proc, String(p.pid));
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'stat'), p.stat);
      if (p.rollup) await writeFile(join(dir, 'smaps_rollup'), p.rollup);
      if (p.status) await writeFile(join(dir, 'status'), p.status);
    }
    await mkdir(join(proc, 'self'), { recursive: true });
    await mkdir(join(proc, '400'), { recursive: true }); // no stat: gone

    const hz = await clockTicks();
    const trees = await readProcessTrees([100, 300, 999], proc);
    expect([...trees.keys()]).toEqual([100, 300]);
    const tree = trees.get(100) as TreeReading;
    expect([...tree.pids].sort((a, b) => a - b)).toEqual([100, 101, 102, 103, 200]);
    expect(tree.memoryBytes).toBe((1000 + 300 + 200 + 0 + 50) * 1024);
    expect(tree.cpuSeconds).toBeCloseTo((170 + 10 + 10 + 1 + 30) / hz, 9);
    expect(trees.get(300)).toMatchObject({ pids: [300, 301], memoryBytes: 10000 * 1024 });
  });

  test('the clock tick is a positive integer', async () => {
    const hz = await clockTicks();
    expect(Number.isSafeInteger(hz) && hz > 0).toBe(true);
  });
});

/** Starts `node -e script` in a process group of its own; resolves once it printed `line`. */
async function startTree(script: string, line: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', script], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the tree exited (${code}) before "${line}"`)));
    lines.on('line', (l) => {
      if (l === line) resolve();
    });
  });
  return child;
}

function stopTree(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(-(child.pid as number), 'SIGKILL');
  return exited;
}

describe('a real process tree', () => {
  onLinux(
    'finds every descendant, sums their memory, and keeps the CPU of a child that exited and was reaped',
    async () => {
      // The root runs a child that burns 0.4 s of CPU and exits (reaped by the root), then two idle children.
      const script = `
      const { spawn, spawnSync } = require('node:child_process');
      spawnSync(process.execPath, ['-e', 'const t = process.cpuUsage(); while ((process.cpuUsage(t).user + process.cpuUsage(t).system) < 400000) {}']);
      const idle = () => spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000); console.log("up")'], { stdio: ['ignore', 'pipe', 'inherit'] });
      let up = 0;
      for (const c of [idle(), idle()]) c.stdout.on('data', () => { if (++up === 2) console.log('ready'); });
      setInterval(() => {}, 1000);
    `;
      const root = await startTree(script, 'ready');
      try {
        const trees = await readProcessTrees([root.pid as number]);
        const tree = trees.get(root.pid as number) as TreeReading;
        expect(tree.pids[0]).toBe(root.pid);
        expect(tree.pids).toHaveLength(3);
        expect(tree.memoryBytes).toBeGreaterThan(0);
        // The exited child's 0.4 s is in the root's cutime/cstime (less one tick of rounding per field).
        expect(tree.cpuSeconds).toBeGreaterThanOrEqual(0.35);
      } finally {
        await stopTree(root);
      }
      // Gone: no reading, and no error.
      expect((await readProcessTrees([root.pid as number])).size).toBe(0);
    },
    30_000,
  );
});

/** Meters over a fake reader and a fake clock: the test sets each session's reading and the time. */
function rig(options: SessionManagerOptions | Omit<SessionManagerOptions, 'store'>, running: MeteredSession[]) {
  const readings = new Map<number, TreeReading>();
  const restarts: string[] = [];
  const breaches: Array<[string, CeilingBreach]> = [];
  let now = 1_000_000;
  let finishRestart: () => void = () => undefined;
  const read: TreeReader = async (roots) =>
    new Map(roots.flatMap((pid) => (readings.has(pid) ? [[pid, readings.get(pid) as TreeReading]] : [])));
  const meters = new SessionMeters(
    meterSettings(options as SessionManagerOptions),
    {
      running: () => running,
      restart: (id) => {
        restarts.push(id);
        return new Promise<void>((resolve) => (finishRestart = resolve));
      },
      emit: (event, ...args) => {
        if (event === 'session.ceiling') breaches.push(args as [string, CeilingBreach]);
      },
      logger: silentLogger,
    },
    read,
    () => now,
  );
  return {
    meters,
    restarts,
    breaches,
    set: (pid: number, mib: number, cpuSeconds = 0) => readings.set(pid, { pids: [pid, pid + 1], memoryBytes: mib * MIB, cpuSeconds }),
    advance: (ms: number) => (now += ms),
    finishRestart: () => finishRestart(),
  };
}

describe('ceilings', () => {
  test('a ready session over maxMemoryMiB restarts once; below, or again within ceilingIntervalMs, it does not', async () => {
    const session: MeteredSession = { id: 'a', pid: 10, state: 'ready' };
    const r = rig({ maxMemoryMiB: 100, ceilingIntervalMs: 60_000 }, [session]);
    r.set(10, 99);
    await r.meters.sample();
    expect(r.restarts).toEqual([]);
    expect(r.meters.meter('a', 10)).toMatchObject({ pid: 10, processes: 2, pssBytes: 99 * MIB, cpuPercent: undefined });

    r.set(10, 150);
    r.advance(15_000);
    await r.meters.sample();
    expect(r.restarts).toEqual(['a']);
    expect(r.breaches).toEqual([['a', { kind: 'memory', value: 150, limit: 100, windowMs: null, inARow: 1, nextAllowedInMs: 60_000 }]]);

    // While its restart runs, and after it until the interval passed: no second restart.
    r.advance(15_000);
    await r.meters.sample();
    r.finishRestart();
    await settle();
    r.advance(15_000);
    await r.meters.sample();
    expect(r.restarts).toEqual(['a']);

    // Past the interval and still over with no sample under in between: again, and the next wait doubles.
    r.advance(30_000);
    await r.meters.sample();
    expect(r.restarts).toEqual(['a', 'a']);
    expect(r.breaches[1]?.[1]).toMatchObject({ inARow: 2, nextAllowedInMs: 120_000 });
    r.finishRestart();
    await r.meters.close();
  });

  test('a sample under the ceiling resets the doubling', async () => {
    const session: MeteredSession = { id: 'a', pid: 10, state: 'ready' };
    const r = rig({ maxMemoryMiB: 100, ceilingIntervalMs: 1000 }, [session]);
    r.set(10, 200);
    await r.meters.sample();
    r.finishRestart();
    await settle();
    r.set(10, 50);
    r.advance(5000);
    await r.meters.sample();
    r.set(10, 200);
    r.advance(5000);
    await r.meters.sample();
    expect(r.breaches.map(([, b]) => b.inARow)).toEqual([1, 1]);
    r.finishRestart();
    await r.meters.close();
  });

  test('only a ready session is judged; a per-session entry overrides the default and null turns it off', async () => {
    const running: MeteredSession[] = [
      { id: 'starting', pid: 10, state: 'starting' },
      { id: 'qr', pid: 20, state: 'qr' },
      { id: 'off', pid: 30, state: 'ready' },
      { id: 'own', pid: 40, state: 'ready' },
      { id: 'default', pid: 50, state: 'ready' },
    ];
    const r = rig({ maxMemoryMiB: 100, sessionLimits: { off: { maxMemoryMiB: null }, own: { maxMemoryMiB: 500 } } }, running);
    for (const s of running) r.set(s.pid, 300);
    await r.meters.sample();
    expect(r.restarts).toEqual(['default']);
    expect(r.meters.meter('qr', 20)?.pssBytes).toBe(300 * MIB);
    r.finishRestart();
    await r.meters.close();
  });

  test('maxCpuPercent is judged on the average over cpuWindowMs, not on one busy interval', async () => {
    const session: MeteredSession = { id: 'a', pid: 10, state: 'ready' };
    const r = rig({ maxCpuPercent: 50, cpuWindowMs: 60_000 }, [session]);
    r.set(10, 10, 0);
    await r.meters.sample();
    // One busy interval (90 % over 15 s), then idle: the 60 s average stays under 50 %.
    r.advance(15_000);
    r.set(10, 10, 13.5);
    await r.meters.sample();
    expect(r.meters.meter('a', 10)?.cpuPercent).toBeCloseTo(90, 6);
    for (let i = 0; i < 3; i++) {
      r.advance(15_000);
      await r.meters.sample();
    }
    expect(r.meters.meter('a', 10)?.cpuPercent).toBe(0);
    expect(r.restarts).toEqual([]);
    // Then busy at 80 % of one core: the window's average climbs 20, 40, then 60 %, over the ceiling.
    let cpu = 13.5;
    const busy = async (): Promise<void> => {
      r.advance(15_000);
      cpu += 12;
      r.set(10, 10, cpu);
      await r.meters.sample();
    };
    await busy();
    await busy();
    expect(r.restarts).toEqual([]);
    await busy();
    expect(r.restarts).toEqual(['a']);
    expect(r.breaches[0]?.[1]).toMatchObject({ kind: 'cpu', limit: 50, windowMs: 60_000 });
    expect(r.breaches[0]?.[1].value).toBeCloseTo(60, 6);
    r.finishRestart();
    await r.meters.close();
  });

  test('a new browser starts a new meter: the old sample is not shown for it and its CPU is not compared', async () => {
    const running: MeteredSession[] = [{ id: 'a', pid: 10, state: 'ready' }];
    const r = rig({}, running);
    r.set(10, 10, 100);
    await r.meters.sample();
    expect(r.meters.meter('a', 11)).toBeNull();
    running[0] = { id: 'a', pid: 11, state: 'ready' };
    r.set(11, 20, 1);
    r.advance(15_000);
    await r.meters.sample();
    expect(r.meters.meter('a', 11)).toMatchObject({ pid: 11, cpuSeconds: 1, cpuPercent: undefined });
    expect(r.meters.meter('a', 10)).toBeNull();
    // Its browser gone: the meter goes too.
    running.length = 0;
    await r.meters.sample();
    expect(r.meters.meter('a', 11)).toBeNull();
    await r.meters.close();
  });

  test('bad meter options are InvalidOptionErrors, from the SessionManager constructor too', () => {
    const store = new FileStore({ directory: join(work.path, 'store') });
    const bad: Array<Partial<SessionManagerOptions>> = [
      { maxMemoryMiB: 0 },
      { maxMemoryMiB: -5 },
      { maxCpuPercent: Number.NaN },
      { meterIntervalMs: 0 },
      { cpuWindowMs: -1 },
      { ceilingIntervalMs: Infinity },
      { sessionLimits: [] as unknown as Record<string, never> },
      { sessionLimits: { a: 5 as never } },
      { sessionLimits: { a: { maxMemoryMb: 10 } as never } },
      { sessionLimits: { a: { maxMemoryMiB: 0 } } },
      { sessionLimits: { a: { maxCpuPercent: '50' as never } } },
    ];
    for (const options of bad) {
      expect(() => meterSettings({ store, ...options })).toThrow(InvalidOptionError);
      expect(() => new SessionManager({ store, ...options })).toThrow(InvalidOptionError);
    }
    expect(meterSettings({ store, sessionLimits: { a: { maxMemoryMiB: null, maxCpuPercent: 200 } } })).toMatchObject({
      intervalMs: 15_000,
      cpuWindowMs: 60_000,
      ceilingIntervalMs: 300_000,
    });
  });
});

describe('metrics and the dashboard view', () => {
  test('per-session memory and CPU from the last sample, and ceiling restarts by session and kind', async () => {
    const manager = new FakeManager();
    const sampledAt = new Date('2026-12-07T10:00:00Z');
    manager.sessions = [
      info('alpha', 'ready', { meter: { pid: 7, processes: 5, pssBytes: 73_400_320, cpuSeconds: 12.5, cpuPercent: 3.25, sampledAt } }),
      info('bravo', 'starting'),
    ];
    const metrics = createMetrics(manager, { defaultMetrics: false });
    try {
      manager.fire('session.ceiling', 'alpha', {
        kind: 'memory',
        value: 900,
        limit: 512,
        windowMs: null,
        inARow: 1,
        nextAllowedInMs: 300_000,
      });
      const text = await metrics.registry.metrics();
      expect(text).toContain('# TYPE waweb_session_memory_bytes gauge');
      expect(text).toContain('waweb_session_memory_bytes{session="alpha"} 73400320');
      expect(text).toContain('# TYPE waweb_session_cpu_seconds_total counter');
      expect(text).toContain('waweb_session_cpu_seconds_total{session="alpha"} 12.5');
      expect(text).not.toContain('session="bravo"');
      expect(text).toContain('waweb_session_ceiling_restarts_total{session="alpha",kind="memory"} 1');

      // A session whose browser went away drops out of the gauges.
      manager.sessions = [info('bravo', 'starting')];
      const later = await metrics.registry.metrics();
      expect(later).not.toContain('waweb_session_memory_bytes{session="alpha"}');
    } finally {
      metrics.close();
    }

    manager.sessions = [
      info('alpha', 'ready', { meter: { pid: 7, processes: 5, pssBytes: 1, cpuSeconds: 2, cpuPercent: undefined, sampledAt } }),
    ];
    const view = await sessionsView(manager);
    expect(view.sessions[0]?.meter).toEqual({
      pssBytes: 1,
      cpuSeconds: 2,
      cpuPercent: null,
      processes: 5,
      sampledAt: sampledAt.toISOString(),
    });
  });
});
