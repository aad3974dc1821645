/**
 * Chromium marks a profile in use with a `SingletonLock` symlink whose target
 * is `<hostname>-<pid>`. A crash leaves it behind; if that pid is later reused
 * by an unrelated process, Chromium refuses the profile. waweb checks the lock
 * before launching: stale locks from this host are removed, live ones are a
 * clear error naming the pid.
 */
import { readFile, readlink, realpath, rm, symlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { ProfileLockedError } from '../errors';
import { isAlive } from '../util/process-alive';

const SINGLETON_FILES = ['SingletonLock', 'SingletonCookie', 'SingletonSocket'];

export type LockCheck = 'none' | 'cleared-stale';

/** Throws ProfileLockedError when a live Chromium holds `userDataDir`; clears a stale lock. */
export async function checkProfileLock(userDataDir: string): Promise<LockCheck> {
  let target: string;
  try {
    target = await readlink(join(userDataDir, 'SingletonLock'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'none';
    if (code === 'EINVAL') {
      // Not a symlink: not Chromium's format; leave it to Chromium.
      return 'none';
    }
    throw err;
  }
  const match = /^(.*)-(\d+)$/.exec(target);
  const lockHost = match?.[1];
  const pid = match?.[2] !== undefined ? Number(match[2]) : undefined;
  if (lockHost !== undefined && lockHost !== hostname()) {
    throw new ProfileLockedError(
      `profile ${userDataDir} is locked by host ${lockHost} (pid ${pid ?? '?'}); if that host no longer uses it, delete ${join(userDataDir, 'SingletonLock')}`,
      pid,
    );
  }
  if (pid !== undefined && isAlive(pid) && (await usesProfile(pid, userDataDir))) {
    throw new ProfileLockedError(`profile ${userDataDir} is in use by Chromium process ${pid}`, pid);
  }
  await Promise.all(SINGLETON_FILES.map((name) => rm(join(userDataDir, name), { force: true })));
  return 'cleared-stale';
}

/**
 * The pid of a live Chromium (on this host) that holds `userDataDir`, or undefined. Read-only: a
 * stale lock is left where it is (for tools that must not change a profile they only read).
 */
export async function profileInUse(userDataDir: string): Promise<number | undefined> {
  let target: string;
  try {
    target = await readlink(join(userDataDir, 'SingletonLock'));
  } catch {
    return undefined;
  }
  const match = /^(.*)-(\d+)$/.exec(target);
  if (!match || match[1] !== hostname()) return undefined;
  const pid = Number(match[2]);
  return isAlive(pid) && (await usesProfile(pid, userDataDir)) ? pid : undefined;
}

/** True when process `pid` is a browser started on `userDataDir` (Linux /proc; elsewhere assume yes). */
async function usesProfile(pid: number, userDataDir: string): Promise<boolean> {
  let cmdline: string;
  try {
    cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // No procfs (not Linux): a live pid is the best evidence there is.
    if (code === 'ENOENT' && process.platform !== 'linux') return true;
    return false;
  }
  const args = cmdline.split('\0');
  // The same folder may be spelled differently (relative to the process's cwd, through a symlink).
  const procCwd = await readlink(`/proc/${pid}/cwd`).catch(() => '/');
  const wanted = await canonical(resolve(userDataDir));
  for (const arg of args) {
    if (!arg.startsWith('--user-data-dir=')) continue;
    if ((await canonical(resolve(procCwd, arg.slice('--user-data-dir='.length)))) === wanted) return true;
  }
  return false;
}

async function canonical(path: string): Promise<string> {
  return realpath(path).catch(() => path);
}

/**
 * Marks `userDataDir` in use by browser process `pid`, in Chromium's own format, where nothing
 * marks it yet: the headless shell leaves no `SingletonLock`, so without this a second process
 * could open the same profile. A lock Chromium wrote itself is left alone; a stale one is
 * replaced; one held by another live browser is a `ProfileLockedError`.
 */
export async function claimProfileLock(userDataDir: string, pid: number): Promise<void> {
  const lock = join(userDataDir, 'SingletonLock');
  const mine = `${hostname()}-${pid}`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await symlink(mine, lock);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if ((await readlink(lock).catch(() => undefined)) === mine) return;
    // Throws when another live browser holds it; removes it when stale.
    await checkProfileLock(userDataDir);
  }
  throw new ProfileLockedError(`profile ${userDataDir} kept being locked by other processes`, undefined);
}

export { isAlive };
