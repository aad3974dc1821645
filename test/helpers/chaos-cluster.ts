/**
 * The chaos soak's world: one simulator, a PostgreSQL and a MongoDB, and worker processes that each
 * run two SessionManagers (one per database, every worker listing every session of both), with
 * their dashboards on 127.0.0.1, encryption at rest, and every save reported. It keeps what the
 * workers report as a model (who holds which lease, in which state; which worker is frozen or gone)
 * and tells waiters whenever that model changes.
 *
 * Why every worker runs both databases: each process fault then hits PostgreSQL and MongoDB
 * sessions at once, and each database sees every worker compete for its leases, with 3–4 Node
 * processes (3–4 per database with split workers would need twice as many on 2 CPUs).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { EncryptedStore, type SessionStore } from '../../src/index';
import { WhatsAppSimulator } from '../../src/simulator';
import { settledWithin } from '../../src/util/deadline';
import type { WorkerBackend, WorkerConfig } from './manager-worker';
import { spawnWorker, type Reported, type Worker } from './manager-workers';
import { startMongo, type MongoServer } from './mongo';
import { startPostgres, type PostgresServer } from './postgres';
import { isLive, liveProcesses, waitForNone } from './processes';
import { openSessionStore } from './store-config';
import { tempDir, type TempDir } from './tmp';
import type { ChaosOptions } from './chaos-plan';

export type DbKind = WorkerBackend['kind'];

/** One worker process as the soak sees it. */
export interface ChaosWorker {
  readonly id: string;
  readonly process: Worker;
  /** SIGSTOPped: what it last reported may no longer be true. */
  frozen: boolean;
  /** Killed, stopped or exited: no longer counted. */
  gone: boolean;
  readonly dashboards: Partial<Record<DbKind, string>>;
  /** Leases held (session → token). */
  readonly held: Map<string, number>;
  /** Last state of each session on this worker. */
  readonly states: Map<string, string>;
  /** When it was last woken from a SIGSTOP: what it said before then about a session no longer counts. */
  thawedAt: number | undefined;
  /** When it last reported anything about each session. */
  readonly heard: Map<string, number>;
  /** Set before the soak kills or stops it: any other exit is a crash. */
  expectExit: boolean;
}

/** What the workers reported about saves, per session (store id `RemoteAuth-<id>`). */
export interface SaveLog {
  begins: Array<{ sha: string; token: number | null; worker: string; at: number }>;
  ends: Array<{
    sha: string;
    token: number | null;
    worker: string;
    ok: boolean;
    code: string | null;
    generation: number | null;
    at: number;
  }>;
}

export const DASHBOARD_TOKEN = `chaos-${randomBytes(12).toString('hex')}`;

/** A change-notifier: `until()` resolves once `condition()` holds, checked again on every `notify()`. */
export class Changes {
  readonly #waiters = new Set<() => void>();

  notify(): void {
    for (const w of [...this.#waiters]) w();
  }

  /** Resolves true when `condition()` holds, false after `timeoutMs`; rejects when `signal` aborts. */
  until(condition: () => boolean, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      const finish = (value: boolean | Error): void => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        signal?.removeEventListener('abort', onAbort);
        if (value instanceof Error) reject(value);
        else resolve(value);
      };
      const check = (): void => {
        if (condition()) finish(true);
      };
      const onAbort = (): void => finish(new Error('chaos: aborted'));
      const timer = setTimeout(() => finish(false), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(check);
      check();
    });
  }
}

export class ChaosCluster {
  readonly workers: ChaosWorker[] = [];
  readonly sessions: string[];
  readonly changes = new Changes();
  /** Session → when its first backup was stored (paired). */
  readonly paired = new Map<string, number>();
  /** Store session id → its saves. */
  readonly saves = new Map<string, SaveLog>();
  /** Sessions that showed a QR after pairing, with when. */
  readonly qrsAfterPairing: Array<{ id: string; worker: string; at: number }> = [];
  readonly encryptionKeys = `chaos:${randomBytes(32).toString('base64')}`;
  /** Processes that exited without the soak asking them to: workers, or a database server. */
  readonly crashes: string[] = [];
  #next = 1;

  private constructor(
    readonly options: ChaosOptions,
    readonly sim: WhatsAppSimulator,
    readonly pg: PostgresServer,
    readonly mongo: MongoServer,
    readonly work: TempDir,
  ) {
    const half = Math.ceil(options.sessions / 2);
    this.sessions = [
      ...Array.from({ length: half }, (_, i) => `p${i + 1}`),
      ...Array.from({ length: options.sessions - half }, (_, i) => `m${i + 1}`),
    ];
  }

  /** Starts the simulator and both databases; on a failure, stops whatever had started. */
  static async start(options: ChaosOptions): Promise<ChaosCluster> {
    const started: Array<{ stop(): Promise<void> }> = [];
    try {
      const sim = await WhatsAppSimulator.start({ adminPort: false });
      started.push({ stop: () => sim.close() });
      const pg = await startPostgres();
      started.push(pg);
      const mongo = await startMongo();
      started.push(mongo);
      const work = await tempDir('waweb-chaos-');
      return new ChaosCluster(options, sim, pg, mongo, work);
    } catch (err) {
      for (const s of started.reverse()) await s.stop().catch(() => undefined);
      throw err;
    }
  }

  kindOf(id: string): DbKind {
    return id.startsWith('p') ? 'postgres' : 'mongo';
  }

  /** The phone of session `id`. */
  numberOf(id: string): string {
    return `155507${this.kindOf(id) === 'postgres' ? 1 : 2}${id.slice(1).padStart(4, '0')}`;
  }

  sessionOfNumber(phone: string): string | undefined {
    return this.sessions.find((id) => this.numberOf(id) === phone);
  }

  backend(kind: DbKind): WorkerBackend {
    // The default table names: the CLI finds the leases next to the store there.
    return kind === 'postgres'
      ? { kind, connectionString: this.pg.connectionString, table: 'waweb_sessions', leasesTable: 'waweb_leases' }
      : { kind, uri: this.mongo.uri, dbName: this.mongo.dbName };
  }

  /** The store's URL as the CLI takes it (encrypted, keys from the environment). */
  storeUrl(kind: DbKind): string {
    return kind === 'postgres' ? `encrypted:${this.pg.connectionString}` : `encrypted:${this.mongo.uri}/${this.mongo.dbName}`;
  }

  /** The store as the workers write it, opened here to read it back. */
  async openStore(kind: DbKind): Promise<{ store: SessionStore; close(): Promise<void> }> {
    const b = this.backend(kind);
    const opened = await openSessionStore(
      b.kind === 'postgres' ? { kind: 'postgres', connectionString: b.connectionString, table: b.table } : b,
    );
    const [id, key] = this.encryptionKeys.split(':') as [string, string];
    return { store: new EncryptedStore(opened.store, { keys: [{ id, key }] }), close: () => opened.close() };
  }

  /** A new worker process running every session of both databases. */
  spawn(): ChaosWorker {
    const id = `w${this.#next++}`;
    const pg = this.sessions.filter((s) => this.kindOf(s) === 'postgres');
    const mongo = this.sessions.filter((s) => this.kindOf(s) === 'mongo');
    const config: WorkerConfig = {
      workerId: id,
      backend: this.backend('postgres'),
      sessions: pg,
      more: [{ backend: this.backend('mongo'), sessions: mongo }],
      dataPath: join(this.work.path, id),
      chromiumArgs: this.sim.chromiumArgs(),
      leaseTtlMs: this.options.leaseTtlMs,
      sweepIntervalMs: 1000,
      backupSyncIntervalMs: this.options.backupSyncIntervalMs,
      maxConcurrent: 2,
      encryptionKeys: this.encryptionKeys,
      reportSaves: true,
      dashboardToken: DASHBOARD_TOKEN,
    };
    const worker: ChaosWorker = {
      id,
      process: spawnWorker(config, (r) => this.#onReport(worker, r)),
      frozen: false,
      gone: false,
      dashboards: {},
      held: new Map(),
      states: new Map(),
      thawedAt: undefined,
      heard: new Map(),
      expectExit: false,
    };
    void worker.process.exited.then((exit) => {
      if (!worker.expectExit) {
        const tail = worker.process.stderr().trim().split('\n').slice(-3).join(' | ');
        this.crashes.push(`worker ${id} exited by itself (code ${exit.code}, signal ${exit.signal}): ${tail}`);
      }
      worker.gone = true;
      this.changes.notify();
    });
    this.workers.push(worker);
    return worker;
  }

  #onReport(w: ChaosWorker, r: Reported): void {
    const now = Date.now();
    if ('id' in r) w.heard.set(r.id, now);
    switch (r.type) {
      case 'state':
        w.states.set(r.id, r.state);
        break;
      case 'acquired':
        w.held.set(r.id, r.token);
        break;
      case 'lost':
      case 'released':
        w.held.delete(r.id);
        break;
      case 'dashboard':
        w.dashboards[r.backend] = r.url;
        break;
      case 'qr':
        if (this.paired.has(r.id)) this.qrsAfterPairing.push({ id: r.id, worker: w.id, at: now });
        else
          this.sim
            .phone(this.numberOf(r.id))
            .scan(r.qr)
            .catch(() => undefined);
        break;
      case 'save-begin':
      case 'save-end': {
        const log = this.saves.get(r.session) ?? { begins: [], ends: [] };
        this.saves.set(r.session, log);
        if (r.type === 'save-begin') log.begins.push({ sha: r.sha, token: r.token, worker: w.id, at: now });
        else {
          log.ends.push({ sha: r.sha, token: r.token, worker: w.id, ok: r.code === null, code: r.code, generation: r.generation, at: now });
          const id = r.session.replace(/^RemoteAuth-/, '');
          if (r.code === null && !this.paired.has(id)) this.paired.set(id, now);
        }
        break;
      }
      default:
        break;
    }
    this.changes.notify();
  }

  /** Workers still counted (not gone). */
  live(): ChaosWorker[] {
    return this.workers.filter((w) => !w.gone && w.process.exit() === undefined);
  }

  /** The worker holding `id`'s lease with the session `ready` there (frozen workers do not count). */
  holder(id: string): ChaosWorker | undefined {
    const current = (w: ChaosWorker): boolean => w.thawedAt === undefined || (w.heard.get(id) ?? 0) > w.thawedAt;
    return this.live().find((w) => !w.frozen && current(w) && w.held.has(id) && w.states.get(id) === 'ready');
  }

  /** Sessions given up on: not back within twice a fault's budget (each already reported as a violation). */
  readonly lost = new Set<string>();

  /**
   * Sessions that can still come back: not lost to a QR after pairing (the phones scan only the first
   * pairing) nor given up on, so one broken session does not make every later fault wait its longest.
   */
  recoverable(): string[] {
    return this.sessions.filter((id) => !this.lost.has(id) && !this.qrsAfterPairing.some((q) => q.id === id));
  }

  allUp(): boolean {
    return this.recoverable().every((id) => this.holder(id) !== undefined);
  }

  /** Pushes `bytes` of history into the page of each paired session (what grows its profile); skips offline ones. */
  async grow(bytes: number, cap: number, grown: Map<string, number>, signal: AbortSignal): Promise<void> {
    await Promise.all(
      [...this.paired.keys()].map(async (id) => {
        if ((grown.get(id) ?? 0) >= cap || signal.aborted) return;
        const phone = this.sim.phone(this.numberOf(id));
        const device = phone.devices().find((d) => d.online);
        if (!device) return;
        let done = false;
        // A page that never acknowledges (its browser gone mid-fill) must not hold the loop.
        await settledWithin(
          phone.fillHistory(device.id, bytes).then(() => void (done = true)),
          20_000,
        );
        if (done) grown.set(id, (grown.get(id) ?? 0) + bytes);
      }),
    );
  }

  /** Kills every worker and its browsers, then stops the simulator and both databases; the pids that survived (none). */
  async destroy(): Promise<number[]> {
    for (const w of this.workers) w.expectExit = true;
    const left = (await Promise.all(this.workers.map((w) => w.process.destroy()))).flat();
    await this.sim.close().catch(() => undefined);
    await Promise.allSettled([this.pg.stop(), this.mongo.stop()]);
    await this.work.remove();
    return left;
  }

  /** Why the soak cannot go on: a database server that died under it. */
  broken(): string | undefined {
    const exit = this.mongo.exited?.();
    if (!exit) return undefined;
    return `the MongoDB test server exited (code ${exit.code}, signal ${exit.signal}): ${exit.stderr.trim().split('\n').slice(-3).join(' | ')}`;
  }

  /**
   * Who had `id` when the simulator saw two browsers on it: each worker's lease token, state and
   * stall, and the live processes run with a profile of that session under each worker's folder.
   */
  describeHolders(id: string): string {
    const running = liveProcesses().filter((p) => p.cmdline.includes('--user-data-dir='));
    return this.workers
      .map((w) => {
        const dir = join(this.work.path, w.id, id);
        const pids = running.filter((p) => p.cmdline.includes(`--user-data-dir=${dir}`)).map((p) => `${p.pid}${p.state}`);
        const stall = w.frozen ? ' frozen' : w.thawedAt !== undefined ? ` thawed ${new Date(w.thawedAt).toISOString()}` : '';
        return `${w.id}${w.gone ? ' gone' : ''}${stall}: token ${w.held.get(id) ?? '-'}, ${w.states.get(id) ?? '-'}, browsers [${pids.join(' ')}]`;
      })
      .filter((line) => !line.endsWith('-, -, browsers []'))
      .join('; ');
  }

  /** Browsers a gone worker reported that are still running after `graceMs`. */
  async orphans(w: ChaosWorker, graceMs: number): Promise<number[]> {
    return waitForNone(() => w.process.browsers().filter(isLive), graceMs, 100);
  }
}
