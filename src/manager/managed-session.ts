/**
 * One session under a SessionManager: its Client with RemoteAuth, its state, a watchdog for starts
 * that hang, and restarts with backoff. Everything a run reports is tagged with the run, so a late
 * event from a client already replaced changes nothing.
 */
import { join } from 'node:path';
import { RemoteAuth } from '../auth/remote/remote-auth';
import { Client } from '../client/client';
import type { DisconnectReason } from '../client/options';
import { ErrorCode, WawebError, errorMessage } from '../errors';
import type { Lease } from '../leases/types';
import { withFence } from '../stores/fenced';
import { childLogger } from '../util/logger';
import type { SessionHost } from './host';
import type { ManagedSessionInfo, ManagedState } from './types';

interface Run {
  client: Client;
  auth: RemoteAuth;
  startedAt: number;
  sawQr: boolean;
  releaseSlot: (() => void) | undefined;
}

export class ManagedSession {
  readonly id: string;
  #state: ManagedState = 'stopped';
  #since = new Date();
  #run: Run | undefined;
  #lease: Lease | undefined;
  #qr: string | null = null;
  #code: string | null = null;
  #lastSave: ManagedSessionInfo['lastSave'] = null;
  #lastError: ManagedSessionInfo['lastError'] = null;
  #restarts = 0;
  #failures = 0;
  #timer: NodeJS.Timeout | undefined;
  /** The stop in progress; a start waits for it. */
  #stopping: Promise<void> | undefined;

  constructor(
    id: string,
    private readonly host: SessionHost,
  ) {
    this.id = id;
  }

  get state(): ManagedState {
    return this.#state;
  }

  get lease(): Lease | undefined {
    return this.#lease;
  }

  /** The running client, for bots: messages, chats, and everything else `Client` offers. */
  get client(): Client | undefined {
    return this.#run?.client;
  }

  get info(): ManagedSessionInfo {
    return {
      id: this.id,
      state: this.#state,
      worker: this.host.workerId,
      since: this.#since,
      qr: this.#qr,
      pairingCode: this.#code,
      lastSave: this.#lastSave,
      restarts: this.#restarts,
      leaseToken: this.#lease?.token ?? null,
      lastError: this.#lastError,
    };
  }

  /** The lease the keeper renewed (same token, later expiry). */
  updateLease(lease: Lease): void {
    if (this.#lease && this.#lease.token === lease.token) this.#lease = lease;
  }

  /** Starts the session (after a stop in progress ends). With leases, `lease` is the one just taken. */
  async start(lease?: Lease): Promise<void> {
    await this.#stopping;
    if (lease) this.#lease = lease;
    if (this.#run) return;
    this.#clearTimer();
    this.#setState('starting');
    const releaseSlot = await this.host.startSlot();
    if (this.#state !== 'starting') return releaseSlot();
    const sessionLog = childLogger(this.host.logger, { session: this.id });
    // One run lives under one lease: renewals keep its token, and a lost lease ends the run.
    const token = this.#lease?.token;
    const store = token === undefined ? this.host.store : withFence(this.host.store, () => token);
    const auth = new RemoteAuth({ ...this.host.remoteAuth, store, clientId: this.id, dataPath: join(this.host.dataPath, this.id) });
    const client = new Client({ ...this.host.clientOptions, authStrategy: auth, logger: sessionLog });
    const run: Run = { client, auth, startedAt: Date.now(), sawQr: false, releaseSlot };
    this.#run = run;
    this.#listen(run);
    this.#timer = setTimeout(() => this.#stuck(run), this.host.stuckAfterMs);
    try {
      // A new owner raises the fence before restoring: from now on, the previous owner's saves are refused.
      if (token !== undefined) await this.host.store.raiseFence?.(auth.sessionName, token);
      await client.initialize();
    } catch (err) {
      if (this.#run === run) await this.#failed(run, err);
    }
  }

  /**
   * Stops the client (a clean close takes a final backup, fenced by the lease) and settles in
   * `final`. Safe to call more than once.
   */
  stop(final: ManagedState = 'stopped'): Promise<void> {
    this.#clearTimer();
    const run = this.#run;
    this.#run = undefined;
    if (!run) {
      // A session that ended for good (logged out, opened elsewhere) says so until restarted.
      const ended = this.#state === 'conflict' || this.#state === 'logged_out';
      if (this.#state !== final && !this.#stopping && !(ended && final === 'stopped')) this.#setState(final);
      return this.#stopping ?? Promise.resolve();
    }
    this.#setState('stopping');
    const stopping = (async () => {
      run.releaseSlot?.();
      run.releaseSlot = undefined;
      try {
        await run.client.destroy();
      } catch (err) {
        this.#error(err);
      } finally {
        run.client.removeAllListeners();
        this.#qr = null;
        this.#code = null;
        this.#setState(final);
      }
    })();
    this.#stopping = stopping;
    void stopping.finally(() => {
      if (this.#stopping === stopping) this.#stopping = undefined;
    });
    return stopping;
  }

  /** Drops the lease after the session stopped (released or lost). */
  forgetLease(): void {
    this.#lease = undefined;
  }

  /** Stop, then start again at once (the dashboard's restart button). */
  async restart(): Promise<void> {
    await this.stop('restarting');
    this.#restarts++;
    await this.start();
  }

  /** A backup now, after any in flight; rejects with the save's error (`FENCED` from a stale owner). */
  save(options: { force?: boolean } = {}): Promise<void> {
    const run = this.#run;
    if (!run) return Promise.reject(new WawebError(ErrorCode.NOT_READY, `session ${this.id} is not running`));
    return run.auth.saveNow(options);
  }

  #listen(run: Run): void {
    const mine = (): boolean => this.#run === run;
    const { client } = run;
    client.on('qr', (qr) => {
      if (!mine()) return;
      run.sawQr = true;
      this.#qr = qr;
      this.#started(run);
      this.#setState('qr');
      this.host.emit('session.qr', this.id, qr);
    });
    client.on('code', (code) => {
      if (!mine()) return;
      run.sawQr = true;
      this.#code = code;
      this.#started(run);
      this.#setState('qr');
      this.host.emit('session.code', this.id, code);
    });
    client.on('ready', () => {
      if (!mine()) return;
      this.#qr = null;
      this.#code = null;
      this.#failures = 0;
      this.#started(run);
      this.#setState('ready');
      this.host.emit('session.ready', this.id, { ms: Date.now() - run.startedAt, restored: !run.sawQr });
    });
    client.on('remote_session_saved', (info) => {
      if (!mine()) return;
      this.#lastSave = { at: new Date(), ...info };
      this.host.emit('session.saved', this.id, info);
    });
    client.on('remote_session_save_failed', (error) => {
      // A save refused as stale can come from a run already being replaced: reported all the same.
      if (!mine() && error.code !== ErrorCode.FENCED) return;
      this.host.emit('session.save_failed', this.id, error);
      // A newer owner has the session: this worker must let go of it at once.
      if (error.code === ErrorCode.FENCED && mine()) this.host.fenced(this.id, error);
    });
    client.on('error', (error) => {
      if (!mine()) return;
      this.#error(error);
      this.host.emit('session.error', this.id, error);
    });
    client.on('disconnected', (reason) => {
      if (!mine()) return;
      this.host.emit('session.disconnected', this.id, reason);
      void this.#disconnected(run, reason);
    });
  }

  async #disconnected(run: Run, reason: DisconnectReason): Promise<void> {
    if (reason === 'LOGOUT') {
      await this.stop('logged_out');
      return this.host.ended(this.id, 'logged_out');
    }
    // Another browser opened the number: taking it back would start a CONFLICT ping-pong.
    if (reason === 'CONFLICT') {
      await this.stop('conflict');
      return this.host.ended(this.id, 'conflict');
    }
    await this.#failed(run, new WawebError(ErrorCode.BROWSER_FAILED, `session ${this.id} disconnected: ${reason}`));
  }

  /** The start hung: restart it, with backoff like any failure. */
  #stuck(run: Run): void {
    if (this.#run !== run || this.#state !== 'starting') return;
    void this.#failed(run, new WawebError(ErrorCode.TIMEOUT, `session ${this.id} did not reach a QR or ready within stuckAfterMs`));
  }

  /** Stops the run, then starts again after a backoff that doubles with each failure in a row. */
  async #failed(run: Run, err: unknown): Promise<void> {
    if (this.#run !== run) return;
    this.#error(err);
    await this.stop('restarting');
    if (this.#state !== 'restarting') return;
    const wait = Math.min(this.host.maxRestartDelayMs, this.host.restartDelayMs * 2 ** this.#failures++);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#state !== 'restarting') return;
      this.#restarts++;
      this.start().catch((e: unknown) => this.#error(e));
    }, wait);
  }

  /** Reached a QR or ready: the start's slot goes to the next session waiting. */
  #started(run: Run): void {
    run.releaseSlot?.();
    run.releaseSlot = undefined;
    this.#clearTimer();
  }

  #error(err: unknown): void {
    const error = err instanceof WawebError ? err : new WawebError(ErrorCode.BROWSER_FAILED, errorMessage(err), { cause: err });
    this.#lastError = { code: error.code, message: error.message };
  }

  #setState(state: ManagedState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#since = new Date();
    this.host.emit('session.state', this.info);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
