/**
 * PostgresStore's chunked data (issue 28): a generation's bytes as rows of `<table>_chunks`
 * `(session_id, generation, seq, data)`, 1 MiB each, so no save or load holds more than a chunk or
 * two, whatever the size (a load fetches one row per query: pg receives a bytea as hex text, twice
 * its size, into one buffer it grows to the whole result). Rows written before (data in the main
 * table, `chunks` NULL) are read in 1 MiB `substring` pages. A stream reads inside one REPEATABLE READ transaction: a save, prune or
 * rewrite meanwhile never mixes into what it reads.
 */
import { Readable } from 'node:stream';
import type { PoolClient } from 'pg';
import { StoreError } from '../errors';
import type { ClientLease, PgConnection } from './postgres-pool';
import type { StoreTables } from './postgres-schema';

/** The size of a chunk row, and of a page of a row written before chunks. */
export const CHUNK_BYTES = 1024 * 1024;
/** Chunk rows fetched per query while streaming: one row's bytes in flight at a time. */
const ROWS_PER_PAGE = 1;

/**
 * Inserts the bytes of `source` as chunk rows of `CHUNK_BYTES` (the last one shorter) of one
 * generation, from `seq` 0, on `client` (in the caller's transaction). `progress` is called for
 * every chunk read and every row written. Resolves with the bytes and the rows written.
 */
export async function insertChunks(
  client: PoolClient,
  tables: StoreTables,
  sessionId: string,
  generation: number,
  source: AsyncIterable<Buffer>,
  progress: () => void,
): Promise<{ bytes: number; count: number }> {
  let pending: Buffer | undefined;
  let fill = 0;
  let bytes = 0;
  let count = 0;
  const flush = async (): Promise<void> => {
    if (!pending || fill === 0) return;
    await client.query(`INSERT INTO ${tables.chunks} (session_id, generation, seq, data) VALUES ($1, $2, $3, $4)`, [
      sessionId,
      generation,
      count,
      pending.subarray(0, fill),
    ]);
    count += 1;
    fill = 0;
    progress();
  };
  for await (const chunk of source) {
    progress();
    bytes += chunk.length;
    for (let at = 0; at < chunk.length;) {
      pending ??= Buffer.allocUnsafe(CHUNK_BYTES);
      const copied = chunk.copy(pending, fill, at, Math.min(chunk.length, at + CHUNK_BYTES - fill));
      fill += copied;
      at += copied;
      if (fill === CHUNK_BYTES) await flush();
    }
  }
  await flush();
  return { bytes, count };
}

/**
 * The SQL of a whole generation's data in one value, either layout: `data` when it fits `$3`
 * (`NULL` = no limit), else `NULL`. Parameters: `$1` session, `$2` generation, `$3` maxBytes.
 */
export function wholeDataQuery(tables: StoreTables): string {
  return `SELECT m.generation, m.bytes,
       CASE WHEN $3::bigint IS NULL OR m.bytes <= $3::bigint THEN
         CASE WHEN m.chunks IS NULL THEN m.data
         ELSE COALESCE((SELECT string_agg(c.data, ''::bytea ORDER BY c.seq) FROM ${tables.chunks} c
                        WHERE c.session_id = m.session_id AND c.generation = m.generation), ''::bytea) END
       END AS data
     FROM ${tables.table} m WHERE m.session_id = $1 AND m.generation = $2`;
}

/** A generation as the stream's transaction found it. */
export interface OpenedGeneration {
  generation: number;
  bytes: number;
  /** `null`: the data is in the main table (written before chunks). */
  chunks: number | null;
}

/**
 * One generation's bytes, read a page at a time as the reader asks, in the transaction `lease`'s
 * client has open. At the end the transaction is committed and the client goes back to the pool;
 * a stream destroyed before its end destroys the client (a page may be in flight).
 */
export class ChunkStream extends Readable {
  readonly #connection: PgConnection;
  readonly #lease: ClientLease;
  readonly #tables: StoreTables;
  readonly #sessionId: string;
  readonly #opened: OpenedGeneration;
  readonly #signal: AbortSignal;
  /** The next chunk row, or the next byte offset of a row written before chunks. */
  #position = 0;
  #pending = false;
  #done = false;

  constructor(
    connection: PgConnection,
    lease: ClientLease,
    tables: StoreTables,
    sessionId: string,
    opened: OpenedGeneration,
    signal: AbortSignal,
  ) {
    super({ highWaterMark: CHUNK_BYTES });
    this.#connection = connection;
    this.#lease = lease;
    this.#tables = tables;
    this.#sessionId = sessionId;
    this.#opened = opened;
    this.#signal = signal;
  }

  override _read(): void {
    if (this.#pending) return;
    this.#pending = true;
    this.#page().then(
      (pages) => {
        this.#pending = false;
        if (this.destroyed) return;
        if (pages === null) {
          this.#done = true;
          this.#lease.release();
          this.push(null);
          return;
        }
        for (const page of pages) this.push(page);
      },
      (err: unknown) => {
        this.#pending = false;
        this.destroy(err instanceof Error ? err : new StoreError(String(err)));
      },
    );
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.#done) this.#lease.release(err ?? new Error('PostgresStore: the stream was closed before its end'));
    callback(err);
  }

  /** The next page, or `null` at the end (the transaction committed). */
  async #page(): Promise<Buffer[] | null> {
    const { chunks, bytes, generation } = this.#opened;
    const client = this.#lease.client;
    const what = `loading session "${this.#sessionId}"`;
    const query = <R extends object>(sql: string, params: unknown[]): Promise<R[]> =>
      this.#connection.bounded(what, this.#signal, async () => (await client.query<R>(sql, params)).rows);
    const atEnd = chunks === null ? this.#position >= bytes : this.#position >= chunks;
    if (atEnd) {
      await this.#connection.bounded(what, this.#signal, () => client.query('COMMIT'));
      return null;
    }
    if (chunks === null) {
      const rows = await query<{ part: Buffer }>(
        `SELECT substring(data FROM $3::integer FOR $4::integer) AS part FROM ${this.#tables.table} WHERE session_id = $1 AND generation = $2`,
        [this.#sessionId, generation, this.#position + 1, CHUNK_BYTES],
      );
      const part = rows[0]?.part;
      if (!part || part.length === 0) throw this.#short();
      this.#position += part.length;
      return [part];
    }
    const rows = await query<{ seq: number; data: Buffer }>(
      `SELECT seq, data FROM ${this.#tables.chunks} WHERE session_id = $1 AND generation = $2 AND seq >= $3 ORDER BY seq LIMIT ${ROWS_PER_PAGE}`,
      [this.#sessionId, generation, this.#position],
    );
    if (rows.length === 0 || rows[0]?.seq !== this.#position) throw this.#short();
    this.#position += rows.length;
    return rows.map((row) => row.data);
  }

  #short(): StoreError {
    return new StoreError(`PostgresStore: generation ${this.#opened.generation} of "${this.#sessionId}" has less data than its bytes`);
  }
}
