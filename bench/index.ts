/**
 * `npm run bench`: waweb's RemoteAuth side by side with whatsapp-web.js 1.34.7's,
 * in one run, on one simulator, on this machine. See docs/bench.md.
 *
 * The simulator runs here; each client phase runs in its own Node child process
 * (bench/child.ts) so RSS numbers belong to that client alone. Per client:
 *   A. pair: fresh profile, QR scanned by the simulated phone, `ready`, first
 *      `remote_session_saved`; then the whole process tree is SIGKILLed;
 *   B. restore: fresh local folder, restore from the store, until `ready`;
 *      then the phone fills the session's history (`phone.fillHistory`) and the
 *      client takes one backup while its Node RSS is sampled; then SIGKILL;
 *   C. restore of that big backup into a fresh folder, until `ready`; SIGKILL.
 *
 * Restore times are sampled --repeat times (default 5) each; the extra samples
 * run restore-only children that see the store read-only (they add no backup).
 *
 * Then the big-profile rows (waweb, `--big-mb` of history, FileStore and PostgreSQL: backup and
 * restore with the child's Buffer memory sampled), N sessions at once, and the SessionManager numbers
 * (failover, sessions per host). At the end, the goals table (bench/goals.ts) says which goal is met.
 *
 * Options: see bench/args.ts and docs/bench.md. Numbers are reported, never asserted.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { WhatsAppSimulator } from '../src/simulator';
import { parseArgs } from './args';
import { benchBig, bigLines, type BigResult } from './big';
import { addPhones, benchClient, clientTarget, type ClientResult, type Ctx } from './client';
import { runCluster, printCluster, type ClusterResults } from './cluster-report';
import { fmtBytes, fmtS } from './format';
import { goalRows, goalTable, type RunResults } from './goal-table';
import type { ClientKind } from './protocol';
import { KINDS, LABEL, machine, rows, table } from './report';
import { ChildRunner, killPhase } from './runner';
import { measureSessions, type SessionsResult } from './sessions';

/**
 * The whole run is stopped (and cleaned up) past this. The clients take about 3 minutes, the big
 * profile rows about 5, the cluster phases 10 or more (sessions per host fills the machine's memory).
 */
const WATCHDOG_MS = 60 * 60_000;

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const loadBefore = loadavg().map((l) => Math.round(l * 100) / 100);
  const log = (s: string): void => void process.stderr.write(`${s}\n`);
  const work = await mkdtemp(join(tmpdir(), 'waweb-bench-'));
  const runner = new ChildRunner(args.verbose);
  let sim: WhatsAppSimulator | undefined;
  const results: Partial<Record<ClientKind, ClientResult>> = {};
  const big: BigResult[] = [];
  const sessions: SessionsResult[] = [];
  const sessionErrors: string[] = [];
  const cluster: ClusterResults = { failover: [], host: undefined, errors: [] };
  // Servers a phase started (PostgreSQL), stopped by the cleanup too whatever the phase does.
  const stops = new Set<() => Promise<void>>();

  // Idempotent: the signal handler, the watchdog and the normal end may all call it.
  let cleaning: Promise<void> | undefined;
  const cleanup = (): Promise<void> =>
    (cleaning ??= (async () => {
      await runner.stopAll();
      await killPhase(undefined, work).catch((err: unknown) => log(`bench: ${String(err)}`));
      for (const stop of stops) await stop().catch((err: unknown) => log(`bench: ${String(err)}`));
      await sim?.close().catch(() => undefined);
      if (!args.keep) await rm(work, { recursive: true, force: true, maxRetries: 3 });
      else log(`bench: kept ${work}`);
    })());
  let interrupted = false;
  const onSignal = (signal: string): void => {
    if (interrupted) return;
    interrupted = true;
    log(`bench: ${signal}: stopping every child process and browser of this run`);
    // Killing the children makes the running phase fail, so main() goes on to print what it has;
    // this exit is only a safety net.
    void cleanup().finally(() => setTimeout(() => process.exit(130), 15_000).unref());
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  const watchdog = setTimeout(() => {
    log(`bench: still running after ${WATCHDOG_MS / 60_000} min, giving up`);
    onSignal('watchdog');
  }, WATCHDOG_MS);

  try {
    sim = await WhatsAppSimulator.start({ adminPort: false });
    const ctx: Ctx = { sim, work, args, runner, interrupted: () => interrupted, onCleanup: (stop) => void stops.add(stop) };
    addPhones(sim);
    log(
      `bench: simulator on 127.0.0.1:${sim.port}; work folder ${work}; history fill ${fmtBytes(args.fillBytes)}, big profile ${fmtBytes(args.bigBytes)}`,
    );
    for (const kind of KINDS) {
      if (args.only && args.only !== kind) continue;
      if (interrupted) break;
      log(`bench: ${LABEL[kind]}`);
      const kindStarted = performance.now();
      const result: ClientResult = { kind, restore: [], bigRestore: [], errors: [] };
      results[kind] = result;
      try {
        await benchClient(ctx, clientTarget(ctx, kind), log, result);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        log(`  ${kind}: FAILED: ${message}`);
        result.errors.push(message);
      }
      log(`  ${kind}: done in ${fmtS(performance.now() - kindStarted)}`);
    }
    if (!interrupted && (!args.only || args.only === 'big')) await benchBig(ctx, log, big);
    // N paired sessions started at once, per client (the plugin's browser side is whatsapp-web.js's).
    for (const [run, n] of args.sessions.entries()) {
      for (const [i, kind] of (['waweb', 'wwebjs'] as const).entries()) {
        if ((args.only && args.only !== kind && args.only !== 'sessions') || interrupted) continue;
        log(`bench: ${n} sessions at once, ${LABEL[kind]}`);
        try {
          // Phones of their own for each count and client (200 sessions at most each).
          sessions.push(await measureSessions(sim, work, kind, n, 15550009000 + run * 1000 + i * 500, log));
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          log(`  ${kind}: ${n} sessions FAILED: ${message}`);
          sessionErrors.push(`${kind}, ${n} sessions: ${message}`);
        }
      }
    }
    if (!interrupted && (!args.only || args.only === 'cluster')) await runCluster(work, args.hostMax, log, cluster);
  } finally {
    clearTimeout(watchdog);
    await cleanup();
    // Anything a phase started while an interrupt's cleanup ran.
    await runner.stopAll();
    await killPhase(undefined, work).catch((err: unknown) => log(`bench: ${String(err)}`));
  }

  const totalMs = Math.round(performance.now() - started);
  const loadAfter = loadavg().map((l) => Math.round(l * 100) / 100);
  const list = rows(results, args.fillBytes);
  const run: RunResults = { fillBytes: args.fillBytes, bigBytes: args.bigBytes, clients: results, big, sessions, cluster };
  const goals = goalRows(run, { onlyMeasured: args.only !== undefined });
  const info = machine();
  console.log('');
  console.log(
    `waweb's Client, whatsapp-web.js ${String(info['whatsappWebJs'])} with its RemoteAuth, and with waweb/wwebjs's RemoteAuth — same simulator, same machine, one run`,
  );
  console.log(
    `(${String(info['cpus'])} CPUs, ${String(info['totalMemMiB'])} MiB RAM, Node ${process.version}, ${String(info['chromium'])}; FileStore for the clients, FileStore and PostgreSQL for the big-profile rows)`,
  );
  console.log(
    `load average (1/5/15 min) at start ${loadBefore.join(' ')}, at end ${loadAfter.join(' ')}: timings are noisy when it exceeds the CPU count`,
  );
  console.log('');
  if (Object.keys(results).length > 0) {
    console.log(table(list));
    console.log('');
  }
  for (const line of bigLines(big, args.bigBytes)) console.log(line);
  if (big.length > 0) console.log('');
  for (const r of sessions) {
    console.log(
      `${r.sessions} sessions at once, ${LABEL[r.kind]}: all ready ${fmtS(r.allReadyMs)}; Chromium PSS per session median ${r.medianPssMiB} MiB (${r.pssMiB.join(', ')}); LocalAuth restart → ready median ${fmtS(r.medianLocalRestartMs)} (${r.localRestartMs.map((ms) => fmtS(ms)).join(', ')})`,
    );
  }
  for (const e of sessionErrors) console.log(`sessions at once: FAILED ${e}`);
  printCluster(cluster);
  if (sessions.length > 0 || sessionErrors.length > 0 || cluster.failover.length > 0 || cluster.host || cluster.errors.length > 0)
    console.log('');
  console.log('Goals (issue 28, and issue 13 where it still applies): ratios are waweb / whatsapp-web.js within this run');
  console.log(goalTable(goals));
  console.log('');
  console.log(`total bench time: ${fmtS(totalMs)}`);
  if (args.json) {
    await writeFile(
      args.json,
      `${JSON.stringify({ startedAt: new Date(Date.now() - totalMs).toISOString(), totalMs, fillBytes: args.fillBytes, bigBytes: args.bigBytes, repeat: args.repeat, sessionCounts: args.sessions, loadavg: { start: loadBefore, end: loadAfter }, machine: info, goals, rows: list, results, big, sessions, cluster }, null, 2)}\n`,
    );
    console.log(`JSON written to ${args.json}`);
  }
  if (interrupted) return 130;
  const failed =
    Object.values(results).some((r) => r && r.errors.length > 0) ||
    big.some((r) => r.errors.length > 0) ||
    sessionErrors.length > 0 ||
    cluster.errors.length > 0;
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  },
);
