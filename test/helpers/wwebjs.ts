/**
 * Drives the unmodified whatsapp-web.js 1.34.7 package, a client nobody here
 * wrote, against the simulator. It is pointed at the simulator only through
 * its `puppeteer.executablePath`/`puppeteer.args` options.
 */
import { join } from 'node:path';
import type { WhatsAppSimulator } from '../../src/simulator';
import { chromiumForTests } from './chromium';

// whatsapp-web.js ships JavaScript with loose typings; keep it behind this file.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- whatsapp-web.js is CommonJS and typed loosely; only what the tests use is declared
const wwebjs = require('whatsapp-web.js') as {
  Client: new (options: Record<string, unknown>) => WwebjsClient;
  LocalAuth: new (options: { clientId?: string; dataPath?: string }) => unknown;
  NoAuth: new () => unknown;
  RemoteAuth: new (options: Record<string, unknown>) => unknown;
};

export interface WwebjsClient {
  on(event: string, fn: (...args: any[]) => void): this;
  once(event: string, fn: (...args: any[]) => void): this;
  initialize(): Promise<void>;
  destroy(): Promise<void>;
  logout(): Promise<void>;
  getState(): Promise<string | null>;
  info: { wid: { user: string; _serialized: string }; pushname: string };
  pupBrowser: { process(): { pid?: number; kill(signal: string): boolean } | null; isConnected(): boolean } | null;
}

export interface TrackedClient {
  client: WwebjsClient;
  events: Array<{ name: string; args: unknown[] }>;
  qrs: string[];
  /** Resolves when `name` has fired (at once if it already did). */
  next(name: string, timeoutMs?: number): Promise<unknown[]>;
}

const TRACKED = [
  'qr',
  'authenticated',
  'auth_failure',
  'ready',
  'change_state',
  'disconnected',
  'loading_screen',
  'remote_session_saved',
  'code',
];

export class WwebjsHarness {
  readonly #clients: WwebjsClient[] = [];
  readonly #cancels = new Map<WwebjsClient, () => void>();

  constructor(
    private readonly sim: WhatsAppSimulator,
    private readonly workDir: string,
  ) {}

  localAuth(clientId: string | undefined, dataPath = join(this.workDir, '.wwebjs_auth')): unknown {
    return new wwebjs.LocalAuth(clientId === undefined ? { dataPath } : { clientId, dataPath });
  }

  noAuth(): unknown {
    return new wwebjs.NoAuth();
  }

  remoteAuth(options: Record<string, unknown>): unknown {
    return new wwebjs.RemoteAuth(options);
  }

  /**
   * A NoAuth client linked to phone `number` (its QR scanned through the phone API) and ready, typed
   * as the test needs it (`T`: the whatsapp-web.js calls it uses).
   */
  async linked<T>(number: string): Promise<T> {
    const t = this.start(this.noAuth(), {
      onQr: (qr) => {
        this.sim
          .phone(number)
          .scan(qr)
          .catch((err: unknown) => console.error('scan failed', err));
      },
    });
    await t.next('ready');
    return t.client as unknown as T;
  }

  /** Creates and initializes a client; `onQr` may scan the QR through the phone API. */
  start(authStrategy: unknown, options: { onQr?: (qr: string) => void; extra?: Record<string, unknown> } = {}): TrackedClient {
    const { executablePath, args } = chromiumForTests(this.sim.chromiumArgs());
    const client = new wwebjs.Client({
      authStrategy,
      puppeteer: { executablePath, args },
      // Keep whatsapp-web.js's index.html cache out of the working tree.
      webVersionCache: { type: 'local', path: join(this.workDir, '.wwebjs_cache') },
      ...options.extra,
    });
    this.#clients.push(client);
    const events: TrackedClient['events'] = [];
    const qrs: string[] = [];
    const waiters: Array<{ name: string; resolve: (args: unknown[]) => void; cancel: () => void }> = [];
    this.#cancels.set(client, () => {
      for (const w of waiters.splice(0)) w.cancel();
    });
    for (const name of TRACKED) {
      client.on(name, (...args: unknown[]) => {
        events.push({ name, args });
        if (process.env['WWEBJS_DEBUG']) console.log('wwebjs event', name, args);
        if (name === 'qr') {
          qrs.push(String(args[0]));
          options.onQr?.(String(args[0]));
        }
        for (const w of waiters.filter((x) => x.name === name)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(args);
        }
      });
    }
    const initialized = client.initialize();
    const tracked: TrackedClient = {
      client,
      events,
      qrs,
      next: (name, timeoutMs = 60_000) => {
        const seen = events.find((e) => e.name === name);
        if (seen) return Promise.resolve(seen.args);
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`whatsapp-web.js did not emit ${name} within ${timeoutMs} ms`)), timeoutMs);
          waiters.push({
            name,
            resolve: (a) => {
              clearTimeout(timer);
              resolve(a);
            },
            cancel: () => {
              clearTimeout(timer);
              reject(new Error(`client stopped before it emitted ${name}`));
            },
          });
          initialized.catch((err: unknown) => {
            clearTimeout(timer);
            reject(err instanceof Error ? err : new Error(String(err)));
          });
        });
      },
    };
    // initialize() rejections surface through next(); keep them from going unhandled.
    initialized.catch(() => undefined);
    return tracked;
  }

  /** Destroys one client and makes sure its browser is gone. */
  async stop(client: WwebjsClient): Promise<void> {
    const index = this.#clients.indexOf(client);
    if (index >= 0) this.#clients.splice(index, 1);
    // Pending waits end with the client, so no timer outlives the test.
    this.#cancels.get(client)?.();
    this.#cancels.delete(client);
    const proc = client.pupBrowser?.process();
    try {
      await client.destroy();
    } catch {
      // fall through to the kill below
    }
    if (proc && proc.pid !== undefined && isAlive(proc.pid)) proc.kill('SIGKILL');
  }

  /** Destroys every client still running (afterEach), including after a failed test. */
  async stopAll(): Promise<void> {
    for (const client of [...this.#clients]) await this.stop(client);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
