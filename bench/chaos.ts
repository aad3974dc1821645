/**
 * `npm run chaos -- --minutes N [--seed S] [--workers 3|4] [--sessions 12] [--kinds a,b] [--skip a,b]
 * [--expect-not-owner CODE] [--expect-live-write CODE] [--json FILE]`: the chaos soak of issue 23
 * (test/helpers/chaos.ts) on a random, seeded fault schedule. Prints the summary and exits 1 on any
 * violation, naming the seed that reproduces the schedule.
 */
import { writeFileSync } from 'node:fs';
import { runChaos } from '../test/helpers/chaos';
import { DEFAULT_OPTIONS, FAULT_KINDS, formatSummary, isFaultKind, type ChaosOptions, type FaultKind } from '../test/helpers/chaos-plan';

const USAGE =
  'usage: npm run chaos -- --minutes N [--seed S] [--workers 3|4] [--sessions 12] [--ttl-ms 8000] [--kinds k1,k2] [--skip k1,k2] ' +
  `[--expect-not-owner CODE] [--expect-live-write CODE] [--json FILE]\n  fault kinds: ${FAULT_KINDS.join(', ')}`;

interface Args {
  options: Partial<ChaosOptions> & Pick<ChaosOptions, 'seed' | 'minutes'>;
  json: string | undefined;
}

function kindList(text: string): FaultKind[] {
  const kinds = text.split(',').map((k) => k.trim());
  for (const k of kinds) if (!isFaultKind(k)) throw new Error(`unknown fault kind "${k}" (${FAULT_KINDS.join(', ')})`);
  return kinds as FaultKind[];
}

function integer(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer from ${min} to ${max}`);
  return n;
}

function parse(argv: string[]): Args {
  const options: Args['options'] = { seed: Math.floor(Math.random() * 2 ** 31), minutes: 10 };
  const expect = { ...DEFAULT_OPTIONS.expect };
  let json: string | undefined;
  let skip: FaultKind[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    const value = argv[++i];
    if (value === undefined) throw new Error(`${arg} needs a value (see --help)`);
    if (arg === '--minutes') {
      options.minutes = Number(value);
      if (!(options.minutes > 0 && options.minutes <= 24 * 60)) throw new Error('--minutes must be a number from 0 to 1440');
    } else if (arg === '--seed') options.seed = integer('--seed', value, 0, 2 ** 32 - 1);
    else if (arg === '--workers') options.workers = integer('--workers', value, 3, 4);
    else if (arg === '--sessions') options.sessions = integer('--sessions', value, 2, 24);
    else if (arg === '--ttl-ms') options.leaseTtlMs = integer('--ttl-ms', value, 2000, 60_000);
    else if (arg === '--kinds') options.kinds = kindList(value);
    else if (arg === '--skip') skip = kindList(value);
    else if (arg === '--expect-not-owner') expect.notOwnerCode = value;
    else if (arg === '--expect-live-write') expect.liveWriteCode = value;
    else if (arg === '--json') json = value;
    else throw new Error(`unknown argument ${arg} (see --help)`);
  }
  options.kinds = (options.kinds ?? FAULT_KINDS).filter((k) => !skip.includes(k));
  if (options.kinds.length === 0) throw new Error('no fault kind left to run');
  options.expect = expect;
  return { options, json };
}

async function main(): Promise<number> {
  const { options, json } = parse(process.argv.slice(2));
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const summary = await runChaos({
    ...options,
    signal: controller.signal,
    log: (line) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`),
  }).catch((err: unknown) => {
    console.error(`chaos soak failed (seed ${options.seed})`);
    throw err;
  });
  console.log(`\n${formatSummary(summary)}`);
  if (json !== undefined) writeFileSync(json, `${JSON.stringify(summary, null, 2)}\n`);
  return summary.violations.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
