/**
 * Deadlines for streaming store calls: a transfer of any size is fine as long as it keeps moving,
 * so the deadline is on inactivity (no chunk for `ms`), not on the whole call. Not public.
 */
import { Readable } from 'node:stream';
import { AbortError, ErrorCode, StoreError, WawebError } from '../errors';
import { abortable } from '../util/deadline';

export interface WatchOptions {
  /** The driver's `callTimeout`; absent: no deadline, only the caller's signal. */
  timeout?: { readonly ms: number; readonly option?: string } | undefined;
  /** The caller's signal. */
  signal?: AbortSignal | undefined;
  /** `FileStore: saving session "x"`: what the errors name. */
  label: string;
}

/**
 * One signal for a streaming call that fires (with a `StoreError` code `TIMEOUT` naming the option,
 * or an `AbortError`) when the caller's signal does or when `timeout.ms` pass without `touch()`.
 * `pause()` stops the clock while the work waits on someone else (the reader of a loaded stream).
 */
export class Watchdog {
  readonly #controller = new AbortController();
  readonly #options: WatchOptions;
  readonly #onCallerAbort = (): void => this.stop(new AbortError(`${this.#options.label} was aborted`));
  #timer: NodeJS.Timeout | undefined;

  constructor(options: WatchOptions) {
    this.#options = options;
    if (options.signal?.aborted) this.#onCallerAbort();
    else options.signal?.addEventListener('abort', this.#onCallerAbort, { once: true });
    this.resume();
  }

  /** Fires with the reason the call stopped. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Progress: the clock starts again. */
  touch(): void {
    this.#timer?.refresh();
  }

  /** Stops the clock (the signal still fires on the caller's abort). */
  pause(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Starts the clock again (no-op without a timeout, or once stopped). */
  resume(): void {
    const timeout = this.#options.timeout;
    if (!timeout || this.#timer || this.#controller.signal.aborted) return;
    this.#timer = setTimeout(() => {
      const option = timeout.option ?? 'callTimeout';
      this.stop(
        new StoreError(`${this.#options.label}: nothing moved within ${option} (${timeout.ms} ms)`, {
          code: ErrorCode.TIMEOUT,
        }),
      );
    }, timeout.ms);
  }

  /** Fires the signal with `reason` (once) and releases the timer and the caller's listener. */
  stop(reason: Error): void {
    this.dispose();
    if (!this.#controller.signal.aborted) this.#controller.abort(reason);
  }

  /** Releases the timer and the caller's listener; the signal no longer fires by itself. */
  dispose(): void {
    this.pause();
    this.#options.signal?.removeEventListener('abort', this.#onCallerAbort);
  }
}

/** The reason `signal` fired, as the error a call rejects with. */
export function stopReason(signal: AbortSignal, label: string): Error {
  const reason: unknown = signal.reason;
  return reason instanceof WawebError ? reason : new AbortError(`${label} was aborted`);
}

/**
 * `work`, or the reason as soon as `signal` fires (the work left behind is expected to stop on the
 * same signal; its late rejection is consumed).
 */
export function settleOn<T>(work: Promise<T>, signal: AbortSignal, label: string): Promise<T> {
  return abortable(work, signal, () => stopReason(signal, label));
}

/**
 * The chunks of `source` as Buffers, each pull counted as progress on `watch`; stops with the
 * watchdog's reason as soon as it fires, even while `source` is waiting.
 */
export async function* watchedChunks(source: AsyncIterable<Uint8Array>, watch: Watchdog, label: string): AsyncGenerator<Buffer> {
  const iterator = source[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      const next = await settleOn(iterator.next(), watch.signal, label);
      if (next.done === true) {
        finished = true;
        return;
      }
      watch.touch();
      const chunk: unknown = next.value;
      if (!(chunk instanceof Uint8Array)) {
        throw new StoreError(`${label}: the source gave a ${typeof chunk}, not a Buffer or Uint8Array`);
      }
      yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    }
  } finally {
    // A source left early (an error, an abort, a driver that stopped reading) is told so, not awaited.
    if (!finished) iterator.return?.()?.catch(() => undefined);
  }
}

export interface GuardOptions {
  watch: Watchdog;
  label: string;
  /** The listed size: the stream must give exactly this many bytes. */
  bytes: number;
  maxBytes?: number | undefined;
  /** Turns an error of the driver's stream into the one the reader sees (a `StoreError`). */
  wrap(err: unknown): Error;
  /** `DATA_TOO_LARGE` for `bytes` read. */
  tooLarge(bytes: number): Error;
  /** The driver's `localFile` of this generation, if it has one. */
  localFile?: string | undefined;
}

/**
 * The stream a `loadStream` hands out over the driver's: chunks passed on as the reader asks for
 * them; the watchdog's clock runs only while waiting for the driver (not for the reader); the size
 * checked against `maxBytes` and the listed size; the driver's errors wrapped; the driver's stream
 * destroyed (and the watchdog's signal fired) when the reader destroys this one.
 */
export class GuardedStream extends Readable {
  readonly #source: Readable;
  readonly #options: GuardOptions;
  readonly #onStop = (): void => {
    this.#source.destroy(stopReason(this.#options.watch.signal, this.#options.label));
  };
  #total = 0;

  constructor(source: Readable, options: GuardOptions) {
    super();
    this.#source = source;
    this.#options = options;
    // 'data' events give the chunks as the driver made them (a read() of the buffer would join them).
    source.pause();
    source.on('data', (chunk: Buffer) => this.#onData(chunk));
    source.once('end', () => this.#onEnd());
    source.on('error', (err: unknown) => this.destroy(this.#options.wrap(err)));
    source.once('close', () => {
      if (!source.readableEnded && !this.destroyed) this.destroy(this.#options.wrap(new Error('the stream closed before its end')));
    });
    options.watch.pause();
    options.watch.signal.addEventListener('abort', this.#onStop, { once: true });
  }

  /** The local file that holds these bytes (the driver's `localFile`), if any. */
  get localFile(): string | undefined {
    return this.#options.localFile;
  }

  override _read(): void {
    this.#options.watch.resume();
    this.#source.resume();
  }

  #onData(chunk: Buffer): void {
    const { watch, maxBytes } = this.#options;
    watch.touch();
    this.#total += chunk.length;
    if (maxBytes !== undefined && this.#total > maxBytes) {
      this.destroy(this.#options.tooLarge(this.#total));
      return;
    }
    if (!this.push(chunk)) {
      // The reader is behind: the driver waits, and so does the clock.
      this.#source.pause();
      watch.pause();
    }
  }

  #onEnd(): void {
    this.#options.watch.pause();
    if (this.#total !== this.#options.bytes) {
      this.destroy(new StoreError(`${this.#options.label}: the stream gave ${this.#total} bytes, ${this.#options.bytes} are stored`));
      return;
    }
    this.push(null);
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    const { watch, label } = this.#options;
    watch.signal.removeEventListener('abort', this.#onStop);
    // Stopped before the end: the driver's work stops too (a query, a download).
    if (!this.readableEnded) watch.stop(err ?? new AbortError(`${label}: the stream was destroyed before its end`));
    watch.dispose();
    if (!this.#source.destroyed) this.#source.destroy();
    callback(err);
  }
}
