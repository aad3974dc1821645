/** The command line of `npm run bench` (see docs/bench.md for what each option does). */
import { resolve } from 'node:path';
import { MiB } from './format';
import type { ClientKind } from './protocol';
import { WWEBJS_CHROMIUM_ENV } from './wwebjs-chromium';

export interface Args {
  json: string | undefined;
  /** Restore-to-ready samples per scenario (the median is reported). */
  repeat: number;
  fillBytes: number;
  /** History size of the big-profile rows (waweb, FileStore and PostgreSQL). */
  bigBytes: number;
  only: Only | undefined;
  /** Most sessions the sessions-per-host phase adds; `undefined` (`--no-host`): that phase is skipped. */
  hostMax: number | undefined;
  keep: boolean;
  verbose: boolean;
  /** Each N: N paired sessions started at once per client kind (empty: skip that part). */
  sessions: number[];
}

/** `--only`: one client of the table, the big-profile rows, the sessions at once, or the SessionManager numbers. */
export type Only = ClientKind | 'big' | 'sessions' | 'cluster';
const ONLY: readonly Only[] = ['waweb', 'wwebjs', 'plugin', 'big', 'sessions', 'cluster'];

/** The sessions-per-host phase adds sessions until memory runs short; this is its cap by default. */
export const HOST_MAX = 1000;

const USAGE =
  'usage: npm run bench -- [--json FILE] [--fill-mb 50] [--big-mb 200] [--repeat 5] [--only waweb|wwebjs|plugin|big|sessions|cluster] [--sessions 10[,100]] [--host-max 1000] [--no-host] [--wwebjs-chromium full|shell] [--keep] [--verbose]';

/** Throws on a bad argument; `--help` prints the usage and exits. */
export function parseArgs(argv: string[]): Args {
  const args: Args = {
    json: undefined,
    repeat: 5,
    fillBytes: 50 * MiB,
    bigBytes: 200 * MiB,
    only: undefined,
    keep: false,
    verbose: false,
    sessions: [10],
    hostMax: HOST_MAX,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (v === undefined || v === '') throw new Error(`${arg.split('=')[0]} needs a value`);
      return v;
    };
    const name = arg.split('=')[0];
    if (name === '--json') args.json = resolve(value());
    else if (name === '--repeat') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1 || n > 20) throw new Error('--repeat must be an integer from 1 to 20');
      args.repeat = n;
    } else if (name === '--fill-mb') {
      const mb = Number(value());
      if (!Number.isFinite(mb) || mb <= 0 || mb > 1024) throw new Error('--fill-mb must be a number from 1 to 1024');
      args.fillBytes = Math.round(mb * MiB);
    } else if (name === '--big-mb') {
      const mb = Number(value());
      if (!Number.isFinite(mb) || mb <= 0 || mb > 1024) throw new Error('--big-mb must be a number from 1 to 1024');
      args.bigBytes = Math.round(mb * MiB);
    } else if (name === '--only') {
      const v = value();
      const only = ONLY.find((o) => o === v);
      if (!only) throw new Error(`--only takes ${ONLY.join(', ')}`);
      args.only = only;
    } else if (name === '--sessions') {
      const list = value()
        .split(',')
        .map((v) => Number(v.trim()));
      if (list.some((n) => !Number.isInteger(n) || n < 0 || n > 200))
        throw new Error('--sessions takes integers from 0 to 200, comma-separated (10,100)');
      args.sessions = [...new Set(list.filter((n) => n > 0))].sort((a, b) => a - b);
    } else if (name === '--wwebjs-chromium') {
      const v = value();
      if (v !== 'full' && v !== 'shell') throw new Error('--wwebjs-chromium takes full or shell');
      // Read by the bench's own child processes and by the sessions part (bench/wwebjs-chromium.ts).
      process.env[WWEBJS_CHROMIUM_ENV] = v;
    } else if (name === '--host-max') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 10 || n > 2000) throw new Error('--host-max must be an integer from 10 to 2000');
      args.hostMax = n;
    } else if (arg === '--no-host') args.hostMax = undefined;
    else if (arg === '--keep') args.keep = true;
    else if (arg === '--verbose') args.verbose = true;
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${arg} (see --help)`);
  }
  return args;
}
