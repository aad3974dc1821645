/**
 * `waweb serve`'s meter and ceiling flags: how often each session's browser is measured, and the
 * memory and CPU ceilings over which the manager saves and restarts a session, for every session
 * (`--max-memory-mib`) or for one (`--session-limit ID:max-memory-mib=N`).
 */
import { InvalidOptionError } from '../index';
import type { SessionLimits, SessionManagerOptions } from '../manager/index';
import { intOption, type ParsedArgs } from './util';

export const METER_OPTIONS = {
  'max-memory-mib': { type: 'string' },
  'max-cpu-percent': { type: 'string' },
  'cpu-window-ms': { type: 'string' },
  'meter-interval-ms': { type: 'string' },
  'ceiling-interval-ms': { type: 'string' },
  'session-limit': { type: 'string', multiple: true },
} as const;

export const METER_USAGE = `  --max-memory-mib N  restart (after its backup) a ready session whose browser
                      uses more than N MiB of memory (PSS) on a sample
  --max-cpu-percent N the same over N % of one core (100 = a full core), averaged
                      over --cpu-window-ms
  --cpu-window-ms N   the time the CPU ceiling averages over (default 60000)
  --meter-interval-ms N
                      how often each session's browser is measured (default 15000)
  --ceiling-interval-ms N
                      the least time between two ceiling restarts of a session,
                      doubling while it comes back over (default 300000)
  --session-limit ID:max-memory-mib=N,max-cpu-percent=N
                      one session's own ceilings over the two above, repeatable;
                      'off' as a value turns that ceiling off for the session`;

/** The manager options these flags set. */
export type MeterOptions = Pick<
  SessionManagerOptions,
  'maxMemoryMiB' | 'maxCpuPercent' | 'cpuWindowMs' | 'meterIntervalMs' | 'ceilingIntervalMs' | 'sessionLimits'
>;

const MAX_MIB = 1024 * 1024;
const MAX_PERCENT = 100 * 1024;
/** The longest a Node timer waits. */
const MAX_MS = 2_147_483_647;
const LIMIT_FLAGS = { 'max-memory-mib': 'maxMemoryMiB', 'max-cpu-percent': 'maxCpuPercent' } as const;
type LimitFlag = keyof typeof LIMIT_FLAGS;

function isLimitFlag(name: string): name is LimitFlag {
  return Object.hasOwn(LIMIT_FLAGS, name);
}

/** One `--session-limit` value, `ID:name=N|off[,name=N|off]`, into `limits`. */
function sessionLimit(value: string, sessions: readonly string[], limits: Record<string, SessionLimits>): void {
  const at = value.lastIndexOf(':');
  const id = at > 0 ? value.slice(0, at) : '';
  const pairs = at > 0 ? value.slice(at + 1).split(',') : [];
  if (id === '' || pairs.length === 0 || pairs.some((p) => p === '')) {
    throw new InvalidOptionError(`--session-limit must be ID:max-memory-mib=N[,max-cpu-percent=N], not ${JSON.stringify(value)}`);
  }
  if (!sessions.includes(id)) throw new InvalidOptionError(`--session-limit ${value}: ${JSON.stringify(id)} is not one of --sessions`);
  const own = (limits[id] ??= {});
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const name = eq > 0 ? pair.slice(0, eq) : pair;
    if (!isLimitFlag(name) || eq < 0) {
      throw new InvalidOptionError(
        `--session-limit ${value}: use max-memory-mib=N or max-cpu-percent=N (N, or off), not ${JSON.stringify(pair)}`,
      );
    }
    const raw = pair.slice(eq + 1);
    own[LIMIT_FLAGS[name]] =
      raw === 'off' ? null : intOption(raw, `session-limit ${id}:${name}`, 1, name === 'max-memory-mib' ? MAX_MIB : MAX_PERCENT);
  }
}

/** The meter options from the flags (only those given); a bad value is an InvalidOptionError naming its flag. */
export function meterOptions(values: ParsedArgs['values'], sessions: readonly string[]): MeterOptions {
  const options: MeterOptions = {};
  const maxMemoryMiB = intOption(values['max-memory-mib'], 'max-memory-mib', 1, MAX_MIB);
  const maxCpuPercent = intOption(values['max-cpu-percent'], 'max-cpu-percent', 1, MAX_PERCENT);
  const cpuWindowMs = intOption(values['cpu-window-ms'], 'cpu-window-ms', 1000, MAX_MS);
  const meterIntervalMs = intOption(values['meter-interval-ms'], 'meter-interval-ms', 100, MAX_MS);
  const ceilingIntervalMs = intOption(values['ceiling-interval-ms'], 'ceiling-interval-ms', 1000, MAX_MS);
  if (maxMemoryMiB !== undefined) options.maxMemoryMiB = maxMemoryMiB;
  if (maxCpuPercent !== undefined) options.maxCpuPercent = maxCpuPercent;
  if (cpuWindowMs !== undefined) options.cpuWindowMs = cpuWindowMs;
  if (meterIntervalMs !== undefined) options.meterIntervalMs = meterIntervalMs;
  if (ceilingIntervalMs !== undefined) options.ceilingIntervalMs = ceilingIntervalMs;
  const raw = values['session-limit'] as unknown;
  if (Array.isArray(raw) && raw.length > 0) {
    const limits: Record<string, SessionLimits> = {};
    for (const value of raw) sessionLimit(String(value), sessions, limits);
    options.sessionLimits = limits;
  }
  return options;
}
