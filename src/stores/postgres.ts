import type { Readable } from 'node:stream';
import type { PoolClient, PoolConfig } from 'pg';
import { ErrorCode, InvalidOptionError, StoreError } from '../errors';
import type {
  DriverCallContext,
  DriverGeneration,
  DriverReadContext,
  DriverRemoveContext,
  DriverRewriteContext,
  DriverWriteContext,
  StoreDriver,
} from './driver';
import { StoreFront } from './front';
import { dataTooLarge, generationChanged, generationsToPrune, oneChunk, resolveKeep, resolveTimeout } from './internal';
import { ChunkStream, insertChunks, wholeDataQuery, type OpenedGeneration } from './postgres-chunks';
import { classifyPostgresError, createPgPool, quoteTable } from '../db/postgres';
import {
  checkFence,
  createTables,
  GENERATION_COLUMNS,
  lockSession,
  markAssignments,
  newestGeneration,
  rowToGeneration,
  storeFence,
  type GenerationRow,
  type StoreTables,
} from './postgres-schema';
import { PgConnection, type PgPoolLike } from './postgres-pool';
import type { GenerationMark, StoredGeneration } from './types';

export type { PgPoolLike } from './postgres-pool';

export interface PostgresStoreOptions {
  /** A `pg` `Pool` owned by the caller; `close()` leaves it open. */
  pool?: PgPoolLike;
  /** Connection string for a pool the store creates, and ends on `close()`. */
  connectionString?: string;
  /** Extra settings for the pool created from `connectionString` (e.g. `max`, `ssl`, `connectionTimeoutMillis`). */
  poolConfig?: Omit<PoolConfig, 'connectionString'>;
  /**
   * Table name, optionally schema-qualified (`schema.table`); letters, digits and `_`.
   * Created on first use.
   * @default 'waweb_sessions'
   */
  table?: string;
  /**
   * How many generations to keep per session.
   * @default 3
   */
  keep?: number;
  /**
   * Longest wait for a connection (a new one or one from the pool); then `StoreError` code
   * `TIMEOUT` naming this option. A server that accepts and never answers ends here.
   * @default 5000
   */
  connectTimeoutMs?: number;
  /**
   * Longest a call's queries may take once connected; then `StoreError` code `TIMEOUT` naming this
   * option, and the connection is destroyed rather than returned to the pool.
   * @default 30000
   */
  queryTimeoutMs?: number;
}

/**
 * Session store in a PostgreSQL table (`pg`). One row per generation:
 * `(session_id, generation, created_at, bytes, data bytea, chunks)` and the marks (`set_aside_reason`,
 * `set_aside_detail`, `set_aside_at`, `logged_in_at`), primary key `(session_id, generation)`; the
 * bytes in 1 MiB rows of `<table>_chunks` (rows written before issue 28 keep theirs in `data`, and
 * load as before). The tables are created on first use (the new columns are added to an older one).
 * A save is one transaction that takes a transaction-scoped advisory lock on the session, inserts
 * generation max + 1 and its chunks as they stream in and deletes the rows the pruning rule gives
 * up, so concurrent saves from any number of processes serialize and never lose the newest copy.
 */
export class PostgresStore extends StoreFront {
  readonly keep: number;
  readonly table: string;

  constructor(options: PostgresStoreOptions) {
    const driver = new PostgresDriver(options);
    super(driver);
    this.keep = driver.keep;
    this.table = driver.table;
  }
}

/** The raw operations of a PostgresStore: one pool, the table, the connect and query deadlines. */
class PostgresDriver implements StoreDriver {
  readonly name = 'postgres';
  readonly label = 'PostgresStore';
  /** `ifNewest` is checked under the session's save lock, in the write's transaction. */
  readonly conditionalWrites = true;
  readonly keep: number;
  readonly table: string;
  private readonly quotedTable: string;
  /** `<table>_fences`: the largest fencing token seen per session. */
  private readonly quotedFences: string;
  private readonly tables: StoreTables;
  private readonly connection: PgConnection;

  constructor(options: PostgresStoreOptions) {
    const hasPool = options?.pool !== undefined && options.pool !== null;
    const hasUrl = typeof options?.connectionString === 'string' && options.connectionString.length > 0;
    if (hasPool === hasUrl) {
      throw new InvalidOptionError('PostgresStore: pass exactly one of "pool" or "connectionString"');
    }
    if (options.poolConfig && !hasUrl) {
      throw new InvalidOptionError('PostgresStore: "poolConfig" only applies together with "connectionString"');
    }
    this.table = options.table ?? 'waweb_sessions';
    this.quotedTable = quoteTable(this.table, 'PostgresStore');
    this.quotedFences = quoteTable(`${this.table}_fences`, 'PostgresStore');
    this.tables = { table: this.quotedTable, fences: this.quotedFences, chunks: quoteTable(`${this.table}_chunks`, 'PostgresStore') };
    this.keep = resolveKeep(options.keep, 'PostgresStore');
    const connectTimeoutMs = resolveTimeout(options.connectTimeoutMs, 5000, 'connectTimeoutMs', 'PostgresStore');
    const queryTimeoutMs = resolveTimeout(options.queryTimeoutMs, 30_000, 'queryTimeoutMs', 'PostgresStore');
    // pg's own timeouts equal ours: when a deadline passes, pg drops the socket too, so nothing
    // outlives it and close() never waits longer than connectTimeoutMs for an attempt in flight.
    const pool = hasPool
      ? (options.pool as PgPoolLike)
      : createPgPool(
          {
            connectionTimeoutMillis: connectTimeoutMs,
            query_timeout: queryTimeoutMs,
            ...options.poolConfig,
            connectionString: options.connectionString,
          },
          'PostgresStore',
        );
    this.connection = new PgConnection({
      pool,
      ownsPool: !hasPool,
      connectTimeoutMs,
      queryTimeoutMs,
      prepare: (client) => this.connection.transaction(client, () => createTables(client, this.tables, `waweb:create:${this.table}`)),
    });
  }

  isUnreachable(err: unknown): boolean {
    return classifyPostgresError(err) === ErrorCode.STORE_UNREACHABLE;
  }

  async exists(sessionId: string, { signal }: DriverCallContext): Promise<boolean> {
    return this.run('checking', signal, async (client) => {
      const res = await client.query(`SELECT 1 FROM ${this.quotedTable} WHERE session_id = $1 LIMIT 1`, [sessionId]);
      return (res.rowCount ?? res.rows.length) > 0;
    });
  }

  write(sessionId: string, data: Buffer, context: DriverWriteContext): Promise<StoredGeneration> {
    return this.writeStream(sessionId, oneChunk(data), context);
  }

  /** Remembers `token` (never lowering the one stored) under the session's save lock. */
  raiseFence(sessionId: string, token: number, { signal }: DriverCallContext): Promise<number> {
    return this.run('fencing', signal, (client) =>
      this.transaction(client, async () => {
        await this.lockSession(client, sessionId);
        return storeFence(client, this.quotedFences, sessionId, token);
      }),
    );
  }

  /** The session's save lock for this transaction (see `lockSession`). */
  private lockSession(client: PoolClient, sessionId: string): Promise<void> {
    return lockSession(client, `${this.table}:${sessionId}`, this.connection.queryTimeoutMs);
  }

  /**
   * One transaction under the session's save lock: the fence and `ifNewest` checked, the generation's
   * row inserted, its chunks inserted as they come, its size set, the pruned rows deleted. Bounded by
   * `queryTimeoutMs` of inactivity, not overall; readers see nothing of it before the commit.
   */
  async writeStream(
    sessionId: string,
    source: AsyncIterable<Buffer>,
    { fence, ifNewest, signal }: DriverWriteContext,
  ): Promise<StoredGeneration> {
    return this.connection.runStreaming('saving', signal, (client, watch) =>
      this.transaction(client, async () => {
        await this.lockSession(client, sessionId);
        if (fence !== undefined) await checkFence(client, this.quotedFences, sessionId, fence, 'PostgresStore: save');
        if (ifNewest !== undefined) {
          const newest = await newestGeneration(client, this.quotedTable, sessionId);
          if (newest !== ifNewest) throw generationChanged(this.label, sessionId, ifNewest, newest);
        }
        const inserted = await client.query<GenerationRow>(
          `INSERT INTO ${this.quotedTable} (session_id, generation, bytes, data, chunks)
           SELECT $1, COALESCE(MAX(generation), 0) + 1, 0, ''::bytea, 0 FROM ${this.quotedTable} WHERE session_id = $1
           RETURNING generation, created_at, bytes`,
          [sessionId],
        );
        const row = inserted.rows[0];
        if (!row) throw new StoreError('PostgresStore: INSERT returned no row');
        const { bytes, count } = await insertChunks(client, this.tables, sessionId, row.generation, source, () => watch.touch());
        await client.query(`UPDATE ${this.quotedTable} SET bytes = $3, chunks = $4 WHERE session_id = $1 AND generation = $2`, [
          sessionId,
          row.generation,
          bytes,
          count,
        ]);
        await this.prune(client, sessionId);
        return { sessionId, generation: row.generation, createdAt: row.created_at, bytes };
      }),
    );
  }

  /**
   * Deletes the rows `generationsToPrune` gives up, inside the save's transaction. The rows are read
   * `FOR UPDATE`: a concurrent `mark` either lands before (and counts) or finds the row gone.
   */
  private async prune(client: PoolClient, sessionId: string): Promise<void> {
    const rows = await client.query<GenerationRow>(
      `SELECT ${GENERATION_COLUMNS} FROM ${this.quotedTable} WHERE session_id = $1 ORDER BY generation DESC FOR UPDATE`,
      [sessionId],
    );
    const doomed = generationsToPrune(
      rows.rows.map((row) => rowToGeneration(sessionId, row)),
      this.keep,
    ).map((g) => g.generation);
    if (doomed.length === 0) return;
    await client.query(`DELETE FROM ${this.quotedTable} WHERE session_id = $1 AND generation = ANY($2::integer[])`, [sessionId, doomed]);
  }

  /** One UPDATE; `null` when the row is gone. */
  async mark(
    sessionId: string,
    generation: DriverGeneration,
    mark: GenerationMark,
    { signal }: DriverCallContext,
  ): Promise<StoredGeneration | null> {
    const { set, params } = markAssignments(mark);
    return this.run('marking', signal, async (client) => {
      const res = await client.query<GenerationRow>(
        `UPDATE ${this.quotedTable} SET ${set} WHERE session_id = $1 AND generation = $2 RETURNING ${GENERATION_COLUMNS}`,
        [sessionId, generation.generation, ...params],
      );
      const row = res.rows[0];
      return row ? rowToGeneration(sessionId, row) : null;
    });
  }

  async removeGeneration(sessionId: string, generation: DriverGeneration, { signal }: DriverCallContext): Promise<boolean> {
    return this.run('deleting a generation', signal, async (client) => {
      const res = await client.query(`DELETE FROM ${this.quotedTable} WHERE session_id = $1 AND generation = $2`, [
        sessionId,
        generation.generation,
      ]);
      return (res.rowCount ?? 0) > 0;
    });
  }

  /**
   * One transaction under the session's save lock (with `fence`, checked and remembered as a save's
   * is): the row is read `FOR UPDATE`, and its data replaced only while it is the row listed (same
   * `created_at`, so not a row written again under a number that was deleted).
   */
  async rewrite(
    sessionId: string,
    generation: DriverGeneration,
    data: Buffer,
    { fence, signal }: DriverRewriteContext,
  ): Promise<StoredGeneration | null> {
    return this.run('rewriting a generation', signal, (client) =>
      this.transaction(client, async () => {
        await this.lockSession(client, sessionId);
        if (fence !== undefined) await checkFence(client, this.quotedFences, sessionId, fence, 'PostgresStore: rewrite');
        const current = await client.query<{ created_at: Date }>(
          `SELECT created_at FROM ${this.quotedTable} WHERE session_id = $1 AND generation = $2 FOR UPDATE`,
          [sessionId, generation.generation],
        );
        if (current.rows[0]?.created_at.getTime() !== generation.createdAt.getTime()) return null;
        await client.query(`DELETE FROM ${this.tables.chunks} WHERE session_id = $1 AND generation = $2`, [
          sessionId,
          generation.generation,
        ]);
        const { count } = await insertChunks(client, this.tables, sessionId, generation.generation, oneChunk(data), () => undefined);
        const res = await client.query<GenerationRow>(
          `UPDATE ${this.quotedTable} SET data = ''::bytea, bytes = $3, chunks = $4 WHERE session_id = $1 AND generation = $2
           RETURNING ${GENERATION_COLUMNS}`,
          [sessionId, generation.generation, data.length, count],
        );
        const row = res.rows[0];
        return row ? rowToGeneration(sessionId, row) : null;
      }),
    );
  }

  async sessions({ signal }: DriverCallContext): Promise<string[]> {
    return this.run('listing the sessions', signal, async (client) => {
      const res = await client.query<{ session_id: string }>(`SELECT DISTINCT session_id FROM ${this.quotedTable}`);
      return res.rows.map((row) => row.session_id);
    });
  }

  /** The data (either layout) is sent only when it fits `maxBytes`: an oversized one never crosses the wire. */
  async read(sessionId: string, generation: DriverGeneration, { maxBytes, signal }: DriverReadContext): Promise<Buffer | null> {
    return this.run('loading', signal, async (client) => {
      const res = await client.query<GenerationRow & { data: Buffer | null }>(wholeDataQuery(this.tables), [
        sessionId,
        generation.generation,
        maxBytes ?? null,
      ]);
      const row = res.rows[0];
      if (!row) return null;
      if (row.data === null) throw dataTooLarge(this.label, sessionId, row.generation, row.bytes, maxBytes ?? 0);
      if (row.data.length !== row.bytes) {
        throw new StoreError(
          `PostgresStore: generation ${row.generation} of "${sessionId}" holds ${row.data.length} bytes, expected ${row.bytes}`,
        );
      }
      return row.data;
    });
  }

  /**
   * Opens a REPEATABLE READ transaction on a client of its own, finds the generation as listed
   * (`null` when pruned or rewritten since), and hands out its data a page at a time (`ChunkStream`).
   * A reader that pauses longer than ten times `queryTimeoutMs` has its transaction ended by the server.
   */
  async readStream(sessionId: string, generation: DriverGeneration, { maxBytes, signal }: DriverReadContext): Promise<Readable | null> {
    const lease = await this.connection.checkout('loading', signal);
    const { client } = lease;
    const query = <R extends object>(sql: string, params: unknown[] = []): Promise<R[]> =>
      this.connection.bounded('loading', signal, async () => (await client.query<R>(sql, params)).rows);
    try {
      await query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await query(`SET LOCAL idle_in_transaction_session_timeout = ${Math.max(1000, this.connection.queryTimeoutMs * 10)}`);
      const rows = await query<OpenedGeneration & { created_at: Date }>(
        `SELECT generation, bytes, chunks, created_at FROM ${this.quotedTable} WHERE session_id = $1 AND generation = $2`,
        [sessionId, generation.generation],
      );
      const row = rows[0];
      if (!row || row.created_at.getTime() !== generation.createdAt.getTime() || row.bytes !== generation.bytes) {
        await query('ROLLBACK');
        lease.release();
        return null;
      }
      if (maxBytes !== undefined && row.bytes > maxBytes) throw dataTooLarge(this.label, sessionId, row.generation, row.bytes, maxBytes);
      return new ChunkStream(this.connection, lease, this.tables, sessionId, row, signal);
    } catch (err) {
      lease.release(err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
  }

  async list(sessionId: string, { signal }: DriverCallContext): Promise<DriverGeneration[]> {
    return this.run('listing', signal, async (client) => {
      const res = await client.query<GenerationRow>(
        `SELECT ${GENERATION_COLUMNS} FROM ${this.quotedTable} WHERE session_id = $1 ORDER BY generation DESC`,
        [sessionId],
      );
      return res.rows.map((row) => rowToGeneration(sessionId, row));
    });
  }

  /**
   * Removes the generations; the session's fencing token stays, so a stale owner cannot write it
   * back. With `fence`: under the session's save lock, in one transaction with the check.
   */
  async remove(sessionId: string, { fence, signal }: DriverRemoveContext): Promise<void> {
    const removeRows = async (client: PoolClient): Promise<void> => {
      await client.query(`DELETE FROM ${this.quotedTable} WHERE session_id = $1`, [sessionId]);
    };
    await this.run('deleting', signal, (client) =>
      fence === undefined
        ? removeRows(client)
        : this.transaction(client, async () => {
            await this.lockSession(client, sessionId);
            await checkFence(client, this.quotedFences, sessionId, fence, 'PostgresStore: delete');
            await removeRows(client);
          }),
    );
  }

  /** Ends the pool when the store created it; a caller's pool stays open. */
  dispose(): Promise<void> {
    return this.connection.dispose();
  }

  private run<T>(what: string, signal: AbortSignal, task: (client: PoolClient) => Promise<T>): Promise<T> {
    return this.connection.run(what, signal, task);
  }

  private transaction<T>(client: PoolClient, work: () => Promise<T>): Promise<T> {
    return this.connection.transaction(client, work);
  }
}

/**
 * Creates a {@link PostgresStore}.
 * @deprecated use `new PostgresStore(options)`; this alias goes in the next release.
 */
export function createPostgresStore(options: PostgresStoreOptions): PostgresStore {
  return new PostgresStore(options);
}
