/**
 * Issue 15, acceptance 2: a worker paused past its lease (SIGSTOP to its whole process group, its
 * dead-man switch included, and its Chromium frozen with it, as a frozen VM or container would be)
 * comes back (SIGCONT) after another worker took the session over. The save it attempts on waking
 * fails (its browser is killed at once, and a save that got through would carry its old fencing token
 * and be refused as `FENCED`), the newer owner's backups stay the newest, and the stale worker stops
 * that session. (Node stalled alone, its Chromium running on: test/e2e/node-stall.test.ts.)
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { WhatsAppSimulator } from '../../src/simulator';
import { spawnWorker, type Worker } from '../helpers/manager-workers';
import { isLive } from '../helpers/processes';
import { startPostgres } from '../helpers/postgres';
import { tempDir, type TempDir } from '../helpers/tmp';
import { BACKEND_KINDS, useWorkerCluster } from '../helpers/worker-cluster';

const NUMBER = '15550200001';

/** SIGSTOP / SIGCONT to a process group, ignoring one already gone. */
function groupSignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // gone
  }
}

describe.each(BACKEND_KINDS)('a stale owner on %s', (kind) => {
  const env = useWorkerCluster(kind, 'stale');
  // No periodic save: the only save the stale worker attempts is the one this test asks for.
  const start = (name: string): Worker =>
    env.start(name, ['s1'], () => NUMBER, { leaseTtlMs: 4000, sweepIntervalMs: 500, backupSyncIntervalMs: 3_600_000 });

  test('its save is refused with FENCED, the newer backup stays newest, and it stops the session', async () => {
    const a = start(`${kind}-a`);
    await a.when((r) => r.type === 'ready' && r.id === 's1', 60_000);
    // Both backups of the first run (at ready, then once localStorage is on disk) are stored.
    await a.when((r) => r.type === 'saved' && r.generation === 2, 30_000);
    const b = start(`${kind}-b`);
    const browser = a.browsers()[0] as number;
    expect(browser).toBeGreaterThan(0);

    // Freeze worker A (its Node and its dead-man switch: the whole process group) and its Chromium past the lease.
    groupSignal(a.pid, 'SIGSTOP');
    groupSignal(browser, 'SIGSTOP');
    const acquired = await b.when((r) => r.type === 'acquired' && r.id === 's1', 30_000);
    expect(acquired).toMatchObject({ takenFrom: a.id });
    expect(await b.when((r) => r.type === 'ready' && r.id === 's1', 30_000)).toMatchObject({ restored: true });
    // B's two backups of its run (at ready, then the settled one): nothing of B's is still to come.
    const bSaved = await b.when((r) => r.type === 'saved' && r.id === 's1', 30_000);
    await b.when((r) => r.type === 'saved' && r.id === 's1' && r.t > bSaved.t, 30_000);

    const opened = await env.openStore();
    try {
      const newestBefore = (await opened.store.list('RemoteAuth-s1'))[0];
      expect(newestBefore).toBeDefined();
      // A's first act on waking: a save of its (stale) copy, forced even if unchanged.
      const from = a.reports.length;
      a.send({ cmd: 'save', id: 's1', force: true });
      groupSignal(a.pid, 'SIGCONT');
      // A learns it lost the lease and kills its (still frozen) browser; the save never reaches the store.
      expect(await a.when((r) => r.type === 'lost' && r.id === 's1', 30_000, from)).toMatchObject({ code: 'LEASE_LOST' });
      groupSignal(browser, 'SIGCONT');
      expect(await a.when((r) => r.type === 'save-result' && r.id === 's1', 60_000, from)).toMatchObject({ ok: false });
      await a.when((r) => r.type === 'state' && r.id === 's1' && r.state === 'stopped', 30_000, from);

      const newestAfter = (await opened.store.list('RemoteAuth-s1'))[0];
      expect(newestAfter).toEqual(newestBefore);
      // The newer owner kept the session throughout.
      expect(b.reports.filter((r) => r.type === 'lost' || (r.type === 'state' && r.state !== 'ready' && r.state !== 'starting'))).toEqual(
        [],
      );
    } finally {
      await opened.close();
    }
    // The frozen browser still held its connection when B logged in: the server told it CONFLICT.
    expect(env.sim.overlaps().map((o) => o.phone)).toEqual([NUMBER]);
    b.signal('SIGTERM');
    a.signal('SIGTERM');
    expect(await b.exited).toMatchObject({ code: 0 });
    expect(await a.exited).toMatchObject({ code: 0 });
  }, 180_000);
});

describe('a worker that cannot renew', () => {
  let sim: WhatsAppSimulator;
  let pg: Awaited<ReturnType<typeof startPostgres>>;
  let work: TempDir;
  let worker: Worker | undefined;

  beforeAll(async () => {
    [sim, pg, work] = await Promise.all([WhatsAppSimulator.start(), startPostgres(), tempDir('waweb-renew-')]);
  }, 120_000);

  afterAll(async () => {
    const left = (await worker?.destroy()) ?? [];
    await sim?.close();
    await pg?.resume?.().catch(() => undefined);
    await pg?.stop();
    await work?.remove();
    expect(left).toEqual([]);
  }, 60_000);

  // A server from the environment is not this test's to stop: skipped then.
  const externalPostgres = Boolean(process.env['PG_CONNECTION_STRING'] || process.env['DATABASE_URL']);
  (externalPostgres ? test.skip : test)(
    'stops its session itself before the lease can expire, and takes it back once the database returns',
    async () => {
      if (!pg.pause || !pg.resume) throw new Error('the local PostgreSQL helper can pause and resume');
      const number = '15550200002';
      worker = spawnWorker(
        {
          workerId: 'lonely',
          backend: { kind: 'postgres', connectionString: pg.connectionString, table: `rn_${randomBytes(4).toString('hex')}` },
          sessions: ['r1'],
          dataPath: join(work.path, 'lonely'),
          chromiumArgs: sim.chromiumArgs(),
          leaseTtlMs: 4000,
          sweepIntervalMs: 500,
        },
        (report) => {
          if (report.type === 'qr')
            sim
              .phone(number)
              .scan(report.qr)
              .catch(() => undefined);
        },
      );
      await worker.when((r) => r.type === 'ready' && r.id === 'r1', 60_000);
      const firstBackup = await worker.when((r) => r.type === 'saved' && r.id === 'r1', 30_000);
      await worker.when((r) => r.type === 'saved' && r.id === 'r1' && r.t > firstBackup.t, 30_000);
      const browser = worker.browsers()[0] as number;

      await pg.pause();
      const from = worker.reports.length;
      expect(await worker.when((r) => r.type === 'lost' && r.id === 'r1', 30_000, from)).toMatchObject({ code: 'LEASE_LOST' });
      await worker.when((r) => r.type === 'state' && r.id === 'r1' && r.state === 'stopped', 30_000, from);
      // Its browser is closed: nobody holds the session while the lease runs out.
      expect(isLive(browser)).toBe(false);

      await pg.resume();
      const again = await worker.when((r) => r.type === 'acquired' && r.id === 'r1', 60_000, from);
      expect(again).toMatchObject({ takenFrom: 'lonely' });
      expect(await worker.when((r) => r.type === 'ready' && r.id === 'r1', 60_000, from)).toMatchObject({ restored: true });
      expect(worker.reports.slice(from).filter((r) => r.type === 'qr')).toEqual([]);
      worker.signal('SIGTERM');
      expect(await worker.exited).toMatchObject({ code: 0 });
      expect(sim.overlaps()).toEqual([]);
    },
    180_000,
  );
});
