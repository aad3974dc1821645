/**
 * Logging through whatever logger the application already has: anything with pino's level methods
 * (`logger.info({ ...fields }, 'message')`) works, pino itself included; `child()` is used when
 * present. Silent by default. Records carry structured fields and never secrets: no QR text, pairing
 * codes, keys, passwords or session contents, only ids, sizes, times, states and error codes.
 */
import { InvalidOptionError } from '../errors';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';
const LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];

export type LogFn = (fields: Record<string, unknown>, message: string) => void;

/** The part of a pino logger waweb uses. */
export interface Logger {
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child?(bindings: Record<string, unknown>): Logger;
}

const nothing: LogFn = () => undefined;
export const silentLogger: Logger = { trace: nothing, debug: nothing, info: nothing, warn: nothing, error: nothing };

/** `logger` if it has every level method; an `InvalidOptionError` naming the first missing one otherwise. */
export function checkLogger(logger: unknown, option = 'logger'): Logger {
  if (typeof logger !== 'object' || logger === null) throw new InvalidOptionError(`${option} must be a pino-compatible logger object`);
  for (const level of LEVELS) {
    if (typeof (logger as Record<string, unknown>)[level] !== 'function') {
      throw new InvalidOptionError(`${option} has no ${level}() method: pass a pino-compatible logger`);
    }
  }
  return logger as Logger;
}

/** A logger whose records carry `bindings`: the logger's own `child()`, or a wrapper that adds them. */
export function childLogger(logger: Logger, bindings: Record<string, unknown>): Logger {
  if (logger === silentLogger) return silentLogger;
  if (typeof logger.child === 'function') return logger.child(bindings);
  const wrap =
    (level: LogLevel): LogFn =>
    (fields, message) =>
      logger[level]({ ...bindings, ...fields }, message);
  return {
    trace: wrap('trace'),
    debug: wrap('debug'),
    info: wrap('info'),
    warn: wrap('warn'),
    error: wrap('error'),
    child: (more) => childLogger(logger, { ...bindings, ...more }),
  };
}

/** The fields that describe an error in a record: its class, code and message (messages carry no secrets). */
export function errorFields(err: unknown): Record<string, unknown> {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { err: { type: err.name, ...(typeof code === 'string' ? { code } : {}), message: err.message } };
  }
  return { err: { message: String(err) } };
}
