/**
 * The memory of browser process trees, read from Linux's /proc: each root and all its descendants
 * (Chromium's renderers, GPU and utility processes), counted once each. Proportional set size
 * (smaps_rollup `Pss`, shared pages split between their users) where the kernel gives it, resident
 * set size (status `VmRSS`) otherwise. Elsewhere than Linux, 0.
 */
import { readProcessTrees } from '../util/process-tree';

/** Bytes used by the processes `roots` and every descendant of theirs (each once); 0 off Linux. */
export async function processTreeMemory(roots: readonly number[], proc = '/proc'): Promise<number> {
  const trees = await readProcessTrees(roots, proc);
  return [...trees.values()].reduce((sum, tree) => sum + tree.memoryBytes, 0);
}

/** The ppid in a stat line: `pid (comm) state ppid ...`, where comm may hold spaces and parentheses. */
export function parentOf(stat: string): number | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  const ppid = Number(stat.slice(close + 2).split(' ')[1]);
  return Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
}
