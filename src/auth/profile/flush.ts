/**
 * Knowing when a running Chromium's profile is consistent enough to copy.
 *
 * Measured on Chromium 156 (shared/environment-facts.md):
 * - IndexedDB needs nothing: a committed transaction is already in the
 *   origin's LevelDB log.
 * - localStorage is written lazily (~5 s after the first change, then at most
 *   about once a minute). `--enable-aggressive-domstorage-flushing` makes it
 *   ~1 s. Writes reach disk in order, so once a value written last is found in
 *   the Local Storage LevelDB files, everything written before it is there too.
 *
 * So a backup writes a unique barrier value through the page and waits until
 * its bytes appear in `Default/Local Storage/leveldb`, then copies.
 */
import { randomBytes } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AbortError, TimeoutError } from '../../errors';
import { abortable, withDeadline } from '../../util/deadline';
import { isErrno } from '../../util/errno';
import type { SessionPage } from '../strategy';

export const FLUSH_BARRIER_KEY = '__waweb_flush_barrier';
export const AGGRESSIVE_FLUSH_FLAG = '--enable-aggressive-domstorage-flushing';

/** The folder Chromium keeps localStorage in. */
export function localStorageDir(profileDir: string): string {
  return join(profileDir, 'Default', 'Local Storage', 'leveldb');
}

/** True when `value` is stored in the Local Storage LevelDB files (as Latin-1 or UTF-16). */
export async function localStorageContains(profileDir: string, value: string): Promise<boolean> {
  const dir = localStorageDir(profileDir);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
  const needles = [Buffer.from(value, 'latin1'), Buffer.from(value, 'utf16le')];
  for (const name of names) {
    if (!name.endsWith('.log') && !name.endsWith('.ldb')) continue;
    let data: Buffer;
    try {
      data = await readFile(join(dir, name));
    } catch (err) {
      // A compaction can remove a file between readdir and read.
      if (isErrno(err, 'ENOENT')) continue;
      throw err;
    }
    if (needles.some((needle) => data.includes(needle))) return true;
  }
  return false;
}

export interface WaitForLocalStorageOptions {
  /** Give up with a `TimeoutError` after this long. */
  timeoutMs: number;
  /** Re-check this often even without a change notification. @default 250 */
  recheckMs?: number;
  /** The option named in the timeout message. @default 'flushTimeoutMs' */
  timeoutOption?: string;
  /** Gives up with an `AbortError` when aborted (the browser died, the client was destroyed). */
  signal?: AbortSignal;
  /** Message of that `AbortError`. */
  abortMessage?: string;
}

/**
 * Resolves once `value` is on disk in the profile's localStorage. Re-checks
 * whenever the folder changes (fs.watch), and every `recheckMs` in case a
 * change notification is missed or the folder does not exist yet. Rejects with
 * a `TimeoutError` after `timeoutMs`, or an `AbortError` when `signal` is aborted;
 * either way the watcher and timers are gone when it settles.
 */
export async function waitForLocalStorageValue(profileDir: string, value: string, options: WaitForLocalStorageOptions): Promise<void> {
  const { signal } = options;
  const aborted = (): AbortError => new AbortError(options.abortMessage ?? 'waiting for localStorage to reach disk was aborted');
  if (signal?.aborted) throw aborted();
  if (await localStorageContains(profileDir, value)) return;
  if (signal?.aborted) throw aborted();
  const dir = localStorageDir(profileDir);
  await withDeadline((stop) => watchForValue(profileDir, dir, value, options.recheckMs ?? 250, stop), {
    timeoutMs: options.timeoutMs,
    signal,
    abortMessage: options.abortMessage ?? 'waiting for localStorage to reach disk was aborted',
    onTimeout: () =>
      new TimeoutError(`localStorage did not reach disk within ${options.timeoutMs} ms (${options.timeoutOption ?? 'flushTimeoutMs'})`),
  });
}

/**
 * Resolves once `value` is in the Local Storage files: checked whenever the folder changes
 * (fs.watch) and every `recheckMs` in case a notification is missed or the folder does not exist
 * yet. When `stop` fires (deadline or abort) the watcher and timer go and the promise settles.
 */
function watchForValue(profileDir: string, dir: string, value: string, recheckMs: number, stop: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let watcher: FSWatcher | undefined;
    let checking = false;
    let settled = false;
    const finish = (err?: Error): void => {
      if (settled) return;
      settled = true;
      clearInterval(recheck);
      stop.removeEventListener('abort', onStop);
      watcher?.close();
      if (err) reject(err);
      else resolve();
    };
    const check = (): void => {
      if (checking || settled) return;
      checking = true;
      localStorageContains(profileDir, value).then(
        (found) => {
          checking = false;
          if (found) finish();
          else if (!watcher) startWatching();
        },
        (err: unknown) => finish(err instanceof Error ? err : new Error(String(err))),
      );
    };
    const startWatching = (): void => {
      try {
        watcher = watch(dir, () => check());
        watcher.on('error', () => {
          watcher?.close();
          watcher = undefined;
        });
      } catch {
        watcher = undefined; // folder not there yet; the periodic re-check covers it
      }
    };
    const recheck = setInterval(check, recheckMs);
    const onStop = (): void => finish(new AbortError('stopped waiting for localStorage'));
    stop.addEventListener('abort', onStop, { once: true });
    startWatching();
    check();
  });
}

/**
 * Writes a unique value through the page and waits until Chromium has written it to disk
 * (`flushTimeoutMs` at most): everything written before it is then on disk too.
 */
export async function passFlushBarrier(
  web: SessionPage,
  profileDir: string,
  options: { timeoutMs: number; signal?: AbortSignal | undefined; abortMessage?: string },
): Promise<void> {
  const barrier = `${Date.now()}-${randomBytes(12).toString('hex')}`;
  await abortable(web.setLocalStorageItem(FLUSH_BARRIER_KEY, barrier), options.signal, options.abortMessage);
  await waitForLocalStorageValue(profileDir, barrier, {
    timeoutMs: options.timeoutMs,
    timeoutOption: 'flushTimeoutMs',
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.abortMessage === undefined ? {} : { abortMessage: options.abortMessage }),
  });
}
