/**
 * Pure parts of browser/: flag merging, Chromium discovery order, and the
 * SingletonLock check (against temporary folders and real processes).
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmod, mkdir, readdir, readlink, symlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { searchChromium } from '../../src/browser/executable';
import { DEFAULT_CHROMIUM_ARGS, mergeArgs } from '../../src/browser/flags';
import { resolveArgs } from '../../src/browser/launch';
import { checkProfileLock } from '../../src/browser/profile-lock';
import { BrowserNotFoundError, ProfileLockedError } from '../../src/errors';
import { tempDir } from '../helpers/tmp';

let work: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  work = await tempDir('waweb-unit-browser-');
});
afterEach(async () => {
  await work.remove();
});

describe('mergeArgs', () => {
  test('a later --name=value replaces an earlier one, in place of the later list', () => {
    expect(mergeArgs(['--a=1', '--b'], ['--a=2'])).toEqual(['--b', '--a=2']);
  });

  test('repeated plain flags are kept once', () => {
    expect(mergeArgs(['--no-sandbox', '--x'], ['--no-sandbox'])).toEqual(['--no-sandbox', '--x']);
  });

  test('--disable-features lists merge into one flag, without duplicates, placed last', () => {
    expect(mergeArgs(['--disable-features=A,B', '--x'], ['--disable-features=B,C'], ['--y'])).toEqual([
      '--x',
      '--y',
      '--disable-features=A,B,C',
    ]);
  });

  test('the defaults and the simulator flags combine into one --disable-features', () => {
    const merged = mergeArgs(DEFAULT_CHROMIUM_ARGS, ['--disable-features=LocalNetworkAccessChecks']);
    const features = merged.filter((a) => a.startsWith('--disable-features='));
    expect(features).toHaveLength(1);
    expect(features[0]).toContain('LocalNetworkAccessChecks');
    expect(features[0]).toContain('WebUIOmniboxPopup');
  });

  test('host rules given later win (pointing a client elsewhere)', () => {
    const merged = mergeArgs(['--host-resolver-rules=MAP a 127.0.0.1:1'], ['--host-resolver-rules=MAP a 127.0.0.1:2']);
    expect(merged).toEqual(['--host-resolver-rules=MAP a 127.0.0.1:2']);
  });

  test('resolveArgs: new headless by default, the user agent and user flags last', () => {
    const args = resolveArgs({ args: ['--lang=fr'] }, 'UA/1');
    expect(args).toContain('--headless=new');
    expect(args).toContain('--user-agent=UA/1');
    expect(args).toContain('--lang=fr');
    expect(resolveArgs({ headless: false })).not.toContain('--headless=new');
    expect(resolveArgs({ headless: 'shell' })).toContain('--headless=old');
  });
});

describe('searchChromium order: option > CHROME_PATH/PUPPETEER_EXECUTABLE_PATH > well-known path > PATH', () => {
  async function fakeExecutable(name: string, executable = true): Promise<string> {
    const file = join(work.path, name);
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, '#!/bin/sh\nexit 0\n');
    await chmod(file, executable ? 0o755 : 0o644);
    return file;
  }

  test('the option wins over everything', async () => {
    const option = await fakeExecutable('option/chrome');
    const env = await fakeExecutable('env/chrome');
    const known = await fakeExecutable('known/chromium');
    const onPath = await fakeExecutable('bin/chromium');
    expect(searchChromium(option, { CHROME_PATH: env, PATH: join(onPath, '..') }, [known])).toBe(option);
  });

  test('a bad option is an error, not a fall-through', async () => {
    const env = await fakeExecutable('env/chrome');
    expect(() => searchChromium(join(work.path, 'missing'), { CHROME_PATH: env }, [])).toThrow(BrowserNotFoundError);
    const notExec = await fakeExecutable('plain/chrome', false);
    expect(() => searchChromium(notExec, {}, [])).toThrow(BrowserNotFoundError);
    expect(() => searchChromium(work.path, {}, [])).toThrow(BrowserNotFoundError);
  });

  test('CHROME_PATH, then PUPPETEER_EXECUTABLE_PATH, before the well-known path and PATH', async () => {
    const chromePath = await fakeExecutable('env1/chrome');
    const puppeteerPath = await fakeExecutable('env2/chrome');
    const known = await fakeExecutable('known/chromium');
    const onPath = await fakeExecutable('bin/chromium');
    const PATH = join(onPath, '..');
    expect(searchChromium(undefined, { CHROME_PATH: chromePath, PUPPETEER_EXECUTABLE_PATH: puppeteerPath, PATH }, [known])).toBe(
      chromePath,
    );
    expect(searchChromium(undefined, { PUPPETEER_EXECUTABLE_PATH: puppeteerPath, PATH }, [known])).toBe(puppeteerPath);
    // An empty variable counts as unset.
    expect(searchChromium(undefined, { CHROME_PATH: '', PUPPETEER_EXECUTABLE_PATH: puppeteerPath }, [known])).toBe(puppeteerPath);
  });

  test('an environment variable pointing nowhere is an error naming it', async () => {
    const known = await fakeExecutable('known/chromium');
    let caught: unknown;
    try {
      searchChromium(undefined, { CHROME_PATH: join(work.path, 'nowhere') }, [known]);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(BrowserNotFoundError);
    expect((caught as BrowserNotFoundError).code).toBe('BROWSER_NOT_FOUND');
    expect((caught as Error).message).toContain('CHROME_PATH');
  });

  test('the well-known path before PATH', async () => {
    const known = await fakeExecutable('known/chromium');
    const onPath = await fakeExecutable('bin/chromium');
    expect(searchChromium(undefined, { PATH: join(onPath, '..') }, [join(work.path, 'absent'), known])).toBe(known);
  });

  test('PATH: directories in order, chromium before google-chrome', async () => {
    const first = await fakeExecutable('p1/google-chrome');
    await fakeExecutable('p2/chromium');
    const PATH = [join(work.path, 'empty'), join(first, '..'), join(work.path, 'p2')].join(':');
    expect(searchChromium(undefined, { PATH }, [])).toBe(first);
    await fakeExecutable('p1/chromium');
    expect(searchChromium(undefined, { PATH }, [])).toBe(join(work.path, 'p1', 'chromium'));
    // A non-executable candidate is skipped.
    const skipped = await fakeExecutable('p3/chromium', false);
    const found = await fakeExecutable('p4/chromium-browser');
    expect(searchChromium(undefined, { PATH: [join(skipped, '..'), join(found, '..')].join(':') }, [])).toBe(found);
  });

  test('nothing anywhere → BrowserNotFoundError', () => {
    expect(() => searchChromium(undefined, { PATH: work.path }, [join(work.path, 'absent')])).toThrow(BrowserNotFoundError);
    expect(() => searchChromium(undefined, {}, [])).toThrow(BrowserNotFoundError);
  });
});

describe('checkProfileLock', () => {
  const deadPid = (): number => spawnSync('true').pid;

  async function profile(lockTarget?: string): Promise<string> {
    const dir = join(work.path, 'profile');
    await mkdir(dir, { recursive: true });
    if (lockTarget !== undefined) {
      await symlink(lockTarget, join(dir, 'SingletonLock'));
      await symlink('1234567890', join(dir, 'SingletonCookie'));
      await symlink(join(work.path, 'socket'), join(dir, 'SingletonSocket'));
    }
    await writeFile(join(dir, 'Local State'), '{}');
    return dir;
  }

  /** What checkProfileLock(dir) fails with, expected to be a ProfileLockedError. */
  async function lockError(dir: string): Promise<ProfileLockedError> {
    let caught: unknown;
    try {
      await checkProfileLock(dir);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ProfileLockedError);
    return caught as ProfileLockedError;
  }

  test('no lock: nothing to do', async () => {
    const dir = await profile();
    await expect(checkProfileLock(dir)).resolves.toBe('none');
    expect(await readdir(dir)).toEqual(['Local State']);
  });

  test('a SingletonLock that is not a symlink is left to Chromium', async () => {
    const dir = await profile();
    await writeFile(join(dir, 'SingletonLock'), 'odd');
    await expect(checkProfileLock(dir)).resolves.toBe('none');
    expect((await readdir(dir)).sort()).toEqual(['Local State', 'SingletonLock']);
  });

  test('this host, dead pid: stale, the three Singleton files are removed and nothing else', async () => {
    const dir = await profile(`${hostname()}-${deadPid()}`);
    await expect(checkProfileLock(dir)).resolves.toBe('cleared-stale');
    expect(await readdir(dir)).toEqual(['Local State']);
  });

  test('this host, live pid of a process that does not use the profile (pid reused): stale', async () => {
    const dir = await profile(`${hostname()}-${process.pid}`);
    await expect(checkProfileLock(dir)).resolves.toBe('cleared-stale');
    expect(await readdir(dir)).toEqual(['Local State']);
  });

  test('this host, live process started with --user-data-dir=<profile>: ProfileLockedError with its pid, lock kept', async () => {
    const dir = await profile();
    const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '--', `--user-data-dir=${dir}`], { stdio: 'ignore' });
    try {
      await new Promise<void>((resolve, reject) => {
        holder.once('spawn', resolve);
        holder.once('error', reject);
      });
      await symlink(`${hostname()}-${holder.pid}`, join(dir, 'SingletonLock'));
      const caught = await lockError(dir);
      expect(caught.code).toBe('PROFILE_LOCKED');
      expect(caught.pid).toBe(holder.pid);
      expect(await readlink(join(dir, 'SingletonLock'))).toBe(`${hostname()}-${holder.pid}`);
      // The same profile named through a different spelling of its path is still recognised.
      await expect(checkProfileLock(`${dir}/./`)).rejects.toBeInstanceOf(ProfileLockedError);
    } finally {
      const exited = new Promise((resolve) => holder.once('exit', resolve));
      holder.kill('SIGKILL');
      await exited;
    }
  });

  test('another host: ProfileLockedError (it may be in use there), lock kept', async () => {
    const dir = await profile('some-other-host-4242');
    expect((await lockError(dir)).pid).toBe(4242);
    expect(await readlink(join(dir, 'SingletonLock'))).toBe('some-other-host-4242');
  });

  test('a host name with dashes is parsed from the last dash', async () => {
    const dir = await profile(`${hostname()}-with-dash-${deadPid()}`);
    // Not this host (the name differs), so it is not cleared.
    await expect(checkProfileLock(dir)).rejects.toBeInstanceOf(ProfileLockedError);
  });
});
