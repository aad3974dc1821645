/**
 * A local WhatsApp Web: an HTTPS server that answers as web.whatsapp.com (the
 * page plus a same-origin WebSocket to the simulated WhatsApp servers), and a
 * scripted phone that links devices, sends messages and makes trouble on cue.
 *
 * This class is the facade: the state lives in hub.ts, serving in server.ts,
 * pairing in pairing.ts, the page protocol in connections.ts and the phone's
 * operations in phone.ts.
 */
import { TimeoutError } from '../errors';
import { withDeadline } from '../util/deadline';
import { TypedEmitter } from '../util/typed-emitter';
import { startAdminServer, type AdminServer } from './admin';
import { BUILD_ARCHIVE_PATH, type BuildVariant } from './builds';
import { DeviceConnections } from './connections';
import { ContactActions } from './contact-actions';
import { ContactOperations } from './contacts';
import { BusinessOperations, PhoneBusiness, type BusinessOptions } from './business';
import { GroupInvites } from './group-invites';
import { GroupOperations } from './groups';
import { SimulatorError } from './errors';
import { resolveOptions, SimulatorHub } from './hub';
import { QrPairing } from './pairing';
import { PageReloads } from './page-reloads';
import { PhoneOperations } from './phone';
import { PictureOperations } from './pictures';
import { SimulatedPhone } from './simulated-phone';
import { CallOperations } from './calls';
import { ChannelOperations } from './channels';
import { PhoneChannels } from './phone-channels';
import { isLoopback, PageServer } from './server';
import { assertPhoneNumber, ServerState } from './state';
import { SIMULATED_HOST, type SessionOverlap, type SimulatorEvents, type SimulatorOptions } from './types';

export { SIMULATED_HOST };

export { SimulatedPhone } from './simulated-phone';
export { parseQrText } from './pairing';
export type { LinkedDevice, SessionOverlap, SimulatorEvents, SimulatorOptions } from './types';

/** A fault's count, checked as the admin API checks it. */
function faultCount(count: unknown): number {
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 1000) {
    throw new SimulatorError(400, 'count must be an integer from 1 to 1000');
  }
  return count;
}

/**
 * A local WhatsApp Web, served as `https://web.whatsapp.com`, with scripted phones, for offline tests
 * of waweb, whatsapp-web.js or any client that drives the page.
 *
 * Events are emitted through {@link TypedEmitter}, so a listener that throws
 * (or rejects) is reported and cannot crash the timers and sockets that emit.
 */
export class WhatsAppSimulator extends TypedEmitter<SimulatorEvents> {
  readonly #hub: SimulatorHub;
  readonly #pairing: QrPairing;
  readonly #server: PageServer;
  readonly #reloads: PageReloads;
  readonly #phones: PhoneOperations;
  readonly #contacts: ContactOperations;
  readonly #groups: GroupOperations;
  readonly #invites: GroupInvites;
  readonly #pictures: PictureOperations;
  readonly #actions: ContactActions;
  readonly #business: BusinessOperations;
  readonly #calls: CallOperations;
  readonly #channels: ChannelOperations;
  readonly #closed = new AbortController();
  #admin: AdminServer | undefined;
  #closing: Promise<void> | undefined;

  private constructor(options: SimulatorOptions, state: ServerState) {
    super();
    this.#hub = new SimulatorHub(resolveOptions(options), state, (event, ...args) => this.emit(event, ...args));
    this.#pairing = new QrPairing(this.#hub);
    const connections = new DeviceConnections(this.#hub, this.#pairing);
    this.#server = new PageServer(this.#hub, connections);
    this.#phones = new PhoneOperations(this.#hub, this.#pairing, connections);
    this.#reloads = new PageReloads(this.#hub, this.#pairing);
    this.#contacts = new ContactOperations(this.#hub);
    this.#groups = new GroupOperations(this.#hub);
    this.#invites = new GroupInvites(this.#hub, this.#groups);
    this.#actions = new ContactActions(this.#hub);
    this.#pictures = new PictureOperations(this.#hub);
    this.#business = new BusinessOperations(this.#hub);
    this.#calls = new CallOperations(this.#hub);
    this.#channels = new ChannelOperations(this.#hub);
  }

  /** Starts a simulator. Ports default to ones the OS picks, so several can run at once. */
  static async start(options: SimulatorOptions = {}): Promise<WhatsAppSimulator> {
    const host = options.host ?? '127.0.0.1';
    const token = options.adminToken;
    if (token !== undefined && (typeof token !== 'string' || token.length < 16)) {
      throw new SimulatorError(400, 'adminToken must be a string of at least 16 characters');
    }
    const interval = options.reloadIntervalMs;
    if (interval !== undefined && (typeof interval !== 'number' || !Number.isInteger(interval) || interval < 0)) {
      throw new SimulatorError(400, 'reloadIntervalMs must be a whole number of milliseconds (0: never)');
    }
    if (!isLoopback(host) && token === undefined) {
      throw new SimulatorError(400, `the simulator listens on loopback only unless an adminToken protects its phone API (host ${host})`);
    }
    const sim = new WhatsAppSimulator(options, await ServerState.load(options.stateFile));
    try {
      await sim.#server.listen();
      const { adminPort } = sim.#hub.options;
      if (adminPort !== false) sim.#admin = await startAdminServer(sim, host, adminPort, token);
      sim.#reloads.schedule(sim.#hub.options.reloadIntervalMs);
    } catch (err) {
      await sim.close();
      throw err;
    }
    return sim;
  }

  /** The HTTPS port the page is served on. */
  get port(): number {
    return this.#server.port;
  }

  /** The URL pages use. Chromium reaches it through {@link chromiumArgs}. */
  get url(): string {
    return `https://${SIMULATED_HOST}/`;
  }

  /** Base URL of the phone/admin HTTP API, or undefined when started with `adminPort: false`. */
  get adminUrl(): string | undefined {
    return this.#admin?.url;
  }

  /** The app build `/` serves (its `Debug.VERSION`). */
  get liveBuild(): string {
    return this.#hub.builds.live;
  }

  /** Every build the simulator knows, oldest first. */
  builds(): string[] {
    return this.#hub.builds.list();
  }

  /**
   * A WhatsApp update: `/` serves build `version` from now on (pages loaded before keep theirs until
   * they reload). Builds differ in their app script, which sets `Debug.VERSION`; the HTML of every
   * known build stays in the archive ({@link buildArchiveUrl}) and its script stays served. A variant
   * makes it a drift variant: its app lacks modules (`without: ['WAWebX']`) or members (`'WAWebX.member'`),
   * names modules differently (`renamed: { WAWebX: 'WAWebY' }`), or reproduces a change in behaviour
   * (`breaks`, see `SimulatorBreak`).
   */
  setLiveBuild(version: string, variant?: BuildVariant): void {
    this.#hub.builds.setLive(version, variant);
  }

  /** Build `version`'s app script answers 404 from now on: its HTML still loads but never boots. */
  retireBuild(version: string): void {
    this.#hub.builds.retire(version);
  }

  /** The HTML of a known build, as `/` serves it while that build is live; undefined for an unknown one. */
  buildHtml(version: string): string | undefined {
    return this.#hub.builds.html(version);
  }

  /**
   * The builds' HTML on the admin port, with a `{version}` placeholder: a `webVersionCache` of type
   * `remote` can point its `remotePath` here. Undefined when started with `adminPort: false`.
   */
  get buildArchiveUrl(): string | undefined {
    const admin = this.#admin?.url;
    return admin === undefined ? undefined : `${admin}${BUILD_ARCHIVE_PATH}`;
  }

  /**
   * Chromium flags that send web.whatsapp.com to this simulator and accept its
   * certificate, and no other: the certificate's key is pinned
   * (`--ignore-certificate-errors-spki-list`), so a launch that keeps these flags
   * by mistake still refuses any other certificate. The last one matters to clients that serve a cached
   * index.html through request interception (whatsapp-web.js does): Chromium
   * counts such a document as public and its Local Network Access checks then
   * block the page's WebSocket to a loopback address. Chromium honours only
   * the last `--disable-features`, so merge it with any list of your own.
   */
  chromiumArgs(): string[] {
    return [
      `--host-resolver-rules=MAP ${SIMULATED_HOST} ${this.#server.mappedHost}:${this.port}`,
      `--ignore-certificate-errors-spki-list=${this.#server.spkiHash}`,
      '--disable-features=LocalNetworkAccessChecks',
    ];
  }

  /**
   * The phone that owns `number` (its account is created on first use). `legacy: true` makes it a
   * pre-multi-device account: its pages keep the session as four localStorage tokens
   * (`WABrowserId`, `WASecretBundle`, `WAToken1`, `WAToken2`) that the server checks on every load.
   * `business` makes it a WhatsApp Business account (`true`, or what its profile shows): labels,
   * customer notes, a profile other accounts see (`phone.business`).
   */
  phone(number: string, options: { pushname?: string; legacy?: boolean; business?: boolean | BusinessOptions } = {}): SimulatedPhone {
    assertPhoneNumber(number);
    if (options.pushname !== undefined) this.#hub.state.account(number, options.pushname);
    if (options.legacy !== undefined) this.#hub.state.account(number).legacy = options.legacy;
    if (options.business !== undefined && options.business !== false)
      this.#business.make(number, options.business === true ? {} : options.business);
    return new SimulatedPhone(
      this.#phones,
      this.#contacts,
      this.#groups,
      this.#actions,
      this.#pictures,
      number,
      this.#invites,
      new PhoneBusiness(this.#business, number),
      this.#calls,
      new PhoneChannels(this.#channels, number),
    );
  }

  /** Puts a number on WhatsApp (accounts always are): clients' `getNumberId` finds it. */
  registerNumber(number: string): Promise<void> {
    return this.#contacts.register(number);
  }

  /** Takes a number off WhatsApp: `getNumberId` answers `null` for it. */
  unregisterNumber(number: string): Promise<void> {
    return this.#contacts.unregister(number);
  }

  /** The media servers forget this file (`directPath` of a media message): downloads answer 404. */
  expireMedia(directPath: string): boolean {
    return this.#hub.media.expire(directPath);
  }

  isRegistered(number: string): boolean {
    return this.#contacts.isRegistered(number);
  }

  /** QR texts currently on screen in pages waiting to be linked, newest first. */
  pendingQrCodes(): string[] {
    return this.#pairing.pendingQrCodes();
  }

  /** Resolves with the next QR shown (or the newest one on screen). */
  waitForQr(options: { timeoutMs?: number; fresh?: boolean } = {}): Promise<string> {
    const current = this.pendingQrCodes()[0];
    if (current !== undefined && !options.fresh) return Promise.resolve(current);
    const timeoutMs = options.timeoutMs ?? 30_000;
    const closed = this.#closed.signal;
    return withDeadline(
      (deadline) =>
        new Promise<string>((resolve, reject) => {
          const finish = (): void => {
            deadline.removeEventListener('abort', finish);
            closed.removeEventListener('abort', onClose);
            this.off('qr', onQr);
          };
          const onQr = (qr: string): void => {
            finish();
            resolve(qr);
          };
          // close() ends the wait, so no timer outlives the simulator.
          const onClose = (): void => {
            finish();
            reject(new SimulatorError(409, 'the simulator was closed while waiting for a QR'));
          };
          deadline.addEventListener('abort', finish, { once: true });
          closed.addEventListener('abort', onClose, { once: true });
          this.once('qr', onQr);
        }),
      { timeoutMs, onTimeout: () => new TimeoutError(`no QR was shown within ${timeoutMs} ms (timeoutMs)`) },
    );
  }

  /**
   * Every moment a device was logged in on a second page while a first page still held it (the
   * first one was told CONFLICT), oldest first. Empty when no two browsers ever held one session.
   */
  overlaps(): SessionOverlap[] {
    return [...this.#hub.overlaps];
  }

  /** Refuses the next `count` page connections (the page retries, as the real app does). */
  refuseNextConnections(count = 1): void {
    this.#hub.refuse += count;
  }

  /** Holds the next page connection for `ms` before answering it. */
  delayNextConnection(ms: number): void {
    this.#hub.delayNextMs = ms;
  }

  /** The next `count` page loads never boot: the page loads, its app script never arrives (the loading screen stays). */
  stallNextBoots(count = 1): void {
    this.#hub.stallBoots += faultCount(count);
  }

  /** The next `count` logins with a stored session get no answer: the page stays `OPENING`. */
  stallNextLogins(count = 1): void {
    this.#hub.stallLogins += faultCount(count);
  }

  /**
   * The next `count` logins (restored or newly linked) stop history sync at `percent` (0 to 99): the
   * progress shows, `hasSynced` never flips, messages queued for the device stay queued.
   */
  stallNextHistorySyncs(count = 1, percent = 50): void {
    if (typeof percent !== 'number' || !Number.isInteger(percent) || percent < 0 || percent > 99) {
      throw new SimulatorError(400, 'percent must be an integer from 0 to 99');
    }
    this.#hub.stallSyncs = { count: this.#hub.stallSyncs.count + faultCount(count), percent };
  }

  /** Drops live page sockets (all, or those of one phone's devices). The pages reconnect. */
  dropConnections(phone?: string): number {
    return this.#server.dropConnections(phone);
  }

  /**
   * Every open page (or those of one phone's devices) reloads itself, as WhatsApp Web does for an
   * update: the page calls `location.reload()` on the server's word and logs in again with its
   * stored session. What the devices are sent in the meantime arrives after the reload. Returns how
   * many pages were told.
   */
  reloadPages(phone?: string): number {
    return this.#reloads.reloadPages(phone);
  }

  /** Stops everything the simulator started. Safe to call more than once. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #close(): Promise<void> {
    this.#closed.abort();
    this.#hub.clearTimers();
    await this.#server.close();
    await this.#admin?.close();
    await this.#hub.state.save();
  }
}
