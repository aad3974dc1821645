/**
 * Issue 28, bounded Buffers while PostgresStore streams a generation out: one chunk row per query,
 * so one row's bytes (sent as hex text, twice their size) are in flight at a time.
 */
import { randomBytes } from 'node:crypto';
import { Client, Pool, type QueryResult } from 'pg';
import { loadStreamFrom, PostgresStore, saveStreamTo } from '../../src/stores';
import { freshSessionId } from '../../src/testing';
import { startPostgres, type PostgresServer } from '../helpers/postgres';

const MiB = 1024 * 1024;
let server: PostgresServer;
let admin: Pool;
const tables: string[] = [];

beforeAll(async () => {
  server = await startPostgres();
  admin = new Pool({ connectionString: server.connectionString, max: 2 });
}, 120_000);

afterAll(async () => {
  try {
    for (const t of tables) await admin?.query(`DROP TABLE IF EXISTS "${t}" CASCADE`);
    await admin?.end();
  } finally {
    await server?.stop();
  }
});

async function* chunksOf(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

it('loadStream fetches one chunk row per query', async () => {
  const name = `waweb_pages_${process.pid}_${randomBytes(4).toString('hex')}`;
  tables.push(name, `${name}_chunks`, `${name}_fences`);
  const store = new PostgresStore({ connectionString: server.connectionString, table: name });
  const id = freshSessionId();
  const data = randomBytes(4 * MiB + 11);
  /** Rows returned by each query that read chunk rows. */
  const rowsPerChunkQuery: number[] = [];
  const proto = Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  const spy = jest.spyOn(proto, 'query').mockImplementation(function (this: unknown, ...args: unknown[]) {
    const result = original.apply(this, args);
    const config = args[0];
    const sql = typeof config === 'string' ? config : (config as { text?: unknown } | null)?.text;
    if (typeof sql === 'string' && /SELECT seq, data FROM/.test(sql) && result instanceof Promise) {
      void (result as Promise<QueryResult>).then(
        (r) => rowsPerChunkQuery.push(r.rows.length),
        () => undefined,
      );
    }
    return result;
  });
  try {
    await saveStreamTo(store, id, chunksOf(data, 300 * 1024));
    const loaded = await loadStreamFrom(store, id);
    const chunks: Buffer[] = [];
    for await (const chunk of loaded!.stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
    expect(Math.max(...rowsPerChunkQuery)).toBe(1);
    expect(rowsPerChunkQuery).toHaveLength(5);
  } finally {
    spy.mockRestore();
    await store.close();
  }
});
