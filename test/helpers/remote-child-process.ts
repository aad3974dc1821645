/**
 * Runs test/helpers/remote-child.ts (a waweb Client with RemoteAuth) in a
 * child Node process and reads its JSON reports. The child is started as the
 * leader of its own process group; puppeteer starts Chromium as the leader of
 * another one. `killTree()` sends SIGKILL to both groups, as a crash or an
 * OOM kill of the whole service would, and then proves nothing of either
 * group (and no process naming the profile) is left.
 */
import { join } from 'node:path';
import { isLive, isLiveState, killAll, processes, processesMentioning } from './processes';
import type { ChildReport, RemoteChildConfig } from './remote-child';
import { spawnReporting } from './reporting-child';

const SCRIPT = join(__dirname, 'remote-child.ts');

export type Report = ChildReport & { t: number };
type ReportOf<T extends Report['type']> = Extract<Report, { type: T }>;

export interface RemoteChild {
  readonly pid: number;
  readonly reports: Report[];
  /** Chromium's main pid, once the child reported it. */
  browserPid(): number | undefined;
  count(type: Report['type']): number;
  /** The `nth` report of `type` (1-based), waiting for it; rejects early if the child exits first. */
  until<T extends Report['type']>(type: T, nth?: number, timeoutMs?: number): Promise<ReportOf<T>>;
  /** The first report from index `from` on that `matches`, waiting for it; rejects early if the child exits first. */
  when(matches: (r: Report) => boolean, from?: number, timeoutMs?: number): Promise<Report>;
  /** SIGKILL to the child's and Chromium's process groups; resolves with the pids that survived (none, normally). */
  killTree(): Promise<number[]>;
  /** Closes stdin (the child destroys its client and exits); kills the tree when it takes too long. */
  stop(timeoutMs?: number): Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Last lines of the child's stderr, for failure messages. */
  stderr(): string;
}

export function spawnRemoteChild(config: RemoteChildConfig, options: { cwd: string }): RemoteChild {
  const spawned = spawnReporting<Report>(SCRIPT, { WAWEB_REMOTE_CHILD: JSON.stringify(config) }, { cwd: options.cwd, label: 'child' });
  const { pid, reports, exited } = spawned;
  const child = spawned.process;
  const browserPid = (): number | undefined => reports.find((r): r is ReportOf<'browser'> => r.type === 'browser')?.pid;
  const waitFor = <R>(find: () => R | undefined, what: string, timeoutMs: number): Promise<R> =>
    spawned.waitFor(find, () => `${what} (reports: ${reports.map((r) => r.type).join(' ')})`, timeoutMs);

  let killing: Promise<number[]> | undefined;
  const handle: RemoteChild = {
    pid,
    reports,
    browserPid,
    exited,
    stderr: () => spawned.stderr(),
    count: (type) => reports.filter((r) => r.type === type).length,
    until<T extends Report['type']>(type: T, nth = 1, timeoutMs = 30_000): Promise<ReportOf<T>> {
      const of = (r: Report): r is ReportOf<T> => r.type === type;
      return waitFor(() => reports.filter(of)[nth - 1], `report '${type}' #${nth}`, timeoutMs);
    },
    when(matches: (r: Report) => boolean, from = 0, timeoutMs = 30_000): Promise<Report> {
      return waitFor(() => reports.slice(from).find(matches), 'the report waited for', timeoutMs);
    },
    killTree(): Promise<number[]> {
      killing ??= (async () => {
        const groups = [pid, browserPid()].filter((p): p is number => p !== undefined);
        const profile = join(config.dataPath, `RemoteAuth-${config.clientId}`);
        // Everything below the child now, in case a process left its group.
        const tree = descendants(pid);
        killAll(groups.map((group) => -group));
        killAll(tree);
        const deadline = Date.now() + 10_000;
        for (;;) {
          const left = [...new Set([...inGroups(groups), ...tree.filter(isLive), ...processesMentioning(`--user-data-dir=${profile}`)])];
          if (left.length === 0) break;
          if (Date.now() >= deadline) {
            killAll(left);
            return left;
          }
          await new Promise((r) => setTimeout(r, 25));
        }
        await exited;
        return [];
      })();
      return killing;
    },
    async stop(timeoutMs = 20_000): Promise<void> {
      if (!spawned.exit()) {
        child.stdin?.end();
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
        clearTimeout(timer);
      }
      const left = await handle.killTree();
      if (left.length > 0) throw new Error(`processes survived the child's stop: ${left.join(', ')}`);
    },
  };
  return handle;
}

function descendants(root: number): number[] {
  const all = processes();
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const p of all) {
      if (p.ppid === parent && !out.includes(p.pid)) {
        out.push(p.pid);
        queue.push(p.pid);
      }
    }
  }
  return out;
}

/** Live processes in any of the process groups. */
export function inGroups(groups: number[]): number[] {
  return processes()
    .filter((p) => isLiveState(p) && groups.includes(p.pgrp))
    .map((p) => p.pid);
}
