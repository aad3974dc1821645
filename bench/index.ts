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
 * Options: --json FILE, --fill-mb N (default 50), --repeat N, --only waweb|wwebjs|plugin, --keep,
 * --wwebjs-chromium full|shell (whatsapp-web.js on full Chromium, the default, or on waweb's headless shell)
 * (keep the temporary folder), --verbose (show the children's own output).
 * Numbers are reported, never asserted.
 */
import { runCluster, printCluster, type ClusterResults } from './cluster-report';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { findChromium } from '../src/browser/executable';
import { WWEBJS_CHROMIUM_ENV, wwebjsChromium } from './wwebjs-chromium';
import { WhatsAppSimulator } from '../src/simulator';
import { killAll, processesMentioning } from '../test/helpers/processes';
import { measureSessions, median, type SessionsResult } from './sessions';
import { CONFIG_ENV, LINE_PREFIX, type ChildConfig, type ChildEvent, type ClientKind, type Command, type RssReport } from './protocol';

const ROOT = resolve(__dirname, '..');
const KINDS: readonly ClientKind[] = ['waweb', 'wwebjs', 'plugin'];
const LABEL: Record<ClientKind, string> = {
  waweb: 'waweb',
  wwebjs: 'whatsapp-web.js 1.34.7',
  plugin: 'whatsapp-web.js + waweb/wwebjs RemoteAuth',
};
const PHONE: Record<ClientKind, string> = { waweb: '15550008001', wwebjs: '15550008002', plugin: '15550008003' };
const CLIENT_ID = 'bench';
const MiB = 1024 * 1024;
/**
 * The whole run is stopped (and cleaned up) past this. The clients take about 3 minutes, the cluster
 * phases up to 10 more (sessions per host fills the machine).
 */
const WATCHDOG_MS = 30 * 60_000;

interface Args {
  json: string | undefined;
  /** Restore-to-ready samples per scenario (the median is reported). */
  repeat: number;
  fillBytes: number;
  only: ClientKind | 'cluster' | undefined;
  /** Most sessions the sessions-per-host phase adds. */
  hostMax: number;
  keep: boolean;
  verbose: boolean;
  /** Paired sessions started at once per client kind (0: skip that part). */
  sessions: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    json: undefined,
    repeat: 5,
    fillBytes: 50 * MiB,
    only: undefined,
    keep: false,
    verbose: false,
    sessions: 10,
    hostMax: 400,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (v === undefined || v === '') throw new Error(`${arg.split('=')[0]} needs a value`);
      return v;
    };
    const name = arg.split('=')[0];
    if (name === '--json') args.json = resolve(value());
    else if (name === '--repeat') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1 || n > 20) throw new Error('--repeat must be an integer from 1 to 20');
      args.repeat = n;
    } else if (name === '--fill-mb') {
      const mb = Number(value());
      if (!Number.isFinite(mb) || mb <= 0 || mb > 1024) throw new Error('--fill-mb must be a number from 1 to 1024');
      args.fillBytes = Math.round(mb * MiB);
    } else if (name === '--only') {
      const v = value();
      if (v !== 'waweb' && v !== 'wwebjs' && v !== 'plugin' && v !== 'cluster')
        throw new Error('--only takes waweb, wwebjs, plugin or cluster');
      args.only = v;
    } else if (name === '--sessions') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0 || n > 50) throw new Error('--sessions must be an integer from 0 to 50');
      args.sessions = n;
    } else if (name === '--wwebjs-chromium') {
      const v = value();
      if (v !== 'full' && v !== 'shell') throw new Error('--wwebjs-chromium takes full or shell');
      // Read by the bench's own child processes and by the sessions part (bench/wwebjs-chromium.ts).
      process.env[WWEBJS_CHROMIUM_ENV] = v;
    } else if (name === '--host-max') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 10 || n > 1000) throw new Error('--host-max must be an integer from 10 to 1000');
      args.hostMax = n;
    } else if (arg === '--keep') args.keep = true;
    else if (arg === '--verbose') args.verbose = true;
    else if (arg === '--help' || arg === '-h') {
      console.log(
        'usage: npm run bench -- [--json FILE] [--fill-mb 50] [--repeat 5] [--only waweb|wwebjs|plugin|cluster] [--sessions 10] [--host-max 400] [--wwebjs-chromium full|shell] [--keep] [--verbose]',
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${arg} (see --help)`);
  }
  return args;
}

// ---------------------------------------------------------------- child processes

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Kills what a phase started: the child Node process (leader of its own process group)
 * and every Chromium process whose command line names the phase's folder (puppeteer starts
 * Chromium in a process group of its own, so it is found by its `--user-data-dir`).
 */
async function killPhase(child: ChildRun | undefined, folder: string): Promise<void> {
  if (child) await child.kill();
  const deadline = Date.now() + 10_000;
  for (;;) {
    const left = processesMentioning(folder);
    if (left.length === 0) return;
    killAll(left);
    if (Date.now() > deadline) throw new Error(`processes of ${folder} survived SIGKILL: ${left.join(', ')}`);
    await sleep(50);
  }
}

const live = new Set<ChildRun>();
/** Set on SIGINT/SIGTERM/watchdog: no new child is started after it. */
let stopping = false;

class ChildRun {
  readonly proc: ChildProcess;
  readonly events: ChildEvent[] = [];
  readonly tail: string[] = [];
  readonly exited: Promise<number | null>;
  #cursor = 0;
  #wake = new Set<() => void>();
  #exitCode: number | null | undefined;
  #listeners = new Set<(e: ChildEvent) => void>();

  constructor(
    readonly label: string,
    config: ChildConfig,
    verbose: boolean,
  ) {
    this.proc = spawn(
      process.execPath,
      ['--expose-gc', '-r', require.resolve('ts-node/register/transpile-only', { paths: [ROOT] }), join(__dirname, 'child.ts')],
      {
        cwd: config.dataPath,
        env: { ...process.env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), [CONFIG_ENV]: JSON.stringify(config) },
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
      },
    );
    live.add(this);
    const keep = (line: string): void => {
      this.tail.push(line);
      if (this.tail.length > 40) this.tail.shift();
      if (verbose) process.stderr.write(`  [${label}] ${line}\n`);
    };
    createInterface({ input: this.proc.stdout! }).on('line', (line) => {
      if (!line.startsWith(LINE_PREFIX)) return keep(line);
      const event = JSON.parse(line.slice(LINE_PREFIX.length)) as ChildEvent;
      this.events.push(event);
      if (verbose) process.stderr.write(`  [${label}] ${event.ev}${'t' in event ? ` t=${event.t}ms` : ''}\n`);
      for (const fn of this.#listeners) fn(event);
      for (const wake of [...this.#wake]) wake();
    });
    createInterface({ input: this.proc.stderr! }).on('line', keep);
    this.proc.stdin!.on('error', () => undefined);
    this.exited = new Promise((resolveExit) => {
      this.proc.once('exit', (code) => {
        this.#exitCode = code;
        live.delete(this);
        for (const wake of [...this.#wake]) wake();
        resolveExit(code);
      });
    });
  }

  onEvent(fn: (e: ChildEvent) => void): void {
    this.#listeners.add(fn);
    for (const e of this.events) fn(e);
  }

  /** The next event (after the last one returned) that matches; fails on timeout, exit or a fatal error. */
  waitFor<E extends ChildEvent>(what: string, match: (e: ChildEvent) => e is E, timeoutMs: number): Promise<E>;
  waitFor(what: string, match: (e: ChildEvent) => boolean, timeoutMs: number): Promise<ChildEvent>;
  waitFor(what: string, match: (e: ChildEvent) => boolean, timeoutMs: number): Promise<ChildEvent> {
    return new Promise((resolveWait, reject) => {
      const check = (): void => {
        for (let i = this.#cursor; i < this.events.length; i++) {
          const e = this.events[i]!;
          if (match(e)) {
            this.#cursor = i + 1;
            return done(() => resolveWait(e));
          }
          if (e.ev === 'error' && e.fatal) {
            this.#cursor = i + 1;
            return done(() => reject(new Error(`${this.label}: ${firstLine(e.message)}`)));
          }
        }
        if (this.#exitCode !== undefined) {
          done(() => reject(new Error(`${this.label} exited (code ${this.#exitCode}) before ${what}${this.tailText()}`)));
        }
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`${this.label}: no ${what} within ${timeoutMs / 1000} s${this.tailText()}`))),
        timeoutMs,
      );
      const done = (fn: () => void): void => {
        clearTimeout(timer);
        this.#wake.delete(check);
        fn();
      };
      this.#wake.add(check);
      check();
    });
  }

  send(command: Command): void {
    this.proc.stdin!.write(`${JSON.stringify(command)}\n`);
  }

  /** SIGKILL to the child's process group (the child is its leader), then wait for the exit. */
  async kill(): Promise<void> {
    if (this.#exitCode === undefined && this.proc.pid !== undefined) {
      try {
        process.kill(-this.proc.pid, 'SIGKILL');
      } catch {
        this.proc.kill('SIGKILL');
      }
    }
    await Promise.race([this.exited, sleep(5000)]);
  }

  tailText(): string {
    return this.tail.length
      ? `\n    last output:\n${this.tail
          .slice(-15)
          .map((l) => `      ${l}`)
          .join('\n')}`
      : '';
  }
}

const firstLine = (text: string): string => text.split('\n')[0] ?? text;
const isEv =
  <K extends ChildEvent['ev']>(...names: K[]) =>
  (e: ChildEvent): e is Extract<ChildEvent, { ev: K }> =>
    (names as string[]).includes(e.ev);

// ---------------------------------------------------------------- one client

interface RestoreResult {
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
}

/**
 * A restore's timeline, in ms: store → local profile (the strategy's pre-launch step), Chromium launch,
 * page load + app boot + login handshake (until `authenticated`), and sync (until `ready`). `boot`:
 * of the load-and-login part, the time until the app's first connection state (waweb reports it;
 * whatsapp-web.js does not before `ready`).
 */
interface RestorePhases {
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

function phasesCell(samples: RestoreResult[]): string | undefined {
  const all = samples.filter((r) => r.phases).map((r) => r.phases!);
  if (all.length === 0) return undefined;
  const m = (k: keyof RestorePhases): string => {
    const values = all.map((p) => p[k]).filter((v): v is number => v !== undefined);
    return values.length ? (median(values) / 1000).toFixed(2) : '–';
  };
  return `${m('profile')} / ${m('launch')} / ${m('loadAndLogin')} (boot ${m('boot')}) / ${m('sync')}`;
}

interface ClientResult {
  kind: ClientKind;
  pair?: { readyMs: number; firstSave?: { afterReadyMs: number; bytes: number; payload?: unknown }; firstSaveError?: string };
  /** Restores of the first backup, each into a fresh folder. */
  restore: RestoreResult[];
  fill?: { bytes: number; chunks: number; ms: number };
  bigBackup?: { durationMs: number; bytes: number; profileBytes: number; rss: RssReport };
  /** Restores of the big backup, each into a fresh folder. */
  bigRestore: RestoreResult[];
  errors: string[];
}

interface Ctx {
  sim: WhatsAppSimulator;
  work: string;
  args: Args;
}

function childConfig(ctx: Ctx, kind: ClientKind, phase: ChildConfig['phase'], dataPath: string, readOnlyStore: boolean): ChildConfig {
  return {
    kind,
    phase,
    readOnlyStore,
    clientId: CLIENT_ID,
    dataPath,
    storeDir: join(ctx.work, kind, 'store'),
    cacheDir: join(ctx.work, kind, 'wwebjs-cache'),
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
  kind: ClientKind,
  phase: ChildConfig['phase'],
  name: string,
  readOnlyStore = false,
): Promise<{ child: ChildRun; dataPath: string }> {
  const dataPath = join(ctx.work, kind, name);
  await mkdir(dataPath, { recursive: true });
  if (stopping) throw new Error('stopped');
  const child = new ChildRun(`${kind}/${name}`, childConfig(ctx, kind, phase, dataPath, readOnlyStore), ctx.args.verbose);
  return { child, dataPath };
}

/** Scans every QR the child shows with the client's phone (from now on). */
function scanQrs(ctx: Ctx, kind: ClientKind, child: ChildRun, onError: (err: unknown) => void): void {
  child.onEvent((e) => {
    if (e.ev === 'qr') ctx.sim.phone(PHONE[kind]).scan(e.qr).catch(onError);
  });
}

/** Waits for `ready` or the first sign that the restore failed (a QR, auth_failure). */
async function measureRestore(child: ChildRun): Promise<RestoreResult> {
  const first = await child.waitFor('ready or qr', isEv('ready', 'qr', 'auth_failure'), 90_000);
  const events = child.events.filter((e) => e.t <= first.t).map((e) => `${e.ev}@${e.t}ms`);
  const profile = child.events.find(isEv('profile-ready'));
  const profileMs = profile ? profile.ms : null;
  if (first.ev === 'ready') {
    const phases = phasesOf(child.events, first.t);
    return { ok: true, ms: first.t, profileMs, events, ...(phases ? { phases } : {}) };
  }
  const failure = first.ev === 'qr' ? 'a QR was shown instead of the restored session' : `auth_failure: ${firstLine(first.message)}`;
  return { ok: false, ms: first.t, failure, profileMs, events };
}

/** One restore-only sample: fresh folder, read-only store view, until ready (or a QR); then SIGKILL. */
async function restoreSample(ctx: Ctx, kind: ClientKind, name: string): Promise<RestoreResult> {
  const { child, dataPath } = await startChild(ctx, kind, 'restore', name, true);
  try {
    return await measureRestore(child);
  } finally {
    await killPhase(child, dataPath);
  }
}

function restoreLog(kind: ClientKind, what: string, r: RestoreResult): string {
  return r.ok
    ? `  ${kind}: restored ${what}, ready ${fmtS(r.ms!)} after initialize() (store → profile ${r.profileMs == null ? '?' : fmtS(r.profileMs)})`
    : `  ${kind}: RESTORE OF ${what.toUpperCase()} FAILED after ${fmtS(r.ms!)}: ${r.failure}`;
}

/** Fills `result` as it goes, so a failure keeps what was measured before it. */
async function benchClient(ctx: Ctx, kind: ClientKind, log: (s: string) => void, result: ClientResult): Promise<void> {
  const scanError = (err: unknown): void => {
    // A QR that rotated away before the scan; the next one is scanned.
    if (ctx.args.verbose) log(`    scan: ${err instanceof Error ? err.message : String(err)}`);
  };

  // A. pair, first backup, kill -9.
  {
    const { child, dataPath } = await startChild(ctx, kind, 'pair', 'pair');
    try {
      scanQrs(ctx, kind, child, scanError);
      const ready = await child.waitFor('ready', isEv('ready'), 90_000);
      result.pair = { readyMs: ready.t };
      log(
        `  ${kind}: paired, ready ${fmtS(ready.t)} after initialize(); waiting for the first backup${kind === 'wwebjs' ? ' (its fixed 60 s wait)' : ''}`,
      );
      const saved = await child.waitFor('remote_session_saved', isEv('saved', 'no-save'), 160_000);
      if (saved.ev === 'saved') {
        result.pair.firstSave = {
          afterReadyMs: saved.afterReadyMs,
          bytes: saved.bytes,
          ...(saved.payload ? { payload: saved.payload } : {}),
        };
        log(`  ${kind}: first backup ${fmtS(saved.afterReadyMs)} after ready, ${fmtBytes(saved.bytes)}`);
      } else {
        result.pair.firstSaveError = saved.reason;
        throw new Error(saved.reason);
      }
    } finally {
      await killPhase(child, dataPath);
    }
  }

  // Restore-only samples of the first backup (B below is the last sample).
  for (let i = 1; i < ctx.args.repeat; i++) {
    const sample = await restoreSample(ctx, kind, `restore-${i}`);
    result.restore.push(sample);
    log(restoreLog(kind, 'the first backup', sample));
  }

  // B. restore the first backup into a fresh folder; fill history; one backup with RSS sampled; kill -9.
  {
    const { child, dataPath } = await startChild(ctx, kind, 'restore', 'restore');
    try {
      const sample = await measureRestore(child);
      result.restore.push(sample);
      log(restoreLog(kind, 'the first backup', sample));
      if (!sample.ok) {
        log(`  ${kind}: pairing again to go on with the history fill`);
        scanQrs(ctx, kind, child, scanError);
        await child.waitFor('ready after pairing again', isEv('ready'), 90_000);
      }
      await child.waitFor('idle', isEv('idle'), 90_000);
      const device = ctx.sim
        .phone(PHONE[kind])
        .devices()
        .find((d) => d.online);
      if (!device) throw new Error(`the simulator shows no online device for ${PHONE[kind]}`);
      const fillStarted = performance.now();
      const chunks = await ctx.sim.phone(PHONE[kind]).fillHistory(device.id, ctx.args.fillBytes);
      result.fill = { bytes: ctx.args.fillBytes, chunks, ms: Math.round(performance.now() - fillStarted) };
      log(`  ${kind}: history filled with ${fmtBytes(ctx.args.fillBytes)} in ${fmtS(result.fill.ms)}; backing up`);
      child.send({ cmd: 'backup' });
      const big = await child.waitFor('backup-done', isEv('backup-done'), 180_000);
      result.bigBackup = { durationMs: big.durationMs, bytes: big.bytes, profileBytes: big.profileBytes, rss: big.rss };
      log(
        `  ${kind}: big backup ${fmtBytes(big.bytes)} in ${fmtS(big.durationMs)}, RSS peak ${fmtMiB(big.rss.peak)} (baseline ${fmtMiB(big.rss.baseline)})`,
      );
    } finally {
      await killPhase(child, dataPath);
    }
  }

  // C. restores of the big backup, each into a fresh folder.
  for (let i = 1; i <= ctx.args.repeat; i++) {
    const sample = await restoreSample(ctx, kind, `restore-big-${i}`);
    result.bigRestore.push(sample);
    log(restoreLog(kind, `the ${Math.round(ctx.args.fillBytes / MiB)} MiB session`, sample));
  }
}

// ---------------------------------------------------------------- output

const fmtS = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const fmtMiB = (bytes: number): string => `${(bytes / MiB).toFixed(1)} MiB`;
function fmtBytes(bytes: number): string {
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(2)} MiB (${bytes} B)`;
  return `${(bytes / 1024).toFixed(1)} KiB (${bytes} B)`;
}

interface Row {
  metric: string;
  cells: Record<ClientKind, string>;
}

/** Median (min–max) of the successful samples, and how many failed. */
function restoreCell(samples: RestoreResult[]): string | undefined {
  if (samples.length === 0) return undefined;
  const ok = samples.filter((r) => r.ok).map((r) => r.ms!);
  const failed = samples.filter((r) => !r.ok);
  const parts: string[] = [];
  if (ok.length === 1) parts.push(fmtS(ok[0]!));
  else if (ok.length > 1)
    parts.push(`${fmtS(median(ok))} (${(Math.min(...ok) / 1000).toFixed(2)}–${(Math.max(...ok) / 1000).toFixed(2)}, n=${ok.length})`);
  if (failed.length) parts.push(`FAILED ${failed.length}/${samples.length}: ${failed[0]!.failure}`);
  return parts.join('; ');
}

function profileCell(samples: RestoreResult[]): string {
  const ms = samples.filter((r) => r.ok && r.profileMs != null).map((r) => r.profileMs!);
  return ms.length ? fmtS(median(ms)) : '–';
}

function rows(results: Partial<Record<ClientKind, ClientResult>>, fillBytes: number): Row[] {
  const fill = `${Math.round(fillBytes / MiB)} MiB`;
  const cell = (kind: ClientKind, pick: (r: ClientResult) => string | undefined): string => {
    const r = results[kind];
    if (!r) return 'not run';
    const value = pick(r);
    if (value !== undefined) return value;
    return r.errors.length ? `error: ${firstLine(r.errors[0]!).slice(0, 80)}` : 'not reached';
  };
  const row = (metric: string, pick: (r: ClientResult) => string | undefined): Row => ({
    metric,
    cells: { waweb: cell('waweb', pick), wwebjs: cell('wwebjs', pick), plugin: cell('plugin', pick) },
  });
  return [
    row('1. ready → first durable backup (remote_session_saved)', (r) =>
      r.pair?.firstSave ? fmtS(r.pair.firstSave.afterReadyMs) : undefined,
    ),
    row('2. backup bytes, fresh session (first backup)', (r) => (r.pair?.firstSave ? fmtBytes(r.pair.firstSave.bytes) : undefined)),
    row(`2. backup bytes, ${fill} session`, (r) => (r.bigBackup ? fmtBytes(r.bigBackup.bytes) : undefined)),
    row('3. restore → ready, first backup (fresh dir), median', (r) => restoreCell(r.restore)),
    row(`3. restore → ready, ${fill} session (fresh dir), median`, (r) => restoreCell(r.bigRestore)),
    row(`   of which store → local profile, first / ${fill}`, (r) =>
      r.restore.length || r.bigRestore.length ? `${profileCell(r.restore)} / ${profileCell(r.bigRestore)}` : undefined,
    ),
    row(`   phases s (store→profile / launch / load+login (boot) / sync), first`, (r) => phasesCell(r.restore)),
    row(`   phases s, ${fill} session`, (r) => phasesCell(r.bigRestore)),
    row(`4. Node RSS peak during backup, ${fill} session`, (r) => (r.bigBackup ? fmtMiB(r.bigBackup.rss.peak) : undefined)),
    row(`   RSS before that backup → growth`, (r) =>
      r.bigBackup ? `${fmtMiB(r.bigBackup.rss.baseline)} → +${fmtMiB(r.bigBackup.rss.peak - r.bigBackup.rss.baseline)}` : undefined,
    ),
    row(`   peak Buffer memory (external + arrayBuffers) then`, (r) => (r.bigBackup ? fmtMiB(r.bigBackup.rss.peakExternal) : undefined)),
    row(`   backup duration, ${fill} session`, (r) => (r.bigBackup ? fmtS(r.bigBackup.durationMs) : undefined)),
    row(`   profile IndexedDB + Local Storage on disk`, (r) => (r.bigBackup ? fmtMiB(r.bigBackup.profileBytes) : undefined)),
    row('   pairing: initialize() → ready (QR scanned)', (r) => (r.pair ? fmtS(r.pair.readyMs) : undefined)),
  ];
}

function table(list: Row[]): string {
  const all = [{ metric: 'metric', cells: LABEL }, ...list];
  const metricWidth = Math.max(...all.map((r) => r.metric.length));
  const width = (kind: ClientKind): number => Math.max(...all.map((r) => r.cells[kind].length));
  const line = (r: Row): string => `| ${r.metric.padEnd(metricWidth)} | ${KINDS.map((k) => r.cells[k].padEnd(width(k))).join(' | ')} |`;
  const sep = `|${'-'.repeat(metricWidth + 2)}|${KINDS.map((k) => '-'.repeat(width(k) + 2)).join('|')}|`;
  return [line(all[0]!), sep, ...list.map(line)].join('\n');
}

function chromiumVersion(executable: string): string {
  try {
    const version = execFileSync(executable, ['--version'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
    return `${version.trim()} (${executable})`;
  } catch {
    return `unknown (${executable})`;
  }
}

function machine(): Record<string, unknown> {
  const chromium = `waweb: ${chromiumVersion(findChromium())}; whatsapp-web.js: ${chromiumVersion(wwebjsChromium())}`;
  const pkg = (name: string): string => {
    try {
      return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`, { paths: [ROOT] }), 'utf8')) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  };
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    totalMemMiB: Math.round(totalmem() / MiB),
    chromium,
    waweb: (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version,
    whatsappWebJs: pkg('whatsapp-web.js'),
  };
}

// ---------------------------------------------------------------- main

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const loadBefore = loadavg().map((l) => Math.round(l * 100) / 100);
  const log = (s: string): void => void process.stderr.write(`${s}\n`);
  const work = await mkdtemp(join(tmpdir(), 'waweb-bench-'));
  let sim: WhatsAppSimulator | undefined;
  const results: Partial<Record<ClientKind, ClientResult>> = {};
  const sessions: SessionsResult[] = [];
  const sessionErrors: string[] = [];
  const cluster: ClusterResults = { failover: [], host: undefined, errors: [] };

  // Idempotent: the signal handler, the watchdog and the normal end may all call it.
  let cleaning: Promise<void> | undefined;
  const cleanup = (): Promise<void> =>
    (cleaning ??= (async () => {
      for (const child of [...live]) await child.kill();
      await killPhase(undefined, work).catch((err: unknown) => log(`bench: ${String(err)}`));
      await sim?.close().catch(() => undefined);
      if (!args.keep) await rm(work, { recursive: true, force: true, maxRetries: 3 });
      else log(`bench: kept ${work}`);
    })());
  let interrupted = false;
  const onSignal = (signal: string): void => {
    if (interrupted) return;
    interrupted = true;
    stopping = true;
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
    const ctx: Ctx = { sim, work, args };
    for (const [kind, number] of Object.entries(PHONE)) sim.phone(number, { pushname: `bench ${kind}` });
    log(`bench: simulator on 127.0.0.1:${sim.port}; work folder ${work}; history fill ${fmtBytes(args.fillBytes)}`);
    for (const kind of KINDS) {
      if (args.only && args.only !== kind) continue;
      if (interrupted) break;
      log(`bench: ${LABEL[kind]}`);
      const kindStarted = performance.now();
      const result: ClientResult = { kind, restore: [], bigRestore: [], errors: [] };
      results[kind] = result;
      try {
        await benchClient(ctx, kind, log, result);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        log(`  ${kind}: FAILED: ${message}`);
        result.errors.push(message);
      }
      log(`  ${kind}: done in ${fmtS(performance.now() - kindStarted)}`);
    }
    // N paired sessions started at once, per client (the plugin's browser side is whatsapp-web.js's).
    for (const [i, kind] of (['waweb', 'wwebjs'] as const).entries()) {
      if (args.sessions === 0 || (args.only && args.only !== kind) || interrupted) continue;
      log(`bench: ${args.sessions} sessions at once, ${LABEL[kind]}`);
      try {
        sessions.push(await measureSessions(sim, work, kind, args.sessions, 15550009000 + i * 100, log));
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        log(`  ${kind}: sessions FAILED: ${message}`);
        sessionErrors.push(`${kind}: ${message}`);
      }
    }
    if (!interrupted && (!args.only || args.only === 'cluster')) await runCluster(work, args.hostMax, log, cluster);
  } finally {
    clearTimeout(watchdog);
    stopping = true;
    await cleanup();
    // Anything a phase started while an interrupt's cleanup ran.
    for (const child of [...live]) await child.kill();
    await killPhase(undefined, work).catch((err: unknown) => log(`bench: ${String(err)}`));
  }

  const totalMs = Math.round(performance.now() - started);
  const loadAfter = loadavg().map((l) => Math.round(l * 100) / 100);
  const list = rows(results, args.fillBytes);
  const info = machine();
  console.log('');
  console.log(
    `waweb's Client, whatsapp-web.js ${String(info['whatsappWebJs'])} with its RemoteAuth, and with waweb/wwebjs's RemoteAuth — same simulator, same machine, one run`,
  );
  console.log(
    `(${String(info['cpus'])} CPUs, ${String(info['totalMemMiB'])} MiB RAM, Node ${process.version}, ${String(info['chromium'])}; FileStore for all)`,
  );
  console.log(
    `load average (1/5/15 min) at start ${loadBefore.join(' ')}, at end ${loadAfter.join(' ')}: timings are noisy when it exceeds the CPU count`,
  );
  console.log('');
  console.log(table(list));
  console.log('');
  for (const r of sessions) {
    console.log(
      `${r.sessions} sessions at once, ${LABEL[r.kind]}: all ready ${fmtS(r.allReadyMs)}; Chromium PSS per session median ${r.medianPssMiB} MiB (${r.pssMiB.join(', ')}); LocalAuth restart → ready median ${fmtS(r.medianLocalRestartMs)} (${r.localRestartMs.map((ms) => fmtS(ms)).join(', ')})`,
    );
  }
  for (const e of sessionErrors) console.log(`sessions at once: FAILED ${e}`);
  printCluster(cluster);
  if (sessions.length > 0 || sessionErrors.length > 0) console.log('');
  console.log(`total bench time: ${fmtS(totalMs)}`);
  if (args.json) {
    await writeFile(
      args.json,
      `${JSON.stringify({ startedAt: new Date(Date.now() - totalMs).toISOString(), totalMs, fillBytes: args.fillBytes, repeat: args.repeat, loadavg: { start: loadBefore, end: loadAfter }, machine: info, rows: list, results, sessions, cluster }, null, 2)}\n`,
    );
    console.log(`JSON written to ${args.json}`);
  }
  if (interrupted) return 130;
  const failed = Object.values(results).some((r) => r && r.errors.length > 0) || sessionErrors.length > 0 || cluster.errors.length > 0;
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
