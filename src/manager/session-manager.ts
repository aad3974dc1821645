/**
 * SessionManager: many WhatsApp sessions in one process, each a `Client` with RemoteAuth over one
 * store. Start, stop, restart or log out one session without touching the others; per-session
 * health (a start that hangs is restarted, with backoff); one typed event stream for all of them.
 * With `leases`, several workers share the sessions: each runs on one worker at a time, and a
 * worker that leaves or dies hands its share to the others.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { Client } from '../client/client';
import { createBrowserPool } from '../client/browser-pool';
import type { BrowserPool } from '../client/browser-pool';
import { longestStartMs } from '../client/start-deadlines';
import { ErrorCode, InvalidOptionError, LeaseError, WawebError, errorMessage } from '../errors';
import { DeadManSwitch } from './dead-man-switch';
import type { LeaseRecord } from '../leases/types';
import type { SessionStore } from '../stores/types';
import { assertClientId } from '../util/client-id';
import { checkLogger, silentLogger, type Logger } from '../util/logger';
import { positiveInteger, positiveNumber } from '../util/options';
import { TypedEmitter } from '../util/typed-emitter';
import type { SessionHost } from './host';
import { LeaseKeeper } from './lease-keeper';
import { ManagedSession } from './managed-session';
import { meterSettings, SessionMeters, type MeteredSession } from './meters';
import type { ManagedSessionInfo, SessionManagerEvents, SessionManagerOptions } from './types';

/**
 * Many WhatsApp sessions in one process, each a `Client` with RemoteAuth over one store, with
 * per-session health and one typed event stream; with `leases`, shared by several workers.
 */
export class SessionManager extends TypedEmitter<SessionManagerEvents> implements AsyncDisposable {
  readonly workerId: string;
  readonly store: SessionStore;
  readonly #options: SessionManagerOptions;
  readonly #host: SessionHost;
  readonly #sessions = new Map<string, ManagedSession>();
  readonly #fixed: Set<string> | undefined;
  readonly #maxConcurrent: number;
  readonly #keeper: LeaseKeeper | undefined;
  readonly #deadMan: DeadManSwitch | undefined;
  readonly #log: Logger;
  readonly #meters: SessionMeters;
  #slots = 0;
  readonly #waiting: Array<() => void> = [];
  #started = false;
  #closing: Promise<void> | undefined;
  #syncTimer: NodeJS.Timeout | undefined;
  readonly #sweepMs: number;
  /** `browserPool`: the pool given, or the one made at start() (then also closed here). */
  #pool: BrowserPool | undefined;
  /** `browserPool` as a size: the pool start() makes (and close() closes). */
  readonly #poolSize: number | undefined;

  constructor(options: SessionManagerOptions) {
    super();
    if (!options || typeof options !== 'object' || !options.store) {
      throw new InvalidOptionError('SessionManager needs a store: new SessionManager({ store, sessions })');
    }
    if (options.leases && options.store.fencing !== true) {
      throw new InvalidOptionError(
        `SessionManager: with "leases", the store must support fencing tokens (PostgresStore or MongoStore); "${options.store.name}" does not`,
      );
    }
    const { sessions } = options;
    if (sessions !== undefined && typeof sessions !== 'function' && !Array.isArray(sessions)) {
      throw new InvalidOptionError('SessionManager: "sessions" must be an array of ids or a function returning one');
    }
    this.#options = options;
    this.store = options.store;
    // A fixed list (or none yet, for add()); a function is asked instead.
    this.#fixed = typeof sessions === 'function' ? undefined : new Set((sessions ?? []).map((id) => checkId(id)));
    this.workerId = options.workerId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.#maxConcurrent = positiveInteger(options.maxConcurrent, 2, 'maxConcurrent');
    this.#poolSize = typeof options.browserPool === 'number' ? positiveInteger(options.browserPool, 1, 'browserPool') : undefined;
    this.#log = options.logger === undefined ? silentLogger : checkLogger(options.logger);
    const dataPath = resolve(options.dataPath ?? '.waweb_sessions');
    const profileDir = (id: string): string => join(dataPath, id);
    this.#meters = new SessionMeters(meterSettings(options), {
      running: () => this.#running(),
      // Through the public path: only the lease holder restarts, and never once close() began.
      restart: async (id) => (this.#closing ? undefined : this.restart(id)),
      emit: (event, ...args) => this.emit(event, ...args),
      logger: this.#log,
    });
    this.#deadMan =
      options.leases && options.deadManSwitch !== false && DeadManSwitch.supported
        ? new DeadManSwitch({
            logger: this.#log,
            onKilled: (id, pids) =>
              this.#log.warn({ session: id, pids }, "dead-man switch: the lease deadline passed; the session's browsers were killed"),
          })
        : undefined;
    this.#host = {
      workerId: this.workerId,
      store: options.store,
      dataPath,
      leased: options.leases !== undefined,
      guard: (id) => this.#keeper?.guard(id),
      killBrowsers: (id) => this.#deadMan?.killNow(id, profileDir(id)),
      clientOptions: options.clientOptions ?? {},
      poolOption: () => (this.#pool ? { browserPool: this.#pool } : {}),
      remoteAuth: options.remoteAuth ?? {},
      logger: this.#log,
      // A backstop behind the client's own deadlines: past the longest start they allow, plus a minute for the store.
      stuckAfterMs: positiveNumber(options.stuckAfterMs, longestStartMs(options.clientOptions ?? {}) + 60_000, 'stuckAfterMs'),
      restartDelayMs: positiveNumber(options.restartDelayMs, 1000, 'restartDelayMs'),
      maxRestartDelayMs: positiveNumber(options.maxRestartDelayMs, 60_000, 'maxRestartDelayMs'),
      maxStartAttempts: positiveInteger(options.maxStartAttempts, 5, 'maxStartAttempts'),
      emit: (event, ...args) => this.emit(event, ...args),
      startSlot: () => this.#startSlot(),
      fenced: (id, error) => {
        const session = this.#sessions.get(id);
        if (session && this.#keeper) void this.#keeper.lost(session, error);
        else void session?.stop('stopped');
      },
      ended: (id, state) => this.#log.info({ session: id, state }, 'session ended; it stays stopped until restarted'),
      meter: (id, pid) => this.#meters.meter(id, pid),
    };
    const sweepMs = positiveNumber(options.sweepIntervalMs, 1000, 'sweepIntervalMs');
    this.#sweepMs = sweepMs;
    if (options.leases) {
      const ttlMs = positiveNumber(options.leaseTtlMs, 6000, 'leaseTtlMs');
      if (sweepMs * 3 > ttlMs) throw new InvalidOptionError('SessionManager: "sweepIntervalMs" must be at most a third of "leaseTtlMs"');
      this.#keeper = new LeaseKeeper({
        leases: options.leases,
        workerId: this.workerId,
        ttlMs,
        sweepMs,
        deadMan: this.#deadMan,
        profileDir,
        desired: () => this.#desired(),
        session: (id) => this.#session(id),
        held: () => [...this.#sessions.values()].filter((s) => s.lease !== undefined),
        emit: (event, ...args) => this.emit(event, ...args),
        report: (err) => this.#report(err),
      });
    }
  }

  /** Begins running sessions (with leases: joins the workers and takes a share). */
  async start(): Promise<void> {
    if (this.#closing) throw new WawebError(ErrorCode.CLOSED, 'SessionManager is closed');
    if (this.#started) return;
    this.#started = true;
    this.#openPool();
    this.#meters.start();
    if (this.#keeper) return this.#keeper.start();
    await this.#syncLocal();
  }

  /** `browserPool`: a size makes a pool for `clientOptions` next to the sessions' folders. */
  #openPool(): void {
    const { browserPool } = this.#options;
    if (this.#poolSize === undefined) {
      this.#pool = typeof browserPool === 'object' ? browserPool : undefined;
      return;
    }
    this.#pool = createBrowserPool({
      size: this.#poolSize,
      client: this.#options.clientOptions ?? {},
      folder: join(this.#host.dataPath, '.pool'),
      onError: (err) => this.#log.warn({ err }, 'browser pool: a pooled browser failed'),
    });
  }

  /**
   * Without leases: starts the sessions wanted and not running here, stops those no longer wanted.
   * A `sessions` function is asked again every `sweepIntervalMs`.
   */
  async #syncLocal(): Promise<void> {
    if (this.#closing) return;
    try {
      const wanted = new Set(await this.#desired());
      for (const id of wanted) {
        const session = this.#session(id);
        if (session.state === 'stopped') this.#launch(session);
      }
      for (const [id, session] of this.#sessions) {
        if (!wanted.has(id)) {
          this.#sessions.delete(id);
          await session.stop();
        }
      }
    } catch (err) {
      this.#report(err);
    }
    if (typeof this.#options.sessions === 'function' && !this.#closing) {
      this.#syncTimer = setTimeout(() => void this.#syncLocal(), this.#sweepMs);
    }
  }

  /**
   * Every session this worker has, running or not. With leases, only those whose lease it holds: a
   * session handed over or lost is another worker's (see `leases()`).
   */
  list(): ManagedSessionInfo[] {
    return this.#mine()
      .map((s) => s.info)
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  get(id: string): ManagedSessionInfo | undefined {
    return this.#mine().find((s) => s.id === id)?.info;
  }

  /** The running `Client` of a session on this worker, for sending and everything else. */
  client(id: string): Client | undefined {
    return this.#sessions.get(id)?.client;
  }

  /** Every session's lease across the workers (needs `leases`); empty without. */
  async leases(): Promise<LeaseRecord[]> {
    return this.#options.leases ? this.#options.leases.list() : [];
  }

  /**
   * The newest backup of a session in the store, whichever worker wrote it (`null`: none yet). For
   * dashboards: sessions other workers run are known here only through their leases and backups.
   */
  async lastBackup(id: string): Promise<{ at: Date; generation: number; bytes: number } | null> {
    const [newest] = await this.store.list(`RemoteAuth-${checkId(id)}`);
    return newest ? { at: newest.createdAt, generation: newest.generation, bytes: newest.bytes } : null;
  }

  /** Adds a session to a fixed list: it starts here (with leases: on whichever worker takes it). */
  add(id: string): void {
    if (!this.#fixed) throw new InvalidOptionError('SessionManager.add(): "sessions" is a function here; change what it returns');
    this.#fixed.add(checkId(id));
    if (this.#started && !this.#keeper && !this.#closing) this.#launch(this.#session(id));
  }

  /** Stops a session and takes it out of a fixed list (its backups stay). */
  async remove(id: string): Promise<void> {
    if (!this.#fixed) throw new InvalidOptionError('SessionManager.remove(): "sessions" is a function here; change what it returns');
    this.#fixed.delete(id);
    const session = this.#sessions.get(id);
    if (!session) return;
    if (this.#keeper) await this.#keeper.handOver(session);
    else await session.stop();
    this.#sessions.delete(id);
  }

  /**
   * Stops and starts one session on this worker (a `conflict`, `logged_out` or `failed` one too),
   * with a new round of `maxStartAttempts`. With leases, `restart`, `save`, `logout` and
   * `requestPairingCode` act only on a session whose lease this worker holds: otherwise they reject
   * with a `LeaseError` code `NOT_OWNER`.
   */
  async restart(id: string): Promise<void> {
    await this.#own(id).restart();
  }

  /**
   * A backup of one session now (`force`: even when nothing changed); rejects with the save's error
   * (`LeaseError` code `FENCED` when a newer owner has the session).
   */
  async save(id: string, options: { force?: boolean } = {}): Promise<void> {
    return this.#own(id).save(options);
  }

  /** Logs one session out on the phone side and deletes its backups; it stays `logged_out`. */
  async logout(id: string): Promise<void> {
    const client = this.#own(id).client;
    if (!client) throw new WawebError(ErrorCode.NOT_READY, `session ${id} is not running`);
    await client.logout();
  }

  /**
   * Asks for a pairing code for a session waiting to be paired (shown with `session.code`). Refused
   * with a `SessionExistsError` (`SESSION_EXISTS`) while the session's folder or store holds a
   * session, unless `force` (a code for a linked number can revoke its live device).
   */
  async requestPairingCode(id: string, phoneNumber: string, options: { force?: boolean } = {}): Promise<string> {
    const client = this.#own(id).client;
    if (!client) throw new WawebError(ErrorCode.NOT_READY, `session ${id} is not running`);
    return client.requestPairingCode(phoneNumber, undefined, undefined, options.force === true);
  }

  /** The Chromium process of each running session, for memory figures. */
  browserPids(): Array<{ id: string; pid: number }> {
    const out: Array<{ id: string; pid: number }> = [];
    for (const [id, session] of this.#sessions) {
      const pid = session.client?.pupBrowser?.process()?.pid;
      if (pid !== undefined) out.push({ id, pid });
    }
    return out;
  }

  /** The sessions this worker owns that have a browser, for the meters. */
  #running(): MeteredSession[] {
    return this.#mine().flatMap((s) => {
      const pid = s.client?.pupBrowser?.process()?.pid;
      return pid === undefined ? [] : [{ id: s.id, pid, state: s.state }];
    });
  }

  /**
   * Stops every session (each takes a final backup) and, with leases, releases them so other
   * workers take them over at once, then leaves. What a worker does on SIGTERM. Safe to call twice.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#syncTimer !== undefined) clearTimeout(this.#syncTimer);
      // No ceiling restart begins now, and one under way ends before the sessions stop.
      await this.#meters.close();
      const keeper = this.#keeper;
      // Leases stay renewed until each session has stopped and released its own.
      await keeper?.stopBalancing();
      // The others stop counting this worker now: each session is taken as soon as its lease is released.
      void keeper?.leave();
      await Promise.allSettled([...this.#sessions.values()].map((s) => (keeper && s.lease ? keeper.handOver(s) : s.stop())));
      await keeper?.settled();
      await keeper?.close();
      this.#deadMan?.close();
      if (this.#poolSize !== undefined) await this.#pool?.close();
      if (this.#options.leases) await this.#options.leases.leave(this.workerId).catch((err: unknown) => this.#report(err));
    })();
    return this.#closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #own(id: string): ManagedSession {
    const session = this.#sessions.get(id);
    if (this.#keeper && !session?.lease) {
      throw new LeaseError(
        ErrorCode.NOT_OWNER,
        id,
        `session ${id}: worker ${this.workerId} does not hold its lease (the worker that does runs it)`,
      );
    }
    if (!session) throw new InvalidOptionError(`SessionManager: no session "${id}" on this worker`);
    return session;
  }

  #mine(): ManagedSession[] {
    const all = [...this.#sessions.values()];
    return this.#keeper ? all.filter((s) => s.lease !== undefined) : all;
  }

  #session(id: string): ManagedSession {
    let session = this.#sessions.get(id);
    if (!session) {
      session = new ManagedSession(checkId(id), this.#host);
      this.#sessions.set(id, session);
    }
    return session;
  }

  #launch(session: ManagedSession): void {
    session.start().catch((err: unknown) => this.#report(err));
  }

  async #desired(): Promise<readonly string[]> {
    const sessions = this.#options.sessions;
    if (typeof sessions === 'function') return (await sessions()).map((id) => checkId(id));
    return [...(this.#fixed ?? [])];
  }

  #startSlot(): Promise<() => void> {
    const grant = (): (() => void) => {
      this.#slots++;
      let given = false;
      return () => {
        if (given) return;
        given = true;
        this.#slots--;
        this.#waiting.shift()?.();
      };
    };
    if (this.#slots < this.#maxConcurrent) return Promise.resolve(grant());
    return new Promise((resolveSlot) => this.#waiting.push(() => resolveSlot(grant())));
  }

  #report(err: unknown): void {
    this.#log.warn({ err: errorMessage(err) }, 'session manager: a step failed; it is tried again');
  }
}

function checkId(id: unknown): string {
  const checked = assertClientId(id, 'session id');
  if (checked === undefined) throw new InvalidOptionError('SessionManager: a session id is required');
  return checked;
}
