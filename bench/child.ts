/**
 * One bench client in its own Node process, so the RSS it reports is that
 * client's alone. Started by bench/index.ts with ts-node (transpile-only) and a
 * {@link ChildConfig} in the environment; reports {@link ChildEvent}s as JSON
 * lines on stdout and takes {@link Command}s as JSON lines on stdin.
 *
 * Both clients use RemoteAuth with a waweb FileStore in the same folder layout:
 * waweb directly, whatsapp-web.js 1.34.7 (unmodified) through `toWwebjsStore`.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  Client,
  createBrowserPool,
  FileStore,
  PostgresStore,
  RemoteAuth,
  toWwebjsStore,
  type BrowserPool,
  type SessionStore,
} from '../src';
import { wwebjsChromium } from './wwebjs-chromium';
import { DEFAULT_CHROMIUM_ARGS, mergeArgs, sandboxArgs } from '../src/browser/flags';
import { RemoteAuth as PluginRemoteAuth } from '../src/wwebjs';
import { MemorySampler } from './memory';
import { CONFIG_ENV, LINE_PREFIX, type BufferReport, type ChildConfig, type ChildEvent, type Command, type StoreSpec } from './protocol';

const config = JSON.parse(process.env[CONFIG_ENV] ?? 'null') as ChildConfig | null;
if (!config) {
  console.error(`bench child: ${CONFIG_ENV} is not set; run \`npm run bench\``);
  process.exit(2);
}
const cfg: ChildConfig = config;
const sessionName = `RemoteAuth-${cfg.clientId}`;
const profileDir = join(cfg.dataPath, sessionName);

function openStore(spec: StoreSpec): SessionStore {
  if (spec.kind === 'file') return new FileStore({ directory: spec.directory, keep: 3 });
  // A 200 MiB profile through the Buffer fallback is one long query: the timeout is not what is measured.
  return new PostgresStore({ connectionString: spec.connectionString, table: spec.table, keep: 3, queryTimeoutMs: 600_000 });
}
const backing = openStore(cfg.store);
const store: SessionStore = cfg.readOnlyStore ? readOnly(backing) : backing;

/**
 * A view of `inner` whose saves never complete and whose deletes fail: restores read, nothing is
 * written. Loads go to `inner` as they are, streaming ones included (`loadStreamFrom` uses the
 * store's own `loadStream` when it has one).
 */
function readOnly(inner: SessionStore): SessionStore {
  const view: SessionStore = {
    name: `${inner.name} (read-only)`,
    exists: (id) => inner.exists(id),
    list: (id) => inner.list(id),
    load: (id, options) => inner.load(id, options),
    save: () => new Promise<never>(() => undefined),
    saveStream: () => new Promise<never>(() => undefined),
    delete: () => Promise.reject(new Error('bench: this store view is read-only')),
    close: () => inner.close(),
  };
  const loadStream = inner.loadStream?.bind(inner);
  if (loadStream) view.loadStream = (id, options) => loadStream(id, options);
  return view;
}

let t0 = performance.now();
const now = (): number => Math.round((performance.now() - t0) * 10) / 10;
function report(event: ChildEvent): void {
  process.stdout.write(`${LINE_PREFIX}${JSON.stringify(event)}\n`);
}
const message = (err: unknown): string => (err instanceof Error ? (err.stack ?? err.message) : String(err));

/** The little both clients have in common, for this bench. */
interface BenchClient {
  /** The RemoteAuth object; its `beforeBrowserInitialized` is timed (it does the restore). */
  authStrategy: { beforeBrowserInitialized(...args: unknown[]): Promise<unknown> };
  on(event: string, fn: (...args: any[]) => void): unknown;
  initialize(): Promise<void>;
  destroy(): Promise<void>;
  /** One backup, as the client's RemoteAuth takes it (see docs/bench.md). */
  backupNow(): Promise<void>;
}

/** `cfg.pool`: the pre-launched browser's pool (waweb only). */
const pool: BrowserPool | undefined =
  cfg.pool === true && cfg.kind === 'waweb' ? createBrowserPool({ size: 1, client: { puppeteer: { args: cfg.simArgs } } }) : undefined;

function makeClient(): BenchClient {
  if (cfg.kind === 'waweb') {
    const auth = new RemoteAuth({ store, clientId: cfg.clientId, dataPath: cfg.dataPath, backupSyncIntervalMs: cfg.backupSyncIntervalMs });
    const client = new Client({ authStrategy: auth, puppeteer: { args: cfg.simArgs }, ...(pool ? { browserPool: pool } : {}) });
    return Object.assign(client, { backupNow: () => auth.saveNow() });
  }
  // The unmodified whatsapp-web.js 1.34.7, pointed at the simulator through its puppeteer options only.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- whatsapp-web.js is CommonJS and typed loosely; only what the bench uses is declared
  const wwebjs = require('whatsapp-web.js') as {
    Client: new (options: Record<string, unknown>) => BenchClient & {
      authStrategy: BenchClient['authStrategy'] & { storeRemoteSession(o?: unknown): Promise<void> };
    };
    RemoteAuth: new (options: Record<string, unknown>) => unknown;
  };
  const launch = {
    puppeteer: {
      executablePath: wwebjsChromium(),
      // The same flags waweb launches with (its defaults, sandbox rule, new headless), plus the simulator's.
      args: mergeArgs(DEFAULT_CHROMIUM_ARGS, sandboxArgs(), ['--headless=new'], cfg.simArgs),
    },
    webVersionCache: { type: 'local', path: cfg.cacheDir },
  };
  if (cfg.kind === 'plugin') {
    // whatsapp-web.js's Client with waweb's RemoteAuth from waweb/wwebjs: the one-line change.
    const plugin = new PluginRemoteAuth({
      store,
      clientId: cfg.clientId,
      dataPath: cfg.dataPath,
      backupSyncIntervalMs: cfg.backupSyncIntervalMs,
    });
    const client = new wwebjs.Client({ authStrategy: plugin, ...launch });
    return Object.assign(client, { backupNow: () => plugin.saveNow() });
  }
  const auth = new wwebjs.RemoteAuth({
    store: toWwebjsStore(store, { workDir: cfg.dataPath }),
    clientId: cfg.clientId,
    dataPath: cfg.dataPath,
    backupSyncIntervalMs: cfg.backupSyncIntervalMs,
  });
  const client = new wwebjs.Client({ authStrategy: auth, ...launch });
  // whatsapp-web.js has no "save now": its periodic backup calls this method, and so do we.
  return Object.assign(client, { backupNow: () => client.authStrategy.storeRemoteSession() });
}

async function newestStoredBytes(): Promise<number> {
  const generations = await store.list(sessionName);
  return generations[0]?.bytes ?? 0;
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) total += await folderBytes(full);
    else if (entry.isFile())
      total += await stat(full).then(
        (s) => s.size,
        () => 0,
      );
  }
  return total;
}

async function main(): Promise<void> {
  const client = makeClient();
  // A restore's Buffer memory, from initialize() (the baseline is read just before it) to `ready`.
  let restoreMemory: MemorySampler | undefined;
  let untilProfile: BufferReport | null = null;
  // Time the strategy's pre-launch step (for RemoteAuth: download + unzip into the local profile).
  const strategy = client.authStrategy;
  const original = strategy.beforeBrowserInitialized.bind(strategy);
  strategy.beforeBrowserInitialized = async (...args: unknown[]) => {
    const started = performance.now();
    const out = await original(...args);
    if (restoreMemory) untilProfile = restoreMemory.buffers();
    report({ ev: 'profile-ready', t: now(), ms: Math.round((performance.now() - started) * 10) / 10 });
    return out;
  };
  const afterLaunch = (
    strategy as unknown as { afterBrowserInitialized: (...args: unknown[]) => Promise<unknown> }
  ).afterBrowserInitialized.bind(strategy);
  (strategy as unknown as { afterBrowserInitialized: (...args: unknown[]) => Promise<unknown> }).afterBrowserInitialized = async (
    ...args: unknown[]
  ) => {
    report({ ev: 'browser-ready', t: now() });
    return afterLaunch(...args);
  };
  let readyAt: number | undefined;
  let firstSave: (() => void) | undefined;
  const firstSaved = new Promise<void>((resolve) => (firstSave = resolve));
  let lastPayload: { bytes: number; durationMs: number; generation: number } | undefined;

  client.on('qr', (qr: string) => report({ ev: 'qr', qr, t: now() }));
  client.on('authenticated', () => report({ ev: 'authenticated', t: now() }));
  client.on('change_state', (state: unknown) => report({ ev: 'state', state: String(state), t: now() }));
  client.on('auth_failure', (failure: unknown) => report({ ev: 'auth_failure', message: message(failure), t: now() }));
  client.on('disconnected', (reason: unknown) => report({ ev: 'disconnected', reason: String(reason), t: now() }));
  client.on('error', (err: unknown) => report({ ev: 'error', message: message(err), t: now(), fatal: false }));
  client.on('ready', () => {
    readyAt = performance.now();
    const t = now();
    // Before `ready`, so the parent has it once it sees `ready`.
    if (restoreMemory) report({ ev: 'restore-memory', t, untilProfile, untilReady: restoreMemory.stop().buffers });
    restoreMemory = undefined;
    report({ ev: 'ready', t });
  });
  client.on('remote_session_saved', (payload?: { bytes: number; durationMs: number; generation: number }) => {
    const at = performance.now();
    lastPayload = payload;
    if (firstSave === undefined) return;
    const done = firstSave;
    firstSave = undefined;
    void newestStoredBytes().then(
      (bytes) => {
        report({
          ev: 'saved',
          t: now(),
          afterReadyMs: readyAt === undefined ? NaN : Math.round((at - readyAt) * 10) / 10,
          bytes,
          ...(payload ? { payload } : {}),
        });
        done();
      },
      (err: unknown) => report({ ev: 'error', message: message(err), t: now(), fatal: false }),
    );
  });

  let closing = false;
  const shutdown = async (code: number): Promise<never> => {
    if (!closing) {
      closing = true;
      await client.destroy().catch(() => undefined);
      await pool?.close();
      await store.close().catch(() => undefined);
    }
    process.exit(code);
  };
  process.on('SIGTERM', () => void shutdown(143));

  // A pooled restore starts once its browser waits: the launch is what the pool takes off the path.
  if (pool) await pool.whenReady();
  if (cfg.phase === 'restore') restoreMemory = new MemorySampler(cfg.rssSampleMs);
  t0 = performance.now();
  report({ ev: 'started', pid: process.pid, t: 0 });
  client.initialize().catch((err: unknown) => {
    report({ ev: 'error', message: `initialize() failed: ${message(err)}`, t: now(), fatal: true });
  });

  // Wait for `ready` (the parent decides what a QR means in each phase).
  await new Promise<void>((resolve) => {
    if (readyAt !== undefined) resolve();
    else client.on('ready', () => resolve());
  });

  // The first backup after ready: every client takes it on their own (waweb's RemoteAuth also after a restore,
  // whatsapp-web.js only when the store has no backup yet, after its fixed 60 s wait).
  const expectsFirstSave = !cfg.readOnlyStore && (cfg.kind !== 'wwebjs' || cfg.phase === 'pair');
  if (expectsFirstSave) {
    const timedOut = await Promise.race([
      firstSaved.then(() => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(true), cfg.firstSaveTimeoutMs).unref()),
    ]);
    if (timedOut) report({ ev: 'no-save', t: now(), reason: `no remote_session_saved within ${cfg.firstSaveTimeoutMs} ms of ready` });
  }
  report({ ev: 'idle', t: now() });

  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const command = JSON.parse(line) as Command;
    if (command.cmd === 'exit') await shutdown(0);
    if (command.cmd === 'backup') {
      try {
        const profileBytes =
          (await folderBytes(join(profileDir, 'Default', 'IndexedDB'))) + (await folderBytes(join(profileDir, 'Default', 'Local Storage')));
        lastPayload = undefined;
        const rss = new MemorySampler(cfg.rssSampleMs);
        const started = performance.now();
        await client.backupNow();
        const durationMs = Math.round((performance.now() - started) * 10) / 10;
        const memory = rss.stop();
        const bytes = await newestStoredBytes();
        if (cfg.kind !== 'wwebjs' && !lastPayload) throw new Error('saveNow() resolved without remote_session_saved (content unchanged?)');
        report({ ev: 'backup-done', t: now(), durationMs, bytes, profileBytes, rss: memory });
      } catch (err) {
        report({ ev: 'error', message: `backup failed: ${message(err)}`, t: now(), fatal: true });
      }
      report({ ev: 'idle', t: now() });
    }
  }
  // stdin closed: the parent is gone.
  await shutdown(0);
}

main().catch((err: unknown) => {
  report({ ev: 'error', message: message(err), t: now(), fatal: true });
  process.exit(1);
});
