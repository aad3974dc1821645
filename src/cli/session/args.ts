/**
 * The command line of one `waweb session` subcommand: parsed strictly (unknown flags and missing
 * values are an InvalidOptionError that shows the subcommand's usage), with the checks every
 * subcommand repeats (required flags, session ids, no stray arguments).
 */
import { InvalidOptionError, assertSessionId } from '../../index';
import { storeUrlOption } from '../store-url';
import { parse } from '../util';

export type Flags = Record<string, { type: 'string' | 'boolean' }>;

/** A subcommand: its lines in `waweb session --help`, and what it does. */
export interface SessionCommand {
  usage: string;
  run(argv: string[]): Promise<number>;
}

export class SessionArgs {
  readonly #values: Record<string, string | boolean | undefined>;
  readonly positionals: string[];
  readonly #usage: string;

  private constructor(values: Record<string, string | boolean | undefined>, positionals: string[], usage: string) {
    this.#values = values;
    this.positionals = positionals;
    this.#usage = usage;
  }

  /** `argv` parsed against `flags`; `usage` is the subcommand's lines, shown with any error. */
  static parse(argv: string[], flags: Flags, usage: string): SessionArgs {
    const shown = `usage: waweb session\n${usage}`;
    const { values, positionals } = parse(argv, flags, shown, { positionals: true });
    // A command that takes --store and no file argument reads the URL from WAWEB_STORE_URL when the flag is absent.
    if ('store' in flags && positionals.length === 0) values['store'] = storeUrlOption(values['store'] as string | undefined);
    return new SessionArgs(values, positionals, shown);
  }

  /** An InvalidOptionError that shows the usage. */
  invalid(message: string): InvalidOptionError {
    return new InvalidOptionError(`${message}\n\n${this.#usage}`);
  }

  string(name: string): string | undefined {
    const value = this.#values[name];
    return typeof value === 'string' ? value : undefined;
  }

  flag(name: string): boolean {
    return this.#values[name] === true;
  }

  /** The value of `--name`, which must be given and not empty. */
  required(name: string): string {
    const value = this.string(name);
    if (value === undefined || value === '') throw this.invalid(`--${name} is required`);
    return value;
  }

  /** `--session`, required and a valid session id. */
  session(): string {
    const id = this.required('session');
    assertSessionId(id);
    return id;
  }

  /** `--generation`: a positive integer, or `undefined` when not given. */
  generation(): number | undefined {
    const value = this.string('generation');
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1)
      throw this.invalid(`--generation must be a positive integer, got ${JSON.stringify(value)}`);
    return n;
  }

  noPositionals(): void {
    if (this.positionals.length > 0) throw this.invalid(`unexpected argument ${JSON.stringify(this.positionals[0])}`);
  }
}
