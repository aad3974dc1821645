import type { SessionManagerEvents } from '../manager/types';
import type { SessionManagerListening } from './types';

type EventName = keyof SessionManagerEvents & string;

/** Listens to a manager's events and forgets all of those listeners at once. */
export class Listeners {
  readonly #manager: SessionManagerListening;
  readonly #undo: Array<() => void> = [];

  constructor(manager: SessionManagerListening) {
    this.#manager = manager;
  }

  on<K extends EventName>(event: K, listener: (...args: SessionManagerEvents[K]) => void): this {
    this.#manager.on(event, listener);
    this.#undo.push(() => void this.#manager.off(event, listener));
    return this;
  }

  /** Removes every listener added here. Idempotent. */
  clear(): void {
    for (const undo of this.#undo.splice(0)) undo();
  }
}
