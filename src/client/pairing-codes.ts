/**
 * Pairing codes of one run: a code asked of the page, emitted as `code`, and renewed every
 * `intervalMs` through the run's queue (in order with the page's reports) until the page no longer
 * waits for a login. A new request replaces the renewal.
 */
import { sessionState } from '../web/states';
import type { WebPage } from '../web/web-page';
import type { EmitClientEvent } from './events';
import type { RunQueue } from './run-queue';

export class PairingCodes {
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly web: WebPage,
    private readonly queue: RunQueue,
    private readonly emit: EmitClientEvent,
  ) {}

  async request(phone: string, notify: boolean, intervalMs: number): Promise<string> {
    this.stop();
    const code = await this.web.pairingCode(phone, notify);
    this.emit('code', code);
    this.#timer = setInterval(() => {
      this.queue.push(async () => {
        if (sessionState((await this.web.state()) ?? '').kind !== 'unpaired') {
          this.stop();
          return;
        }
        this.emit('code', await this.web.pairingCode(phone, notify));
      });
    }, intervalMs);
    return code;
  }

  /** Ends the renewal. Idempotent. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
