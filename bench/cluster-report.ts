/** Runs the cluster phases of the bench (bench/cluster.ts) and prints their lines. */
import { measureFailover, measureHost, type FailoverResult, type FailoverSteps, type HostResult } from './cluster';

export interface ClusterResults {
  failover: FailoverResult[];
  host: HostResult | undefined;
  errors: string[];
}

const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

export async function runCluster(
  work: string,
  hostMax: number | undefined,
  log: (line: string) => void,
  into: ClusterResults,
): Promise<void> {
  for (const kind of ['postgres', 'mongo'] as const) {
    log(`bench: failover, 3 workers x 9 sessions, ${kind} leases (the defaults)`);
    try {
      into.failover.push(await measureFailover(kind, work, log));
    } catch (err) {
      into.errors.push(`failover ${kind}: ${err instanceof Error ? err.message : String(err)}`);
      log(`  failover ${kind}: FAILED ${into.errors[into.errors.length - 1] ?? ''}`);
    }
  }
  if (hostMax === undefined) return;
  log(`bench: sessions per host (batches of 10, until less than 2 GiB is available, at most ${hostMax})`);
  try {
    into.host = await measureHost(work, hostMax, log);
  } catch (err) {
    into.errors.push(`sessions per host: ${err instanceof Error ? err.message : String(err)}`);
    log(`  host: FAILED ${into.errors[into.errors.length - 1] ?? ''}`);
  }
}

/** The latest moment of each step over the moved sessions. */
function where(steps: FailoverSteps[]): string {
  const last = (pick: (x: FailoverSteps) => number | null): string => {
    const seen = steps.map(pick).filter((ms): ms is number => ms !== null);
    return seen.length === 0 ? '-' : s(Math.max(...seen));
  };
  return (
    `final backup ${last((x) => x.savedMs)}, released ${last((x) => x.releasedMs)}, taken ${last((x) => x.acquiredMs)}, ` +
    `started ${last((x) => x.startedMs)}, restored ${last((x) => x.restoredMs)}, launched ${last((x) => x.launchedMs)}, ready ${last((x) => x.readyMs)}`
  );
}

export function printCluster(results: ClusterResults): void {
  for (const f of results.failover) {
    console.log(
      `failover (${f.backend} leases, TTL ${s(f.leaseTtlMs)}, sweep ${s(f.sweepIntervalMs)}): ` +
        `SIGKILL → all ${f.killMs.length} sessions ready elsewhere ${s(f.maxKillMs)} (goal ≤ 8 s: ${f.maxKillMs <= 8000 ? 'met' : 'NOT met'}); ` +
        `SIGTERM → all ${f.termMs.length} ready elsewhere ${s(f.maxTermMs)} (goal ≤ 2 s: ${f.maxTermMs <= 2000 ? 'met' : 'NOT met'}); ` +
        `moments two browsers held a session: ${f.overlaps}`,
    );
    console.log(
      `  where the time goes (slowest session of each step, from the signal): SIGKILL ${where(f.killSteps)}; SIGTERM ${where(f.termSteps)}`,
    );
  }
  const host = results.host;
  if (host) {
    const last = host.steps[host.steps.length - 1];
    const doubled =
      host.latencyDoubledAt === undefined
        ? "never twice the first batch's"
        : `twice the first batch's from ${host.latencyDoubledAt} sessions on`;
    console.log(
      `sessions per host: ${last?.sessions ?? 0} ready (stopped: ${host.stop}); Chromium PSS at the end ${last?.chromiumPssMiB ?? 0} MiB, available ${last?.availableMiB ?? 0} MiB`,
    );
    console.log(
      `  latency curve, sessions → the batch's median start → ready (${doubled}): ` +
        host.steps.map((st) => `${st.sessions}: ${s(st.medianReadyMs)}`).join(', '),
    );
    console.log(`  available memory, sessions → MiB: ${host.steps.map((st) => `${st.sessions}: ${st.availableMiB}`).join(', ')}`);
  }
  for (const e of results.errors) console.log(`cluster: FAILED ${e}`);
}
