/**
 * PostgresLeases' watch: `LISTEN` on one dedicated connection (never a pooled one that queries
 * share), so a release or a leave committed by any worker (its `NOTIFY` is in the same statement)
 * wakes this one at once. A lost connection is opened again with a growing delay; after it is back,
 * the listener is called once, since a notification sent meanwhile was missed. Callers still poll.
 */
import { createHash } from 'node:crypto';
import { settledWithin } from '../util/deadline';
import type { LeaseWatch } from './types';

/** The part of a `pg` `Client` (or a pool's client) the watch uses. */
export interface ListenConnection {
  query(sql: string): Promise<unknown>;
  on(event: 'notification', listener: (message: { channel: string }) => void): unknown;
  on(event: 'error' | 'end', listener: (err?: Error) => void): unknown;
  removeAllListeners(event?: string): unknown;
}

/** Opens a connection for the watch, and closes one (`end()` for a client, `release(true)` for a pooled one). */
export interface ListenConnector {
  open(): Promise<ListenConnection>;
  close(connection: ListenConnection): Promise<void>;
}

/** The first wait before opening a lost connection again; it doubles up to `MAX_BACKOFF_MS`. */
export const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5000;
/** The longest `close()` waits for the connection to end. */
const CLOSE_WAIT_MS = 2000;

/** The channel of a leases table: short (PostgreSQL cuts names at 63 bytes) and the same for every worker. */
export function leaseChannel(table: string): string {
  return `waweb_leases_${createHash('sha1').update(table).digest('hex').slice(0, 16)}`;
}

export class PgLeaseListener implements LeaseWatch {
  readonly ready: Promise<void>;
  #listening!: () => void;
  #connection: ListenConnection | undefined;
  #timer: NodeJS.Timeout | undefined;
  #backoffMs = FIRST_BACKOFF_MS;
  /** Was a connection ever listening: after a loss, the next one calls the listener once. */
  #listened = false;
  #opening: Promise<void> | undefined;
  #closed: Promise<void> | undefined;

  constructor(
    private readonly connector: ListenConnector,
    private readonly channel: string,
    private readonly onChange: () => void,
  ) {
    this.ready = new Promise<void>((resolve) => (this.#listening = resolve));
    this.#opening = this.#open();
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      if (this.#timer !== undefined) clearTimeout(this.#timer);
      this.#timer = undefined;
      await this.#opening;
      await this.#drop();
      this.#listening();
    })();
    return this.#closed;
  }

  async #open(): Promise<void> {
    let connection: ListenConnection | undefined;
    try {
      connection = await this.connector.open();
      if (this.#closed) return void (await this.connector.close(connection).catch(() => undefined));
      this.#connection = connection;
      connection.on('error', () => this.#lost(connection as ListenConnection));
      connection.on('end', () => this.#lost(connection as ListenConnection));
      connection.on('notification', (message) => {
        if (message.channel === this.channel && !this.#closed) this.onChange();
      });
      await connection.query(`LISTEN "${this.channel}"`);
    } catch {
      if (connection) this.#lost(connection);
      else this.#retry();
      return;
    } finally {
      this.#opening = undefined;
    }
    this.#backoffMs = FIRST_BACKOFF_MS;
    if (this.#listened && !this.#closed) this.onChange();
    this.#listened = true;
    this.#listening();
  }

  /** The connection failed or ended: closed, and another opened after the backoff. */
  #lost(connection: ListenConnection): void {
    if (this.#connection !== connection) return;
    void this.#drop();
    this.#retry();
  }

  async #drop(): Promise<void> {
    const connection = this.#connection;
    this.#connection = undefined;
    if (!connection) return;
    connection.removeAllListeners('notification');
    // A late error from a connection being dropped must not crash the process.
    connection.removeAllListeners('error');
    connection.on('error', () => undefined);
    // A server that stopped answering must not hold a worker's close(): the socket is dropped regardless.
    await settledWithin(
      this.connector.close(connection).catch(() => undefined),
      CLOSE_WAIT_MS,
    );
  }

  #retry(): void {
    if (this.#closed || this.#timer !== undefined) return;
    const wait = this.#backoffMs;
    this.#backoffMs = Math.min(MAX_BACKOFF_MS, this.#backoffMs * 2);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.#closed) this.#opening = this.#open();
    }, wait);
    this.#timer.unref();
  }
}
