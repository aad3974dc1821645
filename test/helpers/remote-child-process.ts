/**
 * Runs test/helpers/remote-child.ts (a waweb Client with RemoteAuth) in a
 * child Node process and reads its JSON reports. The child is started as the
 * leader of its own process group; puppeteer starts Chromium as the leader of
 * another one. `killTree()` sends SIGKILL to both groups, as a crash or an
 * OOM kill of the whole service would, and then proves nothing of either
 * group (and no process naming the profile) is left.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { isLive, isLiveState, killAll, processes, processesMentioning } from './processes';
import type { ChildReport, RemoteChildConfig } from './remote-child';

const ROOT = resolve(__dirname, '..', '..');
const SCRIPT = join(ROOT, 'test', 'helpers', 'remote-child.ts');

// Registers ts-node (transpile only, as bin/waweb.js does) and runs the child script.
const BOOTSTRAP = [
  `require(require.resolve('ts-node', { paths: [${JSON.stringify(ROOT)}] })).register({ transpileOnly: true, project: ${JSON.stringify(join(ROOT, 'tsconfig.json'))} });`,
  `require(${JSON.stringify(SCRIPT)});`,
].join('\n');

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
  const child: ChildProcess = spawn(process.execPath, ['-e', BOOTSTRAP], {
    cwd: options.cwd,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, WAWEB_REMOTE_CHILD: JSON.stringify(config) },
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('the child process did not start');
  const reports: Report[] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolveExit(exitInfo);
      for (const w of [...waiters]) w();
    });
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-6000);
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let parsed: Report;
    try {
      parsed = JSON.parse(line) as Report;
    } catch {
      stderr = (stderr + `\n[stdout] ${line}`).slice(-6000);
      return;
    }
    if (process.env['WAWEB_TEST_DEBUG']) console.log('child', pid, parsed);
    reports.push(parsed);
    for (const w of [...waiters]) w();
  });
  // A test that fails before stop() must not leave the child behind: see killTree() in afterEach.
  child.stdin?.on('error', () => undefined);

  const browserPid = (): number | undefined => reports.find((r): r is ReportOf<'browser'> => r.type === 'browser')?.pid;
  const describe = (): string =>
    `reports: ${reports.map((r) => r.type).join(' ')}; exit: ${JSON.stringify(exitInfo)}; stderr: ${stderr.slice(-1500)}`;

  const waitFor = <R>(find: () => R | undefined, what: string, timeoutMs: number): Promise<R> =>
    new Promise<R>((resolveWait, reject) => {
      const check = (): void => {
        const found = find();
        if (found !== undefined) {
          done();
          resolveWait(found);
        } else if (exitInfo) {
          done();
          reject(new Error(`child exited before ${what}; ${describe()}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`child did not report ${what} within ${timeoutMs} ms; ${describe()}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  let killing: Promise<number[]> | undefined;
  const handle: RemoteChild = {
    pid,
    reports,
    browserPid,
    exited,
    stderr: () => stderr,
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
      if (!exitInfo) {
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
