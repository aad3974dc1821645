/**
 * Issue 26: whatsapp-web.js's page options, honoured. `deviceName`/`browserName` name the linked device
 * through the app's `WAWebMiscBrowserUtils.info()` (the phone's linked-devices list shows them).
 */
import { NoAuth } from '../../src/index';
import { ClientHarness } from '../helpers/client';
import { useSimulatorHarnesses } from '../helpers/use-simulator';
import { untilTrue } from '../helpers/until';

const env = useSimulatorHarnesses('waweb-client-page-options-', (sim, dir) => ({ h: new ClientHarness(sim, dir) }));

test("deviceName and browserName: the phone's linked-devices list shows them", async () => {
  const number = '15553000781';
  const c = env.h.create({ scanAs: number, options: { authStrategy: new NoAuth(), deviceName: 'TEST', browserName: 'Firefox' } });
  await c.client.initialize();
  await c.until('ready');
  const phone = env.sim.phone(number);
  await untilTrue(() => phone.devices()[0]?.deviceName === 'TEST', 'the device name reaching the phone');
  expect(phone.devices()).toEqual([expect.objectContaining({ deviceName: 'TEST', browser: 'Firefox' })]);
});
