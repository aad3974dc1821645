import { EventEmitter } from 'node:events';
import { AbortError, TimeoutError } from '../errors';

/** An event map: event name → listener argument tuple. */
export type EventMap = { [event: string]: unknown[] };

export interface WaitForOptions {
  /** Milliseconds before the wait rejects with a TimeoutError. @default no limit */
  timeout?: number;
  signal?: AbortSignal;
}

/** A listener of any event: what Node's own `on(name, listener)` takes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Node's EventEmitter types its untyped listeners this way
type AnyListener = (...args: any[]) => void;

/**
 * A Node `EventEmitter` (so `instanceof EventEmitter`, `addListener`, `prependListener`, `listeners`,
 * `setMaxListeners` all work) typed by one event map, the single source of truth for names and
 * payloads, plus `waitFor` that always clears its timer and listener. `Alt` types some of those events
 * a second way, for listeners written against another declaration of the same events (the Client's
 * whatsapp-web.js names, as whatsapp-web.js declares them): `on` takes a listener typed either way, and
 * `E` alone types `emit` and `waitFor`; unknown names are still refused. Unlike Node's: an `error`
 * nobody listens to is logged, not thrown, and a listener that throws does not stop the others.
 */
export class TypedEmitter<E extends EventMap, Alt extends EventMap = Record<never, never>> extends EventEmitter {
  constructor() {
    super({ captureRejections: false });
    this.setMaxListeners(50);
  }

  override on<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this;
  override on<K extends keyof Alt & string>(event: K, listener: (...args: Alt[K]) => void): this;
  override on(event: string | symbol, listener: AnyListener): this {
    return super.on(event, listener);
  }

  override once<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this;
  override once<K extends keyof Alt & string>(event: K, listener: (...args: Alt[K]) => void): this;
  override once(event: string | symbol, listener: AnyListener): this {
    return super.once(event, listener);
  }

  override off<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this;
  override off<K extends keyof Alt & string>(event: K, listener: (...args: Alt[K]) => void): this;
  override off(event: string | symbol, listener: AnyListener): this {
    return super.off(event, listener);
  }

  override addListener<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this;
  override addListener<K extends keyof Alt & string>(event: K, listener: (...args: Alt[K]) => void): this;
  override addListener(event: string | symbol, listener: AnyListener): this {
    return super.addListener(event, listener);
  }

  override prependListener<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this;
  override prependListener<K extends keyof Alt & string>(event: K, listener: (...args: Alt[K]) => void): this;
  override prependListener(event: string | symbol, listener: AnyListener): this {
    return super.prependListener(event, listener);
  }

  override prependOnceListener<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this;
  override prependOnceListener<K extends keyof Alt & string>(event: K, listener: (...args: Alt[K]) => void): this;
  override prependOnceListener(event: string | symbol, listener: AnyListener): this {
    return super.prependOnceListener(event, listener);
  }

  override removeListener<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this;
  override removeListener<K extends keyof Alt & string>(event: K, listener: (...args: Alt[K]) => void): this;
  override removeListener(event: string | symbol, listener: AnyListener): this {
    return super.removeListener(event, listener);
  }

  /**
   * Calls every listener of `event` in order. An `error` nobody listens to is logged (Node's would
   * throw it into the emitting code); a listener that throws or rejects is logged and the next runs.
   */
  override emit<K extends keyof E & string>(event: K, ...args: E[K]): boolean;
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'error' && this.listenerCount('error') === 0) {
      this.onUnhandledError(args[0]);
      return false;
    }
    // rawListeners keeps once() wrappers, which are bound and remove themselves when called.
    const listeners = this.rawListeners(event) as Array<(...a: unknown[]) => unknown>;
    for (const listener of listeners) {
      try {
        const result = listener.apply(this, args);
        if (result instanceof Promise) result.catch((err: unknown) => this.onListenerError(String(event), err));
      } catch (err) {
        this.onListenerError(String(event), err);
      }
    }
    return listeners.length > 0;
  }

  /** Called for an `error` event that has no listener; logs it by default. */
  protected onUnhandledError(err: unknown): void {
    console.error("waweb: an 'error' event had no listener (add .on('error', ...) to handle these):", err);
  }

  /** Called when a listener throws or rejects; logs by default. */
  protected onListenerError(event: string, err: unknown): void {
    console.error(`waweb: a listener for '${event}' threw:`, err);
  }

  /** Resolves with the arguments of the next `event`. Names `timeoutOption` in its TimeoutError. */
  waitFor<K extends keyof E & string>(event: K, options: WaitForOptions & { timeoutOption?: string } = {}): Promise<E[K]> {
    const { timeout, signal, timeoutOption } = options;
    if (signal?.aborted) return Promise.reject(new AbortError(`waiting for '${event}' was aborted`, { cause: signal.reason }));
    return new Promise<E[K]>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const cleanup = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        super.off(event, onEvent);
        signal?.removeEventListener('abort', onAbort);
      };
      const onEvent = (...args: unknown[]): void => {
        cleanup();
        resolve(args as E[K]);
      };
      const onAbort = (): void => {
        cleanup();
        reject(new AbortError(`waiting for '${event}' was aborted`, { cause: signal?.reason }));
      };
      super.on(event, onEvent);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (timeout !== undefined) {
        timer = setTimeout(() => {
          cleanup();
          reject(new TimeoutError(`'${event}' did not happen within ${timeout} ms (${timeoutOption ?? 'timeout'})`));
        }, timeout);
      }
    });
  }
}
