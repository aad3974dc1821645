/**
 * Issue 25, point 1: pinning a WhatsApp Web build. The simulator serves several builds (each HTML names
 * its own app script, and the script sets `Debug.VERSION`), so the version the page reports says whose
 * code ran. A local cache is written under the data path (0700/0600) on the first start and served on
 * the second after the live build changed; a remote archive (the simulator's admin port) is served; a
 * pinned build that cannot be had or does not boot fails a strict start with WEB_VERSION_UNAVAILABLE,
 * or falls back to the live app with `web_version_fallback`; nothing is written to the working folder.
 * Unmodified whatsapp-web.js 1.34.7 pinned to the same archive runs the pinned build too.
 */
import { existsSync, readdirSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PageError, StartTimeoutError, WebVersionUnavailableError, type Client, type WebVersionFallback } from '../../src/index';
import { ClientHarness } from '../helpers/client';
import { freePort } from '../helpers/ports';
import { useSimulatorHarnesses } from '../helpers/use-simulator';
import { WwebjsHarness } from '../helpers/wwebjs';

const env = useSimulatorHarnesses('waweb-pin-', (sim, dir) => ({ h: new ClientHarness(sim, dir), w: new WwebjsHarness(sim, dir) }));

/** The builds of this file: A is the simulator's first live build, B an update, C one that gets retired. */
const B = '2.3000.1019000001';
const C = '2.3000.1018000001';
let A: string;
let cwdBefore: string[];

beforeEach(() => {
  A = env.sim.builds()[0]!;
  env.sim.setLiveBuild(A);
  cwdBefore = readdirSync(process.cwd()).sort();
});

afterEach(() => {
  // Nothing any client did reached the working folder (no `.wwebjs_cache`, no `.waweb-web-cache`, no
  // kept HTML). Only entries of that kind count: other test files running in parallel build `dist/` here.
  const ours = (name: string): boolean => /cache|\.html$/i.test(name);
  expect(readdirSync(process.cwd()).filter(ours).sort()).toEqual(cwdBefore.filter(ours));
});

/** The version of the app code that runs in the client's page (`Debug.VERSION`, set by the build's script). */
function runningBuild(client: Client): Promise<string> {
  return client.pupPage!.evaluate('String(window.Debug.VERSION)') as Promise<string>;
}

/** The app scripts the page loaded (each build has its own). */
async function appScripts(client: Client): Promise<string[]> {
  const urls = (await client.pupPage!.evaluate("performance.getEntriesByType('resource').map((e) => e.name)")) as string[];
  return urls.filter((url) => url.includes('/static/app.')).map((url) => new URL(url).pathname);
}

function archive(): string {
  return env.sim.buildArchiveUrl!;
}

test('local: the first start keeps the live build under the data path (0700/0600); the second serves it after the live build changed', async () => {
  const options = { authStrategy: env.h.localAuth('pin'), webVersion: A, webVersionCache: { type: 'local' as const } };
  const first = await env.h.start({ options });
  await first.until('qr');
  expect(await runningBuild(first.client)).toBe(A);
  const dir = join(env.h.dataPath, '.waweb-web-cache');
  expect((await stat(dir)).mode & 0o777).toBe(0o700);
  expect((await stat(join(dir, `${A}.html`))).mode & 0o777).toBe(0o600);
  expect(await readFile(join(dir, `${A}.html`), 'utf8')).toBe(env.sim.buildHtml(A));
  expect(first.count('web_version_fallback')).toBe(0);
  await first.client.destroy();

  env.sim.setLiveBuild(B);
  const live = await env.h.start({ options: { authStrategy: env.h.localAuth('live') } });
  await live.until('qr');
  expect(await runningBuild(live.client)).toBe(B);
  await live.client.destroy();

  const second = await env.h.start({ options: { ...options, authStrategy: env.h.localAuth('pin') } });
  await second.until('qr');
  expect(await runningBuild(second.client)).toBe(A);
  expect(await appScripts(second.client)).toEqual([`/static/app.${A}.js`]);
  // The live build was not kept over the pinned one.
  expect(readdirSync(dir)).toEqual([`${A}.html`]);
});

test('webVersion alone pins through a local cache under the data path, as whatsapp-web.js defaults to one', async () => {
  const first = await env.h.start({ options: { authStrategy: env.h.localAuth('alone'), webVersion: A } });
  await first.until('qr');
  await first.client.destroy();
  env.sim.setLiveBuild(B);
  const second = await env.h.start({ options: { authStrategy: env.h.localAuth('alone'), webVersion: A } });
  await second.until('qr');
  expect(await runningBuild(second.client)).toBe(A);
  expect(existsSync(join(env.h.dataPath, '.waweb-web-cache', `${A}.html`))).toBe(true);
});

test('local, not strict, a build not kept yet while another is live: web_version_fallback (not-cached), the live build runs and is kept', async () => {
  env.sim.setLiveBuild(B);
  const c = await env.h.start({ options: { authStrategy: env.h.localAuth('other'), webVersion: C, webVersionCache: { type: 'local' } } });
  await c.until('qr');
  expect(c.args('web_version_fallback').map(([info]) => ({ requested: info.requested, reason: info.reason }))).toEqual([
    { requested: C, reason: 'not-cached' },
  ]);
  expect(await runningBuild(c.client)).toBe(B);
  expect(readdirSync(join(env.h.dataPath, '.waweb-web-cache'))).toEqual([`${B}.html`]);
});

test('remote: remotePath at the simulator archive runs the pinned build while the live one is newer', async () => {
  env.sim.setLiveBuild(B);
  const c = await env.h.start({ options: { webVersion: A, webVersionCache: { type: 'remote', remotePath: archive() } } });
  await c.until('qr');
  expect(await runningBuild(c.client)).toBe(A);
  expect(await c.client.getState()).toBe('UNPAIRED');
  // The app reloads itself (an update, as WhatsApp Web does): the document is the pinned one again.
  const qrs = c.count('qr');
  expect(env.sim.reloadPages()).toBe(1);
  await c.until('qr', qrs + 1);
  expect(await runningBuild(c.client)).toBe(A);
});

test('remote unreachable: strict fails the start before a browser starts; not strict runs the live build with web_version_fallback', async () => {
  env.sim.setLiveBuild(B);
  const remotePath = `http://127.0.0.1:${await freePort()}/{version}.html`;
  const strict = env.h.create({ options: { webVersion: A, webVersionCache: { type: 'remote', remotePath, strict: true } } });
  const err = await strict.client.initialize().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WebVersionUnavailableError);
  expect((err as WebVersionUnavailableError).code).toBe('WEB_VERSION_UNAVAILABLE');
  expect((err as WebVersionUnavailableError).requested).toBe(A);
  expect(strict.client.pupBrowser).toBeUndefined();
  expect(await env.h.waitForNoBrowser()).toEqual([]);

  const loose = env.h.create({ options: { webVersion: A, webVersionCache: { type: 'remote', remotePath } } });
  const fallbacks: WebVersionFallback[] = [];
  loose.client.on('web_version_fallback', (info) => fallbacks.push(info));
  await loose.client.initialize();
  await loose.until('qr');
  expect(fallbacks).toEqual([{ requested: A, reason: 'unreachable', detail: expect.stringContaining('127.0.0.1') }]);
  expect(await runningBuild(loose.client)).toBe(B);
});

test('a build missing from the archive: strict is WEB_VERSION_UNAVAILABLE; a local strict cache without it too', async () => {
  const missing = '2.3000.1000000404';
  const remote = env.h.create({
    options: { webVersion: missing, webVersionCache: { type: 'remote', remotePath: archive(), strict: true } },
  });
  const err = await remote.client.initialize().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WebVersionUnavailableError);
  expect((err as WebVersionUnavailableError).code).toBe('WEB_VERSION_UNAVAILABLE');

  const local = env.h.create({
    options: { authStrategy: env.h.localAuth('strict'), webVersion: missing, webVersionCache: { type: 'local', strict: true } },
  });
  const localErr = await local.client.initialize().catch((e: unknown) => e);
  expect(localErr).toBeInstanceOf(WebVersionUnavailableError);
  expect(await env.h.waitForNoBrowser()).toEqual([]);
});

test('a pinned build whose scripts are gone does not boot: strict fails with the boot error as cause; not strict reloads the live app', async () => {
  env.sim.setLiveBuild(C);
  env.sim.setLiveBuild(B);
  env.sim.retireBuild(C);
  const remote = { type: 'remote' as const, remotePath: archive() };

  const strict = env.h.create({ options: { webVersion: C, webVersionCache: { ...remote, strict: true }, authTimeoutMs: 1500 } });
  const err = await strict.client.initialize().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WebVersionUnavailableError);
  expect((err as WebVersionUnavailableError).code).toBe('WEB_VERSION_UNAVAILABLE');
  const cause = (err as Error).cause;
  expect(cause instanceof StartTimeoutError || cause instanceof PageError).toBe(true);
  expect(await env.h.waitForNoBrowser()).toEqual([]);

  const loose = env.h.create({ options: { webVersion: C, webVersionCache: remote, authTimeoutMs: 1500 } });
  const fallbacks: WebVersionFallback[] = [];
  loose.client.on('web_version_fallback', (info) => fallbacks.push(info));
  await loose.client.initialize();
  await loose.until('qr');
  expect(fallbacks.map(({ requested, reason }) => ({ requested, reason }))).toEqual([{ requested: C, reason: 'no-boot' }]);
  expect(await runningBuild(loose.client)).toBe(B);
});

test('unmodified whatsapp-web.js 1.34.7 with webVersionCache remote at the simulator runs the pinned build', async () => {
  env.sim.setLiveBuild(B);
  const c = env.w.start(env.w.noAuth(), {
    extra: { webVersion: A, webVersionCache: { type: 'remote', remotePath: archive(), strict: true } },
  });
  await c.next('qr');
  const client = c.client as unknown as { getWWebVersion(): Promise<string> };
  expect(await client.getWWebVersion()).toBe(A);
});
