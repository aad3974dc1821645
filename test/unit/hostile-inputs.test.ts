/**
 * Issue 14, hostile input: archives (the cases issue 7's suite did not have), identifiers, store
 * options and legacy tokens. Each is a typed error that says what was wrong; nothing is written
 * outside the intended folder and existing data is untouched.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import { extractSessionArchive, readArchiveManifest } from '../../src/archive';
import { ArchiveError, ErrorCode, InvalidOptionError } from '../../src/errors';
import { assertSessionId, PostgresStore, FileStore, LegacySessionAuth, LocalAuth, RemoteAuth } from '../../src/index';
import { seedScript } from '../../src/web/web-page';
import { makeZip, type ZipItem } from '../helpers/zip';
import { tempDir, type TempDir } from '../helpers/tmp';

const IDB = 'Default/IndexedDB/https_web.whatsapp.com_0.indexeddb.leveldb';
const good: ZipItem = { name: `${IDB}/000003.log`, data: 'a session record' };

let tmp: TempDir;
beforeEach(async () => {
  tmp = await tempDir('waweb-hostile-input-');
});
afterEach(async () => {
  await tmp.remove();
});

/** Offsets of every local (PK\3\4) and central (PK\1\2) header. */
function headers(zip: Buffer): { local: number[]; central: number[] } {
  const find = (sig: number): number[] => {
    const out: number[] = [];
    for (let i = 0; i + 4 <= zip.length; i++) if (zip.readUInt32LE(i) === sig) out.push(i);
    return out;
  };
  return { local: find(0x04034b50), central: find(0x02014b50) };
}

async function refused(zip: Buffer, code: ErrorCode, why: RegExp): Promise<void> {
  const sandbox = path.join(tmp.path, `sandbox-${Math.random().toString(36).slice(2)}`);
  await fsp.mkdir(sandbox);
  const err: unknown = await extractSessionArchive(zip, path.join(sandbox, 'profile')).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ArchiveError);
  expect(err).toMatchObject({ code, message: expect.stringMatching(why) });
  expect(await fsp.readdir(sandbox)).toEqual([]);
  expect(await fsp.readdir(tmp.path)).toEqual([path.basename(sandbox)]);
  await fsp.rm(sandbox, { recursive: true });
}

describe('archives', () => {
  test('local and central names that disagree → ARCHIVE_UNSAFE (unzipper and waweb would see different files)', async () => {
    const zip = await makeZip([good, { name: `${IDB}/zzzz.log`, data: 'x' }]);
    const at = zip.indexOf(Buffer.from('zzzz.log'));
    zip.write('../x.log', at, 'latin1'); // the local header only: the central one still says zzzz.log
    await refused(zip, ErrorCode.ARCHIVE_UNSAFE, /different name in its local header/);
  });

  test('an entry flagged as encrypted → ARCHIVE_CORRUPT', async () => {
    const zip = await makeZip([good]);
    const { local, central } = headers(zip);
    zip.writeUInt16LE(zip.readUInt16LE(local[0]! + 6) | 1, local[0]! + 6);
    zip.writeUInt16LE(zip.readUInt16LE(central[0]! + 8) | 1, central[0]! + 8);
    await refused(zip, ErrorCode.ARCHIVE_CORRUPT, /is encrypted/);
  });

  test.each([
    ['a FIFO', 0o010644],
    ['a character device', 0o020644],
    ['a socket', 0o140644],
  ])('%s entry → ARCHIVE_UNSAFE (zip has no hard links; every type but file, folder and symlink is special)', async (_what, mode) => {
    await refused(await makeZip([good, { name: `${IDB}/odd`, data: '', mode }]), ErrorCode.ARCHIVE_UNSAFE, /special file/);
  });

  test('a symlink, then a file written through it → ARCHIVE_UNSAFE at the symlink, before anything is written', async () => {
    const zip = await makeZip([good, { name: `${IDB}/link`, data: '/etc', mode: 0o120777 }, { name: `${IDB}/link/passwd`, data: 'x' }]);
    await refused(zip, ErrorCode.ARCHIVE_UNSAFE, /symlink/);
  });

  test('a NUL in a name → ARCHIVE_UNSAFE', async () => {
    const zip = await makeZip([good, { name: `${IDB}/aXb`, data: 'x' }]);
    let hits = 0;
    for (let i = zip.indexOf('aXb'); i !== -1; i = zip.indexOf('aXb', i + 1), hits++) zip[i + 1] = 0;
    expect(hits).toBe(2);
    await refused(zip, ErrorCode.ARCHIVE_UNSAFE, /control character/);
  });

  const manifest = (extra: Record<string, unknown>): string =>
    JSON.stringify({
      format: 'waweb-session',
      version: 1,
      clientId: 'c',
      createdAt: new Date(0).toISOString(),
      contentHash: '0'.repeat(64),
      files: 1,
      bytes: 16,
      ...extra,
    });

  test('a manifest that lies about files or bytes → ARCHIVE_CORRUPT; one past 64 KiB → ARCHIVE_TOO_LARGE', async () => {
    await refused(
      await makeZip([good, { name: 'waweb-manifest.json', data: manifest({ files: 7 }) }]),
      ErrorCode.ARCHIVE_CORRUPT,
      /manifest says/,
    );
    await refused(
      await makeZip([good, { name: 'waweb-manifest.json', data: manifest({ bytes: 1 }) }]),
      ErrorCode.ARCHIVE_CORRUPT,
      /manifest says/,
    );
    const huge = manifest({ padding: 'x'.repeat(70 * 1024) });
    await refused(await makeZip([good, { name: 'waweb-manifest.json', data: huge }]), ErrorCode.ARCHIVE_TOO_LARGE, /manifest/);
  });

  test('a manifest with __proto__ keys pollutes nothing and is still checked', async () => {
    const text = manifest({}).replace('{', '{"__proto__":{"polluted":true,"files":1},"constructor":{"prototype":{"polluted":true}},');
    const zip = await makeZip([good, { name: 'waweb-manifest.json', data: text }]);
    await expect(readArchiveManifest(zip)).resolves.toMatchObject({ clientId: 'c' });
    await refused(zip, ErrorCode.ARCHIVE_CORRUPT, /contentHash/);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('identifiers and store options', () => {
  const hostileIds = ['../x', 'a/b', 'a\\b', 'a\u0000b', 'x'.repeat(10_000), 'bоt' /* Cyrillic о */, 'ｂot' /* fullwidth */, '', ' bot'];

  test.each(hostileIds.map((id) => [JSON.stringify(id).slice(0, 24), id]))(
    'clientId %s → INVALID_OPTION, no folder made',
    async (_l, id) => {
      const dataPath = path.join(tmp.path, 'data');
      expect(() => new LocalAuth({ clientId: id, dataPath })).toThrow(InvalidOptionError);
      expect(() => new RemoteAuth({ clientId: id, dataPath, store: new FileStore({ directory: path.join(tmp.path, 's') }) })).toThrow(
        InvalidOptionError,
      );
      expect(await fsp.readdir(tmp.path)).toEqual([]);
    },
  );

  test('session ids: separators, NUL, huge, look-alikes and Mongo operators → INVALID_SESSION_ID, nothing stored', async () => {
    const store = new FileStore({ directory: path.join(tmp.path, 'store') });
    for (const id of [...hostileIds.slice(0, 5), { $gt: '' }, { $ne: null }, ['a']] as unknown[]) {
      expect(() => assertSessionId(id as string)).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_SESSION_ID }));
      await expect(store.save(id as string, Buffer.from('x'))).rejects.toMatchObject({ code: ErrorCode.INVALID_SESSION_ID });
      await expect(store.load(id as string)).rejects.toMatchObject({ code: ErrorCode.INVALID_SESSION_ID });
    }
    await store.close();
    expect(await fsp.readdir(tmp.path)).toEqual([]);
  });

  test('a PostgreSQL table name carrying SQL → INVALID_OPTION before any connection', () => {
    for (const table of ['sessions; DROP TABLE users', 'a"b', 'x.y.z', 'sessions--', '']) {
      expect(() => new PostgresStore({ connectionString: 'postgresql://u:pw@127.0.0.1:1/db', table })).toThrow(InvalidOptionError);
    }
  });
});

describe('legacy tokens', () => {
  const real = { WABrowserId: '"id=="', WASecretBundle: '{"key":"k"}', WAToken1: '"t1"', WAToken2: '"1@t2"' };

  test('oversized or non-JSON tokens → INVALID_OPTION naming the token, never echoing it', () => {
    const big = `"${'a'.repeat(20_000)}"`;
    expect(() => new LegacySessionAuth({ session: { ...real, WAToken1: big } })).toThrow(/session\.WAToken1 is 20002 characters/);
    let err: unknown;
    try {
      new LegacySessionAuth({ session: { ...real, WAToken2: 'not json at all' } });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: ErrorCode.INVALID_OPTION, message: expect.stringContaining('session.WAToken2 is not JSON') });
    expect((err as Error).message).not.toContain('not json at all');
  });

  test('script in a token is stored as data, never evaluated', () => {
    const evil = JSON.stringify('</script><script>globalThis.pwned=1</script>"); globalThis.pwned = 2; ("\u2028');
    expect(() => new LegacySessionAuth({ session: { ...real, WAToken1: evil } })).not.toThrow();
    const stored = new Map<string, string>();
    const context = {
      location: { hostname: 'web.whatsapp.com' },
      window: {} as Record<string, unknown>,
      document: { referrer: 'https://whatsapp.com/' },
      localStorage: { setItem: (k: string, v: string) => void stored.set(k, v) },
      globalThis: {} as Record<string, unknown>,
    };
    context.window['top'] = context.window;
    runInNewContext(seedScript({ ...real, WAToken1: evil }), context);
    expect(stored.get('WAToken1')).toBe(evil);
    expect(context.globalThis['pwned']).toBeUndefined();
    expect((context as Record<string, unknown>)['pwned']).toBeUndefined();
  });
});
