/**
 * The one place that knows whatsapp-web.js's Client (1.34.7) from the outside: its `options.puppeteer`
 * (which steers the launch), `pupBrowser`/`pupPage` (set before `afterBrowserInitialized`), and its
 * events. waweb takes no runtime dependency on whatsapp-web.js: the client is checked by shape.
 */
import { chromiumEnvironment } from '../browser/environment';
import { InvalidOptionError, type AuthHost, type SessionPage, type SessionSavedInfo, type WawebError } from '../index';

/** Chromium's main process, as puppeteer's `browser.process()` gives it. */
export interface BrowserProcess {
  pid?: number | undefined;
  exitCode: number | null;
  signalCode: string | null;
  once(event: 'exit', handler: (code: number | null, signal: string | null) => void): unknown;
}

export interface BrowserLike {
  isConnected(): boolean;
  process(): BrowserProcess | null;
}

interface PageLike {
  evaluate(expression: string): Promise<unknown>;
  evaluateOnNewDocument(source: string): Promise<unknown>;
  isClosed(): boolean;
}

interface ClientLike {
  options: { puppeteer?: Record<string, unknown> };
  pupBrowser?: BrowserLike | null;
  pupPage?: PageLike | null;
  emit(event: string, ...args: unknown[]): boolean;
  listenerCount(event: string): number;
}

/** Set on every document before the app runs: whether the profile held a login when the page loaded. */
const HAD_SESSION = '__wawebHadSession';
const CAPTURE_SESSION = `try { Object.defineProperty(window, ${JSON.stringify(HAD_SESSION)}, { value: localStorage.getItem('last-wid-md') !== null, configurable: true }); } catch (e) {}`;

export class ClientLink {
  readonly #client: ClientLike;
  readonly #onError: ((error: WawebError) => void) | undefined;

  private constructor(client: ClientLike, onError: ((error: WawebError) => void) | undefined) {
    this.#client = client;
    this.#onError = onError;
  }

  /** Checks that `client` is a whatsapp-web.js Client (what `setup(client)` receives). */
  static of(client: unknown, onError?: (error: WawebError) => void): ClientLink {
    const c = client as Partial<ClientLike> | null;
    if (typeof c !== 'object' || c === null || typeof c.emit !== 'function' || typeof c.listenerCount !== 'function' || !c.options) {
      throw new InvalidOptionError(
        "this strategy is for whatsapp-web.js's Client (require('whatsapp-web.js').Client); for waweb's own Client use RemoteAuth/LocalAuth from 'waweb'",
      );
    }
    return new ClientLink(c as ClientLike, onError);
  }

  /** `puppeteer.userDataDir` as the user set it. */
  get userDataDir(): string | undefined {
    const dir = this.#client.options.puppeteer?.['userDataDir'];
    return typeof dir === 'string' ? dir : undefined;
  }

  /** Steers whatsapp-web.js's launch: the profile folder and extra Chromium flags. */
  plan(userDataDir: string | undefined, args: readonly string[] | undefined): void {
    const puppeteer = { ...this.#client.options.puppeteer };
    if (userDataDir !== undefined) puppeteer['userDataDir'] = userDataDir;
    const given = Array.isArray(puppeteer['args']) ? (puppeteer['args'] as unknown[]).filter((a) => typeof a === 'string') : [];
    if (args && args.length > 0) puppeteer['args'] = [...given, ...args.filter((a) => !given.includes(a))];
    // Chromium gets what it needs of the environment, not the bot's keys, tokens and database URLs
    // (whatsapp-web.js launches it with the whole environment otherwise); a given `env` is kept.
    if (puppeteer['env'] === undefined) puppeteer['env'] = chromiumEnvironment();
    this.#client.options.puppeteer = puppeteer;
  }

  browser(): BrowserLike | undefined {
    return this.#client.pupBrowser ?? undefined;
  }

  browserRunning(): boolean {
    return this.browser()?.isConnected() === true;
  }

  /** Scripts the engine's plan asks for, on every new document before the app's own. */
  async addInitScripts(scripts: readonly string[]): Promise<void> {
    for (const script of scripts) await this.#client.pupPage?.evaluateOnNewDocument(script);
  }

  /** Records on every new document whether the profile held a login (read by `hadSession()`). */
  async watchSessions(): Promise<void> {
    await this.#client.pupPage?.evaluateOnNewDocument(CAPTURE_SESSION);
  }

  /** Whether the page now open loaded with a stored login (false when unknown). */
  async hadSession(): Promise<boolean> {
    const page = this.#client.pupPage;
    if (!page || page.isClosed()) return false;
    try {
      return (await page.evaluate(`window[${JSON.stringify(HAD_SESSION)}] === true`)) === true;
    } catch {
      return false;
    }
  }

  /** The page's localStorage, for RemoteAuth's backups; undefined when there is no open page. */
  page(): SessionPage | undefined {
    const page = this.#client.pupPage;
    if (!page || page.isClosed()) return undefined;
    return {
      localStorageEntries: async () => (await page.evaluate('Object.entries(localStorage)')) as Array<[string, string]>,
      setLocalStorageItem: async (key, value) => {
        await page.evaluate(`localStorage.setItem(${JSON.stringify(key)}, ${JSON.stringify(value)})`);
      },
    };
  }

  /** The `AuthHost` waweb's strategies get: events go to the whatsapp-web.js client. */
  host(): AuthHost {
    return {
      page: () => this.page(),
      emitSessionSaved: (info: SessionSavedInfo) => this.#client.emit('remote_session_saved', info),
      emitError: (error: WawebError) => this.report(error),
    };
  }

  emit(event: string, ...args: unknown[]): void {
    this.#client.emit(event, ...args);
  }

  /**
   * A failure that must not stop the bot: to `onError` when given, else to the client's `error`
   * listeners when it has some, else to the console. Never an `error` event without a listener,
   * which would throw inside whatsapp-web.js and end the process.
   */
  report(error: WawebError): void {
    if (this.#onError) this.#onError(error);
    else if (this.#client.listenerCount('error') > 0) this.#client.emit('error', error);
    else console.error(`waweb: ${error.code}: ${error.message}`);
  }
}
