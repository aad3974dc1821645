/**
 * The phone/admin HTTP API: what a test in another process sees. Good requests
 * do what they say; bad ones get a 4xx with a JSON `error` and change nothing.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WhatsAppSimulator } from '../../src/simulator';
import { linkByQr, SimPages } from '../helpers/sim-page';
import { tempDir } from '../helpers/tmp';

let sim: WhatsAppSimulator;
let work: Awaited<ReturnType<typeof tempDir>>;
const pages = new SimPages();

beforeAll(async () => {
  work = await tempDir();
  sim = await WhatsAppSimulator.start({ stateFile: join(work.path, 'state.json') });
});
afterAll(async () => {
  await pages.closeAll();
  await sim?.close();
  await work?.remove();
});
afterEach(async () => {
  await pages.closeAll();
});

interface Reply {
  status: number;
  contentType: string | null;
  json: any;
}

/** One admin request; `body` is sent as is when a string, as JSON otherwise; every POST says it is JSON. */
async function api(method: string, path: string, body?: unknown, base = sim.adminUrl): Promise<Reply> {
  const init: RequestInit = { method };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  if (body !== undefined || method === 'POST') init.headers = { 'content-type': 'application/json' };
  const res = await fetch(`${base!}${path}`, init);
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type'), json: text ? JSON.parse(text) : undefined };
}

test('GET /health answers ok as JSON', async () => {
  const res = await api('GET', '/health');
  expect(res.status).toBe(200);
  expect(res.contentType).toContain('application/json');
  expect(res.json).toEqual({ ok: true });
});

test('a POST that is not application/json is refused with 415 before it is read; JSON (with a charset) is served', async () => {
  const number = '15550001009';
  // What any web page can send to loopback without a preflight: text/plain, a form, or no type at all.
  const kinds: Record<string, string>[] = [{ 'content-type': 'text/plain' }, { 'content-type': 'application/x-www-form-urlencoded' }, {}];
  for (const headers of kinds) {
    const res = await fetch(`${sim.adminUrl!}/phones/${number}/messages`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ from: '15559990009', body: 'from a web page' }),
    });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: string }).error).toMatch(/application\/json/);
  }
  // The same request as JSON reaches the phone (which has no device to deliver to).
  expect((await api('POST', `/phones/${number}/messages`, { from: '15559990009', body: 'x' })).status).not.toBe(415);
  const empty = await fetch(`${sim.adminUrl!}/reload`, { method: 'POST' });
  expect(empty.status).toBe(415);
  const json = await fetch(`${sim.adminUrl!}/reload`, {
    method: 'POST',
    headers: { 'content-type': 'Application/JSON; charset=utf-8' },
    body: '{}',
  });
  expect(json.status).toBe(200);
});

test('GET /chromium-args gives the flags that lead a Chromium to this simulator', async () => {
  const res = await api('GET', '/chromium-args');
  expect(res.status).toBe(200);
  expect(res.json).toEqual({ args: sim.chromiumArgs() });
  expect(res.json.args.some((a: string) => a.startsWith('--host-resolver-rules=MAP web.whatsapp.com '))).toBe(true);
});

test('a page QR is listed, scanning it links the device, messages flow both ways, DELETE unlinks', async () => {
  const number = '15550001001';
  const page = await pages.launch(sim);
  await page.waitForState('UNPAIRED');
  const qr = await page.waitForQrText();

  const listed = await api('GET', '/qr');
  expect(listed.status).toBe(200);
  expect(listed.json.qr).toContain(qr);

  const scanned = await api('POST', `/phones/${number}/scan`, { qr });
  expect(scanned.status).toBe(200);
  expect(scanned.json.device).toMatchObject({ phone: number, platform: 'CHROME', online: true });
  const id: string = scanned.json.device.id;
  await page.waitForState('CONNECTED');
  expect((await api('GET', '/qr')).json.qr).not.toContain(qr);

  const devices = await api('GET', `/phones/${number}/devices`);
  expect(devices.status).toBe(200);
  expect(devices.json.devices.map((d: { id: string }) => d.id)).toEqual([id]);

  // The same QR cannot link a second device.
  const again = await api('POST', `/phones/${number}/scan`, { qr });
  expect(again.status).toBe(410);
  expect((await api('GET', `/phones/${number}/devices`)).json.devices).toHaveLength(1);

  const incoming = await api('POST', `/phones/${number}/messages`, { from: '15559990001', body: 'hello page' });
  expect(incoming.status).toBe(200);
  expect(incoming.json.message).toMatchObject({ from: '15559990001@c.us', to: `${number}@c.us`, body: 'hello page', fromMe: false });
  const seen = await page.waitForEvent((e) => e.type === 'msg' && e.body === 'hello page');
  expect(seen).toMatchObject({ from: '15559990001@c.us', fromMe: false });

  await page.sendText('15559990001@c.us', 'hello phone');
  const sent = await api('GET', `/phones/${number}/sent`);
  expect(sent.status).toBe(200);
  expect(sent.json.messages).toEqual([
    expect.objectContaining({ to: '15559990001@c.us', from: `${number}@c.us`, body: 'hello phone', fromMe: true }),
  ]);

  const deleted = await api('DELETE', `/phones/${number}/devices/${id}`);
  expect(deleted.status).toBe(200);
  expect(deleted.json).toEqual({ unlinked: id });
  expect((await api('GET', `/phones/${number}/devices`)).json.devices).toEqual([]);
  // The page was online: it is logged out and comes back with a QR.
  await page.waitForEvent((e) => e.type === 'boot' && e.url.includes('post_logout=1'));
  await page.waitForState('UNPAIRED');
});

test('bad requests get a 4xx with a JSON error and change nothing', async () => {
  const number = '15550001002';
  const contact = '15559990002';
  const page = await pages.launch(sim);
  const { id } = await linkByQr(sim, page, number);
  await page.sendText('15559990002@c.us', 'before');
  const socketsBefore = page.socketsOpened;
  const snapshot = async (): Promise<unknown> => ({
    devices: (await api('GET', `/phones/${number}/devices`)).json,
    sent: (await api('GET', `/phones/${number}/sent`)).json,
    qr: (await api('GET', '/qr')).json,
    stateFile: await readFile(join(work.path, 'state.json'), 'utf8'),
  });
  const before = await snapshot();
  expect(before).toMatchObject({ devices: { devices: [expect.objectContaining({ id, online: true })] } });

  const key = Buffer.alloc(32, 7).toString('base64');
  const p = `/phones/${number}`;
  const cases: Array<[method: string, path: string, body: unknown, status: number]> = [
    // Bodies that are not a JSON object.
    ['POST', `${p}/scan`, '{"qr": ', 400],
    ['POST', `${p}/scan`, '[1,2,3]', 400],
    ['POST', `${p}/messages`, '["hi"]', 400],
    ['POST', `${p}/messages`, 'null', 400],
    ['POST', `${p}/scan`, '"2@ref,a,b,c,d"', 400],
    // Malformed QR texts.
    ['POST', `${p}/scan`, {}, 400],
    ['POST', `${p}/scan`, { qr: 42 }, 400],
    ['POST', `${p}/scan`, { qr: '2@ref,only,three' }, 400],
    ['POST', `${p}/scan`, { qr: `2@ref,${key},${key},adv,CHROME,extra` }, 400],
    ['POST', `${p}/scan`, { qr: `2@ref,,${key},adv,CHROME` }, 400],
    ['POST', `${p}/scan`, { qr: `2@ref,${'!'.repeat(44)},${key},adv,CHROME` }, 400],
    ['POST', `${p}/scan`, { qr: `2@ref,${key},not*base64*at*all,adv,CHROME` }, 400],
    ['POST', `${p}/scan`, { qr: `2@ref,${key},${Buffer.alloc(16).toString('base64')},adv,CHROME` }, 400],
    // Well-formed, but no page shows it.
    ['POST', `${p}/scan`, { qr: `2@nosuchref,${key},${key},adv,CHROME` }, 404],
    // Pairing codes.
    ['POST', `${p}/pair-code`, { code: 'short' }, 400],
    ['POST', `${p}/pair-code`, {}, 400],
    ['POST', `${p}/pair-code`, { code: 'ABCD2345' }, 404],
    // Unknown devices.
    ['DELETE', `${p}/devices/0000000000000000`, undefined, 404],
    ['POST', `${p}/devices/0000000000000000/offline-messages`, { count: 1 }, 404],
    ['POST', `${p}/devices/0000000000000000/open-elsewhere`, undefined, 404],
    ['POST', `${p}/devices/0000000000000000/history`, { bytes: 10 }, 404],
    ['DELETE', `/phones/15550009999/devices/${id}`, undefined, 404],
    // Invalid phone numbers.
    ['GET', '/phones/not-a-number/devices', undefined, 400],
    ['GET', '/phones/0155500010/devices', undefined, 400],
    ['POST', '/phones/+15550001002/scan', { qr: `2@ref,${key},${key},adv,CHROME` }, 400],
    ['DELETE', `/phones/123/devices/${id}`, undefined, 400],
    ['GET', '/phones/%E0%A4%A/devices', undefined, 400],
    // Messages that cannot be delivered.
    ['POST', `${p}/messages`, { from: contact, body: '' }, 400],
    ['POST', `${p}/messages`, { from: contact }, 400],
    ['POST', `${p}/messages`, { from: 'someone', body: 'x' }, 400],
    ['POST', `${p}/messages`, { from: 15559990002, body: 'x' }, 400],
    ['POST', '/phones/15550009999/messages', { from: contact, body: 'x' }, 409],
    // Out-of-range counts.
    ['POST', `${p}/devices/${id}/offline-messages`, { count: 0 }, 400],
    ['POST', `${p}/devices/${id}/offline-messages`, { count: 10_001 }, 400],
    ['POST', `${p}/devices/${id}/offline-messages`, { count: 1.5 }, 400],
    ['POST', `${p}/devices/${id}/offline-messages`, { count: '3' }, 400],
    ['POST', `${p}/devices/${id}/offline-messages`, {}, 400],
    ['POST', `${p}/devices/${id}/history`, { bytes: 0 }, 400],
    ['POST', `${p}/devices/${id}/history`, { bytes: 2 * 1024 * 1024 * 1024 }, 400],
    ['POST', '/server/refuse-connections', { count: 0 }, 400],
    ['POST', '/server/refuse-connections', { count: 1001 }, 400],
    ['POST', '/server/refuse-connections', { count: -1 }, 400],
    ['POST', '/server/refuse-connections', { count: 'all' }, 400],
    ['POST', '/server/delay-connection', {}, 400],
    ['POST', '/server/delay-connection', { ms: -1 }, 400],
    ['POST', '/server/delay-connection', { ms: 600_001 }, 400],
    ['POST', '/server/delay-connection', { ms: 0.5 }, 400],
    ['POST', '/server/drop-connections', { phone: 15550001002 }, 400],
    ['POST', '/server/stall-boots', { count: 0 }, 400],
    ['POST', '/server/stall-logins', { count: 'all' }, 400],
    ['POST', '/server/stall-history-syncs', { count: 1, percent: 100 }, 400],
    ['POST', '/server/stall-history-syncs', { count: 1001 }, 400],
    // Unknown routes and wrong methods.
    ['GET', '/nope', undefined, 404],
    ['GET', p, undefined, 404],
    ['POST', `${p}/devices/${id}/unknown-action`, {}, 404],
    ['GET', `${p}/scan`, undefined, 405],
    ['PUT', '/health', {}, 405],
    ['DELETE', `${p}/sent`, undefined, 405],
    ['POST', `${p}/devices`, {}, 405],
    ['GET', `${p}/devices/${id}`, undefined, 405],
  ];

  const failures: string[] = [];
  for (const [method, path, body, status] of cases) {
    const label = `${method} ${path} ${typeof body === 'string' ? body : JSON.stringify(body)}`;
    let res: Reply;
    try {
      res = await api(method, path, body);
    } catch (err) {
      failures.push(`${label}: request failed: ${String(err)}`);
      continue;
    }
    if (res.status !== status) failures.push(`${label}: status ${res.status}, wanted ${status} (${JSON.stringify(res.json)})`);
    if (!res.contentType?.includes('application/json')) failures.push(`${label}: content-type ${String(res.contentType)}`);
    if (typeof res.json?.error !== 'string' || res.json.error.length < 5) failures.push(`${label}: no error message`);
    const after = await snapshot();
    if (JSON.stringify(after) !== JSON.stringify(before)) failures.push(`${label}: state changed`);
  }
  expect(failures).toEqual([]);

  // Nothing was refused, delayed or dropped: the page kept its one socket.
  expect(await page.state()).toBe('CONNECTED');
  expect(page.socketsOpened).toBe(socketsBefore);
  // And a fresh page connects on its first try (no refusal was armed).
  const other = await pages.launch(sim);
  await other.waitForState('UNPAIRED');
  expect(other.socketsOpened).toBe(1);
});

test('an oversized body is refused with 400', async () => {
  const res = await api('POST', '/phones/15550001003/messages', JSON.stringify({ from: '15559990003', body: 'x'.repeat(2 * 1024 * 1024) }));
  expect(res.status).toBe(400);
  expect(res.json.error).toMatch(/1 MiB/);
  expect((await api('GET', '/health')).status).toBe(200);
});

test('a QR from a previous rotation is expired: 410, and nothing is linked', async () => {
  const fast = await WhatsAppSimulator.start({ refIntervalMs: 250, refRotations: 1000 });
  try {
    const page = await pages.launch(fast);
    const first = await page.waitForQrText();
    const second = await page.waitForQrText(first);
    expect(second.split(',')[0]).not.toBe(first.split(',')[0]);
    // Same keys, new reference.
    expect(second.split(',').slice(1)).toEqual(first.split(',').slice(1));

    const res = await api('POST', '/phones/15550001004/scan', { qr: first }, fast.adminUrl);
    expect(res.status).toBe(410);
    expect(res.json.error).toMatch(/expired/);
    expect((await api('GET', '/phones/15550001004/devices', undefined, fast.adminUrl)).json).toEqual({ devices: [] });
    expect(fast.phone('15550001004').devices()).toEqual([]);
    expect(await page.state()).toBe('UNPAIRED');
  } finally {
    await pages.closeAll();
    await fast.close();
  }
});

test("POST /reload: the pages reload themselves (all, or one phone's) and log in again; a message sent meanwhile arrives after it", async () => {
  const number = '15550001005';
  const page = await pages.launch(sim);
  const device = await linkByQr(sim, page, number);
  const waiting = await pages.launch(sim);
  const qr = await waiting.waitForQrText();

  const one = await api('POST', '/reload', { phone: number });
  expect(one.status).toBe(200);
  expect(one.json).toEqual({ reloaded: 1 });
  // Sent while the page is going away: the servers keep it for the device's next login.
  await api('POST', `/phones/${number}/messages`, { from: '15559990005', body: 'during the reload' });
  const arrived = await page.waitForEvent((e) => e.type === 'msg' && e.body === 'during the reload');
  const boots = page.events.filter((e) => e.type === 'boot');
  expect(boots).toHaveLength(2);
  // The new document got it, from the server's word to reload (the page's own location.reload()).
  expect(arrived.doc).toBe(boots[1]!.doc);
  expect(boots[1]!.doc).not.toBe(boots[0]!.doc);
  expect(page.frames.filter((f) => f.t === 'reload')).toHaveLength(1);
  await page.waitForState('CONNECTED');
  expect((await api('GET', `/phones/${number}/devices`)).json.devices).toEqual([expect.objectContaining({ id: device.id, online: true })]);
  // The page showing a QR belongs to no phone: it was not told.
  expect(waiting.events.filter((e) => e.type === 'boot')).toHaveLength(1);

  expect((await api('POST', '/reload')).json).toEqual({ reloaded: 2 });
  await waiting.waitFor(() => waiting.events.filter((e) => e.type === 'boot').length === 2, 'a second boot');
  await waiting.waitForQrText(qr);
  // The QR of the page that reloaded is gone with it.
  expect((await api('POST', `/phones/${number}/scan`, { qr })).status).toBe(410);
  await page.waitFor(() => page.events.filter((e) => e.type === 'boot').length === 3, 'a third boot');
  await page.waitForState('CONNECTED');

  const bad = await api('POST', '/reload', { phone: 15550001005 });
  expect(bad.status).toBe(400);
  expect(bad.json.error).toMatch(/phone/);
  expect((await api('GET', '/reload')).status).toBe(405);
});
