/**
 * Issue 28 in PostgresStore: generations stored as 1 MiB chunk rows and streamed in and out, rows
 * written before (data in the main table) still loading and working everywhere, the schema brought
 * up to date idempotently, and a stream's read unaffected by saves and deletes meanwhile.
 */
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { ErrorCode, StoreError } from '../../src/errors';
import { loadStreamFrom, PostgresStore, saveStreamTo } from '../../src/stores';
import { freshSessionId } from '../../src/testing';
import { usePostgres, type PostgresServer } from '../helpers/postgres';
import { chunksOf, expectStalledSaveTimesOut, failingSource, readAll } from '../helpers/store-streams';

const MiB = 1024 * 1024;
let server: PostgresServer;
let admin: Pool;
const pg = usePostgres((started) => ({ server, admin } = started));

function table(): string {
  return pg.table('waweb_streams');
}

/** A table as PostgresStore made it before issue 28 (no `chunks` column, no chunk table), with rows in it. */
async function legacyTable(name: string, rows: Array<[string, number, Buffer]>): Promise<void> {
  await admin.query(
    `CREATE TABLE "${name}" (session_id text NOT NULL, generation integer NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
     bytes integer NOT NULL, data bytea NOT NULL, set_aside_reason text, set_aside_detail text, set_aside_at timestamptz,
     logged_in_at timestamptz, PRIMARY KEY (session_id, generation))`,
  );
  for (const [id, generation, data] of rows) {
    await admin.query(`INSERT INTO "${name}" (session_id, generation, bytes, data) VALUES ($1, $2, $3, $4)`, [
      id,
      generation,
      data.length,
      data,
    ]);
  }
}

describe('PostgresStore streaming', () => {
  it('stores a streamed save as 1 MiB chunk rows under an empty main row', async () => {
    const name = table();
    const store = new PostgresStore({ pool: admin, table: name });
    const id = freshSessionId();
    const data = randomBytes(3 * MiB + 1);
    const saved = await store.saveStream(id, chunksOf(data, 77_777));
    expect(saved).toMatchObject({ sessionId: id, generation: 1, bytes: data.length });
    const main = await admin.query(`SELECT octet_length(data) AS inline, bytes, chunks FROM "${name}"`);
    expect(main.rows).toEqual([{ inline: 0, bytes: data.length, chunks: 4 }]);
    const rows = await admin.query(`SELECT seq, octet_length(data) AS size FROM "${name}_chunks" ORDER BY seq`);
    expect(rows.rows).toEqual([
      { seq: 0, size: MiB },
      { seq: 1, size: MiB },
      { seq: 2, size: MiB },
      { seq: 3, size: 1 },
    ]);
    const loaded = await store.loadStream(id);
    const { data: read, largest } = await readAll(loaded!.stream);
    expect(read.equals(data)).toBe(true);
    expect(largest).toBeLessThanOrEqual(2 * MiB);
    await store.close();
  });

  it('leaves no row in either table when the source fails or the save is refused', async () => {
    const name = table();
    const store = new PostgresStore({ pool: admin, table: name });
    const id = freshSessionId();
    await expect(store.saveStream(id, failingSource(2 * MiB + 5))).rejects.toBeInstanceOf(StoreError);
    await expect(store.saveStream(id, chunksOf(randomBytes(MiB * 2), MiB), { ifNewest: 3 })).rejects.toMatchObject({
      code: ErrorCode.GENERATION_CHANGED,
    });
    expect((await admin.query(`SELECT count(*)::int AS n FROM "${name}"`)).rows[0].n).toBe(0);
    expect((await admin.query(`SELECT count(*)::int AS n FROM "${name}_chunks"`)).rows[0].n).toBe(0);
    await store.close();
  });

  it('fails a source that stalls longer than queryTimeoutMs with TIMEOUT naming it, writing nothing', async () => {
    const name = table();
    const store = new PostgresStore({ connectionString: server.connectionString, table: name, queryTimeoutMs: 1500 });
    const id = freshSessionId();
    await expectStalledSaveTimesOut((source) => store.saveStream(id, source), MiB + 3, 'queryTimeoutMs');
    expect(await store.list(id)).toEqual([]);
    await store.close();
  });

  it('reads a stream from its snapshot while the session is saved over and deleted meanwhile', async () => {
    const name = table();
    const store = new PostgresStore({ pool: admin, table: name, keep: 1 });
    const id = freshSessionId();
    const data = randomBytes(5 * MiB + 9);
    await store.saveStream(id, chunksOf(data, MiB));
    const loaded = await store.loadStream(id);
    await store.save(id, randomBytes(100)); // prunes the generation being read (keep: 1)
    await store.delete(id);
    expect((await readAll(loaded!.stream)).data.equals(data)).toBe(true);
    expect(await store.list(id)).toEqual([]);
    await store.close();
  });

  it('gives a client back to the pool when a reader stops early, and one destroyed when it failed', async () => {
    const name = table();
    const pool = new Pool({ connectionString: server.connectionString, max: 1 });
    const store = new PostgresStore({ pool, table: name });
    const id = freshSessionId();
    const data = randomBytes(4 * MiB);
    await store.saveStream(id, chunksOf(data, MiB));
    for (let i = 0; i < 3; i++) {
      const loaded = await store.loadStream(id);
      for await (const chunk of loaded!.stream) {
        expect(Buffer.isBuffer(chunk)).toBe(true);
        break;
      }
    }
    // One client in the pool: a stream that kept it would make this wait forever.
    expect((await store.load(id))?.data.equals(data)).toBe(true);
    await store.close();
    await pool.end();
  });

  it('loads rows written before chunks, with load and in 1 MiB pages with loadStream, and adds its columns once', async () => {
    const name = table();
    const id = freshSessionId();
    const old = randomBytes(2 * MiB + 500);
    await legacyTable(name, [[id, 1, old]]);
    const stores = [1, 2].map(() => new PostgresStore({ pool: admin, table: name }));
    expect((await stores[0]!.load(id))?.data.equals(old)).toBe(true);
    const loaded = await loadStreamFrom(stores[1]!, id);
    const { data, largest } = await readAll(loaded!.stream);
    expect(data.equals(old)).toBe(true);
    expect(largest).toBeLessThanOrEqual(MiB);
    const columns = await admin.query(
      `SELECT column_name FROM information_schema.columns WHERE table_name = $1 AND column_name = 'chunks'`,
      [name],
    );
    expect(columns.rows).toHaveLength(1);
    expect(await stores[1]!.load(id, { maxBytes: old.length - 1 }).catch((e: unknown) => e)).toMatchObject({
      code: ErrorCode.DATA_TOO_LARGE,
    });
    await Promise.all(stores.map((s) => s.close()));
  });

  it('marks, rewrites, prunes, lists and deletes rows written before chunks next to chunked ones', async () => {
    const name = table();
    const id = freshSessionId();
    const other = freshSessionId();
    const old = [randomBytes(1000), randomBytes(2000)];
    await legacyTable(name, [
      [id, 1, old[0]!],
      [id, 2, old[1]!],
      [other, 1, randomBytes(10)],
    ]);
    const store = new PostgresStore({ pool: admin, table: name, keep: 2 });
    expect(await store.listSessions?.()).toEqual([id, other].sort());
    expect(await store.mark?.(id, 1, { loggedIn: true })).toMatchObject({ generation: 1 });
    const rewritten = randomBytes(MiB + 1);
    const listed = (await store.list(id)).find((g) => g.generation === 2)!;
    expect(await store.rewriteGeneration?.(id, 2, rewritten, { createdAt: listed.createdAt })).toMatchObject({ bytes: rewritten.length });
    expect((await readAll((await streamOf(store, id, 2))!)).data.equals(rewritten)).toBe(true);
    const streamed = randomBytes(3000);
    await saveStreamTo(store, id, chunksOf(randomBytes(10), 3));
    await saveStreamTo(store, id, chunksOf(streamed, 1000));
    // keep 2, plus generation 1 kept as the one that logged in; the rewritten generation 2 is pruned.
    expect((await store.list(id)).map((g) => g.generation)).toEqual([4, 3, 1]);
    expect((await store.load(id, { generation: 1 }))?.data.equals(old[0]!)).toBe(true);
    expect((await store.load(id))?.data.equals(streamed)).toBe(true);
    expect((await admin.query(`SELECT count(*)::int AS n FROM "${name}_chunks" WHERE generation = 2`)).rows[0].n).toBe(0);
    expect(await store.deleteGeneration?.(id, 4)).toBe(true);
    expect((await admin.query(`SELECT count(*)::int AS n FROM "${name}_chunks" WHERE generation = 4`)).rows[0].n).toBe(0);
    await store.delete(id);
    expect(await store.list(id)).toEqual([]);
    expect(await store.listSessions?.()).toEqual([other]);
    await store.close();
  });
});

/** The stream of generation `generation` of `id`. */
async function streamOf(store: PostgresStore, id: string, generation: number): Promise<AsyncIterable<unknown> | null> {
  const loaded = await store.loadStream(id, { generation });
  return loaded ? loaded.stream : null;
}
