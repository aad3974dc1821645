/**
 * A SessionManager worker in a child process (spawned by manager-workers.ts), configured by
 * WAWEB_WORKER as JSON. It reports every manager event as one JSON line on stdout, takes commands as
 * JSON lines on stdin (`{"cmd":"save","id":"s1","force":true}`), and on SIGTERM closes the manager
 * (final backups, leases released) and exits.
 *
 * The chaos soak (test/helpers/chaos.ts) also asks for: more managers in the same process, each on
 * its own database with its own sessions (`more`); encryption at rest (`encryptionKeys`); every store
 * save reported with its fencing token and a hash of its bytes (`reportSaves`); and each manager's
 * dashboard JSON API on 127.0.0.1 (`dashboardToken`, reported as `dashboard`).
 */
import { MongoClient } from 'mongodb';
import { MongoLeases, PostgresLeases, SessionManager, type LeaseBackend } from '../../src/manager/index';
import type { Dashboard } from '../../src/serve/index';
import { EncryptedStore, MongoStore, PostgresStore, type SessionStore } from '../../src/index';
import type { Logger } from '../../src/util/logger';
import { createInterface } from 'node:readline';
import { reportingSaves, type SaveReport } from './chaos-store';

export type WorkerBackend =
  | {
      kind: 'postgres';
      connectionString: string;
      table: string;
      /** The leases' table. @default `<table>_leases` */
      leasesTable?: string;
    }
  | { kind: 'mongo'; uri: string; dbName: string };

export interface WorkerConfig {
  workerId: string;
  backend: WorkerBackend;
  sessions: string[];
  dataPath: string;
  chromiumArgs: string[];
  leaseTtlMs: number;
  sweepIntervalMs: number;
  /** RemoteAuth's periodic backups. @default 60000 */
  backupSyncIntervalMs?: number;
  maxConcurrent?: number;
  /** More managers in this process, each with its own backend and sessions (ids distinct from the others'). */
  more?: Array<{ backend: WorkerBackend; sessions: string[] }>;
  /** Every store behind EncryptedStore with these keys (`WAWEB_ENCRYPTION_KEYS` syntax). */
  encryptionKeys?: string;
  /** Report every store save (`save-begin`, `save-end`). */
  reportSaves?: boolean;
  /** Serve each manager's dashboard on 127.0.0.1 (port 0) with this token. */
  dashboardToken?: string;
}

export type WorkerReport =
  | { type: 'state'; id: string; state: string }
  | { type: 'qr'; id: string; qr: string }
  | { type: 'ready'; id: string; ms: number; restored: boolean }
  | { type: 'acquired'; id: string; token: number; takenFrom: string | null }
  | { type: 'lost'; id: string; code: string }
  | { type: 'released'; id: string }
  | { type: 'saved'; id: string; generation: number }
  | { type: 'save_failed'; id: string; code: string }
  | { type: 'save-result'; id: string; ok: boolean; code: string | null }
  | { type: 'browser'; id: string; pid: number }
  | { type: 'dashboard'; backend: WorkerBackend['kind']; url: string }
  /** A session's start step (the bench's failover timings): its profile restored, its browser launched. */
  | { type: 'step'; id: string; step: 'restored' | 'launched'; ms: number | null }
  | SaveReport
  | { type: 'closed' };

function report(r: WorkerReport): void {
  process.stdout.write(`${JSON.stringify({ ...r, t: Date.now() })}\n`);
}

/** The start steps the manager logs, as `step` reports; every other record is dropped. */
function stepLogger(bindings: Record<string, unknown> = {}): Logger {
  const log = (fields: Record<string, unknown>, message: string): void => {
    // The manager's binding (the session id) over the strategy's own `session` field (its folder name).
    const all = { ...fields, ...bindings };
    const step = message === 'restored from the store' ? 'restored' : message === 'browser started' ? 'launched' : undefined;
    if (step && typeof all['session'] === 'string')
      report({ type: 'step', id: all['session'], step, ms: typeof all['ms'] === 'number' ? all['ms'] : null });
  };
  return { trace: log, debug: log, info: log, warn: log, error: log, child: (more) => stepLogger({ ...bindings, ...more }) };
}

async function open(backend: WorkerBackend): Promise<{ store: SessionStore; leases: LeaseBackend; close(): Promise<void> }> {
  if (backend.kind === 'postgres') {
    const store = new PostgresStore({ connectionString: backend.connectionString, table: backend.table });
    const leases = new PostgresLeases({
      connectionString: backend.connectionString,
      table: backend.leasesTable ?? `${backend.table}_leases`,
    });
    return { store, leases, close: async () => void (await Promise.all([store.close(), leases.close()])) };
  }
  const client = new MongoClient(backend.uri, { serverSelectionTimeoutMS: 5000, serverMonitoringMode: 'poll' });
  await client.connect();
  const store = new MongoStore({ client, dbName: backend.dbName });
  const leases = new MongoLeases({ db: client.db(backend.dbName) });
  return { store, leases, close: () => client.close() };
}

interface Running {
  manager: SessionManager;
  sessions: string[];
  dashboard: Dashboard | undefined;
  close(): Promise<void>;
}

async function run(config: WorkerConfig, backend: WorkerBackend, sessions: string[]): Promise<Running> {
  const opened = await open(backend);
  let store = opened.store;
  if (config.encryptionKeys !== undefined) store = new EncryptedStore(store);
  if (config.reportSaves === true) store = reportingSaves(store, report);
  const manager = new SessionManager({
    store,
    leases: opened.leases,
    workerId: config.workerId,
    sessions,
    dataPath: config.dataPath,
    leaseTtlMs: config.leaseTtlMs,
    sweepIntervalMs: config.sweepIntervalMs,
    maxConcurrent: config.maxConcurrent ?? 3,
    clientOptions: { puppeteer: { args: config.chromiumArgs } },
    remoteAuth: { backupSyncIntervalMs: config.backupSyncIntervalMs ?? 60_000 },
    logger: stepLogger(),
  });
  manager.on('session.state', (info) => report({ type: 'state', id: info.id, state: info.state }));
  manager.on('session.qr', (id, qr) => report({ type: 'qr', id, qr }));
  manager.on('session.ready', (id, info) => {
    report({ type: 'ready', id, ...info });
    const pid = manager.browserPids().find((b) => b.id === id)?.pid;
    if (pid !== undefined) report({ type: 'browser', id, pid });
  });
  manager.on('lease.acquired', (id, lease) => report({ type: 'acquired', id, token: lease.token, takenFrom: lease.takenFrom }));
  manager.on('lease.lost', (id, error) => report({ type: 'lost', id, code: error.code }));
  manager.on('lease.released', (id) => report({ type: 'released', id }));
  manager.on('session.saved', (id, info) => report({ type: 'saved', id, generation: info.generation }));
  manager.on('session.save_failed', (id, error) => report({ type: 'save_failed', id, code: error.code }));
  // Loaded only when asked for: the other workers' tests need neither prom-client nor qrcode.
  const dashboard =
    config.dashboardToken === undefined
      ? undefined
      : await (await import('../../src/serve/index')).startDashboard({ manager, token: config.dashboardToken });
  if (dashboard) report({ type: 'dashboard', backend: backend.kind, url: dashboard.url });
  return {
    manager,
    sessions,
    dashboard,
    close: async () => {
      await dashboard?.close();
      await manager.close();
      await opened.close();
    },
  };
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env['WAWEB_WORKER'] ?? '{}') as WorkerConfig;
  if (config.encryptionKeys !== undefined) process.env['WAWEB_ENCRYPTION_KEYS'] = config.encryptionKeys;
  const plan = [{ backend: config.backend, sessions: config.sessions }, ...(config.more ?? [])];
  const running = await Promise.all(plan.map((p) => run(config, p.backend, p.sessions)));
  createInterface({ input: process.stdin }).on('line', (line) => {
    const command = JSON.parse(line) as { cmd: string; id: string; force?: boolean };
    const manager = running.find((r) => r.sessions.includes(command.id))?.manager;
    if (command.cmd !== 'save' || !manager) return;
    manager.save(command.id, { force: command.force === true }).then(
      () => report({ type: 'save-result', id: command.id, ok: true, code: null }),
      (err: unknown) => report({ type: 'save-result', id: command.id, ok: false, code: String((err as { code?: unknown }).code) }),
    );
  });
  let stopping = false;
  process.on('SIGTERM', () => {
    if (stopping) return;
    stopping = true;
    void Promise.allSettled(running.map((r) => r.close())).finally(() => {
      report({ type: 'closed' });
      process.exit(0);
    });
  });
  await Promise.all(running.map((r) => r.manager.start()));
}

if (process.env['WAWEB_WORKER']) {
  main().catch((err: unknown) => {
    process.stderr.write(`worker failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
