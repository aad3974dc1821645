/**
 * The simulator emits from its own timers and socket callbacks: a user's
 * listener that throws there is reported, and neither the simulator nor the
 * process notices (an uncaught exception would fail the test). A bare
 * WebSocket plays the page, so no browser is needed.
 */
import WebSocket from 'ws';
import { SimulatorError, WhatsAppSimulator } from '../../src/simulator';
import { TimeoutError } from '../../src/errors';
import { pairFrame, rawPage } from '../helpers/raw-page';

const sims: WhatsAppSimulator[] = [];
afterEach(async () => {
  jest.restoreAllMocks();
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

test('a throwing listener on events from timers and sockets is reported; the simulator keeps working', async () => {
  const reported = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  const sim = await WhatsAppSimulator.start({ adminPort: false, refIntervalMs: 40, refRotations: 1000 });
  sims.push(sim);
  const shown: string[] = [];
  sim.on('qr', () => {
    throw new Error('qr listener broke');
  });
  sim.on('rejected', () => {
    throw new Error('rejected listener broke');
  });
  // Registered after the throwing one: it is still called.
  sim.on('qr', (qr) => shown.push(qr));

  const page = rawPage(sim);
  const challenge = page.next('challenge');
  await new Promise<void>((resolve, reject) => {
    page.ws.once('open', () => resolve());
    page.ws.once('error', reject);
  });
  await challenge;

  // 'rejected' is emitted while the server handles the socket's frame.
  const rejected = page.next('login-rejected');
  page.ws.send(JSON.stringify({ t: 'login', deviceId: 'no-such-device', signature: '' }));
  await expect(rejected).resolves.toMatchObject({ reason: 'unlinked' });

  // The first 'qr' comes from the socket's frame, the next ones from the rotation timer.
  const firstRef = page.next('ref');
  page.ws.send(pairFrame());
  await firstRef;
  const fromTimer = await sim.waitForQr({ fresh: true, timeoutMs: 10_000 });
  await sim.waitFor('qr', { timeout: 10_000 });
  expect(shown.length).toBeGreaterThanOrEqual(3);
  expect(shown).toContain(fromTimer);

  // Still working: the socket is open and a phone links the page on the QR it shows now.
  expect(page.ws.readyState).toBe(WebSocket.OPEN);
  const paired = page.next('paired');
  const device = await sim.phone('15550007001').scan(sim.pendingQrCodes()[0]!);
  await expect(paired).resolves.toMatchObject({ session: { deviceId: device.id } });
  expect(sim.phone('15550007001').devices()).toEqual([expect.objectContaining({ id: device.id, online: true })]);

  const messages = reported.mock.calls.map((args) => [String(args[0]), (args[1] as Error).message]);
  expect(messages).toContainEqual(["waweb: a listener for 'rejected' threw:", 'rejected listener broke']);
  expect(messages.filter(([, m]) => m === 'qr listener broke').length).toBe(shown.length);
  page.ws.terminate();
});

test('waitForQr names timeoutMs when no QR comes, and close() ends a wait', async () => {
  const sim = await WhatsAppSimulator.start({ adminPort: false });
  sims.push(sim);
  const late = sim.waitForQr({ timeoutMs: 50 });
  await expect(late).rejects.toBeInstanceOf(TimeoutError);
  await expect(late).rejects.toThrow('no QR was shown within 50 ms (timeoutMs)');

  const waiting = sim.waitForQr();
  await sim.close();
  await expect(waiting).rejects.toBeInstanceOf(SimulatorError);
  await expect(waiting).rejects.toMatchObject({ status: 409 });
});
