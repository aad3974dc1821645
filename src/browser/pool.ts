/**
 * A pool of pre-launched browsers: each runs on an empty profile folder of its own, on a blank page,
 * with no navigation yet, so a start that takes one has no launch on its critical path. Knows
 * nothing of sessions: the taker fills the folder before its first navigation and owns browser and
 * folder from then on. The pool refills in the background and kills every browser it still holds
 * on `close()`.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BrowserError, InvalidOptionError, WawebError } from '../errors';
import { abortable } from '../util/deadline';
import { closeBrowser, launchBrowser, type LaunchChoices, type LaunchedBrowser, type PuppeteerOptions } from './launch';

/** How every browser of a pool is launched: puppeteer's options (no `userDataDir`) and the launch choices. */
export interface PoolLaunch {
  options: PuppeteerOptions;
  choices: Omit<LaunchChoices, 'signal'>;
}

export interface BrowserPoolOptions {
  /** How many launched browsers the pool keeps waiting. @default 1 */
  size?: number;
  /** Where the pooled browsers' profile folders are made (one `waweb-pool-*` folder each). @default os.tmpdir() */
  folder?: string;
  /** A launch that failed, or a pooled browser that died while waiting. @default ignored (counted in `stats().failed`) */
  onError?: (error: WawebError) => void;
}

/** A browser taken from a pool: the taker owns it and its folder now. */
export interface PooledBrowser {
  launched: LaunchedBrowser;
  /** The empty profile folder the browser runs on. */
  userDataDir: string;
}

/** What a pool has done so far. */
export interface BrowserPoolStats {
  /** Browsers launched (successfully) by the pool. */
  launched: number;
  /** Browsers handed to a start. */
  taken: number;
  /** Browsers waiting to be taken. */
  ready: number;
  /** Launches under way. */
  launching: number;
  /** Launches that failed, and waiting browsers that died. */
  failed: number;
  /** Starts that asked and were turned down because their launch differs from the pool's. */
  mismatched: number;
}

/** After this many failed launches in a row the pool stops refilling until a browser is taken. */
const MAX_FAILURES_IN_A_ROW = 3;

/**
 * The identity of a launch: equal keys launch the same Chromium the same way. `undefined` when the
 * launch cannot come from a pool (connecting to a browser, a profile folder named by the caller,
 * options a key cannot compare, such as functions).
 */
export function launchKey(launch: PoolLaunch): string | undefined {
  const { options, choices } = launch;
  if (options.browserWSEndpoint !== undefined || options.browserURL !== undefined || options.userDataDir !== undefined) return undefined;
  let comparable = true;
  const key = JSON.stringify({ options, choices: { ...choices, lean: choices.lean ?? true } }, (_name, value: unknown) => {
    if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') comparable = false;
    return typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint' ? undefined : value;
  });
  return comparable ? key : undefined;
}

export class BrowserPool {
  readonly size: number;
  readonly folder: string;
  /** The launch every browser of this pool had (see `launchKey`). */
  readonly key: string;
  readonly #launch: PoolLaunch;
  readonly #onError: ((error: WawebError) => void) | undefined;
  readonly #ready: Array<{ pooled: PooledBrowser; gone: () => void }> = [];
  readonly #launches = new Set<Promise<void>>();
  readonly #abort = new AbortController();
  #failuresInARow = 0;
  #closing: Promise<void> | undefined;
  /** `whenReady()` calls waiting for a browser, or for the pool to give up. */
  readonly #waiters = new Set<() => void>();
  readonly #stats = { launched: 0, taken: 0, failed: 0, mismatched: 0 };

  constructor(launch: PoolLaunch, options: BrowserPoolOptions = {}) {
    const size = options.size ?? 1;
    if (!Number.isInteger(size) || size < 1)
      throw new InvalidOptionError(`browser pool size must be a positive integer, got ${String(size)}`);
    const key = launchKey(launch);
    if (key === undefined)
      throw new InvalidOptionError(
        'a browser pool launches its own browsers: no browserWSEndpoint, browserURL, userDataDir or function options',
      );
    this.size = size;
    this.key = key;
    this.folder = resolve(options.folder ?? tmpdir());
    this.#launch = launch;
    this.#onError = options.onError;
    this.#fill();
  }

  /** The counts so far. */
  stats(): BrowserPoolStats {
    return { ...this.#stats, ready: this.#ready.length, launching: this.#launches.size };
  }

  /**
   * A waiting browser launched exactly as `key` says, or `undefined` (none waiting, a different
   * launch, or a closed pool): the caller launches as usual then. Never waits for a launch.
   */
  take(key: string | undefined): PooledBrowser | undefined {
    if (this.#closing) return undefined;
    if (key !== this.key) {
      this.#stats.mismatched++;
      return undefined;
    }
    const entry = this.#ready.shift();
    if (!entry) return undefined;
    entry.pooled.launched.browser.off('disconnected', entry.gone);
    this.#stats.taken++;
    this.#failuresInARow = 0;
    this.#fill();
    return entry.pooled;
  }

  /**
   * Resolves once a browser waits in the pool (at once if one does). Rejects when the pool is
   * closed, when it stopped refilling after failed launches, or when `signal` fires.
   */
  whenReady(signal?: AbortSignal): Promise<void> {
    return abortable(
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          const outcome = this.#readiness();
          if (outcome === 'waiting') return;
          this.#waiters.delete(check);
          if (outcome === 'ready') resolve();
          else reject(outcome);
        };
        this.#waiters.add(check);
        check();
        signal?.addEventListener('abort', () => this.#waiters.delete(check), { once: true });
      }),
      signal,
      'waiting for a pooled browser was aborted',
    );
  }

  #readiness(): 'ready' | 'waiting' | BrowserError {
    if (this.#closing) return new BrowserError('the browser pool is closed');
    if (this.#ready.length > 0) return 'ready';
    if (this.#failuresInARow >= MAX_FAILURES_IN_A_ROW && this.#launches.size === 0)
      return new BrowserError(`the browser pool stopped refilling after ${MAX_FAILURES_IN_A_ROW} failed launches in a row`);
    return 'waiting';
  }

  #wake(): void {
    for (const check of [...this.#waiters]) check();
  }

  /** Kills every browser the pool still holds (and those still launching) and removes their folders. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    this.#wake();
    return this.#closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #close(): Promise<void> {
    this.#abort.abort();
    await Promise.all([...this.#launches]);
    const waiting = this.#ready.splice(0);
    await Promise.all(waiting.map(({ pooled, gone }) => (pooled.launched.browser.off('disconnected', gone), discardPooled(pooled))));
  }

  #fill(): void {
    while (!this.#closing && this.#failuresInARow < MAX_FAILURES_IN_A_ROW && this.#ready.length + this.#launches.size < this.size) {
      const launch: Promise<void> = this.#launchOne().then(() => {
        this.#launches.delete(launch);
        this.#fill();
        this.#wake();
      });
      this.#launches.add(launch);
    }
  }

  /** One browser into the pool; never rejects (a failure is reported). */
  async #launchOne(): Promise<void> {
    let folder: string | undefined;
    let launched: LaunchedBrowser;
    try {
      await mkdir(this.folder, { recursive: true, mode: 0o700 });
      folder = await mkdtemp(join(this.folder, 'waweb-pool-'));
      const { options, choices } = this.#launch;
      // Its own signal, tied to close() only while launching: puppeteer kills a browser whose launch signal fires later.
      const launching = new AbortController();
      const stop = (): void => launching.abort();
      this.#abort.signal.addEventListener('abort', stop, { once: true });
      try {
        launched = await launchBrowser({ ...options, userDataDir: folder }, { ...choices, signal: launching.signal });
      } finally {
        this.#abort.signal.removeEventListener('abort', stop);
      }
    } catch (err) {
      if (folder !== undefined) await rm(folder, { recursive: true, force: true });
      if (this.#closing) return;
      this.#failuresInARow++;
      this.#failed(err instanceof WawebError ? err : new BrowserError('a pooled browser could not be launched', { cause: err }));
      return;
    }
    this.#stats.launched++;
    const pooled: PooledBrowser = { launched, userDataDir: folder };
    if (this.#closing) return discardPooled(pooled);
    const gone = (): void => {
      const at = this.#ready.findIndex((e) => e.pooled === pooled);
      if (at === -1) return;
      this.#ready.splice(at, 1);
      this.#failed(new BrowserError('a pooled browser exited while waiting to be taken'));
      const dropped = discardPooled(pooled).then(() => {
        this.#launches.delete(dropped);
        this.#fill();
      });
      this.#launches.add(dropped);
    };
    launched.browser.once('disconnected', gone);
    this.#ready.push({ pooled, gone });
  }

  #failed(error: WawebError): void {
    this.#stats.failed++;
    try {
      this.#onError?.(error);
    } catch {
      // a throwing handler must not stop the pool
    }
  }
}

/** Closes a pooled browser nobody will use and removes its folder. */
export async function discardPooled(pooled: PooledBrowser): Promise<void> {
  await closeBrowser(pooled.launched.browser, pooled.launched.pid);
  await rm(pooled.userDataDir, { recursive: true, force: true, maxRetries: 4, retryDelay: 100 });
}
