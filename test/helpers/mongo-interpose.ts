/**
 * A `mongodb` `Db` seen through hooks, for tests that stand for another process or for one that
 * dies at a chosen step: every collection the store (or a GridFS bucket over it) opens is wrapped,
 * and a hook may run before a method, replace its result, or make it never answer.
 *
 *   const db = interposeDb(client.db(name), {
 *     databaseName: 'other-process',            // the store's in-process lock sees another database
 *     call: async (collection, method, run) => run(),
 *   });
 */
import type { Db } from 'mongodb';

export interface InterposeOptions {
  /** What `db.databaseName` says (MongoStore serializes saves per database name in one process). */
  databaseName?: string;
  /** Runs instead of every collection method call; `run()` makes the real call. */
  call?: (collection: string, method: string, run: () => unknown, args: unknown[]) => unknown;
}

function wrapCollection(name: string, target: object, options: InterposeOptions): object {
  return new Proxy(target, {
    get(t, prop) {
      const value: unknown = Reflect.get(t, prop, t);
      if (typeof value !== 'function' || typeof prop !== 'string' || !options.call) return value;
      const method = value as (...args: unknown[]) => unknown;
      return (...args: unknown[]) => options.call?.(name, prop, () => method.apply(t, args), args);
    },
  });
}

export function interposeDb(db: Db, options: InterposeOptions): Db {
  return new Proxy(db, {
    get(t, prop) {
      if (prop === 'databaseName' && options.databaseName !== undefined) return options.databaseName;
      if (prop === 'collection') {
        return (name: string, ...rest: unknown[]) =>
          wrapCollection(name, (t.collection as (n: string, ...r: unknown[]) => object).call(t, name, ...rest), options);
      }
      const value: unknown = Reflect.get(t, prop, t);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(t) : value;
    },
  });
}

/** A promise with its resolve/reject outside, for "wait here until the test says so". */
export function gate<T = void>(): { promise: Promise<T>; open(value: T): void; fail(err: Error): void } {
  let open!: (value: T) => void;
  let fail!: (err: Error) => void;
  const promise = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}
