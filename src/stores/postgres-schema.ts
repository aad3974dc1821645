/**
 * PostgresStore's table: how it is created (and brought up to date), how its rows read as
 * generations, the SQL of marks, and the save lock and fencing tokens (`<table>_fences`) that saves
 * and fenced deletes take in their transaction. One row per generation:
 * `(session_id, generation, created_at, bytes, data, set_aside_reason, set_aside_detail, set_aside_at, logged_in_at, chunks)`;
 * `chunks` NULL: the data is in `data` (rows written before issue 28); a number: the data is in that
 * many rows of `<table>_chunks` (see `postgres-chunks.ts`) and `data` is empty.
 */
import type { PoolClient } from 'pg';
import { ErrorCode, LeaseError } from '../errors';
import { isSetAsideReason } from './internal';
import type { GenerationMark, StoredGeneration } from './types';

/** The columns a listing reads (never `data`). */
export const GENERATION_COLUMNS = 'generation, created_at, bytes, set_aside_reason, set_aside_detail, set_aside_at, logged_in_at';

/** The mark columns and `chunks`, added to tables made before marks (or chunks) existed. */
const MARK_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['set_aside_reason', 'text'],
  ['set_aside_detail', 'text'],
  ['set_aside_at', 'timestamptz'],
  ['logged_in_at', 'timestamptz'],
  ['chunks', 'integer'],
];

export interface GenerationRow {
  generation: number;
  created_at: Date;
  bytes: number;
  set_aside_reason?: string | null;
  set_aside_detail?: string | null;
  set_aside_at?: Date | null;
  logged_in_at?: Date | null;
}

/** A row as a listed generation, its marks included when set. */
export function rowToGeneration(sessionId: string, row: GenerationRow): StoredGeneration {
  const g: StoredGeneration = { sessionId, generation: row.generation, createdAt: row.created_at, bytes: row.bytes };
  if (isSetAsideReason(row.set_aside_reason) && row.set_aside_at) {
    g.setAside = { reason: row.set_aside_reason, detail: row.set_aside_detail ?? '', at: row.set_aside_at };
  }
  if (row.logged_in_at) g.loggedInAt = row.logged_in_at;
  return g;
}

/** The tables of one store, quoted. */
export interface StoreTables {
  /** One row per generation. */
  table: string;
  /** `<table>_fences`: the largest fencing token seen per session. */
  fences: string;
  /** `<table>_chunks`: the data of chunked generations, `(session_id, generation, seq, data)`. */
  chunks: string;
}

/**
 * Creates the session, fence and chunk tables when missing, and adds the mark and `chunks` columns
 * to a table made by an earlier version. Only a table that lacks them is altered (an ALTER waits for
 * every transaction on it). A chunk row goes with its generation's row (`ON DELETE CASCADE`).
 */
export async function createTables(client: PoolClient, { table, fences, chunks }: StoreTables, lockKey: string): Promise<void> {
  // Two processes running CREATE TABLE IF NOT EXISTS at once can still collide on the
  // catalog; a lock on the table name makes the second one wait and find it.
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lockKey]);
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${table} (
       session_id text NOT NULL,
       generation integer NOT NULL,
       created_at timestamptz NOT NULL DEFAULT now(),
       bytes integer NOT NULL,
       data bytea NOT NULL,
       ${MARK_COLUMNS.map(([name, type]) => `${name} ${type}`).join(',\n       ')},
       PRIMARY KEY (session_id, generation)
     )`,
  );
  const present = new Set((await client.query(`SELECT * FROM ${table} LIMIT 0`)).fields.map((f) => f.name));
  const missing = MARK_COLUMNS.filter(([name]) => !present.has(name));
  if (missing.length > 0) {
    await client.query(`ALTER TABLE ${table} ${missing.map(([name, type]) => `ADD COLUMN IF NOT EXISTS ${name} ${type}`).join(', ')}`);
  }
  await client.query(`CREATE TABLE IF NOT EXISTS ${fences} (session_id text PRIMARY KEY, token bigint NOT NULL)`);
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${chunks} (
       session_id text NOT NULL,
       generation integer NOT NULL,
       seq integer NOT NULL,
       data bytea NOT NULL,
       PRIMARY KEY (session_id, generation, seq),
       FOREIGN KEY (session_id, generation) REFERENCES ${table} (session_id, generation) ON DELETE CASCADE
     )`,
  );
}

/** The `SET` clause and its parameters (numbered from `$3`) for `mark`. */
export function markAssignments(mark: GenerationMark): { set: string; params: unknown[] } {
  if ('loggedIn' in mark) return { set: 'logged_in_at = now()', params: [] };
  if (mark.setAside === null) return { set: 'set_aside_reason = NULL, set_aside_detail = NULL, set_aside_at = NULL', params: [] };
  return {
    set: 'set_aside_reason = $3, set_aside_detail = $4, set_aside_at = now()',
    params: [mark.setAside.reason, mark.setAside.detail],
  };
}

/**
 * Takes the session's save lock (`key`) for the transaction on `client`. A transaction left idle (its
 * process paused or gone) is ended by the server after `idleMs`, so it cannot hold the lock, and with
 * it a new owner's `raiseFence`, for longer.
 */
export async function lockSession(client: PoolClient, key: string, idleMs: number): Promise<void> {
  await client.query(`SET LOCAL idle_in_transaction_session_timeout = ${Math.max(1000, Math.round(idleMs))}`);
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [key]);
}

/** Remembers `token` in `fences` (never lowering the one stored); resolves with the token in force. */
export async function storeFence(client: PoolClient, fences: string, sessionId: string, token: number): Promise<number> {
  const res = await client.query<{ token: string }>(
    `INSERT INTO ${fences} AS f (session_id, token) VALUES ($1, $2)
     ON CONFLICT (session_id) DO UPDATE SET token = GREATEST(f.token, EXCLUDED.token)
     RETURNING token`,
    [sessionId, token],
  );
  return Number(res.rows[0]?.token ?? token);
}

/**
 * Refuses `fence` with `LeaseError` code `FENCED` when a larger token was seen, and otherwise
 * remembers it. The fence row is read `FOR UPDATE` in the caller's transaction, which holds the
 * session's save lock, so the check and the write or delete after it are one step.
 */
export async function checkFence(client: PoolClient, fences: string, sessionId: string, fence: number, what: string): Promise<void> {
  const seen = await client.query<{ token: string }>(`SELECT token FROM ${fences} WHERE session_id = $1 FOR UPDATE`, [sessionId]);
  const newest = Number(seen.rows[0]?.token ?? 0);
  if (newest > fence) {
    throw new LeaseError(
      ErrorCode.FENCED,
      sessionId,
      `${what} of "${sessionId}" refused: it carries fencing token ${fence}, and ${newest} was seen (a newer owner has the session)`,
    );
  }
  await storeFence(client, fences, sessionId, fence);
}

/** The session's newest generation number, `0` when it has none. */
export async function newestGeneration(client: PoolClient, table: string, sessionId: string): Promise<number> {
  const res = await client.query<{ newest: number | null }>(`SELECT MAX(generation) AS newest FROM ${table} WHERE session_id = $1`, [
    sessionId,
  ]);
  return res.rows[0]?.newest ?? 0;
}
