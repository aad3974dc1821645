/**
 * Calls into the app that an update can break without removing anything (a field a function reads is
 * gone, a function takes other arguments): the contract check at boot cannot see that, so such a call
 * is watched, and a `TypeError` from inside it is reported as the member it came from
 * (`IncompatibleWebError` in Node), never as a raw error from deep inside the page.
 */
import { DRIFT_MARK, type PageContractMiss, type PageFeature } from '../bridge';

/** An error Node turns into an `IncompatibleWebError` naming `Module.member`. */
export function driftError(member: string, feature: PageFeature, detail: string): Error {
  const [module = member, ...path] = member.split('.');
  const miss: PageContractMiss = { module, member: path.join('.'), feature, expected: 'function', found: 'changed', detail };
  return new Error(`${DRIFT_MARK}${JSON.stringify(miss)}`);
}

/** Runs `call` (one call of `member`, `Module.member`); a `TypeError` it throws becomes a {@link driftError}. */
export async function watched<T>(member: string, feature: PageFeature, call: () => T | Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof TypeError) throw driftError(member, feature, `${err.name}: ${err.message}`);
    throw err;
  }
}
