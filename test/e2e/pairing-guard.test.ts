/**
 * Issue 22, point 6, against the simulator: a pairing code is never asked for over a session the
 * client already holds (a code for a linked number revoked the live device in OpenWA #1653), unless
 * the caller forces it; a client that holds nothing pairs by code as before.
 */
import { join } from 'node:path';
import { ErrorCode, FileStore, RemoteAuth, SessionExistsError } from '../../src/index';
import { ClientHarness } from '../helpers/client';
import { useSimulatorHarnesses } from '../helpers/use-simulator';

const env = useSimulatorHarnesses('waweb-pairing-guard-', (sim, dir) => ({ h: new ClientHarness(sim, dir) }));

test('RemoteAuth: requestPairingCode over a held session is refused, typed, and unlinks nothing; with force it pairs', async () => {
  const number = '15553100601';
  const phone = env.sim.phone(number);
  const store = new FileStore({ directory: join(env.work.path, 'store') });
  const remote = (): RemoteAuth =>
    new RemoteAuth({ store, clientId: 'guard', dataPath: join(env.work.path, 'remote'), backupSyncIntervalMs: 600_000 });

  // Nothing stored yet: a code on demand, as before.
  const first = env.h.create({ options: { authStrategy: remote() } });
  await first.client.initialize();
  await first.until('qr');
  const firstCode = await first.client.requestPairingCode(number);
  await phone.pairWithCode(firstCode);
  await first.until('remote_session_saved');
  await first.client.destroy();
  const [device] = phone.devices();
  expect(phone.devices()).toHaveLength(1);

  // Restarted while the server holds the page's connection back: booted with the stored login, not logged in yet.
  env.sim.delayNextConnection(5000);
  const second = env.h.create({ options: { authStrategy: remote() } });
  await second.client.initialize();
  const refused: unknown = await second.client.requestPairingCode(number).catch((err: unknown) => err);
  expect(refused).toBeInstanceOf(SessionExistsError);
  expect((refused as SessionExistsError).code).toBe(ErrorCode.SESSION_EXISTS);
  await second.until('ready');
  expect(second.count('code')).toBe(0);
  expect(second.count('qr')).toBe(0);
  expect(phone.devices().map((d) => d.id)).toEqual([device!.id]);
  await second.client.destroy();

  // Unlinked on the phone while nothing ran: the stored login is rejected and a QR shows. The store
  // still holds the session (a copy that failed to load looks the same), so a code needs force.
  await phone.unlink(device!.id);
  const third = env.h.create({ options: { authStrategy: remote() } });
  await third.client.initialize();
  await third.until('auth_failure');
  await third.until('qr');
  await expect(third.client.requestPairingCode(number)).rejects.toMatchObject({ code: ErrorCode.SESSION_EXISTS });
  expect(third.count('code')).toBe(0);
  const code = await third.client.requestPairingCode(number, false, undefined, true);
  expect((await third.until('code'))[0]).toBe(code);
  await phone.pairWithCode(code);
  await third.until('ready');
  expect(phone.devices()).toHaveLength(1);
  expect(phone.devices()[0]!.id).not.toBe(device!.id);
}, 150_000);

test('LocalAuth with pairWithPhoneNumber: a fresh folder pairs by code; over a held session the typed error, no code, unless force', async () => {
  const number = '15553100602';
  const phone = env.sim.phone(number);
  const pairing = { phoneNumber: `+${number}`, intervalMs: 60_000 };
  const start = (force: boolean) =>
    env.h.create({ options: { authStrategy: env.h.localAuth('guard'), pairWithPhoneNumber: { ...pairing, force } } });

  const first = start(false);
  await first.client.initialize();
  const [firstCode] = await first.until('code');
  await phone.pairWithCode(firstCode);
  await first.until('ready');
  await first.client.destroy();
  const [device] = phone.devices();
  await phone.unlink(device!.id);

  // The stored login is rejected: auth_failure, then the refusal on `error` instead of a code.
  const second = start(false);
  await second.client.initialize();
  await second.until('auth_failure');
  const [refused] = await second.until('error');
  expect(refused).toBeInstanceOf(SessionExistsError);
  expect(refused.code).toBe(ErrorCode.SESSION_EXISTS);
  expect(second.count('code')).toBe(0);
  await second.client.destroy();
  expect(second.count('code')).toBe(0);

  // The app wiped the copy it could not use; the folder's login marker still holds the session.
  const third = start(false);
  await third.client.initialize();
  const [again] = await third.until('error');
  expect(again).toBeInstanceOf(SessionExistsError);
  expect(again.message).toMatch(/local auth strategy holds a stored session/);
  expect(third.count('auth_failure')).toBe(0);
  expect(third.count('code')).toBe(0);
  await third.client.destroy();

  // Forced: codes, as for a fresh folder.
  const fourth = start(true);
  await fourth.client.initialize();
  const [code] = await fourth.until('code');
  await phone.pairWithCode(code);
  await fourth.until('ready');
  expect(fourth.count('error')).toBe(0);
  expect(phone.devices()).toHaveLength(1);
}, 150_000);
