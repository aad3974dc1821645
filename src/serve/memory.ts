/**
 * The memory of browser process trees, read from Linux's /proc: each root and all its descendants
 * (Chromium's renderers, GPU and utility processes), counted once each. Proportional set size
 * (smaps_rollup `Pss`, shared pages split between their users) where the kernel gives it, resident
 * set size (status `VmRSS`) otherwise. Elsewhere than Linux, 0.
 */
import { readFile, readdir } from 'node:fs/promises';

const KIB = 1024;

/** Bytes used by the processes `roots` and every descendant of theirs; 0 off Linux. */
export async function processTreeMemory(roots: readonly number[], proc = '/proc'): Promise<number> {
  if (process.platform !== 'linux' || roots.length === 0) return 0;
  const children = await childrenByParent(proc);
  const seen = new Set<number>();
  const queue = [...roots];
  while (queue.length > 0) {
    const pid = queue.pop() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  const sizes = await Promise.all([...seen].map((pid) => processMemory(proc, pid)));
  return sizes.reduce((a, b) => a + b, 0);
}

/** Every process's children, from the ppid field of /proc/<pid>/stat. */
async function childrenByParent(proc: string): Promise<Map<number, number[]>> {
  const entries = await readdir(proc).catch(() => [] as string[]);
  const pids = entries.filter((name) => /^[0-9]+$/.test(name)).map(Number);
  const map = new Map<number, number[]>();
  await Promise.all(
    pids.map(async (pid) => {
      const ppid = parentOf(await readFile(`${proc}/${pid}/stat`, 'utf8').catch(() => ''));
      if (ppid === undefined) return;
      const list = map.get(ppid);
      if (list) list.push(pid);
      else map.set(ppid, [pid]);
    }),
  );
  return map;
}

/** The ppid in a stat line: `pid (comm) state ppid ...`, where comm may hold spaces and parentheses. */
export function parentOf(stat: string): number | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  const ppid = Number(stat.slice(close + 2).split(' ')[1]);
  return Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
}

/** One process's Pss (or, without smaps_rollup, its VmRSS) in bytes; 0 when it is gone. */
async function processMemory(proc: string, pid: number): Promise<number> {
  const rollup = await readFile(`${proc}/${pid}/smaps_rollup`, 'utf8').catch(() => '');
  const pss = kib(rollup, 'Pss');
  if (pss !== undefined) return pss * KIB;
  const status = await readFile(`${proc}/${pid}/status`, 'utf8').catch(() => '');
  return (kib(status, 'VmRSS') ?? 0) * KIB;
}

function kib(text: string, field: string): number | undefined {
  const match = new RegExp(`^${field}:\\s+([0-9]+) kB`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}
