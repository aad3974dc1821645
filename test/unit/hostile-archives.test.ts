/**
 * Issue 7: a bad backup never costs a good session. Each hostile archive an outside test found
 * accepted (or failing untyped) is fed to extraction, manifest reading and RemoteAuth's restore:
 * every one is refused with its typed code, nothing is written outside the target, and the good
 * older generation (or the stamped local copy) is what the session starts from, byte for byte.
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ArchiveError, ErrorCode, FileStore, RemoteAuth, RestoreError, type SessionStore } from '../../src/index';
import { computeContentHash } from '../../src/archive';
import { createSessionArchive, extractSessionArchive, readArchiveFile, readArchiveManifest } from '../../src/session/index';
import { EntryMeter, type PlannedEntry } from '../../src/archive/zip-read';
import type { AuthHost } from '../../src/auth/strategy';
import { instrument, treeHash } from '../helpers/remote-auth';
import { makeZip, patchName } from '../helpers/zip';
import { IDB, LS, writeFileAt } from '../helpers/profile-files';

const SESSION = 'RemoteAuth-h1';
/** A restore that takes longer than this is hanging or grinding, not refusing (the defects took 54 s and more). */
const BOUND_MS = 10_000;

let tmp: string;
let dataPath: string;
let store: FileStore;

beforeEach(async () => {
  tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'waweb-hostile-'));
  dataPath = path.join(tmp, 'data');
  store = new FileStore({ directory: path.join(tmp, 'store'), keep: 10 });
});
afterEach(async () => {
  await store.close();
  await fsp.rm(tmp, { recursive: true, force: true });
});

/** A good session archive holding `marker`. */
async function goodArchive(marker: string): Promise<Buffer> {
  const profile = await fsp.mkdtemp(path.join(tmp, 'src-'));
  await writeFileAt(profile, `${IDB}/000003.log`, `idb:${marker}`);
  await writeFileAt(profile, `${LS}/000003.log`, `_https://web.whatsapp.com\u0000\u0001WAToken:${marker}`);
  const { data } = await createSessionArchive(profile, { clientId: 'h1' });
  await fsp.rm(profile, { recursive: true, force: true });
  return data;
}

/** What `archive` restores to, as a tree hash of its `Default/` folder. */
async function restoredTree(archive: Buffer): Promise<string> {
  const dir = path.join(tmp, `expected-${Math.random().toString(16).slice(2)}`);
  await extractSessionArchive(archive, dir);
  const hash = await treeHash(path.join(dir, 'Default'));
  await fsp.rm(dir, { recursive: true, force: true });
  return hash;
}

function manifestJson(fields: Record<string, unknown>): string {
  return JSON.stringify({
    format: 'waweb-session',
    version: 1,
    clientId: 'h1',
    createdAt: new Date().toISOString(),
    contentHash: computeContentHash([]),
    files: 0,
    bytes: 0,
    ...fields,
  });
}

/** A zip whose only entry inflates `actual` bytes of zeros while both its headers declare `declared`. */
async function underDeclared(actual: number, declared: number): Promise<Buffer> {
  const zip = Buffer.from(await makeZip([{ name: `${IDB}/000003.log`, data: Buffer.alloc(actual) }]));
  zip.writeUInt32LE(declared, 22);
  const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  zip.writeUInt32LE(declared, central + 24);
  return zip;
}

const sessionData = [
  { name: `${IDB}/000003.log`, data: 'idb:hostile' },
  { name: `${LS}/000003.log`, data: '_https://web.whatsapp.com\u0000\u0001k' },
];

/** The defects of issue 7, one archive each: [defect, what it is, the code it must give, the archive]. */
const HOSTILE: Array<[string, string, ErrorCode, () => Promise<Buffer>]> = [
  [
    '1',
    'a path segment over 255 bytes',
    ErrorCode.ARCHIVE_UNSAFE,
    () => makeZip([...sessionData, { name: `${IDB}/${'a'.repeat(300)}`, data: 'x' }]),
  ],
  [
    '1',
    '3,000 nested folders',
    ErrorCode.ARCHIVE_UNSAFE,
    () => makeZip([...sessionData, { name: `${IDB}/${'d/'.repeat(3000)}f`, data: 'x' }]),
  ],
  ['3', 'an empty zip', ErrorCode.ARCHIVE_EMPTY, () => makeZip([])],
  [
    '3',
    'a manifest and nothing else (0 files, matching hash)',
    ErrorCode.ARCHIVE_EMPTY,
    () => makeZip([{ name: 'waweb-manifest.json', data: manifestJson({}) }]),
  ],
  ['3', 'only Default/Preferences', ErrorCode.ARCHIVE_EMPTY, () => makeZip([{ name: 'Default/Preferences', data: '{"profile":{}}' }])],
  [
    '3',
    "files in the session folders, none of them the app's",
    ErrorCode.ARCHIVE_EMPTY,
    () =>
      makeZip([
        { name: 'Default/IndexedDB/https_example.org_0.indexeddb.leveldb/000003.log', data: 'other origin' },
        { name: `${IDB}/000003.log`, data: '' },
        { name: `${LS}/000003.log`, data: '_https://example.org\u0000\u0001k' },
      ]),
  ],
  [
    '4',
    '20,000 empty folders (0 bytes inflated)',
    ErrorCode.ARCHIVE_TOO_LARGE,
    // Folders first: yazl recurses once per ready entry queued behind a compressed one.
    () => makeZip([...Array.from({ length: 20_000 }, (_, i) => ({ name: `${IDB}/d${i}/`, dir: true })), ...sessionData]),
  ],
  ['5', 'an entry inflating 64 MiB while declaring 1 byte', ErrorCode.ARCHIVE_CORRUPT, () => underDeclared(64 * 1024 * 1024, 1)],
  [
    '6',
    'a C1 control character (U+0085) in a name',
    ErrorCode.ARCHIVE_UNSAFE,
    async () => patchName(await makeZip([...sessionData, { name: `${IDB}/aXXb`, data: 'x' }]), 'XX', '\u0085'),
  ],
  [
    '6',
    'café written composed and decomposed',
    ErrorCode.ARCHIVE_UNSAFE,
    () => makeZip([...sessionData, { name: `${IDB}/caf\u00e9`, data: '1' }, { name: `${IDB}/cafe\u0301`, data: '2' }]),
  ],
  [
    '6',
    'an over-long name outside the session folders',
    ErrorCode.ARCHIVE_UNSAFE,
    () => makeZip([...sessionData, { name: `Default/Cache/${'c'.repeat(300)}`, data: 'x' }]),
  ],
];

describe('extraction refuses each hostile archive with its code, writing nothing', () => {
  test.each(HOSTILE)('defect %s: %s → %s', async (_defect, _what, code, make) => {
    const archive = await make();
    const sandbox = path.join(tmp, 'sandbox');
    await fsp.mkdir(sandbox);
    const started = Date.now();
    const err: unknown = await extractSessionArchive(archive, path.join(sandbox, 'out'), { maxUncompressedBytes: 32 * 1024 * 1024 }).catch(
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeLessThan(BOUND_MS);
    expect(err).toBeInstanceOf(ArchiveError);
    expect((err as ArchiveError).code).toBe(code);
    expect(await fsp.readdir(sandbox)).toEqual([]);
  });

  test('defect 1: whether an archive is refused does not depend on the length of the target path', async () => {
    const archive = await makeZip([...sessionData, { name: `${IDB}/${'a'.repeat(300)}`, data: 'x' }]);
    for (const depth of [1, 40]) {
      const target = path.join(tmp, ...Array.from({ length: depth }, (_, i) => `level-${i}-${'p'.repeat(50)}`), 'out');
      await expect(extractSessionArchive(archive, target)).rejects.toMatchObject({ code: ErrorCode.ARCHIVE_UNSAFE });
    }
    // A good archive into a target so deep that no entry fits beneath it: typed, not a raw ENAMETOOLONG.
    let deep = tmp;
    for (let i = 0; Buffer.byteLength(deep) < 4040; i++) deep = path.join(deep, `l${i}-${'q'.repeat(40)}`);
    const err: unknown = await extractSessionArchive(await goodArchive('x'), deep).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArchiveError);
    expect((err as ArchiveError).code).toBe(ErrorCode.ARCHIVE_UNSAFE);
    // Every folder the call made on the way down is gone again.
    expect((await fsp.readdir(tmp)).filter((n) => n.startsWith('l0-'))).toEqual([]);
  });

  test('defect 5: an entry meter never passes on a byte past the declared size', async () => {
    const planned = { relPath: `${IDB}/000003.log`, kind: 'file', entry: { uncompressedSize: 10 } } as unknown as PlannedEntry;
    let passed = 0;
    const sink = new PassThrough();
    sink.on('data', (c: Buffer) => (passed += c.length));
    const source = Readable.from([Buffer.alloc(6), Buffer.alloc(6), Buffer.alloc(1024 * 1024)]);
    const err: unknown = await pipeline(source, new EntryMeter(planned, []), sink).catch((e: unknown) => e);
    expect((err as ArchiveError).code).toBe(ErrorCode.ARCHIVE_CORRUPT);
    expect(passed).toBeLessThanOrEqual(10);
  });

  test('defect 6: a name check covers every C1 control character; names are refused in the manifest reader too', async () => {
    for (const c of ['\u0080', '\u0085', '\u009f']) {
      const zip = patchName(await makeZip([...sessionData, { name: `${IDB}/aXXb`, data: 'x' }]), 'XX', c);
      await expect(readArchiveManifest(zip)).rejects.toMatchObject({ code: ErrorCode.ARCHIVE_UNSAFE });
    }
  });

  test('defect 7: readArchiveManifest applies maxEntries like extract (default 100,000)', async () => {
    const zip = await makeZip([...sessionData, ...Array.from({ length: 30 }, (_, i) => ({ name: `Default/x${i}`, data: '' }))]);
    await expect(readArchiveManifest(zip, { maxEntries: 10 })).rejects.toMatchObject({ code: ErrorCode.ARCHIVE_TOO_LARGE });
    await expect(readArchiveManifest(zip)).resolves.toBeNull();
  });
});

describe('restore: a hostile newest generation over a good older one', () => {
  const profileOf = (): string => path.join(dataPath, SESSION);

  async function start(inner: SessionStore = store): Promise<{ auth: RemoteAuth; errors: Error[]; ms: number; result: unknown }> {
    const errors: Error[] = [];
    const host: AuthHost = { page: () => undefined, emitSessionSaved: () => undefined, emitError: (e) => errors.push(e) };
    const auth = new RemoteAuth({ store: inner, clientId: 'h1', dataPath });
    auth.setup(host);
    const started = Date.now();
    const result: unknown = await auth.beforeBrowserInitialized({}).catch((e: unknown) => e);
    const ms = Date.now() - started;
    await auth.destroy();
    return { auth, errors, ms, result };
  }

  /** Everything under `tmp` except the store and the profile: must stay as it was. */
  async function outside(): Promise<string[]> {
    return (await fsp.readdir(tmp)).sort();
  }

  test.each(HOSTILE)(
    'defect %s: %s: the older generation is restored byte for byte, the failure reported as %s',
    async (_d, _w, code, make) => {
      const good = await goodArchive('gen1');
      await store.save(SESSION, good);
      await store.save(SESSION, await make());
      await fsp.mkdir(dataPath);
      const before = await outside();
      const { errors, ms, result } = await start();
      expect(result).toEqual(expect.objectContaining({ userDataDir: profileOf() }));
      expect(ms).toBeLessThan(BOUND_MS);
      expect(await treeHash(path.join(profileOf(), 'Default'))).toBe(await restoredTree(good));
      expect(errors.map((e) => (e as ArchiveError).code)).toEqual([code]);
      expect(await fsp.readdir(dataPath)).toEqual([SESSION]);
      expect(await outside()).toEqual(before);
    },
  );

  test.each(HOSTILE)(
    'defect %s: %s: with only that generation stored, a stamped local copy is kept as it was',
    async (_d, _w, code, make) => {
      await writeFileAt(profileOf(), `${IDB}/000003.log`, 'idb:local');
      await writeFileAt(
        profileOf(),
        'waweb-remote.json',
        JSON.stringify({ sessionName: SESSION, generation: 7, createdAt: '2020-01-01T00:00:00.000Z' }),
      );
      await store.save(SESSION, await make());
      const local = await treeHash(profileOf());
      const { errors, ms, result } = await start();
      expect(result).toEqual(expect.objectContaining({ userDataDir: profileOf() }));
      expect(ms).toBeLessThan(BOUND_MS);
      expect(await treeHash(profileOf())).toBe(local);
      expect(errors.map((e) => (e as ArchiveError).code)).toEqual([code]);
    },
  );

  test('with nothing usable the start fails with a RestoreError listing every generation tried and why', async () => {
    await store.save(SESSION, await makeZip([]));
    await store.save(SESSION, Buffer.from('not a zip'));
    const { result } = await start();
    expect(result).toBeInstanceOf(RestoreError);
    expect((result as RestoreError).code).toBe(ErrorCode.RESTORE_FAILED);
    expect((result as RestoreError).attempts.map((a) => [a.generation, a.error.code])).toEqual([
      [2, ErrorCode.ARCHIVE_CORRUPT],
      [1, ErrorCode.ARCHIVE_EMPTY],
    ]);
    expect(await fsp.readdir(dataPath)).toEqual([]);
  });

  test('defect 1: a newest generation over maxCompressedBytes (a sparse 2.1 GiB file) is never read; the older one is restored', async () => {
    const good = await goodArchive('gen1');
    await store.save(SESSION, good);
    await store.save(SESSION, Buffer.from('placeholder'));
    const big = path.join(tmp, 'store', SESSION, '0000000002.zip');
    await fsp.truncate(big, Math.floor(2.1 * 1024 * 1024 * 1024));
    const counted = instrument(store);
    const { errors, ms } = await start(counted);
    expect(ms).toBeLessThan(BOUND_MS);
    expect(counted.calls.load).toBe(1); // generation 1 only
    expect(await treeHash(path.join(profileOf(), 'Default'))).toBe(await restoredTree(good));
    expect(errors.map((e) => (e as ArchiveError).code)).toEqual([ErrorCode.ARCHIVE_TOO_LARGE]);
  });

  test('defect 5: a store that cannot tell the size up front is refused by load({ maxBytes }) before reading', async () => {
    await store.save(SESSION, Buffer.from('placeholder'));
    await fsp.truncate(path.join(tmp, 'store', SESSION, '0000000001.zip'), 1024 * 1024 * 1024);
    const rss = process.memoryUsage().rss;
    await expect(store.load(SESSION, { maxBytes: 1024 })).rejects.toMatchObject({ code: ErrorCode.DATA_TOO_LARGE });
    expect(process.memoryUsage().rss - rss).toBeLessThan(256 * 1024 * 1024);
  });
});

describe('files and small defects', () => {
  test('defect 5: reading /dev/zero as an archive stops at maxCompressedBytes + 1', async () => {
    await expect(readArchiveFile('/dev/zero', { maxCompressedBytes: 1024 * 1024 })).rejects.toMatchObject({
      code: ErrorCode.ARCHIVE_TOO_LARGE,
    });
    const file = path.join(tmp, 'big.zip');
    await fsp.writeFile(file, Buffer.alloc(4096));
    await expect(readArchiveFile(file, { maxCompressedBytes: 4095 })).rejects.toMatchObject({ code: ErrorCode.ARCHIVE_TOO_LARGE });
    expect(
      createHash('sha256')
        .update(await readArchiveFile(file, { maxCompressedBytes: 4096 }))
        .digest('hex'),
    ).toBe(createHash('sha256').update(Buffer.alloc(4096)).digest('hex'));
  });

  test('defect 7: createSessionArchive takes the one clientId rule (1 to 100 of letters, digits, _ and -)', async () => {
    const profile = path.join(tmp, 'p');
    await writeFileAt(profile, `${IDB}/000003.log`, 'idb');
    for (const clientId of ['a'.repeat(101), 'a'.repeat(70_000), '', 'a b']) {
      await expect(createSessionArchive(profile, { clientId })).rejects.toMatchObject({ code: ErrorCode.INVALID_OPTION });
    }
    const { data } = await createSessionArchive(profile, { clientId: 'a'.repeat(100) });
    expect((await readArchiveManifest(data))?.clientId).toBe('a'.repeat(100));
  });

  test('defect 7: a dataPath (or userDataDir) containing NUL is refused at construction', () => {
    expect(() => new RemoteAuth({ store, dataPath: 'a\u0000b' })).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_OPTION }));
    expect(() => new FileStore({ directory: 'a\u0000b' })).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_OPTION }));
  });
});
