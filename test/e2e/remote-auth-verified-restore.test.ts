/**
 * Issue 22, point 2: RemoteAuth verifies a restore by logging in. A newest backup that holds
 * session-shaped garbage (the app origin's IndexedDB LevelDB with a CURRENT file and a log of zeros,
 * no manifest, as a whatsapp-web.js RemoteAuth zip would be) passes every structural check; only a
 * login tells it from a good one. Such a generation is set aside and the next older one restored, with
 * no QR; with nothing good anywhere the client says so and then shows a QR.
 */
import { promises as fsp } from 'node:fs';
import { join, relative } from 'node:path';
import { FileStore, type RestoreFailedInfo } from '../../src/index';
import { makeZip, type ZipItem } from '../helpers/zip';
import { RemoteHarness, type Tracked } from '../helpers/remote-auth';
import { useSimulatorHarnesses } from '../helpers/use-simulator';

const env = useSimulatorHarnesses('waweb-verified-restore-', (sim, dir) => ({ harness: new RemoteHarness(sim, dir) }));
const SESSION = 'RemoteAuth-r1';
/** Small deadlines keep the test short; the logic is the same at the defaults. */
const DEADLINES = { authTimeoutMs: 15_000, loginTimeoutMs: 3_000 };
let phoneSeq = 0;
const nextNumber = (): string => `1555600${String(++phoneSeq).padStart(4, '0')}`;
const measured: string[] = [];
afterAll(() => {
  if (measured.length > 0) console.log(`verified restore timings:\n${measured.join('\n')}`);
});

async function filesUnder(root: string, dir: string): Promise<ZipItem[]> {
  const items: ZipItem[] = [];
  for (const entry of await fsp.readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) items.push(...(await filesUnder(root, path)));
    else if (entry.name !== 'LOCK') items.push({ name: relative(root, path), data: await fsp.readFile(path) });
  }
  return items;
}

const IDB = 'Default/IndexedDB/https_web.whatsapp.com_0.indexeddb.leveldb';

/** A backup whose IndexedDB is garbage (CURRENT + a log of zeros) next to the paired profile's localStorage. */
async function garbageBackup(profile: string, logBytes: number): Promise<Buffer> {
  return makeZip([
    ...(await filesUnder(profile, join(profile, 'Default', 'Local Storage'))),
    { name: `${IDB}/CURRENT`, data: 'MANIFEST-000001\n' },
    { name: `${IDB}/000003.log`, data: Buffer.alloc(logBytes) },
  ]);
}

/** A backup with the paired profile's IndexedDB but no localStorage: session data the app cannot use (it shows a QR). */
async function indexedDbOnlyBackup(profile: string): Promise<Buffer> {
  return makeZip(await filesUnder(profile, join(profile, 'Default', 'IndexedDB')));
}

/** Pairs a session into `store` and stops it (every generation good); the profile folder (kept) and the newest generation. */
async function pairedStore(store: FileStore): Promise<{ profile: string; good: number }> {
  const first = await env.harness.ready({ store }, nextNumber());
  await first.client.destroy();
  const [newest] = await store.list(SESSION);
  return { profile: join(env.work.path, 'data', SESSION), good: newest!.generation };
}

/** A new machine: no local data folder. */
async function forgetLocal(): Promise<void> {
  await fsp.rm(join(env.work.path, 'data'), { recursive: true, force: true });
}

function restoreFailures(t: Tracked): RestoreFailedInfo[] {
  return t.events.filter((e) => e.name === 'remote_session_restore_failed').map((e) => e.args[0] as RestoreFailedInfo);
}

test.each([1, 64])(
  'a garbage newest generation (%i MiB) over a good one: set aside after two missed deadlines, the good one restored, no QR',
  async (mib) => {
    const store = new FileStore({ directory: join(env.work.path, 'store'), keep: 5 });
    const { profile, good } = await pairedStore(store);
    const bad = await store.save(SESSION, await garbageBackup(profile, mib * 1024 * 1024));
    await forgetLocal();

    const t = env.harness.create({ store }, { client: DEADLINES });
    const began = Date.now();
    await t.client.initialize();
    await t.until('ready', 1, 60_000);
    measured.push(`${mib} MiB garbage over a good generation: initialize() → ready ${Date.now() - began} ms`);
    expect(t.count('qr')).toBe(0);
    expect(t.count('disconnected')).toBe(0);
    expect(t.count('auth_failure')).toBe(0);
    expect(restoreFailures(t)).toEqual([
      expect.objectContaining({ generation: bad.generation, reason: 'LOGIN_TIMEOUT', setAside: false, next: 'same' }),
      expect.objectContaining({ generation: bad.generation, reason: 'LOGIN_TIMEOUT', setAside: true, next: good }),
    ]);
    // The next backup becomes the newest.
    const [saved] = await t.until('remote_session_saved');
    expect(saved.generation).toBe(bad.generation + 1);
    // In the store: the bad one set aside with its reason, the restored one marked as logging in.
    const listed = await store.list(SESSION);
    expect(listed.find((g) => g.generation === bad.generation)?.setAside).toMatchObject({ reason: 'LOGIN_TIMEOUT' });
    expect(listed.find((g) => g.generation === good)?.loggedInAt).toBeInstanceOf(Date);
    // Never restored automatically again: another new machine goes straight to the newest good one.
    await t.client.destroy();
    await forgetLocal();
    const next = env.harness.create({ store }, { client: DEADLINES });
    await next.client.initialize();
    await next.until('ready', 1, 60_000);
    expect(restoreFailures(next)).toEqual([]);
    expect(next.count('qr')).toBe(0);
  },
  120_000,
);

test('with nothing good anywhere: a typed event at the first missed deadline, then a QR, never silence', async () => {
  const store = new FileStore({ directory: join(env.work.path, 'store'), keep: 5 });
  const { profile } = await pairedStore(store);
  const garbage = await garbageBackup(profile, 1024 * 1024);
  await store.delete(SESSION);
  await store.save(SESSION, garbage);
  await forgetLocal();

  const t = env.harness.create({ store }, { client: DEADLINES });
  const began = Date.now();
  await t.client.initialize();
  await t.until('remote_session_restore_failed', 1, 30_000);
  const first = Date.now() - began;
  await t.until('qr', 1, 60_000);
  measured.push(`garbage only: first restore_failed ${first} ms, QR ${Date.now() - began} ms after initialize()`);
  expect(restoreFailures(t)).toEqual([
    expect.objectContaining({ generation: 1, setAside: false, next: 'same' }),
    expect.objectContaining({ generation: 1, reason: 'LOGIN_TIMEOUT', setAside: true, next: 'qr' }),
  ]);
  expect(t.count('disconnected')).toBe(0);
  // The QR is live: a phone links it, and the new login is backed up as the newest generation.
  await env.harness.sim.phone(nextNumber()).scan(t.events.find((e) => e.name === 'qr')!.args[0] as string);
  await t.until('ready');
  const [saved] = await t.until('remote_session_saved');
  expect(saved.generation).toBe(2);
}, 120_000);

test('a newest generation that lands on a QR is set aside at once and the older one restored, with no QR shown', async () => {
  const store = new FileStore({ directory: join(env.work.path, 'store'), keep: 5 });
  const { profile, good } = await pairedStore(store);
  const bad = await store.save(SESSION, await indexedDbOnlyBackup(profile));
  await forgetLocal();

  const t = env.harness.create({ store }, { client: DEADLINES });
  await t.client.initialize();
  await t.until('ready', 1, 60_000);
  expect(t.count('qr')).toBe(0);
  expect(restoreFailures(t)).toEqual([expect.objectContaining({ generation: bad.generation, reason: 'QR', setAside: true, next: good })]);
  expect((await store.list(SESSION)).find((g) => g.generation === bad.generation)?.setAside).toMatchObject({
    reason: 'QR',
    detail: expect.stringContaining('QR'),
  });
}, 120_000);

test('a bad newest generation over a stamped local copy: the local copy, kept aside during the trial, is used again', async () => {
  const store = new FileStore({ directory: join(env.work.path, 'store'), keep: 5 });
  const { profile, good } = await pairedStore(store);
  const bad = await store.save(SESSION, await indexedDbOnlyBackup(profile));

  const t = env.harness.create({ store }, { client: DEADLINES });
  await t.client.initialize();
  await t.until('ready', 1, 60_000);
  expect(t.count('qr')).toBe(0);
  expect(restoreFailures(t)).toEqual([
    expect.objectContaining({ generation: bad.generation, reason: 'QR', setAside: true, next: 'local' }),
  ]);
  expect(good).toBeLessThan(bad.generation);
  await expect(fsp.access(`${profile}.kept-local`)).rejects.toThrow();
}, 120_000);

test('a session the phone unlinked: every generation is refused and set aside, then auth_failure and a QR as before', async () => {
  const store = new FileStore({ directory: join(env.work.path, 'store'), keep: 5 });
  const number = nextNumber();
  const first = await env.harness.ready({ store }, number);
  await first.client.destroy();
  const phone = env.harness.sim.phone(number);
  for (const device of phone.devices()) await phone.unlink(device.id);
  const stored = (await store.list(SESSION)).map((g) => g.generation);
  await forgetLocal();

  const t = env.harness.create({ store }, { client: DEADLINES });
  await t.client.initialize();
  await t.until('qr', 1, 60_000);
  expect(t.count('auth_failure')).toBe(1);
  expect(t.count('ready')).toBe(0);
  const failures = restoreFailures(t);
  expect(failures.map((f) => f.generation)).toEqual(stored);
  expect(failures.every((f) => f.reason === 'REJECTED' && f.setAside)).toBe(true);
  expect(failures.at(-1)?.next).toBe('qr');
  const listed = await store.list(SESSION);
  expect(listed.map((g) => g.setAside?.reason)).toEqual(stored.map(() => 'REJECTED'));
}, 120_000);
