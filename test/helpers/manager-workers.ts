/**
 * Spawns SessionManager workers (test/helpers/manager-worker.ts) in child processes, each the leader
 * of its own process group, and reads their JSON reports. `signal()` reaches only the worker's Node
 * process (its Chromiums must notice on their own); `destroy()` kills the worker, every Chromium it
 * reported and anything naming its data folder, and proves nothing is left.
 */
import { join } from 'node:path';
import type { WorkerConfig, WorkerReport } from './manager-worker';
import { isLive, killAll, processesMentioning, waitForNone } from './processes';
import { spawnReporting } from './reporting-child';

const SCRIPT = join(__dirname, 'manager-worker.ts');

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
  /** The exit, once the worker has exited. */
  exit(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** Kills whatever is left of the worker and its browsers; resolves with the pids that survived (none). */
  destroy(): Promise<number[]>;
  stderr(): string;
}

export function spawnWorker(config: WorkerConfig, onReport?: (report: Reported, worker: string) => void): Worker {
  const spawned = spawnReporting<Reported>(
    SCRIPT,
    { WAWEB_WORKER: JSON.stringify(config) },
    {
      label: `worker ${config.workerId}`,
      onReport: (report) => onReport?.(report, config.workerId),
    },
  );
  const { pid, reports, exited } = spawned;
  const browsers = (): number[] => reports.flatMap((r) => (r.type === 'browser' ? [r.pid] : []));
  let destroying: Promise<number[]> | undefined;
  return {
    id: config.workerId,
    pid,
    reports,
    exited,
    exit: () => spawned.exit(),
    browsers,
    stderr: () => spawned.stderr(),
    when(matches, timeoutMs = 60_000, from = 0): Promise<Reported> {
      const seen = (): string => reports.map((r) => `${r.type}:${'id' in r ? r.id : ''}`).join(' ');
      return spawned.waitFor(
        () => reports.slice(from).find(matches),
        () => `a matching report (saw ${seen()})`,
        timeoutMs,
      );
    },
    send(command: object): void {
      spawned.process.stdin?.write(`${JSON.stringify(command)}\n`);
    },
    signal(signal: NodeJS.Signals): void {
      if (!spawned.exit()) process.kill(pid, signal);
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
        if (!spawned.exit()) await exited;
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
