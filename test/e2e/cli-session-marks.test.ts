/**
 * Issue 22, set-aside generations from the command line (`node bin/waweb.js session ...`), against a
 * FileStore folder and a throwaway PostgreSQL: `list` shows each generation's state (and `--json`
 * carries it), `set-aside` and `release` mark one generation, `delete --generation` removes exactly
 * one, `inspect --store --generation` reads a set-aside one.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileStore, PostgresStore, type SessionStore } from '../../src/index';
import { createSessionArchive } from '../../src/session/index';
import { killSessionClis, sessionCli } from '../helpers/cli';
import { startPostgres, type PostgresServer } from '../helpers/postgres';
import { tempDir, type TempDir } from '../helpers/tmp';

const run = sessionCli;
let pg: PostgresServer | undefined;
let tmp: TempDir | undefined;

beforeAll(async () => {
  tmp = await tempDir('waweb-cli-marks-');
  pg = await startPostgres();
}, 120_000);

afterAll(async () => {
  killSessionClis();
  try {
    await pg?.stop();
  } finally {
    await tmp?.remove();
  }
});

async function archive(name: string): Promise<Buffer> {
  const profile = join(tmp!.path, 'profiles', name);
  const idb = join(profile, 'Default', 'IndexedDB', 'https_web.whatsapp.com_0.indexeddb.leveldb');
  await mkdir(idb, { recursive: true });
  await writeFile(join(idb, '000003.log'), `idb ${name}`);
  return (await createSessionArchive(profile, { clientId: 'carol' })).data;
}

interface JsonGeneration {
  generation: number;
  setAside: { reason: string; detail: string; at: string } | null;
  loggedInAt: string | null;
}

async function listJson(url: string, session: string): Promise<JsonGeneration[]> {
  const result = await run(['list', '--store', url, '--session', session, '--json']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return (JSON.parse(result.stdout) as { generations: JsonGeneration[] }).generations;
}

/** The text `list` prints for one generation: its row, from the number on. */
function row(stdout: string, generation: number): string {
  const line = stdout.split('\n').find((l) => new RegExp(`^\\s*${generation}\\s`).test(l));
  expect(line).toBeDefined();
  return line ?? '';
}

const backends: Array<[string, () => { url: string; store: SessionStore }]> = [
  [
    'FileStore',
    () => {
      const directory = join(tmp!.path, `files-${randomBytes(3).toString('hex')}`);
      return { url: `file:${directory}`, store: new FileStore({ directory }) };
    },
  ],
  ['PostgresStore', () => ({ url: pg!.connectionString, store: new PostgresStore({ connectionString: pg!.connectionString }) })],
];

describe.each(backends)('waweb session set-aside / release / delete --generation on a %s', (_name, open) => {
  let url = '';
  let store: SessionStore;
  const session = `carol-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    ({ url, store } = open());
    for (const name of ['one', 'two', 'three']) await store.save(session, await archive(`${name}-${session}`));
  });

  afterAll(async () => {
    await store.delete(session).catch(() => undefined);
    await store.close();
  });

  test('set-aside marks one generation MANUAL with the text as detail; list and inspect show it, --json carries it', async () => {
    const aside = await run(['set-aside', '--store', url, '--session', session, '--generation', '2', '--reason', 'copied mid-write']);
    expect(aside.stderr).toBe('');
    expect(aside.code).toBe(0);
    expect(aside.stdout).toContain('set aside: MANUAL at');
    await store.mark?.(session, 3, { loggedIn: true });

    const listed = await run(['list', '--store', url, '--session', session]);
    expect(listed.code).toBe(0);
    expect(row(listed.stdout, 3)).toMatch(/ logged in at \d{4}-\d\d-\d\dT[\d:.]+Z$/);
    expect(row(listed.stdout, 2)).toMatch(/ set aside: MANUAL at \d{4}-\d\d-\d\dT[\d:.]+Z, copied mid-write$/);
    expect(row(listed.stdout, 1)).toMatch(/ ok$/);

    const stored = await store.list(session);
    expect(await listJson(url, session)).toEqual(
      stored.map((g) => ({
        generation: g.generation,
        createdAt: g.createdAt.toISOString(),
        bytes: g.bytes,
        setAside: g.setAside ? { reason: g.setAside.reason, detail: g.setAside.detail, at: g.setAside.at.toISOString() } : null,
        loggedInAt: g.loggedInAt?.toISOString() ?? null,
      })),
    );
    expect(stored.find((g) => g.generation === 2)?.setAside).toMatchObject({ reason: 'MANUAL', detail: 'copied mid-write' });

    const inspected = await run(['inspect', '--store', url, '--session', session, '--generation', '2']);
    expect(inspected.stderr).toBe('');
    expect(inspected.code).toBe(0);
    expect(inspected.stdout).toMatch(/state: +set aside: MANUAL at \S+, copied mid-write/);
    expect(inspected.stdout).toMatch(/entries: +1 session files/);
    const inspectedJson = await run(['inspect', '--store', url, '--session', session, '--generation', '2', '--json']);
    expect(JSON.parse(inspectedJson.stdout)).toMatchObject({
      ok: true,
      generation: 2,
      setAside: { reason: 'MANUAL', detail: 'copied mid-write' },
      loggedInAt: null,
    });
  });

  test('release makes it restorable again; unknown or bad generations are refused', async () => {
    const released = await run(['release', '--store', url, '--session', session, '--generation', '2']);
    expect(released.stderr).toBe('');
    expect(released.code).toBe(0);
    expect(released.stdout).toContain('released (was set aside: MANUAL)');
    expect((await listJson(url, session)).find((g) => g.generation === 2)?.setAside).toBeNull();
    expect((await store.list(session)).find((g) => g.generation === 2)?.setAside).toBeUndefined();

    const unknown = await run(['set-aside', '--store', url, '--session', session, '--generation', '9']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no generation 9');
    for (const bad of [[], ['--generation', '0'], ['--generation', 'two']]) {
      const refused = await run(['set-aside', '--store', url, '--session', session, ...bad]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('INVALID_OPTION');
      expect(refused.stderr).toContain('--generation');
    }
    expect((await store.list(session)).every((g) => g.setAside === undefined)).toBe(true);
  });

  test('delete --generation removes exactly that one, asks without --yes, and exits 1 once it is gone', async () => {
    const asked = await run(['delete', '--store', url, '--session', session, '--generation', '1']);
    expect(asked.code).toBe(1);
    expect(asked.stderr).toContain('--yes');
    expect((await store.list(session)).map((g) => g.generation)).toEqual([3, 2, 1]);

    const deleted = await run(['delete', '--store', url, '--session', session, '--generation', '1', '--yes']);
    expect(deleted.stderr).toBe('');
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toContain('deleted generation 1');
    expect((await store.list(session)).map((g) => g.generation)).toEqual([3, 2]);

    const again = await run(['delete', '--store', url, '--session', session, '--generation', '1', '--yes']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('no generation 1');
    expect((await store.list(session)).map((g) => g.generation)).toEqual([3, 2]);
  });
});
