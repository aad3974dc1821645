/**
 * The simulator's scheduled reloads (`reloadIntervalMs`): every open page reloads itself on the
 * server's word, as WhatsApp Web does for updates, and logs in again with its stored session.
 */
import { WhatsAppSimulator } from '../../src/simulator';
import { linkByQr, SimPages } from '../helpers/sim-page';

const pages = new SimPages();
afterEach(async () => {
  await pages.closeAll();
});

test('reloadIntervalMs: a linked page reloads itself on schedule and logs in again each time, without a QR', async () => {
  const sim = await WhatsAppSimulator.start({ reloadIntervalMs: 1000, adminPort: false });
  try {
    const page = await pages.launch(sim);
    const device = await linkByQr(sim, page, '15550002001');
    // A scheduled reload may come while the page still shows its QR (a new document, a new QR); once
    // linked, no reload asks for a QR again.
    const qrsAtLink = page.events.filter((e) => e.type === 'qr' && e.text !== null).length;
    const logins: string[] = [];
    sim.on('login', (d) => logins.push(d.id));
    const bootedDocs = (): number => new Set(page.events.filter((e) => e.type === 'boot').map((e) => e.doc)).size;
    // The server hears a login and the test hears the page's boot over different channels: wait for both.
    await page.waitFor(() => logins.length >= 2 && bootedDocs() >= 3, 'two logins and boots after scheduled reloads', 15_000);
    expect(new Set(logins)).toEqual(new Set([device.id]));
    expect(page.frames.filter((f) => f.t === 'reload').length).toBeGreaterThanOrEqual(2);
    expect(page.events.filter((e) => e.type === 'qr' && e.text !== null)).toHaveLength(qrsAtLink);
    await page.waitForState('CONNECTED');
  } finally {
    await pages.closeAll();
    await sim.close();
  }
});

test('reloadIntervalMs must be a whole number of milliseconds; the default never reloads', async () => {
  await expect(WhatsAppSimulator.start({ reloadIntervalMs: -1 })).rejects.toMatchObject({ code: 'SIMULATOR', status: 400 });
  await expect(WhatsAppSimulator.start({ reloadIntervalMs: 1.5 })).rejects.toMatchObject({ status: 400 });
  const sim = await WhatsAppSimulator.start({ adminPort: false });
  try {
    const page = await pages.launch(sim);
    await linkByQr(sim, page, '15550002002');
    const reloaded = sim.reloadPages('15559999999');
    expect(reloaded).toBe(0);
    // Nothing reloads on its own: after two seconds, one document still.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(page.frames.filter((f) => f.t === 'reload')).toEqual([]);
    expect(page.events.filter((e) => e.type === 'boot')).toHaveLength(1);
  } finally {
    await pages.closeAll();
    await sim.close();
  }
});
