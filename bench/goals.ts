/**
 * The goals the bench checks, as data: issue 28's table in its order, the big-profile rows, what
 * the issue asks to be reported, then issue 13's goals that still hold. bench/goal-table.ts measures
 * each one from a run's results and says whether it is met; docs/bench.md describes the rows.
 */
import { MiB } from './format';

export type GoalId =
  | 'restoreFresh'
  | 'restoreFreshPooled'
  | 'restorePhases'
  | 'restoreBig'
  | 'backupDuration'
  | 'backupBuffers'
  | 'pss'
  | 'sigterm'
  | 'sigkill'
  | 'bigFileBackup'
  | 'bigFileRestore'
  | 'bigPostgresBackup'
  | 'bigPostgresRestore'
  | 'pssMany'
  | 'hostSessions'
  | 'firstBackup'
  | 'localRestart'
  | 'sessionsReady';

export type Threshold =
  /** waweb's value over whatsapp-web.js's, both from the same run. */
  | { kind: 'ratio'; max: number }
  /** Every waweb value (one per backend or per sample) at most this; with `zeroOverlaps`, no overlap either. */
  | { kind: 'max'; max: number; unit: 'ms' | 'bytes'; zeroOverlaps?: boolean }
  /** No threshold: the issue asks for the number. */
  | { kind: 'reported' };

export interface Goal {
  id: GoalId;
  /** The issue that set it. */
  issue: number;
  /** The row's label; `{fill}`, `{big}` and `{sessions}` stand for the run's `--fill-mb`, `--big-mb` and session count. */
  metric: string;
  threshold: Threshold;
  /** Said after the threshold in the goal column. */
  note?: string;
  /** For the session rows: the number of sessions started at once that the goal is about. */
  atSessions?: number;
}

/** Issue 28's memory goal for a backup or a restore of any size. */
export const BUFFER_GOAL_BYTES = 16 * MiB;

export const GOALS: readonly Goal[] = [
  { id: 'restoreFresh', issue: 28, metric: 'RemoteAuth restore → ready, fresh', threshold: { kind: 'ratio', max: 0.4 } },
  {
    id: 'restoreFreshPooled',
    issue: 28,
    metric: '   the same, waweb with a browser pool of one (`browserPool`)',
    threshold: { kind: 'ratio', max: 0.4 },
  },
  {
    id: 'restorePhases',
    issue: 28,
    metric: '   of which store→profile / launch / load+login (boot) / sync',
    threshold: { kind: 'reported' },
  },
  { id: 'restoreBig', issue: 28, metric: 'RemoteAuth restore → ready, {fill}', threshold: { kind: 'ratio', max: 0.5 } },
  { id: 'backupDuration', issue: 28, metric: 'backup duration, {fill}', threshold: { kind: 'ratio', max: 0.8 } },
  {
    id: 'backupBuffers',
    issue: 28,
    metric: 'peak Buffer memory during that backup',
    threshold: { kind: 'max', max: BUFFER_GOAL_BYTES, unit: 'bytes' },
    note: 'whatever the profile size',
  },
  {
    id: 'pss',
    issue: 28,
    metric: 'Chromium PSS per session, {sessions} at once',
    threshold: { kind: 'ratio', max: 0.4 },
    atSessions: 10,
  },
  {
    id: 'sigterm',
    issue: 28,
    metric: "SIGTERM → the leaving worker's sessions ready elsewhere (PostgreSQL / MongoDB)",
    threshold: { kind: 'max', max: 2000, unit: 'ms' },
  },
  {
    id: 'sigkill',
    issue: 28,
    metric: "SIGKILL → the killed worker's sessions ready elsewhere (PostgreSQL / MongoDB)",
    threshold: { kind: 'max', max: 8000, unit: 'ms', zeroOverlaps: true },
    note: 'with default settings',
  },
  {
    id: 'bigFileBackup',
    issue: 28,
    metric: '{big} profile, FileStore: backup (duration, peak Buffer memory)',
    threshold: { kind: 'max', max: BUFFER_GOAL_BYTES, unit: 'bytes' },
  },
  {
    id: 'bigFileRestore',
    issue: 28,
    metric: '{big} profile, FileStore: restore → ready (median, peak Buffer memory)',
    threshold: { kind: 'max', max: BUFFER_GOAL_BYTES, unit: 'bytes' },
  },
  {
    id: 'bigPostgresBackup',
    issue: 28,
    metric: '{big} profile, PostgreSQL: backup (duration, peak Buffer memory)',
    threshold: { kind: 'max', max: BUFFER_GOAL_BYTES, unit: 'bytes' },
  },
  {
    id: 'bigPostgresRestore',
    issue: 28,
    metric: '{big} profile, PostgreSQL: restore → ready (median, peak Buffer memory)',
    threshold: { kind: 'max', max: BUFFER_GOAL_BYTES, unit: 'bytes' },
  },
  // One row per other session count the run measured (`--sessions 10,100`).
  { id: 'pssMany', issue: 28, metric: 'Chromium PSS per session, {sessions} at once', threshold: { kind: 'reported' } },
  {
    id: 'hostSessions',
    issue: 28,
    metric: 'sessions per host, until less than 2 GiB is available',
    threshold: { kind: 'reported' },
  },
  {
    id: 'firstBackup',
    issue: 13,
    metric: 'ready → first durable backup',
    threshold: { kind: 'max', max: 500, unit: 'ms' },
  },
  { id: 'localRestart', issue: 13, metric: 'LocalAuth restart → ready', threshold: { kind: 'ratio', max: 0.5 } },
  {
    id: 'sessionsReady',
    issue: 13,
    metric: '{sessions} sessions at once, all ready',
    threshold: { kind: 'ratio', max: 0.5 },
    atSessions: 10,
  },
];
