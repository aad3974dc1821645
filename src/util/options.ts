/**
 * Numeric option checks, once. Each returns the value (or `fallback` when it is undefined) and
 * throws an `InvalidOptionError` naming the option otherwise.
 */
import { InvalidOptionError } from '../errors';

type Rule = { integer: boolean; min: number; exclusive: boolean };

function check(value: unknown, fallback: number, name: string, rule: Rule): number {
  if (value === undefined) return fallback;
  const ok =
    typeof value === 'number' &&
    (rule.integer ? Number.isSafeInteger(value) : Number.isFinite(value)) &&
    (rule.exclusive ? value > rule.min : value >= rule.min);
  if (!ok) {
    const kind = rule.integer ? 'an integer' : 'a number';
    const got = typeof value === 'number' ? String(value) : typeof value;
    throw new InvalidOptionError(`${name} must be ${kind} ${rule.exclusive ? '>' : '>='} ${rule.min}, got ${got}`);
  }
  return value;
}

/** A finite number > 0 (durations, intervals). */
export function positiveNumber(value: unknown, fallback: number, name: string): number {
  return check(value, fallback, name, { integer: false, min: 0, exclusive: true });
}

/** A finite number >= 0. */
export function nonNegativeNumber(value: unknown, fallback: number, name: string): number {
  return check(value, fallback, name, { integer: false, min: 0, exclusive: false });
}

/** A safe integer > 0 (limits, counts, milliseconds). */
export function positiveInteger(value: unknown, fallback: number, name: string): number {
  return check(value, fallback, name, { integer: true, min: 0, exclusive: true });
}

/** A safe integer >= 0 (retries). */
export function nonNegativeInteger(value: unknown, fallback: number, name: string): number {
  return check(value, fallback, name, { integer: true, min: 0, exclusive: false });
}

/** An optional safe integer >= `min` with no default (a generation asked for, a byte limit). */
export function optionalInteger(value: unknown, min: number, name: string): number | undefined {
  return value === undefined ? undefined : check(value, 0, name, { integer: true, min, exclusive: false });
}
