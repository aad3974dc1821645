/**
 * Acceptance for the simulator: the unmodified whatsapp-web.js 1.34.7 package
 * pairs, restores, re-pairs after an unlink, and sees CONFLICT against it.
 */
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { useSimulatorHarnesses } from '../helpers/use-simulator';
import { WwebjsHarness } from '../helpers/wwebjs';

const env = useSimulatorHarnesses(undefined, (sim, dir) => ({ harness: new WwebjsHarness(sim, dir) }));

const scanWith = (number: string) => (qr: string) => {
  env.sim
    .phone(number)
    .scan(qr)
    .catch((err: unknown) => console.error('scan failed', err));
};

test('LocalAuth: QR pairing, restore without QR, unlink brings the QR back', async () => {
  const number = '15550000001';
  env.sim.phone(number, { pushname: 'Alice' });

  const first = env.harness.start(env.harness.localAuth('alice'), { onQr: scanWith(number) });
  await first.next('ready');
  expect(first.qrs.length).toBeGreaterThanOrEqual(1);
  expect(first.events.map((e) => e.name)).toContain('authenticated');
  expect(first.client.info.wid.user).toBe(number);
  expect(first.client.info.wid._serialized).toBe(`${number}@c.us`);
  expect(env.sim.phone(number).devices()).toHaveLength(1);
  await env.harness.stop(first.client);

  const second = env.harness.start(env.harness.localAuth('alice'));
  await second.next('ready');
  expect(second.qrs).toEqual([]);
  expect(second.client.info.wid.user).toBe(number);
  await env.harness.stop(second.client);

  const [device] = env.sim.phone(number).devices();
  await env.sim.phone(number).unlink(device!.id);
  expect(env.sim.phone(number).devices()).toHaveLength(0);

  const third = env.harness.start(env.harness.localAuth('alice'));
  const [qr] = await third.next('qr');
  expect(String(qr).split(',')).toHaveLength(5);
  expect(third.events.map((e) => e.name)).not.toContain('ready');
});

test('NoAuth needs a QR on every start; two clientIds hold two independent devices', async () => {
  const number = '15550000002';
  const a = env.harness.start(env.harness.noAuth(), { onQr: scanWith(number) });
  await a.next('ready');
  await env.harness.stop(a.client);
  const b = env.harness.start(env.harness.noAuth(), { onQr: scanWith(number) });
  await b.next('ready');
  expect(b.qrs.length).toBeGreaterThanOrEqual(1);
  await env.harness.stop(b.client);

  const other = '15550000003';
  const x = env.harness.start(env.harness.localAuth('x'), { onQr: scanWith(other) });
  const y = env.harness.start(env.harness.localAuth('y'), { onQr: scanWith(other) });
  await Promise.all([x.next('ready'), y.next('ready')]);
  const devices = env.sim.phone(other).devices();
  expect(devices).toHaveLength(2);
  expect(devices.every((d) => d.online)).toBe(true);

  // Unlinking one leaves the other's session intact.
  await env.harness.stop(x.client);
  await env.harness.stop(y.client);
  await env.sim.phone(other).unlink(devices[0]!.id);
  const xAgain = env.harness.start(env.harness.localAuth('x'));
  const yAgain = env.harness.start(env.harness.localAuth('y'));
  // The loser of the race is stopped in afterEach; its wait then rejects, which is expected.
  const restored = await Promise.race([
    xAgain.next('ready').then(
      () => 'x',
      () => 'stopped',
    ),
    yAgain.next('ready').then(
      () => 'y',
      () => 'stopped',
    ),
  ]);
  expect(['x', 'y']).toContain(restored);
  const qrSide = restored === 'x' ? yAgain : xAgain;
  await qrSide.next('qr');
  expect(env.sim.phone(other).devices()).toHaveLength(1);
});

test('the same session opened in a second browser puts the first in CONFLICT', async () => {
  const number = '15550000004';
  const first = env.harness.start(env.harness.localAuth('c1'), { onQr: scanWith(number) });
  await first.next('ready');
  await env.harness.stop(first.client);

  // A copy of the profile is the same session in another browser.
  const auth = join(env.work.path, '.wwebjs_auth');
  await cp(join(auth, 'session-c1'), join(auth, 'session-c2'), { recursive: true });

  const a = env.harness.start(env.harness.localAuth('c1'));
  await a.next('ready');
  const b = env.harness.start(env.harness.localAuth('c2'));
  await b.next('ready');
  expect(b.qrs).toEqual([]);
  const [state] = await a.next('change_state');
  expect(state).toBe('CONFLICT');
  const [reason] = await a.next('disconnected');
  expect(reason).toBe('CONFLICT');
});

test('the phone API can open the session elsewhere, and takeoverOnConflict reclaims it', async () => {
  const number = '15550000005';
  const client = env.harness.start(env.harness.localAuth('t1'), {
    onQr: scanWith(number),
    extra: { takeoverOnConflict: true, takeoverTimeoutMs: 10 },
  });
  await client.next('ready');
  const [device] = env.sim.phone(number).devices();
  env.sim.phone(number).openElsewhere(device!.id);
  const states: unknown[] = [];
  await new Promise<void>((resolve) => {
    client.client.on('change_state', (s: unknown) => {
      states.push(s);
      if (s === 'CONNECTED') resolve();
    });
  });
  expect(states).toEqual(['CONFLICT', 'CONNECTED']);
  expect(env.sim.phone(number).devices()[0]!.online).toBe(true);
});
