/**
 * A SessionManager worker in a child process (spawned by manager-workers.ts), configured by
 * WAWEB_WORKER as JSON. It reports every manager event as one JSON line on stdout, takes commands as
 * JSON lines on stdin (`{"cmd":"save","id":"s1","force":true}`), and on SIGTERM closes the manager
 * (final backups, leases released) and exits.
 */
import { MongoClient } from 'mongodb';
import { MongoLeases, PostgresLeases, SessionManager, type LeaseBackend } from '../../src/manager/index';
import { MongoStore, PostgresStore, type SessionStore } from '../../src/index';
import { createInterface } from 'node:readline';

export type WorkerBackend = { kind: 'postgres'; connectionString: string; table: string } | { kind: 'mongo'; uri: string; dbName: string };

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
  | { type: 'closed' };

function report(r: WorkerReport): void {
  process.stdout.write(`${JSON.stringify({ ...r, t: Date.now() })}\n`);
}

async function open(backend: WorkerBackend): Promise<{ store: SessionStore; leases: LeaseBackend; close(): Promise<void> }> {
  if (backend.kind === 'postgres') {
    const store = new PostgresStore({ connectionString: backend.connectionString, table: backend.table });
    const leases = new PostgresLeases({ connectionString: backend.connectionString, table: `${backend.table}_leases` });
    return { store, leases, close: async () => void (await Promise.all([store.close(), leases.close()])) };
  }
  const client = new MongoClient(backend.uri, { serverSelectionTimeoutMS: 5000 });
  await client.connect();
  const store = new MongoStore({ client, dbName: backend.dbName });
  const leases = new MongoLeases({ db: client.db(backend.dbName) });
  return { store, leases, close: () => client.close() };
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env['WAWEB_WORKER'] ?? '{}') as WorkerConfig;
  const backend = await open(config.backend);
  const manager = new SessionManager({
    store: backend.store,
    leases: backend.leases,
    workerId: config.workerId,
    sessions: config.sessions,
    dataPath: config.dataPath,
    leaseTtlMs: config.leaseTtlMs,
    sweepIntervalMs: config.sweepIntervalMs,
    maxConcurrent: config.maxConcurrent ?? 3,
    clientOptions: { puppeteer: { args: config.chromiumArgs } },
    remoteAuth: { backupSyncIntervalMs: config.backupSyncIntervalMs ?? 60_000 },
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
  createInterface({ input: process.stdin }).on('line', (line) => {
    const command = JSON.parse(line) as { cmd: string; id: string; force?: boolean };
    if (command.cmd !== 'save') return;
    manager.save(command.id, { force: command.force === true }).then(
      () => report({ type: 'save-result', id: command.id, ok: true, code: null }),
      (err: unknown) => report({ type: 'save-result', id: command.id, ok: false, code: String((err as { code?: unknown }).code) }),
    );
  });
  let stopping = false;
  process.on('SIGTERM', () => {
    if (stopping) return;
    stopping = true;
    void manager
      .close()
      .then(() => backend.close())
      .finally(() => {
        report({ type: 'closed' });
        process.exit(0);
      });
  });
  await manager.start();
}

if (process.env['WAWEB_WORKER']) {
  main().catch((err: unknown) => {
    process.stderr.write(`worker failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
