/**
 * Issue 23, point 3: a worker whose Node process alone stalls (SIGSTOP to its pid only: a long GC, a
 * blocked event loop) while its Chromium runs on and keeps its connection. Before the lease can
 * expire, the dead-man switch (a watchdog process that does not depend on Node's event loop) kills
 * that Chromium; the other worker takes the session over and logs in from the backup, and the
 * simulator never sees two browsers on the number. When the stalled worker wakes, it learns it
 * lost the lease.
 */
import { isLive } from '../helpers/processes';
import { BACKEND_KINDS, useWorkerCluster } from '../helpers/worker-cluster';

const NUMBER = '15550230001';

describe.each(BACKEND_KINDS)('a worker whose Node process alone stalls, on %s', (kind) => {
  const env = useWorkerCluster(kind, 'nodestall');
  const start = (name: string) => env.start(name, ['s1'], () => NUMBER, { leaseTtlMs: 6000, sweepIntervalMs: 500 });

  test('its Chromium is killed before the lease can expire; the other worker takes over without a QR or an overlap', async () => {
    const a = start(`${kind}-a`);
    await a.when((r) => r.type === 'ready' && r.id === 's1', 60_000);
    await a.when((r) => r.type === 'saved' && r.id === 's1', 30_000);
    const b = start(`${kind}-b`);
    const browser = a.browsers()[0] as number;
    expect(isLive(browser)).toBe(true);

    // Node alone stops; its watchdog and its Chromium run on.
    const stalledAt = Date.now();
    a.signal('SIGSTOP');
    expect(await b.when((r) => r.type === 'acquired' && r.id === 's1', 30_000)).toMatchObject({ takenFrom: a.id });
    // The lease was free only once A's browser was gone.
    expect(isLive(browser)).toBe(false);
    expect(await b.when((r) => r.type === 'ready' && r.id === 's1', 60_000)).toMatchObject({ restored: true });

    // A wakes after B logged in: it lets the session go.
    const from = a.reports.length;
    a.signal('SIGCONT');
    expect(await a.when((r) => r.type === 'lost' && r.id === 's1', 30_000, from)).toMatchObject({ code: 'LEASE_LOST' });
    expect(env.sim.overlaps()).toEqual([]);
    expect(b.reports.filter((r) => r.type === 'qr' && r.t >= stalledAt)).toEqual([]);
    expect(b.reports.filter((r) => r.type === 'lost')).toEqual([]);

    a.signal('SIGTERM');
    b.signal('SIGTERM');
    expect(await a.exited).toMatchObject({ code: 0 });
    expect(await b.exited).toMatchObject({ code: 0 });
  }, 180_000);
});
