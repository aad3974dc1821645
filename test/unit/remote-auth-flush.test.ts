/**
 * The localStorage flush barrier (src/auth/profile/flush.ts) against a fake
 * Chromium profile: values are looked for in the Local Storage LevelDB files
 * as Chromium writes them (Latin-1 or UTF-16), and a wait ends when the value
 * appears, or with a TimeoutError that names the option controlling it.
 */
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localStorageContains, localStorageDir, waitForLocalStorageValue } from '../../src/auth/profile/flush';
import { AbortError, ErrorCode, TimeoutError } from '../../src/errors';

let profile: string;
let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'waweb-flush-'));
  profile = join(root, 'RemoteAuth-x');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const ls = (): string => localStorageDir(profile);

/** What a LevelDB log record holding `value` roughly looks like: framing bytes around the value. */
function record(value: string, encoding: 'latin1' | 'utf16le'): Buffer {
  return Buffer.concat([
    Buffer.from([0x8f, 0x12, 0x00, 0x01]),
    Buffer.from('_https://web.whatsapp.com\u0000\u0001key'),
    Buffer.from(value, encoding),
    Buffer.from([0x00]),
  ]);
}

describe('localStorageContains', () => {
  test('false when the profile has no Local Storage folder yet', async () => {
    expect(await localStorageContains(profile, 'v-1')).toBe(false);
  });

  test('finds a value in a .log or .ldb file, stored as Latin-1 or UTF-16', async () => {
    await mkdir(ls(), { recursive: true });
    await writeFile(join(ls(), '000003.log'), record('barrier-latin1', 'latin1'));
    await writeFile(join(ls(), '000005.ldb'), record('barrier-utf16', 'utf16le'));
    expect(await localStorageContains(profile, 'barrier-latin1')).toBe(true);
    expect(await localStorageContains(profile, 'barrier-utf16')).toBe(true);
    expect(await localStorageContains(profile, 'barrier-absent')).toBe(false);
  });

  test('looks only at LevelDB data files, not MANIFEST, LOG or CURRENT', async () => {
    await mkdir(ls(), { recursive: true });
    await writeFile(join(ls(), 'MANIFEST-000001'), 'needle-1');
    await writeFile(join(ls(), 'LOG'), 'needle-1');
    await writeFile(join(ls(), 'CURRENT'), 'needle-1');
    expect(await localStorageContains(profile, 'needle-1')).toBe(false);
  });
});

describe('waitForLocalStorageValue', () => {
  test('resolves at once when the value is already on disk', async () => {
    await mkdir(ls(), { recursive: true });
    await writeFile(join(ls(), '000003.log'), record('ready-now', 'latin1'));
    const started = Date.now();
    await waitForLocalStorageValue(profile, 'ready-now', { timeoutMs: 5000 });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test('resolves when the value appears later in an existing log file', async () => {
    await mkdir(ls(), { recursive: true });
    await writeFile(join(ls(), '000003.log'), record('older', 'latin1'));
    const waiting = waitForLocalStorageValue(profile, 'late-value', { timeoutMs: 5000, recheckMs: 5000 });
    let settled = false;
    void waiting.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 200));
    expect(settled).toBe(false);
    const appendedAt = Date.now();
    await appendFile(join(ls(), '000003.log'), record('late-value', 'utf16le'));
    await waiting;
    // Noticed through the folder watch, not the (5 s) periodic re-check.
    expect(Date.now() - appendedAt).toBeLessThan(2000);
  });

  test('resolves when the Local Storage folder itself is created later', async () => {
    const waiting = waitForLocalStorageValue(profile, 'from-nothing', { timeoutMs: 5000, recheckMs: 50 });
    await new Promise((r) => setTimeout(r, 150));
    await mkdir(ls(), { recursive: true });
    await writeFile(join(ls(), '000004.log'), record('from-nothing', 'latin1'));
    await expect(waiting).resolves.toBeUndefined();
  });

  test('a value that never reaches disk ends in a TimeoutError naming flushTimeoutMs', async () => {
    await mkdir(ls(), { recursive: true });
    await writeFile(join(ls(), '000003.log'), record('something-else', 'latin1'));
    const started = Date.now();
    const err: unknown = await waitForLocalStorageValue(profile, 'never', {
      timeoutMs: 300,
      recheckMs: 50,
      timeoutOption: 'flushTimeoutMs',
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).code).toBe(ErrorCode.TIMEOUT);
    expect((err as TimeoutError).message).toContain('flushTimeoutMs');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  test('an abort ends the wait at once with an AbortError, long before the timeout', async () => {
    await mkdir(ls(), { recursive: true });
    const controller = new AbortController();
    const waiting = waitForLocalStorageValue(profile, 'never', {
      timeoutMs: 60_000,
      signal: controller.signal,
      abortMessage: 'browser gone',
    }).then(
      () => 'resolved',
      (e: unknown) => e,
    );
    await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise((resolve) => {
      timer = setTimeout(() => resolve('deadline'), 10_000);
    });
    const err = await Promise.race([waiting, deadline]);
    clearTimeout(timer);
    expect(err).toBeInstanceOf(AbortError);
    expect((err as AbortError).code).toBe(ErrorCode.ABORTED);
    expect((err as AbortError).message).toBe('browser gone');
    // Already aborted: rejects without looking.
    await expect(waitForLocalStorageValue(profile, 'never', { timeoutMs: 60_000, signal: controller.signal })).rejects.toBeInstanceOf(
      AbortError,
    );
  }, 20_000);

  test('the default timeout message also names flushTimeoutMs', async () => {
    const err: unknown = await waitForLocalStorageValue(profile, 'never', { timeoutMs: 50, recheckMs: 10 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toContain('flushTimeoutMs');
  });
});
