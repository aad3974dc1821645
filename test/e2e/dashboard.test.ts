/**
 * Issue 15, acceptance 4: a SessionManager in this process runs session `desk` against the
 * simulator, and its dashboard is opened in a real Chromium. The page shows the session waiting
 * with its QR as an image; the QR is read off the page (a screenshot of the image, decoded with
 * jsQR), is one the simulator has on screen, and the simulator's phone scans it. The page then
 * shows the session CONNECTED, pushed over its event stream, then its first backup's generation. A
 * screenshot of that moment is docs/dashboard.png.
 */
import { join } from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { FileStore } from '../../src/index';
import { SessionManager } from '../../src/manager/index';
import { startDashboard, type Dashboard } from '../../src/serve/index';
import { WhatsAppSimulator } from '../../src/simulator';
import { chromiumForTests } from '../helpers/chromium';
import { processesMentioning } from '../helpers/processes';
import { tempDir, type TempDir } from '../helpers/tmp';

// Globals of the page, for functions that run in Chromium (this tsconfig has no DOM lib).
declare const document: any;

const TOKEN = 'e2e-dashboard-token-0123456789';
const SCREENSHOT = join(__dirname, '..', '..', 'docs', 'dashboard.png');
const ROW = '[data-session="desk"]';

let sim: WhatsAppSimulator | undefined;
let work: TempDir | undefined;
let store: FileStore | undefined;
let manager: SessionManager | undefined;
let dashboard: Dashboard | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  [sim, work] = await Promise.all([WhatsAppSimulator.start(), tempDir('waweb-dashboard-')]);
}, 60_000);

afterAll(async () => {
  // Each step runs even when one before it failed: nothing started here may be left running.
  const steps = [() => browser?.close(), () => dashboard?.close(), () => manager?.close(), () => store?.close(), () => sim?.close()];
  const failures: unknown[] = [];
  for (const step of steps) await step()?.catch((err: unknown) => failures.push(err));
  const left = work ? processesMentioning(work.path) : [];
  await work?.remove();
  expect(left).toEqual([]);
  expect(failures).toEqual([]);
}, 60_000);

/** The QR text drawn in the page's `img[data-qr]`, read from a screenshot of it. */
async function readQrFromPage(page: Page): Promise<string> {
  const img = await page.$(`${ROW} img[data-qr]`);
  if (!img) throw new Error('no QR image on the page');
  const shot = PNG.sync.read(Buffer.from(await img.screenshot({ type: 'png' })));
  const decoded = jsQR(new Uint8ClampedArray(shot.data.buffer, shot.data.byteOffset, shot.data.length), shot.width, shot.height);
  if (!decoded) throw new Error(`no QR code could be decoded from the ${shot.width}x${shot.height} image`);
  return decoded.data;
}

test('the dashboard shows a waiting session’s QR; scanning what the page shows gets it CONNECTED', async () => {
  const s = sim as WhatsAppSimulator;
  const dir = (work as TempDir).path;
  store = new FileStore({ directory: join(dir, 'store') });
  manager = new SessionManager({
    store,
    sessions: ['desk'],
    workerId: 'worker-1',
    dataPath: join(dir, 'profiles'),
    clientOptions: { puppeteer: { args: s.chromiumArgs() } },
    meterIntervalMs: 500,
  });
  dashboard = await startDashboard({ manager, token: TOKEN });
  await manager.start();

  const chromium = chromiumForTests([]);
  browser = await puppeteer.launch({
    executablePath: chromium.executablePath,
    args: chromium.args,
    headless: true,
    userDataDir: join(dir, 'viewer'),
    defaultViewport: { width: 1000, height: 600 },
  });
  const page = (await browser.pages())[0] ?? (await browser.newPage());
  page.setDefaultTimeout(60_000);

  // The token in the address once; the dashboard trades it for a cookie and drops it from the URL.
  await page.goto(`${dashboard.url}/?token=${TOKEN}`);
  expect(page.url()).toBe(`${dashboard.url}/`);

  // Waiting: state qr, its QR as an image.
  await page.waitForSelector(`${ROW} [data-field="state"][data-state="qr"]`);
  await page.waitForSelector(`${ROW} img[data-qr][src^="data:image/png"]`, { visible: true });
  expect(await page.$eval(`${ROW} [data-field="state"]`, (td: any) => td.textContent)).toBe('UNPAIRED');

  // The simulator rotates its QR every 20 s: should the page's QR turn out to be gone by the time
  // it is scanned, wait for the page to show the next one and read that.
  const QR_IMG = `${ROW} img[data-qr]`;
  let scanned: string | undefined;
  let shown = '';
  for (let attempt = 0; attempt < 4 && scanned === undefined; attempt++) {
    await page.waitForFunction(
      (selector: string, previous: string) => {
        const src = document.querySelector(selector)?.getAttribute('src') ?? '';
        return src.startsWith('data:image/png') && src !== previous;
      },
      {},
      QR_IMG,
      shown,
    );
    shown = await page.$eval(QR_IMG, (img: any) => img.getAttribute('src'));
    const text = await readQrFromPage(page);
    if (!s.pendingQrCodes().includes(text)) continue;
    const linked = await s
      .phone('15550123456')
      .scan(text)
      .then(
        () => true,
        () => false,
      );
    if (linked) scanned = text;
  }
  expect(scanned).toBeDefined();

  // The page learns it over its event stream: CONNECTED, and no QR any more.
  await page.waitForFunction(
    (row: string) => document.querySelector(`${row} [data-field="state"]`)?.textContent === 'CONNECTED',
    { timeout: 60_000 },
    ROW,
  );
  expect(manager.get('desk')?.state).toBe('ready');
  expect(await page.$eval(`${ROW} img[data-qr]`, (img: any) => img.hidden)).toBe(true);

  // The first backup is taken at ready; the page shows its generation when the manager reports it.
  await page.waitForFunction(
    (row: string) => /^[0-9]+$/.test(document.querySelector(`${row} [data-field="generation"]`)?.textContent ?? ''),
    { timeout: 60_000 },
    ROW,
  );
  const generation = Number(await page.$eval(`${ROW} [data-field="generation"]`, (td: any) => td.textContent));
  expect(generation).toBe(manager.get('desk')?.lastSave?.generation);
  // The browser's meter (Linux): MiB of PSS and % of one core, from the manager's samples.
  if (process.platform === 'linux') {
    await page.waitForFunction(
      (row: string) =>
        /^[1-9][0-9]* MiB$/.test(document.querySelector(`${row} [data-field="memory"]`)?.textContent ?? '') &&
        /^[0-9]+\.[0-9] %$/.test(document.querySelector(`${row} [data-field="cpu"]`)?.textContent ?? ''),
      { timeout: 30_000 },
      ROW,
    );
  }
  await page.screenshot({ path: SCREENSHOT, type: 'png' });
}, 180_000);
