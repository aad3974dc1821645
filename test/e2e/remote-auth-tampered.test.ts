/**
 * Issue 24 point 1, end to end: with an EncryptedStore, someone who can write to the store but has
 * no key flips one byte of the newest generation, or re-inserts an old envelope as the newest, to
 * make a new machine restore an older login of their choosing. The start stops with an
 * `EncryptionError` naming the generation (no QR, no older login restored); only
 * `onDecryptionFailure: 'fallback'` restores the older one, and says so with an `error` event.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { EncryptedStore, EncryptionError, ErrorCode, FileStore } from '../../src/index';
import { generateEncryptionKey } from '../../src/util/encryption-keys';
import { RemoteHarness } from '../helpers/remote-auth';
import { useSimulatorHarnesses } from '../helpers/use-simulator';

const env = useSimulatorHarnesses('waweb-tampered-', (sim, dir) => ({ harness: new RemoteHarness(sim, dir) }));
const SESSION = 'RemoteAuth-r1'; // the harness's clientId
const KEYS = [{ id: 'k1', key: generateEncryptionKey() }];
let phoneSeq = 0;
const nextNumber = (): string => `1555610${String(++phoneSeq).padStart(4, '0')}`;

/** A paired session with at least two good generations in an encrypted FileStore, and the plain store beneath. */
async function pairedTwice(): Promise<{ plain: FileStore; store: EncryptedStore; newest: number }> {
  const plain = new FileStore({ directory: join(env.work.path, `store-${phoneSeq}`), keep: 5 });
  const store = new EncryptedStore(plain, { keys: KEYS });
  const first = await env.harness.ready({ store }, nextNumber());
  await first.client.destroy();
  const [newest] = await store.list(SESSION);
  expect(newest!.generation).toBeGreaterThanOrEqual(2);
  await fsp.rm(join(env.work.path, 'data'), { recursive: true, force: true }); // a new machine
  return { plain, store, newest: newest!.generation };
}

/** The newest generation's stored bytes with one byte flipped, written back in place. */
async function flipNewest(plain: FileStore, generation: number): Promise<void> {
  // FileStore keeps <directory>/<session id>/<generation, 10 digits>.zip.
  const file = join(plain.directory, SESSION, `${String(generation).padStart(10, '0')}.zip`);
  const bytes = await fsp.readFile(file);
  bytes.writeUInt8(bytes.readUInt8(bytes.length - 100) ^ 0x01, bytes.length - 100);
  await fsp.writeFile(file, bytes);
  expect((await plain.load(SESSION, { generation }))!.data.equals(bytes)).toBe(true);
}

test('a flipped byte in the newest generation stops the start, typed and naming it; no older login comes back', async () => {
  const { plain, store, newest } = await pairedTwice();
  await flipNewest(plain, newest);

  const t = env.harness.create({ store });
  const err = await t.client.initialize().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EncryptionError);
  expect((err as EncryptionError).code).toBe(ErrorCode.DECRYPTION_FAILED);
  expect((err as EncryptionError).message).toContain(`generation ${newest} of ${SESSION}`);
  expect(t.events.map((e) => e.name)).not.toContain('qr');
  expect(t.events.map((e) => e.name)).not.toContain('ready');
  await t.client.destroy();
}, 120_000);

test("with onDecryptionFailure: 'fallback' the older generation is restored and the failure reported", async () => {
  const { plain, store, newest } = await pairedTwice();
  await flipNewest(plain, newest);

  const t = env.harness.create({ store, onDecryptionFailure: 'fallback' });
  await t.client.initialize();
  await t.until('ready', 1, 60_000);
  const reported = t.events.filter((e) => e.name === 'error').map((e) => e.args[0] as Error);
  expect(reported.some((e) => e instanceof EncryptionError && e.message.includes(`newest backup of ${SESSION} was unusable`))).toBe(true);
  expect(t.events.map((e) => e.name)).not.toContain('qr');
  await t.client.destroy();
}, 120_000);

test('an old envelope re-inserted as the newest generation stops the start', async () => {
  const { plain, store, newest } = await pairedTwice();
  const older = (await plain.load(SESSION, { generation: newest - 1 }))!.data;
  const planted = await plain.save(SESSION, older);

  const t = env.harness.create({ store });
  const err = await t.client.initialize().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EncryptionError);
  expect((err as EncryptionError).message).toMatch(new RegExp(`generation ${planted.generation} of ${SESSION} was written as generation`));
  expect(t.events.map((e) => e.name)).not.toContain('ready');
  await t.client.destroy();
}, 120_000);
