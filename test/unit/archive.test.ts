import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as yauzl from 'yauzl';
import {
  computeContentHash,
  createSessionArchive,
  extractSessionArchive,
  readArchiveManifest,
  type ArchiveManifest,
} from '../../src/archive';
import { ArchiveError, ErrorCode, InvalidOptionError } from '../../src/errors';
import { archiverZip, IDB, LS, writeFileAt } from '../helpers/profile-files';
import { makeZip, patchName, type ZipItem } from '../helpers/zip';

// whatsapp-web.js's own unzip library (its RemoteAuth dependency; the zip side is archiverZip), to prove interop both ways.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- unzipper ships no types; only what the test uses is declared
const unzipper = require('unzipper') as { Extract(opts: { path: string; concurrency?: number }): NodeJS.WritableStream };

const BLOB = 'Default/IndexedDB/https_web.whatsapp.com_0.indexeddb.blob';

let tmp: string;
beforeEach(async () => {
  tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'waweb-archive-'));
});
afterEach(async () => {
  jest.restoreAllMocks();
  await fsp.rm(tmp, { recursive: true, force: true });
});

/** A Chromium-like profile: session folders plus folders that must never be archived. */
async function makeProfile(root: string, seed = 1): Promise<void> {
  const bytes = (n: number, salt: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + salt * 7 + seed) & 0xff));
  await writeFileAt(root, `${IDB}/000003.log`, Buffer.concat([bytes(70_000, 1), randomBytesFrom(seed, 30_000)]));
  await writeFileAt(root, `${IDB}/000005.ldb`, bytes(4096, 2));
  await writeFileAt(root, `${IDB}/CURRENT`, 'MANIFEST-000001\n');
  await writeFileAt(root, `${IDB}/MANIFEST-000001`, bytes(120, 3));
  await writeFileAt(root, `${IDB}/LOCK`, '');
  await writeFileAt(root, `${IDB}/LOG`, '2024/01/01-00:00:00.000 1 Recovering log #3\n');
  await writeFileAt(root, `${BLOB}/1/00/3`, bytes(2048, 4));
  await writeFileAt(root, `${LS}/000003.log`, bytes(9000, 5));
  await writeFileAt(root, `${LS}/CURRENT`, 'MANIFEST-000001\n');
  await writeFileAt(root, `${LS}/LOCK`, '');
  await writeFileAt(root, `${LS}/MANIFEST-000001`, bytes(50, 6));
  await writeFileAt(root, 'Default/Local Storage/empty.txt', '');
  // Never archived:
  await writeFileAt(root, 'Default/Cache/Cache_Data/data_0', bytes(5000, 7));
  await writeFileAt(root, 'Default/Session Storage/000003.log', bytes(100, 8));
  await writeFileAt(root, 'Default/Preferences', '{"profile":{}}');
  await writeFileAt(root, 'Default/IndexedDBx/not-me', 'x');
  await writeFileAt(root, 'Local State', '{}');
}

/** Deterministic "incompressible" bytes. */
function randomBytesFrom(seed: number, n: number): Buffer {
  const out = Buffer.alloc(n);
  let x = seed * 2654435761 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Every regular file under `root`, relative `/` paths → bytes (symlinks listed as such). */
async function readTree(root: string): Promise<Map<string, Buffer | 'symlink'>> {
  const out = new Map<string, Buffer | 'symlink'>();
  async function walk(rel: string): Promise<void> {
    for (const e of await fsp.readdir(path.join(root, rel), { withFileTypes: true })) {
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      if (e.isSymbolicLink()) out.set(childRel, 'symlink');
      else if (e.isDirectory()) await walk(childRel);
      else out.set(childRel, await fsp.readFile(path.join(root, childRel)));
    }
  }
  if (existsSync(root)) await walk('');
  return out;
}

/** What a session archive of `profile` must hold. */
async function expectedSessionFiles(profile: string): Promise<Map<string, Buffer | 'symlink'>> {
  const all = await readTree(profile);
  return new Map(
    [...all].filter(
      ([p, v]) =>
        v !== 'symlink' &&
        (p.startsWith('Default/IndexedDB/') || p.startsWith('Default/Local Storage/')) &&
        path.posix.basename(p) !== 'LOCK',
    ),
  );
}

async function zipEntryNames(data: Buffer): Promise<string[]> {
  const zip = await yauzl.fromBufferPromise(data, { lazyEntries: true });
  const names: string[] = [];
  for await (const e of zip.eachEntry()) names.push(e.fileName);
  zip.close();
  return names;
}

function manifestJson(over: Partial<Record<keyof ArchiveManifest, unknown>> = {}): string {
  return JSON.stringify({
    format: 'waweb-session',
    version: 1,
    clientId: 'c1',
    createdAt: '2024-01-01T00:00:00.000Z',
    contentHash: computeContentHash([]),
    files: 0,
    bytes: 0,
    ...over,
  });
}

/** Expects a typed ArchiveError with `code`, and that nothing exists under `sandbox` afterwards. */
async function expectRejected(promise: Promise<unknown>, code: ErrorCode, sandbox: string): Promise<ArchiveError> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ArchiveError);
  expect((err as ArchiveError).code).toBe(code);
  expect(await fsp.readdir(sandbox)).toEqual([]);
  return err as ArchiveError;
}

async function sandboxTarget(): Promise<{ sandbox: string; target: string }> {
  const sandbox = path.join(tmp, 'sandbox');
  await fsp.mkdir(sandbox);
  return { sandbox, target: path.join(sandbox, 'profile') };
}

describe('createSessionArchive', () => {
  test('round-trips IndexedDB and Local Storage byte for byte, and nothing else', async () => {
    const profile = path.join(tmp, 'RemoteAuth-c1');
    await makeProfile(profile);
    const now = new Date('2024-05-06T07:08:09.010Z');
    const { data, manifest } = await createSessionArchive(profile, { clientId: 'c1', now });

    const expected = await expectedSessionFiles(profile);
    expect(expected.size).toBe(10);
    expect(manifest).toEqual({
      format: 'waweb-session',
      version: 1,
      clientId: 'c1',
      createdAt: '2024-05-06T07:08:09.010Z',
      contentHash: computeContentHash([...expected].map(([p, d]) => ({ path: p, data: d as Buffer }))),
      files: expected.size,
      bytes: [...expected.values()].reduce((s, d) => s + (d as Buffer).length, 0),
    });

    const target = path.join(tmp, 'restored', 'RemoteAuth-c1');
    const result = await extractSessionArchive(data, target);
    expect(result).toEqual({ manifest, files: manifest.files, bytes: manifest.bytes });
    expect(await readTree(target)).toEqual(expected);
    expect(existsSync(path.join(target, 'waweb-manifest.json'))).toBe(false);

    expect((await fsp.stat(path.join(target, IDB, '000003.log'))).mode & 0o777).toBe(0o600);
    expect((await fsp.stat(path.join(target, IDB))).mode & 0o777).toBe(0o700);
    expect((await fsp.stat(path.join(target, 'Default'))).mode & 0o777).toBe(0o700);
  });

  test('entries: session files folder by folder (CURRENT, MANIFEST-* first), then the manifest; no Cache, no LOCK', async () => {
    const profile = path.join(tmp, 'p');
    await makeProfile(profile);
    const { data } = await createSessionArchive(profile, { clientId: 'c1' });
    const names = await zipEntryNames(data);
    expect(names.at(-1)).toBe('waweb-manifest.json');
    expect(names.slice(0, -1)).toEqual([
      `${BLOB}/1/00/3`,
      `${IDB}/CURRENT`,
      `${IDB}/MANIFEST-000001`,
      `${IDB}/000003.log`,
      `${IDB}/000005.ldb`,
      `${IDB}/LOG`,
      'Default/Local Storage/empty.txt',
      `${LS}/CURRENT`,
      `${LS}/MANIFEST-000001`,
      `${LS}/000003.log`,
    ]);
    expect(new Set(names.slice(0, -1))).toEqual(new Set((await expectedSessionFiles(profile)).keys()));
    expect(names.some((n) => n.includes('Cache') || n.includes('Session Storage') || n.endsWith('/LOCK') || n.includes('IndexedDBx'))).toBe(
      false,
    );
  });

  test('in every LevelDB folder CURRENT and MANIFEST-* are read and archived before table and log files', async () => {
    const profile = path.join(tmp, 'p');
    await makeProfile(profile);
    // More of what a busy LevelDB holds: several tables, logs, an old manifest, a subfolder.
    await writeFileAt(profile, `${IDB}/000002.ldb`, 'table 2');
    await writeFileAt(profile, `${IDB}/000007.log`, 'log 7');
    await writeFileAt(profile, `${IDB}/MANIFEST-000004`, 'manifest 4');
    await writeFileAt(profile, `${LS}/000001.ldb`, 'table 1');
    await writeFileAt(profile, `${LS}/000004.sst`, 'old-style table');
    const opened: string[] = [];
    const realOpen = fsp.open.bind(fsp);
    jest.spyOn(fsp, 'open').mockImplementation(async (file, ...rest) => {
      const rel = path.relative(profile, String(file)).split(path.sep).join('/');
      if (!rel.startsWith('..')) opened.push(rel);
      return realOpen(file, ...rest);
    });
    const { data, manifest } = await createSessionArchive(profile, { clientId: 'c1' });
    const names = (await zipEntryNames(data)).slice(0, -1);
    expect(opened).toEqual(names); // read in archive order, one at a time
    for (const folder of [IDB, LS]) {
      const inFolder = names.filter((n) => path.posix.dirname(n) === folder).map((n) => path.posix.basename(n));
      const meta = inFolder.filter((n) => n === 'CURRENT' || n.startsWith('MANIFEST-'));
      const tables = inFolder.filter((n) => /\.(ldb|log|sst)$/.test(n));
      expect(meta[0]).toBe('CURRENT');
      expect(meta.length).toBeGreaterThanOrEqual(2);
      expect(tables.length).toBeGreaterThanOrEqual(2);
      expect(inFolder.slice(0, meta.length)).toEqual(meta);
      expect(Math.max(...meta.map((n) => inFolder.indexOf(n)))).toBeLessThan(Math.min(...tables.map((n) => inFolder.indexOf(n))));
    }
    // The order is not part of the content hash.
    const expected = await expectedSessionFiles(profile);
    expect(manifest.contentHash).toBe(computeContentHash([...expected].map(([p, d]) => ({ path: p, data: d as Buffer }))));
    // Deterministic: the same files give the same bytes.
    const again = await createSessionArchive(profile, { clientId: 'c1', now: new Date(manifest.createdAt) });
    expect(again.data.equals(data)).toBe(true);
  });

  test('a compaction finishing between the listing and the MANIFEST read restarts the walk', async () => {
    const profile = path.join(tmp, 'p');
    await makeProfile(profile);
    const manifestFile = path.join(profile, LS, 'MANIFEST-000001');
    const realOpen = fsp.open.bind(fsp);
    let compacted = 0;
    jest.spyOn(fsp, 'open').mockImplementation(async (file, ...rest) => {
      if (String(file) === manifestFile && compacted === 0) {
        compacted++;
        // The compaction's new table and the MANIFEST edit naming it; the table it replaced (000003.log)
        // is deleted only after it was read, so no ENOENT shows the change.
        await fsp.writeFile(path.join(profile, LS, '000009.ldb'), 'compacted');
        await fsp.appendFile(manifestFile, ' +000009.ldb');
      }
      return realOpen(file, ...rest);
    });
    const { data } = await createSessionArchive(profile, { clientId: 'c1' });
    expect(compacted).toBe(1);
    const names = await zipEntryNames(data);
    expect(names).toContain(`${LS}/000009.ldb`);
    const out = path.join(tmp, 'restored');
    await extractSessionArchive(data, out);
    expect(await fsp.readFile(path.join(out, LS, 'MANIFEST-000001'), 'utf8')).toContain('+000009.ldb');
  });

  test('equal content gives an equal hash (and equal bytes for an equal `now`); one changed byte does not', async () => {
    const a = path.join(tmp, 'a');
    const b = path.join(tmp, 'b');
    await makeProfile(a);
    await makeProfile(b);
    // Different file times and different unrelated folders must not matter.
    await fsp.utimes(path.join(b, IDB, '000003.log'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    await writeFileAt(b, 'Default/Cache/other', 'zzz');
    const now = new Date('2024-01-01T00:00:00Z');
    const za = await createSessionArchive(a, { clientId: 'x', now });
    const zb = await createSessionArchive(b, { clientId: 'x', now });
    expect(zb.manifest.contentHash).toBe(za.manifest.contentHash);
    expect(zb.data.equals(za.data)).toBe(true);

    const later = await createSessionArchive(a, { clientId: 'other', now: new Date('2030-01-01T00:00:00Z') });
    expect(later.manifest.contentHash).toBe(za.manifest.contentHash);

    const file = path.join(b, LS, '000003.log');
    const bytes = await fsp.readFile(file);
    bytes[4321] = (bytes[4321] ?? 0) ^ 0x01;
    await fsp.writeFile(file, bytes);
    const changed = await createSessionArchive(b, { clientId: 'x', now });
    expect(changed.manifest.contentHash).not.toBe(za.manifest.contentHash);
    expect(changed.manifest.bytes).toBe(za.manifest.bytes);

    // A renamed file with the same bytes changes the hash too.
    const c = path.join(tmp, 'c');
    await makeProfile(c);
    await fsp.rename(path.join(c, LS, 'CURRENT'), path.join(c, LS, 'CURRENT2'));
    expect((await createSessionArchive(c, { clientId: 'x', now })).manifest.contentHash).not.toBe(za.manifest.contentHash);
  });

  test('computeContentHash ignores input order and frames paths and sizes', () => {
    const x = { path: 'Default/IndexedDB/a', data: Buffer.from('hello') };
    const y = { path: 'Default/IndexedDB/b', data: Buffer.from('world') };
    expect(computeContentHash([x, y])).toBe(computeContentHash([y, x]));
    expect(computeContentHash([x, y])).toMatch(/^[0-9a-f]{64}$/);
    // Moving bytes across the path/data boundary must change the hash.
    expect(computeContentHash([{ path: 'ab', data: Buffer.from('c') }])).not.toBe(
      computeContentHash([{ path: 'a', data: Buffer.from('bc') }]),
    );
    expect(computeContentHash([])).not.toBe(computeContentHash([{ path: 'a', data: Buffer.alloc(0) }]));
  });

  test('a profile with no session data is not archived: ARCHIVE_EMPTY, no temp zip left', async () => {
    const profile = path.join(tmp, 'empty');
    await fsp.mkdir(profile);
    await writeFileAt(profile, 'Default/Cache/x', 'not session data');
    // Files in the session folders that are not the app's: another origin's IndexedDB, an empty log,
    // and a localStorage log that never names the app's origin.
    await writeFileAt(profile, 'Default/IndexedDB/https_example.org_0.indexeddb.leveldb/000003.log', 'other origin');
    await writeFileAt(profile, `${IDB}/000004.log`, '');
    await writeFileAt(profile, `${LS}/000003.log`, '_https://example.org\u0000\u0001key');
    const before = await fsp.readdir(tmp);
    const err: unknown = await createSessionArchive(profile, { clientId: 'c1', tempDir: tmp }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArchiveError);
    expect((err as ArchiveError).code).toBe(ErrorCode.ARCHIVE_EMPTY);
    expect(await fsp.readdir(tmp)).toEqual(before);
    // localStorage naming the origin is session data on its own.
    await writeFileAt(profile, `${LS}/000003.log`, '_https://web.whatsapp.com\u0000\u0001WAToken');
    expect((await createSessionArchive(profile, { clientId: 'c1' })).manifest.files).toBe(3);
  });

  test('symlinks inside the profile are neither followed nor archived', async () => {
    const profile = path.join(tmp, 'p');
    await makeProfile(profile);
    const secret = path.join(tmp, 'secret');
    await writeFileAt(secret, 'key.pem', 'PRIVATE');
    await fsp.symlink(path.join(secret, 'key.pem'), path.join(profile, IDB, 'stolen.log'));
    await fsp.symlink(secret, path.join(profile, IDB, 'stolen-dir'));
    // A whole session folder that is a symlink is skipped too.
    await fsp.rm(path.join(profile, 'Default', 'Local Storage'), { recursive: true });
    await fsp.symlink(secret, path.join(profile, 'Default', 'Local Storage'));

    const { data, manifest } = await createSessionArchive(profile, { clientId: 'c1' });
    const names = await zipEntryNames(data);
    expect(names.some((n) => n.includes('stolen') || n.includes('key.pem') || n.startsWith('Default/Local Storage'))).toBe(false);
    const target = path.join(tmp, 'out');
    await extractSessionArchive(data, target);
    const tree = await readTree(target);
    expect(tree).toEqual(await expectedSessionFiles(profile));
    expect(manifest.files).toBe(tree.size);
    expect([...tree.values()].some((v) => v !== 'symlink' && v.toString() === 'PRIVATE')).toBe(false);
  });

  test('a file deleted mid-walk (LevelDB compaction) restarts the walk', async () => {
    const profile = path.join(tmp, 'p');
    await makeProfile(profile);
    const victim = path.join(profile, IDB, '000005.ldb');
    const realOpen = fsp.open.bind(fsp);
    let raced = 0;
    jest.spyOn(fsp, 'open').mockImplementation(async (file, ...rest) => {
      if (String(file) === victim && raced === 0) {
        raced++;
        // Compaction removes the file after readdir listed it.
        await fsp.unlink(victim);
      }
      return realOpen(file, ...rest);
    });
    const { data, manifest } = await createSessionArchive(profile, { clientId: 'c1' });
    expect(raced).toBe(1);
    const names = await zipEntryNames(data);
    expect(names).not.toContain(`${IDB}/000005.ldb`);
    expect(names).toContain(`${IDB}/000003.log`);
    expect(manifest.files).toBe((await expectedSessionFiles(profile)).size);
  });

  test('a profile that never holds still gives a typed error after bounded retries', async () => {
    const profile = path.join(tmp, 'p');
    await makeProfile(profile);
    const victim = path.join(profile, LS, '000003.log');
    const realOpen = fsp.open.bind(fsp);
    let calls = 0;
    jest.spyOn(fsp, 'open').mockImplementation(async (file, ...rest) => {
      if (String(file) === victim) {
        calls++;
        throw Object.assign(new Error(`ENOENT: no such file or directory, open '${victim}'`), { code: 'ENOENT', syscall: 'open' });
      }
      return realOpen(file, ...rest);
    });
    const err: unknown = await createSessionArchive(profile, { clientId: 'c1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArchiveError);
    expect((err as ArchiveError).code).toBe(ErrorCode.ARCHIVE_CORRUPT);
    expect(((err as ArchiveError).cause as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect(calls).toBe(5);
  });

  test('bad arguments are InvalidOptionError', async () => {
    const profile = path.join(tmp, 'p');
    await fsp.mkdir(profile);
    await expect(createSessionArchive(profile, { clientId: '../x' })).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(createSessionArchive(profile, { clientId: '' })).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(createSessionArchive(profile, { clientId: 'ok', now: new Date('nope') })).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(createSessionArchive(path.join(tmp, 'missing'), { clientId: 'ok' })).rejects.toBeInstanceOf(InvalidOptionError);
    await writeFileAt(tmp, 'file', 'x');
    await expect(createSessionArchive(path.join(tmp, 'file'), { clientId: 'ok' })).rejects.toBeInstanceOf(InvalidOptionError);
  });
});

describe('extractSessionArchive: target and options', () => {
  test('the target must be empty or absent; limits must be positive integers', async () => {
    const profile = path.join(tmp, 'p');
    await makeProfile(profile);
    const { data } = await createSessionArchive(profile, { clientId: 'c1' });

    const full = path.join(tmp, 'full');
    await writeFileAt(full, 'keep.txt', 'mine');
    await expect(extractSessionArchive(data, full)).rejects.toBeInstanceOf(InvalidOptionError);
    expect(await readTree(full)).toEqual(new Map([['keep.txt', Buffer.from('mine')]]));

    await writeFileAt(tmp, 'a-file', 'x');
    await expect(extractSessionArchive(data, path.join(tmp, 'a-file'))).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(extractSessionArchive(data, path.join(tmp, 'o1'), { maxEntries: 0 })).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(extractSessionArchive(data, path.join(tmp, 'o2'), { maxUncompressedBytes: -1 })).rejects.toBeInstanceOf(
      InvalidOptionError,
    );
    expect(existsSync(path.join(tmp, 'o1'))).toBe(false);

    // An existing empty folder is fine.
    const empty = path.join(tmp, 'empty');
    await fsp.mkdir(empty);
    const r = await extractSessionArchive(data, empty);
    expect(r.files).toBe((await expectedSessionFiles(profile)).size);
  });
});

describe('extractSessionArchive: hostile and damaged archives', () => {
  const absName = `/tmp/waweb-abs-${process.pid}`;

  test.each([
    ['`..` segment', 'zzzevil', '../evil'],
    ['`..` inside the session folder', 'Default/IndexedDB/zz/zzzz', 'Default/IndexedDB/../evil'],
    ['absolute path', 'z'.repeat(absName.length), absName],
    ['drive letter', 'zzwin.txt', 'C:win.txt'],
    ['backslashes', 'Default/IndexedDB/zzevil', 'Default\\IndexedDB\\..evil'],
  ])('%s → ARCHIVE_UNSAFE, nothing written', async (_label, placeholder, hostile) => {
    const { sandbox, target } = await sandboxTarget();
    const good = { name: `${IDB}/000003.log`, data: 'good' };
    const zip = patchName(await makeZip([good, { name: placeholder, data: 'pwned' }]), placeholder, hostile);
    await expectRejected(extractSessionArchive(zip, target), ErrorCode.ARCHIVE_UNSAFE, sandbox);
    expect(existsSync(path.join(tmp, 'evil'))).toBe(false);
    expect(existsSync(absName)).toBe(false);
    // The same names are refused by readArchiveManifest too.
    await expect(readArchiveManifest(zip)).rejects.toMatchObject({ code: ErrorCode.ARCHIVE_UNSAFE });
  });

  test('a symlink entry → ARCHIVE_UNSAFE, into an existing empty folder left empty', async () => {
    const { sandbox } = await sandboxTarget();
    const target = path.join(sandbox, 'existing');
    await fsp.mkdir(target);
    const zip = await makeZip([
      { name: `${IDB}/000003.log`, data: 'good' },
      { name: `${IDB}/link`, data: '/etc/passwd', mode: 0o120777 },
    ]);
    const err: unknown = await extractSessionArchive(zip, target).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArchiveError);
    expect((err as ArchiveError).code).toBe(ErrorCode.ARCHIVE_UNSAFE);
    expect(await fsp.readdir(target)).toEqual([]);
    expect(await fsp.readdir(sandbox)).toEqual(['existing']);
  });

  test('a symlink entry outside the session folders is refused as well', async () => {
    const { sandbox, target } = await sandboxTarget();
    const zip = await makeZip([{ name: 'Default/Cache/link', data: '/', mode: 0o120777 }]);
    await expectRejected(extractSessionArchive(zip, target), ErrorCode.ARCHIVE_UNSAFE, sandbox);
  });

  test('duplicate names (exact, or by case) → ARCHIVE_UNSAFE', async () => {
    const { sandbox, target } = await sandboxTarget();
    const dup = await makeZip([
      { name: `${LS}/CURRENT`, data: 'a' },
      { name: `${LS}/CURRENT`, data: 'b' },
    ]);
    await expectRejected(extractSessionArchive(dup, target), ErrorCode.ARCHIVE_UNSAFE, sandbox);
    const caseDup = await makeZip([
      { name: `${LS}/current`, data: 'a' },
      { name: `${LS}/CURRENT`, data: 'b' },
    ]);
    await expectRejected(extractSessionArchive(caseDup, target), ErrorCode.ARCHIVE_UNSAFE, sandbox);
    const fileThenDir = await makeZip([
      { name: `${LS}/x`, data: 'a' },
      { name: `${LS}/x/y`, data: 'b' },
    ]);
    await expectRejected(extractSessionArchive(fileThenDir, target), ErrorCode.ARCHIVE_UNSAFE, sandbox);
  });

  test('more entries than maxEntries → ARCHIVE_TOO_LARGE', async () => {
    const { sandbox, target } = await sandboxTarget();
    const zip = await makeZip(Array.from({ length: 5 }, (_, i) => ({ name: `${IDB}/f${i}`, data: `${i}` })));
    await expectRejected(extractSessionArchive(zip, target, { maxEntries: 4 }), ErrorCode.ARCHIVE_TOO_LARGE, sandbox);
    expect((await extractSessionArchive(zip, target, { maxEntries: 5 })).files).toBe(5);
  });

  test('an honest 50 MB entry past maxUncompressedBytes → ARCHIVE_TOO_LARGE before writing', async () => {
    const { sandbox, target } = await sandboxTarget();
    const zip = await makeZip([{ name: `${IDB}/000003.log`, data: Buffer.alloc(50 * 1024 * 1024) }]);
    expect(zip.length).toBeLessThan(1024 * 1024);
    await expectRejected(extractSessionArchive(zip, target, { maxUncompressedBytes: 1024 * 1024 }), ErrorCode.ARCHIVE_TOO_LARGE, sandbox);
  });

  /** A 50 MB run of zeros whose local and central headers both claim 1 byte. */
  async function lyingBomb(): Promise<Buffer> {
    const zip = Buffer.from(await makeZip([{ name: `${IDB}/000003.log`, data: Buffer.alloc(50 * 1024 * 1024) }]));
    expect(zip.readUInt32LE(0)).toBe(0x04034b50);
    expect(zip.readUInt32LE(22)).toBe(50 * 1024 * 1024);
    zip.writeUInt32LE(1, 22);
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    expect(zip.readUInt32LE(central + 24)).toBe(50 * 1024 * 1024);
    zip.writeUInt32LE(1, central + 24);
    return zip;
  }

  test('a bomb whose headers claim 1 byte stops at its declared size + 1: ARCHIVE_CORRUPT, whatever the global budget', async () => {
    const { sandbox, target } = await sandboxTarget();
    const bomb = await lyingBomb();
    const writeSpy = jest.spyOn(fsp, 'open');
    await expectRejected(extractSessionArchive(bomb, target, { maxUncompressedBytes: 1024 * 1024 }), ErrorCode.ARCHIVE_CORRUPT, sandbox);
    expect(writeSpy).toHaveBeenCalled(); // it did get as far as writing, and cleaned up
  });

  test('the same lie under the limit is caught as ARCHIVE_CORRUPT (size mismatch) and cleaned up', async () => {
    const { sandbox, target } = await sandboxTarget();
    await expectRejected(extractSessionArchive(await lyingBomb(), target), ErrorCode.ARCHIVE_CORRUPT, sandbox);
  });

  test('truncated or garbage buffers → ARCHIVE_CORRUPT', async () => {
    const profile = path.join(tmp, 'p');
    await makeProfile(profile);
    const { data } = await createSessionArchive(profile, { clientId: 'c1' });
    const { sandbox, target } = await sandboxTarget();
    for (const bad of [data.subarray(0, data.length - 10), data.subarray(0, data.length >> 1), Buffer.alloc(0), randomBytes(4096)]) {
      await expectRejected(extractSessionArchive(bad, target), ErrorCode.ARCHIVE_CORRUPT, sandbox);
      await expect(readArchiveManifest(bad)).rejects.toMatchObject({ code: ErrorCode.ARCHIVE_CORRUPT });
    }
  });

  test('damaged data in the last entry → ARCHIVE_CORRUPT, files already written are removed', async () => {
    const profile = path.join(tmp, 'p');
    await makeProfile(profile);
    const { data } = await createSessionArchive(profile, { clientId: 'c1' });
    const zip = await yauzl.fromBufferPromise(data, { lazyEntries: true });
    const entries: yauzl.Entry[] = [];
    for await (const e of zip.eachEntry()) entries.push(e);
    zip.close();
    const biggest = entries.find((e) => e.fileName === `${IDB}/000003.log`);
    if (!biggest) throw new Error('entry missing');
    // Entries sorted before it (the blob folder) are written first, so cleanup is really exercised.
    const header = biggest.relativeOffsetOfLocalHeader;
    const dataStart = header + 30 + data.readUInt16LE(header + 26) + data.readUInt16LE(header + 28);
    const damaged = Buffer.from(data);
    const at = dataStart + Math.floor(biggest.compressedSize * 0.9);
    damaged[at] = (damaged[at] ?? 0) ^ 0xff;

    const { sandbox, target } = await sandboxTarget();
    const opened: string[] = [];
    const realOpen = fsp.open.bind(fsp);
    jest.spyOn(fsp, 'open').mockImplementation(async (file, ...rest) => {
      opened.push(String(file));
      return realOpen(file, ...rest);
    });
    await expectRejected(extractSessionArchive(damaged, target), ErrorCode.ARCHIVE_CORRUPT, sandbox);
    expect(opened.some((f) => f.startsWith(target))).toBe(true);
  });

  test('one flipped byte anywhere in the data → a typed ArchiveError, never a raw zlib error, nothing left', async () => {
    const profile = path.join(tmp, 'p');
    await makeProfile(profile);
    const { data } = await createSessionArchive(profile, { clientId: 'c1' });
    const { sandbox, target } = await sandboxTarget();
    // Every 97th byte of the archive: local headers, deflate streams, the manifest, the central directory.
    const untyped: string[] = [];
    for (let at = 0; at < data.length; at += 97) {
      const damaged = Buffer.from(data);
      damaged[at] = (damaged[at] ?? 0) ^ 0xff;
      const err: unknown = await extractSessionArchive(damaged, target).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (err !== undefined && !(err instanceof ArchiveError))
        untyped.push(`byte ${at}: ${err instanceof Error ? err.message : typeof err}`);
      await fsp.rm(target, { recursive: true, force: true });
      expect(await fsp.readdir(sandbox)).toEqual([]);
    }
    expect(untyped).toEqual([]);
  });

  test('a manifest with version 99 or an unknown format → ARCHIVE_VERSION', async () => {
    const { sandbox, target } = await sandboxTarget();
    for (const m of [manifestJson({ version: 99 }), manifestJson({ format: 'something-else' }), manifestJson({ version: '1' })]) {
      const zip = await makeZip([
        { name: 'waweb-manifest.json', data: m },
        { name: `${IDB}/000003.log`, data: 'x' },
      ]);
      await expectRejected(extractSessionArchive(zip, target), ErrorCode.ARCHIVE_VERSION, sandbox);
      await expect(readArchiveManifest(zip)).rejects.toMatchObject({ code: ErrorCode.ARCHIVE_VERSION });
    }
  });

  test('a malformed manifest → ARCHIVE_CORRUPT', async () => {
    const { sandbox, target } = await sandboxTarget();
    for (const m of ['{not json', '[]', manifestJson({ contentHash: 'abc' }), manifestJson({ files: -1 })]) {
      const zip = await makeZip([{ name: 'waweb-manifest.json', data: m }]);
      await expectRejected(extractSessionArchive(zip, target), ErrorCode.ARCHIVE_CORRUPT, sandbox);
    }
  });

  test('content that does not match the manifest hash → ARCHIVE_CORRUPT, nothing left', async () => {
    const profile = path.join(tmp, 'p');
    await makeProfile(profile);
    const { manifest } = await createSessionArchive(profile, { clientId: 'c1' });
    const files = await expectedSessionFiles(profile);
    // Same names and sizes, one byte different.
    const items: ZipItem[] = [{ name: 'waweb-manifest.json', data: JSON.stringify(manifest) }];
    for (const [name, data] of files) {
      const copy = Buffer.from(data as Buffer);
      if (name === `${LS}/000003.log`) copy[10] = (copy[10] ?? 0) ^ 0x01;
      items.push({ name, data: copy });
    }
    const { sandbox, target } = await sandboxTarget();
    await expectRejected(extractSessionArchive(await makeZip(items), target), ErrorCode.ARCHIVE_CORRUPT, sandbox);

    // A file dropped from the archive is caught too (count mismatch).
    const fewer = items.filter((it) => it.name !== `${IDB}/CURRENT`);
    await expectRejected(extractSessionArchive(await makeZip(fewer), target), ErrorCode.ARCHIVE_CORRUPT, sandbox);
  });

  test('requireManifest refuses an archive without one → ARCHIVE_VERSION', async () => {
    const { sandbox, target } = await sandboxTarget();
    const zip = await makeZip([{ name: `${IDB}/000003.log`, data: 'x' }]);
    await expectRejected(extractSessionArchive(zip, target, { requireManifest: true }), ErrorCode.ARCHIVE_VERSION, sandbox);
  });

  test('entries outside the session folders are ignored, not written', async () => {
    const target = path.join(tmp, 'out');
    const zip = await makeZip([
      { name: 'Default/', dir: true },
      { name: 'Default/Cache/', dir: true },
      { name: 'Default/Cache/data_0', data: 'cache' },
      { name: 'Local State', data: '{}' },
      { name: 'Default/IndexedDB', data: 'a file where the folder goes' },
      { name: `${IDB}/`, dir: true },
      { name: `${BLOB}/`, dir: true },
      { name: `${IDB}/000003.log`, data: 'kept' },
    ]);
    const result = await extractSessionArchive(zip, target);
    expect(result).toEqual({ manifest: null, files: 1, bytes: 4 });
    expect(await readTree(target)).toEqual(new Map([[`${IDB}/000003.log`, Buffer.from('kept')]]));
    // Empty session folders are restored as folders.
    expect((await fsp.stat(path.join(target, BLOB))).isDirectory()).toBe(true);
    expect(existsSync(path.join(target, 'Default', 'Cache'))).toBe(false);
  });
});

describe('whatsapp-web.js interop', () => {
  /** Exactly what whatsapp-web.js 1.34.7 RemoteAuth.compressSession does: copy the two folders to a stage, archiver.directory(stage, false). */
  async function wwebjsZip(profile: string): Promise<Buffer> {
    const stage = path.join(tmp, 'wwebjs_temp_session');
    for (const d of ['Default', 'IndexedDB', 'Local Storage']) {
      const src = path.join(profile, 'Default', d);
      if (existsSync(src)) await fsp.cp(src, path.join(stage, 'Default', d), { recursive: true, force: true, errorOnExist: false });
    }
    return archiverZip(stage);
  }

  test('a zip made the way whatsapp-web.js makes it restores, with no manifest', async () => {
    const profile = path.join(tmp, 'RemoteAuth-w');
    await makeProfile(profile);
    const zip = await wwebjsZip(profile);
    const names = await zipEntryNames(zip);
    expect(names).toContain(`${IDB}/LOCK`);
    expect(await readArchiveManifest(zip)).toBeNull();

    const target = path.join(tmp, 'restored');
    const result = await extractSessionArchive(zip, target);
    expect(result.manifest).toBeNull();
    // wwebjs archives LOCK files too; they are restored as they are.
    const all = await readTree(profile);
    const expected = new Map([...all].filter(([p]) => p.startsWith('Default/IndexedDB/') || p.startsWith('Default/Local Storage/')));
    expect(await readTree(target)).toEqual(expected);
    expect(result.files).toBe(expected.size);
  });

  test('our zip restores with unzipper.Extract exactly as whatsapp-web.js unCompressSession does', async () => {
    const profile = path.join(tmp, 'p');
    await makeProfile(profile);
    const { data, manifest } = await createSessionArchive(profile, { clientId: 'c1' });
    const userDataDir = path.join(tmp, 'RemoteAuth-c1');
    const zipPath = path.join(tmp, 'RemoteAuth-c1.zip');
    await fsp.writeFile(zipPath, data);
    await new Promise<void>((resolve, reject) => {
      createReadStream(zipPath)
        .pipe(unzipper.Extract({ path: userDataDir, concurrency: 10 }))
        .on('error', reject)
        .on('finish', () => resolve());
    });
    // unzipper's 'finish' can precede the last file's close; wait until every file is complete.
    const expected = await expectedSessionFiles(profile);
    const deadline = Date.now() + 10_000;
    let tree = await readTree(userDataDir);
    while (Date.now() < deadline && !sameSessionFiles(tree, expected)) {
      await new Promise((r) => setTimeout(r, 20));
      tree = await readTree(userDataDir);
    }
    expect(tree.get('waweb-manifest.json')).toBeDefined();
    expect(JSON.parse((tree.get('waweb-manifest.json') as Buffer).toString())).toEqual(manifest);
    tree.delete('waweb-manifest.json');
    expect(tree).toEqual(expected);
  });
});

function sameSessionFiles(tree: Map<string, Buffer | 'symlink'>, expected: Map<string, Buffer | 'symlink'>): boolean {
  for (const [p, d] of expected) {
    const got = tree.get(p);
    if (!got || got === 'symlink' || d === 'symlink' || !got.equals(d)) return false;
  }
  return true;
}

describe('readArchiveManifest', () => {
  test('returns the manifest without inflating file data', async () => {
    const profile = path.join(tmp, 'p');
    await makeProfile(profile);
    const { data, manifest } = await createSessionArchive(profile, { clientId: 'c1' });
    expect(await readArchiveManifest(data)).toEqual(manifest);

    // Damage a file entry's data: the manifest is still readable, extraction is not.
    const zip = await makeZip([
      { name: 'waweb-manifest.json', data: JSON.stringify(manifest) },
      { name: `${IDB}/000003.log`, data: randomBytesFrom(3, 10_000), compress: false },
    ]);
    const damaged = Buffer.from(zip);
    const at = damaged.length - 2000;
    damaged[at] = (damaged[at] ?? 0) ^ 0xff;
    expect(await readArchiveManifest(damaged)).toEqual(manifest);
    const { sandbox, target } = await sandboxTarget();
    await expectRejected(extractSessionArchive(damaged, target), ErrorCode.ARCHIVE_CORRUPT, sandbox);
  });
});
