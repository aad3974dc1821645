/**
 * Issue 23, point 5: the `waweb session` commands that write a session (import --force, rekey,
 * migrate into a store, delete, set-aside) or log in with it (verify --verify-login) refuse one a
 * worker holds under a live lease, with LEASE_LIVE naming the worker and when its lease ends, unless
 * --force-live. The leases are the ones
 * beside the store (PostgresLeases, table waweb_leases or --leases-table), taken here by
 * `PostgresLeases.acquire` as a worker would.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSessionArchive } from '../../src/session/index';
import { MongoClient } from 'mongodb';
import { EncryptedStore, MongoStore, PostgresStore } from '../../src/index';
import { MongoLeases, PostgresLeases } from '../../src/manager/index';
import { generateEncryptionKey } from '../../src/util/encryption-keys';
import { killSessionClis, sessionCli, type CliRun } from '../helpers/cli';
import { startMongo } from '../helpers/mongo';
import { startPostgres, type PostgresServer } from '../helpers/postgres';
import { tempDir, type TempDir } from '../helpers/tmp';

const KEY = { id: 'k1', key: generateEncryptionKey() };
const ENV = { WAWEB_ENCRYPTION_KEYS: `${KEY.id}:${KEY.key}` };

let pg: PostgresServer;
let tmp: TempDir;
let raw: PostgresStore;
let store: EncryptedStore;
let leases: PostgresLeases;
let archiveFile: string;
let url: string;

beforeAll(async () => {
  pg = await startPostgres();
}, 120_000);
afterAll(async () => {
  await pg?.stop();
});

beforeEach(async () => {
  tmp = await tempDir('waweb-cli-leases-');
  url = `encrypted:${pg.connectionString}`;
  raw = new PostgresStore({ connectionString: pg.connectionString });
  store = new EncryptedStore(raw, { keys: [KEY] });
  leases = new PostgresLeases({ connectionString: pg.connectionString });
  const profile = join(tmp.path, 'profile');
  const idb = join(profile, 'Default', 'IndexedDB', 'https_web.whatsapp.com_0.indexeddb.leveldb');
  await mkdir(idb, { recursive: true });
  await writeFile(join(idb, '000003.log'), 'a chat history line\n'.repeat(40));
  archiveFile = join(tmp.path, 'session.zip');
  await writeFile(archiveFile, (await createSessionArchive(profile, { clientId: 'bot' })).data);
});
afterEach(async () => {
  killSessionClis();
  await Promise.allSettled([store.close(), leases.close()]);
  await tmp.remove();
});

const run = (args: string[]): Promise<CliRun> => sessionCli(args, ENV);

/** Refused with LEASE_LIVE naming `owner` and when the lease ends (`until`, or any time when not given). */
function expectLeaseLive(result: CliRun, owner: string, until?: Date): void {
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('[LEASE_LIVE]');
  expect(result.stderr).toContain(`"${owner}"`);
  if (until) expect(result.stderr).toContain(until.toISOString());
  else expect(result.stderr).toMatch(/until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
}

const generations = async (session: string): Promise<number[]> => (await store.list(session)).map((g) => g.generation);

test('import --force, rekey, migrate, set-aside, delete and verify --verify-login refuse a session under a live lease (LEASE_LIVE); --force-live proceeds', async () => {
  const session = 'RemoteAuth-bot-1';
  const ownerBackup = await readFile(archiveFile);
  await store.save(session, ownerBackup);
  const lease = await leases.acquire('bot-1', 'worker-a', 120_000);
  expect(lease).not.toBeNull();
  const until = lease!.expiresAt;

  expectLeaseLive(await run(['import', archiveFile, '--to', url, '--session', session, '--force']), 'worker-a', until);
  expectLeaseLive(await run(['rekey', '--store', url, '--session', session]), 'worker-a', until);
  expectLeaseLive(
    await run(['migrate', '--from', `folder:${join(tmp.path, 'profile')}`, '--to', url, '--session', session, '--force']),
    'worker-a',
    until,
  );
  expectLeaseLive(await run(['set-aside', '--store', url, '--session', session, '--generation', '1']), 'worker-a', until);
  expectLeaseLive(await run(['delete', '--store', url, '--session', session, '--yes']), 'worker-a', until);
  // The lease's own name finds it too.
  expectLeaseLive(await run(['delete', '--store', url, '--session', 'bot-1', '--yes']), 'worker-a', until);
  // A login from the copy would take the session from its owner: refused before any browser starts.
  expectLeaseLive(await run(['verify', '--store', url, '--session', session, '--verify-login', '--live']), 'worker-a', until);
  expect(await generations(session)).toEqual([1]);
  expect((await store.load(session))?.data.equals(ownerBackup)).toBe(true);
  expect((await store.list(session))[0]?.setAside).toBeUndefined();

  const imported = await run(['import', archiveFile, '--to', url, '--session', session, '--force', '--force-live']);
  expect(imported.code).toBe(0);
  expect(imported.stderr).toContain('worker-a');
  expect(await generations(session)).toEqual([2, 1]);
  const rekeyed = await run(['rekey', '--store', url, '--session', session, '--force-live']);
  expect(rekeyed.code).toBe(0);
  // Already under the current key: rekey rewrites in place what needs it, and adds no generation.
  expect(rekeyed.stdout).toContain('already current 2, 1');
  expect(await generations(session)).toEqual([2, 1]);
  expect((await run(['delete', '--store', url, '--session', session, '--yes', '--force-live'])).code).toBe(0);
  expect(await generations(session)).toEqual([]);
}, 120_000);

test('a released lease, or one in another table, does not stop a write; --leases-table finds it there', async () => {
  const session = 'RemoteAuth-bot-2';
  await store.save(session, Buffer.from('backup'));
  const released = await leases.acquire('bot-2', 'worker-a', 120_000);
  expect(await leases.release(released!)).toBe(true);
  expect((await run(['rekey', '--store', url, '--session', session])).code).toBe(0);
  expect(await generations(session)).toEqual([1]);

  const other = new PostgresLeases({ connectionString: pg.connectionString, table: 'other_leases' });
  try {
    const lease = await other.acquire('bot-2', 'worker-b', 120_000);
    expect((await run(['rekey', '--store', url, '--session', session])).code).toBe(0);
    expect(await generations(session)).toEqual([1]);
    expectLeaseLive(
      await run(['rekey', '--store', url, '--session', session, '--leases-table', 'other_leases']),
      'worker-b',
      lease!.expiresAt,
    );
    expect(await generations(session)).toEqual([1]);
    const wrongFlag = await run(['rekey', '--store', url, '--session', session, '--leases-collection', 'other_leases']);
    expect(wrongFlag.code).toBe(1);
    expect(wrongFlag.stderr).toContain('[INVALID_OPTION]');
  } finally {
    await other.close();
  }
}, 120_000);

test('a mongodb: store: a lease in its database (collection waweb_leases, or --leases-collection) refuses delete and import --force', async () => {
  const mongo = await startMongo();
  const client = new MongoClient(mongo.uri, { serverSelectionTimeoutMS: 5000 });
  try {
    await client.connect();
    const db = client.db(mongo.dbName);
    const storeUrl = new URL(mongo.uri);
    storeUrl.pathname = `/${mongo.dbName}`;
    const murl = storeUrl.toString();
    const mstore = new MongoStore({ client, dbName: mongo.dbName });
    const session = 'RemoteAuth-bot-3';
    await mstore.save(session, Buffer.from('the owner backup'));
    const lease = await new MongoLeases({ db }).acquire('bot-3', 'worker-m', 120_000);
    expect(lease).not.toBeNull();
    expectLeaseLive(await run(['delete', '--store', murl, '--session', session, '--yes']), 'worker-m');
    expectLeaseLive(await run(['import', archiveFile, '--to', murl, '--session', session, '--force']), 'worker-m');
    expect((await mstore.list(session)).length).toBe(1);

    const other = new MongoLeases({ db, collection: 'other_leases' });
    await new MongoLeases({ db }).release(lease!);
    await other.acquire('bot-3', 'worker-n', 120_000);
    expectLeaseLive(
      await run(['delete', '--store', murl, '--session', session, '--yes', '--leases-collection', 'other_leases']),
      'worker-n',
    );
    expect((await mstore.list(session)).length).toBe(1);
    expect((await run(['delete', '--store', murl, '--session', session, '--yes'])).code).toBe(0);
    expect(await mstore.list(session)).toEqual([]);
    await Promise.all([mstore.close(), other.close()]);
  } finally {
    await client.close();
    await mongo.stop();
  }
}, 120_000);
