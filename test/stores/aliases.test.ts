/**
 * The deprecated factory aliases (to be removed next release) still build the same stores as the
 * constructors docs/stores.md uses.
 */
import * as path from 'node:path';
import {
  EncryptedStore,
  FileStore,
  MongoStore,
  PostgresStore,
  WwebjsStoreAdapter,
  createFileStore,
  createMongoStore,
  createPostgresStore,
  encryptStore,
  fromWwebjsStore,
  type WwebjsStore,
} from '../../src/index';
import { generateEncryptionKey } from '../../src/session/index';
import { tempDir } from '../helpers/tmp';

test('createFileStore, createMongoStore, createPostgresStore, encryptStore and fromWwebjsStore build what new X builds', async () => {
  const tmp = await tempDir('waweb-aliases-');
  try {
    const file = createFileStore({ directory: path.join(tmp.path, 'files'), keep: 2 });
    expect(file).toBeInstanceOf(FileStore);
    expect(file.keep).toBe(2);

    // Neither connects before its first call.
    const mongo = createMongoStore({ url: 'mongodb://127.0.0.1:1/none', keep: 4 });
    expect(mongo).toBeInstanceOf(MongoStore);
    expect(mongo.keep).toBe(4);
    const pg = createPostgresStore({ connectionString: 'postgresql://u@127.0.0.1:1/none', table: 'aliases' });
    expect(pg).toBeInstanceOf(PostgresStore);
    expect(pg.table).toBe('aliases');

    const encrypted = encryptStore(file, { keys: [{ id: 'k', key: generateEncryptionKey() }] });
    expect(encrypted).toBeInstanceOf(EncryptedStore);
    expect(encrypted.inner).toBe(file);

    const theirs: WwebjsStore = {
      sessionExists: async () => false,
      save: async () => undefined,
      extract: async () => undefined,
      delete: async () => undefined,
    };
    const adapter = fromWwebjsStore(theirs, { workDir: tmp.path });
    expect(adapter).toBeInstanceOf(WwebjsStoreAdapter);
    expect(adapter.store).toBe(theirs);

    await Promise.all([file.close(), mongo.close(), pg.close(), adapter.close()]);
  } finally {
    await tmp.remove();
  }
});
