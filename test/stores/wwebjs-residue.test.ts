/**
 * Issue 24, point 7: WwebjsStoreAdapter writes no plaintext zip outside its private work folder.
 * A whatsapp-web.js-style store reads `<session>.zip` from the working directory; what it finds
 * there is a link into the 0700 work folder, gone after the save. A killed run's zips are removed
 * by the next adapter, and a work folder others can read is reported.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { WwebjsStoreAdapter, type WwebjsStore } from '../../src/stores';
import { INSECURE_FOLDER_WARNING } from '../../src/util/private-folder';
import { tempDir, type TempDir } from '../helpers/tmp';

let cwd: TempDir;
let work: TempDir;
let originalCwd: string;

beforeEach(async () => {
  originalCwd = process.cwd();
  cwd = await tempDir('waweb-wwebjs-residue-cwd-');
  work = await tempDir('waweb-wwebjs-residue-work-');
  process.chdir(cwd.path);
});

afterEach(async () => {
  process.chdir(originalCwd);
  await cwd.remove();
  await work.remove();
});

/** wwebjs-mongo's shape, in memory: `save` reads `<session>.zip` from the working directory. */
function memoryWwebjsStore(onSave?: (session: string) => Promise<void>): WwebjsStore & { saved: Map<string, Buffer> } {
  const saved = new Map<string, Buffer>();
  return {
    saved,
    sessionExists: ({ session }) => Promise.resolve(saved.has(session)),
    save: async ({ session }) => {
      await onSave?.(session);
      saved.set(session, await fs.readFile(`${session}.zip`));
    },
    extract: async ({ session, path: file }) => {
      await fs.writeFile(file, saved.get(session) ?? Buffer.alloc(0));
    },
    delete: ({ session }) => Promise.resolve(saved.delete(session)),
  };
}

/** Every file or link under `root`, recursively. */
async function tree(root: string): Promise<string[]> {
  return (await fs.readdir(root, { recursive: true })).map(String).sort();
}

test('save: the working directory holds only a link into the 0700 work folder, and only while the store reads it', async () => {
  const data = randomBytes(50_000);
  const seen: Array<{ link: boolean; target: string; mode: number }> = [];
  const store = memoryWwebjsStore(async (session) => {
    const zip = path.join(process.cwd(), `${session}.zip`);
    const info = await fs.lstat(zip);
    const target = info.isSymbolicLink() ? await fs.readlink(zip) : zip;
    seen.push({ link: info.isSymbolicLink(), target, mode: (await fs.stat(path.dirname(target))).mode & 0o777 });
  });
  const adapter = new WwebjsStoreAdapter(store, { workDir: path.join(work.path, 'tmp') });
  await adapter.save('RemoteAuth-residue', data);
  expect(seen).toHaveLength(1);
  expect(seen[0]?.link).toBe(true);
  expect(seen[0]?.target.startsWith(path.join(work.path, 'tmp') + path.sep)).toBe(true);
  expect(seen[0]?.mode).toBe(0o700);
  expect(store.saved.get('RemoteAuth-residue')?.equals(data)).toBe(true);
  // Nothing is left: not in the working directory, not in the work folder.
  expect(await tree(cwd.path)).toEqual([]);
  expect((await tree(path.join(work.path, 'tmp'))).filter((f) => f.endsWith('.zip'))).toEqual([]);
  // And it loads back.
  expect((await adapter.load('RemoteAuth-residue'))?.data.equals(data)).toBe(true);
});

test("the zips a killed run left in the work folder are removed by the next adapter; a live process's are kept", async () => {
  const exited = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const deadPid = Number(exited.stdout);
  const workDir = path.join(work.path, 'tmp');
  const dead = path.join(workDir, `waweb-scratch-${deadPid}-wwebjs`);
  const live = path.join(workDir, `waweb-scratch-${process.ppid}-wwebjs`);
  for (const folder of [dead, live]) {
    await fs.mkdir(folder, { recursive: true, mode: 0o700 });
    await fs.writeFile(path.join(folder, 'save-left.zip'), 'plaintext login', { mode: 0o600 });
  }
  await fs.chmod(workDir, 0o700);
  const adapter = new WwebjsStoreAdapter(memoryWwebjsStore(), { workDir });
  await adapter.save('RemoteAuth-next', randomBytes(1000));
  await expect(fs.stat(dead)).rejects.toMatchObject({ code: 'ENOENT' });
  expect(await tree(live)).toEqual(['save-left.zip']);
});

test('a work folder others can read is reported, naming it and its mode', async () => {
  const workDir = path.join(work.path, 'shared');
  await fs.mkdir(workDir);
  await fs.chmod(workDir, 0o755);
  const emitted = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  try {
    await new WwebjsStoreAdapter(memoryWwebjsStore(), { workDir }).save('RemoteAuth-shared', randomBytes(1000));
    expect(emitted.mock.calls).toEqual([
      [
        expect.stringMatching(new RegExp(`${workDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is mode 0755`)),
        { code: INSECURE_FOLDER_WARNING },
      ],
    ]);
  } finally {
    emitted.mockRestore();
  }
});
