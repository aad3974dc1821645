/**
 * One client's run through the bench's phases (pair, restore samples, history fill and big backup,
 * restores of the big backup), each phase in a child process of the run's {@link ChildRunner}.
 * See docs/bench.md, "What runs".
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { WhatsAppSimulator } from '../src/simulator';
import type { Args } from './args';
import { MiB, firstLine, fmtBytes, fmtMiB, fmtS } from './format';
import type { BufferReport, ChildConfig, ChildEvent, ClientKind, RssReport, StoreSpec } from './protocol';
import { killPhase, isEv, type ChildRun, type ChildRunner } from './runner';

const PHONE: Record<ClientKind, string> = { waweb: '15550008001', wwebjs: '15550008002', plugin: '15550008003' };
const CLIENT_ID = 'bench';

/**
 * One run through the phases: which client, its folder under the work folder (also its label), its
 * phone, its store, how big the history fill is and how many restores each backup gets.
 */
export interface Target {
  kind: ClientKind;
  name: string;
  phone: string;
  store: StoreSpec;
  fillBytes: number;
  /** Restores of the first backup; the last one goes on to the fill (at least 1). */
  firstRestores: number;
  /** Restores of the first backup with a browser pool of one (waweb only; 0: none). */
  pooledRestores: number;
  bigRestores: number;
}

/** The table's three clients: FileStore, `--fill-mb`, `--repeat` restores of each backup. */
export function clientTarget(ctx: Ctx, kind: ClientKind): Target {
  return {
    kind,
    name: kind,
    phone: PHONE[kind],
    store: { kind: 'file', directory: join(ctx.work, kind, 'store') },
    fillBytes: ctx.args.fillBytes,
    firstRestores: ctx.args.repeat,
    pooledRestores: kind === 'waweb' ? ctx.args.repeat : 0,
    bigRestores: ctx.args.repeat,
  };
}

/** Adds a phone to the simulator for each of the table's clients. */
export function addPhones(sim: WhatsAppSimulator): void {
  for (const [kind, number] of Object.entries(PHONE)) sim.phone(number, { pushname: `bench ${kind}` });
}

export interface RestoreResult {
  ok: boolean;
  /** initialize() → ready (ok), or → the QR / auth_failure that showed the restore failed. */
  ms: number | null;
  failure?: string;
  /** Of `ms`: the strategy's beforeBrowserInitialized (store → local profile), before Chromium starts. */
  profileMs: number | null;
  /** Events of the child until ready, for the record. */
  events: string[];
  /** Where the time to `ready` went, in ms (a successful restore only). */
  phases?: RestorePhases;
  /** Buffer memory from initialize() until the local profile was ready, and until `ready`. */
  memory?: { untilProfile: BufferReport | null; untilReady: BufferReport };
}

/**
 * A restore's timeline, in ms: store → local profile (the strategy's pre-launch step), Chromium launch,
 * page load + app boot + login handshake (until `authenticated`), and sync (until `ready`). `boot`:
 * of the load-and-login part, the time until the app's first connection state (waweb reports it;
 * whatsapp-web.js does not before `ready`).
 */
export interface RestorePhases {
  profile: number;
  launch: number;
  loadAndLogin: number;
  sync: number;
  boot?: number;
}

function phasesOf(events: ChildEvent[], readyT: number): RestorePhases | undefined {
  const at = (pick: (e: ChildEvent) => boolean): number | undefined => events.find(pick)?.t;
  const profile = at((e) => e.ev === 'profile-ready');
  const launched = at((e) => e.ev === 'browser-ready');
  const authenticated = at((e) => e.ev === 'authenticated');
  const booted = at((e) => e.ev === 'state');
  if (profile === undefined || launched === undefined || authenticated === undefined) return undefined;
  const r = (n: number): number => Math.round(n * 10) / 10;
  return {
    profile: r(profile),
    launch: r(launched - profile),
    loadAndLogin: r(authenticated - launched),
    sync: r(readyT - authenticated),
    ...(booted === undefined || booted > authenticated ? {} : { boot: r(booted - launched) }),
  };
}

export interface ClientResult {
  kind: ClientKind;
  /** The target's name (the folder and the label); the kind for the table's clients. */
  name?: string;
  pair?: { readyMs: number; firstSave?: { afterReadyMs: number; bytes: number; payload?: unknown }; firstSaveError?: string };
  /** Restores of the first backup, each into a fresh folder. */
  restore: RestoreResult[];
  /** The same with a browser pool of one: the timer starts once the pooled browser waits (waweb only). */
  pooledRestore?: RestoreResult[];
  fill?: { bytes: number; chunks: number; ms: number };
  bigBackup?: { durationMs: number; bytes: number; profileBytes: number; rss: RssReport };
  /** Restores of the big backup, each into a fresh folder. */
  bigRestore: RestoreResult[];
  errors: string[];
}

export interface Ctx {
  sim: WhatsAppSimulator;
  work: string;
  args: Args;
  runner: ChildRunner;
  /** True once the run was interrupted (a signal or the watchdog): start nothing new. */
  interrupted(): boolean;
  /** Also stop this in the run's cleanup (a database server), whatever happens to the phase that started it. */
  onCleanup(stop: () => Promise<void>): void;
}

function childConfig(
  ctx: Ctx,
  target: Target,
  phase: ChildConfig['phase'],
  dataPath: string,
  readOnlyStore: boolean,
  pool: boolean,
): ChildConfig {
  const kind = target.kind;
  return {
    ...(pool ? { pool } : {}),
    kind,
    phase,
    readOnlyStore,
    clientId: CLIENT_ID,
    dataPath,
    store: target.store,
    cacheDir: join(ctx.work, target.name, 'wwebjs-cache'),
    simArgs: ctx.sim.chromiumArgs(),
    // Long, so no periodic backup of either client lands inside a measurement (wwebjs needs >= 60000).
    backupSyncIntervalMs: 10 * 60_000,
    // whatsapp-web.js waits a fixed 60 s before its first backup.
    firstSaveTimeoutMs: kind === 'wwebjs' ? 150_000 : 60_000,
    rssSampleMs: 20,
  };
}

async function startChild(
  ctx: Ctx,
  target: Target,
  phase: ChildConfig['phase'],
  name: string,
  readOnlyStore = false,
  pool = false,
): Promise<{ child: ChildRun; dataPath: string }> {
  const dataPath = join(ctx.work, target.name, name);
  await mkdir(dataPath, { recursive: true });
  const child = ctx.runner.start(`${target.name}/${name}`, childConfig(ctx, target, phase, dataPath, readOnlyStore, pool));
  return { child, dataPath };
}

/** Scans every QR the child shows with the target's phone (from now on). */
function scanQrs(ctx: Ctx, target: Target, child: ChildRun, onError: (err: unknown) => void): void {
  child.onEvent((e) => {
    if (e.ev === 'qr') ctx.sim.phone(target.phone).scan(e.qr).catch(onError);
  });
}

/** Waits for `ready` or the first sign that the restore failed (a QR, auth_failure). */
async function measureRestore(child: ChildRun): Promise<RestoreResult> {
  const first = await child.waitFor('ready or qr', isEv('ready', 'qr', 'auth_failure'), 180_000);
  const events = child.events.filter((e) => e.t <= first.t).map((e) => `${e.ev}@${e.t}ms`);
  const profile = child.events.find(isEv('profile-ready'));
  const profileMs = profile ? profile.ms : null;
  if (first.ev === 'ready') {
    const phases = phasesOf(child.events, first.t);
    const memory = child.events.find(isEv('restore-memory'));
    return {
      ok: true,
      ms: first.t,
      profileMs,
      events,
      ...(phases ? { phases } : {}),
      ...(memory ? { memory: { untilProfile: memory.untilProfile, untilReady: memory.untilReady } } : {}),
    };
  }
  const failure = first.ev === 'qr' ? 'a QR was shown instead of the restored session' : `auth_failure: ${firstLine(first.message)}`;
  return { ok: false, ms: first.t, failure, profileMs, events };
}

/** One restore-only sample: fresh folder, read-only store view, until ready (or a QR); then SIGKILL. */
async function restoreSample(ctx: Ctx, target: Target, name: string, pool = false): Promise<RestoreResult> {
  const { child, dataPath } = await startChild(ctx, target, 'restore', name, true, pool);
  try {
    return await measureRestore(child);
  } finally {
    await killPhase(child, dataPath);
  }
}

function restoreLog(name: string, what: string, r: RestoreResult): string {
  const buffers = r.memory ? `, peak Buffer memory +${fmtMiB(r.memory.untilReady.peak)}` : '';
  return r.ok
    ? `  ${name}: restored ${what}, ready ${fmtS(r.ms!)} after initialize() (store → profile ${r.profileMs == null ? '?' : fmtS(r.profileMs)}${buffers})`
    : `  ${name}: RESTORE OF ${what.toUpperCase()} FAILED after ${fmtS(r.ms!)}: ${r.failure}`;
}

/** Fills `result` as it goes, so a failure keeps what was measured before it. */
export async function benchClient(ctx: Ctx, target: Target, log: (s: string) => void, result: ClientResult): Promise<void> {
  const { kind, name } = target;
  const scanError = (err: unknown): void => {
    // A QR that rotated away before the scan; the next one is scanned.
    if (ctx.args.verbose) log(`    scan: ${err instanceof Error ? err.message : String(err)}`);
  };

  // A. pair, first backup, kill -9.
  {
    const { child, dataPath } = await startChild(ctx, target, 'pair', 'pair');
    try {
      scanQrs(ctx, target, child, scanError);
      const ready = await child.waitFor('ready', isEv('ready'), 90_000);
      result.pair = { readyMs: ready.t };
      log(
        `  ${name}: paired, ready ${fmtS(ready.t)} after initialize(); waiting for the first backup${kind === 'wwebjs' ? ' (its fixed 60 s wait)' : ''}`,
      );
      const saved = await child.waitFor('remote_session_saved', isEv('saved', 'no-save'), 160_000);
      if (saved.ev === 'saved') {
        result.pair.firstSave = {
          afterReadyMs: saved.afterReadyMs,
          bytes: saved.bytes,
          ...(saved.payload ? { payload: saved.payload } : {}),
        };
        log(`  ${name}: first backup ${fmtS(saved.afterReadyMs)} after ready, ${fmtBytes(saved.bytes)}`);
      } else {
        result.pair.firstSaveError = saved.reason;
        throw new Error(saved.reason);
      }
    } finally {
      await killPhase(child, dataPath);
    }
  }

  // Restore-only samples of the first backup (B below is the last sample).
  for (let i = 1; i < target.firstRestores; i++) {
    const sample = await restoreSample(ctx, target, `restore-${i}`);
    result.restore.push(sample);
    log(restoreLog(name, 'the first backup', sample));
  }
  // The same restores with a browser pool of one, waiting before the timer starts.
  for (let i = 0; i < target.pooledRestores; i++) {
    const sample = await restoreSample(ctx, target, `restore-pooled-${i}`, true);
    (result.pooledRestore ??= []).push(sample);
    log(restoreLog(name, 'the first backup into a pooled browser', sample));
  }

  // B. restore the first backup into a fresh folder; fill history; one backup with RSS sampled; kill -9.
  {
    const { child, dataPath } = await startChild(ctx, target, 'restore', 'restore');
    try {
      const sample = await measureRestore(child);
      result.restore.push(sample);
      log(restoreLog(name, 'the first backup', sample));
      if (!sample.ok) {
        log(`  ${name}: pairing again to go on with the history fill`);
        scanQrs(ctx, target, child, scanError);
        await child.waitFor('ready after pairing again', isEv('ready'), 90_000);
      }
      await child.waitFor('idle', isEv('idle'), 90_000);
      const device = ctx.sim
        .phone(target.phone)
        .devices()
        .find((d) => d.online);
      if (!device) throw new Error(`the simulator shows no online device for ${target.phone}`);
      const fillStarted = performance.now();
      const chunks = await ctx.sim.phone(target.phone).fillHistory(device.id, target.fillBytes);
      result.fill = { bytes: target.fillBytes, chunks, ms: Math.round(performance.now() - fillStarted) };
      log(`  ${name}: history filled with ${fmtBytes(target.fillBytes)} in ${fmtS(result.fill.ms)}; backing up`);
      child.send({ cmd: 'backup' });
      // 200 MiB through a PostgreSQL Buffer save can take minutes on a busy machine.
      const big = await child.waitFor('backup-done', isEv('backup-done'), Math.max(180_000, (target.fillBytes / MiB) * 3000));
      result.bigBackup = { durationMs: big.durationMs, bytes: big.bytes, profileBytes: big.profileBytes, rss: big.rss };
      log(
        `  ${name}: big backup ${fmtBytes(big.bytes)} in ${fmtS(big.durationMs)}, RSS peak ${fmtMiB(big.rss.peak)} (baseline ${fmtMiB(big.rss.baseline)}), peak Buffer memory +${fmtMiB(big.rss.buffers.peak)}`,
      );
    } finally {
      await killPhase(child, dataPath);
    }
  }

  // C. restores of the big backup, each into a fresh folder.
  for (let i = 1; i <= target.bigRestores; i++) {
    const sample = await restoreSample(ctx, target, `restore-big-${i}`);
    result.bigRestore.push(sample);
    log(restoreLog(name, `the ${Math.round(target.fillBytes / MiB)} MiB session`, sample));
  }
}
