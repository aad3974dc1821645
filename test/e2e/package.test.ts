/**
 * The package as users get it: `npm pack` (which builds dist/ first), installed into an empty folder,
 * loads every entry (`waweb`, `waweb/manager`, `waweb/dashboard`, `waweb/session`, `waweb/simulator`,
 * `waweb/testing`, `waweb/wwebjs`) and serves the simulator's page, with no esbuild (a dev dependency
 * that only bundles page code at build time) installed; the root loads no dashboard or metrics.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { tempDir, type TempDir } from '../helpers/tmp';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..', '..');
let dir: TempDir | undefined;

afterAll(async () => {
  await dir?.remove();
});

test('npm pack installs into an empty folder and runs without esbuild', async () => {
  dir = await tempDir('waweb-pack-');
  const env = {
    ...process.env,
    PUPPETEER_SKIP_DOWNLOAD: '1',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
  const packed = await run('npm', ['pack', '--silent', '--pack-destination', dir.path], { cwd: root, env, maxBuffer: 64 * 1024 * 1024 });
  const tarball = path.join(dir.path, packed.stdout.trim().split('\n').pop() ?? '');
  expect(existsSync(tarball)).toBe(true);
  await writeFile(path.join(dir.path, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], {
    cwd: dir.path,
    env,
    maxBuffer: 64 * 1024 * 1024,
  });
  expect(existsSync(path.join(dir.path, 'node_modules', 'waweb', 'dist', 'index.js'))).toBe(true);
  expect(existsSync(path.join(dir.path, 'node_modules', 'esbuild'))).toBe(false);

  const script = `
    const waweb = require('waweb');
    const plugin = require('waweb/wwebjs');
    const slim = !Object.keys(require.cache).some((k) => /node_modules[\\/](prom-client|qrcode|pg|mongodb)[\\/]/.test(k));
    const { WhatsAppSimulator } = require('waweb/simulator');
    const { describeStoreConformance } = require('waweb/testing');
    const { SessionManager, PostgresLeases } = require('waweb/manager');
    const { startDashboard, createMetrics } = require('waweb/dashboard');
    const { migrateSession, createSessionArchive, keyRing } = require('waweb/session');
    const entries = [SessionManager, PostgresLeases, startDashboard, createMetrics, migrateSession, createSessionArchive, keyRing].map((v) => typeof v);
    const https = require('node:https');
    (async () => {
      const sim = await WhatsAppSimulator.start({ adminPort: false });
      const status = await new Promise((resolve, reject) => {
        https.get({ host: '127.0.0.1', port: sim.port, path: '/', rejectUnauthorized: false, headers: { host: 'web.whatsapp.com' } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode));
        }).on('error', reject);
      });
      await sim.close();
      console.log(JSON.stringify({ client: typeof waweb.Client, remoteAuth: typeof waweb.RemoteAuth, conformance: typeof describeStoreConformance, plugin: [typeof plugin.RemoteAuth, typeof plugin.LocalAuth, typeof plugin.MongoStore], slim, entries, status }));
    })().catch((err) => { console.error(err); process.exit(1); });
  `;
  const out = await run(process.execPath, ['-e', script], { cwd: dir.path });
  expect(JSON.parse(out.stdout.trim())).toEqual({
    client: 'function',
    remoteAuth: 'function',
    conformance: 'function',
    plugin: ['function', 'function', 'function'],
    slim: true,
    entries: Array(7).fill('function'),
    status: 200,
  });

  // An ES module names what it imports, whatsapp-web.js style (named imports from the CommonJS build).
  const esm = `
    import { Client, LocalAuth, Location, MessageMedia, RemoteAuth, NoAuth, Contact, GroupChat } from 'waweb';
    const media = new MessageMedia('text/plain', Buffer.from('hi').toString('base64'), 'hi.txt');
    const place = new Location(1, 2, { name: 'here' });
    console.log(JSON.stringify({
      classes: [Client, LocalAuth, RemoteAuth, NoAuth, Contact, GroupChat].map((c) => typeof c),
      media: media.filename,
      place: place.description,
    }));
  `;
  await writeFile(path.join(dir.path, 'bot.mjs'), esm);
  const esmOut = await run(process.execPath, ['bot.mjs'], { cwd: dir.path });
  expect(JSON.parse(esmOut.stdout.trim())).toEqual({ classes: Array(6).fill('function'), media: 'hi.txt', place: 'here' });
}, 240_000);
