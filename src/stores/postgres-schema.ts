/**
 * PostgresStore's table: how it is created (and brought up to date), how its rows read as
 * generations, and the SQL of marks. One row per generation:
 * `(session_id, generation, created_at, bytes, data, set_aside_reason, set_aside_detail, set_aside_at, logged_in_at)`.
 */
import type { PoolClient } from 'pg';
import { isSetAsideReason } from './internal';
import type { GenerationMark, StoredGeneration } from './types';

/** The columns a listing reads (never `data`). */
export const GENERATION_COLUMNS = 'generation, created_at, bytes, set_aside_reason, set_aside_detail, set_aside_at, logged_in_at';

/** The mark columns, added to tables made before marks existed. */
const MARK_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['set_aside_reason', 'text'],
  ['set_aside_detail', 'text'],
  ['set_aside_at', 'timestamptz'],
  ['logged_in_at', 'timestamptz'],
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

/**
 * Creates the session and fence tables when missing, and adds the mark columns to a table made by an
 * earlier version. Only a table that lacks them is altered (an ALTER waits for every transaction on it).
 */
export async function createTables(client: PoolClient, table: string, fences: string, lockKey: string): Promise<void> {
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
