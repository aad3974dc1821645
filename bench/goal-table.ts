/**
 * The goals table: one row per goal of bench/goals.ts, measured from one run's results, with
 * waweb's and whatsapp-web.js's numbers, their ratio, the goal and whether it is met.
 */
import type { BigResult, BigStore } from './big';
import type { ClientResult, RestorePhases, RestoreResult } from './client';
import type { FailoverResult, HostResult } from './cluster';
import { MiB, fmtMiB, fmtS } from './format';
import { GOALS, type Goal, type GoalId, type Threshold } from './goals';
import type { ClientKind } from './protocol';
import { median, type SessionsResult } from './sessions';

/** Everything one run measured that a goal may read. */
export interface RunResults {
  fillBytes: number;
  bigBytes: number;
  clients: Partial<Record<ClientKind, ClientResult>>;
  big: BigResult[];
  sessions: SessionsResult[];
  /** What the goals read of the cluster phases (a `ClusterResults` holds more). */
  cluster: {
    failover: Array<Pick<FailoverResult, 'backend' | 'maxKillMs' | 'maxTermMs' | 'overlaps'>>;
    host: HostResult | undefined;
  };
}

export type GoalStatus = 'met' | 'not met' | 'not measured' | 'reported';

export interface GoalRow {
  id: GoalId;
  issue: number;
  metric: string;
  waweb: string;
  wwebjs: string;
  ratio: string;
  goal: string;
  status: GoalStatus;
  /** The numbers behind the cells: ms, bytes, MiB (PSS) or a count, as the row says. */
  values: { waweb: number[]; wwebjs: number[]; ratio?: number; overlaps?: number[] };
}

/** What a goal's measure found. */
export interface Measured {
  waweb: number[];
  wwebjs: number[];
  wawebCell: string;
  wwebjsCell: string;
  /**
   * Every waweb value the goal needs is there (both backends, at least one sample). A ratio also
   * needs whatsapp-web.js's, which {@link judge} checks itself.
   */
  complete: boolean;
  /** A sample failed (a restore that showed a QR): the goal is not met whatever the numbers. */
  failed?: boolean;
  overlaps?: number[];
}

const NONE = '–';
const NOT_APPLICABLE = '—';
const BACKENDS = ['postgres', 'mongo'] as const;

const okMs = (samples: RestoreResult[]): number[] => samples.filter((r) => r.ok && r.ms !== null).map((r) => r.ms!);

/** waweb's restores (`pick`) against whatsapp-web.js's (`pickWwebjs`, the same by default). */
function restoreMeasure(
  run: RunResults,
  pick: (r: ClientResult) => RestoreResult[],
  pickWwebjs: (r: ClientResult) => RestoreResult[] = pick,
): Measured {
  const side = (kind: ClientKind): { values: number[]; cell: string; failed: boolean } => {
    const r = run.clients[kind];
    const samples = r ? (kind === 'wwebjs' ? pickWwebjs : pick)(r) : [];
    const ok = okMs(samples);
    const failed = samples.length - ok.length;
    const parts = ok.length ? [fmtS(median(ok))] : [];
    if (failed) parts.push(`FAILED ${failed}/${samples.length}`);
    return { values: ok.length ? [median(ok)] : [], cell: parts.join(' ') || NONE, failed: failed > 0 };
  };
  const w = side('waweb');
  const j = side('wwebjs');
  return {
    waweb: w.values,
    wwebjs: j.values,
    wawebCell: w.cell,
    wwebjsCell: j.cell,
    complete: w.values.length > 0,
    failed: w.failed,
  };
}

/** At most one number per client, each shown with `fmt`; complete once waweb's is there. */
function oneEach(waweb: number[], wwebjs: number[], fmt: (n: number) => string): Measured {
  return {
    waweb,
    wwebjs,
    wawebCell: waweb.length ? fmt(waweb[0]!) : NONE,
    wwebjsCell: wwebjs.length ? fmt(wwebjs[0]!) : NONE,
    complete: waweb.length > 0,
  };
}

/** One number per client from `pick` (undefined: not measured). */
function perClient(run: RunResults, pick: (r: ClientResult) => number | undefined, fmt: (n: number) => string): Measured {
  const value = (kind: ClientKind): number[] => {
    const r = run.clients[kind];
    const v = r ? pick(r) : undefined;
    return v === undefined ? [] : [v];
  };
  return oneEach(value('waweb'), value('wwebjs'), fmt);
}

function phaseMedians(samples: RestoreResult[]): number[] {
  const all = samples.filter((r) => r.ok && r.phases).map((r) => r.phases!);
  const m = (k: keyof RestorePhases): number => {
    const values = all.map((p) => p[k]).filter((v): v is number => v !== undefined);
    return values.length ? median(values) : NaN;
  };
  return all.length ? [m('profile'), m('launch'), m('loadAndLogin'), m('boot'), m('sync')] : [];
}

function phasesMeasure(run: RunResults): Measured {
  const values = (kind: ClientKind): number[] => phaseMedians(run.clients[kind]?.restore ?? []);
  const cell = (v: number[]): string => {
    if (v.length === 0) return NONE;
    const s = (n: number | undefined): string => (n === undefined || Number.isNaN(n) ? NONE : (n / 1000).toFixed(2));
    return `${s(v[0])} / ${s(v[1])} / ${s(v[2])} (boot ${s(v[3])}) / ${s(v[4])} s`;
  };
  const waweb = values('waweb');
  const wwebjs = values('wwebjs');
  return { waweb, wwebjs, wawebCell: cell(waweb), wwebjsCell: cell(wwebjs), complete: waweb.length > 0 };
}

function sessionsMeasure(run: RunResults, n: number, pick: (s: SessionsResult) => number, fmt: (v: number) => string): Measured {
  const value = (kind: ClientKind): number[] => {
    const found = run.sessions.find((s) => s.kind === kind && s.sessions === n);
    return found ? [pick(found)] : [];
  };
  return oneEach(value('waweb'), value('wwebjs'), fmt);
}

function failoverMeasure(run: RunResults, pick: 'maxTermMs' | 'maxKillMs'): Measured {
  const found = BACKENDS.map((b) => run.cluster.failover.find((f) => f.backend === b));
  const cell = found.map((f) => (f ? fmtS(f[pick]) : NONE)).join(' / ');
  const measured = found.filter((f) => f !== undefined);
  const extra =
    pick === 'maxKillMs' && measured.length ? ` (overlaps ${found.map((f) => (f ? String(f.overlaps) : NONE)).join(' / ')})` : '';
  return {
    waweb: measured.map((f) => f[pick]),
    wwebjs: [],
    wawebCell: measured.length ? `${cell}${extra}` : NONE,
    wwebjsCell: NOT_APPLICABLE,
    complete: measured.length === BACKENDS.length,
    overlaps: measured.map((f) => f.overlaps),
  };
}

function bigBackupMeasure(run: RunResults, store: BigStore): Measured {
  const b = run.big.find((r) => r.store === store)?.bigBackup;
  return {
    waweb: b ? [b.rss.buffers.peak] : [],
    wwebjs: [],
    wawebCell: b ? `${fmtS(b.durationMs)}, +${fmtMiB(b.rss.buffers.peak)} (held +${fmtMiB(b.rss.buffers.peakRetained)})` : NONE,
    wwebjsCell: NOT_APPLICABLE,
    complete: b !== undefined,
  };
}

function bigRestoreMeasure(run: RunResults, store: BigStore): Measured {
  const samples = run.big.find((r) => r.store === store)?.bigRestore ?? [];
  const ok = samples.filter((r) => r.ok);
  const peaks = ok.map((r) => r.memory?.untilReady.peak).filter((p): p is number => p !== undefined);
  // "held": the most Buffer memory still live right after a forced GC, to tell live bytes from garbage.
  const held = ok.map((r) => r.memory?.untilReady.peakRetained).filter((p): p is number => p !== undefined);
  const failed = samples.length - ok.length;
  const parts: string[] = [];
  const heldCell = held.length ? ` (held +${fmtMiB(Math.max(...held))})` : '';
  if (ok.length) parts.push(`${fmtS(median(okMs(ok)))}${peaks.length ? `, +${fmtMiB(Math.max(...peaks))}${heldCell}` : ''}`);
  if (failed) parts.push(`FAILED ${failed}/${samples.length}`);
  return {
    waweb: peaks,
    wwebjs: [],
    wawebCell: parts.join(' ') || NONE,
    wwebjsCell: NOT_APPLICABLE,
    complete: peaks.length > 0 && peaks.length === ok.length,
    failed: failed > 0,
  };
}

function hostMeasure(run: RunResults): Measured {
  const host = run.cluster.host;
  const last = host?.steps[host.steps.length - 1];
  return {
    waweb: last ? [last.sessions] : [],
    wwebjs: [],
    wawebCell: host && last ? `${last.sessions} (${host.stop}; ${last.availableMiB} MiB left)` : NONE,
    wwebjsCell: NOT_APPLICABLE,
    complete: last !== undefined,
  };
}

const mib = (v: number): string => `${v.toFixed(1)} MiB`;

function measure(goal: Goal, run: RunResults, sessions: number): Measured {
  switch (goal.id) {
    case 'restoreFresh':
      return restoreMeasure(run, (r) => r.restore);
    case 'restoreFreshPooled':
      return restoreMeasure(
        run,
        (r) => r.pooledRestore ?? [],
        (r) => r.restore,
      );
    case 'restorePhases':
      return phasesMeasure(run);
    case 'restoreBig':
      return restoreMeasure(run, (r) => r.bigRestore);
    case 'backupDuration':
      return perClient(run, (r) => r.bigBackup?.durationMs, fmtS);
    case 'backupBuffers':
      return perClient(run, (r) => r.bigBackup?.rss.buffers.peak, fmtMiB);
    case 'pss':
    case 'pssMany':
      return sessionsMeasure(run, sessions, (s) => s.medianPssMiB, mib);
    case 'sessionsReady':
      return sessionsMeasure(run, sessions, (s) => s.allReadyMs, fmtS);
    case 'localRestart': {
      // From the run at the goal's session count if there is one, else the first run.
      const n = run.sessions.some((s) => s.sessions === sessions) ? sessions : (run.sessions[0]?.sessions ?? sessions);
      return sessionsMeasure(run, n, (s) => s.medianLocalRestartMs, fmtS);
    }
    case 'sigterm':
      return failoverMeasure(run, 'maxTermMs');
    case 'sigkill':
      return failoverMeasure(run, 'maxKillMs');
    case 'bigFileBackup':
      return bigBackupMeasure(run, 'file');
    case 'bigFileRestore':
      return bigRestoreMeasure(run, 'file');
    case 'bigPostgresBackup':
      return bigBackupMeasure(run, 'postgres');
    case 'bigPostgresRestore':
      return bigRestoreMeasure(run, 'postgres');
    case 'hostSessions':
      return hostMeasure(run);
    case 'firstBackup':
      return perClient(run, (r) => r.pair?.firstSave?.afterReadyMs, fmtS);
  }
}

function goalText(goal: Goal): string {
  const t: Threshold = goal.threshold;
  let text: string;
  if (t.kind === 'ratio') text = `≤ ${t.max}x`;
  else if (t.kind === 'max')
    text = `≤ ${t.unit === 'ms' ? `${t.max / 1000} s` : `${t.max / MiB} MiB`}${t.zeroOverlaps ? ', zero overlaps' : ''}`;
  else text = 'reported';
  if (goal.note) text += ` ${goal.note}`;
  return goal.issue === 28 ? text : `${text} (issue ${goal.issue})`;
}

/** Whether the goal is met, from what was measured. */
export function judge(threshold: Threshold, m: Measured): { status: GoalStatus; ratio?: number } {
  const ratio = m.waweb.length === 1 && m.wwebjs.length === 1 && m.wwebjs[0]! > 0 ? m.waweb[0]! / m.wwebjs[0]! : undefined;
  const withRatio = (status: GoalStatus): { status: GoalStatus; ratio?: number } => (ratio === undefined ? { status } : { status, ratio });
  if (threshold.kind === 'reported') return withRatio(m.waweb.length || m.wwebjs.length ? 'reported' : 'not measured');
  if (m.failed) return withRatio('not met');
  if (threshold.kind === 'ratio') {
    if (ratio === undefined || !m.complete) return withRatio('not measured');
    return withRatio(ratio <= threshold.max ? 'met' : 'not met');
  }
  const over = m.waweb.some((v) => !(v <= threshold.max)) || (threshold.zeroOverlaps === true && (m.overlaps ?? []).some((o) => o > 0));
  if (over) return withRatio('not met');
  return withRatio(m.complete && m.waweb.length > 0 ? 'met' : 'not measured');
}

function label(goal: Goal, run: RunResults, sessions: number): string {
  return goal.metric
    .replace('{fill}', `${Math.round(run.fillBytes / MiB)} MiB`)
    .replace('{big}', `${Math.round(run.bigBytes / MiB)} MiB`)
    .replace('{sessions}', String(sessions));
}

/**
 * The goals table of a run. `onlyMeasured` (a run with `--only`) leaves out the rows it measured
 * nothing for.
 */
export function goalRows(run: RunResults, options: { onlyMeasured?: boolean } = {}): GoalRow[] {
  const out: GoalRow[] = [];
  for (const goal of GOALS) {
    let counts = [goal.atSessions ?? 0];
    // One row per session count the run measured besides the goal's (`--sessions 10,100`); none if there is none.
    if (goal.id === 'pssMany') counts = [...new Set(run.sessions.map((s) => s.sessions))].filter((n) => n !== 10).sort((a, b) => a - b);
    for (const n of counts) {
      const m = measure(goal, run, n);
      if (options.onlyMeasured && m.waweb.length === 0 && m.wwebjs.length === 0 && !m.failed) continue;
      const { status, ratio } = judge(goal.threshold, m);
      out.push({
        id: goal.id,
        issue: goal.issue,
        metric: label(goal, run, n),
        waweb: m.wawebCell,
        wwebjs: m.wwebjsCell,
        ratio: ratio === undefined ? NOT_APPLICABLE : `${ratio.toFixed(2)}x`,
        goal: goalText(goal),
        status,
        values: {
          waweb: m.waweb,
          wwebjs: m.wwebjs,
          ...(ratio === undefined ? {} : { ratio }),
          ...(m.overlaps ? { overlaps: m.overlaps } : {}),
        },
      });
    }
  }
  return out;
}

/** The rows as a Markdown table. */
export function goalTable(rows: GoalRow[]): string {
  const header = ['metric', 'waweb', 'whatsapp-web.js', 'ratio', 'goal', 'met'];
  const cells = rows.map((r) => [r.metric, r.waweb, r.wwebjs, r.ratio, r.goal, r.status === 'not met' ? 'NOT MET' : r.status]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => `| ${c.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}
