/**
 * The waweb Client: a thin orchestrator that composes a browser (browser/),
 * the WhatsApp Web page adapter (web/) and an auth strategy (auth/), and turns
 * page reports into the events whatsapp-web.js users know.
 */
import type { Browser, Page } from 'puppeteer-core';
import { NoAuth } from '../auth/no-auth';
import type { AuthStrategy, BrowserPlan, SessionArchive } from '../auth/strategy';
import { closeBrowser, launchBrowser } from '../browser/launch';
import { ClientClosedError, NotReadyError, PageError, WawebError, errorMessage } from '../errors';
import { firstSettled } from '../util/deadline';
import { childLogger } from '../util/logger';
import { type WaitForOptions } from '../util/typed-emitter';
import { WebPage, WHATSAPP_WEB_URL } from '../web/web-page';
import { ClientApi } from './api';
import { authHost } from './auth-host';
import { PageReports } from './page-reports';
import { DEFAULT_CODE_INTERVAL_MS, phoneDigits, requestCode, stopRenewing, validatePairing, type CodeHost } from './pairing';
import { checkLaunchable, type Phase, type Run } from './run';
import { validateOptions, type ClientEvents, type ClientInfo, type ClientOptions, type DisconnectReason } from './types';

export const DEFAULT_USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';

export class Client extends ClientApi {
  readonly options: Readonly<ClientOptions>;
  readonly authStrategy: AuthStrategy;
  /** Set when `ready` fires. */
  info: ClientInfo | undefined;

  #phase: Phase = 'idle';
  #run: Run | undefined;
  #starting: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  #queue: Promise<void> = Promise.resolve();
  #loggingOut: Promise<void> | undefined;
  /** Cancels the start in flight (destroy() during initialize()). */
  #startAbort: AbortController | undefined;
  readonly #reports: PageReports;
  readonly #codeHost: CodeHost = {
    emitCode: (code) => this.emit('code', code),
    enqueue: (run, handler) => this.#enqueue(run, handler),
  };

  constructor(options: ClientOptions = {}) {
    super();
    validateOptions(options);
    this.options = { ...options };
    this.authStrategy = options.authStrategy ?? new NoAuth();
    if (options.logger) this.log = childLogger(options.logger, { component: 'waweb', auth: this.authStrategy.name });
    this.authStrategy.setup(
      authHost(
        this.log,
        () => this.#run?.web,
        (event, ...args) => this.emit(event, ...args),
      ),
    );
    this.#reports = new PageReports({
      options: this.options,
      authStrategy: this.authStrategy,
      emit: (event, ...args) => this.emit(event, ...args),
      shutdown: (run, reason) => this.#shutdown(run, reason),
      teardown: () => this.#teardown(),
      enqueue: (run, handler) => this.#enqueue(run, handler),
      setInfo: (info) => {
        this.info = info;
      },
      message: (data) => this.toMessage(data),
      notification: (data) => this.toNotification(data),
      requestCode: (run, phone, notify, intervalMs) => requestCode(run, this.#codeHost, phone, notify, intervalMs),
    });
  }

  /**
   * Starts the browser and opens WhatsApp Web. Resolves once the app has
   * booted in the page; `qr`, `authenticated` and `ready` follow as events.
   */
  async initialize(): Promise<void> {
    if (this.#phase === 'starting' && this.#starting) return this.#starting;
    if (this.#phase === 'running') return;
    if (this.#phase === 'closing') {
      await this.#closing;
      // Another initialize() may have started meanwhile (the await ends TypeScript's narrowing, not the race).
      const phase = this.#phase as Phase;
      if (phase === 'starting' && this.#starting) return this.#starting;
      if (phase === 'running') return;
    }
    this.#phase = 'starting';
    this.#closing = undefined;
    this.info = undefined;
    const starting = this.#start();
    this.#starting = starting;
    try {
      await starting;
    } catch (err) {
      await this.#teardown();
      throw err;
    } finally {
      if (this.#starting === starting) {
        this.#starting = undefined;
        this.#startAbort = undefined;
      }
    }
  }

  /** Closes the browser and releases everything. Safe to call more than once; waits for a start in flight. */
  async destroy(): Promise<void> {
    const starting = this.#starting;
    if (starting) {
      // The start stops at its next step (a page still loading is not waited for) and cleans up after itself.
      this.#startAbort?.abort();
      await starting.catch(() => undefined);
    }
    await this.#teardown();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.destroy();
  }

  /**
   * Logs out on the phone side, then closes the browser and removes this
   * session's stored data. Nothing is deleted when the phone-side logout fails.
   * Safe to call more than once: concurrent calls share one logout.
   */
  logout(): Promise<void> {
    this.#loggingOut ??= this.#logout().finally(() => {
      this.#loggingOut = undefined;
    });
    return this.#loggingOut;
  }

  async #logout(): Promise<void> {
    const run = this.#run;
    if (this.#phase === 'closed' || this.#phase === 'idle') return;
    if (!run?.web || this.#phase !== 'running') throw new NotReadyError('logout() needs a started client');
    run.explicitLogout = true;
    try {
      await run.web.logout();
    } catch (err) {
      // Still logged in: a logout from the phone later must be handled as usual.
      run.explicitLogout = false;
      throw err;
    }
    run.loggedOut = true;
    await this.#teardown();
    await this.authStrategy.logout();
  }

  /**
   * A verified archive of the live session at this moment (localStorage flushed to disk first, as for
   * RemoteAuth's backups), to keep in your own storage; `importSession()` puts it back. Needs a ready
   * client with LocalAuth or RemoteAuth.
   */
  async exportSession(): Promise<SessionArchive> {
    this.readyPage('exportSession()');
    return this.authStrategy.exportSession();
  }

  /** The puppeteer page WhatsApp Web runs in (whatsapp-web.js's `pupPage`); undefined while stopped. */
  get pupPage(): Page | undefined {
    return this.#run?.web?.page;
  }

  /** The puppeteer browser (whatsapp-web.js's `pupBrowser`); undefined while stopped. */
  get pupBrowser(): Browser | undefined {
    return this.#run?.browser;
  }

  /** The app's connection state, or null when no page is open. */
  async getState(): Promise<string | null> {
    const web = this.#run?.web;
    if (!web?.booted || this.#phase !== 'running') return null;
    return web.state();
  }

  /**
   * Pairs by phone number instead of a QR: resolves with a code the user types on the phone (Linked
   * devices → Link with phone number), emits it as `code`, and emits a new one every `intervalMs`
   * while the page still waits. Needs a started client that is not logged in yet.
   */
  async requestPairingCode(phoneNumber: string, showNotification = true, intervalMs = DEFAULT_CODE_INTERVAL_MS): Promise<string> {
    const phone = phoneDigits(phoneNumber);
    validatePairing({ phoneNumber: phone, intervalMs });
    const run = this.#run;
    if (!run?.web?.booted || this.#phase !== 'running' || run.authenticated) {
      throw new NotReadyError('requestPairingCode() needs a started client that waits for a login');
    }
    return requestCode(run, this.#codeHost, phone, showNotification !== false, intervalMs);
  }

  protected override readyPage(what: string): WebPage {
    const run = this.#run;
    if (!run?.web || !run.ready || this.#phase !== 'running') throw new NotReadyError(`${what} needs a client that is ready`);
    return run.web;
  }

  /** Resolves with the next `event`; `timeout` rejects with a TimeoutError, `signal` with an AbortError. */
  override waitFor<K extends Extract<keyof ClientEvents, string>>(event: K, options: WaitForOptions = {}): Promise<ClientEvents[K]> {
    return super.waitFor(event, { ...options, timeoutOption: 'waitFor timeout' });
  }

  // ------------------------------------------------------------ start

  async #start(): Promise<void> {
    const puppeteerOptions = this.options.puppeteer ?? {};
    checkLaunchable(this.options, this.authStrategy);
    const abort = new AbortController();
    this.#startAbort = abort;
    const request =
      puppeteerOptions.userDataDir === undefined
        ? { signal: abort.signal }
        : { userDataDir: puppeteerOptions.userDataDir, signal: abort.signal };
    const closedWhileStarting = (cause?: unknown): ClientClosedError =>
      new ClientClosedError('the client was closed while starting', cause === undefined ? undefined : { cause });
    let plan: BrowserPlan;
    try {
      plan = await this.authStrategy.beforeBrowserInitialized(request);
    } catch (err) {
      // Whatever the strategy was waiting for when the start was cancelled, the client was closed.
      if (abort.signal.aborted) throw closedWhileStarting(err);
      throw err;
    }
    if (abort.signal.aborted) throw closedWhileStarting();
    const userAgent = this.options.userAgent === false ? undefined : (this.options.userAgent ?? DEFAULT_USER_AGENT);
    const launchOptions = { ...puppeteerOptions };
    if (plan.userDataDir !== undefined) launchOptions.userDataDir = plan.userDataDir;
    if (plan.args !== undefined) launchOptions.args = [...(launchOptions.args ?? []), ...plan.args];
    const launched = await launchBrowser(launchOptions, { userAgent, build: this.options.chromium });
    this.log.info({ pid: launched.pid, owned: launched.owned, version: launched.version }, 'browser started');
    if (abort.signal.aborted) {
      if (launched.owned) await closeBrowser(launched.browser, launched.pid);
      else await launched.browser.disconnect().catch(() => undefined);
      throw closedWhileStarting();
    }
    const run: Run = {
      browser: launched.browser,
      pid: launched.pid,
      owned: launched.owned,
      web: undefined,
      abort,
      hadSession: false,
      authenticated: false,
      ready: false,
      qrCount: 0,
      authFailureEmitted: false,
      explicitLogout: false,
      loggedOut: false,
      stopReason: undefined,
      takeoverTimer: undefined,
      codeTimer: undefined,
      codeRequested: false,
    };
    this.#run = run;
    launched.browser.once('disconnected', () => this.#onBrowserGone(run));
    try {
      await this.authStrategy.afterBrowserInitialized();
      const web = await WebPage.attach(launched.page, {
        ...(userAgent === undefined ? {} : { userAgent }),
        ...(launched.clientHints ? { clientHints: launched.clientHints } : {}),
        ...(plan.seedLocalStorage ? { seedLocalStorage: plan.seedLocalStorage } : {}),
        ...(plan.initScripts ? { initScripts: plan.initScripts } : {}),
      });
      run.web = web;
      this.#wire(run, web);
      // One deadline (authTimeoutMs) covers loading the page and the app booting in it;
      // closing the client or losing the browser ends the wait at once.
      const timeout = this.options.authTimeoutMs ?? 60_000;
      const booted = web.waitFor('booted', {
        signal: abort.signal,
        timeoutOption: 'authTimeoutMs',
        ...(timeout > 0 ? { timeout } : {}),
      });
      booted.catch(() => undefined);
      // The page adapter reports when it cannot hook into the app: fail at once, with the reason.
      const failed = web.waitFor('startFailed', { signal: abort.signal }).then(([message]) => {
        throw new PageError(message);
      });
      failed.catch(() => undefined);
      const opened = web.open(WHATSAPP_WEB_URL, 0);
      opened.catch(() => undefined);
      await firstSettled([opened.then(() => booted), booted, failed]);
    } catch (err) {
      if (abort.signal.aborted) throw closedWhileStarting(err);
      throw err;
    }
    if (this.#phase === 'starting') this.#phase = 'running';
  }

  #wire(run: Run, web: WebPage): void {
    const reports = this.#reports;
    web.on('booted', (_version, state, hadSession) => this.#enqueue(run, () => reports.onBooted(run, state, hadSession)));
    web.on('state', (state) => this.#enqueue(run, () => reports.onState(run, state)));
    web.on('qr', (qr) => this.#enqueue(run, () => reports.onQr(run, qr)));
    web.on('synced', () => this.#enqueue(run, () => reports.onSynced(run)));
    web.on('loading', (percent) => this.#enqueue(run, async () => this.emit('loading_screen', percent, 'WhatsApp')));
    web.on('logout', () => this.#enqueue(run, () => reports.onLogout(run)));
    web.on('message', (message) => this.#enqueue(run, async () => reports.onMessage(message)));
    web.on('ciphertext', (message) => this.#enqueue(run, async () => reports.onCiphertext(message)));
    web.on('ack', (message, ack) => this.#enqueue(run, async () => reports.onAck(message, ack)));
    web.on('mediaUploaded', (message) => this.#enqueue(run, async () => reports.onMediaUploaded(message)));
    web.on('revoked', (message) => this.#enqueue(run, async () => reports.onRevoked(message)));
    web.on('edited', (message, body, previous) => this.#enqueue(run, async () => reports.onEdited(message, body, previous)));
    web.on('reaction', (reaction) => this.#enqueue(run, async () => reports.onReaction(reaction)));
    web.on('group', (kind, notification) => this.#enqueue(run, async () => reports.onGroup(kind, notification)));
    web.on('pageError', (message) => this.#enqueue(run, async () => this.emit('error', new PageError(message))));
    // A crashed tab leaves the browser up but the session unusable.
    web.page.once('error', () => this.#enqueue(run, () => this.#shutdown(run, 'PAGE_CRASHED')));
    web.page.on('framenavigated', (frame) => {
      if (frame !== web.page.mainFrame() || !web.booted) return;
      if (!frame.url().startsWith(WHATSAPP_WEB_URL)) this.#enqueue(run, () => this.#shutdown(run, 'NAVIGATION'));
    });
  }

  /** Page reports are handled one at a time, in order, and only for the current run. */
  #enqueue(run: Run, handler: () => Promise<void>): void {
    this.#queue = this.#queue
      .then(async () => {
        if (this.#run !== run || this.#phase === 'closing' || this.#phase === 'closed') return;
        await handler();
      })
      .catch((err: unknown) => {
        this.emit('error', asError(err));
      });
  }

  #onBrowserGone(run: Run): void {
    if (this.#run !== run || this.#phase === 'closing' || this.#phase === 'closed') return;
    if (this.#phase === 'starting') {
      run.abort.abort();
      return;
    }
    this.#enqueue(run, () => this.#shutdown(run, 'BROWSER_CLOSED'));
  }

  // ------------------------------------------------------------ stop

  async #shutdown(run: Run, reason: DisconnectReason): Promise<void> {
    if (this.#run !== run) return;
    run.stopReason ??= reason;
    await this.#teardown();
    this.emit('disconnected', reason);
  }

  #teardown(): Promise<void> {
    if (this.#phase === 'idle' || this.#phase === 'closed') {
      this.#phase = this.#phase === 'idle' ? 'idle' : 'closed';
      return this.#closing ?? Promise.resolve();
    }
    if (this.#phase === 'closing' && this.#closing) return this.#closing;
    this.#phase = 'closing';
    this.#closing = this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const run = this.#run;
    try {
      if (run) {
        run.abort.abort();
        if (run.takeoverTimer !== undefined) clearTimeout(run.takeoverTimer);
        stopRenewing(run);
        const alive = run.browser.connected;
        if (alive) {
          try {
            await this.authStrategy.beforeBrowserClose();
          } catch (err) {
            this.emit('error', asError(err));
          }
        }
        let clean = false;
        if (run.owned) {
          clean = alive && (await closeBrowser(run.browser, run.pid)) === 'closed';
        } else {
          // A browser waweb connected to stays up: close only the tab waweb opened.
          await run.web?.page.close().catch(() => undefined);
          await run.browser.disconnect().catch(() => undefined);
        }
        await this.authStrategy.afterBrowserClosed({
          clean,
          loggedOut: run.loggedOut,
          ...(run.stopReason === undefined ? {} : { reason: run.stopReason }),
        });
      }
    } finally {
      try {
        await this.authStrategy.destroy();
      } finally {
        this.#run = undefined;
        this.#phase = 'closed';
      }
    }
  }
}

/** waweb's errors pass through; anything else becomes a `PageError` (`PAGE_FAILED`) with the original as `cause`. */
function asError(err: unknown): WawebError {
  return err instanceof WawebError ? err : new PageError(`unexpected failure: ${errorMessage(err)}`, { cause: err });
}
