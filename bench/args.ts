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
  only: ClientKind | 'cluster' | undefined;
  /** Most sessions the sessions-per-host phase adds. */
  hostMax: number;
  keep: boolean;
  verbose: boolean;
  /** Paired sessions started at once per client kind (0: skip that part). */
  sessions: number;
}

const USAGE =
  'usage: npm run bench -- [--json FILE] [--fill-mb 50] [--repeat 5] [--only waweb|wwebjs|plugin|cluster] [--sessions 10] [--host-max 400] [--wwebjs-chromium full|shell] [--keep] [--verbose]';

/** Throws on a bad argument; `--help` prints the usage and exits. */
export function parseArgs(argv: string[]): Args {
  const args: Args = {
    json: undefined,
    repeat: 5,
    fillBytes: 50 * MiB,
    only: undefined,
    keep: false,
    verbose: false,
    sessions: 10,
    hostMax: 400,
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
    } else if (name === '--only') {
      const v = value();
      if (v !== 'waweb' && v !== 'wwebjs' && v !== 'plugin' && v !== 'cluster')
        throw new Error('--only takes waweb, wwebjs, plugin or cluster');
      args.only = v;
    } else if (name === '--sessions') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0 || n > 50) throw new Error('--sessions must be an integer from 0 to 50');
      args.sessions = n;
    } else if (name === '--wwebjs-chromium') {
      const v = value();
      if (v !== 'full' && v !== 'shell') throw new Error('--wwebjs-chromium takes full or shell');
      // Read by the bench's own child processes and by the sessions part (bench/wwebjs-chromium.ts).
      process.env[WWEBJS_CHROMIUM_ENV] = v;
    } else if (name === '--host-max') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 10 || n > 1000) throw new Error('--host-max must be an integer from 10 to 1000');
      args.hostMax = n;
    } else if (arg === '--keep') args.keep = true;
    else if (arg === '--verbose') args.verbose = true;
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${arg} (see --help)`);
  }
  return args;
}
