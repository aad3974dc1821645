/**
 * The chaos soak's vocabulary: its fault kinds, its options, what it expects of the code under test
 * (switchable where a prerequisite may be missing), its seeded randomness and its summary.
 */

/** Every fault the soak can inject, in the order the short schedule runs them. */
export const FAULT_KINDS = [
  'sigkill',
  'sigstop',
  'sigterm',
  'pg-restart',
  'mongo-freeze',
  'click-restart',
  'click-logout',
  'cli-rekey',
  'cli-import',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * The short run's fixed order: every kind once. The stall comes right before the clicks so that the
 * stalled worker, which lost its sessions but still lists them, is there to be clicked: the path of
 * issue 23 where a restart on a worker that shed a session starts a second browser.
 */
export const SHORT_SCHEDULE: readonly FaultKind[] = [
  'sigkill',
  'sigterm',
  'pg-restart',
  'mongo-freeze',
  'cli-rekey',
  'cli-import',
  'sigstop',
  'click-restart',
  'click-logout',
];

export function isFaultKind(name: string): name is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(name);
}

/**
 * What the soak expects where issue 23's changes define the answer. A check is never skipped: an
 * answer other than the expected one is a violation. To run without a change that has not landed
 * yet, leave its fault kind out (`kinds`) or name the answer that build gives.
 */
export interface ChaosExpectations {
  /** `code` of the dashboard's 409 to a restart or logout on a worker that does not hold the session. @default 'NOT_OWNER' */
  notOwnerCode: string;
  /** Code the CLI names when it refuses to write a session whose lease is live (without `--force-live`). @default 'LEASE_LIVE' */
  liveWriteCode: string;
}

export interface ChaosOptions {
  /** Seed of every random choice (which fault, when, which worker or session, how long). */
  seed: number;
  /** Faults stop being started after this long (the random schedule); ignored with `schedule`. */
  minutes: number;
  /** Exactly these faults, in this order (the short, fixed schedule), instead of random ones. */
  schedule?: readonly FaultKind[];
  /** Fault kinds the random schedule draws from. @default every kind available here */
  kinds?: readonly FaultKind[];
  /** Worker processes (each runs one manager on PostgreSQL and one on MongoDB). @default 3 */
  workers: number;
  /** Sessions, half on PostgreSQL and half on MongoDB. @default 12 */
  sessions: number;
  /** @default 8000 */
  leaseTtlMs: number;
  /** RemoteAuth's periodic backup interval. @default 5000 */
  backupSyncIntervalMs: number;
  /** A session must be `ready` again within the fault's own duration + TTL + this. @default 60000 */
  restoreBudgetMs: number;
  /** Pause between one fault's recovery and the next fault, drawn from this range, ms. @default [3000, 15000] */
  gapMs: readonly [number, number];
  /** History the phones push into each session's page per growth step, and the cap per session. */
  growBytes: number;
  growCapBytes: number;
  expect: ChaosExpectations;
  /** Stops the soak (its teardown still runs). */
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export const DEFAULT_OPTIONS: Omit<ChaosOptions, 'seed' | 'minutes'> = {
  workers: 3,
  sessions: 12,
  leaseTtlMs: 8000,
  backupSyncIntervalMs: 5000,
  restoreBudgetMs: 60_000,
  gapMs: [3000, 15_000],
  growBytes: 48 * 1024,
  growCapBytes: 3 * 1024 * 1024,
  expect: { notOwnerCode: 'NOT_OWNER', liveWriteCode: 'LEASE_LIVE' },
};

/** One injected fault and what followed it. */
export interface FaultRecord {
  kind: FaultKind;
  /** Worker or session it hit. */
  target: string;
  startedAt: number;
  /** How long the fault itself lasted (a stall, an outage), ms. */
  durationMs: number;
  /** What the system answered (HTTP status and code, CLI exit and code, worker exit). */
  outcome: string;
  /** From the fault's start until every session was `ready` again on the worker holding its lease; null: never within the wait. */
  recoveryMs: number | null;
  budgetMs: number;
  /** A stall only: see FaultResult.takeoverMs. */
  takeoverMs?: number | null;
}

export interface ChaosSummary {
  seed: number;
  minutes: number;
  workers: number;
  sessions: number;
  faults: Record<FaultKind, number>;
  /** Per fault kind, how often each outcome was seen. */
  outcomes: Record<string, Record<string, number>>;
  /** Moments the simulator saw two browsers hold one session. */
  overlaps: number;
  /** Polls that found the store serving, as a session's newest generation, a write older than one already stored by a newer owner (or one the store refused). */
  staleReads: number;
  /** The newest generation's bytes matched no save any worker reported. */
  unknownWrites: number;
  /** QRs shown for a session after its first backup. */
  qrAfterPairing: number;
  recoveries: number;
  slowestRecoveryMs: number;
  /** Recoveries over their budget, or that never came. */
  lateRecoveries: number;
  /** Stalls whose sessions all ran elsewhere before the stalled worker was woken, and the slowest such takeover. */
  takeovers: number;
  slowestTakeoverMs: number;
  /** Browsers of a killed or stopped worker still running after it was gone. */
  orphanBrowsers: number;
  records: FaultRecord[];
  /** Every violation, one line each; empty when the soak passed. */
  violations: string[];
}

/** mulberry32: a small seeded generator, the same sequence for the same seed on every machine. */
export class Random {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** In [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('chaos: nothing to pick from');
    return items[Math.floor(this.next() * items.length)] as T;
  }
}

/** The summary as the lines `npm run chaos` prints. */
export function formatSummary(s: ChaosSummary): string {
  const lines = [
    `chaos soak: seed ${s.seed}, ${s.minutes.toFixed(1)} minutes, ${s.workers} workers, ${s.sessions} sessions`,
    '| fault | count | outcomes |',
    '|---|---|---|',
    ...Object.entries(s.faults).map(
      ([kind, n]) =>
        `| ${kind} | ${n} | ${Object.entries(s.outcomes[kind] ?? {})
          .map(([o, c]) => `${o} ×${c}`)
          .join('; ')} |`,
    ),
    `overlaps (two browsers on one session): ${s.overlaps}`,
    `stale newest generations served: ${s.staleReads}; newest generations no worker wrote: ${s.unknownWrites}`,
    `QRs after the first pairing: ${s.qrAfterPairing}`,
    `recoveries: ${s.recoveries}, slowest ${(s.slowestRecoveryMs / 1000).toFixed(1)} s (from the fault's start), late or missing ${s.lateRecoveries}`,
    `stalls taken over while the worker was stopped: ${s.takeovers} of ${s.faults.sigstop}, slowest ${(s.slowestTakeoverMs / 1000).toFixed(1)} s`,
    `browsers left running by a killed worker: ${s.orphanBrowsers}`,
  ];
  if (s.violations.length > 0) {
    lines.push(`FAILED (seed ${s.seed}): ${s.violations.length} violations`, ...s.violations.map((v) => `  - ${v}`));
  } else lines.push('passed');
  return lines.join('\n');
}
