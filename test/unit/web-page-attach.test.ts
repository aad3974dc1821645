/**
 * Issue 26: `WebPage.attach` hands whatsapp-web.js's page options to puppeteer before anything opens
 * the page: `bypassCSP` as `page.setBypassCSP(true)`, `proxyAuthentication` as `page.authenticate()`,
 * the device's names inside the adapter's install script. No browser: the page records the calls.
 * (The simulator serves no Content-Security-Policy, so what bypassing it changes is not tested here.)
 */
import type { Page } from 'puppeteer-core';
import { WebPage, type AttachOptions } from '../../src/web/web-page';

async function attachCalls(options: AttachOptions): Promise<string[]> {
  const calls: string[] = [];
  const page = {
    exposeFunction: async (name: string) => void calls.push(`exposeFunction ${name}`),
    evaluateOnNewDocument: async (script: string) => void calls.push(`evaluateOnNewDocument ${script.slice(0, 120)}`),
    setBypassCSP: async (on: boolean) => void calls.push(`setBypassCSP ${String(on)}`),
    authenticate: async (creds: { username: string; password: string } | null) =>
      void calls.push(`authenticate ${creds ? `${creds.username}:${creds.password}` : 'null'}`),
    setUserAgent: async () => void calls.push('setUserAgent'),
    goto: async () => void calls.push('goto'),
  };
  await WebPage.attach(page as unknown as Page, options);
  return calls;
}

test('bypassCSP and proxyAuthentication reach the page when it is attached, before it opens', async () => {
  const calls = await attachCalls({ bypassCSP: true, proxyAuthentication: { username: 'bot', password: 's3cret' } });
  expect(calls).toContain('setBypassCSP true');
  expect(calls).toContain('authenticate bot:s3cret');
  expect(calls).not.toContain('goto');
});

test('without them, neither call is made', async () => {
  const calls = await attachCalls({});
  expect(calls.filter((c) => c.startsWith('setBypassCSP') || c.startsWith('authenticate'))).toEqual([]);
});

test("the device's names are installed with the adapter, as a constant around its bundle", async () => {
  const calls = await attachCalls({ adapter: { deviceName: 'TEST', browserName: 'Firefox' } });
  expect(calls.filter((c) => c.startsWith('evaluateOnNewDocument')).at(-1)).toContain(
    'const WAWEB_PAGE_OPTIONS = {"deviceName":"TEST","browserName":"Firefox"}',
  );
});
