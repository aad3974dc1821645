/**
 * A MongoDB for tests: the real server named by MONGODB_URI when set, otherwise the offline
 * wire-protocol server CongoDB (scripts/congo-server.mjs) in a child process on an OS-picked port.
 *
 *   const mongo = await startMongo();
 *   afterAll(() => mongo.stop());
 *   const client = new MongoClient(mongo.uri); client.db(mongo.dbName) ...
 *
 * CongoDB limits to design tests around: GridFS downloads above 16 MiB fail, unique indexes are
 * not enforced, no change streams.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { MongoClient, type Db } from 'mongodb';

export interface MongoServer {
  /** Connection string without a database name. */
  uri: string;
  /** A database name unique to this call; use it so suites never share data. */
  dbName: string;
  /** 'congo' for the local wire-protocol server, 'external' for MONGODB_URI. */
  kind: 'congo' | 'external';
  /** Stops the child server (or drops the suite's database on an external one). Safe to call twice. */
  stop(): Promise<void>;
  /** A hang: the local server stops answering (SIGSTOP) with its connections open. */
  freeze?(): void;
  /** Ends the hang (SIGCONT). */
  thaw?(): void;
  /** The local server's exit and the tail of its stderr, once it has exited (it should not before `stop()`). */
  exited?(): { code: number | null; signal: NodeJS.Signals | null; stderr: string } | undefined;
}

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

function uniqueDbName(): string {
  return `waweb_test_${process.pid}_${randomBytes(4).toString('hex')}`;
}

export async function startMongo(): Promise<MongoServer> {
  const dbName = uniqueDbName();
  const external = process.env.MONGODB_URI;
  if (external) {
    let stopping: Promise<void> | undefined;
    return {
      uri: external,
      dbName,
      kind: 'external',
      stop(): Promise<void> {
        if (!stopping) {
          stopping = (async () => {
            // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only to clean up an external server
            const { MongoClient } = require('mongodb') as typeof import('mongodb');
            const client = new MongoClient(external, { serverSelectionTimeoutMS: 5_000 });
            try {
              await client.db(dbName).dropDatabase();
            } catch {
              // best effort
            } finally {
              await client.close().catch(() => undefined);
            }
          })();
        }
        return stopping;
      },
    };
  }
  return startCongo(dbName);
}

async function startCongo(dbName: string): Promise<MongoServer> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts', 'congo-server.mjs')], {
    cwd: REPO_ROOT,
    // stdin stays open: the server exits when it closes, so it dies with this process.
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });

  const killOnExit = (): void => {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  };
  process.once('exit', killOnExit);

  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout });
      const timer = setTimeout(() => {
        finish(new Error(`congo-server did not report a port within ${START_TIMEOUT_MS} ms\n${stderr}`));
      }, START_TIMEOUT_MS);
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
        finish(new Error(`congo-server exited (code ${code}, signal ${signal}) before listening\n${stderr}`));
      };
      function finish(err: Error | null, value?: number): void {
        clearTimeout(timer);
        child.removeListener('exit', onExit);
        child.removeListener('error', finish);
        lines.removeAllListeners('line');
        if (err) reject(err);
        else resolve(value as number);
      }
      child.once('exit', onExit);
      child.once('error', finish);
      lines.on('line', (line) => {
        try {
          const parsed = JSON.parse(line) as { port?: unknown };
          if (typeof parsed.port === 'number' && parsed.port > 0) finish(null, parsed.port);
        } catch {
          // not our line
        }
      });
    });
  } catch (err) {
    killOnExit();
    process.removeListener('exit', killOnExit);
    throw err;
  }
  // Keep draining stdout so the child never blocks on a full pipe.
  child.stdout?.resume();

  let stopping: Promise<void> | undefined;
  return {
    uri: `mongodb://127.0.0.1:${port}`,
    dbName,
    kind: 'congo',
    freeze: () => void (child.pid && process.kill(child.pid, 'SIGSTOP')),
    // Nothing to wake once it has exited.
    thaw: () => void (child.pid && child.exitCode === null && child.signalCode === null && process.kill(child.pid, 'SIGCONT')),
    exited: () =>
      child.exitCode === null && child.signalCode === null ? undefined : { code: child.exitCode, signal: child.signalCode, stderr },
    stop(): Promise<void> {
      if (!stopping) {
        stopping = (async () => {
          process.removeListener('exit', killOnExit);
          if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
          process.kill(child.pid, 'SIGCONT'); // a frozen server cannot handle SIGTERM
          const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
          process.kill(child.pid, 'SIGTERM');
          let timer: NodeJS.Timeout | undefined;
          const timedOut = new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(true), STOP_TIMEOUT_MS);
          });
          const late = await Promise.race([exited.then(() => false), timedOut]);
          clearTimeout(timer);
          if (late && child.pid) {
            try {
              process.kill(child.pid, 'SIGKILL');
            } catch {
              // gone
            }
            await exited;
          }
          child.stdin?.destroy();
        })();
      }
      return stopping;
    },
  };
}

/**
 * For one test file: a MongoDB (`startMongo`) and a client for the whole file, and a fresh database
 * per test, handed to `fresh` before each test and dropped after it (after `cleanup`, if given).
 */
export function useMongoDatabases(suffix: string, fresh: (db: Db) => void, cleanup?: () => Promise<void>): void {
  let server: MongoServer | undefined;
  let client: MongoClient | undefined;
  let current: Db | undefined;
  let count = 0;
  beforeAll(async () => {
    server = await startMongo();
    client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 10_000, serverMonitoringMode: 'poll' });
    await client.connect();
  }, 60_000);
  afterAll(async () => {
    try {
      await client?.close();
    } finally {
      await server?.stop();
    }
  });
  beforeEach(() => {
    count += 1;
    current = (client as MongoClient).db(`${(server as MongoServer).dbName}_${suffix}${count}`);
    fresh(current);
  });
  afterEach(async () => {
    await cleanup?.();
    await current?.dropDatabase().catch(() => undefined);
  });
}
