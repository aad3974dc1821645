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
    expect(raw.subarray(0, 6).toString('latin1')).toBe('WWENC3');
    expect(raw.toString('latin1')).toContain('a-2026');
    expect((await store.load('RemoteAuth-x'))!.data).toEqual(DATA);
    expect(await store.keyIds('RemoteAuth-x')).toEqual([{ generation: 1, keyId: 'a-2026', inRing: true }]);
  });

  test('retired keys still read; rekey rewrites every generation in place under the current key', async () => {
    const first = new EncryptedStore(plain, { keys: [KEY_A] });
    await first.save('RemoteAuth-x', DATA);
    await first.save('RemoteAuth-x', Buffer.from('PK\u0003\u0004 the second backup'));
    const rotated = new EncryptedStore(plain, { keys: [KEY_B, KEY_A] });
    expect((await rotated.load('RemoteAuth-x'))!.data.toString()).toContain('second');
    const before = await plain.list('RemoteAuth-x');
    const result = await rotated.rekey('RemoteAuth-x');
    expect(result).toMatchObject({ rewritten: [2, 1], unchanged: [], added: [], pruned: [] });
    expect((await plain.list('RemoteAuth-x')).map((g) => [g.generation, g.createdAt.getTime()])).toEqual(
      before.map((g) => [g.generation, g.createdAt.getTime()]),
    );
    expect(await rotated.keyIds('RemoteAuth-x')).toEqual([
      { generation: 2, keyId: 'b-2027', inRing: true },
      { generation: 1, keyId: 'b-2027', inRing: true },
    ]);
    // Only the new key now: every generation reads; the retired key alone opens none.
    const onlyB = new EncryptedStore(plain, { keys: [KEY_B] });
    expect((await onlyB.load('RemoteAuth-x', { generation: 1 }))!.data).toEqual(DATA);
    const onlyA = new EncryptedStore(plain, { keys: [KEY_A] });
    await expect(onlyA.load('RemoteAuth-x', { generation: 1 })).rejects.toMatchObject({
      code: ErrorCode.ENCRYPTION_KEY,
      message: expect.stringContaining('"b-2027"'),
    });
    // Run again: nothing left to do.
    expect(await rotated.rekey('RemoteAuth-x')).toMatchObject({ rewritten: [], unchanged: [2, 1] });
    expect(await rotated.rekey('RemoteAuth-absent')).toBeNull();
  });

  test('a rekey racing a live save rewrites that save in place too, and never puts the older backup on top', async () => {
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
      rewriteGeneration: (id, generation, data, options) => plain.rewriteGeneration!(id, generation, data, options),
    };
    const rotated = new EncryptedStore(racing, { keys: [KEY_B, KEY_A] });
    expect(await rotated.rekey('RemoteAuth-x')).toMatchObject({ rewritten: [2, 1] });
    expect(raced).toBe(true);
    expect((await plain.list('RemoteAuth-x')).map((g) => g.generation)).toEqual([2, 1]);
    const onlyB = new EncryptedStore(plain, { keys: [KEY_B] });
    expect((await onlyB.load('RemoteAuth-x'))!.data).toEqual(fromOwner);
    expect((await onlyB.load('RemoteAuth-x', { generation: 1 }))!.data).toEqual(DATA);
  });

  test('an owner that keeps saving under a retired key stops the rekey with GENERATION_CHANGED; its save stays newest', async () => {
    const live = new EncryptedStore(plain, { keys: [KEY_A] });
    await live.save('RemoteAuth-x', DATA);
    const busy: SessionStore = {
      name: plain.name,
      exists: (id, options) => plain.exists(id, options),
      save: (id, data, options) => plain.save(id, data, options),
      load: (id, options) => plain.load(id, options),
      list: async (id, options) => {
        await live.save(id, Buffer.from(`PK\u0003\u0004 save at ${Date.now()}`));
        return plain.list(id, options);
      },
      delete: (id, options) => plain.delete(id, options),
      close: async () => undefined,
      rewriteGeneration: (id, generation, data, options) => plain.rewriteGeneration!(id, generation, data, options),
    };
    const err = await new EncryptedStore(busy, { keys: [KEY_B, KEY_A] }).rekey('RemoteAuth-x').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StoreError);
    expect(err).toMatchObject({ code: ErrorCode.GENERATION_CHANGED });
    const newest = (await plain.list('RemoteAuth-x'))[0]!;
    expect((await live.load('RemoteAuth-x'))!.generation).toBe(newest.generation);
  });

  test('set-aside marks are sealed again under the current key; a mark without a valid seal is not made valid', async () => {
    const old = new EncryptedStore(plain, { keys: [KEY_A] });
    await old.save('RemoteAuth-x', DATA);
    await old.save('RemoteAuth-x', DATA);
    await old.mark!('RemoteAuth-x', 2, { setAside: { reason: 'QR', detail: 'landed on a QR' } });
    await plain.mark!('RemoteAuth-x', 1, { setAside: { reason: 'MANUAL', detail: 'forged [waweb-seal a-2026:AAAA]' } });
    const warnings: string[] = [];
    const rotated = new EncryptedStore(plain, { keys: [KEY_B, KEY_A], onWarning: (m) => warnings.push(m) });
    expect(await rotated.rekey('RemoteAuth-x')).toMatchObject({ rewritten: [2, 1], resealed: [2] });
    const onlyB = new EncryptedStore(plain, { keys: [KEY_B], onWarning: (m) => warnings.push(m) });
    const listed = await onlyB.list('RemoteAuth-x');
    expect(listed[0]?.setAside).toMatchObject({ reason: 'QR', detail: 'landed on a QR' });
    expect(listed[1]?.setAside).toBeUndefined();
    expect(warnings.some((w) => w.includes('generation 1'))).toBe(true);
  });

  test('a store that cannot rewrite in place: CANNOT_REWRITE before anything is written, or with prune the newest written again and the rest deleted', async () => {
    await new EncryptedStore(plain, { keys: [KEY_A] }).save('RemoteAuth-x', DATA);
    await new EncryptedStore(plain, { keys: [KEY_A] }).save('RemoteAuth-x', DATA);
    const noRewrite: SessionStore = {
      name: plain.name,
      marks: true,
      exists: (id, options) => plain.exists(id, options),
      save: (id, data, options) => plain.save(id, data, options),
      load: (id, options) => plain.load(id, options),
      list: (id, options) => plain.list(id, options),
      delete: (id, options) => plain.delete(id, options),
      mark: (id, g, mark, options) => plain.mark!(id, g, mark, options),
      deleteGeneration: (id, g, options) => plain.deleteGeneration!(id, g, options),
      close: async () => undefined,
    };
    const rotated = new EncryptedStore(noRewrite, { keys: [KEY_B, KEY_A] });
    await expect(rotated.rekey('RemoteAuth-x')).rejects.toMatchObject({ code: ErrorCode.CANNOT_REWRITE });
    expect(await rotated.keyIds('RemoteAuth-x')).toEqual([
      { generation: 2, keyId: 'a-2026', inRing: true },
      { generation: 1, keyId: 'a-2026', inRing: true },
    ]);
    expect(await rotated.rekey('RemoteAuth-x', { prune: true })).toMatchObject({ added: [3], pruned: [2, 1] });
    expect(await rotated.keyIds('RemoteAuth-x')).toEqual([{ generation: 3, keyId: 'b-2027', inRing: true }]);
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
    await expect(store.rekey('RemoteAuth-old')).rejects.toMatchObject({ code: ErrorCode.DECRYPTION_FAILED });
    expect(await lenient.rekey('RemoteAuth-old')).toMatchObject({ rewritten: [1] });
    expect((await store.load('RemoteAuth-old'))!.data).toEqual(DATA);
    expect(await store.keyIds('RemoteAuth-old')).toEqual([{ generation: 1, keyId: 'a-2026', inRing: true }]);
  });
});
