/**
 * Issue 12, acceptance 1: LegacySessionAuth on the simulator's legacy (pre-multi-device) accounts.
 * The guide's script (test/fixtures/legacy/session-json.js, `require('waweb')` as installed) logs in
 * with a QR and writes the `authenticated` payload to session.json; a new process starts from that
 * file without a QR; tampered tokens give `auth_failure` with whatsapp-web.js's message, then a QR.
 * In this process: `restartOnAuthFail: false` stops instead, and a multi-device account is refused
 * with a typed reason instead of hanging.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { LegacySessionAuth, LEGACY_AUTH_FAILURE_MESSAGE } from '../../src/index';
import { useBots } from '../helpers/bots';
import { ClientHarness } from '../helpers/client';

const env = useBots('waweb-legacy-', (sim, dir) => ({ h: new ClientHarness(sim, dir) }));
const GUIDE = resolve(__dirname, '..', 'fixtures', 'legacy', 'session-json.js');

/** Test-side polling for a file or an output line no event announces. */
async function until(what: () => Promise<boolean> | boolean, label: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await what())) {
    if (Date.now() > deadline) throw new Error(`${label} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test("the guide's session.json script: QR once, then restarts from the file; tampered tokens → auth_failure, then a QR", async () => {
  const number = '15556400001';
  env.sim.phone(number, { legacy: true });
  const source = await readFile(GUIDE, 'utf8');
  const cwd = join(env.work.path, 'bot');
  const file = join(cwd, 'session.json');

  const first = await env.bots.startSource('session-json.js', source, 'waweb', number, cwd);
  await first.ready();
  expect(first.output()).toContain('QR RECEIVED');
  await until(async () => (await readFile(file, 'utf8').catch(() => '')).includes('WAToken2'), 'session.json written');
  const session = JSON.parse(await readFile(file, 'utf8'));
  expect(Object.keys(session).sort()).toEqual(['WABrowserId', 'WASecretBundle', 'WAToken1', 'WAToken2']);
  expect([0, 130]).toContain(await first.stop());

  // A new process: the tokens from the file, no QR.
  const second = await env.bots.startSource('session-json.js', source, 'waweb', number, cwd);
  await second.ready();
  expect(second.output()).not.toContain('QR RECEIVED');
  expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(session);
  expect([0, 130]).toContain(await second.stop());

  // Tampered tokens: refused by the server, auth_failure with the message whatsapp-web.js users know, then a QR.
  await writeFile(file, JSON.stringify({ ...session, WAToken2: JSON.stringify('tampered') }));
  const third = await env.bots.startSource('session-json.js', source, 'waweb', number, cwd);
  await until(() => third.output().includes('QR RECEIVED'), `a QR after the refused tokens\n${third.output()}`);
  const out = third.output();
  expect(out).toContain(`AUTHENTICATION FAILURE ${LEGACY_AUTH_FAILURE_MESSAGE}`);
  expect(out.indexOf('AUTHENTICATION FAILURE')).toBeLessThan(out.indexOf('QR RECEIVED'));
  await third.stop();
}, 180_000);

test('restartOnAuthFail: false stops after auth_failure; a multi-device account is refused with a typed reason', async () => {
  const legacy = '15556400002';
  env.sim.phone(legacy, { legacy: true });
  const paired = env.h.create({ scanAs: legacy, options: { authStrategy: new LegacySessionAuth() } });
  await paired.client.initialize();
  const [session] = await paired.until('authenticated');
  await paired.until('ready');
  await paired.client.destroy();

  const stopping = env.h.create({
    options: {
      authStrategy: new LegacySessionAuth({ session: { ...(session as object), WAToken1: '"x"' } as never, restartOnAuthFail: false }),
    },
  });
  await stopping.client.initialize();
  const [failure] = await stopping.until('auth_failure');
  expect(failure).toMatchObject({ code: 'AUTH_FAILED', reason: 'INVALID_SESSION', message: LEGACY_AUTH_FAILURE_MESSAGE });
  expect((await stopping.until('disconnected'))[0]).toBe('AUTH_FAILURE');
  expect(stopping.count('qr')).toBe(0);

  // A multi-device account logs in, but its session is not four tokens: auth_failure, then the client stops.
  const md = env.h.create({ scanAs: '15556400003', options: { authStrategy: new LegacySessionAuth() } });
  await md.client.initialize();
  const [mdFailure] = await md.until('auth_failure');
  expect(mdFailure).toMatchObject({ reason: 'MULTI_DEVICE', message: expect.stringContaining('use LocalAuth or RemoteAuth') });
  expect((await md.until('disconnected'))[0]).toBe('AUTH_FAILURE');
  expect(md.count('ready')).toBe(0);

  expect(() => new LegacySessionAuth({ session: { WABrowserId: 'x' } as never })).toThrow(
    expect.objectContaining({ code: 'INVALID_OPTION' }),
  );
});
