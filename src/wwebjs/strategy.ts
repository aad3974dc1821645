/**
 * A waweb strategy inside whatsapp-web.js's Client. whatsapp-web.js calls its hooks without arguments
 * (`setup(client)` aside) in this order: beforeBrowserInitialized → (launch with
 * `client.options.puppeteer`) → afterBrowserInitialized → onAuthenticationNeeded (page wants a login)
 * → getAuthEventPayload → afterAuthReady (not awaited) → disconnect (a state such as CONFLICT or
 * UNPAIRED, then destroy) → destroy (after its `browser.close()`) / logout (after a logout; from the
 * phone with the browser still running, then beforeBrowserInitialized and afterBrowserInitialized again
 * in the same browser). This class maps them onto waweb's hooks and keeps waweb's guarantees there.
 */
import { claimProfileLock } from '../browser/profile-lock';
import { WawebError, ErrorCode, type AuthStrategy } from '../index';
import { ClientLink, type BrowserProcess } from './client-link';

/** What whatsapp-web.js's `onAuthenticationNeeded` expects back. */
export interface AuthenticationNeeded {
  failed: boolean;
  restart: boolean;
  failureEventPayload: unknown;
}

export interface WwebjsStrategyOptions {
  /** After a stored session is rejected (`auth_failure`), restart without it and show a QR. @default true */
  restartOnAuthFail?: boolean;
  /** Where failures that do not stop the bot go. @default the client's `error` listeners, else the console */
  onError?: (error: WawebError) => void;
}

/** How waweb's strategy hooks see a logout: with the profile kept while a browser still runs on it. */
type Engine = AuthStrategy & { logout(options?: { keepProfile?: boolean }): Promise<void> };

/** Resolves when `proc` exits: true for code 0 (browser.close()), false for a signal or an error code. */
function browserExit(proc: BrowserProcess | null): Promise<boolean | undefined> {
  if (!proc) return Promise.resolve(undefined);
  const clean = (code: number | null, signal: string | null): boolean => code === 0 && signal === null;
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(clean(proc.exitCode, proc.signalCode));
  return new Promise((resolve) => proc.once('exit', (code, signal) => resolve(clean(code, signal))));
}

/** `promise`'s value, or undefined after `ms`. */
function withinMs<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    void promise.then((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

export abstract class WwebjsStrategy {
  /** whatsapp-web.js's client, once `setup()` ran (whatsapp-web.js's strategies keep it here too). */
  client: unknown;
  protected readonly engine: Engine;
  readonly #restartOnAuthFail: boolean;
  readonly #onError: ((error: WawebError) => void) | undefined;
  #link: ClientLink | undefined;
  /** This run's browser, and whether its process exited cleanly (undefined while it runs, or unknown). */
  #browser: object | undefined;
  #exit: Promise<boolean | undefined> = Promise.resolve(undefined);
  #watching: Promise<void> = Promise.resolve();
  #closed: Promise<void> | undefined;
  #disconnected = false;
  /** Scripts from the engine's launch plan, installed once the page exists. */
  #initScripts: readonly string[] = [];
  /** The profile folder the launch was steered to. */
  #profile: string | undefined;
  #loggedOut = false;
  #rejected = false;
  /** The deletions of logouts so far (they never reject). */
  #logouts: Promise<void> = Promise.resolve();

  protected constructor(engine: Engine, options: WwebjsStrategyOptions) {
    this.engine = engine;
    this.#restartOnAuthFail = options.restartOnAuthFail !== false;
    this.#onError = options.onError;
  }

  protected get link(): ClientLink {
    if (!this.#link) throw new WawebError(ErrorCode.INVALID_OPTION, 'this strategy was not given to a whatsapp-web.js Client yet');
    return this.#link;
  }

  setup(client: unknown): void {
    const link = ClientLink.of(client, this.#onError);
    this.#link = link;
    this.client = client;
    this.engine.setup({
      ...link.host(),
      // A save whose page went away with the browser is not a failure: the final backup after a clean
      // close replaces it, and after a crash there is nothing to save. Which it was shows within moments.
      emitError: (error) => {
        if (error.code !== ErrorCode.BACKUP_FAILED || this.#browser === undefined) {
          link.report(error);
          return;
        }
        const exit = this.#exit;
        void withinMs(exit, 2000).then((exited) => {
          if (exited === undefined && link.browserRunning()) link.report(error);
        });
      },
    });
  }

  async beforeBrowserInitialized(): Promise<void> {
    const link = this.link;
    if (this.#browser !== undefined && link.browserRunning()) {
      // A logout from the phone: whatsapp-web.js goes on in the same browser towards a new login.
      this.rearm();
      this.#loggedOut = false;
      return;
    }
    this.#browser = undefined;
    this.#closed = undefined;
    this.#disconnected = false;
    this.#loggedOut = false;
    const plan = await this.engine.beforeBrowserInitialized(link.userDataDir === undefined ? {} : { userDataDir: link.userDataDir });
    link.plan(plan.userDataDir, plan.args);
    this.#initScripts = plan.initScripts ?? [];
    this.#profile = plan.userDataDir;
  }

  /** The same browser, a new login: RemoteAuth backs it up from its `ready` on. */
  protected rearm(): void {}

  async afterBrowserInitialized(): Promise<void> {
    const browser = this.link.browser();
    if (!browser || browser === this.#browser) return;
    this.#browser = browser;
    this.#exit = browserExit(browser.process());
    // Chromium that exits other than through browser.close() (code 0) crashed or was killed: no final
    // backup from that profile, and the waits of a save in flight end at once.
    this.#watching = this.#exit.then((clean) => {
      if (clean === false) this.#afterClose(false);
    });
    const scripts = this.#initScripts;
    this.#initScripts = [];
    const pid = browser.process()?.pid;
    await this.#quietly(async () => {
      // The headless shell leaves its profile unmarked: mark it, so a second process is refused.
      if (this.#profile !== undefined && pid !== undefined) await claimProfileLock(this.#profile, pid);
      // Before whatsapp-web.js opens the app (it navigates after this hook).
      await this.link.addInitScripts(scripts);
      await this.engine.afterBrowserInitialized();
      await this.link.watchSessions();
    });
  }

  /**
   * The page wants a login. A page that loaded with a stored login had it rejected (unlinked or
   * revoked on the phone): `auth_failure` once, then (by default) a restart without it and a QR.
   */
  async onAuthenticationNeeded(): Promise<AuthenticationNeeded> {
    const none = { failed: false, restart: false, failureEventPayload: undefined };
    if (this.#rejected || !(await this.link.hadSession())) return none;
    this.#rejected = true;
    await this.#quietly(() => this.engine.onAuthFailure());
    return { failed: true, restart: this.#restartOnAuthFail, failureEventPayload: this.engine.rejection() };
  }

  /**
   * whatsapp-web.js asks for the payload as the page logs in: the engine hears of the login here (a
   * restored backup passed its trial). whatsapp-web.js has no way to start again after a failed login,
   * so a restore is not verified here, only marked when it logs in.
   */
  async getAuthEventPayload(): Promise<unknown> {
    await this.#quietly(() => this.engine.onLoggedIn());
    return this.engine.getAuthEventPayload();
  }

  /** whatsapp-web.js does not await this hook: it must never reject. */
  async afterAuthReady(): Promise<void> {
    this.#rejected = false;
    await this.#quietly(() => this.engine.afterAuthReady());
  }

  /** A state whatsapp-web.js stops on (CONFLICT, UNPAIRED, ...): nothing is deleted, no final backup. */
  async disconnect(): Promise<void> {
    this.#disconnected = true;
  }

  /**
   * After whatsapp-web.js closed the browser: an upload in flight finishes, and a final backup follows
   * a clean close (it holds whatever a save cut short by the close would have taken).
   */
  async destroy(): Promise<void> {
    await this.#quietly(async () => {
      const clean = this.link.browserRunning() ? false : await withinMs(this.#exit, 10_000);
      await this.#watching;
      this.#afterClose(clean === true);
      await this.#closed;
      await this.#logouts;
      await this.engine.destroy();
    });
  }

  /**
   * After a logout: `client.logout()` (browser closed) removes the backups and the local profile;
   * a logout from the phone (the browser runs on) removes the backups, and the profile stays in use.
   */
  async logout(): Promise<void> {
    this.#loggedOut = true;
    const running = this.link.browserRunning();
    const previous = this.#logouts;
    const work = previous.then(() => this.#quietly(() => this.engine.logout({ keepProfile: running })));
    this.#logouts = work;
    // With the browser running, whatsapp-web.js goes on in the page at once (it re-injects after the
    // logout navigation, while `client.logout()` may be closing the browser): the deletion finishes
    // in the background, and destroy() and the next logout() wait for it.
    if (!running) await work;
  }

  #afterClose(clean: boolean): void {
    if (this.#closed || this.#browser === undefined) return;
    // After CONFLICT or UNPAIRED another browser owns the session, or nobody does: no final backup.
    const loggedOut = this.#loggedOut || this.#disconnected;
    this.#closed = this.#quietly(() => this.engine.afterBrowserClosed({ clean, loggedOut }));
  }

  async #quietly(work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (err) {
      this.link.report(
        err instanceof WawebError
          ? err
          : new WawebError(ErrorCode.BACKUP_FAILED, `waweb strategy failed: ${err instanceof Error ? err.message : String(err)}`, {
              cause: err,
            }),
      );
    }
  }
}
