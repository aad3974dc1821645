/**
 * PostgresStore's connections: one pool (the caller's, or one made from a connection string), the
 * connect and query deadlines, transactions, and clients in an unknown state destroyed instead of
 * returned to the pool. Knows nothing of the table: the driver passes a `prepare` step (creating
 * it) that runs once before the first call.
 */
import type { Pool, PoolClient } from 'pg';
import { ErrorCode, StoreError } from '../errors';
import { abortable, withDeadline } from '../util/deadline';
import { settleOn, Watchdog } from './stream-watch';

/** The part of a `pg` `Pool` this store uses. */
export interface PgPoolLike {
  query: Pool['query'];
  connect(): Promise<PoolClient>;
  end(): Promise<void>;
}

export interface PgConnectionOptions {
  pool: PgPoolLike;
  /** Whether `dispose()` ends the pool (the store made it). */
  ownsPool: boolean;
  connectTimeoutMs: number;
  queryTimeoutMs: number;
  /** Runs once before the first call (and again after it failed), on its own client. */
  prepare(client: PoolClient): Promise<void>;
}

/** A deadline or an abort: the client may still be running the query, so it cannot be reused. */
function isStop(err: Error): boolean {
  const code = (err as { code?: unknown }).code;
  return code === ErrorCode.TIMEOUT || code === ErrorCode.ABORTED;
}

export class PgConnection {
  readonly connectTimeoutMs: number;
  readonly queryTimeoutMs: number;
  readonly #options: PgConnectionOptions;
  #ready: Promise<void> | undefined;
  /** Clients whose ROLLBACK failed, to be destroyed on release. */
  readonly #broken = new WeakMap<PoolClient, Error>();

  constructor(options: PgConnectionOptions) {
    this.#options = options;
    this.connectTimeoutMs = options.connectTimeoutMs;
    this.queryTimeoutMs = options.queryTimeoutMs;
  }

  /** Makes sure `prepare` ran, then runs `task` on a pooled client within the deadlines. */
  async run<T>(what: string, signal: AbortSignal, task: (client: PoolClient) => Promise<T>): Promise<T> {
    await abortable(this.#prepared(), signal, `PostgresStore: ${what} was aborted`);
    return this.#withClient(what, signal, task);
  }

  /** Runs `work` in one transaction on `client`; a failed ROLLBACK marks the client broken. */
  async transaction<T>(client: PoolClient, work: () => Promise<T>): Promise<T> {
    await client.query('BEGIN');
    try {
      const result = await work();
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch((rollbackErr: unknown) => {
        this.#broken.set(client, rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr)));
      });
      throw err;
    }
  }

  /**
   * Ends the pool when the store created it (waiting at most `connectTimeoutMs` for a connection
   * attempt still in flight); a caller's pool stays open.
   */
  async dispose(): Promise<void> {
    if (this.#options.ownsPool) await this.#options.pool.end();
  }

  #prepared(): Promise<void> {
    if (!this.#ready) {
      this.#ready = this.#withClient('creating the table', undefined, (client) => this.#options.prepare(client)).catch((err: unknown) => {
        this.#ready = undefined; // try again on the next call
        throw err;
      });
    }
    return this.#ready;
  }

  /**
   * Like `run`, for a transfer of any size: `work` has no overall deadline; it fails when `watch`
   * (a `Watchdog` of `queryTimeoutMs`, which `work` touches on progress) sees nothing move that long.
   */
  async runStreaming<T>(what: string, signal: AbortSignal, work: (client: PoolClient, watch: Watchdog) => Promise<T>): Promise<T> {
    await abortable(this.#prepared(), signal, `PostgresStore: ${what} was aborted`);
    const label = `PostgresStore: ${what}`;
    const lease = await this.#checkout(what, signal);
    const watch = new Watchdog({ timeout: { ms: this.queryTimeoutMs, option: 'queryTimeoutMs' }, signal, label });
    try {
      return await settleOn(work(lease.client, watch), watch.signal, label);
    } catch (err) {
      lease.fail(err);
      throw err;
    } finally {
      watch.dispose();
      lease.release();
    }
  }

  /**
   * A client of its own for as long as the caller needs it (a stream's read transaction): taken
   * within `connectTimeoutMs`; `release()` gives it back, destroyed after `fail()` or a broken ROLLBACK.
   */
  async checkout(what: string, signal: AbortSignal): Promise<ClientLease> {
    await abortable(this.#prepared(), signal, `PostgresStore: ${what} was aborted`);
    return this.#checkout(what, signal);
  }

  /** Runs `query` on `client` within `queryTimeoutMs` (one page of a stream). */
  bounded<T>(what: string, signal: AbortSignal | undefined, query: () => Promise<T>): Promise<T> {
    return withDeadline(query, {
      timeoutMs: this.queryTimeoutMs,
      signal,
      abortMessage: `PostgresStore: ${what} was aborted`,
      onTimeout: () =>
        new StoreError(`PostgresStore: ${what} did not finish within queryTimeoutMs (${this.queryTimeoutMs} ms)`, {
          code: ErrorCode.TIMEOUT,
        }),
    });
  }

  /** A client within `connectTimeoutMs`, listened to for errors while out of the pool. */
  async #checkout(what: string, signal: AbortSignal | undefined): Promise<ClientLease> {
    const connectTimeout = (cause?: unknown): StoreError =>
      new StoreError(`PostgresStore: ${what}: no connection within connectTimeoutMs (${this.connectTimeoutMs} ms)`, {
        code: ErrorCode.TIMEOUT,
        ...(cause === undefined ? {} : { cause }),
      });
    const connecting = this.#options.pool.connect();
    const client = await withDeadline(() => connecting, {
      timeoutMs: this.connectTimeoutMs,
      signal,
      abortMessage: `PostgresStore: ${what} was aborted`,
      onTimeout: () => connectTimeout(),
    }).catch((err: unknown) => {
      // A connection that arrives after we stopped waiting goes straight back, destroyed.
      connecting.then(
        (late) => late.release(true),
        () => undefined,
      );
      // pg's own connection timeout (same length, set on pools the store creates) is the same deadline.
      if (err instanceof Error && /timeout exceeded when trying to connect|due to connection timeout/i.test(err.message))
        throw connectTimeout(err);
      throw err;
    });
    let broken: Error | undefined;
    // The server can end the connection while the client is out of the pool between two queries (a
    // restart: 57P01). pg then emits `error` on the client, which the pool listens for only while the
    // client is idle in it: unheard, it would end the process. Heard, the client is destroyed on release.
    const onError = (err: Error): void => {
      broken ??= err;
    };
    client.on('error', onError);
    let released = false;
    return {
      client,
      fail: (err) => {
        // A deadline or an abort: the client may still be running the query, so it cannot be reused.
        if (err instanceof Error && isStop(err)) broken ??= err;
      },
      release: (err) => {
        if (released) return;
        released = true;
        client.off('error', onError);
        client.release(err ?? broken ?? this.#broken.get(client));
        this.#broken.delete(client);
      },
    };
  }

  /**
   * Takes a client within `connectTimeoutMs` and runs `work` on it within `queryTimeoutMs`. A client
   * whose work did not finish (deadline, abort) or whose ROLLBACK failed is in an unknown state: it
   * is destroyed instead of going back to the pool, which also ends a query still running on it.
   */
  async #withClient<T>(what: string, signal: AbortSignal | undefined, work: (client: PoolClient) => Promise<T>): Promise<T> {
    const lease = await this.#checkout(what, signal);
    try {
      return await this.bounded(what, signal, () => work(lease.client));
    } catch (err) {
      lease.fail(err);
      throw err;
    } finally {
      lease.release();
    }
  }
}

/** A client taken out of the pool by `checkout`. */
export interface ClientLease {
  readonly client: PoolClient;
  /** Notes why the work on it stopped: after a deadline or an abort it is destroyed on release. */
  fail(err: unknown): void;
  /** Gives it back (destroyed with `err`, or when it broke); safe to call twice. */
  release(err?: Error): void;
}
