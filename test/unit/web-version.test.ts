/**
 * Issue 25, point 1, without a browser: the pinning options are checked with whatsapp-web.js's shapes
 * (a bad one is an InvalidOptionError before anything starts), the local cache keeps builds 0700/0600,
 * the remote lookup replaces `{version}` and says why a build cannot be had, and the simulator's
 * archive hands out builds' HTML without its admin token.
 */
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Client, InvalidOptionError, LocalAuth, NoAuth } from '../../src/index';
import { WhatsAppSimulator } from '../../src/simulator';
import { SimulatorBuilds } from '../../src/simulator/builds';
import { fetchBuild, LocalBuildCache } from '../../src/web/build-cache';
import { freePort } from '../helpers/ports';
import { tempDir, type TempDir } from '../helpers/tmp';

let work: TempDir;
beforeEach(async () => {
  work = await tempDir('waweb-web-version-');
});
afterEach(async () => {
  await work.remove();
});

function optionError(options: Record<string, unknown>): unknown {
  try {
    new Client(options);
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('options', () => {
  test.each([
    ['a webVersion that is no version', { webVersion: '../../etc/passwd' }],
    ['a webVersionCache that is not an object', { webVersionCache: 'local' }],
    ['an unknown cache type', { webVersionCache: { type: 'disk' } }],
    ['remote without remotePath', { webVersion: '2.3000.1', webVersionCache: { type: 'remote' } }],
    ['remote with {version} but no webVersion', { webVersionCache: { type: 'remote', remotePath: 'http://127.0.0.1/{version}.html' } }],
    [
      'remote that is not http(s)',
      { webVersion: '2.3000.1', webVersionCache: { type: 'remote', remotePath: 'file:///tmp/{version}.html' } },
    ],
    ['strict that is not a boolean', { webVersion: '2.3000.1', webVersionCache: { type: 'local', path: '/tmp/x', strict: 'yes' } }],
    ['a strict local cache without webVersion', { webVersionCache: { type: 'local', path: '/tmp/x', strict: true } }],
    ['an empty local path', { webVersion: '2.3000.1', webVersionCache: { type: 'local', path: '' } }],
  ])('%s is an InvalidOptionError', (_what, options) => {
    const err = optionError(options);
    expect(err).toBeInstanceOf(InvalidOptionError);
    expect((err as InvalidOptionError).code).toBe('INVALID_OPTION');
  });

  test('a local cache without a path needs a strategy with a dataPath: waweb writes nothing to the working folder', () => {
    const err = optionError({ authStrategy: new NoAuth(), webVersion: '2.3000.1', webVersionCache: { type: 'local' } });
    expect(err).toBeInstanceOf(InvalidOptionError);
    expect(
      optionError({ authStrategy: new LocalAuth({ dataPath: work.path }), webVersion: '2.3000.1', webVersionCache: { type: 'local' } }),
    ).toBeUndefined();
    // webVersion alone with NoAuth: no cache (nothing to keep it in), no error, as before.
    expect(optionError({ authStrategy: new NoAuth(), webVersion: '2.3000.1' })).toBeUndefined();
  });

  test("whatsapp-web.js's shapes are accepted", () => {
    expect(optionError({ webVersionCache: { type: 'none' } })).toBeUndefined();
    expect(
      optionError({ webVersion: '2.3000.1017054665-alpha', webVersionCache: { type: 'local', path: work.path, strict: false } }),
    ).toBeUndefined();
    expect(
      optionError({
        webVersion: '2.3000.1017054665',
        webVersionCache: { type: 'remote', remotePath: 'https://example.invalid/{version}.html', strict: true },
      }),
    ).toBeUndefined();
    expect(optionError({ webVersionCache: { type: 'remote', remotePath: 'http://127.0.0.1/fixed.html' } })).toBeUndefined();
  });
});

describe('local cache', () => {
  test('keeps a build in a 0700 folder as a 0600 file, and finds it again', async () => {
    const cache = new LocalBuildCache(join(work.path, 'data', '.waweb-web-cache'));
    expect(await cache.lookup('2.3000.1')).toEqual({ miss: 'not-cached', detail: expect.stringContaining('ENOENT') });
    await cache.keep('2.3000.1', '<html>one</html>');
    expect((await stat(cache.dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(work.path, 'data'))).mode & 0o777).toBe(0o700);
    expect((await stat(cache.file('2.3000.1'))).mode & 0o777).toBe(0o600);
    expect(await cache.lookup('2.3000.1')).toEqual({ html: '<html>one</html>' });
    await cache.keep('2.3000.1', '<html>two</html>');
    expect(await readFile(cache.file('2.3000.1'), 'utf8')).toBe('<html>two</html>');
  });
});

describe('remote lookup', () => {
  let server: Server;
  const asked: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      asked.push(req.url ?? '');
      if (req.url === '/builds/2.3000.1.html') res.writeHead(200, { 'content-type': 'text/html' }).end('<html>pinned</html>');
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('replaces {version}, answers the HTML, a missing build (404) and an unreachable archive', async () => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const signal = new AbortController().signal;
    expect(await fetchBuild(`${base}/builds/{version}.html`, '2.3000.1', 5000, signal)).toEqual({ html: '<html>pinned</html>' });
    expect(asked).toContain('/builds/2.3000.1.html');
    expect(await fetchBuild(`${base}/builds/{version}.html`, '2.3000.2', 5000, signal)).toMatchObject({ miss: 'not-cached' });
    const closed = `http://127.0.0.1:${await freePort()}/{version}.html`;
    expect(await fetchBuild(closed, '2.3000.1', 5000, signal)).toMatchObject({ miss: 'unreachable' });
  });
});

describe('simulator builds', () => {
  test("each build's HTML names its own script; a retired build's script is gone; the live one cannot be retired", () => {
    const builds = new SimulatorBuilds();
    const first = builds.live;
    builds.setLive('2.3000.2');
    expect(builds.html(first)).toContain(`/static/app.${first}.js`);
    expect(builds.html()).toContain('/static/app.2.3000.2.js');
    expect(builds.script('/static/app.2.3000.2.js')).toContain('"version":"2.3000.2"');
    expect(builds.script('/app.js')).toBe(builds.script('/static/app.2.3000.2.js'));
    builds.retire(first);
    expect(builds.script(`/static/app.${first}.js`)).toBeUndefined();
    expect(builds.html(first)).toBeDefined();
    expect(() => builds.retire('2.3000.2')).toThrow(expect.objectContaining({ status: 409 }));
    expect(() => builds.setLive('../x')).toThrow(expect.objectContaining({ status: 400 }));
    expect(builds.html('2.3000.9')).toBeUndefined();
  });

  test('the archive on the admin port serves any known build without the admin token', async () => {
    const sim = await WhatsAppSimulator.start({ adminToken: 'a-token-of-sixteen-chars' });
    try {
      const archive = sim.buildArchiveUrl!;
      const live = sim.liveBuild;
      sim.setLiveBuild('2.3000.5');
      const res = await fetch(archive.replace('{version}', live));
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(sim.buildHtml(live));
      expect((await fetch(archive.replace('{version}', '2.3000.6'))).status).toBe(404);
      // The rest of the admin API still needs the token.
      expect((await fetch(`${sim.adminUrl!}/qr`)).status).toBe(401);
    } finally {
      await sim.close();
    }
  });
});

test("a drift variant's script tells the app what it lacks; only module names or Module.member are taken", () => {
  const builds = new SimulatorBuilds();
  const version = '2.3000.1025000009';
  builds.setLive(version, { without: ['WAWebSendReactionMsgAction', 'WAWebUserPrefsMultiDevice.getADVSecretKey'] });
  expect(builds.script(`/static/app.${version}.js`)).toContain(
    `const SIMULATOR_BUILD = ${JSON.stringify({ version, without: ['WAWebSendReactionMsgAction', 'WAWebUserPrefsMultiDevice.getADVSecretKey'] })};`,
  );
  expect(builds.script('/app.js')).toBe(builds.script(`/static/app.${version}.js`));
  for (const bad of [['window.require'], ['WAWebCmd.Cmd.refreshQR'], [''], [3 as unknown as string]])
    expect(() => builds.setLive('2.3000.1025000010', { without: bad })).toThrow(expect.objectContaining({ status: 400 }));
  expect(builds.list()).not.toContain('2.3000.1025000010');
});

test("a drift variant's renames and changes in behaviour reach its script; anything else is refused", () => {
  const builds = new SimulatorBuilds();
  const version = '2.3000.1025000011';
  builds.setLive(version, { renamed: { WALinkify: 'WAWebLinkify' }, breaks: ['keys-without-serialized', 'sendSeen-missing-field'] });
  expect(builds.script(`/static/app.${version}.js`)).toContain(
    `const SIMULATOR_BUILD = ${JSON.stringify({ version, renamed: { WALinkify: 'WAWebLinkify' }, breaks: ['keys-without-serialized', 'sendSeen-missing-field'] })};`,
  );
  const bad: unknown[] = [
    { renamed: { WALinkify: 'window' } },
    { renamed: { 'WALinkify.findLinks': 'WAWebLinkify' } },
    { renamed: ['WALinkify'] },
    { breaks: ['everything'] },
    { breaks: 'keys-without-serialized' },
  ];
  for (const variant of bad)
    expect(() => builds.setLive('2.3000.1025000012', variant as Parameters<SimulatorBuilds['setLive']>[1])).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  expect(builds.list()).not.toContain('2.3000.1025000012');
});
