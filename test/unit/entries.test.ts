/**
 * Entries by audience: what a bot author loads (`waweb`, `waweb/wwebjs`) brings no dashboard, no
 * metrics library and no database driver; those come with `waweb/dashboard`, and the drivers only
 * when a store or lease connects. Each entry is required in a fresh Node process (the sources,
 * through ts-node) and its require.cache is read.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import * as root from '../../src/index';
import * as manager from '../../src/manager/index';
import * as session from '../../src/session/index';
import * as dashboard from '../../src/serve/index';

const run = promisify(execFile);
const repo = path.resolve(__dirname, '..', '..');
const HEAVY = ['prom-client', 'qrcode', 'pg', 'mongodb'];

/** The heavy packages present in require.cache after requiring `entries` (paths under src/) in a fresh process. */
async function heavyLoadedBy(...entries: string[]): Promise<string[]> {
  const script = `
    for (const entry of ${JSON.stringify(entries)}) require(require('node:path').join(${JSON.stringify(repo)}, 'src', entry));
    const keys = Object.keys(require.cache);
    const heavy = ${JSON.stringify(HEAVY)}.filter((m) => keys.some((k) => k.includes('/node_modules/' + m + '/')));
    console.log(JSON.stringify(heavy));
  `;
  const { stdout } = await run(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { cwd: repo });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '') as string[];
}

test('waweb and waweb/wwebjs load neither prom-client, qrcode, pg nor mongodb', async () => {
  expect(await heavyLoadedBy('index.ts', 'wwebjs/index.ts')).toEqual([]);
}, 60_000);

test('waweb/manager and waweb/session load no driver and no dashboard either', async () => {
  expect(await heavyLoadedBy('manager/index.ts', 'session/index.ts')).toEqual([]);
}, 60_000);

test('waweb/dashboard loads prom-client and qrcode (so the check above can fail)', async () => {
  expect(await heavyLoadedBy('serve/index.ts')).toEqual(['prom-client', 'qrcode']);
}, 60_000);

test('the root exports no browser internals, manager, dashboard or session tools', () => {
  const gone = [
    'claimProfileLock',
    'profileInUse',
    'computeContentHash',
    'keyRing',
    'withFence',
    'SessionManager',
    'PostgresLeases',
    'startDashboard',
    'createMetrics',
    'exportSession',
    'createSessionArchive',
    'generateEncryptionKey',
  ];
  expect(gone.filter((name) => name in root)).toEqual([]);
  expect(typeof root.Client).toBe('function');
  expect(typeof root.RemoteAuth).toBe('function');
  expect(typeof root.EncryptedStore).toBe('function');
});

test('each entry exports what its audience needs', () => {
  expect([manager.SessionManager, manager.PostgresLeases, manager.MongoLeases].map((v) => typeof v)).toEqual(Array(3).fill('function'));
  expect(manager.MANAGED_STATES).toContain('ready');
  expect([dashboard.startDashboard, dashboard.createMetrics].map((v) => typeof v)).toEqual(['function', 'function']);
  const tools = [session.exportSession, session.importSession, session.migrateSession, session.createSessionArchive, session.keyRing];
  expect(tools.map((v) => typeof v)).toEqual(Array(5).fill('function'));
  const ring = session.keyRing([{ id: 'k1', key: session.generateEncryptionKey() }]);
  const file = { purpose: 'file', name: 'ctx' } as const;
  const sealed = session.encryptData(ring, Buffer.from('hi'), file);
  expect(session.isEncrypted(sealed)).toBe(true);
  expect(session.decryptData(ring, sealed, file, 'test').toString()).toBe('hi');
});

test('every package.json export names a file the build makes from an entry under src/', async () => {
  const pkg = (await import('../../package.json')) as { exports: Record<string, string | { types: string; default: string }> };
  const entries = Object.entries(pkg.exports).filter((e): e is [string, { types: string; default: string }] => typeof e[1] !== 'string');
  expect(entries.map(([name]) => name)).toEqual(
    expect.arrayContaining(['.', './manager', './dashboard', './session', './simulator', './testing', './wwebjs']),
  );
  for (const [, target] of entries) {
    const source = target.default.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts');
    expect(existsSync(path.join(repo, source))).toBe(true);
    expect(target.types).toBe(target.default.replace(/\.js$/, '.d.ts'));
  }
});
