/**
 * Issue 24, point 3, in a real Chromium: the browser keeps the dashboard's cookie and sends it.
 * Under TLS (a self-signed certificate Chromium trusts by its public key pin, for this test only)
 * the cookie is `__Host-waweb_dashboard_<port>`, Secure, HttpOnly, SameSite=Strict, with an expiry;
 * the page, its event stream and its API calls all get in with it. After the dashboard restarts
 * with the same token on the same port, the same browser is refused. Over plain HTTP on loopback
 * the cookie carries the port in its name.
 */
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { selfSignedCertificate, startDashboard, type Dashboard, type DashboardOptions } from '../../src/serve/index';
import { chromiumForTests } from '../helpers/chromium';
import { FakeManager, info } from '../helpers/dashboard';
import { processesMentioning } from '../helpers/processes';
import { tempDir, type TempDir } from '../helpers/tmp';

// Globals of the page, for functions that run in Chromium (this tsconfig has no DOM lib).
declare const document: any;

const TOKEN = 'e2e-cookie-token-0123456789';
const MAX_AGE = 3600;

let work: TempDir | undefined;
let browser: Browser | undefined;
const dashboards: Dashboard[] = [];
let cert: Awaited<ReturnType<typeof selfSignedCertificate>>;
const manager = new FakeManager();
manager.sessions = [info('alpha', 'ready')];

beforeAll(async () => {
  [work, cert] = await Promise.all([tempDir('waweb-dashboard-cookie-'), selfSignedCertificate(['127.0.0.1'])]);
  const chromium = chromiumForTests([]);
  browser = await puppeteer.launch({
    executablePath: chromium.executablePath,
    // Trusts this test's certificate by its public key, nothing else.
    args: [...chromium.args, `--ignore-certificate-errors-spki-list=${cert.spki}`],
    headless: true,
    userDataDir: join(work.path, 'viewer'),
  });
}, 60_000);

afterAll(async () => {
  const failures: unknown[] = [];
  for (const step of [() => browser?.close(), ...dashboards.map((d) => () => d.close())]) {
    await step()?.catch((err: unknown) => failures.push(err));
  }
  const left = work ? processesMentioning(work.path) : [];
  await work?.remove();
  expect(left).toEqual([]);
  expect(failures).toEqual([]);
}, 60_000);

async function start(options: Partial<DashboardOptions>): Promise<Dashboard> {
  const dashboard = await startDashboard({ manager, token: TOKEN, cookieMaxAgeSeconds: MAX_AGE, ...options });
  dashboards.push(dashboard);
  return dashboard;
}

/** The page's own view: the live status and the rows its event stream rendered. */
async function shown(page: Page): Promise<{ status: string; rows: string[] }> {
  await page.waitForFunction(() => document.querySelector('[data-status]')?.textContent === 'live', { timeout: 20_000 });
  return page.evaluate(() => ({
    status: document.querySelector('[data-status]').textContent,
    rows: [...document.querySelectorAll('tr[data-session]')].map((tr: any) => tr.getAttribute('data-session')),
  }));
}

/** What a fetch from the page gets: the browser adds the cookie (or not) by itself. */
function fetchStatus(page: Page, path: string): Promise<number> {
  return page.evaluate(async (p: string) => (await fetch(p, { credentials: 'same-origin' })).status, path);
}

test('under TLS Chromium keeps the __Host- cookie and sends it; a restart with the same token locks it out', async () => {
  const dashboard = await start({ tls: { cert: cert.cert, key: cert.key } });
  const context = await (browser as Browser).createBrowserContext();
  const page = await context.newPage();
  try {
    const before = Date.now() / 1000;
    const landed = await page.goto(`${dashboard.url}/?token=${TOKEN}`);
    expect(page.url()).toBe(`${dashboard.url}/`);
    expect(landed?.status()).toBe(200);
    expect(landed?.securityDetails()?.protocol()).toMatch(/^TLS/);

    const cookies = await context.cookies();
    expect(cookies).toHaveLength(1);
    const [cookie] = cookies;
    expect(cookie).toMatchObject({
      name: `__Host-waweb_dashboard_${dashboard.port}`,
      path: '/',
      secure: true,
      httpOnly: true,
      sameSite: 'Strict',
    });
    expect(cookie?.expires).toBeGreaterThanOrEqual(Math.floor(before) + MAX_AGE - 5);
    expect(cookie?.expires).toBeLessThanOrEqual(Date.now() / 1000 + MAX_AGE + 5);
    expect(cookie?.value).not.toContain(TOKEN);
    // HttpOnly: the page's script cannot read it.
    expect(await page.evaluate(() => document.cookie)).toBe('');

    // The browser sends it: the page, its event stream and its API calls get in.
    expect(await shown(page)).toEqual({ status: 'live', rows: ['alpha'] });
    expect(await fetchStatus(page, '/api/sessions')).toBe(200);

    // Same token, same port, a new start: the cookie the browser still holds is refused.
    await dashboard.close();
    const restarted = await start({ tls: { cert: cert.cert, key: cert.key }, port: dashboard.port });
    expect(restarted.url).toBe(dashboard.url);
    const reloaded = await page.reload();
    expect(reloaded?.status()).toBe(401);
    expect((await context.cookies()).map((c) => c.name)).toEqual([`__Host-waweb_dashboard_${dashboard.port}`]);
    expect(await fetchStatus(page, '/api/sessions')).toBe(401);

    // Opening the token link again lets the browser back in.
    await page.goto(`${restarted.url}/?token=${TOKEN}`);
    expect(await shown(page)).toEqual({ status: 'live', rows: ['alpha'] });
  } finally {
    await context.close();
  }
}, 90_000);

test('over plain HTTP on loopback Chromium keeps a cookie named with the port, HttpOnly and SameSite=Strict, and sends it', async () => {
  const dashboard = await start({});
  const context = await (browser as Browser).createBrowserContext();
  const page = await context.newPage();
  try {
    await page.goto(`${dashboard.url}/?token=${TOKEN}`);
    expect(page.url()).toBe(`${dashboard.url}/`);
    const cookies = await context.cookies();
    expect(cookies.map((c) => [c.name, c.secure, c.httpOnly, c.sameSite, c.session])).toEqual([
      [`waweb_dashboard_${dashboard.port}`, false, true, 'Strict', false],
    ]);
    expect(await shown(page)).toEqual({ status: 'live', rows: ['alpha'] });
    expect(await fetchStatus(page, '/api/sessions')).toBe(200);
  } finally {
    await context.close();
  }
}, 60_000);
