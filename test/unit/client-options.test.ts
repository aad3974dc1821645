/**
 * Pure checks of the Client's inputs: option validation, clientId rules and
 * LocalAuth's folder layout (the whatsapp-web.js one). Nothing is launched.
 */
import { join, resolve } from 'node:path';
import { assertClientId } from '../../src/util/client-id';
import { deadlineMs, longestStartMs, START_DEADLINES, startTimeout } from '../../src/client/start-deadlines';
import {
  Client,
  ErrorCode,
  InvalidOptionError,
  LocalAuth,
  NoAuth,
  StartTimeoutError,
  TimeoutError,
  type ClientOptions,
  type StartPhase,
} from '../../src/index';

/** What `new Client(options)` throws (undefined when it does not). */
function constructionError(options: unknown): unknown {
  try {
    new Client(options as never);
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('assertClientId', () => {
  test.each(['a', 'Z', '0', 'alice', 'A-b_9', 'session-1', 'x'.repeat(100)])('accepts %j', (id) => {
    expect(assertClientId(id)).toBe(id);
  });

  test('undefined means no clientId', () => {
    expect(assertClientId(undefined)).toBeUndefined();
  });

  test.each(['', '../x', 'a/b', '..', '.', 'a b', 'a.b', 'a\\b', 'é', 'x'.repeat(101), 'a\nb', 'a\u0000b'])('rejects %j', (id) => {
    expect(() => assertClientId(id)).toThrow(InvalidOptionError);
  });

  test.each([5, null, {}, ['a']])('rejects the non-string %j', (id) => {
    let caught: unknown;
    try {
      assertClientId(id);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidOptionError);
    expect((caught as InvalidOptionError).code).toBe(ErrorCode.INVALID_OPTION);
  });

  test('names the option in its error', () => {
    expect(() => assertClientId('a/b', 'sessionName')).toThrow(/sessionName/);
  });
});

describe('LocalAuth layout', () => {
  test('<dataPath>/session-<clientId>, like whatsapp-web.js', () => {
    const auth = new LocalAuth({ clientId: 'alice', dataPath: '/data/auth' });
    expect(auth.userDataDir).toBe(join('/data/auth', 'session-alice'));
    expect(auth.clientId).toBe('alice');
  });

  test('<dataPath>/session with no clientId', () => {
    expect(new LocalAuth({ dataPath: '/data/auth' }).userDataDir).toBe(join('/data/auth', 'session'));
  });

  test('dataPath defaults to ./.wwebjs_auth, resolved against the working directory', () => {
    const auth = new LocalAuth({ clientId: 'x' });
    expect(auth.dataPath).toBe(resolve('.wwebjs_auth'));
    expect(auth.userDataDir).toBe(resolve('.wwebjs_auth', 'session-x'));
  });

  test.each([[''], [42]])('rejects dataPath %j', (dataPath) => {
    expect(() => new LocalAuth({ dataPath: dataPath as string })).toThrow(InvalidOptionError);
  });

  test('a contradicting puppeteer.userDataDir is refused before anything is created', async () => {
    const auth = new LocalAuth({ clientId: 'x', dataPath: '/nonexistent-root/auth' });
    await expect(auth.beforeBrowserInitialized({ userDataDir: '/elsewhere' })).rejects.toBeInstanceOf(InvalidOptionError);
  });
});

describe('Client options', () => {
  test('defaults construct without launching anything', () => {
    const client = new Client();
    expect(client.authStrategy).toBeInstanceOf(NoAuth);
    expect(client.info).toBeUndefined();
  });

  test.each([
    { qrMaxRetries: -1 },
    { qrMaxRetries: Number.NaN },
    { qrMaxRetries: Number.POSITIVE_INFINITY },
    { qrMaxRetries: '2' },
    { authTimeoutMs: -5 },
    { takeoverTimeoutMs: 'soon' },
    { userAgent: 42 },
    { userAgent: true },
    { leanFlags: 'no' },
    { leanFlags: 0 },
  ])('rejects %j', (options) => {
    const caught = constructionError(options);
    expect(caught).toBeInstanceOf(InvalidOptionError);
    expect((caught as InvalidOptionError).code).toBe('INVALID_OPTION');
  });

  test.each([null, 'options'])('rejects non-object options %j', (options) => {
    expect(() => new Client(options as never)).toThrow(InvalidOptionError);
  });

  test.each<ClientOptions>([
    { qrMaxRetries: 0 },
    { qrMaxRetries: 2, authTimeoutMs: 0, takeoverTimeoutMs: 10 },
    { launchTimeoutMs: 30_000, pageLoadTimeoutMs: 60_000, loginTimeoutMs: 90_000, historySyncTimeoutMs: 600_000 },
    { userAgent: false },
    { userAgent: 'UA/1' },
    { leanFlags: false },
    { leanFlags: true },
  ])('accepts %j', (options) => {
    expect(() => new Client(options)).not.toThrow();
  });

  test.each([
    { launchTimeoutMs: 0 },
    { pageLoadTimeoutMs: -1 },
    { loginTimeoutMs: Number.NaN },
    { historySyncTimeoutMs: Number.POSITIVE_INFINITY },
    { loginTimeoutMs: '60s' },
    { authTimeoutMs: 2 ** 31 },
    { historySyncTimeoutMs: 2 ** 31 },
  ])('rejects the deadline %j, naming the option', (options) => {
    const caught = constructionError(options);
    expect(caught).toBeInstanceOf(InvalidOptionError);
    expect((caught as InvalidOptionError).message).toContain(Object.keys(options)[0]);
  });

  test('every phase of a start has a finite default in seconds; authTimeoutMs 0 or unset means the default, as in whatsapp-web.js', () => {
    const phases: StartPhase[] = ['launch', 'page-load', 'boot', 'login', 'history-sync'];
    expect(Object.keys(START_DEADLINES).sort()).toEqual([...phases].sort());
    for (const phase of phases) {
      const ms = deadlineMs({}, phase);
      expect(Number.isFinite(ms) && ms > 0 && ms % 1000 === 0).toBe(true);
    }
    expect(START_DEADLINES.boot.option).toBe('authTimeoutMs');
    expect(deadlineMs({ authTimeoutMs: 0 }, 'boot')).toBe(deadlineMs({}, 'boot'));
    expect(deadlineMs({ authTimeoutMs: 1500 }, 'boot')).toBe(1500);
    expect(deadlineMs({ loginTimeoutMs: 2500 }, 'login')).toBe(2500);
    expect(() => new Client({ launchTimeoutMs: 1, pageLoadTimeoutMs: 1, loginTimeoutMs: 1, historySyncTimeoutMs: 1 })).not.toThrow();
  });

  test('a StartTimeoutError names its phase, option and the last page state, and is a TimeoutError with code START_TIMEOUT', () => {
    const err = startTimeout({ loginTimeoutMs: 5000 }, 'login', { lastState: 'OPENING', sessionFolder: '/data/session-x' });
    expect(err).toBeInstanceOf(StartTimeoutError);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.code).toBe(ErrorCode.START_TIMEOUT);
    expect(err).toMatchObject({
      phase: 'login',
      option: 'loginTimeoutMs',
      timeoutMs: 5000,
      lastState: 'OPENING',
      sessionFolder: '/data/session-x',
    });
    expect(err.message).toContain('loginTimeoutMs');
    expect(err.message).toContain('/data/session-x');
  });

  test('getState() is null and logout()/destroy() are no-ops before initialize()', async () => {
    const client = new Client();
    expect(await client.getState()).toBeNull();
    await expect(client.logout()).resolves.toBeUndefined();
    await expect(client.destroy()).resolves.toBeUndefined();
    await expect(client.sendMessage('1@c.us', 'x')).rejects.toMatchObject({ code: 'NOT_READY' });
  });
});

test('the longest start the deadlines allow (the boot and the login doubled), which watchdogs wait longer than', () => {
  expect(longestStartMs({})).toBe(30_000 + 60_000 + 2 * 60_000 + 2 * 60_000);
  expect(longestStartMs({ loginTimeoutMs: 1000, authTimeoutMs: 0 })).toBe(30_000 + 60_000 + 2 * 60_000 + 2 * 1000);
});
