/**
 * Documents keyed by `_id`, the one index every MongoDB deployment enforces (the offline test
 * server accepts `createIndex` but does not enforce uniqueness, and a real server's index may fail to
 * build): MongoLeases' lease and worker documents and MongoStore's per-session fence records. Also the
 * database server's clock, read without pipeline updates (which the offline server lacks).
 *
 * An `_id` is an ObjectId derived from the key (SHA-256 of `waweb:<kind>:<key>`, first 12 bytes):
 * the offline server stores every `_id` as an ObjectId and refuses strings, and one layout must serve
 * both servers. Each document also keeps its key in a named field, and every filter names that field
 * beside `_id`, so two keys whose hashes met (2^-96) would fail (no match, or a duplicate `_id`)
 * rather than share a document.
 */
import { createHash } from 'node:crypto';
import { MissingDependencyError } from '../errors';

/** An ObjectId constructor taking 12 bytes (the `mongodb` driver's, or mongoose's copy of it). */
export type ObjectIdClass = new (bytes: Uint8Array) => { toHexString(): string };

/** The part of a `mongodb` collection a keyed document needs. */
export interface KeyedCollection<D> {
  findOne(filter: object): Promise<D | null>;
  find(filter: object): { toArray(): Promise<D[]> };
  findOneAndUpdate(filter: object, update: object, options: { upsert?: boolean; returnDocument: 'before' | 'after' }): Promise<D | null>;
  updateOne(filter: object, update: object, options?: { upsert?: boolean }): Promise<{ matchedCount: number }>;
}

/** `mongodb`'s ObjectId, loaded on first use (an optional peer). */
export function loadObjectId(owner: string): ObjectIdClass {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- mongodb is an optional peer, loaded only when a Mongo store or lease backend is used
    return (require('mongodb') as { ObjectId: ObjectIdClass }).ObjectId;
  } catch (err) {
    throw new MissingDependencyError('mongodb', owner, { cause: err });
  }
}

/** The `_id` of the document of `kind` (`lease`, `worker`, `fence`, `clock`) for `key`. */
export function keyedId(ObjectId: ObjectIdClass, kind: string, key: string): { toHexString(): string } {
  return new ObjectId(createHash('sha256').update(`waweb:${kind}:${key}`).digest().subarray(0, 12));
}

/** True when `doc` is the keyed document of `kind` for its own `field` (not an older layout's document). */
export function isKeyedDoc(ObjectId: ObjectIdClass, kind: string, doc: { _id?: unknown }, key: unknown): boolean {
  return typeof key === 'string' && idHex(doc._id) === keyedId(ObjectId, kind, key).toHexString();
}

function idHex(id: unknown): string | undefined {
  const hex = (id as { toHexString?: unknown } | null)?.toHexString;
  return typeof hex === 'function' ? (hex as () => string).call(id) : undefined;
}

/** MongoDB's duplicate key error (code 11000), or the offline server's. */
export function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  return e?.code === 11000 || (typeof e?.message === 'string' && /duplicate key/i.test(e.message));
}

/**
 * Runs an upsert on `_id`; two first upserts racing on a real server may get a duplicate key error
 * (the loser), and the second try then matches the winner's document.
 */
export async function upsertById<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    return run();
  }
}

/**
 * The database server's time now: a `$currentDate` on one clock document of `collection`, read back
 * in the same call. Works on every server (no `$$NOW` pipeline). A decision made with it a moment
 * later is judged with a time slightly earlier than the true one: an expiry is seen a little late
 * and a new expiry is set a little early, both on the safe side.
 */
export async function serverNow(collection: Pick<KeyedCollection<object>, 'findOneAndUpdate'>, ObjectId: ObjectIdClass): Promise<Date> {
  const _id = keyedId(ObjectId, 'clock', 'server');
  const doc = await upsertById(() =>
    collection.findOneAndUpdate({ _id }, { $currentDate: { now: true }, $set: { clock: true } }, { upsert: true, returnDocument: 'after' }),
  );
  const now = (doc as { now?: unknown } | null)?.now;
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new Error('the server did not give its time ($currentDate)');
  return now;
}

/** Where an older layout kept the key of a document this code moved over (never a valid key: it starts with U+0001). */
export function movedKey(key: string): string {
  return `\u0001moved:${key}`;
}

/**
 * The keyed document for `key`, made on first use, touched with the server's time (`seenAt`).
 *
 * Upgrade from the layout before issue 23 (a random `_id` and the key in `field`, kept one per key by a
 * unique index on `field` where the server enforced it): when the keyed document does not exist yet,
 * the older documents for the key are read, their key moved aside ({@link movedKey}, so that index
 * accepts the new document; they are kept, and read again should this be interrupted), and the new
 * document is made from `seed(older)` (for example the largest token they carry).
 */
export async function ensureKeyed<D extends { seenAt?: Date }>(
  collection: KeyedCollection<D>,
  ObjectId: ObjectIdClass,
  kind: string,
  field: string,
  key: string,
  seed: (older: D[]) => object,
): Promise<D & { seenAt: Date }> {
  const _id = keyedId(ObjectId, kind, key);
  for (let attempt = 0; attempt < 3; attempt++) {
    const doc = await collection.findOneAndUpdate({ _id, [field]: key }, { $currentDate: { seenAt: true } }, { returnDocument: 'after' });
    if (doc && doc.seenAt instanceof Date) return doc as D & { seenAt: Date };
    const older = (await collection.find({ $or: [{ [field]: key }, { [field]: movedKey(key) }] }).toArray()).filter(
      (d) => idHex((d as { _id?: unknown })._id) !== _id.toHexString(),
    );
    for (const old of older) {
      if ((old as Record<string, unknown>)[field] === key) {
        await collection.updateOne({ _id: (old as { _id?: unknown })._id, [field]: key }, { $set: { [field]: movedKey(key) } });
      }
    }
    await upsertById(() => collection.updateOne({ _id }, { $setOnInsert: { ...seed(older), [field]: key } }, { upsert: true }));
  }
  throw new Error(`the ${kind} record of "${key}" could not be made`);
}
