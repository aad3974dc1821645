/**
 * Issue 25, point 3: `waweb doctor`, run as a user runs it (`node bin/waweb.js doctor ...`). On the
 * simulator it reports the build, the contract check, the browser and its fingerprint and exits 0;
 * on drift variants of the build (served by a simulator this file starts, reached with
 * --simulator-url) it names what is missing and exits 2; with the real page unreachable (every host
 * mapped to a closed loopback port, so nothing leaves the machine) it exits 3 with a typed error.
 * Every run leaves no browser behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { WhatsAppSimulator } from '../../src/simulator';
import { DEFAULT_BUILD } from '../../src/simulator/protocol';
import { MANIFEST } from '../../src/web/page/contract';
import { processesMentioning, waitForNone } from '../helpers/processes';
import { tempDir, type TempDir } from '../helpers/tmp';

const BIN = join(__dirname, '..', '..', 'bin', 'waweb.js');
const children = new Set<ChildProcess>();
let sim: WhatsAppSimulator;
let normal: string;
let work: TempDir;

beforeAll(async () => {
  sim = await WhatsAppSimulator.start();
  normal = sim.liveBuild;
});

afterAll(async () => {
  await sim.close();
});

beforeEach(async () => {
  work = await tempDir('waweb-doctor-');
});

afterEach(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
  sim.setLiveBuild(normal);
  await work.remove();
});

interface DoctorRun {
  code: number | null;
  report: Record<string, any>;
  stderr: string;
  ms: number;
  /** Chromium processes of this run still alive after it exited. */
  browsersLeft: number[];
}

/** Runs `waweb doctor ...args` with its Chromium tagged, so the test can tell whether it is gone. */
function doctor(args: string[], env: Record<string, string> = {}): Promise<DoctorRun> {
  const tag = `--waweb-doctor-test=${randomUUID()}`;
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, 'doctor', ...args, `--browser-arg=${tag}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      const ms = Date.now() - started;
      let report: Record<string, any>;
      try {
        report = JSON.parse(stdout) as Record<string, any>;
      } catch {
        reject(new Error(`doctor printed no JSON (exit ${String(code)}):\n${stdout}\n${stderr}`));
        return;
      }
      waitForNone(() => processesMentioning(tag), 2000).then((browsersLeft) => resolve({ code, report, stderr, ms, browsersLeft }), reject);
    });
  });
}

test('`waweb doctor --simulator --json`: exit 0, the build, contract OK, the browser, and no fingerprint finding', async () => {
  const run = await doctor(['--simulator', '--json']);
  expect(run.report).toMatchObject({ ok: true, exitCode: 0, target: 'simulator', build: DEFAULT_BUILD, error: null });
  expect(run.report['contract']).toEqual({ ok: true, checked: MANIFEST.length, missing: [], featuresOff: [] });
  const browser = run.report['browser'] as { executable: string; version: string };
  expect(browser.version).toMatch(/^(Headless)?Chrome\/\d+\.\d+\.\d+\.\d+$/);
  expect(browser.executable).toMatch(/chrom/i);
  const fingerprint = run.report['fingerprint'] as Record<string, any>;
  expect(fingerprint['findings']).toEqual([]);
  expect(fingerprint['webdriver']).toBe(false);
  const major = browser.version.split(/[/.]/)[1];
  expect(fingerprint['userAgent']).toContain(`Chrome/${major}.`);
  expect(fingerprint['userAgent']).not.toContain('Headless');
  expect(fingerprint['brands']).toContainEqual({ brand: 'Chromium', version: major });
  expect(fingerprint['highEntropy']['fullVersionList']).toContainEqual({ brand: 'Chromium', version: browser.version.split('/')[1] });
  expect(run.report['login']).toMatchObject({ session: 'none', result: 'qr' });
  expect(run.code).toBe(0);
  expect(run.browsersLeft).toEqual([]);
});

test('a LocalAuth session on the simulator: the phone scans, the login reaches ready, exit 0', async () => {
  const run = await doctor(['--simulator', '--client-id', 'doc', '--data-path', work.path, '--phone', '15553002601', '--json']);
  expect(run.report['login']).toEqual({ session: 'local', result: 'ready', detail: null, wid: '15553002601@c.us' });
  expect(run.report['build']).toBe(DEFAULT_BUILD);
  expect(run.code).toBe(0);
  expect(run.browsersLeft).toEqual([]);
});

test('a build without an optional member: exit 2, the JSON names the member and the feature it switches off', async () => {
  const build = '2.3000.1025000601';
  sim.setLiveBuild(build, { without: ['WAWebChatLoadMessages'] });
  const run = await doctor(['--simulator-url', sim.adminUrl!, '--json']);
  expect(run.report).toMatchObject({ ok: false, exitCode: 2, build, error: null });
  expect(run.report['contract']).toEqual({
    ok: false,
    checked: MANIFEST.length,
    missing: [{ module: 'WAWebChatLoadMessages', member: 'loadEarlierMsgs', feature: 'chats', expected: 'function', found: 'missing' }],
    featuresOff: ['chats'],
  });
  // The page itself still works: the QR came.
  expect(run.report['login']).toMatchObject({ result: 'qr' });
  expect(run.code).toBe(2);
  expect(run.browsersLeft).toEqual([]);
});

test('a build without a login member: exit 2 with INCOMPATIBLE_WEB naming the build and the member', async () => {
  const build = '2.3000.1025000602';
  sim.setLiveBuild(build, { without: ['WAWebUserPrefsMultiDevice.getADVSecretKey'] });
  const run = await doctor(['--simulator-url', sim.adminUrl!, '--json']);
  expect(run.report).toMatchObject({ ok: false, exitCode: 2, build, error: { code: 'INCOMPATIBLE_WEB' } });
  expect(run.report['error']['message']).toContain('WAWebUserPrefsMultiDevice.getADVSecretKey');
  expect(run.report['contract']['missing']).toEqual([
    { module: 'WAWebUserPrefsMultiDevice', member: 'getADVSecretKey', feature: 'login', expected: 'function', found: 'missing' },
  ]);
  expect(run.report['login']).toMatchObject({ result: 'not-reached' });
  // The browser started before the boot failed: it is reported, its fingerprint is not (the page is gone).
  expect(run.report['browser']['version']).toMatch(/Chrome\/\d+\./);
  expect(run.report['fingerprint']).toBeNull();
  expect(run.code).toBe(2);
  expect(run.browsersLeft).toEqual([]);
});

test('the real page unreachable (every host mapped to a closed loopback port): exit 3 and a typed error, quickly', async () => {
  // MAP * : no name Chromium looks up resolves anywhere but 127.0.0.1:1, where nothing listens.
  const run = await doctor(['--json', '--browser-arg=--host-resolver-rules=MAP * 127.0.0.1:1', '--timeout', '20']);
  expect(run.report).toMatchObject({ ok: false, exitCode: 3, target: 'web', build: null, contract: null });
  expect(run.report['error']).toMatchObject({ code: 'PAGE_FAILED' });
  expect(run.report['error']['message']).toContain('https://web.whatsapp.com/');
  expect(run.report['error']['message']).toContain('ERR_CONNECTION_REFUSED');
  // The browser itself was fine: the doctor says which part failed.
  expect(run.report['browser']['version']).toMatch(/Chrome\/\d+\./);
  expect(run.code).toBe(3);
  expect(run.ms).toBeLessThan(20_000);
  expect(run.browsersLeft).toEqual([]);
});

test('no browser to start: exit 4 with BROWSER_NOT_FOUND, before any page', async () => {
  const run = await doctor(['--json'], { CHROME_PATH: join(work.path, 'no-chromium') });
  expect(run.report).toMatchObject({ ok: false, exitCode: 4, build: null, browser: null, error: { code: 'BROWSER_NOT_FOUND' } });
  expect(run.code).toBe(4);
});

test('--help lists the exit codes', async () => {
  const child = spawn(process.execPath, [BIN, 'doctor', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  expect(code).toBe(0);
  for (const line of [
    /^ {2}0 {2}healthy/m,
    /^ {2}2 {2}broken/m,
    /^ {2}3 {2}WhatsApp Web could not be reached/m,
    /^ {2}4 {2}the browser/m,
  ]) {
    expect(out).toMatch(line);
  }
});
