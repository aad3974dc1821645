/**
 * The waweb Client: a thin facade over one run at a time (client-run.ts: a browser, the WhatsApp Web
 * page adapter, and the switch that turns the page's reports into events), composed with an auth
 * strategy (auth/). It owns the lifecycle (initialize, destroy, logout) and the public methods.
 */
import type { Browser, Page } from 'puppeteer-core';
import { NoAuth } from '../auth/no-auth';
import type { AuthStrategy, LoginRetry, SessionArchive } from '../auth/strategy';
import { NotReadyError, StartTimeoutError } from '../errors';
import { childLogger, silentLogger, type Logger } from '../util/logger';
import { TypedEmitter, type WaitForOptions } from '../util/typed-emitter';
import type { WebPage } from '../web/web-page';
import type { WAState } from '../web/states';
import { authHost } from './auth-host';
import { ClientRun, type RunClient } from './client-run';
import { asError } from './run-queue';
import { businessApi, type BusinessApi } from './api/business';
import { callsApi, type CallsApi } from './api/calls';
import { channelsApi, type ChannelsApi } from './api/channels';
import { chatsApi, type ChatsApi } from './api/chats';
import { contactsApi, type ContactsApi } from './api/contacts';
import { groupsApi, type GroupsApi } from './api/groups';
import { lidsApi, type LidsApi } from './api/lids';
import { messagingApi, type MessagingApi } from './api/messaging';
import { pollsApi } from './api/polls';
import { statusApi } from './api/status';
import { profileApi, type ProfileApi } from './api/profile';
import { CLIENT_MEMBERS } from './compat/client-members';
import { asDeclared } from './compat/declared';
import { installMethods, installNotYet } from './compat/install';
import type { ClientEvents, WebContractCheck, WwebjsEvents } from './events';
import { closedWhileStarting, launchFor } from './launch';
import { LidMap } from './lid-map';
import { logClientEvent } from './lifecycle-log';
import type { ClientInfo } from './model/client-info';
import { validateOptions, type ClientOptions, type DisconnectReason } from './options';
import { WebVersionPin } from './web-version';
import { checkForce, DEFAULT_CODE_INTERVAL_MS, phoneDigits, validatePairing } from './pairing';

type Phase = 'idle' | 'starting' | 'running' | 'closing' | 'closed';

/**
 * What bots call on a ready client, one file per domain of whatsapp-web.js's API (`api/`), installed
 * on the prototype below; what is not there yet throws a `NotSupportedError` naming it (`compat/`).
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the domain files' methods are installed on Client.prototype at the end of this file
export interface Client extends MessagingApi, ChatsApi, ContactsApi, GroupsApi, ProfileApi, ChannelsApi, BusinessApi, LidsApi, CallsApi {}

/**
 * The WhatsApp Web client, shaped like whatsapp-web.js's `Client`: `new Client(options)`, listeners
 * with `on` (a Node `EventEmitter` typed by {@link ClientEvents}), then `initialize()`. Members
 * whatsapp-web.js declares that waweb does not have yet throw a `NotSupportedError` naming them.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the interface above
export class Client extends TypedEmitter<ClientEvents, WwebjsEvents> implements RunClient {
  readonly options: Readonly<ClientOptions>;
  readonly authStrategy: AuthStrategy;
  /**
   * Set when `ready` fires; `undefined` before it and while restarting, as in whatsapp-web.js, whose
   * declaration (kept here, so a waweb `Client` is a whatsapp-web.js `Client`) leaves that out.
   */
  info: ClientInfo = asDeclared<ClientInfo>(undefined);

  /** The `logger` option's records for this client (silent without one). */
  readonly #log: Logger;
  #phase: Phase = 'idle';
  #run: ClientRun | undefined;
  #starting: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  #loggingOut: Promise<void> | undefined;
  /** The session's LID ↔ phone-number map, loaded from the profile at each start (lid-map.ts). */
  #lidMap: LidMap | undefined;
  /** Cancels the start in flight (destroy() during initialize()). */
  #startAbort: AbortController | undefined;
  /** `webVersion`/`webVersionCache`: the pinned build, looked up once, served in every run's page. */
  readonly #pin: WebVersionPin;

  constructor(options: ClientOptions = {}) {
    super();
    validateOptions(options);
    this.options = { ...options };
    this.authStrategy = options.authStrategy ?? new NoAuth();
    this.#log = options.logger ? childLogger(options.logger, { component: 'waweb', auth: this.authStrategy.name }) : silentLogger;
    this.#pin = new WebVersionPin(this.options, this.authStrategy, (event, ...args) => this.emit(event, ...args));
    this.authStrategy.setup(
      authHost(
        this.#log,
        () => this.#run?.web,
        (event, ...args) => this.emit(event, ...args),
      ),
    );
  }

  /** Every event is also a log record (see lifecycle-log.ts). */
  override emit<K extends keyof ClientEvents>(event: K, ...args: ClientEvents[K]): boolean {
    logClientEvent(this.#log, event, args);
    return super.emit(event, ...args);
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
    this.info = asDeclared<ClientInfo>(undefined);
    const starting = this.#start();
    this.#starting = starting;
    try {
      await starting;
    } catch (err) {
      // A phase past its deadline is reported as after the start: `error`, then `disconnected` once the browser is gone.
      const timedOut = err instanceof StartTimeoutError;
      if (timedOut) this.emit('error', err);
      await this.#teardown();
      if (timedOut) this.emit('disconnected', 'START_TIMEOUT');
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
    await run.logout();
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

  /**
   * The running app's build (`Debug.VERSION`) and its contract check (`missing`: empty when it has
   * every member; docs/page-contract.md, "Manifest"), from the app's boot on, before any login;
   * undefined before the first boot and while stopped. `waweb doctor` reads it.
   */
  get webContract(): WebContractCheck | undefined {
    const web = this.#run?.web;
    if (!web?.booted) return undefined;
    return { build: web.version ?? 'unknown', missing: [...web.missing], checked: web.checked };
  }

  /**
   * The app's connection state: a `WAState`, or a state a newer app adds, as it names it; `null` when no
   * page is open. whatsapp-web.js does the same at run time; its declaration (kept here) says `WAState`.
   */
  async getState(): Promise<WAState> {
    const web = this.#run?.web;
    if (!web?.booted || this.#phase !== 'running') return asDeclared<WAState>(null);
    return asDeclared((await web.state()) as WAState | null);
  }

  /** The WhatsApp Web version the page runs (`Debug.VERSION`). */
  async getWWebVersion(): Promise<string> {
    return this.readyPage('getWWebVersion()').version ?? '';
  }

  /**
   * Pairs by phone number instead of a QR: resolves with a code the user types on the phone (Linked
   * devices → Link with phone number), emits it as `code`, and emits a new one every `intervalMs`
   * while the page still waits. Needs a started client that is not logged in yet. Refused with a
   * `SessionExistsError` (`SESSION_EXISTS`) when the client's folder or store already holds a session
   * (a code for a number that is already linked can revoke its live device), unless `force` is true.
   */
  async requestPairingCode(
    phoneNumber: string,
    showNotification = true,
    intervalMs = DEFAULT_CODE_INTERVAL_MS,
    force = false,
  ): Promise<string> {
    const phone = phoneDigits(phoneNumber);
    validatePairing({ phoneNumber: phone, intervalMs });
    checkForce(force, 'force');
    const run = this.#run;
    if (!run?.web?.booted || this.#phase !== 'running' || run.authenticated) {
      throw new NotReadyError('requestPairingCode() needs a started client that waits for a login');
    }
    return run.requestCode(phone, showNotification !== false, intervalMs, force);
  }

  /**
   * Stops pairing by phone number: no more `code` events, and the page shows QR codes again (`qr`), as
   * whatsapp-web.js's `cancelPairingCode`. Needs a started client that is not logged in yet.
   */
  async cancelPairingCode(): Promise<void> {
    const run = this.#run;
    if (!run?.web?.booted || this.#phase !== 'running' || run.authenticated) {
      throw new NotReadyError('cancelPairingCode() needs a started client that waits for a login');
    }
    run.codes?.stop();
    await run.web.call('cancelPairingCode');
  }

  /**
   * @internal The page of a ready client, which messages, chats and contacts act through (as
   * whatsapp-web.js's act through `pupPage`); throws a `NotReadyError` naming `what` otherwise.
   */
  readyPage(what: string): WebPage {
    const run = this.#run;
    if (!run?.web || !run.ready || this.#phase !== 'running') throw new NotReadyError(`${what} needs a client that is ready`);
    return run.web;
  }

  /** @internal The session's LID ↔ phone-number map (messages, reactions and contacts fill their missing id from it). */
  get lidMap(): LidMap | undefined {
    return this.#lidMap;
  }

  /** @internal The `logger` option's records for this client (silent without one), for the domain calls in `api/`. */
  get log(): Logger {
    return this.#log;
  }

  /** Resolves with the next `event`; `timeout` rejects with a TimeoutError, `signal` with an AbortError. */
  override waitFor<K extends Extract<keyof ClientEvents, string>>(event: K, options: WaitForOptions = {}): Promise<ClientEvents[K]> {
    return super.waitFor(event, { ...options, timeoutOption: 'waitFor timeout' });
  }

  // ------------------------------------------------------------ start and stop

  /**
   * Launches and opens one run; a boot past its deadline whose strategy asks for another start (a
   * restored backup to try again or replace) closes it and launches the next, with the deadlines the
   * strategy asked for. `abort` is the start's cancellation (`destroy()`).
   */
  async #start(abort = new AbortController(), deadlineFactor = 1): Promise<void> {
    this.#startAbort = abort;
    const wiring = {
      emit: this.emit.bind(this),
      stop: (stopping: ClientRun, reason: DisconnectReason) => this.#stop(stopping, reason),
      retry: (failed: ClientRun, retry: LoginRetry) => this.#startAgain(failed, retry),
      deadlineFactor,
      pin: this.#pin,
    };
    for (;;) {
      // Before a browser is launched: a strict pin that cannot be had fails here.
      await this.#pin.prepare(abort.signal).catch((err: unknown) => {
        throw abort.signal.aborted ? closedWhileStarting(err) : err;
      });
      const { launched, attach, userDataDir } = await launchFor(this.options, this.authStrategy, abort.signal, this.#log);
      // Read once the strategy has restored the profile: the map moves with the session's backups.
      this.#lidMap = await LidMap.load(userDataDir, this.#log);
      const run = new ClientRun(this, launched, abort, wiring);
      this.#run = run;
      const retry = await run.open(launched.page, attach);
      if (retry === undefined) break;
      await run.close();
      wiring.deadlineFactor = retry.deadlineFactor;
    }
    if (this.#phase === 'starting') this.#phase = 'running';
  }

  /**
   * A run past its boot, before its first login, whose strategy asked for another start: the same
   * client starts again in place of what the failure would have shown. A start that fails is told as
   * `error`, then `disconnected` (`START_TIMEOUT` or `START_FAILED`); `destroy()` ends it quietly.
   */
  async #startAgain(run: ClientRun, retry: LoginRetry): Promise<void> {
    if (this.#run !== run || this.#phase !== 'running') return;
    this.#phase = 'starting';
    const abort = new AbortController();
    this.#startAbort = abort;
    const starting = run.close().then(() => this.#start(abort, retry.deadlineFactor));
    this.#starting = starting;
    try {
      await starting;
    } catch (err) {
      if (abort.signal.aborted) return;
      this.emit('error', asError(err));
      await this.#teardown();
      this.emit('disconnected', err instanceof StartTimeoutError ? 'START_TIMEOUT' : 'START_FAILED');
    } finally {
      if (this.#starting === starting) {
        this.#starting = undefined;
        this.#startAbort = undefined;
      }
    }
  }

  /** The run stops the client on its own: closed (for `LOGOUT`, with the session's data removed), then `disconnected`. */
  async #stop(run: ClientRun, reason: DisconnectReason): Promise<void> {
    if (this.#run !== run) return;
    if (reason !== 'LOGOUT') {
      await this.#teardown();
      this.emit('disconnected', reason);
      return;
    }
    try {
      await this.#teardown();
      await this.authStrategy.logout();
    } finally {
      // The client has stopped either way; a failed cleanup is reported on 'error' by the run's queue.
      this.emit('disconnected', 'LOGOUT');
    }
  }

  #teardown(): Promise<void> {
    if (this.#phase === 'idle' || this.#phase === 'closed') return this.#closing ?? Promise.resolve();
    if (this.#phase === 'closing' && this.#closing) return this.#closing;
    this.#phase = 'closing';
    this.#closing = this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    try {
      // On disk before the strategy's last backup.
      await this.#lidMap?.flushed();
      await this.#run?.close();
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

installMethods(Client.prototype, messagingApi);
installMethods(Client.prototype, chatsApi);
installMethods(Client.prototype, contactsApi);
installMethods(Client.prototype, groupsApi);
installMethods(Client.prototype, profileApi);
installMethods(Client.prototype, lidsApi);
installMethods(Client.prototype, businessApi);
installMethods(Client.prototype, pollsApi);
installMethods(Client.prototype, callsApi);
installMethods(Client.prototype, statusApi);
installMethods(Client.prototype, channelsApi);
installNotYet(Client.prototype, 'Client', CLIENT_MEMBERS);
