/**
 * `--simulator` and `--simulator-url` for the commands that run clients (`login`, `serve`): a local
 * WhatsApp Web started in-process or one already running, the Chromium flags that reach it, and its
 * phones scanning the QR codes shown, so the command works offline.
 */
import { InvalidOptionError } from '../index';
import { WhatsAppSimulator } from '../simulator/index';

export const DEFAULT_PHONE = '15550001234';
/** The token a simulator's phone API may require (the same variable `waweb simulator` reads). */
export const SIMULATOR_TOKEN_ENV = 'WAWEB_SIMULATOR_TOKEN';
const CALL_TIMEOUT_MS = 10_000;

/** `--phone`: a simulated phone's number, digits only. */
export function phoneOption(value: string | boolean | undefined): string {
  if (value === undefined) return DEFAULT_PHONE;
  if (typeof value !== 'string' || !/^\d{6,15}$/.test(value)) throw new InvalidOptionError('--phone must be 6 to 15 digits');
  return value;
}

/** The simulated phone numbers `count` sessions use: `first`, then the numbers after it. */
export function phoneNumbers(first: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => (BigInt(first) + BigInt(i)).toString());
}

/** How the command reaches a simulator's phones. */
type Scan = (number: string, qr: string) => Promise<unknown>;

/**
 * The simulator a command runs against: one it started in this process (`--simulator`), or one
 * already running that it reaches through the phone API `waweb simulator` prints (`--simulator-url`).
 */
export class SimulatorLink implements AsyncDisposable {
  readonly #args: string[];
  readonly #scan: Scan;
  readonly #stop: () => Promise<void>;
  readonly #log: (message: string) => void;
  readonly #timers = new Set<NodeJS.Timeout>();
  #closing: Promise<void> | undefined;

  private constructor(args: string[], scan: Scan, stop: () => Promise<void>, log: (message: string) => void) {
    this.#args = args;
    this.#scan = scan;
    this.#stop = stop;
    this.#log = log;
  }

  /** Starts a simulator in this process; `close()` stops it. */
  static async start(log: (message: string) => void): Promise<SimulatorLink> {
    const sim = await WhatsAppSimulator.start();
    log(`simulator started on 127.0.0.1:${sim.port}, phone API ${sim.adminUrl ?? '-'}`);
    return new SimulatorLink(
      sim.chromiumArgs(),
      (number, qr) => sim.phone(number).scan(qr),
      () => sim.close(),
      log,
    );
  }

  /**
   * Reaches a running simulator through its phone API (`url`, as `waweb simulator` prints it; with
   * the token of WAWEB_SIMULATOR_TOKEN when set). Asks it for the Chromium flags that lead to it.
   */
  static async connect(url: string, log: (message: string) => void, token = process.env[SIMULATOR_TOKEN_ENV]): Promise<SimulatorLink> {
    let base: URL;
    try {
      base = new URL(url.endsWith('/') ? url : `${url}/`);
    } catch {
      throw new InvalidOptionError(
        `--simulator-url must be the simulator's phone API URL (http://127.0.0.1:PORT), not ${JSON.stringify(url)}`,
      );
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new InvalidOptionError('--simulator-url must be an http: URL');
    const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (token) headers['authorization'] = `Bearer ${token}`;
      const res = await fetch(new URL(path, base), {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
      const json = (await res.json().catch(() => ({}))) as { error?: unknown };
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${typeof json.error === 'string' ? json.error : ''}`.trim());
      return json;
    };
    let args: unknown;
    try {
      args = ((await call('GET', 'chromium-args')) as { args?: unknown }).args;
    } catch (err) {
      throw new InvalidOptionError(`no simulator answers at ${base.href}: ${err instanceof Error ? err.message : String(err)}`, {
        cause: err,
      });
    }
    if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) {
      throw new InvalidOptionError(`${base.href} did not answer with the simulator's Chromium flags`);
    }
    log(`simulator at ${base.href}`);
    const scan: Scan = (number, qr) => call('POST', `phones/${encodeURIComponent(number)}/scan`, { qr });
    return new SimulatorLink(args, scan, async () => undefined, log);
  }

  /** The flags that send Chromium's web.whatsapp.com to the simulator. */
  chromiumArgs(): string[] {
    return [...this.#args];
  }

  /** The phone `number` scans `qr` after `delayMs` (the QR shows first); the outcome is logged. */
  scanSoon(number: string, qr: string, delayMs = 1500): void {
    if (this.#closing) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      let scanning: Promise<unknown>;
      try {
        scanning = this.#scan(number, qr);
      } catch (err) {
        scanning = Promise.reject(err);
      }
      scanning.then(
        () => this.#log(`simulated phone ${number} scanned the QR`),
        (err: unknown) => this.#log(`simulated phone ${number} could not scan: ${String(err)}`),
      );
    }, delayMs);
    this.#timers.add(timer);
  }

  /** Cancels pending scans and stops a simulator this command started. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const timer of this.#timers) clearTimeout(timer);
      this.#timers.clear();
      await this.#stop();
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** `--simulator` or `--simulator-url URL` (one of them), or no simulator at all. */
export async function openSimulator(
  values: { simulator?: string | boolean | undefined; 'simulator-url'?: string | boolean | undefined },
  log: (message: string) => void,
): Promise<SimulatorLink | undefined> {
  const url = values['simulator-url'];
  if (values.simulator && url !== undefined) throw new InvalidOptionError('give --simulator or --simulator-url, not both');
  if (values.simulator) return SimulatorLink.start(log);
  if (typeof url === 'string') return SimulatorLink.connect(url, log);
  return undefined;
}
