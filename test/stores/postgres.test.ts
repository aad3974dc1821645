import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { ErrorCode, InvalidOptionError, StoreError } from '../../src/errors';
import { PostgresStore } from '../../src/stores';
import { usePostgres, type PostgresServer } from '../helpers/postgres';
import { freePort } from '../helpers/ports';
import { describeMarksConformance, describeStoreConformance, freshSessionId } from '../../src/testing';

let server: PostgresServer;
let admin: Pool;
const pg = usePostgres((started) => ({ server, admin } = started));

function uniqueTable(): string {
  return pg.table('waweb_test');
}

async function tableExists(table: string, schema = 'public'): Promise<boolean> {
  const res = await admin.query('SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2', [schema, table]);
  return (res.rowCount ?? 0) > 0;
}

/** A pool for one store under test; `end` ends it once, however often it is called. */
function ownPool(): { pool: Pool; end: () => Promise<void> } {
  const pool = new Pool({ connectionString: server.connectionString, max: 5 });
  pool.on('error', () => undefined);
  let ended: Promise<void> | undefined;
  return { pool, end: () => (ended ??= pool.end()) };
}

describeStoreConformance(
  'PostgresStore',
  async () => {
    const table = uniqueTable();
    const { pool, end } = ownPool();
    return {
      store: new PostgresStore({ pool, table, keep: 3 }),
      snapshot: async () => {
        const tables = await admin.query(
          "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
        );
        const rows = (await tableExists(table))
          ? (await admin.query(`SELECT session_id, generation, bytes FROM "${table}" ORDER BY session_id, generation`)).rows
          : [];
        return { tables: tables.rows.map((r: { table_name: string }) => r.table_name), rows };
      },
      breakBackend: end,
      cleanup: async () => {
        await end();
        await admin.query(`DROP TABLE IF EXISTS "${table}" CASCADE`);
      },
    };
  },
  { keep: 3 },
);

describeMarksConformance(
  'PostgresStore',
  async () => {
    const table = uniqueTable();
    const { pool, end } = ownPool();
    return {
      store: new PostgresStore({ pool, table, keep: 3 }),
      // Its own pool, ended by close(): another process's view of the same table.
      reopen: async () => new PostgresStore({ connectionString: server.connectionString, table, keep: 3 }),
      breakBackend: end,
      cleanup: async () => {
        await end();
        await admin.query(`DROP TABLE IF EXISTS "${table}" CASCADE`);
      },
    };
  },
  { keep: 3 },
);

describe('PostgresStore', () => {
  it('creates its table on first use with the documented columns', async () => {
    const name = uniqueTable();
    const store = new PostgresStore({ pool: admin, table: name });
    expect(await tableExists(name)).toBe(false);
    const id = freshSessionId();
    await store.save(id, Buffer.from('first'));
    const columns = await admin.query(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`,
      [name],
    );
    expect(columns.rows).toEqual([
      { column_name: 'session_id', data_type: 'text' },
      { column_name: 'generation', data_type: 'integer' },
      { column_name: 'created_at', data_type: 'timestamp with time zone' },
      { column_name: 'bytes', data_type: 'integer' },
      { column_name: 'data', data_type: 'bytea' },
      { column_name: 'set_aside_reason', data_type: 'text' },
      { column_name: 'set_aside_detail', data_type: 'text' },
      { column_name: 'set_aside_at', data_type: 'timestamp with time zone' },
      { column_name: 'logged_in_at', data_type: 'timestamp with time zone' },
      { column_name: 'chunks', data_type: 'integer' },
    ]);
    const pk = await admin.query(
      `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
       WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY a.attname`,
      [`"${name}"`],
    );
    expect(pk.rows.map((r: { attname: string }) => r.attname)).toEqual(['generation', 'session_id']);
    const rows = await admin.query(`SELECT session_id, generation, bytes, data, chunks FROM "${name}"`);
    expect(rows.rows).toEqual([{ session_id: id, generation: 1, bytes: 5, data: Buffer.alloc(0), chunks: 1 }]);
    const chunks = await admin.query(`SELECT session_id, generation, seq, data FROM "${name}_chunks"`);
    expect(chunks.rows).toEqual([{ session_id: id, generation: 1, seq: 0, data: Buffer.from('first') }]);
  });

  it('adds the mark columns to a table made before marks, keeping its rows', async () => {
    const name = uniqueTable();
    await admin.query(
      `CREATE TABLE "${name}" (session_id text NOT NULL, generation integer NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
       bytes integer NOT NULL, data bytea NOT NULL, PRIMARY KEY (session_id, generation))`,
    );
    const id = freshSessionId();
    await admin.query(`INSERT INTO "${name}" (session_id, generation, bytes, data) VALUES ($1, 1, 3, 'old'::bytea)`, [id]);
    const store = new PostgresStore({ pool: admin, table: name });
    expect((await store.list(id)).map((g) => [g.generation, g.setAside, g.loggedInAt])).toEqual([[1, undefined, undefined]]);
    const marked = await store.mark?.(id, 1, { setAside: { reason: 'QR', detail: 'landed on a QR' } });
    expect(marked?.setAside).toMatchObject({ reason: 'QR', detail: 'landed on a QR' });
    const row = await admin.query(`SELECT set_aside_reason, set_aside_detail, data FROM "${name}" WHERE session_id = $1`, [id]);
    expect(row.rows).toEqual([{ set_aside_reason: 'QR', set_aside_detail: 'landed on a QR', data: Buffer.from('old') }]);
    await store.close();
  });

  it('keeps 3 generations by default', async () => {
    const name = uniqueTable();
    const store = new PostgresStore({ pool: admin, table: name });
    expect(store.keep).toBe(3);
    const id = freshSessionId();
    for (let i = 0; i < 6; i++) await store.save(id, Buffer.from(`v${i}`));
    const rows = await admin.query(`SELECT generation FROM "${name}" WHERE session_id = $1 ORDER BY generation`, [id]);
    expect(rows.rows.map((r: { generation: number }) => r.generation)).toEqual([4, 5, 6]);
  });

  it('serializes saves from separate pools (separate connections) on one session', async () => {
    const name = uniqueTable();
    const pools = [0, 1, 2].map(() => new Pool({ connectionString: server.connectionString, max: 4 }));
    try {
      const stores = pools.map((pool) => new PostgresStore({ pool, table: name, keep: 100 }));
      const id = freshSessionId();
      const inputs = Array.from({ length: 24 }, (_, i) => randomBytes(1000 + i));
      const results = await Promise.all(inputs.map((data, i) => stores[i % 3]!.save(id, data)));
      expect(results.map((r) => r.generation).sort((a, b) => a - b)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
      for (const [i, r] of results.entries()) {
        expect((await stores[0]!.load(id, { generation: r.generation }))?.data.equals(inputs[i]!)).toBe(true);
      }
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('creates the table once when many stores start together', async () => {
    const name = uniqueTable();
    const stores = Array.from({ length: 6 }, () => new PostgresStore({ connectionString: server.connectionString, table: name }));
    try {
      await Promise.all(stores.map((s, i) => s.save(`c${i}`, Buffer.from(String(i)))));
      const rows = await admin.query(`SELECT session_id FROM "${name}" ORDER BY session_id`);
      expect(rows.rows.map((r: { session_id: string }) => r.session_id)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5']);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('accepts a schema-qualified table', async () => {
    const schema = `s_${randomBytes(4).toString('hex')}`;
    await admin.query(`CREATE SCHEMA ${schema}`);
    try {
      const store = new PostgresStore({ pool: admin, table: `${schema}.sessions` });
      const id = freshSessionId();
      await store.save(id, Buffer.from('schema'));
      expect(await tableExists('sessions', schema)).toBe(true);
      expect((await store.load(id))?.data.toString()).toBe('schema');
    } finally {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    }
  });

  it('rejects table names that are not plain identifiers', () => {
    for (const bad of ['x; DROP TABLE y', 'a.b.c', '1abc', '"q"', '', 'a-b', 'a b', 'x'.repeat(64)]) {
      expect(() => new PostgresStore({ pool: admin, table: bad })).toThrow(InvalidOptionError);
    }
  });

  it('ends the pool it created on close(), and only that one', async () => {
    const app = `waweb_close_${randomBytes(3).toString('hex')}`;
    const own = new PostgresStore({
      connectionString: server.connectionString,
      table: uniqueTable(),
      poolConfig: { application_name: app },
    });
    await own.save(freshSessionId(), Buffer.from('x'));
    const count = async (): Promise<number> =>
      Number((await admin.query('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [app])).rows[0].n);
    expect(await count()).toBeGreaterThan(0);
    await own.close();
    await own.close();
    // The backend process goes away shortly after the client disconnects.
    const deadline = Date.now() + 10_000;
    while ((await count()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await count()).toBe(0);

    const callerPool = new Pool({ connectionString: server.connectionString, max: 1 });
    try {
      const borrowed = new PostgresStore({ pool: callerPool, table: uniqueTable() });
      await borrowed.save(freshSessionId(), Buffer.from('x'));
      await borrowed.close();
      await expect(callerPool.query('SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
    } finally {
      await callerPool.end();
    }
  });

  it('reports a dead server as STORE_UNREACHABLE with the connection error as cause', async () => {
    const port = await freePort();
    const store = new PostgresStore({ connectionString: `postgresql://postgres@127.0.0.1:${port}/postgres` });
    try {
      const err = await store.exists(freshSessionId()).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe(ErrorCode.STORE_UNREACHABLE);
      expect(((err as StoreError).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    } finally {
      await store.close();
    }
  });

  it('hears a connection that ends while it is out of the pool (a server restart), and does not reuse it', async () => {
    // pg emits `error` on a checked-out client whose connection the server ended between queries;
    // the pool listens only while the client is idle in it, and an unheard `error` ends the process.
    const pool = new Pool({ connectionString: server.connectionString, max: 1 });
    const seen: unknown[] = [];
    const clients: import('pg').PoolClient[] = [];
    const connect = pool.connect.bind(pool) as () => Promise<import('pg').PoolClient>;
    (pool as unknown as { connect: () => Promise<import('pg').PoolClient> }).connect = async () => {
      const client = await connect();
      clients.push(client);
      const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
      (client as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = async (...args: unknown[]) => {
        const result = await query(...args);
        // Between two queries of the save: what pg does when the server ends the connection.
        if (seen.length === 0) {
          try {
            seen.push(client.emit('error', new Error('terminating connection due to administrator command')));
          } catch (err) {
            seen.push(err);
          }
        }
        return result;
      };
      return client;
    };
    const store = new PostgresStore({ pool, table: uniqueTable() });
    await store.save(freshSessionId(), Buffer.from('x')).catch(() => undefined);
    expect(seen).toEqual([true]); // a listener heard it (no throw from emit)
    // ...and that client was destroyed, not put back: every later checkout got a new one.
    expect(clients.length).toBeGreaterThan(1);
    expect(clients.slice(1)).not.toContain(clients[0]);
    await store.close();
    await pool.end();
  });

  it('reports a failing statement as STORE_FAILED with the server error as cause', async () => {
    const name = uniqueTable();
    await admin.query(`CREATE TABLE "${name}" (session_id text)`); // wrong shape, created by someone else
    const store = new PostgresStore({ pool: admin, table: name });
    const err = await store.save(freshSessionId(), Buffer.from('x')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe(ErrorCode.STORE_FAILED);
    expect(((err as StoreError).cause as { code?: string }).code).toBe('42703'); // undefined_column
  });

  it('says to install pg when it is missing', () => {
    jest.isolateModules(() => {
      jest.doMock('pg', () => {
        throw new Error("Cannot find module 'pg'");
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh copy of the module inside jest.isolateModules
      const isolated = require('../../src/stores/postgres') as typeof import('../../src/stores/postgres');
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh copy of the module inside jest.isolateModules
      const errors = require('../../src/errors') as typeof import('../../src/errors');
      let caught: unknown;
      try {
        new isolated.PostgresStore({ connectionString: server.connectionString });
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(errors.MissingDependencyError);
      expect((caught as { code: string }).code).toBe(ErrorCode.MISSING_DEPENDENCY);
      jest.dontMock('pg');
    });
  });

  it('accepts exactly one of pool and connectionString', () => {
    expect(() => new PostgresStore({})).toThrow(InvalidOptionError);
    expect(() => new PostgresStore({ pool: admin, connectionString: server.connectionString })).toThrow(InvalidOptionError);
    expect(() => new PostgresStore({ pool: admin, poolConfig: { max: 1 } })).toThrow(InvalidOptionError);
    expect(() => new PostgresStore({ pool: admin, keep: -1 })).toThrow(InvalidOptionError);
  });
});
