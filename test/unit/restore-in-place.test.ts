/**
 * Issue 28: a FileStore generation is restored where it is (no spool copy of the whole archive), and
 * only while the file is still the generation the store listed; every other stream is spooled.
 */
import { promises as fsp, utimesSync } from 'node:fs';
import path from 'node:path';
import { createSessionArchive, extractOpenedArchive, openArchiveInPlace, resolveArchiveLimits } from '../../src/archive';
import { restoreSession, type RestoreContext } from '../../src/auth/remote/restore';
import { randomBytes } from 'node:crypto';
import { encryptStore, FileStore, type SessionStore } from '../../src/index';
import { loadStreamFrom, localFileOf } from '../../src/stores/stream';
import { IDB, LS, writeFileAt } from '../helpers/profile-files';
import { tempDir, type TempDir } from '../helpers/tmp';

const SESSION = 'RemoteAuth-inplace';
let tmp: TempDir;
beforeEach(async () => {
  tmp = await tempDir('waweb-in-place-');
});
afterEach(async () => {
  await tmp.remove();
});

async function storeWithOne(): Promise<FileStore> {
  const store = new FileStore({ directory: path.join(tmp.path, 'store') });
  const profile = path.join(tmp.path, 'src');
  await writeFileAt(profile, `${IDB}/000003.log`, 'idb in place');
  await writeFileAt(profile, `${LS}/000003.log`, '_https://web.whatsapp.com\u0000\u0001WAToken1 x');
  await store.save(SESSION, (await createSessionArchive(profile, { clientId: 's1' })).data);
  return store;
}

function context(store: SessionStore, dataPath: string): RestoreContext {
  return {
    store,
    sessionName: SESSION,
    dataPath,
    userDataDir: path.join(dataPath, SESSION),
    limits: resolveArchiveLimits({}),
    storeCall: (_what, call) => call(new AbortController().signal),
    signal: new AbortController().signal,
    report: () => undefined,
  };
}

test('a FileStore generation is restored from its own file: nothing is spooled beside the profile', async () => {
  const store = await storeWithOne();
  const dataPath = path.join(tmp.path, 'data');
  await fsp.mkdir(dataPath);
  const opened: string[] = [];
  const realOpen = fsp.open;
  const open = jest.spyOn(fsp, 'open').mockImplementation((...args: Parameters<typeof fsp.open>) => {
    opened.push(String(args[0]));
    return realOpen(...args);
  });
  try {
    await expect(restoreSession(context(store, dataPath), await store.list(SESSION), undefined)).resolves.toEqual({
      generation: 1,
      from: 'store',
    });
  } finally {
    open.mockRestore();
  }
  expect(opened.filter((f) => f.startsWith(dataPath) && f.endsWith('.zip'))).toEqual([]);
  expect(await fsp.readFile(path.join(dataPath, SESSION, ...`${IDB}/000003.log`.split('/')), 'utf8')).toBe('idb in place');
});

test('the file is read in place only while it is the generation listed: another size or time, or none, is refused', async () => {
  const store = await storeWithOne();
  const [generation] = await store.list(SESSION);
  const loaded = await loadStreamFrom(store, SESSION);
  const file = localFileOf(loaded!);
  expect(file).toBeDefined();
  const expected = { bytes: generation!.bytes, modified: generation!.createdAt };
  const zip = await openArchiveInPlace(file!, expected);
  expect(zip).not.toBeNull();
  const out = path.join(tmp.path, 'out');
  expect((await extractOpenedArchive(zip!, out)).files).toBeGreaterThan(0);
  await expect(openArchiveInPlace(file!, { ...expected, bytes: expected.bytes + 1 })).resolves.toBeNull();
  utimesSync(file!, new Date(), new Date(generation!.createdAt.getTime() + 5_000));
  await expect(openArchiveInPlace(file!, expected)).resolves.toBeNull();
  await expect(openArchiveInPlace(`${file!}.gone`, expected)).resolves.toBeNull();
  loaded!.stream.destroy();
});

test('only the store that keeps the bytes as they are says where they are: an encrypted store does not', async () => {
  const inner = await storeWithOne();
  const plain = await loadStreamFrom(inner, SESSION);
  expect(localFileOf(plain!)).toMatch(/store/);
  plain!.stream.destroy();
  const encrypted = encryptStore(new FileStore({ directory: path.join(tmp.path, 'enc') }), { keys: [{ id: 'k1', key: randomBytes(32) }] });
  await encrypted.save(SESSION, Buffer.from('secret bytes'));
  const sealed = await loadStreamFrom(encrypted, SESSION);
  expect(localFileOf(sealed!)).toBeUndefined();
  sealed!.stream.destroy();
});
