/**
 * Issue 23, the chaos soak, short: three workers (each a SessionManager on PostgreSQL and one on
 * MongoDB) share four sessions (two per database; `npm run chaos` runs twelve on a random schedule)
 * while every fault kind hits them once, in a fixed order, at seeded moments: SIGKILL, SIGTERM, a
 * PostgreSQL restart, a MongoDB freeze, the CLI's rekey and import --force against a live session,
 * a SIGSTOP of a worker's Node alone past the lease TTL, then restart and logout clicked on a worker
 * that does not hold the session (the stalled one, which shed its sessions, when it can). Over the whole run: no two browsers on one session, no
 * stale write served as the newest generation, every session ready again within the fault's
 * duration + TTL + 45 s, never a QR after pairing, a refusal (NOT_OWNER, LEASE_LIVE) for every
 * write that does not hold the lease, and every process stopped at the end. A failure prints the
 * seed and the summary.
 */
import { runChaos } from '../helpers/chaos';
import { FAULT_KINDS, formatSummary, SHORT_SCHEDULE, type ChaosSummary } from '../helpers/chaos-plan';

const SEED = 2323;
const controller = new AbortController();
let running: Promise<ChaosSummary> | undefined;

// A test that times out leaves the soak running: stop it, and wait for its teardown.
afterAll(async () => {
  controller.abort();
  await running?.catch(() => undefined);
}, 120_000);

test('every fault kind once: one browser per session, no stale newest generation, every session back without a QR', async () => {
  running = runChaos({
    seed: SEED,
    minutes: 0,
    schedule: SHORT_SCHEDULE,
    workers: 3,
    sessions: 4,
    leaseTtlMs: 6000,
    backupSyncIntervalMs: 4000,
    restoreBudgetMs: 45_000,
    gapMs: [1000, 4000],
    growBytes: 32 * 1024,
    growCapBytes: 1024 * 1024,
    signal: controller.signal,
    log: (line) => process.env['WAWEB_TEST_DEBUG'] && console.log(line),
  });
  const summary = await running;
  console.log(formatSummary(summary));
  expect(summary.faults).toEqual(Object.fromEntries(FAULT_KINDS.map((k) => [k, 1])));
  expect(summary.records.filter((r) => r.outcome === 'no target')).toEqual([]);
  if (summary.violations.length > 0) throw new Error(`chaos soak failed with seed ${SEED}:\n${formatSummary(summary)}`);
  expect(summary.overlaps).toBe(0);
  expect(summary.staleReads).toBe(0);
  expect(summary.qrAfterPairing).toBe(0);
}, 1_200_000);
