/**
 * Per-session meters and ceilings. Every `meterIntervalMs` one pass over /proc measures each running
 * session's browser tree (PSS and CPU time); the last sample is shown on `list()`. A `ready` session
 * over its memory ceiling on a sample, or over its CPU ceiling averaged across `cpuWindowMs`, is
 * restarted through the manager's own `restart()` (a clean stop takes the final backup, then a new
 * start) after `session.ceiling`. Two ceiling restarts of one session are at least
 * `ceilingIntervalMs` apart, doubling while the session comes back over its ceiling at once, so a
 * ceiling set too low cannot loop. Sampling runs on its own timer, never on a session's path, and a
 * reading that fails only leaves that sample out.
 */
import { InvalidOptionError, errorMessage } from '../errors';
import { monotonicMs } from '../util/clock';
import type { Logger } from '../util/logger';
import { positiveNumber } from '../util/options';
import { processTreesSupported, readProcessTrees, type TreeReading } from '../util/process-tree';
import type { SessionHost } from './host';
import type { CeilingBreach, ManagedState, SessionLimits, SessionManagerOptions, SessionMeter } from './types';

const MIB = 1024 * 1024;
/** How long the doubled interval between ceiling restarts may grow (unless `ceilingIntervalMs` is longer). */
const MAX_CEILING_WAIT_MS = 3_600_000;
const LIMIT_KEYS: ReadonlySet<string> = new Set(['maxMemoryMiB', 'maxCpuPercent']);

/** The meter options, checked. */
export interface MeterSettings {
  intervalMs: number;
  maxMemoryMiB: number | undefined;
  maxCpuPercent: number | undefined;
  cpuWindowMs: number;
  ceilingIntervalMs: number;
  sessionLimits: Readonly<Record<string, SessionLimits>>;
}

/** Reads `SessionManagerOptions`' meter options; an `InvalidOptionError` names a bad one. */
export function meterSettings(options: SessionManagerOptions): MeterSettings {
  const sessionLimits = options.sessionLimits ?? {};
  if (typeof sessionLimits !== 'object' || sessionLimits === null || Array.isArray(sessionLimits)) {
    throw new InvalidOptionError('SessionManager: "sessionLimits" must be an object of { maxMemoryMiB?, maxCpuPercent? } by session id');
  }
  for (const [id, limits] of Object.entries(sessionLimits)) {
    if (typeof limits !== 'object' || limits === null) {
      throw new InvalidOptionError(`SessionManager: sessionLimits["${id}"] must be { maxMemoryMiB?, maxCpuPercent? }`);
    }
    for (const [key, value] of Object.entries(limits)) {
      if (!LIMIT_KEYS.has(key)) throw new InvalidOptionError(`SessionManager: sessionLimits["${id}"] has no option "${key}"`);
      if (value !== null) positiveNumber(value, 1, `SessionManager: sessionLimits["${id}"].${key}`);
    }
  }
  const optional = (value: unknown, name: string): number | undefined =>
    value === undefined ? undefined : positiveNumber(value, 1, `SessionManager: "${name}"`);
  return {
    intervalMs: positiveNumber(options.meterIntervalMs, 15_000, 'SessionManager: "meterIntervalMs"'),
    maxMemoryMiB: optional(options.maxMemoryMiB, 'maxMemoryMiB'),
    maxCpuPercent: optional(options.maxCpuPercent, 'maxCpuPercent'),
    cpuWindowMs: positiveNumber(options.cpuWindowMs, 60_000, 'SessionManager: "cpuWindowMs"'),
    ceilingIntervalMs: positiveNumber(options.ceilingIntervalMs, 300_000, 'SessionManager: "ceilingIntervalMs"'),
    sessionLimits,
  };
}

/** A session with a browser, as the meters see it. */
export interface MeteredSession {
  id: string;
  pid: number;
  state: ManagedState;
}

/** What the meters need from the manager. */
export interface MeterHost {
  /** This worker's sessions that have a browser (with leases: only those whose lease it holds). */
  running(): MeteredSession[];
  /** The manager's own restart (stop with a final backup, then start). */
  restart(id: string): Promise<void>;
  emit: SessionHost['emit'];
  logger: Logger;
}

/** Readings of browser trees by root pid (`readProcessTrees`; a fake in tests). */
export type TreeReader = (roots: readonly number[]) => Promise<Map<number, TreeReading>>;

interface Track {
  pid: number;
  meter: SessionMeter;
  /** CPU time by monotonic time, oldest first: just enough to average over `cpuWindowMs`. */
  history: Array<{ at: number; cpuSeconds: number }>;
}

interface Ceiling {
  inARow: number;
  /** Monotonic time before which no ceiling restarts this session again. */
  notBefore: number;
  restarting: boolean;
}

export class SessionMeters {
  readonly #tracks = new Map<string, Track>();
  readonly #ceilings = new Map<string, Ceiling>();
  readonly #restarts = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #sampling: Promise<void> | undefined;
  #closed = false;

  constructor(
    private readonly settings: MeterSettings,
    private readonly host: MeterHost,
    private readonly read: TreeReader = readProcessTrees,
    private readonly now: () => number = monotonicMs,
  ) {}

  /** Begins sampling every `intervalMs` (nothing off Linux, where there is nothing to read). */
  start(): void {
    if (this.#closed || this.#timer !== undefined || this.#sampling || (this.read === readProcessTrees && !processTreesSupported)) return;
    this.#schedule();
  }

  /** The last sample of session `id`, when it was of the browser `pid` that runs now. */
  meter(id: string, pid: number | undefined): SessionMeter | null {
    const track = this.#tracks.get(id);
    return track && pid !== undefined && track.pid === pid ? track.meter : null;
  }

  /** One pass: measures every running session and judges the ready ones against their ceilings. */
  async sample(): Promise<void> {
    const sessions = this.host.running();
    const readings = await this.read(sessions.map((s) => s.pid));
    const now = this.now();
    const sampledAt = new Date();
    const seen = new Set<string>();
    for (const session of sessions) {
      const reading = readings.get(session.pid);
      if (!reading) continue;
      seen.add(session.id);
      const old = this.#tracks.get(session.id);
      const history = old?.pid === session.pid ? old.history : [];
      const previous = history.at(-1);
      const cpuPercent =
        previous && now > previous.at
          ? Math.max(0, ((reading.cpuSeconds - previous.cpuSeconds) * 100_000) / (now - previous.at))
          : undefined;
      history.push({ at: now, cpuSeconds: reading.cpuSeconds });
      // Keep the newest entry at least a window old and everything after it.
      while (history.length > 1 && (history[1] as { at: number }).at <= now - this.settings.cpuWindowMs) history.shift();
      const meter: SessionMeter = {
        pid: session.pid,
        processes: reading.pids.length,
        pssBytes: reading.memoryBytes,
        cpuSeconds: reading.cpuSeconds,
        cpuPercent,
        sampledAt,
      };
      const track = { pid: session.pid, meter, history };
      this.#tracks.set(session.id, track);
      if (session.state === 'ready' && !this.#closed) this.#judge(session.id, track, now);
    }
    for (const id of this.#tracks.keys()) if (!seen.has(id)) this.#tracks.delete(id);
  }

  /** Stops sampling and waits for the sample and any ceiling restart under way. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#sampling;
    await Promise.allSettled([...this.#restarts]);
  }

  /** The ceilings of one session: its own entry over the manager's (`null` there: none). */
  #limits(id: string): { memoryMiB: number | undefined; cpuPercent: number | undefined } {
    const own = this.settings.sessionLimits[id] ?? {};
    const pick = (value: number | null | undefined, fallback: number | undefined): number | undefined =>
      value === undefined ? fallback : (value ?? undefined);
    return {
      memoryMiB: pick(own.maxMemoryMiB, this.settings.maxMemoryMiB),
      cpuPercent: pick(own.maxCpuPercent, this.settings.maxCpuPercent),
    };
  }

  #breach(id: string, track: Track, now: number): Omit<CeilingBreach, 'inARow' | 'nextAllowedInMs'> | undefined {
    const limits = this.#limits(id);
    const mib = track.meter.pssBytes / MIB;
    if (limits.memoryMiB !== undefined && mib > limits.memoryMiB) {
      return { kind: 'memory', value: mib, limit: limits.memoryMiB, windowMs: null };
    }
    const base = track.history[0];
    if (limits.cpuPercent === undefined || !base || base.at > now - this.settings.cpuWindowMs || base.at === now) return undefined;
    const percent = ((track.meter.cpuSeconds - base.cpuSeconds) * 100_000) / (now - base.at);
    return percent > limits.cpuPercent ? { kind: 'cpu', value: percent, limit: limits.cpuPercent, windowMs: now - base.at } : undefined;
  }

  #judge(id: string, track: Track, now: number): void {
    const ceiling = this.#ceilings.get(id) ?? { inARow: 0, notBefore: 0, restarting: false };
    this.#ceilings.set(id, ceiling);
    const breach = this.#breach(id, track, now);
    if (!breach) {
      ceiling.inARow = 0;
      return;
    }
    if (ceiling.restarting || now < ceiling.notBefore) return;
    ceiling.inARow++;
    const { ceilingIntervalMs } = this.settings;
    const wait = Math.min(Math.max(MAX_CEILING_WAIT_MS, ceilingIntervalMs), ceilingIntervalMs * 2 ** (ceiling.inARow - 1));
    ceiling.notBefore = now + wait;
    ceiling.restarting = true;
    this.host.logger.warn({ session: id, ...breach }, 'session over its ceiling: it is saved and restarted');
    this.host.emit('session.ceiling', id, { ...breach, inARow: ceiling.inARow, nextAllowedInMs: wait });
    const restart = this.host
      .restart(id)
      .catch((err: unknown) => this.host.logger.warn({ session: id, err: errorMessage(err) }, 'ceiling restart failed'))
      .finally(() => {
        ceiling.restarting = false;
        this.#restarts.delete(restart);
      });
    this.#restarts.add(restart);
  }

  #schedule(): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const sampling = this.sample().catch((err: unknown) =>
        this.host.logger.warn({ err: errorMessage(err) }, 'session meters: a sample failed'),
      );
      this.#sampling = sampling.finally(() => {
        this.#sampling = undefined;
        if (!this.#closed) this.#schedule();
      });
    }, this.settings.intervalMs);
    this.#timer.unref();
  }
}
