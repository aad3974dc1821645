/**
 * Backbone-style models and collections, the shape WhatsApp Web's modules
 * hand out: `on(events, fn)`, `off`, `once`, `change:<prop>` events that call
 * `fn(model, newValue)`. Space-separated event lists are accepted.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a handler takes whatever its event carries, as Backbone's do
type Handler = (...args: any[]) => unknown;

export class Events {
  #handlers = new Map<string, Handler[]>();
  /** Called after a handler is attached; the page uses it to gate `hasSynced`. */
  onListen: ((event: string) => void) | undefined;

  on(events: string, fn: Handler): this {
    for (const ev of events.split(/\s+/).filter(Boolean)) {
      const list = this.#handlers.get(ev) ?? [];
      list.push(fn);
      this.#handlers.set(ev, list);
      this.onListen?.(ev);
    }
    return this;
  }

  off(events?: string, fn?: Handler): this {
    if (events === undefined) {
      this.#handlers.clear();
      return this;
    }
    for (const ev of events.split(/\s+/).filter(Boolean)) {
      if (!fn) {
        this.#handlers.delete(ev);
        continue;
      }
      const list = (this.#handlers.get(ev) ?? []).filter((h) => h !== fn);
      this.#handlers.set(ev, list);
    }
    return this;
  }

  once(events: string, fn: Handler): this {
    const wrapper: Handler = (...args) => {
      this.off(events, wrapper);
      // eslint-disable-next-line @typescript-eslint/no-unsafe-argument -- passes the event's arguments on as they came
      return fn(...args);
    };
    return this.on(events, wrapper);
  }

  listenerCount(event: string): number {
    return this.#handlers.get(event)?.length ?? 0;
  }

  trigger(event: string, ...args: unknown[]): void {
    for (const fn of [...(this.#handlers.get(event) ?? [])]) {
      try {
        const result = fn(...args);
        if (result instanceof Promise) result.catch((err: unknown) => console.error(err));
      } catch (err) {
        console.error(err);
      }
    }
  }
}

export class Model extends Events {
  /** Collections holding this model: they relay its change events, as Backbone's do. */
  readonly #collections = new Set<Events>();

  /** Sets `key` and fires `change:<key>` (model, value, previous) and `change` when the value changed. */
  set(key: string, value: unknown): void {
    const self = this as unknown as Record<string, unknown>;
    const previous = self[key];
    if (previous === value) return;
    self[key] = value;
    for (const target of [this, ...this.#collections]) {
      target.trigger(`change:${key}`, this, value, previous);
      target.trigger('change', this);
    }
  }

  /** A model turned into JSON (a client handing one to an exposed function) is its `serialize()`. */
  toJSON(): unknown {
    const serialize = (this as { serialize?: () => unknown }).serialize;
    return typeof serialize === 'function' ? serialize.call(this) : {};
  }

  /** Called by a collection that takes this model in. */
  joined(collection: Events): void {
    this.#collections.add(collection);
  }

  left(collection: Events): void {
    this.#collections.delete(collection);
  }
}

export class Collection<T extends Model & { id: unknown }> extends Events {
  #models = new Map<string, T>();

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any model constructor, whatever it takes
  constructor(readonly modelClass?: new (...args: any[]) => T) {
    super();
  }

  static keyOf(id: unknown): string {
    if (typeof id === 'string') return id;
    const serialized = (id as { _serialized?: string } | null)?._serialized;
    return serialized ?? String(id);
  }

  get(id: unknown): T | undefined {
    return this.#models.get(Collection.keyOf(id));
  }

  add(model: T): T {
    const key = Collection.keyOf(model.id);
    const existing = this.#models.get(key);
    if (existing) return existing;
    this.#models.set(key, model);
    model.joined(this);
    this.trigger('add', model, this);
    return model;
  }

  remove(id: unknown): void {
    const key = Collection.keyOf(id);
    const model = this.#models.get(key);
    if (!model) return;
    this.#models.delete(key);
    model.left(this);
    this.trigger('remove', model, this);
  }

  getModelsArray(): T[] {
    return [...this.#models.values()];
  }

  /** The models `fn` keeps (Backbone's `filter`). */
  filter(fn: (model: T) => boolean): T[] {
    return this.getModelsArray().filter(fn);
  }

  get length(): number {
    return this.#models.size;
  }

  reset(): void {
    this.#models.clear();
  }
}
