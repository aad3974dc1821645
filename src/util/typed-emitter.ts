import { EventEmitter } from 'node:events';
import { AbortError, TimeoutError } from '../errors';

/** An event map: event name → listener argument tuple. */
export type EventMap = { [event: string]: unknown[] };

export interface WaitForOptions {
  /** Milliseconds before the wait rejects with a TimeoutError. @default no limit */
  timeout?: number;
  signal?: AbortSignal;
}

/**
 * EventEmitter typed by one event map, the single source of truth for names
 * and payloads, plus `waitFor` that always clears its timer and listener.
 */
export class TypedEmitter<E extends EventMap> {
  readonly #emitter = new EventEmitter();

  constructor() {
    this.#emitter.setMaxListeners(50);
  }

  on<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.#emitter.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  once<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.#emitter.once(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.#emitter.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  removeAllListeners<K extends keyof E & string>(event?: K): this {
    if (event === undefined) this.#emitter.removeAllListeners();
    else this.#emitter.removeAllListeners(event);
    return this;
  }

  listenerCount<K extends keyof E & string>(event: K): number {
    return this.#emitter.listenerCount(event);
  }

  protected emit<K extends keyof E & string>(event: K, ...args: E[K]): void {
    // Like Node's emitter, an 'error' nobody listens to is not lost; unlike it, it does not throw.
    if (event === 'error' && this.#emitter.listenerCount('error') === 0) {
      this.onUnhandledError(args[0]);
      return;
    }
    // A throwing listener must not break the emitter's own state machine.
    // rawListeners keeps once() wrappers, which are bound and remove themselves when called.
    const listeners = this.#emitter.rawListeners(event) as Array<(...a: unknown[]) => unknown>;
    for (const listener of listeners) {
      try {
        const result = listener.apply(this, args);
        if (result instanceof Promise) result.catch((err: unknown) => this.onListenerError(event, err));
      } catch (err) {
        this.onListenerError(event, err);
      }
    }
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
        this.#emitter.off(event, onEvent);
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
      this.#emitter.on(event, onEvent);
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
