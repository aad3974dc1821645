/**
 * The waweb Client: a thin orchestrator that composes a browser (browser/),
 * the WhatsApp Web page adapter (web/) and an auth strategy (auth/), and turns
 * page reports into the events whatsapp-web.js users know.
 */
import type { Browser } from 'puppeteer-core';
import { NoAuth } from '../auth/no-auth';
import type { AuthHost, AuthStrategy, BrowserPlan, SessionSavedInfo } from '../auth/strategy';
import { findChromium } from '../browser/executable';
import { closeBrowser, launchBrowser } from '../browser/launch';
import { InvalidOptionError } from '../errors';
import { firstSettled } from '../util/deadline';
import { TypedEmitter, type WaitForOptions } from '../util/typed-emitter';
import type { PageMessage } from '../web/bridge';
import { PageError, WebPage, WHATSAPP_WEB_URL } from '../web/web-page';
import { Message } from './message';
import {
  AuthFailureError,
  ClientClosedError,
  NotReadyError,
  type ClientEvents,
  type ClientInfo,
  type ClientOptions,
  type DisconnectReason,
} from './types';

export const DEFAULT_USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';

/** States in which the app is still deciding; the client waits. */
const WAITING_STATES = new Set(['UNLAUNCHED', 'OPENING', 'PAIRING']);

/** States after which the client cannot go on. */
const FATAL_STATES = new Set(['DEPRECATED_VERSION', 'PROXYBLOCK', 'TOS_BLOCK', 'SMB_TOS_BLOCK']);

type Phase = 'idle' | 'starting' | 'running' | 'closing' | 'closed';

interface Run {
  browser: Browser;
  pid: number | undefined;
  owned: boolean;
  web: WebPage | undefined;
  abort: AbortController;
  hadSession: boolean;
  authenticated: boolean;
  ready: boolean;
  qrCount: number;
  authFailureEmitted: boolean;
  explicitLogout: boolean;
  /** A logout (ours or the phone's) was confirmed: the session is dead. */
  loggedOut: boolean;
  /** Set when the client stops on its own (the `disconnected` reason). */
  stopReason: DisconnectReason | undefined;
  takeoverTimer: NodeJS.Timeout | undefined;
}

export class Client extends TypedEmitter<ClientEvents> {
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

  constructor(options: ClientOptions = {}) {
    super();
    validateOptions(options);
    this.options = { ...options };
    this.authStrategy = options.authStrategy ?? new NoAuth();
    const host: AuthHost = {
      page: () => this.#run?.web,
      emitSessionSaved: (info: SessionSavedInfo) => this.emit('remote_session_saved', info),
      emitError: (error: Error) => this.emit('error', error),
    };
    this.authStrategy.setup(host);
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

  /** The app's connection state, or null when no page is open. */
  async getState(): Promise<string | null> {
    const web = this.#run?.web;
    if (!web?.booted || this.#phase !== 'running') return null;
    return web.state();
  }

  /** Sends a text message. `chatId` is `<number>@c.us` (a bare number is accepted). */
  async sendMessage(chatId: string, content: string, options: { quotedMessageId?: string } = {}): Promise<Message> {
    if (typeof chatId !== 'string' || chatId === '') throw new InvalidOptionError('chatId must be a non-empty string');
    if (typeof content !== 'string') throw new InvalidOptionError('only text messages are supported: content must be a string');
    const run = this.#run;
    if (!run?.web || !run.ready || this.#phase !== 'running') throw new NotReadyError('sendMessage() needs a client that is ready');
    const target = chatId.includes('@') ? chatId : `${chatId}@c.us`;
    const sent = await run.web.sendText(target, content, options.quotedMessageId);
    return new Message(this, sent);
  }

  /** Resolves with the next `event`; `timeout` rejects with a TimeoutError, `signal` with an AbortError. */
  override waitFor<K extends Extract<keyof ClientEvents, string>>(event: K, options: WaitForOptions = {}): Promise<ClientEvents[K]> {
    return super.waitFor(event, { ...options, timeoutOption: 'waitFor timeout' });
  }

  // ------------------------------------------------------------ start

  async #start(): Promise<void> {
    const puppeteerOptions = this.options.puppeteer ?? {};
    const connecting = puppeteerOptions.browserWSEndpoint !== undefined || puppeteerOptions.browserURL !== undefined;
    // Fail on a missing browser, or a browser that cannot use the strategy's profile,
    // before a strategy creates or deletes anything.
    if (connecting && this.authStrategy.requiresProfile) {
      throw new InvalidOptionError(
        `${this.authStrategy.constructor.name} keeps the session in a browser profile of its own; it cannot work with puppeteer.browserWSEndpoint/browserURL`,
      );
    }
    if (!connecting) findChromium(puppeteerOptions.executablePath);
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
    const launched = await launchBrowser(launchOptions, userAgent);
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
    };
    this.#run = run;
    launched.browser.once('disconnected', () => this.#onBrowserGone(run));
    try {
      await this.authStrategy.afterBrowserInitialized();
      const web = await WebPage.attach(launched.page, userAgent === undefined ? {} : { userAgent });
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
    web.on('booted', (_version, state, hadSession) => this.#enqueue(run, async () => this.#onBooted(run, state, hadSession)));
    web.on('state', (state) => this.#enqueue(run, () => this.#onState(run, state)));
    web.on('qr', (qr) => this.#enqueue(run, () => this.#onQr(run, qr)));
    web.on('synced', () => this.#enqueue(run, () => this.#onSynced(run)));
    web.on('loading', (percent) => this.#enqueue(run, async () => this.emit('loading_screen', percent, 'WhatsApp')));
    web.on('logout', () => this.#enqueue(run, () => this.#onLogout(run)));
    web.on('message', (message) => this.#enqueue(run, async () => this.#onMessage(message)));
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

  // ------------------------------------------------------------ page reports

  async #onBooted(run: Run, state: string, hadSession: boolean): Promise<void> {
    // A navigation (e.g. after a logout) boots the app again; only the first boot knows the stored session.
    if (!run.authenticated && !run.authFailureEmitted) run.hadSession = hadSession;
    // The app may have settled before the adapter hooked in: handle that state as if it had just changed.
    if (!WAITING_STATES.has(state)) await this.#onState(run, state);
  }

  async #onState(run: Run, state: string): Promise<void> {
    this.emit('change_state', state);
    if (state === 'UNPAIRED' || state === 'UNPAIRED_IDLE') {
      if (await this.#rejectedSessionStops(run)) return;
      if (state === 'UNPAIRED_IDLE') {
        if (this.#qrRetriesLeft(run)) await run.web?.refreshQr();
        else await this.#shutdown(run, 'MAX_QR_RETRIES');
      }
      return;
    }
    if (state === 'CONNECTED') {
      if (!run.authenticated) {
        run.authenticated = true;
        const payload = await this.authStrategy.getAuthEventPayload();
        this.emit('authenticated', payload);
      }
      return;
    }
    if (state === 'CONFLICT') {
      if (this.options.takeoverOnConflict) {
        if (run.takeoverTimer !== undefined) clearTimeout(run.takeoverTimer);
        run.takeoverTimer = setTimeout(() => {
          run.takeoverTimer = undefined;
          this.#enqueue(run, async () => {
            await run.web?.takeover();
          });
        }, this.options.takeoverTimeoutMs ?? 0);
        return;
      }
      await this.#shutdown(run, 'CONFLICT');
      return;
    }
    if (FATAL_STATES.has(state)) await this.#shutdown(run, state as DisconnectReason);
  }

  #qrRetriesLeft(run: Run): boolean {
    const max = this.options.qrMaxRetries ?? 0;
    return max <= 0 || run.qrCount < max + 1;
  }

  /**
   * A page that booted with a stored session and now wants a login had that
   * session rejected: emit `auth_failure` once (before any `qr`, whichever of
   * the app's QR or state report comes first). True when the client stops here.
   */
  async #rejectedSessionStops(run: Run): Promise<boolean> {
    if (!run.hadSession || run.authFailureEmitted) return false;
    run.authFailureEmitted = true;
    run.hadSession = false;
    await this.authStrategy.onAuthFailure();
    this.emit(
      'auth_failure',
      new AuthFailureError('SESSION_REJECTED', 'the stored session was rejected (unlinked or revoked on the phone)'),
    );
    if (this.options.restartOnAuthFail !== false) return false;
    await this.#shutdown(run, 'AUTH_FAILURE');
    return true;
  }

  async #onQr(run: Run, qr: string): Promise<void> {
    if (await this.#rejectedSessionStops(run)) return;
    if (!this.#qrRetriesLeft(run)) {
      await this.#shutdown(run, 'MAX_QR_RETRIES');
      return;
    }
    run.qrCount++;
    this.emit('qr', qr);
  }

  async #onSynced(run: Run): Promise<void> {
    if (run.ready || !run.web) return;
    if (!run.authenticated) {
      run.authenticated = true;
      this.emit('authenticated', await this.authStrategy.getAuthEventPayload());
    }
    const info = await run.web.info();
    if (!info.wid) throw new PageError('the app reported sync but has no account id');
    this.info = { wid: info.wid, pushname: info.pushname ?? '', platform: info.platform ?? '' };
    run.ready = true;
    this.emit('ready');
    await this.authStrategy.afterAuthReady();
  }

  async #onLogout(run: Run): Promise<void> {
    if (run.explicitLogout) return;
    // Logged out from the phone (or the app): the stored session is dead.
    run.loggedOut = true;
    try {
      await this.#teardown();
      await this.authStrategy.logout();
    } finally {
      // The client has stopped either way; a failed cleanup is reported on 'error' by the queue.
      this.emit('disconnected', 'LOGOUT');
    }
  }

  #onMessage(data: PageMessage): void {
    const message = new Message(this, data);
    this.emit('message_create', message);
    if (!message.fromMe) this.emit('message', message);
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

/** Errors pass through; anything else thrown is wrapped with the original kept as `cause`. */
function asError(err: unknown): Error {
  return err instanceof Error ? err : new PageError(`unexpected failure: ${String(err)}`, { cause: err });
}

function validateOptions(options: ClientOptions): void {
  if (typeof options !== 'object' || options === null) throw new InvalidOptionError('Client options must be an object');
  const nonNegative = ['qrMaxRetries', 'authTimeoutMs', 'takeoverTimeoutMs'] as const;
  for (const name of nonNegative) {
    const value = options[name];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
      throw new InvalidOptionError(`${name} must be a number ≥ 0, got ${String(value)}`);
    }
  }
  if (options.userAgent !== undefined && options.userAgent !== false && typeof options.userAgent !== 'string') {
    throw new InvalidOptionError('userAgent must be a string or false');
  }
}
