/**
 * The big-profile rows (issue 28): waweb's RemoteAuth backs up and restores a `--big-mb` (200 MiB)
 * history, once with FileStore and once with PostgresStore, through the same phases as the table's
 * clients (bench/client.ts), while the child samples its Buffer memory. The PostgreSQL server is the
 * tests' local one (test/helpers/postgres.ts: 127.0.0.1, a temporary folder), stopped at the end
 * whatever happens; `PG_CONNECTION_STRING` points the rows at another server instead.
 */
import { join } from 'node:path';
import { startPostgres } from '../test/helpers/postgres';
import { benchClient, type ClientResult, type Ctx, type Target } from './client';
import { fmtBytes, fmtMiB, fmtS, MiB } from './format';
import type { StoreSpec } from './protocol';
import { median } from './sessions';

export type BigStore = 'file' | 'postgres';
export const BIG_STORE_LABEL: Record<BigStore, string> = { file: 'FileStore', postgres: 'PostgreSQL' };
const PHONE: Record<BigStore, string> = { file: '15550008011', postgres: '15550008012' };

export interface BigResult extends ClientResult {
  store: BigStore;
}

/** Restores of the big backup per store: each one moves the whole profile, so fewer than `--repeat`. */
const restoresOf = (repeat: number): number => Math.min(repeat, 3);

function target(ctx: Ctx, store: BigStore, spec: StoreSpec): Target {
  return {
    kind: 'waweb',
    name: `big-${store}`,
    phone: PHONE[store],
    store: spec,
    fillBytes: ctx.args.bigBytes,
    // The first backup's restore is only the way to a session to fill: one, no extra samples.
    firstRestores: 1,
    pooledRestores: 0,
    bigRestores: restoresOf(ctx.args.repeat),
  };
}

async function one(ctx: Ctx, store: BigStore, spec: StoreSpec, log: (s: string) => void, into: BigResult[]): Promise<void> {
  const result: BigResult = { kind: 'waweb', name: `big-${store}`, store, restore: [], bigRestore: [], errors: [] };
  into.push(result);
  ctx.sim.phone(PHONE[store], { pushname: `bench big ${store}` });
  const started = performance.now();
  try {
    await benchClient(ctx, target(ctx, store, spec), log, result);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log(`  big-${store}: FAILED: ${message}`);
    result.errors.push(message);
  }
  log(`  big-${store}: done in ${fmtS(performance.now() - started)}`);
}

/** Runs both rows; fills `into` as it goes, so a failure keeps what was measured before it. */
export async function benchBig(ctx: Ctx, log: (s: string) => void, into: BigResult[]): Promise<void> {
  log(`bench: ${fmtBytes(ctx.args.bigBytes)} profile, waweb, FileStore`);
  await one(ctx, 'file', { kind: 'file', directory: join(ctx.work, 'big-file', 'store') }, log, into);
  if (ctx.interrupted()) return;
  log(`bench: ${fmtBytes(ctx.args.bigBytes)} profile, waweb, PostgreSQL`);
  let pg: Awaited<ReturnType<typeof startPostgres>> | undefined;
  try {
    const server = await startPostgres();
    pg = server;
    ctx.onCleanup(() => server.stop());
    log(`  big-postgres: ${pg.local ? 'a local PostgreSQL server on 127.0.0.1' : 'the server of PG_CONNECTION_STRING'}`);
    await one(ctx, 'postgres', { kind: 'postgres', connectionString: pg.connectionString, table: 'waweb_bench_big' }, log, into);
  } catch (err) {
    // Only startPostgres() throws here (one() keeps its own errors).
    const message = `PostgreSQL did not start: ${err instanceof Error ? err.message : String(err)}`;
    log(`  big-postgres: FAILED: ${message}`);
    into.push({ kind: 'waweb', name: 'big-postgres', store: 'postgres', restore: [], bigRestore: [], errors: [message] });
  } finally {
    await pg?.stop();
  }
}

/** One line per store for the printed report. */
export function bigLines(results: BigResult[], bigBytes: number): string[] {
  return results.map((r) => {
    const head = `${Math.round(bigBytes / MiB)} MiB profile, waweb, ${BIG_STORE_LABEL[r.store]}:`;
    const parts: string[] = [];
    if (r.fill) parts.push(`history filled in ${fmtS(r.fill.ms)}`);
    const b = r.bigBackup;
    if (b)
      parts.push(
        `backup ${fmtMiB(b.bytes)} in ${fmtS(b.durationMs)}, peak Buffer memory +${fmtMiB(b.rss.buffers.peak)} ` +
          `(external +${fmtMiB(b.rss.buffers.peakExternal)}, arrayBuffers +${fmtMiB(b.rss.buffers.peakArrayBuffers)}), RSS +${fmtMiB(b.rss.peak - b.rss.baseline)}`,
      );
    const ok = r.bigRestore.filter((x) => x.ok);
    if (ok.length) {
      const peaks = ok.map((x) => x.memory?.untilReady.peak).filter((p): p is number => p !== undefined);
      const held = ok.map((x) => x.memory?.untilReady.peakRetained).filter((p): p is number => p !== undefined);
      const profile = ok.map((x) => x.profileMs ?? NaN);
      parts.push(
        `restore → ready median ${fmtS(median(ok.map((x) => x.ms!)))} (store → profile ${fmtS(median(profile))}, n=${ok.length}), ` +
          (peaks.length ? `peak Buffer memory +${fmtMiB(Math.max(...peaks))}` : 'Buffer memory not reported') +
          (held.length ? ` (held +${fmtMiB(Math.max(...held))})` : ''),
      );
    }
    const failed = r.bigRestore.length - ok.length;
    if (failed) parts.push(`FAILED ${failed}/${r.bigRestore.length} restores`);
    for (const e of r.errors) parts.push(`error: ${e.split('\n')[0] ?? e}`);
    return `${head} ${parts.join('; ') || 'nothing measured'}`;
  });
}
