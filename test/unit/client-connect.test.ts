/**
 * A browser waweb connects to (browserWSEndpoint/browserURL) cannot use a
 * strategy's own profile: LocalAuth and RemoteAuth refuse it before touching files.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client, FileStore, InvalidOptionError, LocalAuth, NoAuth, RemoteAuth } from '../../src';
import { tempDir } from '../helpers/tmp';

let work: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  work = await tempDir();
});
afterEach(async () => {
  await work.remove();
});

test.each([
  ['LocalAuth', () => new LocalAuth({ clientId: 'c', dataPath: join(work.path, 'auth') })],
  [
    'RemoteAuth',
    () =>
      new RemoteAuth({ store: new FileStore({ directory: join(work.path, 'store') }), clientId: 'c', dataPath: join(work.path, 'auth') }),
  ],
])('%s with puppeteer.browserWSEndpoint is an InvalidOptionError before anything is created', async (_name, make) => {
  const client = new Client({ authStrategy: make(), puppeteer: { browserWSEndpoint: 'ws://127.0.0.1:9/devtools/browser/x' } });
  const err: unknown = await client.initialize().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InvalidOptionError);
  expect((err as InvalidOptionError).code).toBe('INVALID_OPTION');
  expect(existsSync(join(work.path, 'auth'))).toBe(false);
  await client.destroy();
});

test('NoAuth may connect: the failure is about the browser, not the options', async () => {
  const client = new Client({ authStrategy: new NoAuth(), puppeteer: { browserWSEndpoint: 'ws://127.0.0.1:9/devtools/browser/x' } });
  const err: unknown = await client.initialize().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect((err as { code?: string }).code).toBe('BROWSER_FAILED');
  await client.destroy();
});
