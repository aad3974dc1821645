/**
 * Issue 24, point 4: no password, token or key in what waweb prints. Store URLs are taken apart
 * and redacted (or not echoed at all), come from WAWEB_STORE_URL instead of the command line, a
 * browser endpoint's token stays out of errors, and Chromium gets none of the process's secrets.
 */
import { createServer } from 'node:net';
import { launchBrowser } from '../../src/browser/launch';
import { chromiumEnvironment, chromiumNeeds } from '../../src/browser/environment';
import { SessionArgs } from '../../src/cli/session/args';
import { openStoreUrl, redactUrl, storeUrlOption, STORE_URL_ENV } from '../../src/cli/store-url';
import { BrowserError, InvalidOptionError } from '../../src/errors';
import { UNPARSABLE_URL, redactUrlsIn } from '../../src/util/redact-url';
import { freePort } from '../helpers/ports';

describe('redactUrl', () => {
  test('a ?password= query value is hidden, the rest of the query kept', () => {
    const out = redactUrl('postgres://app@db.example:5432/waweb?sslmode=require&password=hunter2&application_name=bot');
    expect(out).toBe('postgres://app@db.example:5432/waweb?sslmode=require&password=***&application_name=bot');
  });

  test('every sensitive query parameter is hidden; authSource and authMechanism are not', () => {
    const url =
      'mongodb://u:S0@h1:27017,h2:27018/db?authSource=admin&authMechanism=SCRAM-SHA-256&pass=S1&pwd=S2&secret=S3&token=S4&key=S5' +
      '&sslkey=S6&sslpassword=S7&tlsCertificateKeyFilePassword=S8&access_token=S9&apiKey=S10&authMechanismProperties=AWS_SESSION_TOKEN:S11';
    const out = redactUrl(url);
    expect(out).not.toMatch(/S\d/);
    expect(out).toContain('authSource=admin');
    expect(out).toContain('authMechanism=SCRAM-SHA-256');
    expect(out.startsWith('mongodb://u:***@h1:27017,h2:27018/db?')).toBe(true);
  });

  test('a password with an unencoded "/" makes the URL unparsable, and it is not echoed', () => {
    expect(redactUrl('postgres://app:se/cret@db.example/waweb')).toBe(UNPARSABLE_URL);
    expect(redactUrl('postgres://app:se?cret@db.example/waweb')).toBe(UNPARSABLE_URL);
    expect(redactUrl('postgres://app:se#cret@db.example/waweb')).toBe(UNPARSABLE_URL);
  });

  test('a password with "@" in it is hidden whole (the host starts after the last "@")', () => {
    expect(redactUrl('postgres://app:p@ss@w0rd@db.example/waweb')).toBe('postgres://app:***@db.example/waweb');
  });

  test('no scheme is unparsable; an encrypted: prefix is kept; a fragment is hidden', () => {
    expect(redactUrl('app:hunter2@db.example/waweb')).toBe(UNPARSABLE_URL);
    expect(redactUrl('encrypted:postgres://app:hunter2@db/w')).toBe('encrypted:postgres://app:***@db/w');
    expect(redactUrl('encrypted:postgres://app:hun/ter2@db/w')).toBe(UNPARSABLE_URL);
    expect(redactUrl('wss://chrome.example/?token=abc#t0ken')).toBe('wss://chrome.example/?token=***#***');
    expect(redactUrl('file:/srv/waweb/sessions')).toBe('file:/srv/waweb/sessions');
  });

  test('URLs inside a third-party message are redacted', () => {
    const text = 'Failed to fetch browser webSocket URL from http://u:hunter2@127.0.0.1:9222/json/version?token=abc: refused';
    expect(redactUrlsIn(text)).toBe(
      'Failed to fetch browser webSocket URL from http://u:***@127.0.0.1:9222/json/version?token=***: refused',
    );
  });
});

describe('store URLs in the CLI', () => {
  test('an unparsable store URL is not echoed in the error', () => {
    let caught: unknown;
    try {
      openStoreUrl('postgresql://app:se/cret@db.example/waweb');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidOptionError);
    expect((caught as Error).message).not.toContain('cret');
    expect((caught as Error).message).toContain(UNPARSABLE_URL);
  });

  test('the label of an opened store hides ?password=', async () => {
    const opened = openStoreUrl('postgres://app@127.0.0.1:1/waweb?password=hunter2');
    try {
      expect(opened.label).not.toContain('hunter2');
    } finally {
      await opened.close();
    }
  });

  test('--store falls back to WAWEB_STORE_URL; a file argument or the flag wins', () => {
    const saved = process.env[STORE_URL_ENV];
    process.env[STORE_URL_ENV] = 'postgres://app:hunter2@db/waweb';
    try {
      const flags = { store: { type: 'string' as const }, session: { type: 'string' as const } };
      expect(SessionArgs.parse(['--session', 's'], flags, '').string('store')).toBe('postgres://app:hunter2@db/waweb');
      expect(SessionArgs.parse(['--store', 'file:/x', '--session', 's'], flags, '').string('store')).toBe('file:/x');
      expect(SessionArgs.parse(['archive.zip'], flags, '').string('store')).toBeUndefined();
      expect(storeUrlOption(undefined, { [STORE_URL_ENV]: '' })).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env[STORE_URL_ENV];
      else process.env[STORE_URL_ENV] = saved;
    }
  });

  test('a postgres URL without a password reaches pg unchanged, so pg takes PGPASSWORD', async () => {
    // pg reads PGPASSWORD when the connection string has no password (pg/lib/connection-parameters.js).
    const saved = process.env['PGPASSWORD'];
    process.env['PGPASSWORD'] = 'from-the-environment';
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the real pg, as the store loads it
      const pg = require('pg') as typeof import('pg');
      const RealPool = pg.Pool;
      const configs: Array<{ connectionString?: string | undefined }> = [];
      const spy = jest.spyOn(pg, 'Pool').mockImplementation((config) => {
        configs.push(config ?? {});
        return new RealPool(config);
      });
      const opened = openStoreUrl('postgres://app@127.0.0.1:1/waweb');
      try {
        expect(configs.map((c) => c.connectionString)).toEqual(['postgres://app@127.0.0.1:1/waweb']);
        expect(new pg.Client({ connectionString: configs[0]?.connectionString }).password).toBe('from-the-environment');
      } finally {
        spy.mockRestore();
        await opened.close();
      }
    } finally {
      if (saved === undefined) delete process.env['PGPASSWORD'];
      else process.env['PGPASSWORD'] = saved;
    }
  });
});

describe('browser endpoints', () => {
  test('a browserWSEndpoint token is in neither the error nor its causes', async () => {
    const port = await freePort();
    const secret = 's3cr3t-t0ken';
    let caught: unknown;
    try {
      await launchBrowser({ browserWSEndpoint: `ws://user:${secret}@127.0.0.1:${port}/devtools/browser/x?token=${secret}` });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(BrowserError);
    const chain: string[] = [];
    for (let e: unknown = caught; e instanceof Error; e = e.cause) chain.push(e.message, e.stack ?? '');
    expect(chain.join('\n')).not.toContain(secret);
    expect((caught as Error).message).toContain(`127.0.0.1:${port}`);
  });

  test('a browserURL token is in neither the error nor its causes', async () => {
    // A server that accepts and hangs up: puppeteer's fetch fails and quotes the URL it asked.
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const secret = 'an0ther-s3cret';
    let caught: unknown;
    try {
      await launchBrowser({ browserURL: `http://user:${secret}@127.0.0.1:${port}/?token=${secret}` });
    } catch (err) {
      caught = err;
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    expect(caught).toBeInstanceOf(BrowserError);
    const chain: string[] = [];
    for (let e: unknown = caught; e instanceof Error; e = e.cause) chain.push(e.message, e.stack ?? '');
    expect(chain.join('\n')).not.toContain(secret);
  });
});

describe('the environment Chromium gets', () => {
  test('secrets are dropped; what Chromium needs is kept, on any letter case', () => {
    const env = chromiumEnvironment({
      HOME: '/home/bot',
      PATH: '/usr/bin',
      DISPLAY: ':0',
      XDG_RUNTIME_DIR: '/run/user/1000',
      LANG: 'en_US.UTF-8',
      LC_ALL: 'C',
      TZ: 'UTC',
      FONTCONFIG_PATH: '/etc/fonts',
      https_proxy: 'http://proxy:3128',
      WAWEB_ENCRYPTION_KEYS: 'k1:AAAA',
      WAWEB_DASHBOARD_TOKEN: 'tok',
      WAWEB_STORE_URL: 'postgres://u:p@h/d',
      DATABASE_URL: 'postgres://u:p@h/d',
      PGPASSWORD: 'pw',
      MONGODB_URI: 'mongodb://u:p@h/d',
      AWS_SECRET_ACCESS_KEY: 'aws',
    });
    expect(Object.keys(env).sort()).toEqual(
      ['DISPLAY', 'FONTCONFIG_PATH', 'HOME', 'LANG', 'LC_ALL', 'PATH', 'TZ', 'XDG_RUNTIME_DIR', 'https_proxy'].sort(),
    );
    expect(chromiumNeeds('Path')).toBe(true);
    expect(chromiumNeeds('SystemRoot')).toBe(true);
    expect(chromiumNeeds('GOOGLE_API_KEY')).toBe(false);
  });
});
