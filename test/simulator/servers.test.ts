/**
 * Several simulators in one process: separate ports, separate state, no
 * cross-talk; close() is idempotent and gives its ports back.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { SimulatorError, WhatsAppSimulator } from '../../src/simulator';
import { linkByQr, SimPages } from '../helpers/sim-page';
import { tempDir } from '../helpers/tmp';

const pages = new SimPages();
const sims: WhatsAppSimulator[] = [];

afterEach(async () => {
  await pages.closeAll();
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

function listenOn(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

test('two simulators at once do not interfere; close() twice is fine and frees the ports', async () => {
  const [a, b] = await Promise.all([WhatsAppSimulator.start(), WhatsAppSimulator.start()]);
  sims.push(a, b);
  expect(a.port).toBeGreaterThan(0);
  expect(b.port).toBeGreaterThan(0);
  const ports = new Set([a.port, b.port, new URL(a.adminUrl!).port, new URL(b.adminUrl!).port].map(Number));
  expect(ports.size).toBe(4);
  expect(a.chromiumArgs()).not.toEqual(b.chromiumArgs());

  const [pageA, pageB] = await Promise.all([pages.launch(a), pages.launch(b)]);
  const [qrA, qrB] = await Promise.all([pageA.waitForQrText(), pageB.waitForQrText()]);
  expect(a.pendingQrCodes()).toEqual([qrA]);
  expect(b.pendingQrCodes()).toEqual([qrB]);

  // A QR shown by one simulator's page means nothing to the other.
  const number = '15550006001';
  const cross = b.phone(number).scan(qrA);
  await expect(cross).rejects.toBeInstanceOf(SimulatorError);
  await expect(cross).rejects.toMatchObject({ status: 404 });
  expect(b.phone(number).devices()).toEqual([]);

  // The same phone number links one device on each, independently.
  const devA = await linkByQr(a, pageA, number);
  const devB = await linkByQr(b, pageB, number);
  expect(
    a
      .phone(number)
      .devices()
      .map((d) => d.id),
  ).toEqual([devA.id]);
  expect(
    b
      .phone(number)
      .devices()
      .map((d) => d.id),
  ).toEqual([devB.id]);

  await a.phone(number).receiveText('15559990061', 'for A');
  await b.phone(number).receiveText('15559990062', 'for B');
  await pageA.waitForEvent((e) => e.type === 'msg' && e.body === 'for A');
  await pageB.waitForEvent((e) => e.type === 'msg' && e.body === 'for B');
  expect(pageA.events.flatMap((e) => (e.type === 'msg' ? [e.body] : []))).toEqual(['for A']);
  expect(pageB.events.flatMap((e) => (e.type === 'msg' ? [e.body] : []))).toEqual(['for B']);

  // Closing A (twice, concurrently and again) leaves B alone.
  const portA = a.port;
  const adminPortA = Number(new URL(a.adminUrl!).port);
  const mark = pageA.events.length;
  await Promise.all([a.close(), a.close()]);
  await a.close();
  await pageA.waitForEvent((e) => e.type === 'state' && e.state === 'TIMEOUT' && pageA.events.indexOf(e) >= mark);
  expect(await pageB.state()).toBe('CONNECTED');
  expect(b.phone(number).devices()).toEqual([expect.objectContaining({ id: devB.id, online: true })]);
  await b.phone(number).receiveText('15559990062', 'still B');
  await pageB.waitForEvent((e) => e.type === 'msg' && e.body === 'still B');

  // A's ports are free again.
  await listenOn(portA);
  await listenOn(adminPortA);
  await expect(fetch(`http://127.0.0.1:${adminPortA}/health`)).rejects.toThrow();
});

test('a simulator refuses to listen beyond loopback without an admin token, and a short token', async () => {
  const started = WhatsAppSimulator.start({ host: '0.0.0.0' });
  await expect(started).rejects.toBeInstanceOf(SimulatorError);
  await expect(started).rejects.toMatchObject({ status: 400, message: expect.stringContaining('adminToken') });
  await expect(WhatsAppSimulator.start({ adminToken: 'short' })).rejects.toMatchObject({ status: 400 });
});

test('with an admin token the phone API answers only requests that carry it', async () => {
  const token = 'a-long-enough-token-for-tests';
  const sim = await WhatsAppSimulator.start({ adminToken: token });
  sims.push(sim);
  const health = (headers: Record<string, string> = {}): Promise<Response> => fetch(`${sim.adminUrl!}/health`, { headers });
  const none = await health();
  expect(none.status).toBe(401);
  expect(none.headers.get('www-authenticate')).toBe('Bearer');
  expect(((await none.json()) as { error: string }).error).not.toContain(token);
  expect((await health({ authorization: 'Bearer wrong-token-of-some-length' })).status).toBe(401);
  expect((await health({ authorization: token })).status).toBe(401);
  expect((await health({ authorization: `Bearer ${token}` })).status).toBe(200);
  // The phone's own operations go through the same door.
  const qr = await fetch(`${sim.adminUrl!}/phones/15559990070/scan`, { method: 'POST', body: '{}' });
  expect(qr.status).toBe(401);
});

test('adminPort: false starts no admin server', async () => {
  const sim = await WhatsAppSimulator.start({ adminPort: false });
  sims.push(sim);
  expect(sim.adminUrl).toBeUndefined();
  expect(sim.port).toBeGreaterThan(0);
});

test('a state file that is not a simulator state is refused at start', async () => {
  const work = await tempDir();
  try {
    for (const text of ['{"version": 1, "accounts": [', 'null', '{"version": 2, "accounts": []}', '[]']) {
      const stateFile = join(work.path, 'state.json');
      await writeFile(stateFile, text);
      const started = WhatsAppSimulator.start({ stateFile });
      await expect(started).rejects.toBeInstanceOf(SimulatorError);
      await expect(started).rejects.toMatchObject({ status: 500, message: expect.stringContaining(stateFile) });
      // Left as it was.
      expect(await readFile(stateFile, 'utf8')).toBe(text);
    }
  } finally {
    await work.remove();
  }
});
