/**
 * Issue 24 point 1 (rollback under encryption) and point 5 (envelope key ids, file and store
 * contexts), at the store: someone who can write to the store but holds no key re-inserts an old
 * envelope as the newest generation, forges a set-aside mark on the good newest one, moves an export
 * file into the store, or plants a key id full of terminal escapes. Each is refused or ignored,
 * typed, and reported.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { EncryptionError, ErrorCode } from '../../src/errors';
import { EncryptedStore, FileStore } from '../../src/stores';
import { encryptEnvelope, envelopeInfo } from '../../src/util/encryption';
import { generateEncryptionKey, keyRing } from '../../src/util/encryption-keys';
import { tempDir } from '../helpers/tmp';

const KEY = { id: 'k-2026', key: generateEncryptionKey() };
const ID = 'RemoteAuth-bound';

let tmp: { path: string; remove(): Promise<void> };
let plain: FileStore;
let warnings: string[];
let store: EncryptedStore;

beforeEach(async () => {
  tmp = await tempDir('waweb-encbind-');
  plain = new FileStore({ directory: path.join(tmp.path, 'store'), keep: 5 });
  warnings = [];
  store = new EncryptedStore(plain, { keys: [KEY], onWarning: (m) => warnings.push(m) });
});
afterEach(async () => {
  await plain.close();
  await tmp.remove();
});

async function failure(promise: Promise<unknown>): Promise<EncryptionError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EncryptionError);
  return err as EncryptionError;
}

/** A version 1 envelope as waweb wrote them before issue 24: bound to the bare session id only. */
function versionOne(keyId: string, key: Buffer, data: Buffer, context: string): Buffer {
  const id = Buffer.alloc(64);
  const length = id.write(keyId, 'latin1');
  const iv = randomBytes(12);
  const header = Buffer.concat([Buffer.from('WWENC1', 'latin1'), Buffer.from([length]), id, iv]);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.concat([header, Buffer.from(context, 'utf8')]));
  const body = Buffer.concat([cipher.update(data), cipher.final()]);
  return Buffer.concat([header, cipher.getAuthTag(), body]);
}

test('an old envelope re-inserted as the newest generation is refused as a replay', async () => {
  await store.save(ID, Buffer.from('state as of Monday'));
  await store.save(ID, Buffer.from('state as of Tuesday'));
  const monday = (await plain.load(ID, { generation: 1 }))!.data;
  // The attacker's write: Monday's envelope, unchanged, stored as generation 3.
  const planted = await plain.save(ID, monday);
  expect(planted.generation).toBe(3);
  const err = await failure(store.load(ID));
  expect(err.code).toBe(ErrorCode.DECRYPTION_FAILED);
  expect(err.message).toMatch(/generation 3 of RemoteAuth-bound was written as generation 1 while generation \d is kept: .*replay/);
  // Tuesday's own envelope still opens where it is.
  expect((await store.load(ID, { generation: 2 }))!.data.toString()).toBe('state as of Tuesday');
  // With Monday deleted first, the copy is still written for 1 and stored as 3, with 2 kept between.
  await plain.deleteGeneration!(ID, 1);
  expect((await failure(store.load(ID))).message).toMatch(/generation 2 is kept/);
});

test('each save is sealed for the generation it becomes, with its fencing token', async () => {
  await store.save(ID, Buffer.from('one'));
  await store.save(ID, Buffer.from('two'));
  const raw = (await plain.load(ID))!.data;
  expect(envelopeInfo(raw)).toEqual({ version: 3, keyId: KEY.id, purpose: 'store', generation: 2, fence: 0 });
  // Concurrent saves through two store objects still each open where they landed.
  const other = new EncryptedStore(plain, { keys: [KEY] });
  await Promise.all([store.save(ID, Buffer.from('a')), other.save(ID, Buffer.from('b')), store.save(ID, Buffer.from('c'))]);
  for (const g of await store.list(ID)) expect((await store.load(ID, { generation: g.generation }))?.generation).toBe(g.generation);
});

test('a set-aside mark written without a key is ignored; one written through the store holds', async () => {
  await store.save(ID, Buffer.from('older'));
  await store.save(ID, Buffer.from('good newest'));
  // The attacker sets the good newest aside to force a restore of the older one.
  await plain.mark!(ID, 2, { setAside: { reason: 'REJECTED', detail: 'the page refused it' } });
  expect((await plain.list(ID))[0]?.setAside?.reason).toBe('REJECTED');
  expect((await store.list(ID))[0]?.setAside).toBeUndefined();
  expect((await store.load(ID))?.setAside).toBeUndefined();
  expect(warnings.join('\n')).toMatch(/generation 2 of RemoteAuth-bound is marked set aside without a valid seal/);
  // A seal copied from generation 1's genuine mark does not fit generation 2.
  await store.mark!(ID, 1, { setAside: { reason: 'QR', detail: 'landed on a QR' } });
  const sealed = (await plain.list(ID)).find((g) => g.generation === 1)!.setAside!;
  await plain.mark!(ID, 2, { setAside: { reason: sealed.reason, detail: sealed.detail } });
  const listed = await store.list(ID);
  expect(listed.find((g) => g.generation === 2)?.setAside).toBeUndefined();
  expect(listed.find((g) => g.generation === 1)?.setAside).toMatchObject({ reason: 'QR', detail: 'landed on a QR' });
});

test('an export file cannot pass for a store blob of the session named like its context, nor back', async () => {
  const ring = keyRing([KEY]);
  const name = 'waweb-session-archive-file';
  const file = encryptEnvelope(ring, Buffer.from('exported'), { purpose: 'file', name });
  await plain.save(name, file);
  expect((await failure(store.load(name))).code).toBe(ErrorCode.DECRYPTION_FAILED);
});

test('a key id full of terminal escapes is quoted, never echoed raw', async () => {
  await store.save(ID, Buffer.from('x'));
  const evil = Buffer.from((await plain.load(ID))!.data);
  const id = '\u001b[2J\u001b[31mroot\u0007';
  evil[6] = Buffer.byteLength(id);
  evil.fill(0, 7, 7 + 64);
  evil.write(id, 7, 'utf8');
  await plain.save(ID, evil);
  const err = await failure(store.load(ID));
  expect([...err.message].filter((c) => c < ' ')).toEqual([]);
  expect(err.message).toContain(JSON.stringify(id));
});

test('version 1 envelopes are read during the upgrade, with a warning, and refused once a version 2 one exists', async () => {
  const key = Buffer.from(KEY.key, 'base64');
  await plain.save(ID, versionOne(KEY.id, key, Buffer.from('before the upgrade'), ID));
  expect((await store.load(ID))!.data.toString()).toBe('before the upgrade');
  expect(warnings.join('\n')).toMatch(/version 1 envelope/);
  await store.save(ID, Buffer.from('after the upgrade'));
  // The old envelope put back on top now cannot be read.
  await plain.save(ID, versionOne(KEY.id, key, Buffer.from('before the upgrade'), ID));
  expect((await failure(store.load(ID))).message).toMatch(/generation 2 is version 3/);
  const strict = new EncryptedStore(plain, { keys: [KEY], legacyEnvelopes: 'refuse' });
  expect((await failure(strict.load(ID, { generation: 1 }))).message).toMatch(/legacyEnvelopes: 'refuse'/);
});
