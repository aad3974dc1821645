/**
 * The chaos soak's faults, one function per kind. Each picks its target with the soak's seeded
 * random source, injects the fault, undoes it (thaw, resume, a replacement worker) and says what
 * the system answered; a wrong answer is returned as a violation, never thrown.
 */
import { join } from 'node:path';
import { delay } from '../../src/util/deadline';
import { killSessionClis, sessionCli, type CliRun } from './cli';
import { DASHBOARD_TOKEN, type ChaosCluster, type ChaosWorker } from './chaos-cluster';
import type { ChaosOptions, FaultKind, Random } from './chaos-plan';

export interface FaultResult {
  target: string;
  durationMs: number;
  /** What the system answered, as a category the summary counts. */
  outcome: string;
  /** Particulars for the log (how long a stall or outage lasted). */
  detail?: string;
  /** A stall only: when every session was running elsewhere while the worker was stopped; null: not during the stall. */
  takeoverMs?: number | null;
  violations: string[];
  /** Browsers of a killed worker still running after it was gone. */
  orphans?: number;
}

export interface FaultContext {
  cluster: ChaosCluster;
  random: Random;
  options: ChaosOptions;
  signal: AbortSignal;
}

type Fault = (ctx: FaultContext) => Promise<FaultResult>;

const NO_TARGET: FaultResult = { target: '-', durationMs: 0, outcome: 'no target', violations: [] };

/** Whether `kind` can run against these servers (a frozen or paused database needs the local one). */
export function available(cluster: ChaosCluster, kind: FaultKind): boolean {
  if (kind === 'pg-restart') return cluster.pg.pause !== undefined && cluster.pg.resume !== undefined;
  if (kind === 'mongo-freeze') return cluster.mongo.freeze !== undefined && cluster.mongo.thaw !== undefined;
  return true;
}

function runnable(cluster: ChaosCluster): ChaosWorker[] {
  return cluster.live().filter((w) => !w.frozen);
}

/** A runnable worker, one running sessions when there is one (a fault on an idle worker proves little). */
function victim(ctx: FaultContext): ChaosWorker {
  const all = runnable(ctx.cluster);
  const busy = all.filter((w) => ctx.cluster.sessions.some((id) => ctx.cluster.holder(id) === w));
  return ctx.random.pick(busy.length > 0 ? busy : all);
}

/** A stall or outage as long as a fraction of the lease TTL, `[lo, hi]` in percent. */
function holdMs(ctx: FaultContext, lo: number, hi: number): number {
  return Math.round((ctx.options.leaseTtlMs * ctx.random.between(lo, hi)) / 100);
}

async function replace(ctx: FaultContext, w: ChaosWorker): Promise<number> {
  w.gone = true;
  const orphans = (await ctx.cluster.orphans(w, 5000)).length;
  await w.process.destroy();
  ctx.cluster.spawn();
  return orphans;
}

const sigkill: Fault = async (ctx) => {
  const w = victim(ctx);
  w.expectExit = true;
  w.process.signal('SIGKILL');
  await w.process.exited;
  const orphans = await replace(ctx, w);
  return {
    target: w.id,
    durationMs: 0,
    outcome: orphans > 0 ? 'browsers outlived it' : 'killed',
    orphans,
    violations: orphans > 0 ? [`SIGKILL ${w.id}: ${orphans} of its browsers kept running`] : [],
  };
};

const sigstop: Fault = async (ctx) => {
  const w = victim(ctx);
  const hold = holdMs(ctx, 150, 250);
  const began = Date.now();
  w.frozen = true;
  w.process.signal('SIGSTOP');
  ctx.cluster.changes.notify();
  let takeoverMs: number | null = null;
  try {
    // While it is stopped, the other workers should take its sessions over once its leases expire.
    if (await ctx.cluster.changes.until(() => ctx.cluster.allUp(), hold, ctx.signal)) takeoverMs = Date.now() - began;
    await delay(Math.max(0, began + hold - Date.now()), ctx.signal);
  } finally {
    w.process.signal('SIGCONT');
    w.frozen = false;
    w.thawedAt = Date.now();
    ctx.cluster.changes.notify();
  }
  return {
    target: w.id,
    durationMs: Date.now() - began,
    outcome: takeoverMs === null ? 'not all taken over during the stall' : 'taken over during the stall',
    detail: `Node stopped ${(hold / 1000).toFixed(1)} s${takeoverMs === null ? '' : `, all running elsewhere after ${(takeoverMs / 1000).toFixed(1)} s`}`,
    takeoverMs,
    violations: [],
  };
};

const sigterm: Fault = async (ctx) => {
  const w = victim(ctx);
  const began = Date.now();
  w.expectExit = true;
  w.process.signal('SIGTERM');
  const exit = await Promise.race([w.process.exited, delay(120_000, ctx.signal).then(() => undefined)]);
  const durationMs = Date.now() - began;
  const orphans = await replace(ctx, w);
  const outcome = exit === undefined ? 'no exit within 120 s' : `exit ${exit.code ?? exit.signal}`;
  const violations = exit?.code === 0 ? [] : [`SIGTERM ${w.id}: ${outcome}`];
  if (orphans > 0) violations.push(`SIGTERM ${w.id}: ${orphans} of its browsers kept running`);
  return { target: w.id, durationMs, outcome, orphans, violations };
};

/**
 * A database taken down for a seeded part of the soak (`down`), and brought back (`up`) even when
 * the soak is stopped meanwhile.
 */
async function outage(
  ctx: FaultContext,
  target: string,
  outcome: string,
  state: string,
  down: () => unknown,
  up: () => unknown,
): Promise<FaultResult> {
  const hold = holdMs(ctx, 25, 125);
  const began = Date.now();
  await down();
  try {
    await delay(hold, ctx.signal);
  } finally {
    await up();
  }
  return { target, durationMs: Date.now() - began, outcome, detail: `${state} ${(hold / 1000).toFixed(1)} s`, violations: [] };
}

const pgRestart: Fault = async (ctx) => {
  const { pg } = ctx.cluster;
  if (!pg.pause || !pg.resume) return { ...NO_TARGET, outcome: 'not available (external server)' };
  return outage(
    ctx,
    'postgres',
    'restarted',
    'down',
    () => pg.pause?.(),
    () => pg.resume?.(),
  );
};

const mongoFreeze: Fault = async (ctx) => {
  const { mongo } = ctx.cluster;
  if (!mongo.freeze || !mongo.thaw) return { ...NO_TARGET, outcome: 'not available (external server)' };
  return outage(
    ctx,
    'mongo',
    'thawed',
    'frozen',
    () => mongo.freeze?.(),
    () => mongo.thaw?.(),
  );
};

/** A session running on one worker, and another runnable worker that does not hold it. */
function foreignPair(ctx: FaultContext): { id: string; owner: ChaosWorker; other: ChaosWorker } | undefined {
  const pairs = ctx.cluster.sessions.flatMap((id) => {
    const owner = ctx.cluster.holder(id);
    if (!owner) return [];
    const kind = ctx.cluster.kindOf(id);
    return runnable(ctx.cluster)
      .filter((w) => w !== owner && !w.held.has(id) && w.dashboards[kind] !== undefined)
      .map((other) => ({ id, owner, other }));
  });
  // A worker that ran the session before (it still lists it) first: the click issue 23 found starting a second browser.
  const shed = pairs.filter((p) => p.other.states.has(p.id));
  const from = shed.length > 0 ? shed : pairs;
  return from.length === 0 ? undefined : ctx.random.pick(from);
}

function click(action: 'restart' | 'logout'): Fault {
  return async (ctx) => {
    const pair = foreignPair(ctx);
    if (!pair) return NO_TARGET;
    const url = `${pair.other.dashboards[ctx.cluster.kindOf(pair.id)]}/api/sessions/${pair.id}/${action}`;
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${DASHBOARD_TOKEN}`, 'content-type': 'application/json' },
      body: '{}',
      signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(30_000)]),
    });
    const body = (await res.json().catch(() => ({}))) as { code?: unknown };
    const outcome = `${res.status} ${typeof body.code === 'string' ? body.code : '-'}`;
    const expected = `409 ${ctx.options.expect.notOwnerCode}`;
    return {
      target: `${pair.id}@${pair.other.id} (held by ${pair.owner.id})`,
      durationMs: 0,
      outcome,
      violations:
        outcome === expected
          ? []
          : [`${action} of ${pair.id} on ${pair.other.id}, which does not hold it: ${outcome}, expected ${expected}`],
    };
  };
}

async function cli(ctx: FaultContext, args: string[]): Promise<CliRun | undefined> {
  const run = sessionCli(args, { WAWEB_ENCRYPTION_KEYS: ctx.cluster.encryptionKeys });
  const done = await Promise.race([run, delay(90_000, ctx.signal).then(() => undefined)]);
  if (done === undefined) killSessionClis();
  return done;
}

/** How a CLI write to a live session went: refused with the expected code, written, or failed otherwise. */
function cliOutcome(ctx: FaultContext, what: string, id: string, run: CliRun | undefined): Pick<FaultResult, 'outcome' | 'violations'> {
  const expected = ctx.options.expect.liveWriteCode;
  if (run === undefined) return { outcome: 'no answer within 90 s', violations: [`${what} ${id}: no answer within 90 s`] };
  const text = `${run.stdout}\n${run.stderr}`;
  if (run.code !== 0 && text.includes(expected)) return { outcome: `refused ${expected}`, violations: [] };
  const code = /\b(?:code\s*)?\[?([A-Z][A-Z_]{3,})\]?/.exec(run.stderr)?.[1] ?? '-';
  const outcome = run.code === 0 ? 'written' : `exit ${run.code} ${code}`;
  return { outcome, violations: [`${what} of live session ${id}: ${outcome}, expected a refusal with ${expected}`] };
}

function liveSession(ctx: FaultContext): string | undefined {
  const up = ctx.cluster.sessions.filter((id) => ctx.cluster.holder(id) !== undefined);
  return up.length === 0 ? undefined : ctx.random.pick(up);
}

const cliRekey: Fault = async (ctx) => {
  const id = liveSession(ctx);
  if (id === undefined) return NO_TARGET;
  const run = await cli(ctx, ['rekey', '--store', ctx.cluster.storeUrl(ctx.cluster.kindOf(id)), '--session', `RemoteAuth-${id}`]);
  return { target: id, durationMs: 0, ...cliOutcome(ctx, 'rekey', id, run) };
};

const cliImport: Fault = async (ctx) => {
  const id = liveSession(ctx);
  if (id === undefined) return NO_TARGET;
  const url = ctx.cluster.storeUrl(ctx.cluster.kindOf(id));
  const file = join(ctx.cluster.work.path, `export-${id}-${Date.now()}.zip`);
  const exported = await cli(ctx, ['export', '--from', url, '--session', `RemoteAuth-${id}`, '--out', file]);
  if (exported?.code !== 0) return { target: id, durationMs: 0, outcome: 'export failed', violations: [] };
  const run = await cli(ctx, ['import', file, '--to', url, '--session', `RemoteAuth-${id}`, '--force']);
  return { target: id, durationMs: 0, ...cliOutcome(ctx, 'import --force', id, run) };
};

export const FAULTS: Record<FaultKind, Fault> = {
  sigkill,
  sigstop,
  sigterm,
  'pg-restart': pgRestart,
  'mongo-freeze': mongoFreeze,
  'click-restart': click('restart'),
  'click-logout': click('logout'),
  'cli-rekey': cliRekey,
  'cli-import': cliImport,
};
