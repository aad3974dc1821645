/**
 * Where a session lives: the profile's IndexedDB (non-extractable keys) and
 * localStorage marker in the browser, the linked device on the server (in
 * memory, or in a state file across restarts). Offline messages wait on the
 * server and arrive with progress on restore.
 */
import { cp, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { WhatsAppSimulator } from '../../src/simulator';
import { linkByQr, SimPages, type SimPage } from '../helpers/sim-page';
import { tempDir, type TempDir } from '../helpers/tmp';
import { useSimulatorWithPages } from '../helpers/use-simulator';

// Globals of the page, for functions that run in Chromium (this tsconfig has no DOM lib).
declare const window: any;
declare const indexedDB: any;
declare const CryptoKey: any;

const pages = new SimPages();
const env = useSimulatorWithPages(pages, { adminPort: false });
const dirs: TempDir[] = [];
const extraSims: WhatsAppSimulator[] = [];

async function dir(): Promise<string> {
  const d = await tempDir();
  dirs.push(d);
  return d.path;
}

afterEach(async () => {
  await Promise.all(extraSims.splice(0).map((s) => s.close()));
  await Promise.all(dirs.splice(0).map((d) => d.remove()));
});

/** What a restored page must look like: CONNECTED by login, never shown a QR. */
async function expectRestored(page: SimPage, number: string): Promise<void> {
  await page.waitForState('CONNECTED');
  expect(page.frames.map((f) => f.t)).toContain('login-ok');
  expect(page.frames.map((f) => f.t)).not.toContain('ref');
  expect(page.events.filter((e) => e.type === 'ref')).toEqual([]);
  expect(await page.qrText()).toBeNull();
  expect(await page.evaluate(() => window.require('WAWebConnModel').Conn.ref)).toBeUndefined();
  expect(await page.evaluate(() => window.require('WAWebUserPrefsMeUser').getMaybeMePnUser()?.user)).toBe(number);
}

/** The stored private keys, tried with exportKey in every format that could leak them. */
function privateKeyFacts(page: SimPage): Promise<Record<string, unknown>> {
  return page.evaluate(async () => {
    const db = await new Promise<any>((resolve, reject) => {
      const req = indexedDB.open('wawc');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(new Error(req.error?.message ?? 'indexedDB.open failed'));
    });
    const pairs = await new Promise<any>((resolve, reject) => {
      const req = db.transaction('keys', 'readonly').objectStore('keys').get('pairs');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(new Error(req.error?.message ?? 'reading the keys failed'));
    });
    db.close();
    const out: Record<string, unknown> = {};
    for (const name of ['identity', 'noise']) {
      const key = pairs?.[name]?.privateKey;
      const facts: Record<string, unknown> = {
        isCryptoKey: key instanceof CryptoKey,
        type: key?.type,
        extractable: key?.extractable,
      };
      for (const format of ['pkcs8', 'jwk'] as const) {
        try {
          await crypto.subtle.exportKey(format as 'pkcs8', key);
          facts[format] = 'exported';
        } catch (err) {
          facts[format] = (err as Error).name;
        }
      }
      out[name] = facts;
    }
    return out;
  });
}

test('restore needs IndexedDB and localStorage; private keys never leave the profile', async () => {
  const number = '15550003001';
  const profile = await dir();

  const first = await pages.launch(env.sim, { userDataDir: profile });
  const device = await linkByQr(env.sim, first, number);
  const facts = await privateKeyFacts(first);
  for (const name of ['identity', 'noise']) {
    expect(facts[name]).toEqual({
      isCryptoKey: true,
      type: 'private',
      extractable: false,
      pkcs8: 'InvalidAccessError',
      jwk: 'InvalidAccessError',
    });
  }
  await pages.close(first); // clean close: localStorage reaches disk

  // Same profile: logs in with the stored session.
  const second = await pages.launch(env.sim, { userDataDir: profile });
  await expectRestored(second, number);
  expect(env.sim.phone(number).devices()).toEqual([expect.objectContaining({ id: device.id, online: true })]);
  await pages.close(second);

  // A fresh profile rebuilt from only the two storage folders restores too.
  const rebuilt = await dir();
  for (const folder of ['IndexedDB', 'Local Storage']) {
    await cp(join(profile, 'Default', folder), join(rebuilt, 'Default', folder), { recursive: true });
  }
  const third = await pages.launch(env.sim, { userDataDir: rebuilt });
  await expectRestored(third, number);
  await pages.close(third);

  // IndexedDB alone is not enough: without the localStorage marker the page pairs again.
  await rm(join(profile, 'Default', 'Local Storage'), { recursive: true, force: true });
  await expect(stat(join(profile, 'Default', 'IndexedDB'))).resolves.toBeTruthy();
  const fourth = await pages.launch(env.sim, { userDataDir: profile });
  await fourth.waitForState('UNPAIRED');
  expect(fourth.frames.map((f) => f.t)).not.toContain('login-ok');
  expect((await fourth.waitForQrText()).split(',')).toHaveLength(5);
  // The server still holds the device; only this browser lost it.
  expect(
    env.sim
      .phone(number)
      .devices()
      .map((d) => d.id),
  ).toEqual([device.id]);
});

test('a state file keeps linked devices across a simulator restart; without one the device is forgotten', async () => {
  const number = '15550003002';
  const stateFile = join(await dir(), 'sim-state.json');
  const profile = await dir();

  const before = await WhatsAppSimulator.start({ stateFile, adminPort: false });
  extraSims.push(before);
  const page = await pages.launch(before, { userDataDir: profile });
  const device = await linkByQr(before, page, number);
  await pages.close(page);
  await before.close();

  const after = await WhatsAppSimulator.start({ stateFile, adminPort: false });
  extraSims.push(after);
  expect(after.phone(number).devices()).toEqual([expect.objectContaining({ id: device.id, online: false })]);
  const restored = await pages.launch(after, { userDataDir: profile });
  await expectRestored(restored, number);
  expect(after.phone(number).devices()).toEqual([expect.objectContaining({ id: device.id, online: true })]);
  await pages.close(restored);

  // A simulator without the file has never heard of the device: the page pairs again.
  const forgetful = await WhatsAppSimulator.start({ adminPort: false });
  extraSims.push(forgetful);
  const again = await pages.launch(forgetful, { userDataDir: profile });
  await again.waitForState('UNPAIRED');
  expect(again.frames.filter((f) => f.t === 'login-rejected')).toEqual([{ t: 'login-rejected', reason: 'unlinked' }]);
  expect(forgetful.phone(number).devices()).toEqual([]);
  // Its old session was wiped: the new QR carries new keys.
  const firstQr = page.events.find((e) => e.type === 'qr' && e.text !== null);
  const oldFields = firstQr?.type === 'qr' ? firstQr.text!.split(',') : [];
  const newFields = (await again.waitForQrText()).split(',');
  expect(oldFields).toHaveLength(5);
  expect(newFields).toHaveLength(5);
  expect(newFields[1]).not.toBe(oldFields[1]);
  expect(newFields[2]).not.toBe(oldFields[2]);
  // The restarted simulator with the file still has it.
  expect(after.phone(number).devices()).toHaveLength(1);
});

test('offline messages queued while the browser is closed arrive on restore with progress to 100', async () => {
  const number = '15550003003';
  const profile = await dir();
  const first = await pages.launch(env.sim, { userDataDir: profile });
  const { id } = await linkByQr(env.sim, first, number);
  await pages.close(first);

  expect(await env.sim.phone(number).queueOfflineMessages(id, 5)).toBe(5);

  const page = await pages.launch(env.sim, { userDataDir: profile });
  await page.waitForState('CONNECTED');
  await page.waitFor(() => page.events.filter((e) => e.type === 'msg').length >= 5, 'five offline messages');
  await page.waitForEvent((e) => e.type === 'cmd' && e.name === 'offline_progress_update_from_bridge' && e.progress === 100);

  const progress = page.events.flatMap((e) => (e.type === 'cmd' && e.name === 'offline_progress_update_from_bridge' ? [e.progress] : []));
  expect(progress.length).toBeGreaterThanOrEqual(1);
  expect(progress.at(-1)).toBe(100);
  expect(progress.every((p, i) => p >= 0 && p <= 100 && (i === 0 || p >= progress[i - 1]!))).toBe(true);
  expect(progress[0]).toBeLessThan(100);

  const inCollection = await page.evaluate(() =>
    window
      .require('WAWebCollections')
      .Msg.getModelsArray()
      .map((m: any) => ({ body: m.body, from: m.from._serialized, fromMe: m.id.fromMe })),
  );
  expect(inCollection).toHaveLength(5);
  expect(inCollection.map((m: { body: string }) => m.body).sort()).toEqual([1, 2, 3, 4, 5].map((i) => `offline message ${i} of 5`));
  expect(inCollection.every((m: { fromMe: boolean; from: string }) => !m.fromMe && /^\d+@c\.us$/.test(m.from))).toBe(true);
  await pages.close(page);

  // Delivered once: the next restore has nothing waiting.
  const later = await pages.launch(env.sim, { userDataDir: profile });
  await later.waitForState('CONNECTED');
  expect(later.frames.find((f) => f.t === 'login-ok')).toMatchObject({ offline: 0 });
  await later.waitForFrame('synced');
  expect(later.frames.filter((f) => f.t === 'offline')).toEqual([]);
});
