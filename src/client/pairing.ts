/**
 * Pairing by phone number instead of a QR: the app gives a code that the user types on the phone
 * (Linked devices → Link with phone number). The option and its checks; the run asks for the codes.
 * A code is never asked for over a session the client already holds unless the caller forces it.
 */
import type { AuthStrategy } from '../auth/strategy';
import { InvalidOptionError, SessionExistsError } from '../errors';

/** `pairWithPhoneNumber`: pair with a code for this number instead of a QR. */
export interface PairWithPhoneNumber {
  /** Country code and number, digits only (`+`, spaces and dashes are dropped), e.g. `15550001111`. */
  phoneNumber: string;
  /** Ask the phone to show a notification for the code. @default true */
  showNotification?: boolean;
  /** How often a new code is asked for while waiting. @default 180000 */
  intervalMs?: number;
  /**
   * Ask for codes even when the client's folder or store already holds a session (see
   * `requestPairingCode`'s `force`). @default false: the client emits a `SessionExistsError` on
   * `error` instead of asking for a code
   */
  force?: boolean;
}

export const DEFAULT_CODE_INTERVAL_MS = 180_000;

/** The number as the app wants it; throws `INVALID_OPTION` for anything that is not a phone number. */
/** `pairWithPhoneNumber` as the arguments of a code request: digits, notify, renewal interval, force. */
export function codeRequestOf(pairing: PairWithPhoneNumber): [phone: string, notify: boolean, intervalMs: number, force: boolean] {
  return [
    phoneDigits(pairing.phoneNumber),
    pairing.showNotification !== false,
    pairing.intervalMs ?? DEFAULT_CODE_INTERVAL_MS,
    pairing.force === true,
  ];
}

export function phoneDigits(phone: unknown): string {
  const digits = typeof phone === 'string' ? phone.replace(/[\s()+-]/g, '') : '';
  if (!/^[1-9][0-9]{5,14}$/.test(digits)) {
    throw new InvalidOptionError(`phoneNumber must be a phone number with country code, e.g. "15550001111"; got ${JSON.stringify(phone)}`);
  }
  return digits;
}

export function validatePairing(value: PairWithPhoneNumber | undefined): void {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null) throw new InvalidOptionError('pairWithPhoneNumber must be an object');
  phoneDigits(value.phoneNumber);
  if (value.showNotification !== undefined && typeof value.showNotification !== 'boolean')
    throw new InvalidOptionError('pairWithPhoneNumber.showNotification must be a boolean');
  const interval = value.intervalMs;
  if (interval !== undefined && (typeof interval !== 'number' || !Number.isFinite(interval) || interval < 1000))
    throw new InvalidOptionError('pairWithPhoneNumber.intervalMs must be a number of milliseconds, at least 1000');
  checkForce(value.force, 'pairWithPhoneNumber.force');
}

/** `force` is a boolean when given. */
export function checkForce(force: unknown, name: string): void {
  if (force !== undefined && typeof force !== 'boolean') throw new InvalidOptionError(`${name} must be a boolean`);
}

/**
 * Throws a `SessionExistsError` (`SESSION_EXISTS`) when the client holds a session: the page booted
 * with a stored login in this run (rejected since or not), or the strategy's folder or store holds
 * one (`hasStoredSession()`). A code for a number that is already linked can revoke its live device.
 */
export async function refuseOverStoredSession(strategy: AuthStrategy, bootedWithSession: boolean): Promise<void> {
  let held: string | undefined;
  if (bootedWithSession) held = 'the page started with a stored login';
  else if (await strategy.hasStoredSession()) held = `the ${strategy.name} auth strategy holds a stored session`;
  if (held === undefined) return;
  throw new SessionExistsError(
    `no pairing code was requested: ${held}, whose device may still be linked, and a code for a linked number can revoke it. ` +
      "Log that session out or delete it first, or pass force (requestPairingCode's fourth argument, pairWithPhoneNumber.force) to pair anyway",
  );
}
