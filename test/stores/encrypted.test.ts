/**
 * Issue 14, encryption at rest: `EncryptedStore` around a FileStore passes the store conformance
 * suite, and every way a blob can be wrong (wrong key, missing key, a flipped byte anywhere, a blob
 * moved to another session, plaintext) is a typed error with nothing written or deleted.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { EncryptionError, ErrorCode, StoreError } from '../../src/errors';
import { EncryptedStore, FileStore, type SessionStore } from '../../src/stores';
import { describeMarksConformance, describeStoreConformance } from '../../src/testing';
import { generateEncryptionKey, parseEncryptionKeys } from '../../src/util/encryption-keys';
import { tempDir } from '../helpers/tmp';

const KEY_A = { id: 'a-2026', key: generateEncryptionKey() };
const KEY_B = { id: 'b-2027', key: generateEncryptionKey() };

describeStoreConformance(
  'EncryptedStore(FileStore)',
  async () => {
    const tmp = await tempDir('waweb-encstore-');
    const directory = path.join(tmp.path, 'store');
    return {
      store: new EncryptedStore(new FileStore({ directory, keep: 3 }), { keys: [KEY_A] }),
      cleanup: () => tmp.remove(),
      breakBackend: async () => {
        await fs.mkdir(directory, { recursive: true });
        await fs.rm(directory, { recursive: true, force: true });
        await fs.writeFile(directory, 'not a folder');
      },
    };
  },
  { keep: 3 },
);

describeMarksConformance(
  'EncryptedStore(FileStore)',
  async () => {
    const tmp = await tempDir('waweb-encstore-');
    const directory = path.join(tmp.path, 'store');
    const open = (): EncryptedStore => new EncryptedStore(new FileStore({ directory, keep: 3 }), { keys: [KEY_A] });
    return {
      store: open(),
      reopen: async () => open(),
      cleanup: () => tmp.remove(),
      breakBackend: async () => {
        await fs.rm(directory, { recursive: true, force: true });
        await fs.writeFile(directory, 'not a folder');
      },
    };
  },
  { keep: 3 },
);

describe('EncryptedStore', () => {
  let tmp: { path: string; remove(): Promise<void> };
  let plain: FileStore;
  beforeEach(async () => {
    tmp = await tempDir('waweb-encstore-');
    plain = new FileStore({ directory: path.join(tmp.path, 'store'), keep: 5 });
  });
  afterEach(async () => {
    await plain.close();
    await tmp.remove();
  });

  const DATA = Buffer.from('PK\u0003\u0004 a session archive, say');

  test('what reaches the backend is ciphertext naming the key id; loads give back the bytes saved', async () => {
    const store = new EncryptedStore(plain, { keys: [KEY_A] });
    await store.save('RemoteAuth-x', DATA);
    const raw = (await plain.load('RemoteAuth-x'))!.data;
    expect(raw.includes(DATA)).toBe(false);
    expect(raw.subarray(0, 6).toString('latin1')).toBe('WWENC2');
    expect(raw.toString('latin1')).toContain('a-2026');
    expect((await store.load('RemoteAuth-x'))!.data).toEqual(DATA);
    expect(await store.keyIds('RemoteAuth-x')).toEqual([{ generation: 1, keyId: 'a-2026' }]);
  });

  test('retired keys still read; rekey writes the newest generation again under the current key', async () => {
    await new EncryptedStore(plain, { keys: [KEY_A] }).save('RemoteAuth-x', DATA);
    const rotated = new EncryptedStore(plain, { keys: [KEY_B, KEY_A] });
    expect((await rotated.load('RemoteAuth-x'))!.data).toEqual(DATA);
    const saved = await rotated.rekey('RemoteAuth-x');
    expect(saved?.generation).toBe(2);
    expect(await rotated.keyIds('RemoteAuth-x')).toEqual([
      { generation: 2, keyId: 'b-2027' },
      { generation: 1, keyId: 'a-2026' },
    ]);
    // Only the new key now: the newest reads, the old generation is refused by key id.
    const onlyB = new EncryptedStore(plain, { keys: [KEY_B] });
    expect((await onlyB.load('RemoteAuth-x'))!.data).toEqual(DATA);
    await expect(onlyB.load('RemoteAuth-x', { generation: 1 })).rejects.toMatchObject({
      code: ErrorCode.ENCRYPTION_KEY,
      message: expect.stringContaining('"a-2026"'),
    });
    expect(await rotated.rekey('RemoteAuth-absent')).toBeNull();
  });

  test('a rekey racing a live save is refused with GENERATION_CHANGED, and the live save stays newest', async () => {
    const live = new EncryptedStore(plain, { keys: [KEY_A] });
    await live.save('RemoteAuth-x', DATA);
    const fromOwner = Buffer.from('PK\u0003\u0004 what the live owner saved meanwhile');
    let raced = false;
    // The inner store the rekey sees: the owner's save lands right after the rekey loaded the newest.
    const racing: SessionStore = {
      name: plain.name,
      exists: (id, options) => plain.exists(id, options),
      save: (id, data, options) => plain.save(id, data, options),
      load: async (id, options) => {
        const loaded = await plain.load(id, options);
        if (!raced) {
          raced = true;
          await live.save(id, fromOwner);
        }
        return loaded;
      },
      list: (id, options) => plain.list(id, options),
      delete: (id, options) => plain.delete(id, options),
      close: async () => undefined,
    };
    const rotated = new EncryptedStore(racing, { keys: [KEY_B, KEY_A] });
    const err = await rotated.rekey('RemoteAuth-x').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StoreError);
    expect(err).toMatchObject({ code: ErrorCode.GENERATION_CHANGED });
    expect(raced).toBe(true);
    expect((await live.load('RemoteAuth-x'))!.data).toEqual(fromOwner);
    expect((await plain.list('RemoteAuth-x')).map((g) => g.generation)).toEqual([2, 1]);
    // Run again, it rekeys the owner's backup.
    expect((await rotated.rekey('RemoteAuth-x'))?.generation).toBe(3);
    expect((await rotated.load('RemoteAuth-x'))!.data).toEqual(fromOwner);
  });

  test('no key, a short key, a duplicate id: ENCRYPTION_KEY before anything is read or written', async () => {
    expect(() => new EncryptedStore(plain, { keys: [] })).toThrow(expect.objectContaining({ code: ErrorCode.ENCRYPTION_KEY }));
    const saved = process.env['WAWEB_ENCRYPTION_KEYS'];
    delete process.env['WAWEB_ENCRYPTION_KEYS'];
    try {
      expect(() => new EncryptedStore(plain)).toThrow(expect.objectContaining({ code: ErrorCode.ENCRYPTION_KEY }));
      process.env['WAWEB_ENCRYPTION_KEYS'] = `env-key:${KEY_A.key}`;
      expect(new EncryptedStore(plain).currentKeyId).toBe('env-key');
    } finally {
      if (saved === undefined) delete process.env['WAWEB_ENCRYPTION_KEYS'];
      else process.env['WAWEB_ENCRYPTION_KEYS'] = saved;
    }
    const short = { id: 'short', key: Buffer.alloc(16) };
    expect(() => new EncryptedStore(plain, { keys: [short] })).toThrow(/16 bytes/);
    expect(() => new EncryptedStore(plain, { keys: [KEY_A, KEY_A] })).toThrow(/twice/);
    expect(() => new EncryptedStore(plain, { keys: [{ id: 'bad id!', key: KEY_A.key }] })).toThrow(EncryptionError);
    expect(() => parseEncryptionKeys('no-colon')).toThrow(EncryptionError);
    // Messages never carry key material.
    try {
      new EncryptedStore(plain, { keys: [{ id: 'k', key: 'c2hvcnQ=' }] });
    } catch (err) {
      expect((err as Error).message).not.toContain('c2hvcnQ=');
    }
    expect(await plain.list('RemoteAuth-x')).toEqual([]);
  });

  test('a flipped bit anywhere in a stored blob is refused, typed, and nothing stored changes', async () => {
    const store = new EncryptedStore(plain, { keys: [KEY_A] });
    await store.save('RemoteAuth-x', DATA);
    const file = path.join(tmp.path, 'store', (await fs.readdir(path.join(tmp.path, 'store')))[0]!);
    const blobs = await fs.readdir(file);
    expect(blobs).toHaveLength(1);
    const blobPath = path.join(file, blobs[0]!);
    const original = await fs.readFile(blobPath);
    let refused = 0;
    for (let i = 0; i < original.length; i++) {
      const bad = Buffer.from(original);
      bad[i] = bad[i]! ^ 0x01;
      await fs.writeFile(blobPath, bad);
      const err = await store.load('RemoteAuth-x').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(EncryptionError);
      expect([ErrorCode.DECRYPTION_FAILED, ErrorCode.ENCRYPTION_KEY]).toContain((err as EncryptionError).code);
      refused++;
    }
    expect(refused).toBe(original.length);
    await fs.writeFile(blobPath, original.subarray(0, original.length - 1));
    await expect(store.load('RemoteAuth-x')).rejects.toMatchObject({ code: ErrorCode.DECRYPTION_FAILED });
    await fs.writeFile(blobPath, original);
    expect((await store.load('RemoteAuth-x'))!.data).toEqual(DATA);
    expect((await plain.list('RemoteAuth-x')).map((g) => g.generation)).toEqual([1]);
  });

  test('a blob moved to another session fails its check; plaintext is refused unless asked to read it', async () => {
    const store = new EncryptedStore(plain, { keys: [KEY_A] });
    await store.save('RemoteAuth-a', DATA);
    await plain.save('RemoteAuth-b', (await plain.load('RemoteAuth-a'))!.data);
    await expect(store.load('RemoteAuth-b')).rejects.toMatchObject({ code: ErrorCode.DECRYPTION_FAILED });

    await plain.save('RemoteAuth-old', DATA);
    await expect(store.load('RemoteAuth-old')).rejects.toMatchObject({
      code: ErrorCode.DECRYPTION_FAILED,
      message: expect.stringContaining('not encrypted'),
    });
    const lenient = new EncryptedStore(plain, { keys: [KEY_A], plaintext: 'read' });
    expect((await lenient.load('RemoteAuth-old'))!.data).toEqual(DATA);
    expect((await lenient.rekey('RemoteAuth-old'))?.generation).toBe(2);
    expect((await store.load('RemoteAuth-old'))!.data).toEqual(DATA);
  });
});
