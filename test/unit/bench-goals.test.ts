/**
 * The bench's goals table (bench/goals.ts, bench/goal-table.ts): each goal of issue 28 judged from
 * one run's results, ratios taken within the run, a failed sample or an overlap never "met", a
 * missing backend "not measured". And the command line that asks for the big-profile rows and for
 * more than one session count. The numbers here are made up: nothing is measured.
 */
import { parseArgs } from '../../bench/args';
import type { BigResult } from '../../bench/big';
import type { ClientResult, RestoreResult } from '../../bench/client';
import { MiB } from '../../bench/format';
import { goalRows, type GoalRow, type RunResults } from '../../bench/goal-table';
import { GOALS } from '../../bench/goals';
import type { BufferReport, RssReport } from '../../bench/protocol';
import type { SessionsResult } from '../../bench/sessions';

const buffers = (peak: number): BufferReport => ({
  baselineExternal: 4 * MiB,
  baselineArrayBuffers: 1 * MiB,
  peak,
  peakExternal: peak,
  peakArrayBuffers: peak,
  peakRetained: peak,
  samples: 10,
});

const restore = (ms: number, peak = 2 * MiB, ok = true): RestoreResult => ({
  ok,
  ms,
  profileMs: 50,
  events: [],
  phases: { profile: 50, launch: 390, loadAndLogin: 130, boot: 100, sync: 50 },
  memory: { untilProfile: buffers(peak), untilReady: buffers(peak) },
  ...(ok ? {} : { failure: 'a QR was shown instead of the restored session' }),
});

const rss = (peak: number): RssReport => ({
  baseline: 200 * MiB,
  sampledPeak: 200 * MiB,
  maxRssBefore: 200 * MiB,
  maxRssAfter: 200 * MiB,
  peak: 200 * MiB,
  samples: 10,
  peakExternal: 90 * MiB,
  peakHeapUsed: 40 * MiB,
  buffers: buffers(peak),
});

function client(kind: 'waweb' | 'wwebjs', restoreMs: number, bigMs: number, backupMs: number, backupPeak: number): ClientResult {
  return {
    kind,
    pair: { readyMs: 1500, firstSave: { afterReadyMs: kind === 'waweb' ? 40 : 60_100, bytes: 4000 } },
    restore: [restore(restoreMs), restore(restoreMs + 10)],
    ...(kind === 'waweb' ? { pooledRestore: [restore(restoreMs / 2), restore(restoreMs / 2 + 10)] } : {}),
    bigRestore: [restore(bigMs), restore(bigMs + 10)],
    bigBackup: { durationMs: backupMs, bytes: 38 * MiB, profileBytes: 50 * MiB, rss: rss(backupPeak) },
    errors: [],
  };
}

const failover = (backend: string, maxKillMs: number, maxTermMs: number, overlaps = 0): RunResults['cluster']['failover'][number] => ({
  backend,
  maxKillMs,
  maxTermMs,
  overlaps,
});

const sessions = (kind: 'waweb' | 'wwebjs', n: number, pss: number, allReadyMs: number, restartMs: number): SessionsResult => ({
  kind,
  sessions: n,
  allReadyMs,
  readyMs: [],
  pssMiB: [pss],
  medianPssMiB: pss,
  localRestartMs: [restartMs],
  medianLocalRestartMs: restartMs,
});

const big = (store: 'file' | 'postgres', backupPeak: number, restorePeaks: number[], failed = false): BigResult => ({
  kind: 'waweb',
  name: `big-${store}`,
  store,
  restore: [restore(300)],
  bigBackup: { durationMs: 9000, bytes: 150 * MiB, profileBytes: 200 * MiB, rss: rss(backupPeak) },
  bigRestore: [...restorePeaks.map((p) => restore(4000, p)), ...(failed ? [restore(6000, 1 * MiB, false)] : [])],
  errors: [],
});

/** A run where waweb meets every goal. */
function goodRun(): RunResults {
  return {
    fillBytes: 50 * MiB,
    bigBytes: 200 * MiB,
    clients: { waweb: client('waweb', 300, 900, 1500, 3 * MiB), wwebjs: client('wwebjs', 1000, 2400, 2700, 80 * MiB) },
    big: [big('file', 4 * MiB, [5 * MiB, 6 * MiB]), big('postgres', 7 * MiB, [8 * MiB])],
    sessions: [sessions('waweb', 10, 50, 1500, 200), sessions('wwebjs', 10, 140, 4400, 500)],
    cluster: {
      failover: [failover('postgres', 7000, 1500), failover('mongo', 7500, 1800)],
      host: {
        steps: [{ sessions: 10, medianReadyMs: 700, chromiumPssMiB: 550, availableMiB: 1900 }],
        stop: 'available memory under 2 GiB',
      },
    },
  };
}

const row = (rows: GoalRow[], id: GoalRow['id']): GoalRow => {
  const found = rows.find((r) => r.id === id);
  if (!found) throw new Error(`no row ${id}`);
  return found;
};

test('every goal of the issue has a row, and a run that meets them all says so on each', () => {
  const rows = goalRows(goodRun());
  for (const goal of GOALS.filter((g) => g.id !== 'pssMany')) expect(rows.some((r) => r.id === goal.id)).toBe(true);
  for (const r of rows) {
    const reported = GOALS.find((g) => g.id === r.id)?.threshold.kind === 'reported';
    expect([r.id, r.status]).toEqual([r.id, reported ? 'reported' : 'met']);
  }
  expect(row(rows, 'restoreBig').metric).toBe('RemoteAuth restore → ready, 50 MiB');
  // The pooled row sets waweb's pooled restores against whatsapp-web.js's own (it has no pool).
  expect(row(rows, 'restoreFreshPooled').values.ratio).toBeCloseTo(155 / 1005, 3);
  expect(row(rows, 'bigPostgresRestore').metric).toContain('200 MiB profile, PostgreSQL');
});

test('a ratio is waweb over whatsapp-web.js within the run, judged against the goal', () => {
  const run = goodRun();
  run.clients.waweb = client('waweb', 630, 900, 1500, 3 * MiB);
  run.clients.wwebjs = client('wwebjs', 1230, 2400, 2700, 80 * MiB);
  const fresh = row(goalRows(run), 'restoreFresh');
  // Medians of 630/640 and 1230/1240 ms.
  expect(fresh.ratio).toBe('0.51x');
  expect(fresh.status).toBe('not met');
  expect(fresh.goal).toBe('≤ 0.4x');
});

test('peak Buffer memory over 16 MiB is not met, for the backup and for any big restore sample', () => {
  const run = goodRun();
  run.clients.waweb = client('waweb', 300, 900, 1500, 17 * MiB);
  run.big = [big('file', 4 * MiB, [5 * MiB, 17 * MiB]), big('postgres', 7 * MiB, [8 * MiB])];
  const rows = goalRows(run);
  expect(row(rows, 'backupBuffers').status).toBe('not met');
  expect(row(rows, 'bigFileRestore').status).toBe('not met');
  expect(row(rows, 'bigFileBackup').status).toBe('met');
  expect(row(rows, 'bigPostgresRestore').status).toBe('met');
});

test('a big restore that showed a QR is not met, however little memory the others took', () => {
  const run = goodRun();
  run.big = [big('file', 4 * MiB, [5 * MiB], true), big('postgres', 7 * MiB, [8 * MiB])];
  const r = row(goalRows(run), 'bigFileRestore');
  expect(r.status).toBe('not met');
  expect(r.waweb).toContain('FAILED 1/2');
});

test('a big restore row shows the live Buffer memory ("held", read after a GC) beside the peak, like a backup row', () => {
  const run = goodRun();
  const held = (ms: number, peak: number, retained: number): RestoreResult => {
    const r = restore(ms, peak);
    return { ...r, memory: { untilProfile: null, untilReady: { ...buffers(peak), peakRetained: retained } } };
  };
  run.big = [{ ...big('file', 4 * MiB, []), bigRestore: [held(4000, 12 * MiB, 1 * MiB), held(4100, 9 * MiB, 3 * MiB)] }];
  const r = row(goalRows(run), 'bigFileRestore');
  expect(r.waweb).toBe('4.05 s, +12.0 MiB (held +3.0 MiB)');
  expect(r.status).toBe('met');
});

test('SIGKILL failover with an overlap is not met even within 8 s; a missing backend is not measured', () => {
  const run = goodRun();
  run.cluster.failover = [failover('postgres', 7000, 1500, 1), failover('mongo', 7500, 1800)];
  expect(row(goalRows(run), 'sigkill').status).toBe('not met');
  run.cluster.failover = [failover('postgres', 7000, 1500)];
  const rows = goalRows(run);
  expect(row(rows, 'sigkill').status).toBe('not measured');
  expect(row(rows, 'sigterm').waweb).toBe('1.50 s / –');
  // One backend already over the goal is enough to say so.
  run.cluster.failover = [failover('postgres', 7000, 2500)];
  expect(row(goalRows(run), 'sigterm').status).toBe('not met');
});

test('PSS per session is judged at 10 sessions and reported at every other count measured', () => {
  const run = goodRun();
  run.sessions.push(sessions('waweb', 100, 55, 30_000, 200), sessions('wwebjs', 100, 130, 90_000, 500));
  const rows = goalRows(run);
  expect(row(rows, 'pss').metric).toBe('Chromium PSS per session, 10 at once');
  expect(row(rows, 'pss').status).toBe('met');
  const many = row(rows, 'pssMany');
  expect(many.metric).toBe('Chromium PSS per session, 100 at once');
  expect([many.status, many.waweb, many.wwebjs]).toEqual(['reported', '55.0 MiB', '130.0 MiB']);
  // Without a 10-session run, the goal row says it was not measured.
  run.sessions = run.sessions.filter((s) => s.sessions === 100);
  expect(row(goalRows(run), 'pss').status).toBe('not measured');
});

test('a run with --only keeps only the rows it measured something for', () => {
  const run: RunResults = {
    ...goodRun(),
    clients: {},
    sessions: [],
    cluster: { failover: [], host: undefined },
  };
  const rows = goalRows(run, { onlyMeasured: true });
  expect(rows.map((r) => r.id)).toEqual(['bigFileBackup', 'bigFileRestore', 'bigPostgresBackup', 'bigPostgresRestore']);
  expect(goalRows(run).find((r) => r.id === 'restoreFresh')?.status).toBe('not measured');
});

test('the command line asks for the big rows alone, their size, and several session counts', () => {
  const defaults = parseArgs([]);
  expect([defaults.bigBytes, defaults.sessions, defaults.hostMax]).toEqual([200 * MiB, [10], 1000]);
  const args = parseArgs(['--only', 'big', '--big-mb', '20', '--sessions', '100,10']);
  expect([args.only, args.bigBytes, args.sessions]).toEqual(['big', 20 * MiB, [10, 100]]);
  expect(parseArgs(['--sessions', '0']).sessions).toEqual([]);
  expect(() => parseArgs(['--only', 'everything'])).toThrow('--only takes');
  expect(() => parseArgs(['--big-mb', '0'])).toThrow('--big-mb');
});
