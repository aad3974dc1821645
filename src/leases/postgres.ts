/**
 * Leases in PostgreSQL: one row per session (`<table>`), one per live worker (`<table>_workers`).
 * Every decision is one `INSERT ... ON CONFLICT DO UPDATE ... WHERE` or `UPDATE ... WHERE` judged
 * by the server against its own clock (`now()`), so workers' clocks never have to agree.
 */
import type { Pool, PoolClient, PoolConfig } from 'pg';
import { InvalidOptionError } from '../errors';
import { classifyPostgresError, createPgPool, loadPg, quoteTable } from '../db/postgres';
import { assertLeaseName, leaseCall, renewedOnes, resolveCallTimeout } from './call';
import { leaseChannel, PgLeaseListener, type ListenConnector } from './pg-listen';
import type { Lease, LeaseBackend, LeaseRecord, LeaseWatch, WorkerRecord } from './types';

export interface PostgresLeasesOptions {
  /**
   * A `pg` `Pool` owned by the caller; `close()` leaves it open. With `connect()` (a real `Pool`),
   * `watch()` holds one of its clients for `LISTEN`; without it, `watch()` is not offered.
   */
  pool?: Pick<Pool, 'query' | 'end'> & Partial<Pick<Pool, 'connect'>>;
  /** Connection string for a pool the backend creates and ends on `close()`. */
  connectionString?: string;
  /** Extra settings for that pool. */
  poolConfig?: Omit<PoolConfig, 'connectionString'>;
  /**
   * Table name (`schema.table` allowed; letters, digits, `_`); `<table>_workers` is made beside it.
   * @default 'waweb_leases'
   */
  table?: string;
  /**
   * Longest one call may take; then `TimeoutError` naming `callTimeoutMs`.
   * @default 5000
   */
  callTimeoutMs?: number;
}

const TTL = `now() + make_interval(secs => $3::double precision / 1000)`;

export class PostgresLeases implements LeaseBackend {
  readonly name = 'postgres';
  readonly table: string;
  readonly #leases: string;
  readonly #workers: string;
  readonly #pool: Pick<Pool, 'query' | 'end'> & Partial<Pick<Pool, 'connect'>>;
  readonly #ownsPool: boolean;
  /** Opens the watch's own connection (`undefined`: a caller's pool without `connect()`). */
  readonly #listen: ListenConnector | undefined;
  /** The channel every release and leave notifies. */
  readonly #channel: string;
  readonly #timeoutMs: number;
  #ready: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  /** Watches still open: closed before the pool ends. */
  readonly #watches = new Set<PgLeaseListener>();

  constructor(options: PostgresLeasesOptions) {
    const hasPool = options?.pool !== undefined && options.pool !== null;
    const hasUrl = typeof options?.connectionString === 'string' && options.connectionString.length > 0;
    if (hasPool === hasUrl) throw new InvalidOptionError('PostgresLeases: pass exactly one of "pool" or "connectionString"');
    this.table = options.table ?? 'waweb_leases';
    this.#leases = quoteTable(this.table, 'PostgresLeases');
    this.#workers = quoteTable(`${this.table}_workers`, 'PostgresLeases');
    this.#timeoutMs = resolveCallTimeout(options.callTimeoutMs, 'PostgresLeases');
    this.#channel = leaseChannel(this.table);
    if (hasPool) {
      this.#pool = options.pool as Pick<Pool, 'query' | 'end'> & Partial<Pick<Pool, 'connect'>>;
      this.#ownsPool = false;
      const pool = this.#pool;
      this.#listen =
        typeof pool.connect === 'function'
          ? {
              open: () => (pool as Pick<Pool, 'connect'>).connect(),
              // Destroyed, not put back: a client left listening must not serve the pool's queries.
              close: async (c) => (c as PoolClient).release(true),
            }
          : undefined;
    } else {
      const pool = createPgPool(
        {
          connectionTimeoutMillis: this.#timeoutMs,
          query_timeout: this.#timeoutMs,
          max: 4,
          ...options.poolConfig,
          connectionString: options.connectionString,
        },
        'PostgresLeases',
      );
      this.#pool = pool;
      this.#ownsPool = true;
      const config = { connectionTimeoutMillis: this.#timeoutMs, ...options.poolConfig, connectionString: options.connectionString };
      this.#listen = {
        open: async () => {
          const client = new (loadPg('PostgresLeases').Client)(config);
          // Until the watch takes it: a failed connect must not crash the process.
          client.on('error', () => undefined);
          await client.connect();
          return client;
        },
        close: (c) => (c as unknown as { end(): Promise<void> }).end(),
      };
    }
  }

  /**
   * Every release and leave (of any worker on this table) calls `onChange`, through `LISTEN` on a
   * connection of its own, opened again with backoff when lost. Not offered for a caller's pool
   * without `connect()`.
   */
  get watch(): ((onChange: () => void) => LeaseWatch) | undefined {
    const listen = this.#listen;
    if (!listen) return undefined;
    return (onChange) => {
      if (this.#closing) throw new InvalidOptionError('PostgresLeases is closed');
      const watch = new PgLeaseListener(listen, this.#channel, onChange);
      this.#watches.add(watch);
      return { ready: watch.ready, close: () => watch.close().finally(() => this.#watches.delete(watch)) };
    };
  }

  async acquire(sessionId: string, owner: string, ttlMs: number): Promise<Lease | null> {
    assertLeaseName(sessionId, 'a session id', 'PostgresLeases');
    assertLeaseName(owner, 'an owner', 'PostgresLeases');
    const res = await this.#query<{ token: string; expires_at: Date; previous_owner: string | null }>(
      'acquiring a lease',
      `WITH prev AS (SELECT owner FROM ${this.#leases} WHERE session_id = $1)
       INSERT INTO ${this.#leases} AS l (session_id, owner, token, expires_at) VALUES ($1, $2, 1, ${TTL})
       ON CONFLICT (session_id) DO UPDATE SET owner = EXCLUDED.owner, token = l.token + 1, expires_at = EXCLUDED.expires_at
       WHERE l.owner IS NULL OR l.expires_at <= now()
       RETURNING token, expires_at, (SELECT owner FROM prev) AS previous_owner`,
      [sessionId, owner, ttlMs],
    );
    const row = res.rows[0];
    if (!row) return null;
    return { sessionId, owner, token: Number(row.token), expiresAt: row.expires_at, takenFrom: row.previous_owner };
  }

  async renew(lease: Lease, ttlMs: number): Promise<Lease | null> {
    const res = await this.#query<{ expires_at: Date }>(
      'renewing a lease',
      `UPDATE ${this.#leases} SET expires_at = ${TTL} WHERE session_id = $1 AND owner = $2 AND token = $4 AND expires_at > now() RETURNING expires_at`,
      [lease.sessionId, lease.owner, ttlMs, lease.token],
    );
    const row = res.rows[0];
    return row ? { ...lease, expiresAt: row.expires_at } : null;
  }

  async renewMany(leases: readonly Lease[], ttlMs: number): Promise<Lease[]> {
    if (leases.length === 0) return [];
    const res = await this.#query<{ session_id: string; owner: string; token: string; expires_at: Date }>(
      'renewing leases',
      `UPDATE ${this.#leases} AS l SET expires_at = ${TTL}
       FROM unnest($1::text[], $2::text[], $4::bigint[]) AS x(session_id, owner, token)
       WHERE l.session_id = x.session_id AND l.owner = x.owner AND l.token = x.token AND l.expires_at > now()
       RETURNING l.session_id, l.owner, l.token, l.expires_at`,
      [leases.map((l) => l.sessionId), leases.map((l) => l.owner), ttlMs, leases.map((l) => l.token)],
    );
    return renewedOnes(
      leases,
      res.rows.map((r) => ({ sessionId: r.session_id, owner: r.owner, token: Number(r.token), expiresAt: r.expires_at })),
    );
  }

  async release(lease: Lease): Promise<boolean> {
    // The NOTIFY is sent when the release commits (one statement, one transaction), never without it.
    const res = await this.#query(
      'releasing a lease',
      `WITH released AS (
         UPDATE ${this.#leases} SET owner = NULL, expires_at = NULL WHERE session_id = $1 AND owner = $2 AND token = $3 RETURNING session_id)
       SELECT session_id, pg_notify($4, 'released') FROM released`,
      [lease.sessionId, lease.owner, lease.token, this.#channel],
    );
    return res.rows.length > 0;
  }

  async list(): Promise<LeaseRecord[]> {
    const res = await this.#query<{ session_id: string; owner: string | null; token: string; expires_at: Date | null; live: boolean }>(
      'listing leases',
      `SELECT session_id, owner, token, expires_at, (owner IS NOT NULL AND expires_at > now()) AS live
       FROM ${this.#leases} ORDER BY session_id`,
      [],
    );
    return res.rows.map((r) => ({
      sessionId: r.session_id,
      owner: r.owner,
      token: Number(r.token),
      expiresAt: r.expires_at,
      live: r.live,
    }));
  }

  async heartbeat(workerId: string, ttlMs: number): Promise<void> {
    assertLeaseName(workerId, 'a worker id', 'PostgresLeases');
    await this.#query(
      'sending a heartbeat',
      `INSERT INTO ${this.#workers} AS w (worker_id, started_at, expires_at) VALUES ($1, now(), now() + make_interval(secs => $2::double precision / 1000))
       ON CONFLICT (worker_id) DO UPDATE SET expires_at = EXCLUDED.expires_at`,
      [workerId, ttlMs],
    );
  }

  async workers(): Promise<WorkerRecord[]> {
    const res = await this.#query<{ worker_id: string; started_at: Date; expires_at: Date }>(
      'listing workers',
      `SELECT worker_id, started_at, expires_at FROM ${this.#workers} WHERE expires_at > now() ORDER BY started_at, worker_id`,
      [],
    );
    return res.rows.map((r) => ({ workerId: r.worker_id, startedAt: r.started_at, expiresAt: r.expires_at }));
  }

  async leave(workerId: string): Promise<void> {
    // Workers gone for a day are swept too: the table stays small.
    await this.#query(
      'removing a worker',
      `WITH gone AS (DELETE FROM ${this.#workers} WHERE worker_id = $1 OR expires_at < now() - interval '1 day')
       SELECT pg_notify($2, 'left')`,
      [workerId, this.#channel],
    );
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.all([...this.#watches].map((w) => w.close()));
      if (this.#ownsPool) await this.#pool.end().catch(() => undefined);
    })();
    return this.#closing;
  }

  async #query<R extends object = object>(what: string, sql: string, params: unknown[]): Promise<{ rows: R[]; rowCount: number | null }> {
    if (this.#closing) throw new InvalidOptionError('PostgresLeases is closed');
    await this.#ensureTables();
    return leaseCall('PostgresLeases', what, this.#timeoutMs, classifyPostgresError, () => this.#pool.query<R>(sql, params));
  }

  #ensureTables(): Promise<void> {
    this.#ready ??= leaseCall('PostgresLeases', 'creating the tables', this.#timeoutMs, classifyPostgresError, async () => {
      // One string, one implicit transaction: the lock on the name keeps two workers' first CREATE TABLE
      // from colliding on the catalog.
      await this.#pool.query(
        `SELECT pg_advisory_xact_lock(hashtext('waweb:create:${this.table}'));
         CREATE TABLE IF NOT EXISTS ${this.#leases} (
           session_id text PRIMARY KEY, owner text, token bigint NOT NULL, expires_at timestamptz);
         CREATE TABLE IF NOT EXISTS ${this.#workers} (
           worker_id text PRIMARY KEY, started_at timestamptz NOT NULL, expires_at timestamptz NOT NULL)`,
      );
    }).catch((err: unknown) => {
      this.#ready = undefined;
      throw err;
    });
    return this.#ready;
  }
}
