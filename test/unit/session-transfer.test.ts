/**
 * Issue 12, the library side of moving sessions: `exportSession(source)`, `importSession(target)` and
 * `migrateSession(source, target)` between a profile folder, an archive file and a store, verified,
 * the source never changed, an existing target refused unless `overwrite`. No browser: the profile is
 * a folder laid out as Chromium's.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportSession, importSession, migrateSession } from '../../src/session/index';
import { ErrorCode, FileStore, StoreError, type SessionStore } from '../../src/index';
import { treeHash } from '../helpers/remote-auth';
import { tempDir, type TempDir } from '../helpers/tmp';

let tmp: TempDir;
beforeEach(async () => {
  tmp = await tempDir('waweb-transfer-');
});
afterEach(async () => {
  await tmp.remove();
});

async function profile(dir: string, content: string): Promise<string> {
  const idb = join(dir, 'Default', 'IndexedDB', 'https_web.whatsapp.com_0.indexeddb.leveldb');
  await mkdir(idb, { recursive: true });
  await mkdir(join(dir, 'Default', 'Local Storage', 'leveldb'), { recursive: true });
  await writeFile(join(idb, '000003.log'), `idb ${content}`);
  await writeFile(join(dir, 'Default', 'Local Storage', 'leveldb', '000003.log'), `ls ${content}`);
  return dir;
}

test('folder → store → LocalAuth folder → archive file: byte-identical session files, sources unchanged, targets not overwritten', async () => {
  const source = await profile(join(tmp.path, '.wwebjs_auth', 'session-shop'), 'alpha');
  const before = await treeHash(source);
  const store = new FileStore({ directory: join(tmp.path, 'store') });

  const toStore = await migrateSession(
    { localAuth: { dataPath: join(tmp.path, '.wwebjs_auth'), clientId: 'shop' } },
    { store, session: 'RemoteAuth-shop' },
  );
  expect(toStore.generation?.generation).toBe(1);
  expect(toStore.manifest?.files).toBe(2);
  expect(await treeHash(source)).toBe(before);
  await expect(migrateSession({ folder: source }, { store, session: 'RemoteAuth-shop' })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  expect((await store.list('RemoteAuth-shop')).length).toBe(1);

  const copy = join(tmp.path, 'elsewhere', 'session-shop');
  const toFolder = await migrateSession({ store, session: 'RemoteAuth-shop' }, { folder: copy });
  expect(toFolder.files).toBe(2);
  expect(await treeHash(copy)).toBe(before);
  await expect(migrateSession({ store, session: 'RemoteAuth-shop' }, { folder: copy })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  // With overwrite the folder is replaced by the newest copy.
  await profile(join(tmp.path, 'other'), 'beta');
  await migrateSession({ folder: join(tmp.path, 'other') }, { store, session: 'RemoteAuth-shop' }, { overwrite: true });
  await migrateSession({ store, session: 'RemoteAuth-shop' }, { folder: copy }, { overwrite: true });
  expect(await treeHash(copy)).toBe(await treeHash(join(tmp.path, 'other')));

  // An archive file round trip; a corrupt file is refused.
  const exported = await exportSession({ store, session: 'RemoteAuth-shop', generation: 1 });
  const file = join(tmp.path, 'shop.zip');
  await writeFile(file, exported.data);
  const fromFile = await exportSession({ file });
  expect(fromFile.manifest).toEqual(exported.manifest);
  const broken = Buffer.from(exported.data);
  const at = 30 + broken.readUInt16LE(26) + broken.readUInt16LE(28) + 2;
  broken[at] = broken[at]! ^ 0xff;
  await writeFile(file, broken);
  await expect(exportSession({ file })).rejects.toMatchObject({ code: expect.stringMatching(/^ARCHIVE_/) });
  await expect(importSession({ folder: join(tmp.path, 'never') }, broken)).rejects.toMatchObject({
    code: expect.stringMatching(/^ARCHIVE_/),
  });
  await store.close();
});

test('importSession with overwrite is a compare-and-swap on the newest generation it saw: a save landing meanwhile refuses it', async () => {
  const store = new FileStore({ directory: join(tmp.path, 'store') });
  const archive = await exportSession({ folder: await profile(join(tmp.path, 'p'), 'imported') });
  await store.save('RemoteAuth-cas', Buffer.from('first'));
  let raced = false;
  // The store the import sees: the live owner saves right after the import listed the session.
  const racing: SessionStore = {
    name: store.name,
    exists: (id, options) => store.exists(id, options),
    save: (id, data, options) => store.save(id, data, options),
    load: (id, options) => store.load(id, options),
    list: async (id, options) => {
      const listed = await store.list(id, options);
      if (!raced) {
        raced = true;
        await store.save(id, Buffer.from('from the live owner'));
      }
      return listed;
    },
    delete: (id, options) => store.delete(id, options),
    close: async () => undefined,
  };
  const err = await importSession({ store: racing, session: 'RemoteAuth-cas' }, archive.data, { overwrite: true }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StoreError);
  expect(err).toMatchObject({ code: ErrorCode.GENERATION_CHANGED });
  expect((await store.load('RemoteAuth-cas'))?.data.toString()).toBe('from the live owner');
  expect((await store.list('RemoteAuth-cas')).map((g) => g.generation)).toEqual([2, 1]);
  // Without a race it adds the archive as the newest.
  const imported = await importSession({ store, session: 'RemoteAuth-cas' }, archive.data, { overwrite: true });
  expect(imported.generation?.generation).toBe(3);
  await store.close();
});
