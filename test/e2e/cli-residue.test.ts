/**
 * Issue 24, point 7, acceptance: no plaintext login is left in the current or the temp folder after
 * a killed `waweb session verify`. The restored profiles it checks live in a 0700 scratch folder;
 * SIGKILL mid-run leaves that folder (nothing can remove it then), and the next run removes it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { FileStore } from '../../src/index';
import { createSessionArchive } from '../../src/session/index';
import { tempDir, type TempDir } from '../helpers/tmp';

const BIN = resolve(__dirname, '..', '..', 'bin', 'waweb.js');

let work: TempDir;
const children = new Set<ChildProcess>();

beforeEach(async () => {
  work = await tempDir('waweb-cli-residue-');
});
afterEach(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
  await work.remove();
});

/** A profile of `files` incompressible files: big enough that restoring it takes a while. */
async function bigArchive(files: number): Promise<Buffer> {
  const idb = join(work.path, 'profile', 'Default', 'IndexedDB', 'https_web.whatsapp.com_0.indexeddb.leveldb');
  await mkdir(idb, { recursive: true });
  for (let i = 0; i < files; i++) await writeFile(join(idb, `${String(i).padStart(6, '0')}.ldb`), randomBytes(16 * 1024));
  return (await createSessionArchive(join(work.path, 'profile'), { clientId: 'big' })).data;
}

/** `waweb session ...` in `cwd` with its temp folder at `tmp`. */
function cli(args: string[], cwd: string, tmp: string): { child: ChildProcess; done: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, 'session', ...args], {
    cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, TMPDIR: tmp, TMP: tmp, TEMP: tmp },
  });
  children.add(child);
  const done = new Promise<number | null>((resolveDone, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolveDone(code));
  });
  return { child, done };
}

/** Every entry under `root` (recursively), relative to it. */
async function entries(root: string): Promise<string[]> {
  return (await readdir(root, { recursive: true })).map(String).sort();
}

/** Polls until a restored profile file shows up under `tmp`, or `timeoutMs` passes. */
async function untilRestoring(tmp: string, done: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let finished = false;
  void done.then(() => (finished = true));
  const deadline = Date.now() + timeoutMs;
  while (!finished && Date.now() < deadline) {
    if ((await entries(tmp)).some((e) => e.endsWith('.ldb'))) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
  return false;
}

test('a verify killed mid-restore leaves nothing in the current folder, only a 0700 folder in temp, which the next run removes', async () => {
  const cwd = join(work.path, 'cwd');
  const tmp = join(work.path, 'tmp');
  await mkdir(cwd, { mode: 0o755 });
  await mkdir(tmp, { mode: 0o755 });
  const directory = join(work.path, 'store');
  const store = new FileStore({ directory });
  const data = await bigArchive(1500);
  for (let i = 0; i < 6; i++) await store.save('RemoteAuth-big', data);
  await store.close();
  const args = ['verify', '--store', `file:${directory}`, '--session', 'RemoteAuth-big'];

  const killed = cli(args, cwd, tmp);
  expect(await untilRestoring(tmp, killed.done, 60_000)).toBe(true);
  killed.child.kill('SIGKILL');
  expect(await killed.done).toBeNull();

  // Nothing in the current folder; in temp, only folders no other user can enter.
  expect(await entries(cwd)).toEqual([]);
  const left = await readdir(tmp);
  expect(left.length).toBeGreaterThan(0);
  for (const name of left) {
    const info = await lstat(join(tmp, name));
    expect([name, info.isDirectory(), info.mode & 0o777]).toEqual([name, true, 0o700]);
  }

  // The next run checks every generation and removes what the killed one left.
  const next = cli(args, cwd, tmp);
  expect(await next.done).toBe(0);
  expect(await entries(tmp)).toEqual([]);
  expect(await entries(cwd)).toEqual([]);
});
