/**
 * `waweb session` run as a user runs it: `node bin/waweb.js session ...`, against
 * FileStore folders and a throwaway PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileStore, PostgresStore, type StoredGeneration } from '../../src/index';
import { createSessionArchive, type SessionArchive } from '../../src/session/index';
import { killSessionClis, sessionCli } from '../helpers/cli';
import { startPostgres, type PostgresServer } from '../helpers/postgres';
import { blackHole, freePort, type BlackHole } from '../helpers/ports';
import { tempDir, type TempDir } from '../helpers/tmp';
import { makeZip } from '../helpers/zip';

const run = sessionCli;
const suffix = randomBytes(4).toString('hex');

let pg: PostgresServer | undefined;
let tmp: TempDir | undefined;
let sourceDir = '';
/** The source generations, oldest first, as saved. */
const saved: Array<{ archive: SessionArchive; generation: StoredGeneration }> = [];
const SESSION = `alice-${suffix}`;

async function archiveOf(name: string, content: string, createdAt: Date): Promise<SessionArchive> {
  const profile = join(tmp!.path, 'profiles', name);
  const idb = join(profile, 'Default', 'IndexedDB', 'https_web.whatsapp.com_0.indexeddb.leveldb');
  await mkdir(idb, { recursive: true });
  await mkdir(join(profile, 'Default', 'Local Storage', 'leveldb'), { recursive: true });
  await writeFile(join(idb, '000003.log'), `idb ${content}`);
  await writeFile(join(profile, 'Default', 'Local Storage', 'leveldb', '000003.log'), `ls ${content}`);
  return createSessionArchive(profile, { clientId: 'alice', now: createdAt });
}

async function withPg<T>(fn: (store: PostgresStore) => Promise<T>): Promise<T> {
  const store = new PostgresStore({ connectionString: pg!.connectionString });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function withFiles<T>(directory: string, fn: (store: FileStore) => Promise<T>): Promise<T> {
  const store = new FileStore({ directory });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  tmp = await tempDir('waweb-cli-session-');
  sourceDir = join(tmp.path, 'source');
  pg = await startPostgres();
  // Three generations with different content, so order and identity can be checked.
  await withFiles(sourceDir, async (store) => {
    for (let i = 1; i <= 3; i++) {
      const archive = await archiveOf(`p${i}`, `content ${i}`, new Date(Date.UTC(2024, 0, i)));
      saved.push({ archive, generation: await store.save(SESSION, archive.data) });
    }
  });
}, 120_000);

afterAll(async () => {
  killSessionClis();
  try {
    if (pg && !pg.local) {
      // A shared server: remove what this file wrote.
      await withPg(async (store) => {
        for (const id of [SESSION, `bob-${suffix}`]) await store.delete(id);
      });
    }
  } finally {
    await pg?.stop();
    await tmp?.remove();
  }
});

async function sourceSnapshot(): Promise<Array<[number, string]>> {
  return withFiles(sourceDir, async (store) => {
    const out: Array<[number, string]> = [];
    for (const g of await store.list(SESSION)) {
      const loaded = await store.load(SESSION, { generation: g.generation });
      out.push([g.generation, loaded!.data.toString('base64')]);
    }
    return out;
  });
}

test('inspect prints the manifest of a waweb archive, and says when there is none', async () => {
  const file = join(tmp!.path, 'good.zip');
  const { archive } = saved[2]!;
  await writeFile(file, archive.data);
  const good = await run(['inspect', file]);
  // A plain archive file is read with a warning (issue 24): nothing vouches for where it came from.
  expect(good.stderr).toMatch(/^warning: .*good\.zip is not encrypted[^\n]*\n$/);
  expect(good.code).toBe(0);
  expect(good.stdout).toContain('clientId:    alice');
  expect(good.stdout).toContain(archive.manifest.contentHash);
  expect(good.stdout).toContain(`${archive.data.length} bytes`);
  expect(good.stdout).toMatch(/entries:\s+2 session files/);

  const wwebjs = join(tmp!.path, 'wwebjs.zip');
  await writeFile(
    wwebjs,
    await makeZip([{ name: 'Default/IndexedDB/https_web.whatsapp.com_0.indexeddb.leveldb/000003.log', data: 'idb' }]),
  );
  const plain = await run(['inspect', wwebjs]);
  expect(plain.code).toBe(0);
  expect(plain.stdout).toContain('no manifest (made by whatsapp-web.js)');
  expect(plain.stdout).toMatch(/entries:\s+1 session files/);
});

test('inspect of garbage exits 1 naming ARCHIVE_CORRUPT', async () => {
  const file = join(tmp!.path, 'garbage.zip');
  await writeFile(file, 'this is not a zip at all');
  const result = await run(['inspect', file]);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('ARCHIVE_CORRUPT');
  expect(result.stdout).toBe('');
});

test('list shows the generations newest first, each with its state', async () => {
  const result = await run(['list', '--store', `file:${sourceDir}`, '--session', SESSION]);
  expect(result.code).toBe(0);
  const rows = result.stdout
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\S+)\s+(\d+)\s+ok$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [Number(m[1]), m[2], Number(m[3])]);
  expect(rows).toEqual(
    [...saved].reverse().map(({ generation }) => [generation.generation, generation.createdAt.toISOString(), generation.bytes]),
  );

  const none = await run(['list', '--store', `file:${sourceDir}`, '--session', 'nobody']);
  expect(none.code).toBe(1);
  expect(none.stdout).toContain('no backups of session nobody');
});

test('migrate file -> postgres copies the newest generation byte for byte and leaves the source alone', async () => {
  const before = await sourceSnapshot();
  const result = await run(['migrate', '--from', `file:${sourceDir}`, '--to', pg!.connectionString, '--session', SESSION]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('copied 1 generation(s)');
  await withPg(async (store) => {
    const list = await store.list(SESSION);
    expect(list).toHaveLength(1);
    const loaded = await store.load(SESSION);
    expect(loaded!.data.equals(saved[2]!.archive.data)).toBe(true);
  });
  expect(await sourceSnapshot()).toEqual(before);

  // A second run would stack copies on the destination's newest: refused without --force.
  const again = await run(['migrate', '--from', `file:${sourceDir}`, '--to', pg!.connectionString, '--session', SESSION]);
  expect(again.code).toBe(1);
  expect(again.stderr).toContain('INVALID_OPTION');
  expect(again.stderr).toContain('--force');
  await withPg(async (store) => expect(await store.list(SESSION)).toHaveLength(1));
});

test('migrate --all copies every kept generation oldest first', async () => {
  const bob = `bob-${suffix}`;
  // Same content under another id, so the destination has no history for it.
  await withFiles(sourceDir, async (store) => {
    for (const { archive } of saved) await store.save(bob, archive.data);
  });
  const result = await run(['migrate', '--from', `file:${sourceDir}`, '--to', pg!.connectionString, '--session', bob, '--all']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('copied 3 generation(s)');
  await withPg(async (store) => {
    const list = await store.list(bob);
    expect(list.map((g) => g.generation)).toEqual([3, 2, 1]);
    for (let i = 0; i < 3; i++) {
      const loaded = await store.load(bob, { generation: i + 1 });
      expect(loaded!.data.equals(saved[i]!.archive.data)).toBe(true);
    }
    // The newest is the source's newest.
    expect((await store.load(bob))!.data.equals(saved[2]!.archive.data)).toBe(true);
  });
  await withFiles(sourceDir, async (store) => expect((await store.list(bob)).map((g) => g.generation)).toEqual([3, 2, 1]));
});

test('bad store URLs exit 1 and list the supported forms', async () => {
  for (const url of ['ftp://user:secret@host/x', 'no-scheme', 'file:', 'file://', 'file:///', 'postgres://[bad']) {
    const result = await run(['list', '--store', url, '--session', SESSION]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('INVALID_OPTION');
    expect(result.stderr).toContain('supported forms: file:/abs/dir, file:./rel/dir, postgres://');
    expect(result.stderr).not.toContain('secret');
  }
  const missing = await run(['migrate', '--from', `file:${sourceDir}`, '--session', SESSION]);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain('--to is required');
});

describe('issue 7: no store call hangs, no input is read without bound', () => {
  let hole: BlackHole | undefined;
  beforeAll(async () => {
    hole = await blackHole();
  });
  afterAll(async () => {
    await hole?.close();
  });

  test('list and migrate against a PostgreSQL that accepts and never answers exit 1 with TIMEOUT naming connectTimeoutMs, in seconds', async () => {
    const url = `postgres://waweb:secret@127.0.0.1:${hole!.port}/waweb`;
    for (const args of [
      ['list', '--store', url, '--session', SESSION],
      ['migrate', '--from', `file:${sourceDir}`, '--to', url, '--session', SESSION],
    ]) {
      const started = Date.now();
      const result = await run(args);
      expect(Date.now() - started).toBeLessThan(30_000); // the defect: still waiting after 100 s
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('[TIMEOUT]');
      expect(result.stderr).toContain('connectTimeoutMs');
      expect(result.stderr).not.toContain('secret');
    }
    expect(hole!.accepted).toBeGreaterThan(0);
  });

  test('a MongoDB URL whose port refuses connections is reported unreachable in seconds, not after 30', async () => {
    const port = await freePort();
    const started = Date.now();
    const result = await run(['list', '--store', `mongodb://127.0.0.1:${port}/waweb`, '--session', SESSION]);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('[STORE_UNREACHABLE]');
  });

  test('inspect /dev/zero stops at the archive size limit with ARCHIVE_TOO_LARGE', async () => {
    const result = await run(['inspect', '/dev/zero']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ARCHIVE_TOO_LARGE');
    expect(result.stderr).toContain('maxCompressedBytes');
  });

  test('inspect refuses an archive that holds no session (an empty zip, a manifest alone) with ARCHIVE_EMPTY', async () => {
    for (const [name, zip] of [
      ['empty.zip', await makeZip([])],
      ['preferences.zip', await makeZip([{ name: 'Default/Preferences', data: '{}' }])],
    ] as const) {
      const file = join(tmp!.path, name);
      await writeFile(file, zip);
      const result = await run(['inspect', file]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('ARCHIVE_EMPTY');
    }
  });
});
