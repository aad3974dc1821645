/**
 * Readings of process trees from Linux's /proc: a root process (a Chromium browser) with every
 * descendant (its zygotes, renderers, GPU and utility processes) and every member of its process
 * group (Chromium leads its own), each process counted once. Memory is the proportional set size
 * (smaps_rollup `Pss`: shared pages split between their users), or the resident set size (status
 * `VmRSS`) where the kernel has no smaps_rollup. CPU is user plus system time in seconds, with the
 * time of children already exited and reaped (`cutime`, `cstime`), so a renderer that exits does not
 * take its time with it. Nothing here throws: a process that exits between two reads is normal and
 * is simply left out. Elsewhere than Linux every reading is `undefined`.
 */
import { execFile } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';

const KIB = 1024;

/** The fields of `/proc/<pid>/stat` a reading uses. Times are in clock ticks. */
export interface ProcStat {
  ppid: number;
  pgrp: number;
  /** utime + stime + cutime + cstime, in clock ticks. */
  ticks: number;
}

/** One tree's use at one moment. */
export interface TreeReading {
  /** The processes counted, the root first. */
  pids: number[];
  /** Pss (else VmRSS) of every process, bytes. */
  memoryBytes: number;
  /** CPU time of every process and of its reaped children, seconds. */
  cpuSeconds: number;
}

/**
 * A stat line: `pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
 * utime stime cutime cstime ...`, where comm may hold spaces and parentheses (so the fields are
 * counted from the last `)`). `undefined` for anything else.
 */
export function parseStat(stat: string): ProcStat | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  // [0] state, [1] ppid, [2] pgrp, ... [11] utime, [12] stime, [13] cutime, [14] cstime
  const fields = stat
    .slice(close + 2)
    .trim()
    .split(' ');
  const numbers = [1, 2, 11, 12, 13, 14].map((i) => Number(fields[i]));
  if (!numbers.every((n) => Number.isSafeInteger(n) && n >= 0)) return undefined;
  const [ppid, pgrp, utime, stime, cutime, cstime] = numbers as [number, number, number, number, number, number];
  return { ppid, pgrp, ticks: utime + stime + cutime + cstime };
}

/** `Field:   123 kB` of smaps_rollup or status, in bytes; `undefined` when the field is missing. */
export function parseKiBField(text: string, field: string): number | undefined {
  const match = new RegExp(`^${field}:\\s+([0-9]+) kB`, 'm').exec(text);
  return match ? Number(match[1]) * KIB : undefined;
}

let ticksPerSecond: Promise<number> | undefined;

/** The kernel's clock tick (`getconf CLK_TCK`, asked once); 100, what Linux uses everywhere common, if that fails. */
export function clockTicks(): Promise<number> {
  ticksPerSecond ??= new Promise((resolve) => {
    execFile('getconf', ['CLK_TCK'], { timeout: 5000 }, (err, stdout) => {
      const hz = Number(String(stdout).trim());
      resolve(err || !Number.isSafeInteger(hz) || hz <= 0 ? 100 : hz);
    });
  });
  return ticksPerSecond;
}

/** Whether readings are possible here (Linux). */
export const processTreesSupported = process.platform === 'linux';

/**
 * One reading per root that still exists, with one pass over /proc for all of them. A process
 * reachable from two roots counts for the first one only.
 */
export async function readProcessTrees(roots: readonly number[], proc = '/proc'): Promise<Map<number, TreeReading>> {
  const out = new Map<number, TreeReading>();
  if (!processTreesSupported || roots.length === 0) return out;
  const stats = await readStats(proc);
  const children = new Map<number, number[]>();
  const groups = new Map<number, number[]>();
  for (const [pid, stat] of stats) {
    push(children, stat.ppid, pid);
    push(groups, stat.pgrp, pid);
  }
  const hz = await clockTicks();
  const claimed = new Set<number>();
  for (const root of roots) {
    if (!stats.has(root) || claimed.has(root)) continue;
    const pids: number[] = [];
    const queue = [root];
    while (queue.length > 0) {
      const pid = queue.shift() as number;
      if (claimed.has(pid)) continue;
      claimed.add(pid);
      pids.push(pid);
      queue.push(...(children.get(pid) ?? []));
      // The group the root leads: helpers re-parented away from the browser still belong to it.
      if (pid === root) queue.push(...(groups.get(root) ?? []));
    }
    const memory = await Promise.all(pids.map((pid) => processMemory(proc, pid)));
    const ticks = pids.reduce((sum, pid) => sum + (stats.get(pid)?.ticks ?? 0), 0);
    out.set(root, { pids, memoryBytes: memory.reduce((a, b) => a + b, 0), cpuSeconds: ticks / hz });
  }
  return out;
}

/** Every process's stat fields; processes gone or unreadable are left out. */
async function readStats(proc: string): Promise<Map<number, ProcStat>> {
  const entries = await readdir(proc).catch(() => [] as string[]);
  const pids = entries.filter((name) => /^[0-9]+$/.test(name)).map(Number);
  const stats = new Map<number, ProcStat>();
  await Promise.all(
    pids.map(async (pid) => {
      const stat = parseStat(await readFile(`${proc}/${pid}/stat`, 'utf8').catch(() => ''));
      if (stat) stats.set(pid, stat);
    }),
  );
  return stats;
}

/** One process's Pss (or, without smaps_rollup, its VmRSS) in bytes; 0 when it is gone or unreadable. */
async function processMemory(proc: string, pid: number): Promise<number> {
  const rollup = await readFile(`${proc}/${pid}/smaps_rollup`, 'utf8').catch(() => '');
  const pss = parseKiBField(rollup, 'Pss');
  if (pss !== undefined) return pss;
  const status = await readFile(`${proc}/${pid}/status`, 'utf8').catch(() => '');
  return parseKiBField(status, 'VmRSS') ?? 0;
}

function push(map: Map<number, number[]>, key: number, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
