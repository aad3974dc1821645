/**
 * What PostgresStore and PostgresLeases share about `pg`: loading it as an optional peer, a pool
 * that survives an idle client's failure, which errors mean the server cannot be reached, and
 * quoting a (schema-qualified) table name.
 */
import type { Pool, PoolConfig } from 'pg';
import { ErrorCode, InvalidOptionError, MissingDependencyError } from '../errors';
import { causeChain } from './cause-chain';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** SQLSTATE classes and socket errors that mean the server cannot be reached (or went away). */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000', // connection_exception
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08003', // connection_does_not_exist
  '08004', // sqlserver_rejected_establishment_of_sqlconnection
  '08006', // connection_failure
]);

/** `STORE_UNREACHABLE` when `err` (or its cause) says the server cannot be reached, else `STORE_FAILED`. */
export function classifyPostgresError(err: unknown): typeof ErrorCode.STORE_FAILED | typeof ErrorCode.STORE_UNREACHABLE {
  for (const e of causeChain(err)) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return ErrorCode.STORE_UNREACHABLE;
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && /Connection terminated|timeout exceeded when trying to connect/i.test(message)) {
      return ErrorCode.STORE_UNREACHABLE;
    }
    // AggregateError from net.connect when every address family failed.
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.some((x) => classifyPostgresError(x) === ErrorCode.STORE_UNREACHABLE)) {
      return ErrorCode.STORE_UNREACHABLE;
    }
  }
  return ErrorCode.STORE_FAILED;
}

/** `table` (`name` or `schema.name`; letters, digits, `_`) quoted for SQL; `owner` names the class in the error. */
export function quoteTable(table: string, owner: string): string {
  const parts = table.split('.');
  if (parts.length > 2 || !parts.every((p) => IDENTIFIER.test(p))) {
    throw new InvalidOptionError(
      `${owner}: invalid "table" ${JSON.stringify(table)}: use letters, digits and "_" (optionally "schema.table")`,
    );
  }
  return parts.map((p) => `"${p}"`).join('.');
}

/** The `pg` module for `owner` (an optional peer: `MissingDependencyError` without it). */
export function loadPg(owner: string): typeof import('pg') {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- pg is an optional peer, loaded only when a pool or client is made here
    return require('pg') as typeof import('pg');
  } catch (err) {
    throw new MissingDependencyError('pg', owner, { cause: err });
  }
}

/** A `pg` Pool from `config` for `owner` (an optional peer: `MissingDependencyError` without it). */
export function createPgPool(config: PoolConfig, owner: string): Pool {
  const pg = loadPg(owner);
  const pool = new pg.Pool(config);
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  return pool;
}
