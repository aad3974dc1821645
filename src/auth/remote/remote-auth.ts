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
 *   the local profile is never deleted before a good replacement exists;
 * - a corrupt newest backup falls back to the previous generation;
 * - the remote copy is deleted only after a logout the phone confirmed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { checkProfileLock } from '../../browser/profile-lock';
import { ArchiveError, errorMessage, InvalidOptionError, StoreError } from '../../errors';
import { fromWwebjsStore, type WwebjsStore } from '../../stores/wwebjs-adapter';
import type { SessionStore, StoredGeneration } from '../../stores/types';
import { assertClientId } from '../client-id';
import { AuthStrategy, type BrowserClosedInfo, type BrowserPlan, type LaunchRequest } from '../strategy';
import { computeContentHash, createSessionArchive, extractSessionArchive, DEFAULT_MAX_UNCOMPRESSED_BYTES } from './archive';
import { AGGRESSIVE_FLUSH_FLAG, FLUSH_BARRIER_KEY, waitForLocalStorageValue } from './flush';

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

/** Written beside the profile's `Default/` folder: which backup the local copy matches. */
interface LocalStamp {
  sessionName: string;
  generation: number;
  savedAt: string;
}

const STAMP_FILE = 'waweb-remote.json';
const MAX_RETRY_DELAY_MS = 60_000;

export class RemoteAuth extends AuthStrategy {
  readonly name = 'remote';
  readonly clientId: string | undefined;
  readonly dataPath: string;
  readonly sessionName: string;
  readonly userDataDir: string;
  readonly store: SessionStore;
  readonly #options: Required<Omit<RemoteAuthOptions, 'store' | 'clientId' | 'dataPath'>>;

  #timer: NodeJS.Timeout | undefined;
  #saving: Promise<void> | undefined;
  #active = false;
  #readyThisRun = false;
  #lastStateKey: string | undefined;
  #failures = 0;

  constructor(options: RemoteAuthOptions) {
    super();
    if (!options || typeof options !== 'object' || !options.store) {
      throw new InvalidOptionError('RemoteAuth needs a store: new RemoteAuth({ store, clientId })');
    }
    this.clientId = assertClientId(options.clientId);
    this.dataPath = resolve(options.dataPath ?? '.wwebjs_auth');
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
    if (request.userDataDir !== undefined && resolve(request.userDataDir) !== this.userDataDir) {
      throw new InvalidOptionError(
        `puppeteer.userDataDir (${request.userDataDir}) contradicts RemoteAuth, which keeps this session in ${this.userDataDir}`,
      );
    }
    this.#active = true;
    this.#readyThisRun = false;
    this.#failures = 0;
    await mkdir(this.dataPath, { recursive: true, mode: 0o700 });
    if (await exists(this.userDataDir)) await checkProfileLock(this.userDataDir);
    const generations = await this.#listWithRetries();
    const local = await readStamp(this.userDataDir);
    const newest = generations[0];
    if (newest && !(local && local.sessionName === this.sessionName && local.generation >= newest.generation)) {
      await this.#restore(generations);
    } else {
      await mkdir(this.userDataDir, { recursive: true, mode: 0o700 });
    }
    return { userDataDir: this.userDataDir, args: [AGGRESSIVE_FLUSH_FLAG] };
  }

  async #listWithRetries(): Promise<StoredGeneration[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.store.list(this.sessionName);
      } catch (err) {
        if (attempt >= this.#options.startupRetries) {
          if (err instanceof StoreError) throw err;
          throw new StoreError(`session store ${this.store.name} failed at start: ${errorMessage(err)}`, { cause: err });
        }
        await delay(this.#retryDelay(attempt));
      }
    }
  }

  /** Restores the newest good generation into a temporary folder, then swaps it in. */
  async #restore(generations: StoredGeneration[]): Promise<void> {
    let firstError: unknown;
    for (const generation of generations) {
      const temp = join(this.dataPath, `.${this.sessionName}.restore-${randomBytes(4).toString('hex')}`);
      try {
        const loaded = await this.store.load(this.sessionName, { generation: generation.generation });
        if (!loaded) continue; // pruned meanwhile
        await extractSessionArchive(loaded.data, temp, { maxUncompressedBytes: this.#options.maxArchiveBytes });
        await writeStamp(temp, { sessionName: this.sessionName, generation: loaded.generation, savedAt: loaded.createdAt.toISOString() });
        await this.#swapIn(temp);
        if (firstError !== undefined) {
          this.host.emitError(
            new ArchiveError('ARCHIVE_CORRUPT', `newest backup of ${this.sessionName} was unusable; restored generation ${loaded.generation}`, {
              cause: firstError,
            }),
          );
        }
        return;
      } catch (err) {
        await rm(temp, { recursive: true, force: true });
        if (!(err instanceof ArchiveError)) throw err;
        firstError ??= err;
      }
    }
    if (firstError !== undefined) throw firstError;
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

  /** Takes a backup now (waits for one in flight first). Resolves when it is stored or skipped. */
  async saveNow(): Promise<void> {
    if (this.#saving) await this.#saving;
    this.#saving = this.#save('live').finally(() => {
      this.#saving = undefined;
    });
    await this.#saving;
  }

  #schedule(ms: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (!this.#active) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.saveNow().then(
        () => {
          this.#failures = 0;
          this.#schedule(this.#options.backupSyncIntervalMs);
        },
        (err: unknown) => {
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
    let stateKey: string | undefined;
    if (mode === 'live') {
      const web = this.host.page();
      if (!web) return;
      const entries = (await web.localStorageEntries()).filter(([key]) => key !== FLUSH_BARRIER_KEY);
      stateKey = await this.#stateKey(entries);
      if (stateKey === this.#lastStateKey) return;
      const barrier = `${Date.now()}-${randomBytes(12).toString('hex')}`;
      await web.setLocalStorageItem(FLUSH_BARRIER_KEY, barrier);
      await waitForLocalStorageValue(this.userDataDir, barrier, { timeoutMs: this.#options.flushTimeoutMs, timeoutOption: 'flushTimeoutMs' });
    }
    const archive = await createSessionArchive(this.userDataDir, { clientId: this.clientId ?? this.sessionName });
    let saved: StoredGeneration;
    try {
      saved = await this.store.save(this.sessionName, archive.data);
    } catch (err) {
      if (err instanceof StoreError) throw err;
      throw new StoreError(`saving ${this.sessionName} to ${this.store.name} failed: ${errorMessage(err)}`, { cause: err });
    }
    this.#lastStateKey = stateKey;
    await writeStamp(this.userDataDir, { sessionName: this.sessionName, generation: saved.generation, savedAt: saved.createdAt.toISOString() });
    this.host.emitSessionSaved({ bytes: archive.data.length, durationMs: Date.now() - started, generation: saved.generation });
  }

  /** Identifies the session's logical content: localStorage as the page sees it, plus IndexedDB's files. */
  async #stateKey(entries: Array<[string, string]>): Promise<string> {
    const files: Array<{ path: string; data: Uint8Array }> = [];
    await collectFiles(join(this.userDataDir, 'Default', 'IndexedDB'), 'Default/IndexedDB', files);
    const ls = createHash('sha256');
    for (const [key, value] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) ls.update(`${key.length}:${key}${value.length}:${value}`);
    return `${ls.digest('hex')}:${computeContentHash(files)}`;
  }

  // ------------------------------------------------------------ stop

  override async afterBrowserClosed(info: BrowserClosedInfo): Promise<void> {
    this.#active = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#saving) await this.#saving.catch(() => undefined);
    // A final backup only from a cleanly closed browser: a killed one may have lost localStorage,
    // and uploading that would replace a good backup with a worse one.
    if (!info.clean || info.loggedOut || !this.#readyThisRun) return;
    try {
      this.#saving = this.#save('final');
      await this.#saving;
    } catch (err) {
      this.host.emitError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      this.#saving = undefined;
    }
  }

  /** Called after the phone confirmed the logout: the backups and the local profile go. */
  override async logout(): Promise<void> {
    await this.store.delete(this.sessionName);
    await rm(this.userDataDir, { recursive: true, force: true, maxRetries: 4, retryDelay: 100 });
  }

  override async destroy(): Promise<void> {
    this.#active = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#saving) await this.#saving.catch(() => undefined);
  }
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
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

async function readStamp(profileDir: string): Promise<LocalStamp | null> {
  try {
    const parsed = JSON.parse(await readFile(join(profileDir, STAMP_FILE), 'utf8')) as Partial<LocalStamp>;
    if (typeof parsed.sessionName !== 'string' || typeof parsed.generation !== 'number') return null;
    return { sessionName: parsed.sessionName, generation: parsed.generation, savedAt: String(parsed.savedAt) };
  } catch {
    return null;
  }
}

async function writeStamp(profileDir: string, stamp: LocalStamp): Promise<void> {
  await writeFile(join(profileDir, STAMP_FILE), JSON.stringify(stamp), { mode: 0o600 });
}

async function collectFiles(dir: string, rel: string, out: Array<{ path: string; data: Uint8Array }>): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) await collectFiles(full, `${rel}/${entry.name}`, out);
    else if (entry.isFile() && entry.name !== 'LOCK') {
      try {
        out.push({ path: `${rel}/${entry.name}`, data: await readFile(full) });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
