/**
 * Issue 12, acceptance 2: a whatsapp-web.js 1.34.7 LocalAuth folder moves with `waweb session migrate`
 * into MongoDB (the offline server), where waweb's RemoteAuth restores it with no QR; then MongoDB →
 * PostgreSQL → a `file:` store, each copy verified by the command, every source unchanged (hashes
 * before and after), and the last copy logs in too.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { MongoStore, PostgresStore, FileStore, RemoteAuth, type SessionStore } from '../../src/index';
import { killSessionClis, sessionCli } from '../helpers/cli';
import { ClientHarness } from '../helpers/client';
import { startMongo, type MongoServer } from '../helpers/mongo';
import { startPostgres, type PostgresServer } from '../helpers/postgres';
import { treeHash } from '../helpers/remote-auth';
import { useSimulatorHarnesses } from '../helpers/use-simulator';
import { WwebjsHarness } from '../helpers/wwebjs';

let mongo: MongoServer;
let pg: PostgresServer;
beforeAll(async () => {
  [mongo, pg] = await Promise.all([startMongo(), startPostgres()]);
}, 120_000);
afterEach(() => killSessionClis());
afterAll(async () => {
  await Promise.allSettled([mongo?.stop(), pg?.stop()]);
});

const env = useSimulatorHarnesses('waweb-session-migrate-', (sim, dir) => ({
  wwebjs: new WwebjsHarness(sim, dir),
  waweb: new ClientHarness(sim, dir),
}));

/** Every stored generation's number and sha256: what "the source is untouched" compares. */
async function storeHash(store: SessionStore, session: string): Promise<string[]> {
  const out: string[] = [];
  for (const g of await store.list(session)) {
    const loaded = await store.load(session, { generation: g.generation });
    out.push(`${g.generation}:${createHash('sha256').update(loaded!.data).digest('hex')}`);
  }
  return out;
}

test('whatsapp-web.js LocalAuth folder → MongoDB → PostgreSQL → file store: verified, sources unchanged, logs in from each end', async () => {
  const number = '15556300001';
  const session = 'RemoteAuth-mig';
  const phone = env.sim.phone(number);
  const scan = (qr: string): void => void phone.scan(qr).catch(() => undefined);

  // Paired by whatsapp-web.js's own LocalAuth, then stopped.
  const dataPath = join(env.work.path, '.wwebjs_auth');
  const own = env.wwebjs.start(env.wwebjs.localAuth('mig', dataPath), { onQr: scan });
  await own.next('ready');
  await env.wwebjs.stop(own.client);
  const folder = join(dataPath, 'session-mig');
  const folderBefore = await treeHash(folder);

  const mongoUrl = new URL(mongo.uri);
  mongoUrl.pathname = `/${mongo.dbName}`;
  const toMongo = await sessionCli(['migrate', '--from', `folder:${folder}`, '--to', mongoUrl.toString(), '--session', session]);
  expect(toMongo.stderr).toBe('');
  expect(toMongo.code).toBe(0);
  expect(toMongo.stdout).toContain('restores into a scratch profile');
  expect(await treeHash(folder)).toBe(folderBefore);

  // waweb's RemoteAuth restores it from MongoDB: ready, no QR, the same linked device.
  const { MongoClient } = await import('mongodb');
  const client = new MongoClient(mongo.uri);
  await client.connect();
  const mongoStore = new MongoStore({ client, dbName: mongo.dbName });
  const pgStore = new PostgresStore({ connectionString: pg.connectionString });
  const fileStore = new FileStore({ directory: join(env.work.path, 'file-store') });
  try {
    const [device] = phone.devices();
    const restored = await env.waweb.start({
      options: { authStrategy: new RemoteAuth({ store: mongoStore, clientId: 'mig', dataPath: join(env.work.path, 'm1') }) },
    });
    await restored.until('ready');
    expect(restored.count('qr')).toBe(0);
    await restored.client.destroy();
    expect(phone.devices().map((d) => d.id)).toEqual([device!.id]);

    // MongoDB → PostgreSQL → file store, every generation, each source unchanged.
    const mongoBefore = await storeHash(mongoStore, session);
    const toPg = await sessionCli(['migrate', '--from', mongoUrl.toString(), '--to', pg.connectionString, '--session', session, '--all']);
    expect(toPg.code).toBe(0);
    expect(await storeHash(mongoStore, session)).toEqual(mongoBefore);
    const pgBefore = await storeHash(pgStore, session);
    expect(pgBefore).toHaveLength(mongoBefore.length);
    const fileUrl = `file:${join(env.work.path, 'file-store')}`;
    const toFile = await sessionCli(['migrate', '--from', pg.connectionString, '--to', fileUrl, '--session', session, '--all']);
    expect(toFile.code).toBe(0);
    expect(await storeHash(pgStore, session)).toEqual(pgBefore);
    // Same bytes at every hop (generation numbers are each store's own).
    const shas = (list: string[]): string[] => list.map((x) => x.split(':')[1]!);
    expect(shas(await storeHash(fileStore, session))).toEqual(shas(mongoBefore));
    // A second run without --force is refused and changes nothing.
    const again = await sessionCli(['migrate', '--from', pg.connectionString, '--to', fileUrl, '--session', session]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('--force');

    // Second-level verification through the command: refused while the session looks live, then the
    // copy logs in against the simulator (WAWEB_CHROMIUM_ARGS) without a QR; the store is only read.
    const fileBefore = await storeHash(fileStore, session);
    const chromium = { WAWEB_CHROMIUM_ARGS: JSON.stringify(env.sim.chromiumArgs()) };
    const refused = await sessionCli(['verify', '--store', fileUrl, '--session', session, '--verify-login'], chromium);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('looks live');
    const login = await sessionCli(['verify', '--store', fileUrl, '--session', session, '--verify-login', '--live', '--json'], chromium);
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    expect(JSON.parse(login.stdout)).toMatchObject({ ok: true, login: { ok: true, message: expect.stringContaining(`${number}@c.us`) } });
    expect(await storeHash(fileStore, session)).toEqual(fileBefore);

    // The last copy logs in.
    const last = await env.waweb.start({
      options: { authStrategy: new RemoteAuth({ store: fileStore, clientId: 'mig', dataPath: join(env.work.path, 'f1') }) },
    });
    await last.until('ready');
    expect(last.count('qr')).toBe(0);
  } finally {
    await Promise.allSettled([mongoStore.close(), pgStore.close(), fileStore.close()]);
    await client.close();
  }
});
