/**
 * Issue 28, streaming archives: a backup zips into its sink while it reads the profile, a restore
 * receives the archive as a stream; files larger than a chunk round-trip, limits hold mid-stream,
 * and nothing of a truncated or damaged stream becomes the live profile.
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import {
  createSessionArchive,
  extractSessionArchiveStream,
  resolveArchiveLimits,
  writeSessionArchive,
  type SessionArchiveSink,
} from '../../src/archive';
import { restoreSession, type RestoreContext } from '../../src/auth/remote/restore';
import { ArchiveError, ErrorCode, FileStore, RestoreError, StoreError, type WawebError } from '../../src/index';
import { saveStreamTo } from '../../src/stores/stream';
import type { LoadOptions, LoadedSessionStream, SessionStore, StoredGeneration } from '../../src/stores/types';
import { archiverZip, IDB, LS, writeFileAt } from '../helpers/profile-files';
import { treeHash } from '../helpers/remote-auth';
import { tempDir, type TempDir } from '../helpers/tmp';

const MiB = 1024 * 1024;

let tmp: TempDir;
beforeEach(async () => {
  tmp = await tempDir('waweb-archive-stream-');
});
afterEach(async () => {
  await tmp.remove();
});

/** A profile with two files bigger than the 1 MiB read chunk: one incompressible, one that deflates well. */
async function bigProfile(root: string): Promise<string> {
  await writeFileAt(root, `${IDB}/CURRENT`, 'MANIFEST-000001\n');
  await writeFileAt(root, `${IDB}/MANIFEST-000001`, 'manifest');
  await writeFileAt(root, `${IDB}/000005.ldb`, randomBytes(3 * MiB + 17));
  await writeFileAt(root, `${IDB}/000006.log`, Buffer.alloc(2 * MiB + 5, 'chat message '));
  await writeFileAt(root, `${LS}/000003.log`, '_https://web.whatsapp.com\u0000\u0001WAToken1 value');
  return root;
}

/** A sink that keeps the chunks it is handed. */
function collecting(chunks: Buffer[]): SessionArchiveSink<void> {
  return async (zip) => {
    for await (const chunk of zip) chunks.push(chunk as Buffer);
  };
}

/** `data` as a stream of `size`-byte chunks, counting the chunks pulled. */
function chunked(data: Buffer, size: number, pulled = { count: 0 }): Readable {
  return Readable.from(
    (function* () {
      for (let at = 0; at < data.length; at += size) {
        pulled.count++;
        yield data.subarray(at, at + size);
      }
    })(),
  );
}

test('a profile with files larger than a chunk streams out in chunks and back in, byte for byte, with the Buffer API giving the same zip', async () => {
  const profile = await bigProfile(path.join(tmp.path, 'profile'));
  const chunks: Buffer[] = [];
  const now = new Date('2026-12-01T00:00:00Z');
  const written = await writeSessionArchive(profile, collecting(chunks), { clientId: 'big', now });
  const zip = Buffer.concat(chunks);
  expect(written.bytes).toBe(zip.length);
  // Passed a chunk at a time, none of them the whole archive or larger than a read chunk.
  expect(chunks.length).toBeGreaterThan(4);
  expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(MiB);
  expect(written.manifest.files).toBe(5);
  expect((await createSessionArchive(profile, { clientId: 'big', now })).data.equals(zip)).toBe(true);

  const target = path.join(tmp.path, 'restored');
  const extracted = await extractSessionArchiveStream(chunked(zip, 64 * 1024 + 7), target);
  expect(extracted.manifest?.contentHash).toBe(written.manifest.contentHash);
  expect(extracted.archiveBytes).toBe(zip.length);
  expect(await treeHash(target)).toBe(await treeHash(profile));
  // The spool file is gone.
  expect((await fsp.readdir(tmp.path)).sort()).toEqual(['profile', 'restored']);
});

test('a stream longer than maxCompressedBytes stops as soon as it passes it: ARCHIVE_TOO_LARGE, the rest unread, nothing written', async () => {
  const profile = await bigProfile(path.join(tmp.path, 'profile'));
  const { data } = await createSessionArchive(profile, { clientId: 'big' });
  const pulled = { count: 0 };
  const target = path.join(tmp.path, 'restored');
  const err: unknown = await extractSessionArchiveStream(chunked(data, 256 * 1024, pulled), target, {
    maxCompressedBytes: MiB,
  }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ArchiveError);
  expect((err as ArchiveError).code).toBe(ErrorCode.ARCHIVE_TOO_LARGE);
  // 1 MiB is passed in the 5th chunk; the source may have read one chunk ahead.
  expect(pulled.count).toBeLessThanOrEqual(6);
  expect(Math.ceil(data.length / (256 * 1024))).toBeGreaterThan(pulled.count + 4);
  expect(await fsp.readdir(tmp.path)).toEqual(['profile']);
});

test('an archive that inflates past maxUncompressedBytes mid-stream is refused and rolled back', async () => {
  const profile = await bigProfile(path.join(tmp.path, 'profile'));
  const { data } = await createSessionArchive(profile, { clientId: 'big' });
  const target = path.join(tmp.path, 'restored');
  const err: unknown = await extractSessionArchiveStream(chunked(data, 100_000), target, { maxUncompressedBytes: 4 * MiB }).catch(
    (e: unknown) => e,
  );
  expect((err as ArchiveError).code).toBe(ErrorCode.ARCHIVE_TOO_LARGE);
  expect(await fsp.readdir(tmp.path)).toEqual(['profile']);
});

test('a failing archive fails the stream the store reads: a profile without a session, or a sink that fails, stores nothing', async () => {
  const store = new FileStore({ directory: path.join(tmp.path, 'store') });
  const empty = path.join(tmp.path, 'empty');
  await writeFileAt(empty, `${IDB}/000003.log`, '');
  const err: unknown = await writeSessionArchive(empty, (zip) => saveStreamTo(store, 's', zip), { clientId: 'e' }).catch((e: unknown) => e);
  expect((err as ArchiveError).code).toBe(ErrorCode.ARCHIVE_EMPTY);
  expect(await store.list('s')).toEqual([]);

  // A sink that gives up after its first chunk: its error is the one thrown, and the walk stops.
  const profile = await bigProfile(path.join(tmp.path, 'profile'));
  const failing = new StoreError('the backend went away');
  const sinkErr: unknown = await writeSessionArchive(
    profile,
    async (zip) => {
      for await (const chunk of zip) if (chunk) throw failing;
    },
    { clientId: 'p' },
  ).catch((e: unknown) => e);
  expect(sinkErr).toBe(failing);
});

test('a file that vanishes mid-walk fails that attempt’s stream and the archive starts again into a new call of the sink', async () => {
  const profile = await bigProfile(path.join(tmp.path, 'profile'));
  const victim = path.join(profile, ...`${IDB}/000006.log`.split('/'));
  const realOpen = fsp.open.bind(fsp);
  let raced = 0;
  jest.spyOn(fsp, 'open').mockImplementation(async (file, ...rest) => {
    if (String(file) === victim && raced++ === 0) await fsp.unlink(victim);
    return realOpen(file, ...rest);
  });
  const outcomes: string[] = [];
  const store = new FileStore({ directory: path.join(tmp.path, 'store') });
  try {
    const written = await writeSessionArchive(
      profile,
      (zip) =>
        saveStreamTo(store, 's', zip).then(
          (g) => {
            outcomes.push('stored');
            return g;
          },
          (e: unknown) => {
            outcomes.push(`failed:${(e as NodeJS.ErrnoException).code}`);
            throw e;
          },
        ),
      { clientId: 'p' },
    );
    // The store reports the source's failure as its own (`STORE_FAILED`, the vanished file's error as `cause`).
    expect(outcomes).toEqual(['failed:STORE_FAILED', 'stored']);
    expect(written.result.generation).toBe(1);
    expect((await store.list('s')).map((g) => g.generation)).toEqual([1]);
  } finally {
    jest.restoreAllMocks();
  }
});

describe('archives made before streaming still restore from a stream', () => {
  test('a waweb archive made by the Buffer code path (fixture from 63f6eea)', async () => {
    const fixture = await fsp.readFile(path.join(__dirname, '..', 'fixtures', 'archives', 'waweb-v1-63f6eea.zip'));
    const target = path.join(tmp.path, 'restored');
    const extracted = await extractSessionArchiveStream(chunked(fixture, 100), target, { requireManifest: true });
    expect(extracted.manifest).toMatchObject({ clientId: 'fixture', files: 4, bytes: 4468 });
    expect(await fsp.readFile(path.join(target, ...`${IDB}/000003.log`.split('/')), 'utf8')).toBe('idb record '.repeat(400));
  });

  test('a whatsapp-web.js archive (archiver, no manifest)', async () => {
    const profile = await bigProfile(path.join(tmp.path, 'stage'));
    await fsp.rm(path.join(profile, 'Default', 'IndexedDB', 'https_web.whatsapp.com_0.indexeddb.leveldb', '000005.ldb'));
    const target = path.join(tmp.path, 'restored');
    const extracted = await extractSessionArchiveStream(chunked(await archiverZip(profile), 10_000), target);
    expect(extracted.manifest).toBeNull();
    expect(await treeHash(target)).toBe(await treeHash(profile));
  });
});

describe('RemoteAuth restore from a stream', () => {
  const SESSION = 'RemoteAuth-s1';

  /** The FileStore, with `loadStream` handing out what `damage` makes of each generation's bytes. */
  function damaging(store: FileStore, damage: (data: Buffer, generation: number) => Readable): SessionStore {
    const loadStream = async (id: string, options?: LoadOptions): Promise<LoadedSessionStream | null> => {
      const loaded = await store.load(id, options);
      if (!loaded) return null;
      const { data, ...generation } = loaded;
      return { ...generation, stream: damage(data, generation.generation) };
    };
    return new Proxy(store, {
      get(target, key) {
        if (key === 'loadStream') return loadStream;
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  const LOCAL_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

  async function setUp(): Promise<{ store: FileStore; gens: StoredGeneration[]; dataPath: string; userDataDir: string }> {
    const store = new FileStore({ directory: path.join(tmp.path, 'store') });
    for (const content of ['one', 'two']) {
      const profile = path.join(tmp.path, `src-${content}`);
      await writeFileAt(profile, `${IDB}/000003.log`, `idb ${content}`);
      await writeFileAt(profile, `${LS}/000003.log`, `_https://web.whatsapp.com\u0000\u0001WAToken1 ${content}`);
      await store.save(SESSION, (await createSessionArchive(profile, { clientId: 's1' })).data);
    }
    const dataPath = path.join(tmp.path, 'data');
    const userDataDir = path.join(dataPath, SESSION);
    await writeFileAt(userDataDir, `${IDB}/000003.log`, 'idb local');
    return { store, gens: await store.list(SESSION), dataPath, userDataDir };
  }

  /** Where the compressed data of the zip entry `name` starts, from its local file header. */
  function entryDataOffset(zip: Buffer, name: string): number {
    for (let at = zip.indexOf(LOCAL_HEADER); at !== -1; at = zip.indexOf(LOCAL_HEADER, at + 4)) {
      const nameLength = zip.readUInt16LE(at + 26);
      const extraLength = zip.readUInt16LE(at + 28);
      if (zip.toString('utf8', at + 30, at + 30 + nameLength) === name) return at + 30 + nameLength + extraLength;
    }
    throw new Error(`no entry ${name} in the archive`);
  }

  function context(store: SessionStore, dataPath: string, userDataDir: string, reports: WawebError[]): RestoreContext {
    return {
      store,
      sessionName: SESSION,
      dataPath,
      userDataDir,
      limits: resolveArchiveLimits({}),
      storeCall: (_what, call) => call(new AbortController().signal),
      signal: new AbortController().signal,
      report: (e) => reports.push(e),
    };
  }

  test.each([
    ['truncated', (data: Buffer) => chunked(data.subarray(0, Math.floor(data.length / 2)), 200), ErrorCode.ARCHIVE_CORRUPT],
    [
      'damaged mid-way',
      (data: Buffer) => {
        // A byte of a file's compressed data (a byte at a fixed share of the archive can land in a header's
        // date, which nothing reads, and the archive's length moves with its manifest).
        const bad = Buffer.from(data);
        const at = entryDataOffset(bad, `${IDB}/000003.log`);
        bad.writeUInt8((bad.readUInt8(at) ^ 0xff) & 0xff, at);
        return chunked(bad, 200);
      },
      ErrorCode.ARCHIVE_CORRUPT,
    ],
    [
      'failing mid-way',
      (data: Buffer) =>
        Readable.from(
          (function* () {
            yield data.subarray(0, 100);
            throw new Error('connection reset');
          })(),
        ),
      ErrorCode.STORE_FAILED,
    ],
  ])('a %s stream of the newest generation never becomes the profile: the older one is restored instead', async (_label, damage, code) => {
    const { store, gens, dataPath, userDataDir } = await setUp();
    const reports: WawebError[] = [];
    const ctx = context(
      damaging(store, (data, generation) => (generation === 2 ? damage(data) : chunked(data, 200))),
      dataPath,
      userDataDir,
      reports,
    );
    await expect(restoreSession(ctx, gens, undefined)).resolves.toEqual({ generation: 1, from: 'store' });
    expect(reports.map((e) => e.code)).toEqual([code]);
    expect(await fsp.readFile(path.join(userDataDir, ...`${IDB}/000003.log`.split('/')), 'utf8')).toBe('idb one');
    // No staging folder or spool file is left beside the profile.
    expect(await fsp.readdir(dataPath)).toEqual([SESSION]);
  });

  test('when every stream is bad the local profile stays as it was', async () => {
    const { store, gens, dataPath, userDataDir } = await setUp();
    const before = await treeHash(userDataDir);
    const ctx = context(
      damaging(store, (data) => chunked(data.subarray(0, data.length - 30), 50)),
      dataPath,
      userDataDir,
      [],
    );
    const err: unknown = await restoreSession(ctx, gens, undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RestoreError);
    expect((err as RestoreError).attempts.map((a) => a.error.code)).toEqual([ErrorCode.ARCHIVE_CORRUPT, ErrorCode.ARCHIVE_CORRUPT]);
    expect(await treeHash(userDataDir)).toBe(before);
    expect(await fsp.readdir(dataPath)).toEqual([SESSION]);
  });
});
