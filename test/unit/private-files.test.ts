/**
 * Issue 14: whatever the umask, what waweb writes is private (folders 0700, files 0600), and a
 * session folder others can read is reported with a `WAWEB_INSECURE_FOLDER` warning.
 */
import { chmod, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSessionArchive, extractSessionArchive, writeLocalStorageSnapshot } from '../../src/archive';
import { writeStamp } from '../../src/auth/remote/stamp';
import { FileStore } from '../../src/index';
import { importSession } from '../../src/session/index';
import { INSECURE_FOLDER_WARNING, exposedFolder, privateScratch, warnIfExposed } from '../../src/util/private-folder';
import { tempDir, type TempDir } from '../helpers/tmp';

let tmp: TempDir;
let umask: number;
beforeEach(async () => {
  tmp = await tempDir('waweb-private-');
  umask = process.umask(0o000); // the loosest umask there is: nothing narrows the modes waweb asks for
});
afterEach(async () => {
  process.umask(umask);
  await tmp.remove();
});

/** Every folder and file under `root` with its permission bits. */
async function modes(root: string): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  for (const entry of await readdir(root, { withFileTypes: true, recursive: true })) {
    const full = join(entry.parentPath, entry.name);
    out.push([full.slice(root.length), ((await stat(full)).mode & 0o777).toString(8)]);
  }
  return out;
}

test('stores, archives, restores, stamps and localStorage items are written 0700/0600 under umask 000', async () => {
  const profile = join(tmp.path, 'profile');
  const idb = join(profile, 'Default', 'IndexedDB', 'https_web.whatsapp.com_0.indexeddb.leveldb');
  await mkdir(idb, { recursive: true });
  await writeFile(join(idb, '000003.log'), 'record');
  const made = await createSessionArchive(profile, { clientId: 'p', tempDir: join(tmp.path, 'made') });

  const waweb = join(tmp.path, 'waweb');
  const store = new FileStore({ directory: join(waweb, 'store') });
  await store.save('RemoteAuth-p', made.data);
  await store.close();
  await extractSessionArchive(made.data, join(waweb, 'restored'));
  await writeStamp(join(waweb, 'restored'), {
    sessionName: 'RemoteAuth-p',
    generation: 1,
    createdAt: new Date().toISOString(),
    contentHash: made.manifest.contentHash,
  });
  await writeLocalStorageSnapshot(join(waweb, 'restored'), [['k', 'v']]);
  await importSession({ localAuth: { dataPath: join(waweb, 'auth'), clientId: 'p' } }, made);

  const written = await modes(waweb);
  expect(written.length).toBeGreaterThan(10);
  for (const [file, mode] of written) {
    const isDir = (await stat(join(waweb, file))).isDirectory();
    expect([file, mode]).toEqual([file, isDir ? '700' : '600']);
  }
});

test('a session folder others can read, or its data folder, is reported; a private one is not', async () => {
  const data = join(tmp.path, '.wwebjs_auth');
  const session = join(data, 'session-bot');
  await mkdir(session, { recursive: true, mode: 0o700 });
  await chmod(data, 0o700);
  expect(await exposedFolder(session, [data])).toBeNull();
  await chmod(data, 0o755);
  expect(await exposedFolder(session, [data])).toContain('mode 0755');
  await chmod(data, 0o700);
  await chmod(session, 0o750);
  const emitted = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  try {
    await warnIfExposed(session, [data]);
    expect(emitted.mock.calls).toEqual([[expect.stringContaining('chmod 700'), { code: INSECURE_FOLDER_WARNING }]]);
    emitted.mockClear();
    await chmod(session, 0o700);
    await warnIfExposed(session, [data]);
    expect(emitted).not.toHaveBeenCalled();
  } finally {
    emitted.mockRestore();
  }
});

test('issue 24: an existing FileStore root others can read is reported once, naming it and its mode; a private one is not', async () => {
  const shared = join(tmp.path, 'shared-store');
  const own = join(tmp.path, 'own-store');
  await mkdir(shared, { mode: 0o755 });
  await mkdir(own, { mode: 0o700 });
  const emitted = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  try {
    const store = new FileStore({ directory: shared });
    await store.save('RemoteAuth-a', Buffer.from('zip'));
    await store.save('RemoteAuth-b', Buffer.from('zip'));
    await store.close();
    expect(emitted.mock.calls).toEqual([
      [`${shared} is mode 0755: other users can reach the session inside; chmod 700 it`, { code: INSECURE_FOLDER_WARNING }],
    ]);
    emitted.mockClear();
    const mine = new FileStore({ directory: own });
    await mine.save('RemoteAuth-a', Buffer.from('zip'));
    await mine.close();
    expect(emitted).not.toHaveBeenCalled();
  } finally {
    emitted.mockRestore();
  }
});

test('issue 24: a scratch folder is 0700 and removed; what a killed run left is swept by the next one, nothing else', async () => {
  const { spawnSync } = await import('node:child_process');
  const deadPid = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
  const left = join(tmp.path, `waweb-scratch-${deadPid}-verify-abc`);
  const alive = join(tmp.path, `waweb-scratch-${process.ppid}-verify-def`);
  const other = join(tmp.path, 'waweb-verify-xyz');
  for (const folder of [left, alive, other]) await mkdir(join(folder, 'profile'), { recursive: true, mode: 0o700 });
  const scratch = await privateScratch('verify', tmp.path);
  expect((await stat(scratch.path)).mode & 0o777).toBe(0o700);
  expect((await readdir(tmp.path)).sort()).toEqual([alive, other, scratch.path].map((f) => f.slice(tmp.path.length + 1)).sort());
  await scratch.remove();
  await scratch.remove();
  expect((await readdir(tmp.path)).sort()).toEqual([alive, other].map((f) => f.slice(tmp.path.length + 1)).sort());
});
