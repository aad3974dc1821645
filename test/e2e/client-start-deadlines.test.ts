/**
 * Issue 22, points 1, 3 and 7: every phase of a start has a deadline. Each simulator fault (an app
 * that never boots, a stored session whose login hangs, a history sync stuck short of 100 %) and a
 * Chromium that never starts give a `StartTimeoutError` naming the phase and its option. Before the
 * login the client stops: `error`, then `disconnected('START_TIMEOUT')`, the browser gone, the
 * LocalAuth folder kept (the next start restores from it). A stuck history sync is reported and the
 * client carries on. Deadlines are short here; only that the event came, and what it names, is asserted.
 */
import { existsSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StartTimeoutError, TimeoutError } from '../../src/index';
import { ClientHarness, type TrackedClient } from '../helpers/client';
import { isLive, waitForNone } from '../helpers/processes';
import { useSimulatorHarnesses } from '../helpers/use-simulator';

const env = useSimulatorHarnesses('waweb-start-deadlines-', (sim, dir) => ({ h: new ClientHarness(sim, dir) }));

function startTimeouts(c: TrackedClient): StartTimeoutError[] {
  return c.args('error').map(([e]) => e as StartTimeoutError);
}

/** The stopped client's folder is whole: a new client on it restores without a QR. */
async function restoresWithoutQr(clientId: string): Promise<void> {
  const again = await env.h.start({ options: { authStrategy: env.h.localAuth(clientId) } });
  await again.until('ready');
  expect(again.count('qr')).toBe(0);
  await again.client.destroy();
}

test('an app that never boots: initialize() rejects (boot, authTimeoutMs), error then disconnected(START_TIMEOUT), browser gone, folder kept', async () => {
  const number = '15552200001';
  await env.h.pair('boot', number);
  env.sim.stallNextBoots(1);
  const c = env.h.create({ options: { authStrategy: env.h.localAuth('boot'), authTimeoutMs: 1500 } });
  const err = await c.client.initialize().catch((e: unknown) => e);

  expect(err).toBeInstanceOf(StartTimeoutError);
  expect(err).toBeInstanceOf(TimeoutError);
  const timeout = err as StartTimeoutError;
  expect(timeout.code).toBe('START_TIMEOUT');
  expect(timeout.phase).toBe('boot');
  expect(timeout.option).toBe('authTimeoutMs');
  expect(timeout.lastState).toBeNull();
  // LocalAuth says where the session is, untouched.
  expect(timeout.sessionFolder).toBe(env.h.sessionDir('boot'));
  expect(timeout.message).toContain(env.h.sessionDir('boot'));
  expect(startTimeouts(c)).toEqual([err]);
  expect(c.args('disconnected')).toEqual([['START_TIMEOUT']]);
  expect(c.names().indexOf('error')).toBeLessThan(c.names().indexOf('disconnected'));
  expect(await env.h.waitForNoBrowser()).toEqual([]);
  expect(existsSync(env.h.sessionDir('boot'))).toBe(true);
  expect(env.sim.phone(number).devices()).toHaveLength(1);
  await restoresWithoutQr('boot');
});

test('a stored session whose login hangs: error (login, loginTimeoutMs, last state OPENING), then disconnected(START_TIMEOUT); nothing deleted', async () => {
  const number = '15552200002';
  await env.h.pair('login', number);
  env.sim.stallNextLogins(1);
  // The app boots, so initialize() resolves; the login's deadline runs from there.
  const c = await env.h.start({ options: { authStrategy: env.h.localAuth('login'), loginTimeoutMs: 2000 } });
  const [reason] = await c.until('disconnected');

  expect(reason).toBe('START_TIMEOUT');
  const [timeout, ...more] = startTimeouts(c);
  expect(more).toEqual([]);
  expect(timeout).toBeInstanceOf(StartTimeoutError);
  expect(timeout?.phase).toBe('login');
  expect(timeout?.option).toBe('loginTimeoutMs');
  expect(timeout?.lastState).toBe('OPENING');
  expect(timeout?.sessionFolder).toBe(env.h.sessionDir('login'));
  expect(c.names().indexOf('error')).toBeLessThan(c.names().indexOf('disconnected'));
  expect(c.count('qr')).toBe(0);
  expect(c.count('authenticated')).toBe(0);
  expect(c.count('auth_failure')).toBe(0);
  expect(await env.h.waitForNoBrowser()).toEqual([]);
  expect(await c.client.getState()).toBeNull();
  expect(existsSync(env.h.sessionDir('login'))).toBe(true);
  expect(env.sim.phone(number).devices()).toHaveLength(1);
  await restoresWithoutQr('login');
});

test('a history sync stuck short of 100 %: error (history-sync, historySyncTimeoutMs) and the client carries on to ready', async () => {
  const number = '15552200003';
  env.sim.phone(number);
  env.sim.stallNextHistorySyncs(1, 40);
  const c = await env.h.start({ scanAs: number, options: { authStrategy: env.h.localAuth('sync'), historySyncTimeoutMs: 1500 } });
  const [error] = await c.until('error');

  expect(error).toBeInstanceOf(StartTimeoutError);
  const timeout = error as StartTimeoutError;
  expect(timeout.phase).toBe('history-sync');
  expect(timeout.option).toBe('historySyncTimeoutMs');
  expect(timeout.lastState).toBe('CONNECTED');
  expect(c.count('authenticated')).toBe(1);
  expect(c.args('loading_screen')).toContainEqual([40, 'WhatsApp']);
  // Logged in and still running: the deadline closed nothing.
  expect(c.count('ready')).toBe(0);
  expect(c.count('disconnected')).toBe(0);
  expect(await c.client.getState()).toBe('CONNECTED');
  expect(env.h.browserPids().length).toBeGreaterThan(0);

  // The connection drops and the page logs in again: this time sync finishes, and `ready` comes.
  env.sim.dropConnections(number);
  await c.until('ready');
  expect(c.count('authenticated')).toBe(1);
  expect(c.count('disconnected')).toBe(0);
  expect(startTimeouts(c)).toHaveLength(1);
  // The session works: a text reaches the server before the client goes.
  await c.client.sendMessage('15559990000', 'after a slow sync', { waitUntilMsgSent: true });
  await c.client.destroy();
  expect(await env.h.waitForNoBrowser()).toEqual([]);
});

test('a Chromium that never starts: initialize() rejects (launch, launchTimeoutMs) and the process is killed', async () => {
  const pidFile = join(env.work.path, 'pid');
  const executable = join(env.work.path, 'stuck-chromium');
  // Answers nothing on its DevTools pipe, as a browser hung at start.
  await writeFile(executable, `#!/bin/sh\necho $$ > ${pidFile}\nexec sleep 600\n`);
  await chmod(executable, 0o755);
  const c = env.h.create({
    options: { authStrategy: env.h.localAuth('launch'), launchTimeoutMs: 1500, puppeteer: { executablePath: executable } },
  });
  const err = await c.client.initialize().catch((e: unknown) => e);

  expect(err).toBeInstanceOf(StartTimeoutError);
  const timeout = err as StartTimeoutError;
  expect(timeout.phase).toBe('launch');
  expect(timeout.option).toBe('launchTimeoutMs');
  expect(timeout.lastState).toBeNull();
  expect(c.args('disconnected')).toEqual([['START_TIMEOUT']]);
  const pid = Number((await readFile(pidFile, 'utf8')).trim());
  expect(await waitForNone(() => (isLive(pid) ? [pid] : []), 5000)).toEqual([]);
  expect(existsSync(env.h.sessionDir('launch'))).toBe(true);
});
