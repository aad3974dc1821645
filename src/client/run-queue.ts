/**
 * The order a run's work happens in: page reports, stops, pairing-code renewals and takeovers run one
 * at a time, in the order they came, and none after the run closed. A failed task is reported, typed,
 * and the queue goes on.
 */
import { PageError, WawebError, errorMessage } from '../errors';

export class RunQueue {
  #tail: Promise<void> = Promise.resolve();
  #closed = false;

  /** `report`: where failures go (the client's `error` event). */
  constructor(private readonly report: (error: WawebError) => void) {}

  /** Runs `task` after every task pushed before it, unless the queue is closed by then. */
  push(task: () => Promise<void>): void {
    this.#tail = this.#tail
      .then(async () => {
        if (this.#closed) return;
        await task();
      })
      .catch((err: unknown) => {
        this.report(asError(err));
      });
  }

  /** Tasks not yet started are dropped. */
  close(): void {
    this.#closed = true;
  }
}

/** waweb's errors pass through; anything else becomes a `PageError` (`PAGE_FAILED`) with the original as `cause`. */
export function asError(err: unknown): WawebError {
  return err instanceof WawebError ? err : new PageError(`unexpected failure: ${errorMessage(err)}`, { cause: err });
}
