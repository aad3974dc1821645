/**
 * Spawns SessionManager workers (test/helpers/manager-worker.ts) in child processes, each the leader
 * of its own process group, and reads their JSON reports. `signal()` reaches only the worker's Node
 * process (its Chromiums must notice on their own); `destroy()` kills the worker, every Chromium it
 * reported and anything naming its data folder, and proves nothing is left.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { WorkerConfig, WorkerReport } from './manager-worker';
import { isLive, killAll, processesMentioning, waitForNone } from './processes';

const ROOT = resolve(__dirname, '..', '..');
const SCRIPT = join(ROOT, 'test', 'helpers', 'manager-worker.ts');
const BOOTSTRAP = [
  `require(require.resolve('ts-node', { paths: [${JSON.stringify(ROOT)}] })).register({ transpileOnly: true, project: ${JSON.stringify(join(ROOT, 'tsconfig.json'))} });`,
  `require(${JSON.stringify(SCRIPT)});`,
].join('\n');

export type Reported = WorkerReport & { t: number };

export interface Worker {
  readonly id: string;
  readonly pid: number;
  readonly reports: Reported[];
  /** The first report from index `from` on that `matches`; rejects when the worker exits first or after `timeoutMs`. */
  when(matches: (r: Reported) => boolean, timeoutMs?: number, from?: number): Promise<Reported>;
  /** A command line on stdin. */
  send(command: object): void;
  /** A signal to the worker's Node process only. */
  signal(signal: NodeJS.Signals): void;
  /** Chromium pids this worker reported. */
  browsers(): number[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Kills whatever is left of the worker and its browsers; resolves with the pids that survived (none). */
  destroy(): Promise<number[]>;
  stderr(): string;
}

export function spawnWorker(config: WorkerConfig, onReport?: (report: Reported, worker: string) => void): Worker {
  const child: ChildProcess = spawn(process.execPath, ['-e', BOOTSTRAP], {
    cwd: ROOT,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, WAWEB_WORKER: JSON.stringify(config) },
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('the worker did not start');
  const reports: Reported[] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      done(exitInfo);
      for (const w of [...waiters]) w();
    });
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-6000);
  });
  child.stdin?.on('error', () => undefined);
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      reports.push(JSON.parse(line) as Reported);
    } catch {
      stderr = (stderr + `\n[stdout] ${line}`).slice(-6000);
      return;
    }
    if (process.env['WAWEB_TEST_DEBUG']) console.log(config.workerId, line);
    const last = reports[reports.length - 1];
    if (last) onReport?.(last, config.workerId);
    for (const w of [...waiters]) w();
  });
  const browsers = (): number[] => reports.flatMap((r) => (r.type === 'browser' ? [r.pid] : []));
  let destroying: Promise<number[]> | undefined;
  return {
    id: config.workerId,
    pid,
    reports,
    exited,
    browsers,
    stderr: () => stderr,
    when(matches, timeoutMs = 60_000, from = 0): Promise<Reported> {
      return new Promise<Reported>((resolveWait, reject) => {
        const check = (): void => {
          const found = reports.slice(from).find(matches);
          if (found) {
            done();
            resolveWait(found);
          } else if (exitInfo) {
            done();
            reject(new Error(`worker ${config.workerId} exited (${JSON.stringify(exitInfo)}) first; stderr: ${stderr.slice(-1500)}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          const seen = reports.map((r) => `${r.type}:${'id' in r ? r.id : ''}`).join(' ');
          reject(
            new Error(`worker ${config.workerId}: no matching report within ${timeoutMs} ms; saw ${seen}; stderr: ${stderr.slice(-1500)}`),
          );
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    send(command: object): void {
      child.stdin?.write(`${JSON.stringify(command)}\n`);
    },
    signal(signal: NodeJS.Signals): void {
      if (!exitInfo) process.kill(pid, signal);
    },
    destroy(): Promise<number[]> {
      destroying ??= (async () => {
        // A stopped process group takes SIGKILL too; CONT first so nothing lingers stopped.
        for (const target of [-pid, ...browsers().map((b) => -b)]) {
          try {
            process.kill(target, 'SIGCONT');
          } catch {
            // gone
          }
        }
        killAll([-pid, pid, ...browsers().map((b) => -b), ...browsers()]);
        const left = await waitForNone(() => [...[pid, ...browsers()].filter(isLive), ...processesMentioning(config.dataPath)], 10_000);
        killAll(left);
        if (!exitInfo) await exited;
        return left;
      })();
      return destroying;
    },
  };
}

/** Who runs each session now: the last worker that reported it `ready` and has not lost or released it since. */
export function currentOwners(workers: readonly Worker[]): Map<string, string> {
  const events = workers
    .flatMap((w) => w.reports.map((r) => ({ w: w.id, r })))
    .filter(({ r }) => r.type === 'ready' || r.type === 'lost' || r.type === 'released')
    .sort((a, b) => a.r.t - b.r.t);
  const out = new Map<string, string>();
  for (const { w, r } of events) {
    if (!('id' in r)) continue;
    if (r.type === 'ready') out.set(r.id, w);
    else if (out.get(r.id) === w) out.delete(r.id);
  }
  return out;
}

/** Resolves once every one of `sessions` is owned and the workers hold their shares (differing by at most one). */
export async function balanced(workers: readonly Worker[], sessions: readonly string[], timeoutMs: number): Promise<Map<string, string>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const owners = currentOwners(workers);
    const counts = workers.map((w) => [...owners.values()].filter((o) => o === w.id).length);
    if (sessions.every((id) => owners.has(id)) && Math.max(...counts) - Math.min(...counts) <= 1) return owners;
    if (Date.now() > deadline)
      throw new Error(`sessions not spread over the workers within ${timeoutMs} ms: ${JSON.stringify([...owners])}`);
    // Until any worker reports something new, or a second passes.
    await Promise.any(workers.map((w) => w.when(() => true, 1000, w.reports.length))).catch(() => undefined);
  }
}
