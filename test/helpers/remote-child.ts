/**
 * A waweb Client with RemoteAuth in a process of its own, so a test can kill
 * it with SIGKILL (and its Chromium with it) the way a crashed server dies.
 * Started by test/helpers/remote-child-process.ts; not a test itself.
 *
 * Input: the JSON config in the WAWEB_REMOTE_CHILD environment variable
 * ({@link RemoteChildConfig}). Output: one JSON object per line on stdout
 * ({@link ChildReport}); anything else the process prints goes to stderr.
 * Closing stdin makes it destroy the client and exit.
 */
import { join } from 'node:path';
import { Client, RemoteAuth, WawebError, type Logger, type SessionSavedInfo, type SessionStore, type WwebjsStore } from '../../src/index';
import { RemoteAuth as PluginRemoteAuth } from '../../src/wwebjs';
import { chromiumForTests } from './chromium';
import { cmdlineOf, processes } from './processes';
import { openSessionStore, type ChildStoreConfig, type OpenedStore } from './store-config';

export interface RemoteChildConfig {
  /** waweb's Client with waweb's RemoteAuth (default), or the unmodified whatsapp-web.js Client with `waweb/wwebjs`'s RemoteAuth. */
  client?: 'waweb' | 'wwebjs';
  clientId: string;
  dataPath: string;
  chromiumArgs: string[];
  store: ChildStoreConfig;
  backupSyncIntervalMs?: number;
  /** Report RemoteAuth's debug records (`{ type: 'log', msg }`), e.g. the phases of each backup. */
  logAuth?: boolean;
}

export type ChildReport =
  | { type: 'initializing' }
  | { type: 'initialized' }
  /** Chromium's main process (a child of this process, leader of its own process group). */
  | { type: 'browser'; pid: number }
  | { type: 'qr'; qr: string }
  | { type: 'authenticated' }
  | { type: 'ready'; wid: string | undefined }
  | { type: 'remote_session_saved'; bytes: number; durationMs: number; generation: number }
  | { type: 'error'; name: string; code: string | undefined; message: string }
  | { type: 'disconnected'; reason: string }
  /** A record RemoteAuth logged (with `logAuth`). */
  | { type: 'log'; msg: string; generation?: number }
  /** initialize() rejected. */
  | { type: 'fatal'; name: string; code: string | undefined; message: string };

function report(line: ChildReport): void {
  process.stdout.write(`${JSON.stringify({ ...line, t: Date.now() })}\n`);
}

function describe(err: unknown): { name: string; code: string | undefined; message: string } {
  if (err instanceof Error) return { name: err.name, code: err instanceof WawebError ? err.code : undefined, message: err.message };
  return { name: 'NonError', code: undefined, message: String(err) };
}

/** Chromium processes this process started: its children whose command line names a profile. */
function browserChildren(): number[] {
  return processes()
    .filter((p) => p.ppid === process.pid && cmdlineOf(p.pid)?.includes('--user-data-dir='))
    .map((p) => p.pid);
}

/** The store `config` names: waweb's own, or wwebjs-mongo's as it is. */
async function openStore(config: ChildStoreConfig): Promise<OpenedStore<SessionStore | WwebjsStore>> {
  if (config.kind !== 'wwebjs-mongo') return openSessionStore(config);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when the child uses a Mongo store
  const mongoose = require('mongoose') as typeof import('mongoose');
  await mongoose.connect(config.uri, { dbName: config.dbName, serverSelectionTimeoutMS: 5_000, serverMonitoringMode: 'poll' });
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- wwebjs-mongo ships no types
  const { MongoStore } = require('wwebjs-mongo') as { MongoStore: new (o: { mongoose: unknown }) => WwebjsStore };
  return { store: new MongoStore({ mongoose }), close: () => mongoose.disconnect() };
}

/** What the child uses of either client: both emit whatsapp-web.js's event names. */
interface ChildClient {
  on(event: string, listener: (...args: any[]) => void): unknown;
  initialize(): Promise<void>;
  destroy(): Promise<void>;
  info?: { wid: { _serialized: string } } | undefined;
}

function makeClient(config: RemoteChildConfig, store: SessionStore | WwebjsStore): ChildClient {
  const options = {
    store,
    clientId: config.clientId,
    dataPath: config.dataPath,
    ...(config.backupSyncIntervalMs === undefined ? {} : { backupSyncIntervalMs: config.backupSyncIntervalMs }),
  };
  if (config.client !== 'wwebjs') {
    return new Client({
      authStrategy: new RemoteAuth(options),
      puppeteer: { args: config.chromiumArgs },
      ...(config.logAuth ? { logger: authReporter() } : {}),
    });
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the unmodified whatsapp-web.js, loaded as a bot loads it
  const wwebjs = require('whatsapp-web.js') as typeof import('whatsapp-web.js');
  const { executablePath, args } = chromiumForTests(config.chromiumArgs);
  return new wwebjs.Client({
    authStrategy: new PluginRemoteAuth(options),
    puppeteer: { executablePath, args },
    webVersionCache: { type: 'local', path: join(config.dataPath, '..', '.wwebjs_cache') },
  });
}

/** A logger that reports the records of RemoteAuth (the `waweb.auth` component) as `log` lines. */
function authReporter(bindings: Record<string, unknown> = {}): Logger {
  const at = (fields: Record<string, unknown>, msg: string): void => {
    if ({ ...bindings, ...fields }['component'] !== 'waweb.auth') return;
    const generation = fields['generation'];
    report({ type: 'log', msg, ...(typeof generation === 'number' ? { generation } : {}) });
  };
  return { trace: at, debug: at, info: at, warn: at, error: at, child: (more) => authReporter({ ...bindings, ...more }) };
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env['WAWEB_REMOTE_CHILD'] ?? '') as RemoteChildConfig;
  const opened = await openStore(config.store);
  const client = makeClient(config, opened.store);
  let browserReported = false;
  const reportBrowser = (): void => {
    if (browserReported) return;
    const [pid] = browserChildren();
    if (pid === undefined) return;
    browserReported = true;
    report({ type: 'browser', pid });
  };
  client.on('qr', (qr: string) => {
    reportBrowser();
    report({ type: 'qr', qr });
  });
  client.on('authenticated', () => report({ type: 'authenticated' }));
  client.on('ready', () => {
    reportBrowser();
    report({ type: 'ready', wid: client.info?.wid._serialized });
  });
  client.on('remote_session_saved', (info: SessionSavedInfo) => report({ type: 'remote_session_saved', ...info }));
  client.on('error', (err: unknown) => report({ type: 'error', ...describe(err) }));
  client.on('disconnected', (reason: unknown) => report({ type: 'disconnected', reason: String(reason) }));

  let stopping = false;
  const stop = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await client.destroy().catch(() => undefined);
    await opened.close().catch(() => undefined);
    process.exit(code);
  };
  process.stdin.on('end', () => void stop(0));
  process.stdin.resume();

  report({ type: 'initializing' });
  try {
    await client.initialize();
  } catch (err) {
    report({ type: 'fatal', ...describe(err) });
    await stop(1);
    return;
  }
  reportBrowser();
  report({ type: 'initialized' });
}

main().catch((err: unknown) => {
  report({ type: 'fatal', ...describe(err) });
  process.exit(1);
});
