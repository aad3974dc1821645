/**
 * Session stores named by plain data, so that a test can describe a store to a
 * child process (test/helpers/remote-child.ts) and open the same backend itself
 * to look at what the child saved.
 */
import { MongoStore, PostgresStore, FileStore, type SessionStore } from '../../src/index';

export type ChildStoreConfig =
  | { kind: 'file'; directory: string }
  | { kind: 'mongo'; uri: string; dbName: string }
  | { kind: 'postgres'; connectionString: string; table?: string }
  /** The real wwebjs-mongo 1.1.0 `MongoStore({ mongoose })`, passed to RemoteAuth unchanged. */
  | { kind: 'wwebjs-mongo'; uri: string; dbName: string };

export interface OpenedStore<S = SessionStore> {
  store: S;
  /** Closes the store and the connection opened for it. */
  close(): Promise<void>;
}

/** Opens one of waweb's own stores on the backend `config` names. */
export async function openSessionStore(config: Exclude<ChildStoreConfig, { kind: 'wwebjs-mongo' }>): Promise<OpenedStore> {
  switch (config.kind) {
    case 'file': {
      const store = new FileStore({ directory: config.directory });
      return { store, close: () => store.close() };
    }
    case 'mongo': {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only for Mongo configurations
      const { MongoClient } = require('mongodb') as typeof import('mongodb');
      const client = new MongoClient(config.uri, { serverSelectionTimeoutMS: 5_000, serverMonitoringMode: 'poll' });
      await client.connect();
      const store = new MongoStore({ client, dbName: config.dbName });
      return {
        store,
        close: async () => {
          await store.close();
          await client.close();
        },
      };
    }
    case 'postgres': {
      const store = new PostgresStore({ connectionString: config.connectionString, ...(config.table ? { table: config.table } : {}) });
      return { store, close: () => store.close() };
    }
  }
}
