/**
 * The chaos soak of issue 23 (`npm run chaos`, bench/chaos.ts; a short fixed schedule in
 * test/e2e/chaos.test.ts). Worker processes share sessions over PostgreSQL and MongoDB leases
 * (test/helpers/chaos-cluster.ts) while faults hit them one after another (chaos-faults.ts), each
 * followed by a wait until every session is `ready` again on the worker holding its lease. Checked
 * the whole time: the simulator never sees two browsers on one session, no store serves a stale
 * write as the newest generation (chaos-watch.ts), no QR after a session's first backup.
 *
 * Profiles grow: the phones push history into every paired session's page (the simulator's
 * `fillHistory`, which the page keeps in IndexedDB), so each periodic backup is larger than the last.
 */
import { setMaxListeners } from 'node:events';
import { delay } from '../../src/util/deadline';
import { ChaosCluster } from './chaos-cluster';
import { killSessionClis } from './cli';
import { available, FAULTS, type FaultContext, type FaultResult } from './chaos-faults';
import { DEFAULT_OPTIONS, FAULT_KINDS, Random, type ChaosOptions, type ChaosSummary, type FaultKind, type FaultRecord } from './chaos-plan';
import { StaleWatch } from './chaos-watch';

/** Runs the soak; resolves with its summary (violations listed, not thrown). Everything it started is stopped before it returns. */
export async function runChaos(given: Partial<ChaosOptions> & Pick<ChaosOptions, 'seed' | 'minutes'>): Promise<ChaosSummary> {
  const options: ChaosOptions = { ...DEFAULT_OPTIONS, ...given };
  const log = options.log ?? (() => undefined);
  const random = new Random(options.seed);
  const stop = new AbortController();
  // Every wait of the soak listens to it.
  setMaxListeners(1000, stop.signal);
  const cluster = await ChaosCluster.start(options);
  const onAbort = (): void => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const overlaps: string[] = [];
  cluster.sim.on('overlap', (o) => {
    const id = cluster.sessionOfNumber(o.phone);
    overlaps.push(`${id ?? o.phone} at ${o.at}${id ? ` (${cluster.describeHolders(id)})` : ''}`);
    log(`overlap: ${overlaps[overlaps.length - 1] ?? ''}`);
  });
  const records: FaultRecord[] = [];
  const violations: string[] = [];
  let orphanBrowsers = 0;
  let watch: StaleWatch | undefined;
  const background: Array<Promise<void>> = [];
  let faultsFrom = Date.now();
  try {
    for (let i = 0; i < options.workers; i++) cluster.spawn();
    log(`seed ${options.seed}: ${options.workers} workers, sessions ${cluster.sessions.join(' ')}; pairing`);
    const paired = await cluster.changes.until(
      () => cluster.sessions.every((id) => cluster.paired.has(id)) && cluster.allUp(),
      Math.max(300_000, options.sessions * 60_000),
      stop.signal,
    );
    if (!paired) throw new Error(`chaos: not every session was paired, backed up and ready in time (seed ${options.seed})`);
    log('all sessions paired and backed up');
    watch = await StaleWatch.open(cluster);
    background.push(loop(stop.signal, 3000, () => (watch as StaleWatch).poll()));
    const grown = new Map<string, number>();
    background.push(loop(stop.signal, 4000, () => cluster.grow(options.growBytes, options.growCapBytes, grown, stop.signal)));

    const kinds = (options.kinds ?? FAULT_KINDS).filter((k) => available(cluster, k));
    const ctx: FaultContext = { cluster, random, options, signal: stop.signal };
    faultsFrom = Date.now();
    const until = faultsFrom + options.minutes * 60_000;
    for (let i = 0; options.schedule ? i < options.schedule.length : Date.now() < until; i++) {
      await delay(random.between(options.gapMs[0], options.gapMs[1]), stop.signal);
      const kind: FaultKind = options.schedule ? (options.schedule[i] as FaultKind) : random.pick(kinds);
      const broken = cluster.broken();
      if (broken) {
        violations.push(`the soak stopped early: ${broken}`);
        break;
      }
      const startedAt = Date.now();
      const result = await FAULTS[kind](ctx).catch((err: unknown): FaultResult => {
        if (stop.signal.aborted) throw err;
        const message = err instanceof Error ? err.message : String(err);
        return {
          target: '-',
          durationMs: 0,
          outcome: 'the fault itself failed',
          detail: message,
          violations: [`the fault itself failed: ${message}`],
        };
      });
      orphanBrowsers += result.orphans ?? 0;
      violations.push(...result.violations.map((v) => `${new Date(startedAt).toISOString()} ${kind}: ${v}`));
      const budgetMs = result.durationMs + options.leaseTtlMs + options.restoreBudgetMs;
      const up = await cluster.changes.until(() => cluster.allUp(), Math.max(0, startedAt + 2 * budgetMs - Date.now()), stop.signal);
      const recoveryMs = up ? Date.now() - startedAt : null;
      const record: FaultRecord = {
        kind,
        target: result.target,
        startedAt,
        durationMs: result.durationMs,
        outcome: result.outcome,
        ...(result.takeoverMs !== undefined ? { takeoverMs: result.takeoverMs } : {}),
        recoveryMs,
        budgetMs,
      };
      records.push(record);
      if (recoveryMs === null || recoveryMs > budgetMs) {
        const down = cluster.recoverable().filter((id) => cluster.holder(id) === undefined);
        for (const id of down) cluster.lost.add(id);
        violations.push(
          `${new Date(startedAt).toISOString()} ${kind} (${result.target}): sessions ${recoveryMs === null ? `still down after ${2 * budgetMs} ms` : `ready again only after ${recoveryMs} ms`} (budget ${budgetMs} ms)${down.length ? `; down: ${down.join(' ')}` : ''}`,
        );
      }
      log(
        `${kind} ${result.target}: ${result.outcome}${result.detail ? ` (${result.detail})` : ''}; ${recoveryMs === null ? `NOT recovered (given up on: ${[...cluster.lost].join(' ')})` : `all ready after ${(recoveryMs / 1000).toFixed(1)} s`} (overlaps so far ${overlaps.length}, stale ${watch.stale.length})`,
      );
    }
    // The last look: one more store poll once every write has had time to report its end.
    await delay(3000, stop.signal);
    await watch.poll();
  } finally {
    stop.abort();
    options.signal?.removeEventListener('abort', onAbort);
    await Promise.allSettled(background);
    // A CLI command still running when the soak was stopped.
    killSessionClis();
    await watch?.close().catch(() => undefined);
    const left = await cluster.destroy();
    if (left.length > 0) violations.push(`processes left after the teardown: ${left.join(' ')}`);
  }
  violations.push(...cluster.crashes);
  for (const o of overlaps) violations.push(`two browsers held session ${o}`);
  for (const s of watch.episodes()) violations.push(`stale newest generation: ${s}`);
  for (const u of watch.unknown) violations.push(`unknown writer: ${u}`);
  for (const q of cluster.qrsAfterPairing) violations.push(`QR after pairing: ${q.id} on ${q.worker} at ${new Date(q.at).toISOString()}`);
  return summarize(options, cluster, records, violations, {
    overlaps: overlaps.length,
    stale: watch.stale.length,
    unknown: watch.unknown.length,
    orphanBrowsers,
    ms: Date.now() - faultsFrom,
  });
}

/** Runs `step` again and again, `everyMs` apart, until `signal` aborts; a failing step is skipped. */
async function loop(signal: AbortSignal, everyMs: number, step: () => Promise<void>): Promise<void> {
  while (!signal.aborted) {
    await step().catch(() => undefined);
    await delay(everyMs, signal).catch(() => undefined);
  }
}

function summarize(
  options: ChaosOptions,
  cluster: ChaosCluster,
  records: FaultRecord[],
  violations: string[],
  n: { overlaps: number; stale: number; unknown: number; orphanBrowsers: number; ms: number },
): ChaosSummary {
  const faults = Object.fromEntries(FAULT_KINDS.map((k) => [k, records.filter((r) => r.kind === k).length])) as Record<FaultKind, number>;
  const outcomes: Record<string, Record<string, number>> = {};
  for (const r of records) {
    const byKind = (outcomes[r.kind] ??= {});
    byKind[r.outcome] = (byKind[r.outcome] ?? 0) + 1;
  }
  const recovered = records.filter((r) => r.recoveryMs !== null);
  return {
    seed: options.seed,
    minutes: n.ms / 60_000,
    workers: options.workers,
    sessions: options.sessions,
    faults,
    outcomes,
    overlaps: n.overlaps,
    staleReads: n.stale,
    unknownWrites: n.unknown,
    qrAfterPairing: cluster.qrsAfterPairing.length,
    recoveries: recovered.length,
    slowestRecoveryMs: Math.max(0, ...recovered.map((r) => r.recoveryMs as number)),
    lateRecoveries: records.filter((r) => r.recoveryMs === null || r.recoveryMs > r.budgetMs).length,
    takeovers: records.filter((r) => typeof r.takeoverMs === 'number').length,
    slowestTakeoverMs: Math.max(0, ...records.map((r) => r.takeoverMs ?? 0)),
    orphanBrowsers: n.orphanBrowsers,
    records,
    violations,
  };
}
