/**
 * Rekey: every kept generation of a session re-encrypted under the current key, set-aside ones and
 * those below the store's fence included, so that once it is done no stored byte of the session
 * opens with a retired key and none is plaintext. Each generation is rewritten in place
 * (`SessionStore.rewriteGeneration`: same number, `createdAt` and marks), sealed for its own number
 * and the fencing token the rewrite carries; set-aside marks are sealed again under the current key.
 *
 * Next to a live owner: a rewrite is a compare-and-swap on that one generation (its `createdAt`), so
 * nothing is written over a generation pruned or written again meanwhile, and nothing is put on top
 * of the owner's saves. A generation the owner saves meanwhile (under its own, maybe retired, key) is
 * rewritten in a further round; when the owner keeps saving, the rekey stops with `GENERATION_CHANGED`.
 *
 * Rekey works on whole Buffers (`load`, then `rewriteGeneration`), whatever the format it reads (a
 * version 2 or 3 envelope, or version 1 during the upgrade); it writes version 3 (chunked) envelopes.
 *
 * A store without rewrites (or a generation it cannot rewrite, `CANNOT_REWRITE`) is refused with
 * `CANNOT_REWRITE` before anything is written, unless `prune`: then the newest generation is written
 * again as a new one (conditional on it still being the newest, `ifNewest`) and the older ones that
 * are not under the current key are deleted (`deleteGeneration`).
 */
import { ErrorCode, StoreError } from '../errors';
import { encryptChunkedEnvelope, envelopeInfo, peekEnvelope } from '../util/encryption';
import type { KeyRing } from '../util/encryption-keys';
import type { LoadedSession, LoadOptions, SessionStore, StoreCallOptions, StoredGeneration } from './types';

export interface RekeyOptions extends StoreCallOptions {
  /**
   * The fencing token every write carries (stores with `fencing`): a write is refused with `LeaseError`
   * code `FENCED` once a newer owner raised the fence, and each rewritten envelope is sealed with it.
   * Without it a rewritten envelope keeps the token its generation was written under.
   */
  fence?: number;
  /**
   * What to do with a generation the store cannot rewrite in place: `false` refuses the rekey with
   * `StoreError` code `CANNOT_REWRITE` before anything is written; `true` writes the newest again as
   * a new generation and deletes such older ones (`deleteGeneration`). @default false
   */
  prune?: boolean;
}

/** What a rekey did, by generation number (newest first in each list). */
export interface RekeyResult {
  sessionId: string;
  /** Rewritten in place under the current key. */
  rewritten: number[];
  /** Already under the current key, sealed for its own number: left as it was. */
  unchanged: number[];
  /** Written again as a new generation (`prune`, a store that cannot rewrite the newest). */
  added: number[];
  /** Deleted because the store cannot rewrite them (`prune`). */
  pruned: number[];
  /** Set-aside marks sealed again under the current key. */
  resealed: number[];
}

/** The EncryptedStore a rekey works through: its decrypting `load`, its checked `list` and sealing `mark`. */
export interface RekeyTarget {
  readonly inner: SessionStore;
  load(sessionId: string, options?: LoadOptions): Promise<LoadedSession | null>;
  list(sessionId: string, options?: StoreCallOptions): Promise<StoredGeneration[]>;
  readonly mark?: SessionStore['mark'];
  save: SessionStore['save'];
}

/** Rounds of rewriting what a live owner saved meanwhile before giving up. */
const ROUNDS = 4;

function cannotRewrite(sessionId: string, generation: number, why: string): StoreError {
  return new StoreError(
    `rekey of "${sessionId}": generation ${generation} cannot be rewritten in place (${why}); nothing was written. ` +
      'Pass prune (waweb session rekey --prune) to write the newest again and delete the older ones instead',
    { code: ErrorCode.CANNOT_REWRITE },
  );
}

/**
 * Whether a raw stored blob needs no rewrite: the current key, sealed for `generation`, as a version 3
 * (chunked) envelope or a version 2 one (read forever; a rewrite writes version 3).
 */
function isCurrent(ring: KeyRing, data: Buffer, generation: number): boolean {
  try {
    const info = envelopeInfo(data);
    return (
      (info?.version === 2 || info?.version === 3) &&
      info.purpose === 'store' &&
      info.keyId === ring.current.id &&
      info.generation === generation
    );
  } catch {
    return false;
  }
}

/** Re-encrypts every kept generation of `sessionId` (see the file's comment); `null` when it has none. */
export async function rekeySession(
  target: RekeyTarget,
  ring: KeyRing,
  sessionId: string,
  options: RekeyOptions = {},
): Promise<RekeyResult | null> {
  const { fence, prune = false, signal } = options;
  const call = signal ? { signal } : {};
  const inner = target.inner;
  const result: RekeyResult = { sessionId, rewritten: [], unchanged: [], added: [], pruned: [], resealed: [] };
  /** Generations handled, by number and `createdAt` (a number written again after a delete is another one). */
  const done = new Set<string>();
  const key = (g: StoredGeneration): string => `${g.generation}@${g.createdAt.getTime()}`;
  for (let round = 1; ; round++) {
    const listed = await inner.list(sessionId, call);
    if (listed.length === 0) return round === 1 ? null : finish(result);
    const todo = listed.filter((g) => !done.has(key(g)));
    if (todo.length === 0) break;
    if (round > ROUNDS) {
      throw new StoreError(
        `rekey of "${sessionId}": generation ${todo[0]?.generation} was saved meanwhile, ${ROUNDS} times over (a live owner saving under another key?); ` +
          'stop the owner or give it the new keys, then run rekey again',
        { code: ErrorCode.GENERATION_CHANGED },
      );
    }
    // Everything is read (and checked) before anything is written: a version 1 envelope is read only
    // while no generation of the session is version 2, which the first rewrite would end.
    const pending: Array<{ g: StoredGeneration; data: Buffer; writtenUnder: number }> = [];
    for (const g of todo) {
      const raw = await inner.load(sessionId, { ...call, generation: g.generation });
      if (!raw) continue; // pruned meanwhile
      if (isCurrent(ring, raw.data, g.generation)) {
        result.unchanged.push(g.generation);
        done.add(key(g));
        continue;
      }
      const opened = await target.load(sessionId, { ...call, generation: g.generation });
      // Authenticated now that it opened: the token it was written under.
      if (opened) pending.push({ g, data: opened.data, writtenUnder: writtenUnder(raw.data) });
    }
    const newest = listed[0] as StoredGeneration;
    const canRewrite = typeof inner.rewriteGeneration === 'function';
    if (!prune && !canRewrite && pending.length > 0) {
      throw cannotRewrite(
        sessionId,
        (pending[0] as { g: StoredGeneration }).g.generation,
        `the ${inner.name} store has no rewriteGeneration`,
      );
    }
    for (const { g, data, writtenUnder: was } of pending) {
      done.add(key(g));
      let rewritten: StoredGeneration | null | 'unsupported' = 'unsupported';
      if (canRewrite) {
        const sealedFence = fence ?? was;
        const binding = {
          purpose: 'store',
          sessionId,
          generation: g.generation,
          ...(sealedFence > 0 ? { fence: sealedFence } : {}),
        } as const;
        const sealed = encryptChunkedEnvelope(ring, data, binding);
        rewritten = await rewriteOrUnsupported(inner, sessionId, g, sealed, {
          ...call,
          createdAt: g.createdAt,
          ...(fence ? { fence } : {}),
        });
      }
      if (rewritten === null) continue; // gone, or another generation under that number now: not ours to write
      if (rewritten !== 'unsupported') {
        result.rewritten.push(g.generation);
        continue;
      }
      if (!prune) throw cannotRewrite(sessionId, g.generation, `the ${inner.name} store cannot rewrite it`);
      if (g.generation === newest.generation) {
        const saved = await target.save(sessionId, data, { ...call, ifNewest: g.generation, ...(fence ? { fence } : {}) });
        result.added.push(saved.generation);
        done.add(key(saved));
      }
      if (!inner.deleteGeneration)
        throw cannotRewrite(sessionId, g.generation, `the ${inner.name} store can neither rewrite nor delete it`);
      if (await inner.deleteGeneration(sessionId, g.generation, call)) result.pruned.push(g.generation);
    }
  }
  await resealMarks(target, ring, sessionId, result, call);
  return finish(result);
}

/** The fencing token a stored envelope names (0: none, or not a version 2 envelope). */
function writtenUnder(data: Buffer): number {
  return peekEnvelope(data)?.fence ?? 0;
}

async function rewriteOrUnsupported(
  inner: SessionStore,
  sessionId: string,
  g: StoredGeneration,
  sealed: Buffer,
  options: Parameters<NonNullable<SessionStore['rewriteGeneration']>>[3],
): Promise<StoredGeneration | null | 'unsupported'> {
  try {
    return (await inner.rewriteGeneration?.(sessionId, g.generation, sealed, options)) ?? null;
  } catch (err) {
    if (err instanceof StoreError && err.code === ErrorCode.CANNOT_REWRITE) return 'unsupported';
    throw err;
  }
}

/**
 * Seals again, under the current key, every set-aside mark whose seal holds under another key of the
 * ring (else it would stop holding when that key leaves the ring). A mark without a valid seal is
 * left as it is: ignored, and never made valid by a rekey.
 */
async function resealMarks(
  target: RekeyTarget,
  ring: KeyRing,
  sessionId: string,
  result: RekeyResult,
  call: StoreCallOptions,
): Promise<void> {
  if (!target.mark) return;
  const raw = new Map((await target.inner.list(sessionId, call)).map((g) => [g.generation, g.setAside?.detail ?? '']));
  for (const g of await target.list(sessionId, call)) {
    if (!g.setAside || (raw.get(g.generation) ?? '').includes(`[waweb-seal ${ring.current.id}:`)) continue;
    const marked = await target.mark(sessionId, g.generation, { setAside: { reason: g.setAside.reason, detail: g.setAside.detail } }, call);
    if (marked) result.resealed.push(g.generation);
  }
}

function finish(result: RekeyResult): RekeyResult {
  const newestFirst = (list: number[]): number[] => [...new Set(list)].sort((a, b) => b - a);
  return {
    sessionId: result.sessionId,
    rewritten: newestFirst(result.rewritten),
    unchanged: newestFirst(result.unchanged),
    added: newestFirst(result.added),
    pruned: newestFirst(result.pruned),
    resealed: newestFirst(result.resealed),
  };
}

/** The key each kept generation of `sessionId` is encrypted with (`null`: not encrypted), newest first. */
export async function keyIdsOf(
  inner: SessionStore,
  ring: KeyRing,
  sessionId: string,
  options?: StoreCallOptions,
): Promise<Array<{ generation: number; keyId: string | null; inRing: boolean }>> {
  const out: Array<{ generation: number; keyId: string | null; inRing: boolean }> = [];
  for (const g of await inner.list(sessionId, options)) {
    const loaded = await inner.load(sessionId, { ...options, generation: g.generation });
    if (!loaded) continue;
    const keyId = peekEnvelope(loaded.data)?.keyId ?? null;
    out.push({ generation: g.generation, keyId, inRing: keyId !== null && ring.byId.has(keyId) });
  }
  return out;
}
