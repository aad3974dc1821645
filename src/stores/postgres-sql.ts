/** PostgresStore's SQL helpers: which errors mean "unreachable", and quoting a table name. */
import { ErrorCode, InvalidOptionError } from '../errors';
import { causeChain } from './internal';

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

export function classify(err: unknown): typeof ErrorCode.STORE_FAILED | typeof ErrorCode.STORE_UNREACHABLE {
  for (const e of causeChain(err)) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return ErrorCode.STORE_UNREACHABLE;
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && /Connection terminated|timeout exceeded when trying to connect/i.test(message)) {
      return ErrorCode.STORE_UNREACHABLE;
    }
    // AggregateError from net.connect when every address family failed.
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.some((x) => classify(x) === ErrorCode.STORE_UNREACHABLE)) {
      return ErrorCode.STORE_UNREACHABLE;
    }
  }
  return ErrorCode.STORE_FAILED;
}

export function quoteTable(table: string): string {
  const parts = table.split('.');
  if (parts.length > 2 || !parts.every((p) => IDENTIFIER.test(p))) {
    throw new InvalidOptionError(
      `PostgresStore: invalid "table" ${JSON.stringify(table)}: use letters, digits and "_" (optionally "schema.table")`,
    );
  }
  return parts.map((p) => `"${p}"`).join('.');
}
