/**
 * Issue 22, point 6: a pairing code is never asked for over a session the client already holds
 * (a code for a number that is already linked can revoke its live device). The arguments and
 * options that force it, each strategy's answer to `hasStoredSession()`, and the refusal itself.
 * Nothing is launched; the e2e side is test/e2e/pairing-guard.test.ts.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client as WwebjsClient, ClientOptions as WwebjsClientOptions } from 'whatsapp-web.js';
import { writeStamp } from '../../src/auth/remote/stamp';
import { LOGIN_MARKER_FILE } from '../../src/auth/profile/login-marker';
import { refuseOverStoredSession } from '../../src/client/pairing';
import {
  Client,
  ErrorCode,
  FileStore,
  FileSystemError,
  InvalidOptionError,
  LegacySessionAuth,
  LocalAuth,
  NoAuth,
  NotReadyError,
  RemoteAuth,
  SessionExistsError,
  StoreError,
  WawebError,
  type AuthHost,
  type ClientOptions,
} from '../../src/index';
import { tempDir, type TempDir } from '../helpers/tmp';

// whatsapp-web.js's signature and option still fit: its three arguments, its option object.
type Fits<A, B> = A extends B ? true : false;
const requestFits: Fits<Client['requestPairingCode'], WwebjsClient['requestPairingCode']> = true;
const optionFits: Fits<NonNullable<WwebjsClientOptions['pairWithPhoneNumber']>, NonNullable<ClientOptions['pairWithPhoneNumber']>> = true;

let dir: TempDir;
beforeEach(async () => {
  dir = await tempDir('waweb-pairing-guard-');
});
afterEach(async () => {
  await dir.remove();
});

function host(errors: WawebError[] = []): AuthHost {
  return { page: () => undefined, emitSessionSaved: () => undefined, emitError: (e) => errors.push(e) };
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (err: unknown) => err,
  );
}

describe('arguments and options', () => {
  test("requestPairingCode takes whatsapp-web.js's three arguments and an optional fourth, force", async () => {
    expect([requestFits, optionFits]).toEqual([true, true]);
    const client = new Client({ pairWithPhoneNumber: { phoneNumber: '15550001111', showNotification: true, intervalMs: 180_000 } });
    // Checked before anything else: a force that is not a boolean is an INVALID_OPTION.
    const bad = await caught(client.requestPairingCode('15550001111', true, 180_000, 'yes' as unknown as boolean));
    expect(bad).toBeInstanceOf(InvalidOptionError);
    expect((bad as InvalidOptionError).message).toMatch(/force must be a boolean/);
    // Good arguments on a client that is not started: NOT_READY, as before.
    await expect(client.requestPairingCode('15550001111', true, 180_000, true)).rejects.toBeInstanceOf(NotReadyError);
    await expect(client.requestPairingCode('15550001111')).rejects.toMatchObject({ code: ErrorCode.NOT_READY });
  });

  test('pairWithPhoneNumber.force is a boolean', () => {
    expect(() => new Client({ pairWithPhoneNumber: { phoneNumber: '15550001111', force: true } })).not.toThrow();
    expect(() => new Client({ pairWithPhoneNumber: { phoneNumber: '15550001111', force: false } })).not.toThrow();
    expect(() => new Client({ pairWithPhoneNumber: { phoneNumber: '15550001111', force: 1 as unknown as boolean } })).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_OPTION, message: expect.stringMatching(/pairWithPhoneNumber\.force/) }),
    );
  });
});

describe('hasStoredSession', () => {
  test('NoAuth keeps nothing', async () => {
    await expect(new NoAuth().hasStoredSession()).resolves.toBe(false);
  });

  test('LegacySessionAuth: only when a session was given', async () => {
    const session = { WABrowserId: '"b"', WASecretBundle: '{"k":1}', WAToken1: '"t1"', WAToken2: '"t2"' };
    await expect(new LegacySessionAuth({ session }).hasStoredSession()).resolves.toBe(true);
    await expect(new LegacySessionAuth().hasStoredSession()).resolves.toBe(false);
  });

  test('LocalAuth: marked at each login, before authenticated; gone with the folder on logout', async () => {
    const auth = new LocalAuth({ clientId: 'shop', dataPath: dir.path });
    auth.setup(host());
    await mkdir(auth.userDataDir, { recursive: true });
    // A folder that never logged in (a profile the app wrote its keys to still holds no session).
    await mkdir(join(auth.userDataDir, 'Default', 'IndexedDB'), { recursive: true });
    await expect(auth.hasStoredSession()).resolves.toBe(false);
    await expect(auth.getAuthEventPayload()).resolves.toBeUndefined();
    await expect(auth.hasStoredSession()).resolves.toBe(true);
    // Another LocalAuth on the same folder (a restart) sees it too.
    await expect(new LocalAuth({ clientId: 'shop', dataPath: dir.path }).hasStoredSession()).resolves.toBe(true);
    await auth.logout();
    await expect(auth.hasStoredSession()).resolves.toBe(false);
  });

  test('LocalAuth: a marker that cannot be written is an error event; the login goes on', async () => {
    const errors: WawebError[] = [];
    const auth = new LocalAuth({ clientId: 'gone', dataPath: dir.path });
    auth.setup(host(errors));
    await expect(auth.getAuthEventPayload()).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(FileSystemError);
    expect(errors[0]!.message).toContain(auth.userDataDir);
  });

  test('RemoteAuth: a generation in the store, or a stamped local copy of this session', async () => {
    const store = new FileStore({ directory: join(dir.path, 'store') });
    const auth = new RemoteAuth({ store, clientId: 'shop', dataPath: join(dir.path, 'data') });
    await expect(auth.hasStoredSession()).resolves.toBe(false);
    await store.save(auth.sessionName, Buffer.from('a backup'));
    await expect(auth.hasStoredSession()).resolves.toBe(true);
    await store.delete(auth.sessionName);
    await expect(auth.hasStoredSession()).resolves.toBe(false);

    await mkdir(auth.userDataDir, { recursive: true });
    await writeStamp(auth.userDataDir, { sessionName: 'RemoteAuth-other', generation: 1, createdAt: new Date().toISOString() });
    await expect(auth.hasStoredSession()).resolves.toBe(false);
    await writeStamp(auth.userDataDir, { sessionName: auth.sessionName, generation: 1, createdAt: new Date().toISOString() });
    await expect(auth.hasStoredSession()).resolves.toBe(true);
    await rm(auth.userDataDir, { recursive: true });
    await expect(auth.hasStoredSession()).resolves.toBe(false);
  });

  test('RemoteAuth: a store that cannot answer fails the question (nothing is paired over what may exist)', async () => {
    const store = new FileStore({ directory: join(dir.path, 'store') });
    jest.spyOn(store, 'list').mockRejectedValue(new StoreError('the store is down', { code: ErrorCode.STORE_UNREACHABLE }));
    const auth = new RemoteAuth({ store, clientId: 'shop', dataPath: join(dir.path, 'data') });
    await expect(auth.hasStoredSession()).rejects.toMatchObject({ code: ErrorCode.STORE_UNREACHABLE });
  });
});

describe('the refusal', () => {
  test('a page that booted with a stored login, or a strategy holding one: SessionExistsError SESSION_EXISTS', async () => {
    const booted = await caught(refuseOverStoredSession(new NoAuth(), true));
    expect(booted).toBeInstanceOf(SessionExistsError);
    expect(booted).toBeInstanceOf(WawebError);
    expect((booted as SessionExistsError).code).toBe(ErrorCode.SESSION_EXISTS);
    expect((booted as SessionExistsError).message).toMatch(/force/);

    const local = new LocalAuth({ dataPath: dir.path });
    await mkdir(local.userDataDir, { recursive: true });
    await expect(refuseOverStoredSession(local, false)).resolves.toBeUndefined();
    local.setup(host());
    await local.getAuthEventPayload();
    await expect(local.hasStoredSession()).resolves.toBe(true);
    await expect(refuseOverStoredSession(local, false)).rejects.toMatchObject({ code: ErrorCode.SESSION_EXISTS });
    expect(LOGIN_MARKER_FILE).toBe('waweb-login.json');
  });
});
