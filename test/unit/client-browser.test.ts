/**
 * Pure parts of browser/: flag merging, Chromium discovery order, and the
 * SingletonLock check (against temporary folders and real processes).
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmod, mkdir, readdir, readlink, symlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { findChromium, resolveChromiumBuild, searchChromium, searchPlan } from '../../src/browser/executable';
import { DEFAULT_CHROMIUM_ARGS, LEAN_CHROMIUM_ARGS, mergeArgs } from '../../src/browser/flags';
import { resolveArgs } from '../../src/browser/launch';
import { chromiumBrands, fullBuildClientHints } from '../../src/browser/user-agent';
import { checkProfileLock } from '../../src/browser/profile-lock';
import { BrowserNotFoundError, InvalidOptionError, ProfileLockedError } from '../../src/errors';
import { tempDir } from '../helpers/tmp';

let work: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  work = await tempDir('waweb-unit-browser-');
});
afterEach(async () => {
  await work.remove();
});

async function fakeExecutable(name: string, executable = true): Promise<string> {
  const file = join(work.path, name);
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, '#!/bin/sh\nexit 0\n');
  await chmod(file, executable ? 0o755 : 0o644);
  return file;
}

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

  test("resolveArgs: the headless shell gets full Chromium's languages unless the caller set some", () => {
    const shell = '/usr/bin/chromium-headless-shell';
    expect(resolveArgs({}, 'UA/1', shell)).toContain('--accept-lang=en-US,en');
    expect(resolveArgs({}, 'UA/1', '/usr/bin/chromium')).not.toContain('--accept-lang=en-US,en');
    const french = resolveArgs({ args: ['--lang=fr'] }, 'UA/1', shell);
    expect(french.filter((a) => a.startsWith('--accept-lang') || a.startsWith('--lang'))).toEqual(['--lang=fr']);
    // The lean flags stay, and merge with the defaults' --disable-features into one flag.
    expect(french).toContain('--renderer-process-limit=1');
    const features = french.filter((a) => a.startsWith('--disable-features='));
    expect(features).toHaveLength(1);
    expect(features[0]).toContain('SpareRendererForSitePerProcess');
    expect(features[0]).toContain('WebUIOmniboxPopup');
  });

  test('resolveArgs: the lean flags are on by default for both builds, and lean=false gives the old set back', () => {
    for (const exe of ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium']) {
      const lean = resolveArgs({}, 'UA/1', exe);
      for (const flag of LEAN_CHROMIUM_ARGS.filter((a) => !a.startsWith('--disable-features='))) expect(lean).toContain(flag);
      const features = lean.filter((a) => a.startsWith('--disable-features='));
      expect(features).toHaveLength(1);
      for (const f of ['IsolateOrigins', 'site-per-process', 'SpareRendererForSitePerProcess', 'BackForwardCache', 'WebUIOmniboxPopup'])
        expect(features[0]!.split('=')[1]!.split(',')).toContain(f);

      const standard = resolveArgs({}, 'UA/1', exe, false);
      for (const flag of LEAN_CHROMIUM_ARGS.filter((a) => !a.startsWith('--disable-features='))) expect(standard).not.toContain(flag);
      const standardFeatures = standard
        .find((a) => a.startsWith('--disable-features='))!
        .split('=')[1]!
        .split(',');
      expect(standardFeatures).not.toContain('site-per-process');
      expect(standardFeatures).not.toContain('IsolateOrigins');
      // What stays without the lean flags: the defaults, the headless mode and the user agent.
      expect(standardFeatures).toContain('WebUIOmniboxPopup');
      expect(standard).toContain('--headless=new');
      expect(standard).toContain('--user-agent=UA/1');
    }
    // A flag of the user's with a value still wins over the lean one of the same name.
    expect(resolveArgs({ args: ['--renderer-process-limit=4'] }, 'UA/1', '/usr/bin/chromium')).toContain('--renderer-process-limit=4');
    expect(resolveArgs({ args: ['--renderer-process-limit=4'] }, 'UA/1', '/usr/bin/chromium')).not.toContain('--renderer-process-limit=1');
  });
});

describe('Chromium builds: the headless shell by default, the full build when asked or for a window', () => {
  test('auto and headless: the shell first, then the full build; a window or "full": the full build only', () => {
    const auto = searchPlan('auto', true);
    expect(auto.wellKnown).toEqual(['/usr/lib/chromium/chromium-headless-shell', '/usr/bin/chromium-headless-shell', '/usr/bin/chromium']);
    expect(auto.groups[0]).toContain('chromium-headless-shell');
    expect(auto.groups[1]).toContain('chromium');
    expect(searchPlan('auto', false).wellKnown).toEqual(['/usr/bin/chromium']);
    expect(searchPlan('full', true).groups.flat()).not.toContain('chromium-headless-shell');
    expect(searchPlan('headless-shell', 'shell').groups.flat()).not.toContain('chromium');
  });

  test('PATH: a shell anywhere on PATH beats a full build earlier on it', async () => {
    const full = await fakeExecutable('a/chromium');
    const shell = await fakeExecutable('b/chromium-headless-shell');
    const PATH = [join(full, '..'), join(shell, '..')].join(':');
    expect(searchChromium(undefined, { PATH }, [], searchPlan('auto', true).groups)).toBe(shell);
    expect(searchChromium(undefined, { PATH }, [], searchPlan('full', true).groups)).toBe(full);
    expect(() => searchChromium(undefined, { PATH: join(full, '..') }, [], searchPlan('headless-shell', true).groups)).toThrow(
      /chromium-headless-shell/,
    );
  });

  test('the build comes from the option, else WAWEB_CHROMIUM; unknown names and a windowed shell are refused', () => {
    expect(resolveChromiumBuild(undefined, {})).toBe('auto');
    expect(resolveChromiumBuild(undefined, { WAWEB_CHROMIUM: 'full' })).toBe('full');
    expect(resolveChromiumBuild('headless-shell', { WAWEB_CHROMIUM: 'full' })).toBe('headless-shell');
    expect(() => resolveChromiumBuild(undefined, { WAWEB_CHROMIUM: 'chrome' })).toThrow(/WAWEB_CHROMIUM=chrome/);
    expect(() => resolveChromiumBuild('shell', {})).toThrow(InvalidOptionError);
    expect(() => findChromium(undefined, { build: 'headless-shell', headless: false, env: {} })).toThrow(InvalidOptionError);
  });

  test("client hints: Chromium's GREASE brand and order for the version, none for other browsers", () => {
    expect(chromiumBrands(156)).toEqual([
      { brand: 'Not:A-Brand', version: '8' },
      { brand: 'Chromium', version: '156' },
    ]);
    expect(chromiumBrands(157)).toEqual([
      { brand: 'Chromium', version: '157' },
      { brand: 'Not-A.Brand', version: '99' },
    ]);
    expect(fullBuildClientHints('HeadlessChrome/156.0.8078.108')?.brands).toEqual(chromiumBrands(156));
    expect(fullBuildClientHints('Chrome/156.0.8078.108')).toEqual(fullBuildClientHints('HeadlessChrome/156.0.8078.108'));
    expect(fullBuildClientHints('Firefox/140.0')).toBeUndefined();
  });
});

describe('searchChromium order: option > CHROME_PATH/PUPPETEER_EXECUTABLE_PATH > well-known path > PATH', () => {
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
