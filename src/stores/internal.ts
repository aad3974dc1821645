/** Helpers shared by the store implementations. Not part of the public surface. */
import { AbortError, ErrorCode, InvalidOptionError, StoreError, WawebError } from '../errors';
import { optionalInteger, positiveInteger } from '../util/options';
import type { GenerationMark, SetAsideMark, SetAsideReason, StoredGeneration } from './types';

/** Runs tasks with the same key one after another, in call order, within this process. */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    await previous;
    try {
      return await task();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

/** One lock table for the whole process, so two store objects over the same backend also serialize. */
export const processLock = new KeyedLock();

export function assertFence(token: number, owner: string): void {
  if (!Number.isSafeInteger(token) || token < 1) throw new InvalidOptionError(`${owner}: a fencing token must be a positive integer`);
}

export function assertIfNewest(value: number, owner: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidOptionError(`${owner}: "ifNewest" must be a generation number or 0 (none), got ${String(value)}`);
  }
}

/** How many generations every store keeps per session unless told otherwise. */
export const DEFAULT_KEEP = 3;

export function resolveKeep(value: number | undefined, owner: string): number {
  return positiveInteger(value, DEFAULT_KEEP, `${owner}: "keep"`);
}

export function assertMaxBytes(value: number | undefined, owner: string): void {
  optionalInteger(value, 0, `${owner}: "maxBytes"`);
}

/** The error for a stored copy over the caller's `maxBytes`. */
export function dataTooLarge(owner: string, sessionId: string, generation: number, bytes: number, maxBytes: number): StoreError {
  return new StoreError(`${owner}: generation ${generation} of "${sessionId}" is ${bytes} bytes, more than maxBytes (${maxBytes})`, {
    code: ErrorCode.DATA_TOO_LARGE,
  });
}

/** The error for a save whose `ifNewest` no longer names the newest generation (`0`: none). */
export function generationChanged(owner: string, sessionId: string, expected: number, newest: number): StoreError {
  const was = (n: number): string => (n === 0 ? 'none' : `generation ${n}`);
  return new StoreError(
    `${owner}: save of "${sessionId}" refused: it expected the newest generation to be ${was(expected)}, and it is ${was(newest)} (another writer saved or deleted it meanwhile); nothing was written`,
    { code: ErrorCode.GENERATION_CHANGED },
  );
}

/** `data` as a source of one chunk (a Buffer save through a driver's streaming write). */
export async function* oneChunk(data: Buffer): AsyncGenerator<Buffer> {
  yield data;
}

/** Throws an `AbortError` when `signal` has fired. */
export function throwIfAborted(signal: AbortSignal | undefined, owner: string): void {
  if (signal?.aborted) throw new AbortError(`${owner}: the call was aborted`);
}

/** Checks a timeout option (milliseconds, > 0). */
export function resolveTimeout(value: number | undefined, fallback: number, name: string, owner: string): number {
  return positiveInteger(value, fallback, `${owner}: "${name}" (milliseconds)`);
}

export function assertGeneration(value: number | undefined, owner: string): void {
  optionalInteger(value, 1, `${owner}: "generation"`);
}

export function assertBuffer(data: unknown, owner: string): asserts data is Buffer {
  if (!Buffer.isBuffer(data)) {
    throw new InvalidOptionError(`${owner}: data must be a Buffer`);
  }
}

export function closedError(storeName: string): StoreError {
  return new StoreError(`The ${storeName} store is closed`, { code: ErrorCode.STORE_FAILED });
}

/** Wraps a backend error in a StoreError, leaving waweb's own errors (StoreError, MissingDependencyError, ...) as they are. */
export function wrapError(
  err: unknown,
  message: string,
  classify: (err: unknown) => typeof ErrorCode.STORE_FAILED | typeof ErrorCode.STORE_UNREACHABLE = () => ErrorCode.STORE_FAILED,
): Error {
  if (err instanceof WawebError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new StoreError(`${message}: ${detail}`, { code: classify(err), cause: err });
}

/** The reasons a generation can be set aside, as data (checks, stored values, the CLI). */
export const SET_ASIDE_REASONS: readonly SetAsideReason[] = ['QR', 'REJECTED', 'LOGIN_TIMEOUT', 'MANUAL'];

export function isSetAsideReason(value: unknown): value is SetAsideReason {
  return typeof value === 'string' && (SET_ASIDE_REASONS as readonly string[]).includes(value);
}

/** What pruning looks at in a listed generation. */
export type PrunableGeneration = Pick<StoredGeneration, 'generation' | 'setAside' | 'loggedInAt'>;

/**
 * The pruning rule of every store with marks, in one place. Of `listed` (one session's generations),
 * kept are: the `keep` newest that are not set aside; the newest with `loggedInAt` (a verified backup),
 * however old; and at most `keep` newest set-aside ones besides. Returns the others, newest first.
 */
export function generationsToPrune<T extends PrunableGeneration>(listed: readonly T[], keep: number): T[] {
  const newestFirst = [...listed].sort((a, b) => b.generation - a.generation);
  const kept = new Set<T>();
  let restorable = 0;
  let setAside = 0;
  for (const g of newestFirst) {
    if (g.setAside) {
      if (setAside < keep) kept.add(g);
      setAside += 1;
    } else {
      if (restorable < keep) kept.add(g);
      restorable += 1;
    }
  }
  const loggedIn = newestFirst.find((g) => g.loggedInAt !== undefined);
  if (loggedIn) kept.add(loggedIn);
  return newestFirst.filter((g) => !kept.has(g));
}

/** The marks a generation carries, as stored beside it. */
export interface GenerationMarks {
  setAside?: SetAsideMark;
  loggedInAt?: Date;
}

/** `current` with `mark` applied at `now`. Setting aside, releasing and logging in touch only their own field. */
export function applyMark(current: GenerationMarks, mark: GenerationMark, now: Date): GenerationMarks {
  const next: GenerationMarks = { ...current };
  if ('loggedIn' in mark) next.loggedInAt = now;
  else if (mark.setAside === null) delete next.setAside;
  else next.setAside = { reason: mark.setAside.reason, detail: mark.setAside.detail, at: now };
  return next;
}

/** Throws `InvalidOptionError` unless `mark` is a `GenerationMark`. */
export function assertGenerationMark(mark: unknown, owner: string): asserts mark is GenerationMark {
  const bad = (why: string): InvalidOptionError =>
    new InvalidOptionError(`${owner}: the mark must be { setAside: { reason, detail } }, { setAside: null } or { loggedIn: true }; ${why}`);
  if (typeof mark !== 'object' || mark === null) throw bad(`got ${mark === null ? 'null' : typeof mark}`);
  const keys = Object.keys(mark);
  if (keys.length !== 1 || (keys[0] !== 'setAside' && keys[0] !== 'loggedIn')) throw bad(`got the keys ${JSON.stringify(keys)}`);
  const m = mark as Record<string, unknown>;
  if (keys[0] === 'loggedIn') {
    if (m.loggedIn !== true) throw bad('"loggedIn" must be true');
    return;
  }
  if (m.setAside === null) return;
  const setAside = m.setAside as Record<string, unknown> | undefined;
  if (typeof setAside !== 'object' || setAside === null) throw bad('"setAside" must be an object or null');
  if (!isSetAsideReason(setAside.reason)) throw bad(`"setAside.reason" must be one of ${SET_ASIDE_REASONS.join(', ')}`);
  if (typeof setAside.detail !== 'string') throw bad('"setAside.detail" must be a string');
}

/** Throws `InvalidOptionError` unless `value` is a generation number (a positive safe integer). */
export function assertGenerationNumber(value: unknown, owner: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidOptionError(
      `${owner}: the generation must be a positive integer, got ${typeof value === 'number' ? value : typeof value}`,
    );
  }
}

/** The public fields of a listed generation (no driver handle), marks included when set. */
export function publicGeneration(g: StoredGeneration): StoredGeneration {
  const out: StoredGeneration = { sessionId: g.sessionId, generation: g.generation, createdAt: g.createdAt, bytes: g.bytes };
  if (g.setAside) out.setAside = { reason: g.setAside.reason, detail: g.setAside.detail, at: g.setAside.at };
  if (g.loggedInAt) out.loggedInAt = g.loggedInAt;
  return out;
}
