/**
 * What the client does with the page's reports (boot, state, QR, sync, logout, messages): the
 * session's lifecycle as whatsapp-web.js users know it (`qr`, `authenticated`, `auth_failure`,
 * `ready`, `disconnected`). Handlers run one at a time, in order, through the client's queue.
 */
import type { AuthStrategy } from '../auth/strategy';
import type { PageGroupNotification, PageMessage, PageReaction } from '../web/bridge';
import { sessionState } from '../web/states';
import { Reaction, type GroupNotification, type Message } from './message';
import { DEFAULT_CODE_INTERVAL_MS, phoneDigits } from './pairing';
import type { Run } from './run';
import { AuthFailureError, PageError } from '../errors';
import { type ClientEvents, type ClientInfo, type ClientOptions, type DisconnectReason } from './types';

/** What the handlers may use of the client. */
export interface ReportsHost {
  readonly options: Readonly<ClientOptions>;
  readonly authStrategy: AuthStrategy;
  emit<K extends Extract<keyof ClientEvents, string>>(event: K, ...args: ClientEvents[K]): void;
  /** Stops the client on its own, with `reason` as the `disconnected` reason. */
  shutdown(run: Run, reason: DisconnectReason): Promise<void>;
  teardown(): Promise<void>;
  enqueue(run: Run, handler: () => Promise<void>): void;
  setInfo(info: ClientInfo): void;
  message(data: PageMessage): Message;
  notification(data: PageGroupNotification): GroupNotification;
  /** Asks for a pairing code (emitted as `code`) and keeps it renewed. */
  requestCode(run: Run, phone: string, notify: boolean, intervalMs: number): Promise<string>;
}

const GROUP_EVENTS = { join: 'group_join', leave: 'group_leave', admin: 'group_admin_changed', update: 'group_update' } as const;

export class PageReports {
  constructor(private readonly host: ReportsHost) {}

  async onBooted(run: Run, state: string, hadSession: boolean): Promise<void> {
    // A navigation (e.g. after a logout) boots the app again; only the first boot knows the stored session.
    if (!run.authenticated && !run.authFailureEmitted) run.hadSession = hadSession;
    // The app may have settled before the adapter hooked in: handle that state as if it had just changed.
    if (sessionState(state).kind !== 'waiting') await this.onState(run, state);
  }

  async onState(run: Run, state: string): Promise<void> {
    this.host.emit('change_state', state);
    const meaning = sessionState(state);
    switch (meaning.kind) {
      case 'unpaired':
        if (await this.rejectedSessionStops(run)) return;
        if (this.host.options.pairWithPhoneNumber) {
          await this.startPairing(run);
          return;
        }
        if (meaning.idle) {
          if (this.qrRetriesLeft(run)) await run.web?.refreshQr();
          else await this.host.shutdown(run, 'MAX_QR_RETRIES');
        }
        return;
      case 'connected':
        await this.authenticated(run);
        return;
      case 'conflict':
        if (this.host.options.takeoverOnConflict) {
          if (run.takeoverTimer !== undefined) clearTimeout(run.takeoverTimer);
          run.takeoverTimer = setTimeout(() => {
            run.takeoverTimer = undefined;
            this.host.enqueue(run, async () => {
              await run.web?.takeover();
            });
          }, this.host.options.takeoverTimeoutMs ?? 0);
          return;
        }
        await this.host.shutdown(run, 'CONFLICT');
        return;
      case 'fatal':
        await this.host.shutdown(run, meaning.reason);
        return;
      case 'waiting':
      case 'other':
        return;
    }
  }

  /**
   * `authenticated` once per login, with the strategy's payload. A strategy that cannot keep this
   * login (LegacySessionAuth on a multi-device account) throws an `AuthFailureError`: `auth_failure`,
   * and the client stops. False when it stopped.
   */
  async authenticated(run: Run): Promise<boolean> {
    if (run.authenticated) return true;
    run.authenticated = true;
    let payload: unknown;
    try {
      payload = await this.host.authStrategy.getAuthEventPayload();
    } catch (err) {
      if (!(err instanceof AuthFailureError)) throw err;
      this.host.emit('auth_failure', err);
      await this.host.shutdown(run, 'AUTH_FAILURE');
      return false;
    }
    this.host.emit('authenticated', payload);
    return true;
  }

  qrRetriesLeft(run: Run): boolean {
    const max = this.host.options.qrMaxRetries ?? 0;
    return max <= 0 || run.qrCount < max + 1;
  }

  /**
   * A page that booted with a stored session and now wants a login had that
   * session rejected: emit `auth_failure` once (before any `qr`, whichever of
   * the app's QR or state report comes first). True when the client stops here.
   */
  async rejectedSessionStops(run: Run): Promise<boolean> {
    if (!run.hadSession || run.authFailureEmitted) return false;
    run.authFailureEmitted = true;
    run.hadSession = false;
    const strategy = this.host.authStrategy;
    await strategy.onAuthFailure();
    this.host.emit('auth_failure', strategy.rejection());
    if ((strategy.restartOnAuthFail ?? this.host.options.restartOnAuthFail) !== false) return false;
    await this.host.shutdown(run, 'AUTH_FAILURE');
    return true;
  }

  async onQr(run: Run, qr: string): Promise<void> {
    if (await this.rejectedSessionStops(run)) return;
    // Pairing by phone number: codes, not QRs.
    if (this.host.options.pairWithPhoneNumber) {
      await this.startPairing(run);
      return;
    }
    if (!this.qrRetriesLeft(run)) {
      await this.host.shutdown(run, 'MAX_QR_RETRIES');
      return;
    }
    run.qrCount++;
    this.host.emit('qr', qr);
  }

  /** `pairWithPhoneNumber`: the first code of this run (renewals follow on their own). */
  async startPairing(run: Run): Promise<void> {
    const pairing = this.host.options.pairWithPhoneNumber;
    if (!pairing || run.codeRequested || run.authenticated) return;
    run.codeRequested = true;
    const notify = pairing.showNotification !== false;
    await this.host.requestCode(run, phoneDigits(pairing.phoneNumber), notify, pairing.intervalMs ?? DEFAULT_CODE_INTERVAL_MS);
  }

  async onSynced(run: Run): Promise<void> {
    if (run.ready || !run.web) return;
    if (!(await this.authenticated(run))) return;
    const info = await run.web.info();
    if (!info.wid) throw new PageError('the app reported sync but has no account id');
    this.host.setInfo({ wid: info.wid, pushname: info.pushname ?? '', platform: info.platform ?? '' });
    run.ready = true;
    this.host.emit('ready');
    await this.host.authStrategy.afterAuthReady();
  }

  async onLogout(run: Run): Promise<void> {
    if (run.explicitLogout) return;
    // Logged out from the phone (or the app): the stored session is dead.
    run.loggedOut = true;
    try {
      await this.host.teardown();
      await this.host.authStrategy.logout();
    } finally {
      // The client has stopped either way; a failed cleanup is reported on 'error' by the queue.
      this.host.emit('disconnected', 'LOGOUT');
    }
  }

  onMessage(data: PageMessage): void {
    const message = this.host.message(data);
    this.host.emit('message_create', message);
    if (!message.fromMe) this.host.emit('message', message);
  }

  onCiphertext(data: PageMessage): void {
    this.host.emit('message_ciphertext', this.host.message(data));
  }

  onAck(data: PageMessage, ack: number): void {
    this.host.emit('message_ack', this.host.message(data), ack);
  }

  onMediaUploaded(data: PageMessage): void {
    this.host.emit('media_uploaded', this.host.message(data));
  }

  onRevoked(data: PageMessage): void {
    this.host.emit('message_revoke_everyone', this.host.message(data));
  }

  onEdited(data: PageMessage, body: string, previous: string): void {
    this.host.emit('message_edit', this.host.message(data), body, previous);
  }

  onReaction(data: PageReaction): void {
    this.host.emit('message_reaction', new Reaction(data));
  }

  onGroup(kind: keyof typeof GROUP_EVENTS, data: PageGroupNotification): void {
    this.host.emit(GROUP_EVENTS[kind], this.host.notification(data));
  }
}
