import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { ErrorCode, InvalidOptionError, StoreError } from '../../src/errors';
import { FileStore } from '../../src/stores';
import { tempDir } from '../helpers/tmp';
import { describeMarksConformance, describeStoreConformance, freshSessionId } from '../../src/testing';

const execFileAsync = promisify(execFile);
const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Runs `script` in three Node processes at once (argv: `folder`, `id`, a tag p1..p3); their outputs. */
function inThreeProcesses(script: string, folder: string, id: string): Promise<Array<{ stdout: string }>> {
  const run = (tag: string) =>
    execFileAsync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script, folder, id, tag], {
      cwd: REPO_ROOT,
      timeout: 60_000,
    });
  return Promise.all([run('p1'), run('p2'), run('p3')]);
}

/** Every path under `root` with its size (folders as -1), sorted. */
async function listTree(root: string): Promise<Array<[string, number]>> {
  const out: Array<[string, number]> = [];
  async function walk(dir: string): Promise<void> {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        out.push([path.relative(root, full), -1]);
        await walk(full);
      } else {
        out.push([path.relative(root, full), (await fs.stat(full)).size]);
      }
    }
  }
  await walk(root);
  return out.sort((a, b) => a[0].localeCompare(b[0]));
}

describeStoreConformance(
  'FileStore',
  async () => {
    const tmp = await tempDir('waweb-filestore-');
    // The store lives one level down so that an escape like `../x` would show up in the snapshot.
    const directory = path.join(tmp.path, 'store');
    return {
      store: new FileStore({ directory, keep: 3 }),
      cleanup: () => tmp.remove(),
      snapshot: () => listTree(tmp.path),
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
  'FileStore',
  async () => {
    const tmp = await tempDir('waweb-filestore-');
    const directory = path.join(tmp.path, 'store');
    return {
      store: new FileStore({ directory, keep: 3 }),
      reopen: async () => new FileStore({ directory, keep: 3 }),
      cleanup: () => tmp.remove(),
      breakBackend: async () => {
        await fs.rm(directory, { recursive: true, force: true });
        await fs.writeFile(directory, 'not a folder');
      },
    };
  },
  { keep: 3 },
);

describe('FileStore', () => {
  let tmp: { path: string; remove(): Promise<void> };
  beforeEach(async () => {
    tmp = await tempDir('waweb-filestore-');
  });
  afterEach(async () => {
    await tmp.remove();
  });

  it('lays generations out as <dir>/<sessionId>/<padded generation>.zip, private, with no temp files left', async () => {
    const directory = path.join(tmp.path, 'root');
    const store = new FileStore({ directory });
    const id = freshSessionId();
    await store.save(id, Buffer.from('one'));
    await store.save(id, Buffer.from('two'));
    const names = (await fs.readdir(path.join(directory, id))).sort();
    expect(names).toEqual(['0000000001.zip', '0000000002.zip']);
    await expect(fs.readFile(path.join(directory, id, '0000000002.zip'), 'utf8')).resolves.toBe('two');
    expect((await fs.stat(directory)).mode & 0o777).toBe(0o700);
    expect((await fs.stat(path.join(directory, id))).mode & 0o777).toBe(0o700);
    for (const name of names) {
      expect((await fs.stat(path.join(directory, id, name))).mode & 0o777).toBe(0o600);
    }
    expect(await fs.readdir(directory)).toEqual([id]);
  });

  it('keeps marks in a private sidecar beside the zip, gone with its generation; a sidecar left without its zip marks nothing', async () => {
    const directory = path.join(tmp.path, 'marks');
    const store = new FileStore({ directory, keep: 2 });
    const id = freshSessionId();
    const dir = path.join(directory, id);
    await store.save(id, Buffer.from('one'));
    await store.save(id, Buffer.from('two'));
    await store.mark?.(id, 1, { setAside: { reason: 'QR', detail: 'landed on a QR' } });
    expect((await fs.readdir(dir)).sort()).toEqual(['0000000001.json', '0000000001.zip', '0000000002.zip']);
    expect((await fs.stat(path.join(dir, '0000000001.json'))).mode & 0o777).toBe(0o600);
    // Released: no marks left, no sidecar.
    await store.mark?.(id, 1, { setAside: null });
    expect((await fs.readdir(dir)).sort()).toEqual(['0000000001.zip', '0000000002.zip']);

    await store.mark?.(id, 2, { loggedIn: true });
    const sidecar = await fs.readFile(path.join(dir, '0000000002.json'));
    expect(await store.deleteGeneration?.(id, 2)).toBe(true);
    expect((await fs.readdir(dir)).sort()).toEqual(['0000000001.zip']);
    // A sidecar left behind (a crash between the two removals) does not mark the next generation 2,
    // and the next prune removes a sidecar whose zip is gone.
    await fs.writeFile(path.join(dir, '0000000002.json'), sidecar);
    await fs.writeFile(path.join(dir, '0000000009.json'), sidecar);
    await store.save(id, Buffer.from('two again'));
    const listed = await store.list(id);
    expect(listed.map((g) => [g.generation, g.loggedInAt])).toEqual([
      [2, undefined],
      [1, undefined],
    ]);
    expect((await fs.readdir(dir)).sort()).toEqual(['0000000001.zip', '0000000002.json', '0000000002.zip']);
    await store.save(id, Buffer.from('three'));
    expect((await fs.readdir(dir)).sort()).toEqual(['0000000002.json', '0000000002.zip', '0000000003.zip']);
    await store.close();
  });

  it('keeps 3 generations by default', async () => {
    const store = new FileStore({ directory: tmp.path });
    expect(store.keep).toBe(3);
    const id = freshSessionId();
    for (let i = 1; i <= 5; i++) await store.save(id, Buffer.from(`v${i}`));
    expect((await store.list(id)).map((e) => e.generation)).toEqual([5, 4, 3]);
    expect((await fs.readdir(path.join(tmp.path, id))).sort()).toEqual(['0000000003.zip', '0000000004.zip', '0000000005.zip']);
  });

  it("ignores a crashed writer's temp file and removes it once stale", async () => {
    const store = new FileStore({ directory: tmp.path, keep: 2 });
    const id = freshSessionId();
    await store.save(id, Buffer.from('good'));
    const fresh = path.join(tmp.path, id, '.tmp-99999-fresh');
    const stale = path.join(tmp.path, id, '.tmp-99999-stale');
    await fs.writeFile(fresh, 'half a zi');
    await fs.writeFile(stale, 'half a zi');
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await fs.utimes(stale, old, old);

    expect((await store.list(id)).map((e) => e.generation)).toEqual([1]);
    expect((await store.load(id))?.data.toString()).toBe('good');

    await store.save(id, Buffer.from('better'));
    const names = await fs.readdir(path.join(tmp.path, id));
    expect(names).toContain('.tmp-99999-fresh');
    expect(names).not.toContain('.tmp-99999-stale');
    expect((await store.load(id))?.data.toString()).toBe('better');
  });

  it('numbers on from generations another writer left, and two store objects on one folder never collide', async () => {
    const a = new FileStore({ directory: tmp.path, keep: 50 });
    const b = new FileStore({ directory: tmp.path, keep: 50 });
    const id = freshSessionId();
    const inputs = Array.from({ length: 10 }, (_, i) => Buffer.from(`writer-${i % 2}-${i}-${randomBytes(8).toString('hex')}`));
    const results = await Promise.all(inputs.map((data, i) => (i % 2 ? a : b).save(id, data)));
    expect(results.map((r) => r.generation).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const [i, r] of results.entries()) {
      expect((await a.load(id, { generation: r.generation }))?.data.equals(inputs[i]!)).toBe(true);
    }
  });

  it('gives concurrent saves from separate processes distinct generations, each file complete', async () => {
    const id = freshSessionId('xproc');
    const script = `
      const { FileStore } = require(${JSON.stringify(path.join(REPO_ROOT, 'src', 'stores', 'file.ts'))});
      const store = new FileStore({ directory: process.argv[1], keep: 1000 });
      (async () => {
        const out = [];
        for (let i = 0; i < 15; i++) {
          const data = Buffer.from(process.argv[3] + '-' + i + '-' + 'x'.repeat(1000 + i));
          const saved = await store.save(process.argv[2], data);
          out.push([saved.generation, data.toString('base64')]);
        }
        process.stdout.write(JSON.stringify(out));
      })().catch((e) => { console.error(e); process.exit(1); });
    `;
    const outputs = await inThreeProcesses(script, tmp.path, id);
    const saved = outputs.flatMap((o) => JSON.parse(o.stdout) as Array<[number, string]>);
    const numbers = saved.map(([g]) => g).sort((x, y) => x - y);
    expect(numbers).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
    const store = new FileStore({ directory: tmp.path, keep: 1000 });
    for (const [generation, base64] of saved) {
      const loaded = await store.load(id, { generation });
      expect(loaded?.data.toString('base64')).toBe(base64);
    }
    expect((await fs.readdir(path.join(tmp.path, id))).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  }, 90_000);

  it('settles compare-and-swap saves from separate processes: never two on the same newest generation', async () => {
    const id = freshSessionId('xcas');
    const script = `
      const { FileStore } = require(${JSON.stringify(path.join(REPO_ROOT, 'src', 'stores', 'file.ts'))});
      const store = new FileStore({ directory: process.argv[1], keep: 1000 });
      (async () => {
        const out = [];
        for (let i = 0; i < 25; i++) {
          const newest = (await store.list(process.argv[2]))[0]?.generation ?? 0;
          try {
            const saved = await store.save(process.argv[2], Buffer.from(process.argv[3] + '-' + i), { ifNewest: newest });
            out.push([newest, saved.generation]);
          } catch (e) {
            if (e.code !== 'GENERATION_CHANGED') throw e;
            out.push([newest, null]);
          }
        }
        process.stdout.write(JSON.stringify(out));
      })().catch((e) => { console.error(e); process.exit(1); });
    `;
    const outputs = await inThreeProcesses(script, tmp.path, id);
    const attempts = outputs.flatMap((o) => JSON.parse(o.stdout) as Array<[number, number | null]>);
    const won = attempts.filter((a): a is [number, number] => a[1] !== null);
    for (const [newest, generation] of won) expect(generation).toBe(newest + 1);
    const bases = won.map(([newest]) => newest).sort((x, y) => x - y);
    expect(bases).toEqual(Array.from({ length: won.length }, (_, i) => i));
    const store = new FileStore({ directory: tmp.path, keep: 1000 });
    expect((await store.list(id)).length).toBe(won.length);
  }, 90_000);

  it('reports an unusable directory as STORE_FAILED with the file system error as cause', async () => {
    const blocker = path.join(tmp.path, 'file');
    await fs.writeFile(blocker, 'x');
    const store = new FileStore({ directory: path.join(blocker, 'store') });
    const id = freshSessionId();
    const attempts = [() => store.save(id, Buffer.from('x')), () => store.list(id), () => store.load(id)];
    for (const attempt of attempts) {
      const err = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe(ErrorCode.STORE_FAILED);
      expect(((err as StoreError).cause as NodeJS.ErrnoException).code).toBe('ENOTDIR');
    }
  });

  it('rejects bad options before touching the disk', () => {
    expect(() => new FileStore({ directory: '' })).toThrow(InvalidOptionError);
    expect(() => new FileStore({ directory: tmp.path, keep: 0 })).toThrow(InvalidOptionError);
    expect(() => new FileStore({ directory: tmp.path, keep: 1.5 })).toThrow(InvalidOptionError);
    expect(() => new FileStore(undefined as unknown as { directory: string })).toThrow(InvalidOptionError);
  });

  it('rejects a non-Buffer payload and a bad generation number', async () => {
    const store = new FileStore({ directory: tmp.path });
    const id = freshSessionId();
    await expect(store.save(id, 'text' as unknown as Buffer)).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(store.load(id, { generation: 0 })).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(fs.readdir(tmp.path)).resolves.toEqual([]);
  });
});
