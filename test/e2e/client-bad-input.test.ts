/**
 * Issue 3 acceptance 6: bad input gives typed errors before anything is
 * launched or deleted; Chromium's SingletonLock is cleared when stale and a
 * clear error when another live process holds the profile.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readlink, symlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { BrowserNotFoundError, Client, ErrorCode, InvalidOptionError, LocalAuth, ProfileLockedError } from '../../src/index';
import { ClientHarness, mainBrowserPid } from '../helpers/client';
import { useSimulatorHarnesses } from '../helpers/use-simulator';

const children: ChildProcess[] = [];
const env = useSimulatorHarnesses(
  'waweb-client-bad-',
  (sim, dir) => ({ h: new ClientHarness(sim, dir) }),
  async ({ h }) => {
    // The test's own child processes first, then the clients.
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
    }
    await h.stopAll();
  },
);

test.each(['../x', 'a/b', '', '..', 'a b', 'x\u0000y'])('clientId %j → InvalidOptionError at construction', (clientId) => {
  let caught: unknown;
  try {
    new LocalAuth({ clientId, dataPath: env.h.dataPath });
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(InvalidOptionError);
  expect((caught as InvalidOptionError).code).toBe(ErrorCode.INVALID_OPTION);
  expect(existsSync(env.h.dataPath)).toBe(false);
});

test('puppeteer.userDataDir contradicting LocalAuth → InvalidOptionError at initialize(), no folder created, nothing launched', async () => {
  const elsewhere = join(env.work.path, 'elsewhere');
  const c = env.h.create({ options: { authStrategy: env.h.localAuth('contra'), puppeteer: { userDataDir: elsewhere } } });
  const err = await c.client.initialize().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(InvalidOptionError);
  expect((err as InvalidOptionError).code).toBe('INVALID_OPTION');
  expect(existsSync(env.h.sessionDir('contra'))).toBe(false);
  expect(existsSync(elsewhere)).toBe(false);
  expect(env.h.browserPids()).toEqual([]);
  expect(await c.client.getState()).toBeNull();
  expect(c.events).toEqual([]);
});

test('puppeteer.userDataDir equal to the LocalAuth folder is accepted', async () => {
  const number = '15556000001';
  const c = await env.h.start({
    scanAs: number,
    options: { authStrategy: env.h.localAuth('same'), puppeteer: { userDataDir: env.h.sessionDir('same') } },
  });
  await c.until('ready');
  expect(mainBrowserPid(env.h.sessionDir('same'))).toBeDefined();
});

test('missing Chromium: executablePath /nonexistent → BrowserNotFoundError, no folder created', async () => {
  const c = env.h.create({ options: { authStrategy: env.h.localAuth('nochrome'), puppeteer: { executablePath: '/nonexistent' } } });
  const err = await c.client.initialize().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(BrowserNotFoundError);
  expect((err as BrowserNotFoundError).code).toBe('BROWSER_NOT_FOUND');
  expect(existsSync(env.h.dataPath)).toBe(false);
  expect(await c.client.getState()).toBeNull();
});

test('missing Chromium: CHROME_PATH pointing nowhere → BrowserNotFoundError, no folder created', async () => {
  const saved = process.env['CHROME_PATH'];
  process.env['CHROME_PATH'] = join(env.work.path, 'no-such-chromium');
  try {
    const c = env.h.create({ options: { authStrategy: env.h.localAuth('nochrome-env') } });
    const err = await c.client.initialize().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BrowserNotFoundError);
    expect((err as BrowserNotFoundError).code).toBe(ErrorCode.BROWSER_NOT_FOUND);
    expect(existsSync(env.h.dataPath)).toBe(false);
  } finally {
    if (saved === undefined) delete process.env['CHROME_PATH'];
    else process.env['CHROME_PATH'] = saved;
  }
});

test('bad client options → InvalidOptionError at construction', () => {
  for (const options of [{ qrMaxRetries: -1 }, { authTimeoutMs: Number.NaN }, { takeoverTimeoutMs: 'soon' }, { userAgent: 42 }]) {
    expect(() => new Client(options as never)).toThrow(InvalidOptionError);
  }
  expect(() => new Client(null as never)).toThrow(InvalidOptionError);
});

/** A pid that belonged to a process which has exited. */
function deadPid(): number {
  const result = spawnSync('true');
  if (result.pid === undefined) throw new Error('could not spawn `true`');
  return result.pid;
}

test.each([
  ['a dead pid', deadPid],
  // The pid was reused by a process that is not a browser on this profile (here: the test runner itself).
  ['a live pid of an unrelated process', () => process.pid],
])('a stale SingletonLock (this host, %s) is cleared and the client starts', async (_what, lockPid) => {
  const number = '15556000002';
  const dir = env.h.sessionDir('stale');
  await mkdir(dir, { recursive: true });
  await symlink(`${hostname()}-${lockPid()}`, join(dir, 'SingletonLock'));
  await symlink('12345678901234567890', join(dir, 'SingletonCookie'));
  await writeFile(join(dir, 'keep.txt'), 'mine');

  const c = await env.h.start({ scanAs: number, options: { authStrategy: env.h.localAuth('stale') } });
  await c.until('ready');
  const pid = mainBrowserPid(dir);
  expect(pid).toBeDefined();
  // Chromium took the profile: the lock now names the live browser.
  expect(await readlink(join(dir, 'SingletonLock'))).toBe(`${hostname()}-${pid}`);
  expect(existsSync(join(dir, 'keep.txt'))).toBe(true);
});

test('a SingletonLock held by a live process using the profile → ProfileLockedError naming the pid; nothing launched or deleted', async () => {
  const dir = env.h.sessionDir('locked');
  await mkdir(dir, { recursive: true });
  // A live process whose command line says it uses this profile, as a Chromium would.
  const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '--', `--user-data-dir=${dir}`], { stdio: 'ignore' });
  children.push(holder);
  await new Promise<void>((resolve, reject) => {
    holder.once('spawn', resolve);
    holder.once('error', reject);
  });
  await symlink(`${hostname()}-${holder.pid}`, join(dir, 'SingletonLock'));
  await writeFile(join(dir, 'keep.txt'), 'mine');
  const before = (await readdir(dir)).sort();

  const c = env.h.create({ options: { authStrategy: env.h.localAuth('locked') } });
  const err = await c.client.initialize().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ProfileLockedError);
  expect((err as ProfileLockedError).code).toBe('PROFILE_LOCKED');
  expect((err as ProfileLockedError).pid).toBe(holder.pid);
  expect((await readdir(dir)).sort()).toEqual(before);
  expect(await readlink(join(dir, 'SingletonLock'))).toBe(`${hostname()}-${holder.pid}`);
  // The only process on this profile is the holder: no Chromium was launched.
  expect(env.h.browserPids()).toEqual([holder.pid]);
  expect(await c.client.getState()).toBeNull();

  // Once the holder is gone, the same lock is stale and the client starts.
  const exited = new Promise((resolve) => holder.once('exit', resolve));
  holder.kill('SIGKILL');
  await exited;
  await c.client.initialize();
  expect(await c.client.getState()).not.toBeNull();
  await c.client.destroy();
  expect(await env.h.waitForNoBrowser()).toEqual([]);
});
