/**
 * The process table, read from /proc: what the tests and the bench use to find
 * the browsers and child processes they started and to prove none is left.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** Process group. */
  pgrp: number;
  /** State letter from /proc/<pid>/stat (`Z` zombie, `X` dead). */
  state: string;
}

/** Every process in /proc, zombies included. */
export function processes(): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name: state, ppid, pgrp, ...
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ pid: Number(entry), state: fields[0] ?? '', ppid: Number(fields[1]), pgrp: Number(fields[2]) });
    } catch {
      // exited while we looked
    }
  }
  return out;
}

/** Not a zombie, not dead. */
export const isLiveState = (p: ProcessInfo): boolean => p.state !== 'Z' && p.state !== 'X';

/** Whether `pid` is a live (non-zombie) process. */
export function isLive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** The command line of `pid` (arguments separated by NUL), or undefined once it has exited. */
export function cmdlineOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return undefined;
  }
}

/** Live processes other than this one, each with its command line. */
export function liveProcesses(): Array<ProcessInfo & { cmdline: string }> {
  const out: Array<ProcessInfo & { cmdline: string }> = [];
  for (const p of processes()) {
    if (p.pid === process.pid || !isLiveState(p)) continue;
    const cmdline = cmdlineOf(p.pid);
    if (cmdline !== undefined) out.push({ ...p, cmdline });
  }
  return out;
}

/** Live processes (never this one) whose command line contains `needle`. */
export function processesMentioning(needle: string): number[] {
  return liveProcesses()
    .filter((p) => p.cmdline.includes(needle))
    .map((p) => p.pid);
}

/** SIGKILL to each of `pids` (a negative one names a process group); those already gone are skipped. */
export function killAll(pids: Iterable<number>): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

/** Polls `find` until it returns nothing or `timeoutMs` has passed; returns what it found last. */
export async function waitForNone(find: () => number[], timeoutMs: number, pollMs = 25): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = find();
    if (left.length === 0 || Date.now() >= deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
