/**
 * Issue 24, point 2, on the database stores: `EncryptedStore.rekey` over PostgresStore and MongoStore
 * rewrites every kept generation in place (set-aside ones included, their marks sealed again), each
 * write fenced, so that afterwards the retired key opens no stored blob; a rekey carrying a token
 * below the one in force writes nothing (`FENCED`).
 */
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { EncryptedStore, ErrorCode, LeaseError, MongoStore, PostgresStore, type SessionStore } from '../../src/index';
import { keyRing } from '../../src/util/encryption-keys';
import { decryptEnvelope, isEnvelope } from '../../src/util/encryption';
import { startMongo, type MongoServer } from '../helpers/mongo';
import { startPostgres, type PostgresServer } from '../helpers/postgres';

let pg: PostgresServer;
let mongo: MongoServer;
let mongoClient: MongoClient;
const unique = (): string => `t_${process.pid}_${randomBytes(4).toString('hex')}`;
const K1 = { id: 'k1', key: randomBytes(32).toString('base64') };
const K2 = { id: 'k2', key: randomBytes(32).toString('base64') };

beforeAll(async () => {
  [pg, mongo] = await Promise.all([startPostgres(), startMongo()]);
  mongoClient = new MongoClient(mongo.uri, { serverSelectionTimeoutMS: 5000 });
  await mongoClient.connect();
}, 120_000);

afterAll(async () => {
  await mongoClient?.close();
  await Promise.all([pg?.stop(), mongo?.stop()]);
});

const stores: Record<string, () => SessionStore> = {
  postgres: () => new PostgresStore({ connectionString: pg.connectionString, table: unique(), keep: 5 }),
  mongo: () => new MongoStore({ client: mongoClient, dbName: unique(), keep: 5 }),
};

describe.each(Object.keys(stores))('rekey over %s', (kind) => {
  let inner: SessionStore;
  beforeEach(() => {
    inner = stores[kind]!();
  });
  afterEach(async () => {
    await inner.close();
  });

  test('every generation is rewritten in place under the current key; the retired key alone opens none', async () => {
    const id = 'RemoteAuth-bot';
    const old = new EncryptedStore(inner, { keys: [K1] });
    const payloads = [0, 1, 2].map((i) => Buffer.from(`PK backup ${i} ${randomBytes(8).toString('hex')}`));
    for (const p of payloads) await old.save(id, p, { fence: 3 });
    await old.mark!(id, 2, { setAside: { reason: 'REJECTED', detail: 'refused by the page' } });
    await old.mark!(id, 1, { loggedIn: true });
    const before = await inner.list(id);

    const rotated = new EncryptedStore(inner, { keys: [K2, K1] });
    const result = await rotated.rekey(id, { fence: 3 });
    expect(result).toMatchObject({ rewritten: [3, 2, 1], resealed: [2], added: [], pruned: [] });
    const after = await inner.list(id);
    expect(after.map((g) => [g.generation, g.createdAt.getTime(), g.loggedInAt?.getTime()])).toEqual(
      before.map((g) => [g.generation, g.createdAt.getTime(), g.loggedInAt?.getTime()]),
    );

    const retired = keyRing([K1]);
    for (const g of after) {
      const raw = (await inner.load(id, { generation: g.generation }))!.data;
      expect(isEnvelope(raw)).toBe(true);
      expect(() => decryptEnvelope(retired, raw, { purpose: 'store', sessionId: id, generation: g.generation }, 'blob')).toThrow(
        expect.objectContaining({ code: ErrorCode.ENCRYPTION_KEY }),
      );
    }
    const onlyK2 = new EncryptedStore(inner, { keys: [K2] });
    for (const [i, p] of payloads.entries()) expect((await onlyK2.load(id, { generation: i + 1 }))!.data).toEqual(p);
    expect((await onlyK2.list(id)).find((g) => g.generation === 2)?.setAside).toMatchObject({ reason: 'REJECTED' });
  });

  test('a rekey with a token below the one in force is refused FENCED and writes nothing', async () => {
    const id = 'RemoteAuth-fenced';
    const old = new EncryptedStore(inner, { keys: [K1] });
    await old.save(id, Buffer.from('PK the only backup'), { fence: 5 });
    const raw = (await inner.load(id))!.data;
    const err = await new EncryptedStore(inner, { keys: [K2, K1] }).rekey(id, { fence: 4 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(LeaseError);
    expect(err).toMatchObject({ code: ErrorCode.FENCED });
    expect((await inner.load(id))!.data).toEqual(raw);
    expect(await inner.listSessions!()).toContain(id);
  });
});
