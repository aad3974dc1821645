/**
 * Issue 3 acceptance 2: LocalAuth folders move between whatsapp-web.js 1.34.7
 * and waweb both ways, without a QR (same test run, same simulator).
 */
import { ClientHarness } from '../helpers/client';
import { sentOnPhone } from '../helpers/until';
import { useSimulatorHarnesses } from '../helpers/use-simulator';
import { WwebjsHarness } from '../helpers/wwebjs';

const env = useSimulatorHarnesses('waweb-client-interop-', (sim, dir) => ({
  wwebjs: new WwebjsHarness(sim, dir),
  h: new ClientHarness(sim, dir),
}));

test('a LocalAuth folder created by whatsapp-web.js 1.34.7 is restored by waweb without a QR', async () => {
  const number = '15552000001';
  env.sim.phone(number, { pushname: 'From wwebjs' });
  const made = env.wwebjs.start(env.wwebjs.localAuth('shared'), {
    onQr: (qr) => {
      env.sim
        .phone(number)
        .scan(qr)
        .catch(() => undefined);
    },
  });
  await made.next('ready');
  expect(made.qrs.length).toBeGreaterThanOrEqual(1);
  await env.wwebjs.stop(made.client);

  const c = await env.h.start({ options: { authStrategy: env.h.localAuth('shared') } });
  await c.until('ready');
  expect(c.count('qr')).toBe(0);
  expect(c.count('auth_failure')).toBe(0);
  expect(c.client.info?.wid._serialized).toBe(`${number}@c.us`);
  expect(c.client.info?.pushname).toBe('From wwebjs');
  await c.client.sendMessage('15559990002@c.us', 'hello from waweb on a wwebjs folder');
  await sentOnPhone(env.sim.phone(number), 'hello from waweb on a wwebjs folder', 'hello from waweb on a wwebjs folder on the phone');
  expect(env.sim.phone(number).devices()).toHaveLength(1);
});

test('a LocalAuth folder created by waweb is restored by whatsapp-web.js 1.34.7 without a QR', async () => {
  const number = '15552000002';
  const wid = await env.h.pair('made-by-waweb', number);
  expect(wid).toBe(`${number}@c.us`);

  const restored = env.wwebjs.start(env.wwebjs.localAuth('made-by-waweb'));
  await restored.next('ready');
  expect(restored.qrs).toEqual([]);
  expect(restored.events.map((e) => e.name)).not.toContain('auth_failure');
  expect(restored.client.info.wid._serialized).toBe(`${number}@c.us`);
  expect(env.sim.phone(number).devices()).toHaveLength(1);
});
