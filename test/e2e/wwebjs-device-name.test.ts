/**
 * Issue 26: the simulator's `WAWebMiscBrowserUtils.info()` names the linked device, as the real app's
 * does: an unmodified whatsapp-web.js with `deviceName`/`browserName` (which replace `info`) is listed
 * on the phone under those names, and without them under the app's own.
 */
import { useSimulatorHarnesses } from '../helpers/use-simulator';
import { WwebjsHarness } from '../helpers/wwebjs';
import { untilTrue } from '../helpers/until';

const env = useSimulatorHarnesses('waweb-wwebjs-device-name-', (sim, dir) => ({ harness: new WwebjsHarness(sim, dir) }));

function linkAs(number: string, extra: Record<string, unknown>): Promise<unknown[]> {
  const t = env.harness.start(env.harness.noAuth(), {
    extra,
    onQr: (qr) => {
      env.sim
        .phone(number)
        .scan(qr)
        .catch((err: unknown) => console.error('scan failed', err));
    },
  });
  return t.next('ready');
}

test("deviceName and browserName: the phone's linked-devices list shows them", async () => {
  const number = '15550000481';
  await linkAs(number, { deviceName: 'TEST', browserName: 'Firefox' });
  const phone = env.sim.phone(number);
  await untilTrue(() => phone.devices()[0]?.deviceName === 'TEST', 'the device name reaching the phone');
  expect(phone.devices()).toEqual([expect.objectContaining({ deviceName: 'TEST', browser: 'Firefox' })]);
});

test("without them the device is listed under the app's own browser info", async () => {
  const number = '15550000482';
  await linkAs(number, {});
  const phone = env.sim.phone(number);
  await untilTrue(() => phone.devices()[0]?.deviceName !== '', 'the device name reaching the phone');
  expect(phone.devices()).toEqual([expect.objectContaining({ deviceName: 'Linux', browser: 'Chrome' })]);
});
