/**
 * `cancelPairingCode()` and the battery (`ClientInfo.getBatteryStatus()`): one scenario, run with the
 * unmodified whatsapp-web.js (which proves the simulator: back to QR codes through
 * `WAWebLaunchSocketUtils.refreshQR` and `WAWebAltDeviceLinkingApi.initializeQRLinking`; a multi-device
 * connection with no battery) and with waweb.
 */
import { NoAuth } from '../../src/index';
import { LIBRARIES, type Library } from '../helpers/both-clients';
import { ClientHarness } from '../helpers/client';
import { useSimulatorHarnesses } from '../helpers/use-simulator';
import { WwebjsHarness } from '../helpers/wwebjs';

const env = useSimulatorHarnesses('waweb-pairing-cancel-', (sim, dir) => ({
  wwebjs: new WwebjsHarness(sim, dir),
  waweb: new ClientHarness(sim, dir),
}));

interface PairingClient {
  cancelPairingCode(): Promise<void>;
  info: { getBatteryStatus(): Promise<{ battery?: number; plugged?: boolean }> };
}

/** A client of `library` that pairs by phone number (one code, no renewal within the test). */
function startPairing(library: Library, number: string): { client: PairingClient; next: (event: string) => Promise<unknown[]> } {
  const pairWithPhoneNumber = { phoneNumber: number, showNotification: false, intervalMs: 600_000 };
  if (library === 'whatsapp-web.js') {
    const t = env.wwebjs.start(env.wwebjs.noAuth(), { extra: { pairWithPhoneNumber } });
    return { client: t.client as unknown as PairingClient, next: (event) => t.next(event) };
  }
  const c = env.waweb.create({ options: { authStrategy: new NoAuth(), pairWithPhoneNumber } });
  c.client.initialize().catch((err: unknown) => console.error('initialize failed', err));
  return { client: c.client, next: (event) => c.until(event as 'ready') };
}

describe.each(LIBRARIES)('%s', (library) => {
  const number = `1555000076${LIBRARIES.indexOf(library)}`;

  test('cancelPairingCode() puts the page back on QR codes, which the phone can scan; a linked device reports no battery', async () => {
    const { client, next } = startPairing(library, number);
    await next('code');
    const fresh = env.sim.waitForQr({ fresh: true });
    // Awaited below; a cancel that throws first must not leave it unhandled when the simulator closes.
    fresh.catch(() => undefined);
    await client.cancelPairingCode();
    const qr = await fresh;
    await env.sim.phone(number).scan(qr);
    await next('ready');
    expect(await client.info.getBatteryStatus()).toEqual({ battery: undefined, plugged: undefined });
  });
});
