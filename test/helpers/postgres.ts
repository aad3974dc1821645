/**
 * A throwaway PostgreSQL server for tests, or the real one named by PG_CONNECTION_STRING / DATABASE_URL.
 *
 *   const pg = await startPostgres();
 *   afterAll(() => pg.stop());
 *
 * The local server runs from the Debian/Ubuntu `postgresql` package (binaries under
 * /usr/lib/postgresql/<version>/bin, 15 preferred, PG_BIN overrides) on 127.0.0.1 and a port the
 * OS picked, with its data and socket in a temporary folder. When the tests run as root, the
 * server runs as the `postgres` OS user (PostgreSQL refuses to run as root).
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Pool } from 'pg';
import { freePort } from './ports';

const execFileAsync = promisify(execFile);

export interface PostgresServer {
  /** `postgresql://...` for `pg`'s `connectionString`. */
  connectionString: string;
  /** True when this helper started the server (false when it came from the environment). */
  local: boolean;
  /** Stops the server and removes its folder. Safe to call twice. */
  stop(): Promise<void>;
  /** An outage: stops the server (connections refused) and keeps its data (local servers only). */
  pause?(): Promise<void>;
  /** Ends the outage: the same server, data and port again. */
  resume?(): Promise<void>;
}

function findBinDir(): string {
  const fromEnv = process.env.PG_BIN;
  if (fromEnv) {
    if (existsSync(path.join(fromEnv, 'pg_ctl'))) return fromEnv;
    throw new Error(`PG_BIN=${fromEnv} does not contain pg_ctl`);
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(path.join(root, v, 'bin', 'pg_ctl')))
        .sort((a, b) => (a === '15' ? -1 : b === '15' ? 1 : Number(b) - Number(a)))
    : [];
  const first = versions[0];
  if (first === undefined) {
    throw new Error(
      'PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin. ' +
        'Install them (apt-get install postgresql-15), point PG_BIN at a bin folder with initdb and pg_ctl, ' +
        'or set PG_CONNECTION_STRING to a server the tests may use.',
    );
  }
  return path.join(root, first, 'bin');
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Command and arguments, run as the `postgres` user when we are root. */
function asPostgres(bin: string, args: string[]): [string, string[]] {
  return isRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
}

export async function startPostgres(): Promise<PostgresServer> {
  const external = process.env.PG_CONNECTION_STRING || process.env.DATABASE_URL;
  if (external) {
    return { connectionString: external, local: false, stop: async () => undefined };
  }

  const binDir = findBinDir();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'waweb-pg-'));
  const dataDir = path.join(dir, 'data');
  const pgCtl = path.join(binDir, 'pg_ctl');
  if (isRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    await fs.chown(dir, uid, gid);
  }

  const run = async (bin: string, args: string[]): Promise<void> => {
    const [cmd, argv] = asPostgres(bin, args);
    try {
      await execFileAsync(cmd, argv, { cwd: dir, timeout: 60_000 });
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      let log = '';
      try {
        log = await fs.readFile(path.join(dir, 'server.log'), 'utf8');
      } catch {
        // no log yet
      }
      throw new Error(`${path.basename(bin)} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}${log}`);
    }
  };

  let started = false;
  const stopSync = (): void => {
    if (!started) return;
    started = false;
    const [cmd, argv] = asPostgres(pgCtl, ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    try {
      execFileSync(cmd, argv, { stdio: 'ignore', timeout: 30_000 });
    } catch {
      // already down
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // Last resort if the test process exits without calling stop(): never leave a daemon behind.
  process.once('exit', stopSync);

  try {
    await run(path.join(binDir, 'initdb'), ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
    // A port picked now could be taken before the server binds it; try a few.
    let port = 0;
    for (let attempt = 0; ; attempt++) {
      port = await freePort();
      try {
        started = true;
        await run(pgCtl, [
          '-D',
          dataDir,
          '-l',
          path.join(dir, 'server.log'),
          '-o',
          `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c full_page_writes=off`,
          '-w',
          '-t',
          '60',
          'start',
        ]);
        break;
      } catch (err) {
        // `started` stays true so a half-started server is stopped below.
        if (attempt >= 2) throw err;
      }
    }

    let stopping: Promise<void> | undefined;
    const serverOptions = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c full_page_writes=off`;
    return {
      connectionString: `postgresql://postgres@127.0.0.1:${port}/postgres`,
      local: true,
      pause: () => run(pgCtl, ['-D', dataDir, '-m', 'fast', '-w', 'stop']),
      resume: () => run(pgCtl, ['-D', dataDir, '-l', path.join(dir, 'server.log'), '-o', serverOptions, '-w', '-t', '60', 'start']),
      stop(): Promise<void> {
        if (!stopping) {
          stopping = (async () => {
            process.removeListener('exit', stopSync);
            if (started) {
              started = false;
              const [cmd, argv] = asPostgres(pgCtl, ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
              await execFileAsync(cmd, argv, { timeout: 30_000 }).catch(() => undefined);
            }
            await fs.rm(dir, { recursive: true, force: true });
          })();
        }
        return stopping;
      },
    };
  } catch (err) {
    stopSync();
    process.removeListener('exit', stopSync);
    await fs.rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** A file's PostgreSQL, from `usePostgres`. */
export interface PostgresForFile {
  server: PostgresServer;
  /** A pool for the test's own queries (4 connections), ended after the file. */
  admin: Pool;
}

/**
 * For one test file: a PostgreSQL (`startPostgres`) and an admin pool, handed to `ready` once both
 * are up and stopped after the file. `table(prefix)` gives a table name of this process's own and
 * drops that table (with a store's `_chunks` and `_fences` tables) after the file.
 */
export function usePostgres(ready: (pg: PostgresForFile) => void): { table: (prefix: string) => string } {
  let pg: PostgresForFile | undefined;
  const tables: string[] = [];
  beforeAll(async () => {
    const server = await startPostgres();
    pg = { server, admin: new Pool({ connectionString: server.connectionString, max: 4 }) };
    ready(pg);
  }, 120_000);
  afterAll(async () => {
    try {
      for (const t of tables) await pg?.admin.query(`DROP TABLE IF EXISTS "${t}" CASCADE`);
      await pg?.admin.end();
    } finally {
      await pg?.server.stop();
    }
  });
  return {
    table: (prefix) => {
      const t = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
      tables.push(t, `${t}_chunks`, `${t}_fences`);
      return t;
    },
  };
}
