/**
 * A start's trial of the session its strategy gave it: it ends at the first login (`onLoggedIn`) or
 * at the first failure (`onLoginFailed`, whose answer says whether the client starts again). Either
 * is told to the strategy once per start, whichever of the page's reports or the login's deadline
 * comes first; later callers get the same answer.
 */
import type { AuthStrategy, LoginFailure, LoginRetry } from '../auth/strategy';

export class LoginTrial {
  #verdict: Promise<LoginRetry | undefined> | undefined;

  constructor(private readonly strategy: AuthStrategy) {}

  /** The page logged in: the trial passed (told to the strategy once; nothing after a failure). */
  async loggedIn(): Promise<void> {
    if (this.#verdict) return;
    this.#verdict = Promise.resolve(undefined);
    await this.strategy.onLoggedIn();
  }

  /** The start could not log in: the strategy's answer (the first failure's, for every caller); none after a login. */
  failed(failure: LoginFailure): Promise<LoginRetry | undefined> {
    this.#verdict ??= this.strategy.onLoginFailed(failure);
    return this.#verdict;
  }
}
