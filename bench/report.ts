/** The bench's report: the table of the clients' numbers, and the machine it ran on. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { findChromium } from '../src/browser/executable';
import type { ClientResult, RestorePhases, RestoreResult } from './client';
import { MiB, firstLine, fmtBytes, fmtMiB, fmtS } from './format';
import type { ClientKind } from './protocol';
import { median } from './sessions';
import { wwebjsChromium } from './wwebjs-chromium';

const ROOT = resolve(__dirname, '..');
/** The clients, in the order they run and the table shows them. */
export const KINDS: readonly ClientKind[] = ['waweb', 'wwebjs', 'plugin'];
export const LABEL: Record<ClientKind, string> = {
  waweb: 'waweb',
  wwebjs: 'whatsapp-web.js 1.34.7',
  plugin: 'whatsapp-web.js + waweb/wwebjs RemoteAuth',
};

export interface Row {
  metric: string;
  cells: Record<ClientKind, string>;
}

/** Median (min–max) of the successful samples, and how many failed. */
function restoreCell(samples: RestoreResult[]): string | undefined {
  if (samples.length === 0) return undefined;
  const ok = samples.filter((r) => r.ok).map((r) => r.ms!);
  const failed = samples.filter((r) => !r.ok);
  const parts: string[] = [];
  if (ok.length === 1) parts.push(fmtS(ok[0]!));
  else if (ok.length > 1)
    parts.push(`${fmtS(median(ok))} (${(Math.min(...ok) / 1000).toFixed(2)}–${(Math.max(...ok) / 1000).toFixed(2)}, n=${ok.length})`);
  if (failed.length) parts.push(`FAILED ${failed.length}/${samples.length}: ${failed[0]!.failure}`);
  return parts.join('; ');
}

function profileCell(samples: RestoreResult[]): string {
  const ms = samples.filter((r) => r.ok && r.profileMs != null).map((r) => r.profileMs!);
  return ms.length ? fmtS(median(ms)) : '–';
}

/** The highest Buffer memory growth of the successful samples, from `initialize()` to `ready`. */
function restoreBuffersCell(samples: RestoreResult[]): string {
  const peaks = samples.filter((r) => r.ok && r.memory).map((r) => r.memory!.untilReady.peak);
  return peaks.length ? `+${fmtMiB(Math.max(...peaks))}` : '–';
}

function phasesCell(samples: RestoreResult[]): string | undefined {
  const all = samples.filter((r) => r.phases).map((r) => r.phases!);
  if (all.length === 0) return undefined;
  const m = (k: keyof RestorePhases): string => {
    const values = all.map((p) => p[k]).filter((v): v is number => v !== undefined);
    return values.length ? (median(values) / 1000).toFixed(2) : '–';
  };
  return `${m('profile')} / ${m('launch')} / ${m('loadAndLogin')} (boot ${m('boot')}) / ${m('sync')}`;
}

export function rows(results: Partial<Record<ClientKind, ClientResult>>, fillBytes: number): Row[] {
  const fill = `${Math.round(fillBytes / MiB)} MiB`;
  const cell = (kind: ClientKind, pick: (r: ClientResult) => string | undefined): string => {
    const r = results[kind];
    if (!r) return 'not run';
    const value = pick(r);
    if (value !== undefined) return value;
    return r.errors.length ? `error: ${firstLine(r.errors[0]!).slice(0, 80)}` : 'not reached';
  };
  const row = (metric: string, pick: (r: ClientResult) => string | undefined): Row => ({
    metric,
    cells: { waweb: cell('waweb', pick), wwebjs: cell('wwebjs', pick), plugin: cell('plugin', pick) },
  });
  return [
    row('1. ready → first durable backup (remote_session_saved)', (r) =>
      r.pair?.firstSave ? fmtS(r.pair.firstSave.afterReadyMs) : undefined,
    ),
    row('2. backup bytes, fresh session (first backup)', (r) => (r.pair?.firstSave ? fmtBytes(r.pair.firstSave.bytes) : undefined)),
    row(`2. backup bytes, ${fill} session`, (r) => (r.bigBackup ? fmtBytes(r.bigBackup.bytes) : undefined)),
    row('3. restore → ready, first backup (fresh dir), median', (r) => restoreCell(r.restore)),
    row(`3. restore → ready, ${fill} session (fresh dir), median`, (r) => restoreCell(r.bigRestore)),
    row(`   of which store → local profile, first / ${fill}`, (r) =>
      r.restore.length || r.bigRestore.length ? `${profileCell(r.restore)} / ${profileCell(r.bigRestore)}` : undefined,
    ),
    row(`   peak Buffer memory initialize() → ready, first / ${fill}`, (r) =>
      r.restore.length || r.bigRestore.length ? `${restoreBuffersCell(r.restore)} / ${restoreBuffersCell(r.bigRestore)}` : undefined,
    ),
    row(`   phases s (store→profile / launch / load+login (boot) / sync), first`, (r) => phasesCell(r.restore)),
    row(`   phases s, ${fill} session`, (r) => phasesCell(r.bigRestore)),
    row(`4. Node RSS peak during backup, ${fill} session`, (r) => (r.bigBackup ? fmtMiB(r.bigBackup.rss.peak) : undefined)),
    row(`   RSS before that backup → growth`, (r) =>
      r.bigBackup ? `${fmtMiB(r.bigBackup.rss.baseline)} → +${fmtMiB(r.bigBackup.rss.peak - r.bigBackup.rss.baseline)}` : undefined,
    ),
    row(`   peak Buffer memory then (external / arrayBuffers growth)`, (r) =>
      r.bigBackup ? `+${fmtMiB(r.bigBackup.rss.buffers.peakExternal)} / +${fmtMiB(r.bigBackup.rss.buffers.peakArrayBuffers)}` : undefined,
    ),
    row(`   backup duration, ${fill} session`, (r) => (r.bigBackup ? fmtS(r.bigBackup.durationMs) : undefined)),
    row(`   profile IndexedDB + Local Storage on disk`, (r) => (r.bigBackup ? fmtMiB(r.bigBackup.profileBytes) : undefined)),
    row('   pairing: initialize() → ready (QR scanned)', (r) => (r.pair ? fmtS(r.pair.readyMs) : undefined)),
  ];
}

export function table(list: Row[]): string {
  const all = [{ metric: 'metric', cells: LABEL }, ...list];
  const metricWidth = Math.max(...all.map((r) => r.metric.length));
  const width = (kind: ClientKind): number => Math.max(...all.map((r) => r.cells[kind].length));
  const line = (r: Row): string => `| ${r.metric.padEnd(metricWidth)} | ${KINDS.map((k) => r.cells[k].padEnd(width(k))).join(' | ')} |`;
  const sep = `|${'-'.repeat(metricWidth + 2)}|${KINDS.map((k) => '-'.repeat(width(k) + 2)).join('|')}|`;
  return [line(all[0]!), sep, ...list.map(line)].join('\n');
}

function chromiumVersion(executable: string): string {
  try {
    const version = execFileSync(executable, ['--version'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
    return `${version.trim()} (${executable})`;
  } catch {
    return `unknown (${executable})`;
  }
}

export function machine(): Record<string, unknown> {
  const chromium = `waweb: ${chromiumVersion(findChromium())}; whatsapp-web.js: ${chromiumVersion(wwebjsChromium())}`;
  const pkg = (name: string): string => {
    try {
      return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`, { paths: [ROOT] }), 'utf8')) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  };
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    totalMemMiB: Math.round(totalmem() / MiB),
    chromium,
    waweb: (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version,
    whatsappWebJs: pkg('whatsapp-web.js'),
  };
}
