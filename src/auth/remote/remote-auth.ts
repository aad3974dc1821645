/**
 * RemoteAuth: the session's profile storage (the origin's IndexedDB and
 * localStorage) archived to a store, first within seconds of `ready`, then on
 * a timer, and restored on machines that have no local copy.
 *
 * What it guarantees, unlike whatsapp-web.js's RemoteAuth:
 * - the first backup waits on a condition (localStorage on disk), not a clock;
 * - every completed save emits `remote_session_saved` with its numbers;
 * - saves never overlap, failures are retried with backoff and never thrown;
 * - unchanged sessions are not uploaded again;
 * - a restore is verified in a temporary folder and swapped in only when complete:
 *   the local profile is never deleted before a good replacement exists, and never
 *   replaced by a generation older than the one it came from (when the store can tell);
 * - a corrupt newest backup falls back to the previous generation (or the local copy);
 * - the remote copy is deleted only after a logout the phone confirmed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkProfileLock } from '../../browser/profile-lock';
import { AbortError, ArchiveError, errorMessage, InvalidOptionError, StoreError } from '../../errors';
import { fromWwebjsStore, type WwebjsStore } from '../../stores/wwebjs-adapter';
import type { SessionStore, StoredGeneration } from '../../stores/types';
import { assertClientId } from '../client-id';
import { assertOwnUserDataDir, resolveDataPath } from '../profile-options';
import { AuthStrategy, type BrowserClosedInfo, type BrowserPlan, type LaunchRequest } from '../strategy';
import { archiveTempOwner, createSessionArchive, extractSessionArchive, DEFAULT_MAX_UNCOMPRESSED_BYTES, type SessionArchive } from './archive';
import { combineDigests, type FileDigest } from './manifest';
import { AGGRESSIVE_FLUSH_FLAG, FLUSH_BARRIER_KEY, waitForLocalStorageValue } from './flush';
import { isErrno } from '../../util/errno';

export interface RemoteAuthOptions {
  /** Where backups go: a waweb `SessionStore`, or a whatsapp-web.js-style store (e.g. wwebjs-mongo's `MongoStore`). */
  store: SessionStore | WwebjsStore;
  /** Letters, digits, `_` and `-`. The session is named `RemoteAuth-<clientId>`. */
  clientId?: string;
  /** Folder holding the local profile `RemoteAuth-<clientId>`. @default '.wwebjs_auth' */
  dataPath?: string;
  /** Time between periodic backups (no one-minute floor). @default 60000 */
  backupSyncIntervalMs?: number;
  /** How long a backup waits for localStorage to reach disk. @default 30000 */
  flushTimeoutMs?: number;
  /** Retries when the store cannot be reached at start (0: fail at once with a typed error). @default 0 */
  startupRetries?: number;
  /** First retry delay after a failed save or start; doubles up to 60 s. @default 1000 */
  retryDelayMs?: number;
  /** Restores stop with `ARCHIVE_TOO_LARGE` past this many inflated bytes. @default 512 MiB */
  maxArchiveBytes?: number;
}

/**
 * Written beside the profile's `Default/` folder: which backup the local copy matches. A
 * generation number alone names nothing (stores restart at 1 after a delete, and Mongo numbers
 * wwebjs-mongo's uploads by position), so the stored backup's `createdAt` goes with it.
 */
interface LocalStamp {
  sessionName: string;
  generation: number;
  /** The stored generation's `createdAt`, ISO 8601. Undefined for a stamp that cannot name one. */
  createdAt: string | undefined;
  /** The archive's content hash, when it had a manifest. */
  contentHash?: string;
}

const STAMP_FILE = 'waweb-remote.json';
const MAX_RETRY_DELAY_MS = 60_000;
/**
 * Temporary zips of another process (or of an older waweb) untouched for this long are left over
 * from a process that died mid-backup: a backup writes its zip continuously and removes it at once.
 * Their pid says nothing: in containers it is reused (often 1) and another container sharing the
 * folder has its own pid numbers.
 */
const STALE_ARCHIVE_TEMP_MS = 10 * 60_000;

export class RemoteAuth extends AuthStrategy {
  readonly name = 'remote';
  override readonly requiresProfile = true;
  readonly clientId: string | undefined;
  readonly dataPath: string;
  readonly sessionName: string;
  readonly userDataDir: string;
  readonly store: SessionStore;
  readonly #options: Required<Omit<RemoteAuthOptions, 'store' | 'clientId' | 'dataPath'>>;

  #timer: NodeJS.Timeout | undefined;
  /** Tail of the save queue: every save runs after the previous one settled, so saves never overlap. */
  #queue: Promise<void> = Promise.resolve();
  /** Settles when the save in flight no longer needs the live page (its archive is built, or it ended). */
  #pageWork: Promise<void> | undefined;
  #active = false;
  #readyThisRun = false;
  #lastStateKey: string | undefined;
  #failures = 0;
  /**
   * Cancels this run's waits (the flush barrier, start-up retry delays): aborted by `destroy()`,
   * and by `afterBrowserClosed` after a crash, where nothing is left to wait for.
   */
  #abort = new AbortController();

  constructor(options: RemoteAuthOptions) {
    super();
    if (!options || typeof options !== 'object' || !options.store) {
      throw new InvalidOptionError('RemoteAuth needs a store: new RemoteAuth({ store, clientId })');
    }
    this.clientId = assertClientId(options.clientId);
    this.dataPath = resolveDataPath(options.dataPath);
    this.sessionName = this.clientId === undefined ? 'RemoteAuth' : `RemoteAuth-${this.clientId}`;
    this.userDataDir = join(this.dataPath, this.sessionName);
    this.store = isWwebjsStore(options.store) ? fromWwebjsStore(options.store, { workDir: join(this.dataPath, '.waweb-tmp') }) : options.store;
    this.#options = {
      backupSyncIntervalMs: positive(options.backupSyncIntervalMs, 'backupSyncIntervalMs', 60_000),
      flushTimeoutMs: positive(options.flushTimeoutMs, 'flushTimeoutMs', 30_000),
      startupRetries: nonNegative(options.startupRetries, 'startupRetries', 0),
      retryDelayMs: positive(options.retryDelayMs, 'retryDelayMs', 1000),
      maxArchiveBytes: positive(options.maxArchiveBytes, 'maxArchiveBytes', DEFAULT_MAX_UNCOMPRESSED_BYTES),
    };
  }

  // ------------------------------------------------------------ start / restore

  override async beforeBrowserInitialized(request: LaunchRequest): Promise<BrowserPlan> {
    assertOwnUserDataDir(request.userDataDir, this.userDataDir, 'RemoteAuth');
    this.#active = true;
    this.#readyThisRun = false;
    this.#failures = 0;
    this.#abort = new AbortController();
    const signal = this.#abort.signal;
    await mkdir(this.dataPath, { recursive: true, mode: 0o700 });
    await this.#recoverInterruptedRestore();
    if (await exists(this.userDataDir)) await checkProfileLock(this.userDataDir);
    const generations = await this.#listWithRetries(signal);
    const stamp = await readStamp(this.userDataDir);
    const local = stamp && stamp.sessionName === this.sessionName ? stamp : undefined;
    const candidates = restoreCandidates(generations, local, this.store.stableGenerations !== false);
    if (candidates.length > 0) {
      await this.#restore(candidates, local);
    } else {
      await mkdir(this.userDataDir, { recursive: true, mode: 0o700 });
    }
    return { userDataDir: this.userDataDir, args: [AGGRESSIVE_FLUSH_FLAG] };
  }

  /**
   * A process killed during a restore can leave a temporary restore folder (never a
   * profile in use: remove it) or the previous profile moved aside while the new one
   * was not yet in place (put it back).
   */
  async #recoverInterruptedRestore(): Promise<void> {
    const names = await readdir(this.dataPath);
    const restoring = names.filter((n) => n.startsWith(`.${this.sessionName}.restore-`));
    const previous = names.filter((n) => n.startsWith(`${this.sessionName}.previous-`));
    for (const name of restoring) await rm(join(this.dataPath, name), { recursive: true, force: true });
    // Temporary zips of a backup whose process died: not made by this process and not written to for a while.
    const now = Date.now();
    for (const name of names) {
      if (archiveTempOwner(name)?.ours !== false) continue;
      const modified = await mtimeMs(join(this.dataPath, name));
      if (modified !== undefined && now - modified > STALE_ARCHIVE_TEMP_MS) await rm(join(this.dataPath, name), { force: true });
    }
    if (previous.length === 0) return;
    const [keep, ...rest] = previous;
    if (keep !== undefined && !(await exists(this.userDataDir))) await rename(join(this.dataPath, keep), this.userDataDir);
    else if (keep !== undefined) rest.push(keep);
    for (const name of rest) await rm(join(this.dataPath, name), { recursive: true, force: true });
  }

  /** `store.list`, retried `startupRetries` times; `destroy()` ends the retries with an `AbortError`. */
  async #listWithRetries(signal: AbortSignal): Promise<StoredGeneration[]> {
    for (let attempt = 0; ; attempt++) {
      throwIfAborted(signal, `start of ${this.sessionName} aborted`);
      try {
        return await this.store.list(this.sessionName);
      } catch (err) {
        throwIfAborted(signal, `start of ${this.sessionName} aborted`);
        if (attempt >= this.#options.startupRetries) {
          if (err instanceof StoreError) throw err;
          throw new StoreError(`session store ${this.store.name} failed at start: ${errorMessage(err)}`, { cause: err });
        }
        await delay(this.#retryDelay(attempt), signal, `start of ${this.sessionName} aborted while waiting to retry the store`);
      }
    }
  }

  /**
   * Restores the newest good generation of `generations` (newest first) into a temporary
   * folder, then swaps it in. Unusable archives (ArchiveError) fall back to the next older
   * candidate, and, when none is left, to the local copy if it is stamped (`local`); each
   * fallback is reported as an `error` event carrying the archive's own error code.
   * Anything else (a store failure) is thrown at once, with the local copy untouched.
   */
  async #restore(generations: StoredGeneration[], local: LocalStamp | undefined): Promise<void> {
    let firstError: ArchiveError | undefined;
    for (const generation of generations) {
      const temp = join(this.dataPath, `.${this.sessionName}.restore-${randomBytes(4).toString('hex')}`);
      try {
        const loaded = await this.store.load(this.sessionName, { generation: generation.generation });
        if (!loaded) continue; // pruned meanwhile
        const extracted = await extractSessionArchive(loaded.data, temp, { maxUncompressedBytes: this.#options.maxArchiveBytes });
        await writeStamp(temp, {
          sessionName: this.sessionName,
          generation: loaded.generation,
          createdAt: loaded.createdAt.toISOString(),
          ...(extracted.manifest ? { contentHash: extracted.manifest.contentHash } : {}),
        });
        await this.#swapIn(temp);
        if (firstError !== undefined) {
          this.host.emitError(
            fallbackError(firstError, `newest backup of ${this.sessionName} was unusable (${firstError.message}); restored generation ${loaded.generation}`),
          );
        }
        return;
      } catch (err) {
        await rm(temp, { recursive: true, force: true });
        if (!(err instanceof ArchiveError)) throw err;
        firstError ??= err;
      }
    }
    if (firstError === undefined) {
      // Every listed generation was pruned meanwhile: start from what is there locally.
      await mkdir(this.userDataDir, { recursive: true, mode: 0o700 });
      return;
    }
    if (local === undefined) throw firstError;
    this.host.emitError(
      fallbackError(firstError, `newer backups of ${this.sessionName} were unusable (${firstError.message}); kept the local copy of generation ${local.generation}`),
    );
  }

  /** Replaces the local profile with `temp`; the old one is removed only once the new one is in place. */
  async #swapIn(temp: string): Promise<void> {
    const previous = `${this.userDataDir}.previous-${randomBytes(4).toString('hex')}`;
    const hadLocal = await exists(this.userDataDir);
    if (hadLocal) await rename(this.userDataDir, previous);
    try {
      await rename(temp, this.userDataDir);
    } catch (err) {
      if (hadLocal) await rename(previous, this.userDataDir);
      throw err;
    }
    if (hadLocal) await rm(previous, { recursive: true, force: true });
  }

  // ------------------------------------------------------------ backups

  override async afterAuthReady(): Promise<void> {
    this.#readyThisRun = true;
    // The first backup starts now: it waits on localStorage reaching disk, not on a clock.
    this.#schedule(0);
  }

  /**
   * Takes a backup now, after any save in flight or queued. Resolves when it is stored or
   * skipped (nothing changed, or the session is not ready in a running browser); rejects
   * with the save's error.
   */
  saveNow(): Promise<void> {
    return this.#enqueue('live');
  }

  /** Saves run strictly one after another, in call order. */
  #enqueue(mode: 'live' | 'final'): Promise<void> {
    const run = this.#queue.then(() => this.#save(mode));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #schedule(ms: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (!this.#active) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const signal = this.#abort.signal;
      this.saveNow().then(
        () => {
          this.#failures = 0;
          this.#schedule(this.#options.backupSyncIntervalMs);
        },
        (err: unknown) => {
          // Cut short by a crash or destroy(): not a failed backup, and nothing to retry.
          if (signal.aborted && err instanceof AbortError) return;
          this.host.emitError(err instanceof Error ? err : new Error(String(err)));
          this.#schedule(this.#retryDelay(this.#failures++));
        },
      );
    }, ms);
  }

  #retryDelay(attempt: number): number {
    return Math.min(this.#options.retryDelayMs * 2 ** attempt, MAX_RETRY_DELAY_MS);
  }

  /**
   * One backup. `live`: the browser runs, so localStorage is flushed through a
   * barrier first and the upload is skipped when nothing changed. `final`: the
   * browser was closed cleanly, so the profile on disk is complete.
   */
  async #save(mode: 'live' | 'final'): Promise<void> {
    const started = Date.now();
    const taking = this.#snapshot(mode);
    this.#pageWork = taking.then(
      () => undefined,
      () => undefined,
    );
    let snapshot: Awaited<typeof taking>;
    try {
      snapshot = await taking;
    } finally {
      this.#pageWork = undefined;
    }
    if (!snapshot) return;
    const { archive, stateKey } = snapshot;
    let saved: StoredGeneration;
    try {
      saved = await this.store.save(this.sessionName, archive.data);
    } catch (err) {
      if (err instanceof StoreError) throw err;
      throw new StoreError(`saving ${this.sessionName} to ${this.store.name} failed: ${errorMessage(err)}`, { cause: err });
    }
    this.#lastStateKey = stateKey;
    await writeStamp(this.userDataDir, {
      sessionName: this.sessionName,
      generation: saved.generation,
      createdAt: saved.createdAt.toISOString(),
      contentHash: archive.manifest.contentHash,
    });
    this.host.emitSessionSaved({ bytes: archive.data.length, durationMs: Date.now() - started, generation: saved.generation });
  }

  /**
   * The part of a save that needs the running browser: the flush barrier and the copy.
   * `null` when there is nothing to upload (not ready, no page, content unchanged).
   * A live snapshot rejects with an `AbortError` once the run's signal is aborted (crash, destroy).
   */
  async #snapshot(mode: 'live' | 'final'): Promise<{ archive: SessionArchive; stateKey: string | undefined } | null> {
    let stateKey: string | undefined;
    if (mode === 'live') {
      // A profile that is not logged in (before `ready`, after a close) must never become the newest backup.
      if (!this.#active || !this.#readyThisRun) return null;
      const web = this.host.page();
      if (!web) return null;
      const signal = this.#abort.signal;
      const aborted = `backup of ${this.sessionName} aborted: the browser is gone or the client was destroyed`;
      const entries = (await abortable(web.localStorageEntries(), signal, aborted)).filter(([key]) => key !== FLUSH_BARRIER_KEY);
      stateKey = await this.#stateKey(entries);
      if (stateKey === this.#lastStateKey) return null;
      const barrier = `${Date.now()}-${randomBytes(12).toString('hex')}`;
      await abortable(web.setLocalStorageItem(FLUSH_BARRIER_KEY, barrier), signal, aborted);
      await waitForLocalStorageValue(this.userDataDir, barrier, {
        timeoutMs: this.#options.flushTimeoutMs,
        timeoutOption: 'flushTimeoutMs',
        signal,
        abortMessage: aborted,
      });
    }
    const archive = await createSessionArchive(this.userDataDir, { clientId: this.clientId ?? this.sessionName, tempDir: this.dataPath });
    return { archive, stateKey };
  }

  /** Identifies the session's logical content: localStorage as the page sees it, plus IndexedDB's files. */
  async #stateKey(entries: Array<[string, string]>): Promise<string> {
    const digests: FileDigest[] = [];
    await digestFiles(join(this.userDataDir, 'Default', 'IndexedDB'), 'Default/IndexedDB', digests);
    const ls = createHash('sha256');
    for (const [key, value] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) ls.update(`${key.length}:${key}${value.length}:${value}`);
    return `${ls.digest('hex')}:${combineDigests(digests)}`;
  }

  // ------------------------------------------------------------ stop

  /**
   * The page is still open: stop the timer and let a save in flight finish its page part
   * (flush barrier, copy) against the live browser; its upload may go on after the close
   * (`afterBrowserClosed` waits for it). A page that stopped answering (a crashed renderer
   * never answers) holds the close up for at most `flushTimeoutMs`.
   */
  override async beforeBrowserClose(): Promise<void> {
    this.#stopTimer();
    const pageWork = this.#pageWork;
    if (pageWork) await settledWithin(pageWork, this.#options.flushTimeoutMs);
  }

  /**
   * After a clean close, waits for the save in flight and takes a final one. After a crash
   * (`clean` false) the save in flight is aborted where it waits on the page or the flush
   * barrier (a dead browser writes nothing), so `disconnected` is not held up by `flushTimeoutMs`;
   * an upload already under way is still waited for.
   */
  override async afterBrowserClosed(info: BrowserClosedInfo): Promise<void> {
    this.#stopTimer();
    if (!info.clean) this.#abort.abort();
    await this.#queue;
    // A final backup only from a cleanly closed browser: a killed one may have lost localStorage,
    // and uploading that would replace a good backup with a worse one.
    // After a CONFLICT another browser owns the session: its copy, not this one, is current.
    if (!info.clean || info.loggedOut || !this.#readyThisRun || info.reason === 'CONFLICT') return;
    try {
      await this.#enqueue('final');
    } catch (err) {
      this.host.emitError(err instanceof Error ? err : new Error(String(err)));
    }
  }

  #stopTimer(): void {
    this.#active = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Called after the phone confirmed the logout: the backups and the local profile go. */
  override async logout(): Promise<void> {
    await this.store.delete(this.sessionName);
    await rm(this.userDataDir, { recursive: true, force: true, maxRetries: 4, retryDelay: 100 });
  }

  /** Stops the timer, cancels waits (start-up retries, a flush barrier) and waits for the save queue to drain. */
  override async destroy(): Promise<void> {
    this.#stopTimer();
    this.#abort.abort();
    await this.#queue;
  }
}

/** An error of the same kind (same code) as the unusable archive's, saying what was restored instead. */
function fallbackError(unusable: ArchiveError, message: string): ArchiveError {
  return new ArchiveError(unusable.code as ConstructorParameters<typeof ArchiveError>[0], message, { cause: unusable });
}

function isWwebjsStore(store: SessionStore | WwebjsStore): store is WwebjsStore {
  const s = store as unknown as Record<string, unknown>;
  return typeof s['sessionExists'] === 'function' && typeof s['extract'] === 'function' && typeof s['load'] !== 'function';
}

function positive(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new InvalidOptionError(`${name} must be a number > 0`);
  return value;
}

function nonNegative(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new InvalidOptionError(`${name} must be an integer ≥ 0`);
  return value;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
}

/**
 * Which stored generations may replace the local copy, newest first.
 * - Stamped with a generation the store still lists under the same number and `createdAt`: only
 *   the ones newer than it (none when it is the newest): an older one would lose what the local
 *   copy has.
 * - Otherwise (no stamp, a stamp naming nothing listed, or a store whose numbers are not
 *   identities): all of them, newest first.
 */
function restoreCandidates(generations: readonly StoredGeneration[], local: LocalStamp | undefined, stable: boolean): StoredGeneration[] {
  const newestFirst = [...generations].sort((a, b) => b.generation - a.generation);
  if (!stable || local?.createdAt === undefined) return newestFirst;
  const createdAt = Date.parse(local.createdAt);
  const index = newestFirst.findIndex((g) => g.generation === local.generation && g.createdAt.getTime() === createdAt);
  return index === -1 ? newestFirst : newestFirst.slice(0, index);
}

async function readStamp(profileDir: string): Promise<LocalStamp | null> {
  try {
    const parsed = JSON.parse(await readFile(join(profileDir, STAMP_FILE), 'utf8')) as Record<string, unknown>;
    if (typeof parsed['sessionName'] !== 'string' || typeof parsed['generation'] !== 'number') return null;
    // Stamps written before `createdAt` existed kept the stored generation's createdAt as `savedAt`.
    const createdAt = parsed['createdAt'] ?? parsed['savedAt'];
    const valid = typeof createdAt === 'string' && !Number.isNaN(Date.parse(createdAt));
    return {
      sessionName: parsed['sessionName'],
      generation: parsed['generation'],
      createdAt: valid ? createdAt : undefined,
      ...(typeof parsed['contentHash'] === 'string' ? { contentHash: parsed['contentHash'] } : {}),
    };
  } catch {
    return null;
  }
}

async function writeStamp(profileDir: string, stamp: LocalStamp): Promise<void> {
  await writeFile(join(profileDir, STAMP_FILE), JSON.stringify(stamp), { mode: 0o600 });
}

/** Hashes every file under `dir` (LevelDB `LOCK` files aside), streaming: nothing is held in memory. */
async function digestFiles(dir: string, rel: string, out: FileDigest[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return;
    throw err;
  }
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) await digestFiles(full, `${rel}/${entry.name}`, out);
    else if (entry.isFile() && entry.name !== 'LOCK') {
      const hash = createHash('sha256');
      let size = 0;
      try {
        for await (const chunk of createReadStream(full)) {
          hash.update(chunk as Buffer);
          size += (chunk as Buffer).length;
        }
      } catch (err) {
        // A compaction can remove a file mid-walk; it is simply not part of this state.
        if (isErrno(err, 'ENOENT')) continue;
        throw err;
      }
      out.push({ path: `${rel}/${entry.name}`, size, sha256: hash.digest() });
    }
  }
}

/** Waits for `promise` to settle, or for `ms` to pass, whichever comes first; the timer never outlives the wait. */
async function settledWithin(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function mtimeMs(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
}

function throwIfAborted(signal: AbortSignal, message: string): void {
  if (signal.aborted) throw new AbortError(message);
}

/** Waits `ms`; rejects with an `AbortError` as soon as `signal` is aborted. The timer never outlives the wait. */
function delay(ms: number, signal: AbortSignal, message: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new AbortError(message));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AbortError(message));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * `promise`, or an `AbortError` as soon as `signal` is aborted. A page call left behind settles
 * when the browser goes (puppeteer rejects pending calls); its rejection is consumed here.
 */
function abortable<T>(promise: Promise<T>, signal: AbortSignal, message: string): Promise<T> {
  promise.catch(() => undefined);
  if (signal.aborted) return Promise.reject(new AbortError(message));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new AbortError(message));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
