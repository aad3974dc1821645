/**
 * Issue 13, the lean launch profile: sessions run on Debian's chromium-headless-shell by default,
 * and a page in it shows WhatsApp Web the same browser as full Chromium does: user agent, client
 * hints and the features the app needs (IndexedDB, WebCrypto, service workers, WebSocket).
 */
import { existsSync, readFileSync } from 'node:fs';
import { LEAN_CHROMIUM_ARGS } from '../../src/browser/flags';
import { NoAuth, type ChromiumBuild } from '../../src/index';
import { ClientHarness } from '../helpers/client';
import { useSimulatorHarnesses } from '../helpers/use-simulator';

const env = useSimulatorHarnesses('waweb-lean-launch-', (sim, dir) => ({ h: new ClientHarness(sim, dir) }));

/** What the page can learn about its browser, read in the app's origin (a secure context). */
const FINGERPRINT = `(async () => {
  const nav = navigator;
  return {
    origin: location.origin,
    userAgent: nav.userAgent,
    brands: nav.userAgentData?.brands,
    mobile: nav.userAgentData?.mobile,
    platform: nav.userAgentData?.platform,
    highEntropy: await nav.userAgentData?.getHighEntropyValues(['architecture', 'bitness', 'fullVersionList', 'model', 'platformVersion']),
    languages: nav.languages,
    webdriver: nav.webdriver,
    secure: isSecureContext,
    indexedDB: typeof indexedDB,
    subtle: typeof crypto.subtle?.generateKey,
    serviceWorker: 'serviceWorker' in navigator,
    webSocket: typeof WebSocket,
    notification: typeof Notification,
  };
})()`;

async function sessionOn(build: ChromiumBuild | undefined, number: string): Promise<{ version: string; seen: unknown }> {
  env.sim.phone(number);
  const c = env.h.create({ scanAs: number, options: { authStrategy: new NoAuth(), ...(build ? { chromium: build } : {}) } });
  await c.client.initialize();
  await c.until('ready');
  const version = await c.client.pupBrowser!.version();
  const seen = await c.client.pupPage!.evaluate(FINGERPRINT);
  await c.client.destroy();
  return { version, seen };
}

test('the default session runs on the headless shell and looks like full Chromium to the page', async () => {
  // scripts/setup.sh installs both builds; a missing one is a broken setup, not a reason to skip.
  expect(existsSync('/usr/bin/chromium-headless-shell')).toBe(true);
  expect(existsSync('/usr/bin/chromium')).toBe(true);
  const lean = await sessionOn(undefined, '15553001301');
  const full = await sessionOn('full', '15553001302');
  expect(lean.version).toMatch(/^HeadlessChrome\/\d+\./);
  expect(full.version).toMatch(/^Chrome\/\d+\./);
  expect(lean.version.split('/')[1]).toBe(full.version.split('/')[1]);
  expect(full.seen).toMatchObject({
    origin: 'https://web.whatsapp.com',
    secure: true,
    indexedDB: 'object',
    subtle: 'function',
    serviceWorker: true,
    webSocket: 'function',
    platform: process.platform === 'linux' ? 'Linux' : expect.any(String),
    brands: expect.arrayContaining([{ brand: 'Chromium', version: full.version.split(/[/.]/)[1] }]),
  });
  expect(JSON.stringify(lean.seen)).not.toContain('Headless');
  expect(lean.seen).toEqual(full.seen);
});

test('chromium "headless-shell" with a visible window is refused before anything starts', () => {
  const c = env.h.create({ options: { authStrategy: new NoAuth(), chromium: 'headless-shell', puppeteer: { headless: false } } });
  return expect(c.client.initialize()).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('headless') });
});

/** The flags Chromium's main process was started with. */
function commandLine(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
}

test.each<[ChromiumBuild]>([['headless-shell'], ['full']])(
  'on %s the browser runs with the lean flags, and without them under leanFlags: false',
  async (build) => {
    const flagsOf = async (leanFlags: boolean | undefined, number: string): Promise<string[]> => {
      env.sim.phone(number);
      const options = { authStrategy: new NoAuth(), chromium: build, ...(leanFlags === undefined ? {} : { leanFlags }) };
      const c = env.h.create({ scanAs: number, options });
      await c.client.initialize();
      await c.until('ready');
      const flags = commandLine(c.client.pupBrowser!.process()!.pid!);
      await c.client.destroy();
      return flags;
    };
    const suffix = build === 'full' ? '2' : '1';
    const lean = await flagsOf(undefined, `1555300131${suffix}`);
    const standard = await flagsOf(false, `1555300132${suffix}`);
    for (const flag of LEAN_CHROMIUM_ARGS.filter((a) => !a.startsWith('--disable-features='))) {
      expect(lean).toContain(flag);
      expect(standard).not.toContain(flag);
    }
    const features = (flags: string[]): string[] =>
      flags
        .find((a) => a.startsWith('--disable-features='))!
        .split('=')[1]!
        .split(',');
    expect(features(lean)).toContain('site-per-process');
    expect(features(standard)).not.toContain('site-per-process');
  },
);
