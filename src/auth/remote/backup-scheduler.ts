/**
 * When RemoteAuth's backups run: one queue (saves never overlap, in call order), a timer for the
 * periodic save, and backoff after a failed one. Knows nothing of what a save does.
 */
import { ErrorCode } from '../../errors';

/** `forced`: a live save uploaded even when nothing changed. */
export type SaveMode = 'live' | 'forced' | 'final';

export interface BackupSchedulerOptions {
  /** Time between periodic saves. */
  intervalMs: number;
  /** First retry delay after a failed periodic save; doubles up to `MAX_RETRY_DELAY_MS`. */
  retryDelayMs: number;
  /** One save. */
  save(mode: SaveMode): Promise<void>;
  /** What the timer runs: a live save through the queue (the strategy's public `saveNow()`). */
  periodic(): Promise<void>;
  /** A periodic save failed (it is retried); `cancelled` saves are not reported. */
  report(err: unknown): void;
  /** A save cut short on purpose (crash, destroy): neither reported nor retried. */
  cancelled(err: unknown): boolean;
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

  constructor(private readonly options: BackupSchedulerOptions) {}

  /** True between `activate()` and `stop()`: the session's browser runs. */
  get active(): boolean {
    return this.#active;
  }

  /** Settles when every save queued so far has settled. */
  get idle(): Promise<void> {
    return this.#queue;
  }

  activate(): void {
    this.#active = true;
    this.#failures = 0;
  }

  /** A save after any in flight or queued; rejects with its error. */
  enqueue(mode: SaveMode): Promise<void> {
    const run = this.#queue.then(() => this.options.save(mode));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** The next periodic save in `ms` (0: now), replacing one already timed. Nothing once stopped. */
  schedule(ms: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#active) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.options.periodic().then(
        () => {
          this.#failures = 0;
          this.schedule(this.options.intervalMs);
        },
        (err: unknown) => {
          if (this.options.cancelled(err)) return;
          this.options.report(err);
          // A refused fencing token is final: a newer owner has the session, and retrying cannot help.
          if ((err as { code?: unknown }).code === ErrorCode.FENCED) return this.stop();
          this.schedule(backoff(this.options.retryDelayMs, this.#failures++));
        },
      );
    }, ms);
  }

  /** No more periodic saves; queued ones still run. */
  stop(): void {
    this.#active = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
