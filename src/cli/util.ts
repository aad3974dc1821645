import { parseArgs, type ParseArgsConfig } from 'node:util';
import QRCode from 'qrcode';
import { InvalidOptionError } from '../index';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  /** Arguments that are not flags; always empty unless `allowPositionals`. */
  positionals: string[];
}

export interface ParseSettings {
  /** Accept arguments that are not flags. @default false */
  positionals?: boolean;
  /**
   * Options whose values are flags for another program (`--chromium-arg`): the form users paste,
   * `--chromium-arg "--ignore-certificate-errors-spki-list=<pin>"`, takes the next argument as the value even though
   * it starts with `-` (node's parser calls it ambiguous and wants `--chromium-arg=--flag`).
   */
  passThrough?: readonly string[];
}

/** `--name VALUE` with a VALUE that starts with `-` becomes `--name=VALUE`, for the pass-through options; nothing after `--` changes. */
export function joinPassThrough(argv: readonly string[], names: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const next = argv[i + 1];
    if (arg.startsWith('--') && names.includes(arg.slice(2)) && next !== undefined && next.startsWith('-')) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** Parses `argv` strictly (plus `--help`/`-h`); unknown flags are an InvalidOptionError that shows `usage`. */
export function parse(argv: string[], options: Options, usage: string, settings: ParseSettings = {}): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: settings.passThrough ? joinPassThrough(argv, settings.passThrough) : argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: settings.positionals === true,
    });
    return { values: values, positionals };
  } catch (err) {
    throw new InvalidOptionError(`${err instanceof Error ? err.message : String(err)}\n\n${usage}`);
  }
}

export function intOption(value: string | boolean | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(n) || n < min || n > max) {
    throw new InvalidOptionError(`--${name} must be an integer from ${min} to ${max}`);
  }
  return n;
}

/** A QR code drawn with text blocks, for terminals. */
export function terminalQr(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'terminal', small: true });
}

/** Resolves on the first SIGINT or SIGTERM. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/** Prints `message` with the seconds since `start`. */
export function stepLogger(start = Date.now()): (message: string) => void {
  return (message) => console.log(`[${((Date.now() - start) / 1000).toFixed(2).padStart(6)} s] ${message}`);
}

/** Runs the subcommand `argv[0]` of `commands`; help and unknown names print `usage`. */
export async function dispatch(
  name: string,
  usage: string,
  commands: Record<string, (argv: string[]) => Promise<number>>,
  argv: string[],
): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    console.log(usage);
    return command === undefined ? 1 : 0;
  }
  const run = Object.hasOwn(commands, command) ? commands[command] : undefined;
  if (!run) {
    console.error(`${name}: unknown command '${command}'\n\n${usage}`);
    return 1;
  }
  return run(rest);
}
