/**
 * The chaos soak's store check: no stale write is ever served as a session's newest generation.
 * Every poll lists each session's newest generation in its store, reads it back (once per
 * generation), hashes its bytes and finds which save wrote them (the workers report each save's
 * fencing token and hash before it reaches the store, test/helpers/chaos-store.ts). The newest
 * generation is stale when a save with a larger token (or a later save by the same owner) had
 * already been stored when the poll began and the served bytes are older than it, or when its only
 * writer was refused with FENCED. Bytes no reported save wrote are counted apart.
 */
import type { SessionStore } from '../../src/index';
import type { ChaosCluster, DbKind, SaveLog } from './chaos-cluster';
import { sha256 } from './chaos-store';

/** How long a write with no reported end yet is given before it is judged as it stands. */
const PENDING_MS = 60_000;

export class StaleWatch {
  readonly stale: string[] = [];
  readonly unknown: string[] = [];
  polls = 0;
  /** Store id → the newest generation already judged (`generation@createdAt`). */
  readonly #judged = new Map<string, string>();
  /** Session and cause of each stale finding → the generations found so. */
  readonly #why = new Map<string, number[]>();

  private constructor(
    readonly cluster: ChaosCluster,
    readonly stores: Record<DbKind, { store: SessionStore; close(): Promise<void> }>,
  ) {}

  static async open(cluster: ChaosCluster): Promise<StaleWatch> {
    const postgres = await cluster.openStore('postgres');
    try {
      const mongo = await cluster.openStore('mongo');
      return new StaleWatch(cluster, { postgres, mongo });
    } catch (err) {
      await postgres.close();
      throw err;
    }
  }

  /** One look at every session's newest generation; a store that does not answer within 5 s is skipped this time. */
  async poll(): Promise<void> {
    this.polls++;
    await Promise.all(this.cluster.sessions.map((id) => this.#check(id).catch(() => undefined)));
  }

  async #check(id: string): Promise<void> {
    const storeId = `RemoteAuth-${id}`;
    const { store } = this.stores[this.cluster.kindOf(id)];
    const began = Date.now();
    const [newest] = await store.list(storeId, { signal: AbortSignal.timeout(5000) });
    if (!newest) return;
    const key = `${newest.generation}@${newest.createdAt.getTime()}`;
    if (this.#judged.get(storeId) === key) return;
    const loaded = await store.load(storeId, { generation: newest.generation, signal: AbortSignal.timeout(10_000) });
    if (!loaded || loaded.createdAt.getTime() !== newest.createdAt.getTime()) return;
    const verdict = judge(this.cluster.saves.get(storeId) ?? { begins: [], ends: [] }, sha256(loaded.data), began);
    if (verdict === 'pending') return;
    this.#judged.set(storeId, key);
    const at = new Date(began).toISOString();
    if (verdict === 'unknown')
      this.unknown.push(`${id}: newest generation ${newest.generation} (seen ${at}) matches no save a worker began`);
    else if (verdict !== 'ok') {
      this.stale.push(`${id}: newest generation ${newest.generation} (seen ${at}) ${verdict}`);
      this.#why.set(`${id}: ${verdict}`, [...(this.#why.get(`${id}: ${verdict}`) ?? []), newest.generation]);
    }
  }

  /** The stale findings grouped by session and cause: one line each, with the generations it covered. */
  episodes(): string[] {
    return [...this.#why].map(
      ([why, gens]) =>
        `${why} (${gens.length === 1 ? `generation ${gens[0]}` : `${gens.length} newest generations, ${gens[0]} to ${gens[gens.length - 1]}`})`,
    );
  }

  async close(): Promise<void> {
    await Promise.all([this.stores.postgres.close(), this.stores.mongo.close()]);
  }
}

/**
 * Who wrote the bytes `sha` and whether they may be the newest: 'ok', 'unknown', 'pending' (a
 * write still under way, judged later) or why they are stale.
 */
export function judge(log: SaveLog, sha: string, pollBegan: number): string {
  const writers = log.begins.filter((b) => b.sha === sha);
  if (writers.length === 0) return 'unknown';
  const ends = log.ends.filter((e) => e.sha === sha);
  const stored = ends.filter((e) => e.ok);
  if (stored.length === 0 && ends.length > 0 && ends.every((e) => e.code === 'FENCED')) {
    return `holds bytes of a save the store refused (FENCED) under token ${[...new Set(ends.map((e) => e.token ?? 'none'))].join('/')} by ${[...new Set(ends.map((e) => e.worker))].join('/')}`;
  }
  // Its writer has not said how the save ended: judge it once it has (or was killed long enough ago).
  if (ends.length === 0 && writers.every((b) => Date.now() - b.at < PENDING_MS)) return 'pending';
  const completed = log.ends.filter((e) => e.ok && e.at < pollBegan);
  if (completed.length === 0) return 'ok';
  const tokenOf = (t: number | null): number => t ?? 0;
  const top = Math.max(...completed.map((e) => tokenOf(e.token)));
  const last = completed.filter((e) => tokenOf(e.token) === top).reduce((a, b) => (b.at >= a.at ? b : a));
  if (sha === last.sha) return 'ok';
  const newer = writers.some((b) => tokenOf(b.token) > top || (tokenOf(b.token) === top && b.at > last.at));
  if (newer) return 'ok';
  const tokens = [...new Set(writers.map((b) => b.token ?? 'none'))].join('/');
  const by = [...new Set(writers.map((b) => b.worker))].join('/');
  return `holds bytes saved under token ${tokens} by ${by}, older than the save already stored under token ${top} by ${last.worker}`;
}
