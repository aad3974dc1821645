/**
 * The jest frame of the multi-worker tests: one simulator, one database (PostgreSQL or MongoDB), a
 * temporary folder, and the workers a test spawns, all stopped after the file's tests (every
 * browser proven gone). Each session's phone scans the QRs that session shows.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { WhatsAppSimulator } from '../../src/simulator';
import type { WorkerBackend, WorkerConfig } from './manager-worker';
import { spawnWorker, type Worker } from './manager-workers';
import { startMongo } from './mongo';
import { startPostgres } from './postgres';
import { openSessionStore, type OpenedStore } from './store-config';
import { tempDir, type TempDir } from './tmp';

export type BackendKind = 'postgres' | 'mongo';
export const BACKEND_KINDS: readonly BackendKind[] = ['postgres', 'mongo'];

export interface ClusterEnv {
  readonly sim: WhatsAppSimulator;
  readonly work: TempDir;
  readonly backend: WorkerBackend;
  readonly workers: Worker[];
  /** A worker named `name` running `sessions`; `numberOf` gives each session's phone. */
  start(name: string, sessions: string[], numberOf: (id: string) => string, config?: Partial<WorkerConfig>): Worker;
  /** The workers' store, opened in the test to look at it. */
  openStore(): Promise<OpenedStore>;
}

export function useWorkerCluster(kind: BackendKind, prefix: string): ClusterEnv {
  const env: {
    sim?: WhatsAppSimulator;
    work?: TempDir;
    backend?: WorkerBackend;
    stop?: () => Promise<void>;
  } = {};
  const workers: Worker[] = [];

  beforeAll(async () => {
    const db =
      kind === 'postgres'
        ? await startPostgres().then((pg) => ({
            backend: { kind, connectionString: pg.connectionString, table: `${prefix}_${randomBytes(4).toString('hex')}` } as WorkerBackend,
            stop: () => pg.stop(),
          }))
        : await startMongo().then((m) => ({ backend: { kind, uri: m.uri, dbName: m.dbName } as WorkerBackend, stop: () => m.stop() }));
    [env.sim, env.work] = await Promise.all([WhatsAppSimulator.start(), tempDir(`waweb-${prefix}-`)]);
    env.backend = db.backend;
    env.stop = db.stop;
  }, 120_000);

  afterAll(async () => {
    const left = (await Promise.all(workers.map((w) => w.destroy()))).flat();
    await env.sim?.close();
    await env.stop?.();
    await env.work?.remove();
    expect(left).toEqual([]);
  }, 60_000);

  return {
    get sim() {
      return env.sim as WhatsAppSimulator;
    },
    get work() {
      return env.work as TempDir;
    },
    get backend() {
      return env.backend as WorkerBackend;
    },
    workers,
    start(name, sessions, numberOf, config = {}) {
      const sim = env.sim as WhatsAppSimulator;
      const worker = spawnWorker(
        {
          workerId: name,
          backend: env.backend as WorkerBackend,
          sessions,
          dataPath: join((env.work as TempDir).path, name),
          chromiumArgs: sim.chromiumArgs(),
          leaseTtlMs: 6000,
          sweepIntervalMs: 1000,
          ...config,
        },
        (report) => {
          if (report.type === 'qr')
            sim
              .phone(numberOf(report.id))
              .scan(report.qr)
              .catch(() => undefined);
        },
      );
      workers.push(worker);
      return worker;
    },
    openStore: () => openSessionStore(env.backend as WorkerBackend),
  };
}
