/**
 * `--simulator` for the commands that run clients (`login`, `serve`): a local WhatsApp Web started
 * in-process, the Chromium flags that reach it, and its phones scanning the QR codes shown, so the
 * command works offline.
 */
import { InvalidOptionError } from '../index';
import { WhatsAppSimulator } from '../simulator/index';

export const DEFAULT_PHONE = '15550001234';

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

export class LocalSimulator implements AsyncDisposable {
  readonly #sim: WhatsAppSimulator;
  readonly #log: (message: string) => void;
  readonly #timers = new Set<NodeJS.Timeout>();

  private constructor(sim: WhatsAppSimulator, log: (message: string) => void) {
    this.#sim = sim;
    this.#log = log;
  }

  static async start(log: (message: string) => void): Promise<LocalSimulator> {
    const local = new LocalSimulator(await WhatsAppSimulator.start(), log);
    log(`simulator started on 127.0.0.1:${local.#sim.port}, phone API ${local.#sim.adminUrl ?? '-'}`);
    return local;
  }

  /** The flags that send Chromium's web.whatsapp.com to this simulator. */
  chromiumArgs(): string[] {
    return this.#sim.chromiumArgs();
  }

  /** The phone `number` scans `qr` after `delayMs` (the QR shows first); the outcome is logged. */
  scanSoon(number: string, qr: string, delayMs = 1500): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      let phone;
      try {
        phone = this.#sim.phone(number);
      } catch (err) {
        this.#log(`simulated phone ${number} cannot scan: ${String(err)}`);
        return;
      }
      phone.scan(qr).then(
        () => this.#log(`simulated phone ${number} scanned the QR`),
        (err: unknown) => this.#log(`simulated phone ${number} could not scan: ${String(err)}`),
      );
    }, delayMs);
    this.#timers.add(timer);
  }

  /** Cancels pending scans and stops the simulator. Idempotent. */
  async close(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    await this.#sim.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
