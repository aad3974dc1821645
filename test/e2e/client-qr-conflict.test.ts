/**
 * Issue 3 acceptance 4: qrMaxRetries counts QRs exactly, UNPAIRED_IDLE
 * refreshes the QR while retries remain, and CONFLICT with and without
 * takeoverOnConflict. Two simulators: one rotating the QR every 300 ms for a
 * long time, one going idle after a single QR.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ClientHarness } from '../helpers/client';
import { sentOnPhone } from '../helpers/until';
import { useHarnesses, useSimulator } from '../helpers/use-simulator';

const rotating = useSimulator({ refIntervalMs: 300, refRotations: 1000 });
const idle = useSimulator({ refIntervalMs: 300, refRotations: 1 });
const env = useHarnesses(
  'waweb-client-qr-',
  (dir) => ({ h: new ClientHarness(rotating.sim, dir), hIdle: new ClientHarness(idle.sim, dir) }),
  ({ h, hIdle }) => Promise.all([h.stopAll(), hIdle.stopAll()]),
);

test('qrMaxRetries: 2 → exactly 3 qr events, then disconnected(MAX_QR_RETRIES), browser gone', async () => {
  const c = await env.h.start({ options: { authStrategy: env.h.localAuth('retries'), qrMaxRetries: 2 } });
  const [reason] = await c.until('disconnected');
  expect(reason).toBe('MAX_QR_RETRIES');
  expect(c.count('qr')).toBe(3);
  const qrs = c.args('qr').map(([qr]) => qr);
  expect(new Set(qrs).size).toBe(3);
  for (const qr of qrs) expect(qr.split(',')).toHaveLength(5);
  const names = c.names();
  expect(names[names.length - 1]).toBe('disconnected');
  expect(c.count('disconnected')).toBe(1);
  expect(await env.h.waitForNoBrowser()).toEqual([]);
  expect(await c.client.getState()).toBeNull();
  // The client closed cleanly: a later destroy() is a no-op.
  await c.client.destroy();
  expect(c.count('qr')).toBe(3);
});

test('UNPAIRED_IDLE refreshes the QR while retries remain, and the refreshed QR links', async () => {
  const number = '15554000001';
  const c = await env.hIdle.start({ options: { authStrategy: env.hIdle.localAuth('idle'), qrMaxRetries: 0 } });
  await c.until('qr', 3);
  expect(c.names()).toContain('change_state:UNPAIRED_IDLE');
  expect(c.names().indexOf('change_state:UNPAIRED_IDLE')).toBeLessThan(c.names().lastIndexOf('qr'));
  expect(c.count('disconnected')).toBe(0);
  // Scan the QR on screen now (the one reported last may have expired meanwhile: then take the next one).
  for (let attempt = 0; ; attempt++) {
    const onScreen = await idle.sim.waitForQr({ timeoutMs: 5000, fresh: attempt > 0 });
    const linked = await idle.sim
      .phone(number)
      .scan(onScreen)
      .then(
        () => true,
        (err: unknown) => {
          if (attempt >= 4) throw err;
          return false;
        },
      );
    if (linked) break;
  }
  await c.until('ready');
  expect(c.client.info?.wid.user).toBe(number);
});

test('UNPAIRED_IDLE with no retries left ends with disconnected(MAX_QR_RETRIES)', async () => {
  const c = await env.hIdle.start({ options: { authStrategy: env.hIdle.localAuth('idle-max'), qrMaxRetries: 1 } });
  const [reason] = await c.until('disconnected');
  expect(reason).toBe('MAX_QR_RETRIES');
  expect(c.count('qr')).toBe(2);
  expect(await env.hIdle.waitForNoBrowser()).toEqual([]);
});

test('CONFLICT without takeover: change_state(CONFLICT), then disconnected(CONFLICT); nothing deleted, the session still restores', async () => {
  const number = '15554000002';
  const c = await env.h.start({ scanAs: number, options: { authStrategy: env.h.localAuth('conflict') } });
  await c.until('ready');
  const [device] = rotating.sim.phone(number).devices();
  rotating.sim.phone(number).openElsewhere(device!.id);
  const [reason] = await c.until('disconnected');
  expect(reason).toBe('CONFLICT');
  const names = c.names();
  expect(names.indexOf('change_state:CONFLICT')).toBeGreaterThan(names.indexOf('ready'));
  expect(names.indexOf('change_state:CONFLICT')).toBeLessThan(names.indexOf('disconnected'));
  expect(await env.h.waitForNoBrowser()).toEqual([]);
  expect(existsSync(join(env.h.sessionDir('conflict'), 'Default'))).toBe(true);
  expect(rotating.sim.phone(number).devices()).toHaveLength(1);

  const again = await env.h.start({ options: { authStrategy: env.h.localAuth('conflict') } });
  await again.until('ready');
  expect(again.count('qr')).toBe(0);
});

test('takeoverOnConflict: the client takes the session back and is CONNECTED again', async () => {
  const number = '15554000003';
  const c = await env.h.start({ scanAs: number, options: { authStrategy: env.h.localAuth('takeover'), takeoverOnConflict: true } });
  await c.until('ready');
  const before = c.count('change_state');
  const [device] = rotating.sim.phone(number).devices();
  rotating.sim.phone(number).openElsewhere(device!.id);
  await c.until('change_state', before + 2);
  expect(c.args('change_state').slice(before)).toEqual([['CONFLICT'], ['CONNECTED']]);
  expect(await c.client.getState()).toBe('CONNECTED');
  expect(c.count('disconnected')).toBe(0);
  expect(c.count('authenticated')).toBe(1);
  expect(c.count('ready')).toBe(1);
  expect(rotating.sim.phone(number).devices()[0]!.online).toBe(true);
  await c.client.sendMessage('15559990003@c.us', 'after takeover');
  await sentOnPhone(rotating.sim.phone(number), 'after takeover', 'after takeover on the phone');
});
