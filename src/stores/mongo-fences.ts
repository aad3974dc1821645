/**
 * MongoStore's record of one session, `{ _id, sessionId, token, next, top, rev, committed }` in the
 * fences collection, keyed by `_id` (see `db/mongo-keyed.ts`). It makes fenced saves safe without
 * transactions (which not every deployment has):
 *
 * - `token`: the largest fencing token seen. `next`: the last generation handed out; a save takes
 *   its number with one `$inc`, so two writers never get the same one, whatever their clocks.
 * - A save uploads its file tagged `metadata.waweb.commit` (the protocol marker), then commits:
 *   one update that adds the generation to `committed` only while the token is still the saver's and
 *   no later generation was committed (`top < generation`). Readers show a tagged file only when its
 *   generation is in `committed`: an upload whose owner lost the session before committing (a new
 *   owner raised the fence, the old process died before cleaning up) is never seen, even if never
 *   deleted. The previous owner's saves committed before the raise stay visible (a hand-over restores
 *   them). Files without the marker (written before this protocol, or by wwebjs-mongo) are shown as
 *   before.
 * - `top`: the highest generation ever committed. A tagged file at or below it that is not committed
 *   never will be (commits need `top < generation`), so a later save's prune deletes it safely.
 * - `rev`: grows with every change of what readers see (commit, deleting generations, deleting the
 *   session, a rewrite's swap); a compare-and-swap save (`ifNewest`) commits only while it is what it read.
 * - `chosen`: generation -> file id, for generations rewritten in place (rekey). A rewrite uploads a
 *   new file tagged with the generation and the file it replaces, then swaps in one update (only
 *   while the replaced file is still the one shown, and its token still in force), then deletes the
 *   old file: readers see the old file or the new one, never both or neither.
 */
import { ErrorCode, LeaseError, StoreError } from '../errors';
import { ensureKeyed, keyedId, type KeyedCollection, type ObjectIdClass } from '../db/mongo-keyed';

export interface FenceRecord {
  _id?: unknown;
  sessionId: string;
  token: number;
  next: number;
  top: number;
  rev: number;
  committed: number[];
  chosen?: Record<string, string>;
  seenAt?: Date;
}

/** What a commit found. */
export type CommitOutcome = 'committed' | 'fenced' | 'changed' | 'superseded';

/**
 * A record of the layout before issue 23 (`{ sessionId, token }`, a random `_id`) leaves its token as
 * the floor: a save this code accepts must be one the old record would have accepted.
 */
function seedRecord(older: FenceRecord[]): Omit<FenceRecord, 'sessionId'> {
  const token = Math.max(0, ...older.map((d) => (typeof d.token === 'number' && Number.isSafeInteger(d.token) ? d.token : 0)));
  return { token, next: 0, top: 0, rev: 0, committed: [] };
}

function refused(sessionId: string, what: string, token: number, seen: unknown): LeaseError {
  return new LeaseError(
    ErrorCode.FENCED,
    sessionId,
    `MongoStore: ${what} of "${sessionId}" refused: it carries fencing token ${token}, and ${String(seen)} was seen (a newer owner has the session)`,
  );
}

export function generationChanged(sessionId: string, expected: number, found: number | 'changed'): StoreError {
  const detail = found === 'changed' ? 'another save or delete came first' : `it is ${found}`;
  return new StoreError(`MongoStore: save of "${sessionId}" refused: the newest generation was to be ${expected}, and ${detail}`, {
    code: ErrorCode.GENERATION_CHANGED,
  });
}

export class FenceRecords {
  constructor(
    private readonly collection: KeyedCollection<FenceRecord>,
    private readonly ObjectId: ObjectIdClass,
  ) {}

  private id(sessionId: string): unknown {
    return keyedId(this.ObjectId, 'fence', sessionId);
  }

  /** The record as it is, or `null` (readers: nothing is written). */
  get(sessionId: string): Promise<FenceRecord | null> {
    return this.collection.findOne({ _id: this.id(sessionId), sessionId });
  }

  /** The record, made on first use (from an older record's token when there is one). */
  ensure(sessionId: string): Promise<FenceRecord> {
    return ensureKeyed(this.collection, this.ObjectId, 'fence', 'sessionId', sessionId, seedRecord);
  }

  /**
   * Hands out the next generation number, above `floor` (the highest one already stored). With a
   * token: only while no larger token was seen, which it then remembers; else `FENCED`.
   */
  async allocate(sessionId: string, fence: number | undefined, floor: number, record: FenceRecord): Promise<number> {
    const _id = this.id(sessionId);
    // Files written by wwebjs-mongo or before this protocol are numbered from the listing.
    if (floor > record.next) await this.collection.updateOne({ _id, sessionId }, { $max: { next: floor } });
    const fenced = fence === undefined ? {} : { token: { $lte: fence } };
    const claim = fence === undefined ? {} : { $set: { token: fence } };
    const after = await this.collection.findOneAndUpdate(
      { _id, sessionId, ...fenced },
      { ...claim, $inc: { next: 1 } },
      { returnDocument: 'after' },
    );
    if (after) return after.next;
    throw refused(sessionId, 'save', fence ?? 0, (await this.get(sessionId))?.token);
  }

  /**
   * Makes `generation` visible: only while `fence` is still the token in force, no later generation
   * was committed, and (with `rev`) nothing changed since the saver looked.
   */
  async commit(sessionId: string, generation: number, fence: number | undefined, rev: number | undefined): Promise<CommitOutcome> {
    const filter = {
      _id: this.id(sessionId),
      sessionId,
      top: { $lt: generation },
      ...(fence === undefined ? {} : { token: fence }),
      ...(rev === undefined ? {} : { rev }),
    };
    const res = await this.collection.updateOne(filter, {
      $addToSet: { committed: generation },
      $set: { top: generation },
      $inc: { rev: 1 },
    });
    if (res.matchedCount > 0) return 'committed';
    const now = await this.get(sessionId);
    if (fence !== undefined && (now?.token ?? 0) > fence) return 'fenced';
    if (rev !== undefined && now?.rev !== rev) return 'changed';
    return 'superseded';
  }

  /** The error for a commit that did not happen. */
  commitError(
    sessionId: string,
    outcome: Exclude<CommitOutcome, 'committed'>,
    fence: number | undefined,
    ifNewest: number | undefined,
  ): Error {
    if (outcome === 'fenced') return refused(sessionId, 'save', fence ?? 0, 'a larger token');
    if (outcome === 'changed') return generationChanged(sessionId, ifNewest ?? 0, 'changed');
    return new StoreError(`MongoStore: save of "${sessionId}" was overtaken: a save that started later finished first`);
  }

  /** Remembers `token` unless a larger one is there; resolves with the token in force. */
  async raise(sessionId: string, token: number): Promise<number> {
    await this.ensure(sessionId);
    await this.collection.updateOne({ _id: this.id(sessionId), sessionId, token: { $lt: token } }, { $set: { token } });
    const seen = await this.get(sessionId);
    return typeof seen?.token === 'number' ? seen.token : token;
  }

  /**
   * Hides every committed generation at once (the session is being deleted) and closes every number
   * handed out so far to commits; with `fence`, only while no larger token was seen (else `FENCED`).
   */
  async hideAll(sessionId: string, fence: number | undefined, record: FenceRecord): Promise<void> {
    const filter = { _id: this.id(sessionId), sessionId, ...(fence === undefined ? {} : { token: { $lte: fence } }) };
    const update = {
      $set: { committed: [], ...(fence === undefined ? {} : { token: fence }) },
      $max: { top: record.next },
      $inc: { rev: 1 },
    };
    const res = await this.collection.updateOne(filter, update);
    if (res.matchedCount === 0 && fence !== undefined) throw refused(sessionId, 'delete', fence, (await this.get(sessionId))?.token);
  }

  /** Takes `generations` out of what readers see (before their files are deleted). */
  async forget(sessionId: string, generations: number[]): Promise<void> {
    const unchoose = Object.fromEntries(generations.map((g) => [`chosen.${g}`, '']));
    await this.collection.updateOne(
      { _id: this.id(sessionId), sessionId },
      { $pullAll: { committed: generations }, $inc: { rev: 1 }, ...(generations.length > 0 ? { $unset: unchoose } : {}) },
    );
  }

  /**
   * Makes file `to` the one shown for `generation` instead of file `from` (a rewrite), in one update:
   * only while `from` is still the one shown (chosen, or never rewritten and, when `committed`, still
   * committed) and, with `fence`, no larger token was seen (which it then remembers). `false` when
   * `from` is no longer shown; `FENCED` when a newer owner has the session.
   */
  async choose(
    sessionId: string,
    generation: number,
    from: { id: string; committed: boolean },
    to: string,
    fence: number | undefined,
  ): Promise<boolean> {
    const key = `chosen.${generation}`;
    const filter = {
      _id: this.id(sessionId),
      sessionId,
      $or: [{ [key]: from.id }, { [key]: { $exists: false } }],
      ...(from.committed ? { committed: generation } : {}),
      ...(fence === undefined ? {} : { token: { $lte: fence } }),
    };
    const update = {
      $set: { [key]: to, ...(fence === undefined ? {} : { token: fence }) },
      $addToSet: { committed: generation },
      $inc: { rev: 1 },
    };
    const res = await this.collection.updateOne(filter, update);
    if (res.matchedCount > 0) return true;
    const now = await this.get(sessionId);
    if (fence !== undefined && (now?.token ?? 0) > fence) throw refused(sessionId, 'rewrite', fence, now?.token);
    return false;
  }
}
