/**
 * One session under a SessionManager: its Client with RemoteAuth, its state, a watchdog for starts
 * that hang, and restarts with backoff. Starts that keep failing are counted: each is reported
 * (`session.start_failed`), and after `maxStartAttempts` in a row the session stops in `failed`
 * until restarted. Everything a run reports is tagged with the run, so a late event from a client
 * already replaced changes nothing.
 */
import { join } from 'node:path';
import { RemoteAuth } from '../auth/remote/remote-auth';
import { Client } from '../client/client';
import type { DisconnectReason } from '../client/options';
import { ErrorCode, LeaseError, WawebError, errorMessage } from '../errors';
import type { Lease } from '../leases/types';
import { withFence } from '../stores/fenced';
import { killProcessGroup } from './dead-man-switch';
import { childLogger } from '../util/logger';
import type { SessionHost } from './host';
import type { ManagedSessionInfo, ManagedState, StartFailure } from './types';

interface Run {
  client: Client;
  /** The fencing token of the lease it runs under (`undefined` without leases). */
  token: number | undefined;
  auth: RemoteAuth;
  startedAt: number;
  sawQr: boolean;
  /** Reached `ready`: a failure from now on is not a failed start. */
  ready: boolean;
  /** The last error the client reported (a `StartTimeoutError` comes just before its `disconnected`). */
  error: WawebError | undefined;
  releaseSlot: (() => void) | undefined;
}

/**
 * States a session stays in until `restart()` or `remove()`: nothing starts it on its own, and with
 * leases it keeps its lease, so no other worker takes it up either.
 */
const PARKED: ReadonlySet<ManagedState> = new Set<ManagedState>(['conflict', 'logged_out', 'failed']);

/**
 * Disconnect reasons whose error the client emits on `error` just before: `START_TIMEOUT` (a
 * `StartTimeoutError`), `START_FAILED` (a start the client made itself, after a restored backup did
 * not log in, failed), `INCOMPATIBLE_WEB` (the app reloaded onto a build without a login member).
 */
const REPORTED_ON_ERROR: ReadonlySet<string> = new Set(['START_TIMEOUT', 'START_FAILED', 'INCOMPATIBLE_WEB']);

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
  /** Failed starts in a row since the last `ready` or `restart()`. */
  #startFailures = 0;
  #timer: NodeJS.Timeout | undefined;
  #nextStartAt: Date | null = null;
  /** The stop in progress; a start waits for it. */
  #stopping: Promise<void> | undefined;
  /** The run that stop is closing (a hard stop may still have to kill its browser). */
  #stoppingRun: Run | undefined;

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

  /**
   * Whether the lease keeper may hand this session to another worker to balance the load: not when
   * it ended for good (`conflict`, `logged_out`, `failed`) nor while its starts are failing, so no
   * other worker retries the same failure.
   */
  get movable(): boolean {
    return !PARKED.has(this.#state) && this.#startFailures === 0;
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
      startFailures: this.#startFailures,
      nextStartAt: this.#nextStartAt,
      meter: this.host.meter(this.id, this.#run?.client.pupBrowser?.process()?.pid),
    };
  }

  /** The lease the keeper renewed (same token, later expiry). */
  updateLease(lease: Lease): void {
    if (this.#lease && this.#lease.token === lease.token) this.#lease = lease;
  }

  /**
   * Starts the session (after a stop in progress ends). With leases, `lease` is the one just taken: a
   * run still going under an older token is closed first, and without a lease held the start is
   * refused with a `LeaseError` code `NOT_OWNER`.
   */
  async start(lease?: Lease): Promise<void> {
    await this.#stopping;
    if (lease) {
      if (this.#run && this.#run.token !== lease.token) await this.stop('stopped', { hard: true });
      this.#lease = lease;
    }
    if (this.host.leased && !this.#lease) throw this.notOwner('start');
    if (this.#run) return;
    // Started on purpose (a lease taken afresh, add()): a failed session gets a new round of attempts.
    if (this.#state === 'failed') this.#startFailures = 0;
    this.#clearTimer();
    this.#setState('starting');
    const releaseSlot = await this.host.startSlot();
    if (this.#state !== 'starting') return releaseSlot();
    if (this.host.leased && !this.#lease) {
      releaseSlot();
      throw this.notOwner('start');
    }
    // Armed before a browser exists: one launched while this process stalls is closed at the deadline too.
    this.host.guard(this.id);
    const sessionLog = childLogger(this.host.logger, { session: this.id });
    // One run lives under one lease: renewals keep its token, and a lost lease ends the run.
    const token = this.#lease?.token;
    const store = token === undefined ? this.host.store : withFence(this.host.store, () => token);
    const auth = new RemoteAuth({ ...this.host.remoteAuth, store, clientId: this.id, dataPath: join(this.host.dataPath, this.id) });
    const client = new Client({ ...this.host.clientOptions, ...this.host.poolOption(), authStrategy: auth, logger: sessionLog });
    const run: Run = { client, auth, token, startedAt: Date.now(), sawQr: false, ready: false, error: undefined, releaseSlot };
    this.#run = run;
    this.#listen(run);
    this.#timer = setTimeout(() => this.#stuck(run), this.host.stuckAfterMs);
    try {
      // A new owner raises the fence before restoring: from now on, the previous owner's saves are refused.
      if (token !== undefined) await this.host.store.raiseFence?.(auth.sessionName, token);
      // Stopped meanwhile (its lease lost while this process waited or stalled): no browser for a run that ended.
      if (this.#run !== run) return;
      await client.initialize();
    } catch (err) {
      if (this.#run === run) await this.#failed(run, err);
    }
  }

  /**
   * Stops the client (a clean close takes a final backup, fenced by the lease) and settles in
   * `final`. `hard`: the browser is killed first (no flush, no final backup): for a lease that is
   * gone, even when a graceful stop is already under way. Safe to call more than once.
   */
  stop(final: ManagedState = 'stopped', options: { hard?: boolean } = {}): Promise<void> {
    this.#clearTimer();
    const run = this.#run;
    if (options.hard) {
      this.host.killBrowsers(this.id);
      for (const r of [run, this.#stoppingRun]) killProcessGroup(r?.client.pupBrowser?.process()?.pid);
    }
    this.#run = undefined;
    if (!run) {
      // A session that ended for good (logged out, opened elsewhere, failed) says so until restarted.
      const ended = PARKED.has(this.#state);
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
    this.#stoppingRun = run;
    void stopping.finally(() => {
      if (this.#stopping !== stopping) return;
      this.#stopping = undefined;
      this.#stoppingRun = undefined;
    });
    return stopping;
  }

  /** A `LeaseError` code `NOT_OWNER`: with leases, only the worker holding a session's lease acts on it. */
  private notOwner(action: string): LeaseError {
    return new LeaseError(
      ErrorCode.NOT_OWNER,
      this.id,
      `cannot ${action} session ${this.id}: worker ${this.host.workerId} does not hold its lease (the worker that does runs it)`,
    );
  }

  /** Drops the lease after the session stopped (released or lost). */
  forgetLease(): void {
    this.#lease = undefined;
  }

  /** Stop, then start again at once (the dashboard's restart button), with a new round of attempts. */
  async restart(): Promise<void> {
    if (this.host.leased && !this.#lease) throw this.notOwner('restart');
    await this.stop('restarting');
    this.#startFailures = 0;
    this.#restarts++;
    await this.start();
  }

  /** A backup now, after any in flight; rejects with the save's error (`FENCED` from a stale owner). */
  save(options: { force?: boolean } = {}): Promise<void> {
    const run = this.#run;
    if (this.host.leased && !this.#lease) return Promise.reject(this.notOwner('save'));
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
      run.ready = true;
      this.#startFailures = 0;
      this.#started(run);
      this.#setState('ready');
      this.host.emit('session.ready', this.id, { ms: Date.now() - run.startedAt, restored: !run.sawQr });
    });
    client.on('remote_session_restore_failed', () => {
      // A restored backup did not log in and the client goes on to the next one: progress, not a hang.
      if (!mine() || this.#state !== 'starting') return;
      this.#clearTimer();
      this.#timer = setTimeout(() => this.#stuck(run), this.host.stuckAfterMs);
    });
    client.on('remote_session_saved', (info) => {
      // The final backup of a stop (restart, ceiling, close, hand-over) lands while the run is being stopped.
      if (!mine() && run !== this.#stoppingRun) return;
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
      run.error = error;
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
    // A start that failed: the typed error the client reported just before says why (and which phase).
    const timedOut = reason === 'START_TIMEOUT';
    const error =
      REPORTED_ON_ERROR.has(reason) && run.error
        ? run.error
        : new WawebError(timedOut ? ErrorCode.START_TIMEOUT : ErrorCode.BROWSER_FAILED, `session ${this.id} disconnected: ${reason}`);
    await this.#failed(run, error, reason);
  }

  /** The start hung: restart it, with backoff like any failure. */
  #stuck(run: Run): void {
    if (this.#run !== run || this.#state !== 'starting') return;
    void this.#failed(run, new WawebError(ErrorCode.TIMEOUT, `session ${this.id} did not reach a QR or ready within stuckAfterMs`));
  }

  /**
   * Stops the run. A failure before `ready` is a failed start: reported, and after
   * `maxStartAttempts` in a row the session stays `failed`. Otherwise it starts again after a backoff
   * that doubles with each failed start in a row. The lease stays held throughout.
   */
  async #failed(run: Run, err: unknown, disconnectReason: DisconnectReason | null = null): Promise<void> {
    if (this.#run !== run) return;
    const error = this.#error(err);
    const duringStart = !run.ready;
    if (duringStart) this.#startFailures++;
    const attempt = this.#startFailures;
    const last = duringStart && attempt >= this.host.maxStartAttempts;
    await this.stop(last ? 'failed' : 'restarting');
    // The reason stays what failed the start, not what closing its browser may have said after.
    this.#lastError = { code: error.code, message: error.message };
    const retryInMs = last ? null : Math.min(this.host.maxRestartDelayMs, this.host.restartDelayMs * 2 ** Math.max(0, attempt - 1));
    if (retryInMs !== null && this.#state === 'restarting') this.#schedule(retryInMs);
    if (!duringStart) return;
    const failure: StartFailure = {
      attempt,
      maxAttempts: this.host.maxStartAttempts,
      code: error.code,
      disconnectReason,
      error,
      retryInMs,
    };
    this.host.emit('session.start_failed', this.id, failure);
    if (last && this.#state === 'failed') {
      this.host.emit('session.failed', this.id, failure);
      this.host.ended(this.id, 'failed');
    }
  }

  /** The next start, after `ms` of backoff (while the session is still `restarting`). */
  #schedule(ms: number): void {
    this.#nextStartAt = new Date(Date.now() + ms);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#nextStartAt = null;
      if (this.#state !== 'restarting') return;
      this.#restarts++;
      this.start().catch((e: unknown) => this.#error(e));
    }, ms);
  }

  /** Reached a QR or ready: the start's slot goes to the next session waiting. */
  #started(run: Run): void {
    run.releaseSlot?.();
    run.releaseSlot = undefined;
    this.#clearTimer();
  }

  #error(err: unknown): WawebError {
    const error = err instanceof WawebError ? err : new WawebError(ErrorCode.BROWSER_FAILED, errorMessage(err), { cause: err });
    this.#lastError = { code: error.code, message: error.message };
    return error;
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
    this.#nextStartAt = null;
  }
}
