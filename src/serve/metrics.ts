/**
 * Prometheus metrics of one SessionManager, in a registry of their own (never prom-client's global
 * one), so an application can serve them from its own server or next to its own metrics:
 *
 *   const { registry } = createMetrics(manager);
 *   app.get('/metrics', async (_req, res) => res.type(registry.contentType).send(await registry.metrics()));
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { MANAGED_STATES } from '../manager/types';
import { Listeners } from './listen';
import { processTreeMemory } from './memory';
import type { Metrics, MetricsManager, MetricsOptions } from './types';

const SAVE_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const RESTORE_BUCKETS = [0.5, 1, 2, 5, 10, 20, 30, 60, 120];

let processDefaults: Registry | undefined;

/**
 * prom-client's process metrics, made once per process: they install a GC observer and an event
 * loop monitor that prom-client has no way to remove, so every registry shares the same ones.
 */
function defaultMetrics(): Registry {
  if (!processDefaults) {
    processDefaults = new Registry();
    collectDefaultMetrics({ register: processDefaults });
  }
  return processDefaults;
}

/** The metrics of `manager` (see docs/dashboard.md for the list), in a new `Registry`. */
export function createMetrics(manager: MetricsManager, options: MetricsOptions = {}): Metrics {
  const own = new Registry();
  const registers = [own];

  new Gauge({
    name: 'waweb_sessions',
    help: 'Sessions on this worker, by state.',
    labelNames: ['state'],
    registers,
    collect() {
      const counts = new Map<string, number>(MANAGED_STATES.map((state) => [state, 0]));
      for (const info of manager.list()) counts.set(info.state, (counts.get(info.state) ?? 0) + 1);
      for (const [state, n] of counts) this.set({ state }, n);
    },
  });
  const saves = new Counter({ name: 'waweb_session_saves_total', help: 'Backups stored.', registers });
  const saveFailures = new Counter({ name: 'waweb_session_save_failures_total', help: 'Backups that failed.', registers });
  const saveDuration = new Histogram({
    name: 'waweb_session_save_duration_seconds',
    help: 'How long a stored backup took, from archive to store.',
    buckets: SAVE_BUCKETS,
    registers,
  });
  const restoreDuration = new Histogram({
    name: 'waweb_session_restore_duration_seconds',
    help: 'From the start of a run to ready, for sessions that came back without a QR or code.',
    buckets: RESTORE_BUCKETS,
    registers,
  });
  const takeovers = new Counter({
    name: 'waweb_lease_takeovers_total',
    help: 'Leases this worker took over after another worker let them expire.',
    registers,
  });
  const losses = new Counter({ name: 'waweb_lease_losses_total', help: 'Leases this worker lost.', registers });
  const startFailures = new Counter({
    name: 'waweb_session_start_failures_total',
    help: 'Starts that failed (initialize() rejected, a disconnect before ready, stuckAfterMs), by error code.',
    labelNames: ['code'],
    registers,
  });
  new Gauge({
    name: 'waweb_browser_memory_bytes',
    help: "Memory of this worker's browsers and all their child processes (Linux Pss, else Rss; 0 off Linux).",
    registers,
    async collect() {
      this.set(await processTreeMemory(manager.browserPids().map((b) => b.pid)));
    },
  });

  new Gauge({
    name: 'waweb_session_memory_bytes',
    help: "PSS of one session's browser and all its child processes at the last sample (Linux only).",
    labelNames: ['session'],
    registers,
    collect() {
      this.reset();
      for (const info of manager.list()) if (info.meter) this.set({ session: info.id }, info.meter.pssBytes);
    },
  });
  new Counter({
    name: 'waweb_session_cpu_seconds_total',
    help: "CPU time (user + system) of one session's browser tree since that browser started, at the last sample (Linux only).",
    labelNames: ['session'],
    registers,
    collect() {
      this.reset();
      for (const info of manager.list()) if (info.meter) this.inc({ session: info.id }, info.meter.cpuSeconds);
    },
  });
  const ceilingRestarts = new Counter({
    name: 'waweb_session_ceiling_restarts_total',
    help: 'Sessions saved and restarted for going over maxMemoryMiB or maxCpuPercent, by session and kind (memory, cpu).',
    labelNames: ['session', 'kind'],
    registers,
  });

  const listeners = new Listeners(manager)
    .on('session.saved', (_id, info) => {
      saves.inc();
      saveDuration.observe(info.durationMs / 1000);
    })
    .on('session.save_failed', () => saveFailures.inc())
    .on('session.ready', (_id, info) => {
      if (info.restored) restoreDuration.observe(info.ms / 1000);
    })
    .on('lease.acquired', (_id, lease) => {
      if (lease.takenFrom !== null) takeovers.inc();
    })
    .on('lease.lost', () => losses.inc())
    .on('session.start_failed', (_id, failure) => startFailures.inc({ code: failure.code }))
    .on('session.ceiling', (id, breach) => ceilingRestarts.inc({ session: id, kind: breach.kind }));

  const registry = options.defaultMetrics === false ? own : Registry.merge([own, defaultMetrics()]);
  let closed = false;
  return {
    registry,
    close: () => {
      if (closed) return;
      closed = true;
      listeners.clear();
      registry.clear();
    },
  };
}
