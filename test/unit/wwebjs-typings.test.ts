/**
 * Issue 11: TypeScript users of whatsapp-web.js's own typings pass waweb's strategies to its Client
 * without casts (this file is type-checked by `npm run typecheck`), and the strategies check at run
 * time that they were given whatsapp-web.js's Client.
 */
import { Client, type ClientOptions } from 'whatsapp-web.js';
import { Client as WawebClient, type DisconnectReason } from '../../src/index';
import { FileStore, LocalAuth, RemoteAuth } from '../../src/wwebjs';
import { tempDir } from '../helpers/tmp';

test("whatsapp-web.js's Client takes waweb/wwebjs strategies as its typings declare them", async () => {
  const dir = await tempDir('waweb-wwebjs-types-');
  try {
    const remote = new RemoteAuth({
      store: new FileStore({ directory: dir.path }),
      clientId: 'bot-1',
      dataPath: dir.path,
      backupSyncIntervalMs: 300_000,
    });
    const local = new LocalAuth({ clientId: 'bot-2', dataPath: dir.path });
    const options: ClientOptions = { authStrategy: remote, puppeteer: { executablePath: '/nonexistent' } };
    const client = new Client(options);
    // setup(client) ran in the constructor: the strategy holds whatsapp-web.js's client.
    expect(remote.client).toBe(client);
    expect(remote.sessionName).toBe('RemoteAuth-bot-1');
    const other = new Client({ authStrategy: local });
    expect(local.client).toBe(other);
    expect(local.userDataDir).toBe(`${dir.path}/session-bot-2`);
    // Given something else (waweb's own Client passes an AuthHost), the strategy says what it is for.
    expect(() => new LocalAuth({ dataPath: dir.path }).setup({ page: () => undefined })).toThrow(/whatsapp-web\.js's Client/);
  } finally {
    await dir.remove();
  }
});

test("a disconnected listener written against whatsapp-web.js's types takes waweb's reasons, START_TIMEOUT too", () => {
  // Type-checked by `npm run typecheck`: waweb's DisconnectReason stays a union of strings, as a
  // whatsapp-web.js listener (`reason: string`, or the reason inferred) expects.
  const client = new WawebClient();
  const seen: string[] = [];
  const listener = (reason: string): void => {
    seen.push(reason);
  };
  client.on('disconnected', listener);
  client.on('disconnected', (reason) => {
    if (reason === 'START_TIMEOUT' || reason === 'LOGOUT') seen.push(`known ${reason}`);
  });
  const reason: DisconnectReason = 'START_TIMEOUT';
  const asString: string = reason;
  expect(asString).toBe('START_TIMEOUT');
  expect(client.listenerCount('disconnected')).toBe(2);
});
