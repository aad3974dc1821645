/**
 * Pairing by phone number instead of a QR: the app gives a code that the user types on the phone
 * (Linked devices → Link with phone number). The option and its checks; the run asks for the codes.
 */
import { InvalidOptionError } from '../errors';

/** `pairWithPhoneNumber`: pair with a code for this number instead of a QR. */
export interface PairWithPhoneNumber {
  /** Country code and number, digits only (`+`, spaces and dashes are dropped), e.g. `15550001111`. */
  phoneNumber: string;
  /** Ask the phone to show a notification for the code. @default true */
  showNotification?: boolean;
  /** How often a new code is asked for while waiting. @default 180000 */
  intervalMs?: number;
}

export const DEFAULT_CODE_INTERVAL_MS = 180_000;

/** The number as the app wants it; throws `INVALID_OPTION` for anything that is not a phone number. */
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
}
