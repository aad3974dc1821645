/**
 * Issue 15, acceptance 1: three SessionManager workers (child processes) share nine sessions through
 * leases on PostgreSQL, then on MongoDB. SIGKILL one worker: all its sessions come back `ready` on
 * the others, restored without a QR, after its leases expire. SIGTERM another: its sessions are
 * released and taken at once (`takenFrom` null: no wait for the TTL). Over the whole test the
 * simulator records no moment where two browsers held one session. Then a new worker joins and is
 * handed its share, again restored without a QR.
 */
import { balanced, currentOwners, type Reported, type Worker } from '../helpers/manager-workers';
import { BACKEND_KINDS, useWorkerCluster } from '../helpers/worker-cluster';

const SESSIONS = Array.from({ length: 9 }, (_, i) => `s${i + 1}`);
const LEASE_TTL_MS = 6000;
const numberOf = (id: string): string => `1555010${id.slice(1).padStart(4, '0')}`;

describe.each(BACKEND_KINDS)('failover over %s leases', (kind) => {
  const env = useWorkerCluster(kind, 'failover');
  const workers = env.workers;
  const start = (name: string): Worker => env.start(name, SESSIONS, numberOf, { leaseTtlMs: LEASE_TTL_MS });

  const owners = (): Map<string, string> => currentOwners(workers);

  async function allReady(among: Worker[], since: number, timeoutMs: number): Promise<Map<string, Reported>> {
    const found = new Map<string, Reported>();
    await Promise.all(
      SESSIONS.map(async (id) => {
        const hits = await Promise.any(among.map((w) => w.when((r) => r.type === 'ready' && r.id === id && r.t >= since, timeoutMs)));
        found.set(id, hits);
      }),
    );
    return found;
  }

  test("SIGKILL: a dead worker's sessions come back ready elsewhere without a QR; SIGTERM: handed over at once; no two browsers ever", async () => {
    const [a, b, c] = [start(`${kind}-a`), start(`${kind}-b`), start(`${kind}-c`)];
    await allReady([a, b, c], 0, 120_000);
    // Every session backed up once before anything is killed.
    await Promise.all(SESSIONS.map((id) => Promise.any([a, b, c].map((w) => w.when((r) => r.type === 'saved' && r.id === id, 60_000)))));
    // Workers that started together settle on three sessions each.
    const before = await balanced([a, b, c], SESSIONS, 60_000);

    // SIGKILL the worker running the most sessions.
    const busiest = [a, b, c].sort(
      (x, y) => [...before.values()].filter((o) => o === y.id).length - [...before.values()].filter((o) => o === x.id).length,
    )[0] as Worker;
    const moved = [...before].filter(([, o]) => o === busiest.id).map(([id]) => id);
    expect(moved.length).toBeGreaterThan(0);
    const killedAt = Date.now();
    busiest.signal('SIGKILL');
    await busiest.exited;
    const rest = [a, b, c].filter((w) => w !== busiest);
    for (const id of moved) {
      const ready = await Promise.any(rest.map((w) => w.when((r) => r.type === 'ready' && r.id === id && r.t >= killedAt, 60_000)));
      expect(ready).toMatchObject({ restored: true });
    }
    const qrsAfterKill = rest.flatMap((w) => w.reports.filter((r) => r.type === 'qr' && r.t >= killedAt));
    expect(qrsAfterKill).toEqual([]);
    const takeovers = rest.flatMap((w) => w.reports.filter((r) => r.type === 'acquired' && r.t >= killedAt && moved.includes(r.id)));
    expect(takeovers.map((r) => (r.type === 'acquired' ? r.takenFrom : null)).sort()).toEqual(moved.map(() => busiest.id));
    // The killed worker's browsers ended with it (their DevTools pipe closed).
    expect(busiest.browsers().length).toBeGreaterThan(0);
    expect(await busiest.destroy()).toEqual([]);

    // SIGTERM one of the two left: it saves, releases, and the last worker takes everything at once.
    const [leaving, staying] = rest as [Worker, Worker];
    const handed = [...owners()].filter(([, o]) => o === leaving.id).map(([id]) => id);
    expect(handed.length).toBeGreaterThan(0);
    const termAt = Date.now();
    leaving.signal('SIGTERM');
    expect(await leaving.exited).toMatchObject({ code: 0 });
    expect(
      // Only the releases of the shutdown: balancing may have handed a session over and taken it back before.
      leaving.reports
        .filter((r) => r.type === 'released' && r.t >= termAt)
        .map((r) => ('id' in r ? r.id : ''))
        .sort(),
    ).toEqual([...handed].sort());
    for (const id of handed) {
      const acquired = await staying.when((r) => r.type === 'acquired' && r.id === id && r.t >= termAt, 30_000);
      expect(acquired).toMatchObject({ takenFrom: null });
      expect(await staying.when((r) => r.type === 'ready' && r.id === id && r.t >= termAt, 30_000)).toMatchObject({ restored: true });
    }
    expect(staying.reports.filter((r) => r.type === 'qr' && r.t >= killedAt)).toEqual([]);
    const state = owners();
    expect(SESSIONS.every((id) => state.get(id) === staying.id)).toBe(true);

    // A new worker joins: the one holding everything hands sessions over until both have their share.
    const joining = start(`${kind}-d`);
    const joinedAt = Date.now();
    const share = Math.ceil(SESSIONS.length / 2);
    const readyCount = (): number => joining.reports.filter((r) => r.type === 'ready').length;
    await joining.when(() => readyCount() >= SESSIONS.length - share, 60_000);
    const spread = owners();
    expect([...spread.values()].filter((o) => o === joining.id)).toHaveLength(SESSIONS.length - share);
    expect([...spread.values()].filter((o) => o === staying.id)).toHaveLength(share);
    expect(joining.reports.filter((r) => r.type === 'ready').every((r) => r.type === 'ready' && r.restored)).toBe(true);
    expect(joining.reports.filter((r) => r.type === 'qr')).toEqual([]);
    expect(staying.reports.filter((r) => r.type === 'released' && r.t >= joinedAt)).toHaveLength(SESSIONS.length - share);

    for (const w of [staying, joining]) w.signal('SIGTERM');
    for (const w of [staying, joining]) expect(await w.exited).toMatchObject({ code: 0 });
    expect(env.sim.overlaps()).toEqual([]);
  }, 300_000);
});
