/**
 * One start of the client: its browser and page, what has happened in them so far, and the one switch that
 * turns the page's reports into the events whatsapp-web.js users know (`qr`, `authenticated`, `auth_failure`,
 * `ready`, `disconnected`, messages). Reports are handled one at a time, in order, and only until the run closes.
 */
import type { Browser, Page } from 'puppeteer-core';
import type { AuthStrategy, LoginFailure, LoginRetry } from '../auth/strategy';
import type { LaunchedBrowser } from '../browser/launch';
import { AuthFailureError, InvalidOptionError, NotReadyError, PageError, StartTimeoutError } from '../errors';
import type { PageEvent } from '../web/bridge';
import { sessionState } from '../web/states';
import { WebPage, WHATSAPP_WEB_URL, type AttachOptions } from '../web/web-page';
import { afterBrowserClosed, closedWhileStarting, releaseBrowser } from './launch';
import type { EmitClientEvent } from './events';
import { LoginTrial } from './login-trial';
import type { ModelClient } from './model/model-client';
import { ClientInfo } from './model/client-info';
import { isModelReport, ModelEvents } from './model-events';
import { qrRetriesLeft, type ClientOptions, type DisconnectReason } from './options';
import { codeRequestOf, refuseOverStoredSession } from './pairing';
import { PairingCodes } from './pairing-codes';
import { asError, RunQueue } from './run-queue';
import { StartDeadlines } from './start-deadlines';
import { ContractWatch } from './web-contract';
import type { WebVersionPin } from './web-version';

/** What a run reads of its client (the `Client` itself): its options, strategy and model methods; it sets `info`. */
export interface RunClient extends ModelClient {
  readonly options: Readonly<ClientOptions>;
  readonly authStrategy: AuthStrategy;
  info: ClientInfo | undefined;
}

/** How the client stops when its run says so: closed (and, for `LOGOUT`, its session removed), then `disconnected`. */
export type StopClient = (run: ClientRun, reason: DisconnectReason) => Promise<void>;

/** How the client starts again, without telling the user, when its strategy answered a failed login with a retry. */
export type RetryClient = (run: ClientRun, retry: LoginRetry) => Promise<void>;

/** How a run is wired to its client. */
export interface RunWiring {
  emit: EmitClientEvent;
  stop: StopClient;
  retry: RetryClient;
  /** The boot's and the login's deadlines are multiplied by it (a start tried again with more time). */
  deadlineFactor: number;
  pin: WebVersionPin;
}

export class ClientRun {
  readonly #launched: LaunchedBrowser;
  #web: WebPage | undefined;
  /** Ends this run's waits (the boot, a strategy's) when the client closes or the browser goes. */
  readonly #abort: AbortController;
  /** The first boot found a stored session. */
  #hadSession = false;
  readonly #contract: ContractWatch;
  /** Some boot of this run found a stored login (kept after a rejection: no pairing code over it unless forced). */
  #bootedWithSession = false;
  readonly #deadlines: StartDeadlines;
  readonly #trial: LoginTrial;
  #authenticated = false;
  #qrCount = 0;
  #authFailureEmitted = false;
  #explicitLogout = false;
  /** A logout (ours or the phone's) was confirmed: the session is dead. */
  #loggedOut = false;
  /** Set when the client stops on its own (the `disconnected` reason). */
  #stopReason: DisconnectReason | undefined;
  #takeoverTimer: NodeJS.Timeout | undefined;
  /** Pairing codes asked for in this run, and their renewal. */
  codes: PairingCodes | undefined;
  /** `pairWithPhoneNumber`: the first code was asked for in this run. */
  #codeRequested = false;
  /** `open()` finished: the start is over. */
  #opened = false;
  #closing: Promise<void> | undefined;
  readonly #queue: RunQueue;
  readonly #client: RunClient;
  readonly #models: ModelEvents;
  readonly #emit: EmitClientEvent;
  readonly #wiring: RunWiring;

  constructor(client: RunClient, launched: LaunchedBrowser, abort: AbortController, wiring: RunWiring) {
    this.#client = client;
    this.#emit = wiring.emit;
    this.#models = new ModelEvents(client, wiring.emit);
    this.#contract = new ContractWatch(wiring.emit);
    this.#wiring = wiring;
    this.#launched = launched;
    this.#abort = abort;
    this.#queue = new RunQueue((error) => this.#emit('error', error));
    this.#trial = new LoginTrial(client.authStrategy);
    this.#deadlines = new StartDeadlines(client.options, client.authStrategy, (err) => this.#startMissed(err), wiring.deadlineFactor);
    launched.browser.once('disconnected', () => this.#onBrowserGone());
  }

  get browser(): Browser {
    return this.#launched.browser;
  }

  /** The page adapter, once attached. */
  get web(): WebPage | undefined {
    return this.#web;
  }

  /** `authenticated` was emitted in this run. */
  get authenticated(): boolean {
    return this.#authenticated;
  }

  /** `ready` was emitted in this run. */
  get ready(): boolean {
    return this.#models.ready;
  }

  /**
   * Attaches the page adapter and opens WhatsApp Web (the pinned build, if any); resolves once the app has booted (each phase
   * under its deadline); an adapter that cannot hook in or a build without the login's members (`INCOMPATIBLE_WEB`) fails it at
   * once; closing ends it (`ClientClosedError`). Resolves with a `LoginRetry` when the boot missed its deadline and the strategy retries.
   */
  async open(page: Page, attach: AttachOptions): Promise<LoginRetry | undefined> {
    try {
      await this.#client.authStrategy.afterBrowserInitialized();
      const web = await WebPage.attach(page, attach);
      this.#web = web;
      web.on('report', (report) => {
        // Known at once (not in queue order): a pairing code asked for right after initialize() must see it.
        if (report.type === 'booted' && report.hadSession) this.#bootedWithSession = true;
        this.#queue.push(() => this.#handle(report));
      });
      // A crashed tab leaves the browser up but the session unusable.
      page.once('error', () => this.#queue.push(() => this.#stop('PAGE_CRASHED')));
      page.on('framenavigated', (frame) => {
        if (frame !== page.mainFrame() || !web.booted) return;
        if (!frame.url().startsWith(WHATSAPP_WEB_URL)) this.#queue.push(() => this.#stop('NAVIGATION'));
      });
      const boot = (): Promise<void> => this.#deadlines.open(web, this.#abort.signal).then(() => this.#contract.first(web));
      await this.#wiring.pin.open(page, web, boot);
    } catch (err) {
      // The strategy hears why the browser closes: a start past its deadline removes nothing.
      if (err instanceof StartTimeoutError) this.#stopReason ??= 'START_TIMEOUT';
      else if (this.#abort.signal.aborted) throw closedWhileStarting(err);
      const retry =
        err instanceof StartTimeoutError && err.phase === 'boot' ? await this.#trial.failed({ kind: 'timeout', error: err }) : undefined;
      if (retry) return retry;
      throw err;
    }
    this.#opened = true;
    return undefined;
  }

  /** Logs out through the page; the client closes after. Throws (still logged in) when the app refused. */
  async logout(): Promise<void> {
    const web = this.#web;
    if (!web) throw new NotReadyError('logout() needs a started client');
    this.#explicitLogout = true;
    try {
      await web.logout();
    } catch (err) {
      // Still logged in: a logout from the phone later must be handled as usual.
      this.#explicitLogout = false;
      throw err;
    }
    this.#loggedOut = true;
  }

  /**
   * Asks the page for a pairing code, emits it as `code`, and keeps renewing it every `intervalMs`
   * until the page no longer waits for a login (a later request replaces the renewal). Unless
   * `force`, refused with a `SessionExistsError` while the client holds a session.
   */
  async requestCode(phone: string, notify: boolean, intervalMs: number, force: boolean): Promise<string> {
    const web = this.#web;
    if (!web) throw new InvalidOptionError('no page to pair');
    if (!force) await refuseOverStoredSession(this.#client.authStrategy, this.#bootedWithSession);
    this.codes ??= new PairingCodes(web, this.#queue, this.#emit);
    return this.codes.request(phone, notify, intervalMs);
  }

  /** Stops this run: its timers and waits, then the browser, with the strategy's hooks around it. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#queue.close();
    this.#abort.abort();
    this.#deadlines.clear();
    if (this.#takeoverTimer !== undefined) clearTimeout(this.#takeoverTimer);
    this.codes?.stop();
    const strategy = this.#client.authStrategy;
    const alive = this.browser.connected;
    if (alive) {
      try {
        await strategy.beforeBrowserClose();
      } catch (err) {
        this.#emit('error', asError(err));
      }
    }
    const clean = await releaseBrowser(this.#launched, alive, this.#web?.page);
    await afterBrowserClosed(strategy, this.#launched, {
      clean,
      loggedOut: this.#loggedOut,
      ...(this.#stopReason === undefined ? {} : { reason: this.#stopReason }),
    });
  }

  /** The page's reports, one kind at a time. */
  async #handle(report: PageEvent): Promise<void> {
    if (isModelReport(report)) return this.#models.report(report);
    switch (report.type) {
      case 'booted':
        // Every document boots the app. A reload under a login (the app's own, or pupPage.reload()) logs
        // in again and announces nothing, unless its session is rejected: an auth failure, as at a start.
        if (this.#authenticated) this.#authFailureEmitted = false;
        if (!this.#authFailureEmitted) this.#hadSession = report.hadSession;
        if (this.#opened && this.#contract.reboot(report)) return this.#stop('INCOMPATIBLE_WEB');
        this.#deadlines.booted(report.state);
        // The app may have settled before the adapter hooked in: handle that state as if it had just changed.
        if (sessionState(report.state).kind !== 'waiting') await this.#onState(report.state);
        return;
      case 'state':
        return this.#onState(report.state);
      case 'qr':
        return this.#onQr(report.qr);
      case 'synced':
        return this.#onSynced();
      case 'loading':
        return this.#emit('loading_screen', report.percent, 'WhatsApp');
      case 'logout':
        if (this.#explicitLogout) return;
        // Logged out from the phone (or the app): the stored session is dead.
        this.#loggedOut = true;
        return this.#wiring.stop(this, 'LOGOUT');
      case 'error':
        return this.#emit('error', new PageError(report.message));
      case 'startFailed': // open() fails the start with it.
        return;
    }
  }

  async #onState(state: string): Promise<void> {
    this.#deadlines.noteState(state);
    this.#emit('change_state', state);
    const options = this.#client.options;
    const meaning = sessionState(state);
    switch (meaning.kind) {
      case 'unpaired':
        if (await this.#retriedInstead({ kind: this.#hadSession ? 'rejected' : 'qr' })) return;
        this.#loginLost();
        if (await this.#rejectedSessionStops()) return;
        if (options.pairWithPhoneNumber) return this.#startPairing();
        if (meaning.idle) {
          if (qrRetriesLeft(this.#client.options, this.#qrCount)) await this.#web?.refreshQr();
          else await this.#stop('MAX_QR_RETRIES');
        }
        return;
      case 'connected':
        await this.#authenticate();
        return;
      case 'conflict':
        if (options.takeoverOnConflict) {
          if (this.#takeoverTimer !== undefined) clearTimeout(this.#takeoverTimer);
          this.#takeoverTimer = setTimeout(() => {
            this.#takeoverTimer = undefined;
            this.#queue.push(async () => this.#web?.takeover());
          }, options.takeoverTimeoutMs ?? 0);
          return;
        }
        return this.#stop('CONFLICT');
      case 'fatal':
        return this.#stop(meaning.reason);
      case 'waiting':
      case 'other':
        return;
    }
  }

  async #onQr(qr: string): Promise<void> {
    this.#deadlines.clear('login');
    if (await this.#retriedInstead({ kind: this.#hadSession ? 'rejected' : 'qr' })) return;
    this.#loginLost();
    if (await this.#rejectedSessionStops()) return;
    // Pairing by phone number: codes, not QRs.
    if (this.#client.options.pairWithPhoneNumber) return this.#startPairing();
    if (!qrRetriesLeft(this.#client.options, this.#qrCount)) return this.#stop('MAX_QR_RETRIES');
    this.#qrCount++;
    this.#emit('qr', qr);
  }

  async #onSynced(): Promise<void> {
    if (this.#models.ready || !this.#web) return;
    if (!(await this.#authenticate())) return;
    const info = await this.#web.info();
    if (!info.wid) throw new PageError('the app reported sync but has no account id');
    this.#client.info = new ClientInfo({ wid: info.wid, pushname: info.pushname ?? '', platform: info.platform ?? '' }, this.#client);
    this.#deadlines.clear('history-sync');
    this.#models.open(() => this.#emit('ready'));
    await this.#client.authStrategy.afterAuthReady();
  }

  /**
   * `authenticated` once per login, with the strategy's payload. A strategy that cannot keep this
   * login (LegacySessionAuth on a multi-device account) throws an `AuthFailureError`: `auth_failure`,
   * and the client stops. False when it stopped.
   */
  async #authenticate(): Promise<boolean> {
    if (this.#authenticated) return true;
    this.#authenticated = true;
    await this.#trial.loggedIn();
    let payload: unknown;
    try {
      payload = await this.#client.authStrategy.getAuthEventPayload();
    } catch (err) {
      if (!(err instanceof AuthFailureError)) throw err;
      this.#emit('auth_failure', err);
      await this.#stop('AUTH_FAILURE');
      return false;
    }
    this.#emit('authenticated', payload);
    if (!this.#models.ready) this.#deadlines.arm('history-sync');
    return true;
  }

  /** The page wants a login after one (a reload's session was rejected): the next login is announced anew. */
  #loginLost(): void {
    if (!this.#authenticated) return;
    this.#authenticated = false;
    this.#models.hold();
    this.#codeRequested = false;
  }

  /**
   * A page that booted with a stored session and now wants a login had that session rejected: emit
   * `auth_failure` once (before any `qr`, whichever of the app's QR or state report comes first).
   * True when the client stops here.
   */
  async #rejectedSessionStops(): Promise<boolean> {
    if (!this.#hadSession || this.#authFailureEmitted) return false;
    this.#authFailureEmitted = true;
    this.#hadSession = false;
    const strategy = this.#client.authStrategy;
    await strategy.onAuthFailure();
    this.#emit('auth_failure', strategy.rejection());
    if ((strategy.restartOnAuthFail ?? this.#client.options.restartOnAuthFail) !== false) return false;
    await this.#stop('AUTH_FAILURE');
    return true;
  }

  /** `pairWithPhoneNumber`: the first code of this run (renewals follow on their own); a refusal goes to `error`. */
  async #startPairing(): Promise<void> {
    const pairing = this.#client.options.pairWithPhoneNumber;
    if (!pairing || this.#codeRequested || this.#authenticated) return;
    this.#codeRequested = true;
    await this.requestCode(...codeRequestOf(pairing));
  }

  /** The client stops on its own, with `reason` as the `disconnected` reason. */
  #stop(reason: DisconnectReason): Promise<void> {
    this.#stopReason ??= reason;
    return this.#wiring.stop(this, reason);
  }

  /**
   * A deadline after the boot passed (not queued: a stuck handler cannot hold it up): history sync's is
   * only reported; a missed login stops the client, unless its strategy starts it again instead.
   */
  #startMissed(err: StartTimeoutError): void {
    if (this.#closing) return;
    if (err.phase !== 'login') return this.#emit('error', err);
    const missed = async (): Promise<void> => {
      if (await this.#retriedInstead({ kind: 'timeout', error: err })) return;
      this.#emit('error', err);
      await this.#stop('START_TIMEOUT');
    };
    missed().catch((e: unknown) => this.#emit('error', asError(e)));
  }

  /**
   * Before the first login of this run: the strategy hears of the failure and may answer with another
   * start, made here in place of what the failure would have shown. True when it did.
   */
  async #retriedInstead(failure: LoginFailure): Promise<boolean> {
    if (this.#authenticated || this.#closing) return false;
    const retry = await this.#trial.failed(failure);
    if (!retry) return false;
    this.#deadlines.clear();
    await this.#wiring.retry(this, retry);
    return true;
  }

  #onBrowserGone(): void {
    if (this.#closing) return;
    // During the start: end its waits (the start fails and cleans up).
    if (!this.#opened) return this.#abort.abort();
    this.#queue.push(() => this.#stop('BROWSER_CLOSED'));
  }
}
