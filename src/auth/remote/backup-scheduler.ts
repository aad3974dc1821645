/**
 * When RemoteAuth's backups run: one queue (saves never overlap, in call order), a timer for the
 * periodic save with backoff after a failed one, and the follow-up save a save asks for. It calls
 * one save function and knows nothing of what a save does.
 */
import { AbortError, ErrorCode } from '../../errors';

/** `forced`: a live save uploaded even when nothing changed. */
export type SaveMode = 'live' | 'forced' | 'final';

/** What a save asks of the scheduler: `follow-up` queues a live save at once (after this one). */
export type SaveOutcome = 'done' | 'follow-up';

export interface BackupSchedulerOptions {
  /** Time between periodic saves. */
  intervalMs: number;
  /** First retry delay after a failed periodic save; doubles up to `MAX_RETRY_DELAY_MS`. */
  retryDelayMs: number;
  /** One save. Only `final` saves run once the scheduler is stopped; the others are skipped then. */
  save(mode: SaveMode): Promise<SaveOutcome>;
  /** A save the scheduler started itself (periodic, follow-up) failed; a cancelled one is not reported. */
  report(err: unknown): void;
}

export const MAX_RETRY_DELAY_MS = 60_000;

/** `base` doubled `attempt` times, at most `MAX_RETRY_DELAY_MS`. */
export function backoff(base: number, attempt: number): number {
  return Math.min(base * 2 ** attempt, MAX_RETRY_DELAY_MS);
}

export class BackupScheduler {
  #timer: NodeJS.Timeout | undefined;
  /** Tail of the save queue: every save runs after the previous one settled. */
  #queue: Promise<void> = Promise.resolve();
  #failures = 0;
  #active = false;
  /** The run's cancellation: a save that ends with an `AbortError` once it fired was cut short on purpose. */
  #signal: AbortSignal = AbortSignal.abort();

  constructor(private readonly options: BackupSchedulerOptions) {}

  /** Settles when every save queued so far has settled. */
  get idle(): Promise<void> {
    return this.#queue;
  }

  /** A run starts (its browser runs): live saves go through from now on, until `stop()`. */
  start(signal: AbortSignal): void {
    this.#active = true;
    this.#failures = 0;
    this.#signal = signal;
  }

  /**
   * A save after any in flight or queued; rejects with its error. A live save asked for once the
   * scheduler is stopped resolves without running (there is no logged-in browser to save from).
   */
  enqueue(mode: SaveMode): Promise<void> {
    const signal = this.#signal;
    const run = this.#queue.then(async () => {
      if (mode !== 'final' && !this.#active) return;
      const outcome = await this.options.save(mode);
      if (outcome === 'follow-up') this.enqueue('live').catch((err: unknown) => this.#failed(err, signal));
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** The next periodic save in `ms` (0: now), replacing one already timed. Nothing once stopped. */
  schedule(ms: number): void {
    this.#clearTimer();
    if (!this.#active) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const signal = this.#signal;
      this.enqueue('live').then(
        () => {
          this.#failures = 0;
          this.schedule(this.options.intervalMs);
        },
        (err: unknown) => {
          if (!this.#failed(err, signal)) return;
          // A refused fencing token is final: a newer owner has the session, and retrying cannot help.
          if ((err as { code?: unknown }).code === ErrorCode.FENCED) return this.stop();
          this.schedule(backoff(this.options.retryDelayMs, this.#failures++));
        },
      );
    }, ms);
  }

  /** No more periodic saves, and live saves are skipped; queued final saves still run. */
  stop(): void {
    this.#active = false;
    this.#clearTimer();
  }

  /**
   * Reports the failure of a save nobody awaits, unless it was cut short on purpose (a crash,
   * destroy() or a logout aborted the run it was queued in). True when it was reported.
   */
  #failed(err: unknown, signal: AbortSignal): boolean {
    if (signal.aborted && err instanceof AbortError) return false;
    this.options.report(err);
    return true;
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
