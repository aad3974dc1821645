/**
 * Drives waweb's own Client against the simulator for e2e tests: every event
 * is recorded in order, the phone can scan each QR as it appears, and
 * `stopAll()` destroys every client and proves that no Chromium process of the
 * test survives. Browser processes are found through /proc: by the test's
 * folder on their command line (`--user-data-dir=<tmp>/...`, or a tag switch
 * on the main process), and by the process group each browser leads.
 */
import { join } from 'node:path';
import { runInThisContext } from 'node:vm';
import { Client, LocalAuth, type ClientEvents, type ClientOptions } from '../../src/index';
import type { WhatsAppSimulator } from '../../src/simulator';
import { killAll, liveProcesses, waitForNone } from './processes';

export const CLIENT_EVENTS = [
  'qr',
  'authenticated',
  'auth_failure',
  'ready',
  'change_state',
  'loading_screen',
  'disconnected',
  'message',
  'message_create',
  'message_ciphertext',
  'message_ciphertext_failed',
  'message_ack',
  'media_uploaded',
  'code',
  'message_revoke_everyone',
  'message_revoke_me',
  'message_edit',
  'message_reaction',
  'contact_changed',
  'group_join',
  'group_leave',
  'group_admin_changed',
  'group_update',
  'remote_session_saved',
  'remote_session_save_failed',
  'remote_session_restore_failed',
  'error',
  'web_version_fallback',
  'web_contract',
] as const satisfies ReadonlyArray<keyof ClientEvents>;

export type EventName = (typeof CLIENT_EVENTS)[number];

export interface RecordedEvent<E extends keyof ClientEvents = EventName> {
  name: E;
  args: unknown[];
  /** When it fired (Date.now()). */
  at: number;
}

/** A client whose events `E` are recorded in order. */
export interface TrackedClient<E extends keyof ClientEvents = EventName> {
  client: Client;
  events: Array<RecordedEvent<E>>;
  /** Names of the recorded events, in order (`change_state` shown as `change_state:<state>`). */
  names(): string[];
  count(name: E): number;
  args<K extends E>(name: K): Array<ClientEvents[K]>;
  /** Resolves when `name` has fired `times` times in all (at once if it already has). */
  until<K extends E>(name: K, times?: number, timeoutMs?: number): Promise<ClientEvents[K]>;
  /** When the `nth` `name` fired (Date.now()). */
  at(name: E, nth?: number): number | undefined;
  /** Failures of the phone's scans (a QR that rotated away before the scan, ...). */
  scanErrors: unknown[];
  /** Drops pending `until` waits (they then never settle) and their timers. */
  cancelWaits(): void;
}

export interface StartOptions {
  /** Phone number whose phone scans every QR this client shows. */
  scanAs?: string;
  /** Extra client options; `puppeteer.args` are merged after the simulator's. */
  options?: ClientOptions;
}

const DEFAULT_WAIT_MS = 30_000;

export class ClientHarness {
  readonly #clients = new Set<Client>();
  readonly #tracked = new Set<TrackedClient>();
  /** Process groups of this test's browsers (Chromium leads its own group; helpers stay in it). */
  readonly #groups = new Set<number>();
  /** Stored sessions the simulator refused while this harness lived, for the message of a wait that timed out. */
  readonly #rejections: string[] = [];
  readonly #onRejected = (deviceId: string, reason: string): void => {
    this.#rejections.push(`${deviceId}: ${reason}`);
  };

  constructor(
    readonly sim: WhatsAppSimulator,
    readonly dir: string,
  ) {
    sim.on('rejected', this.#onRejected);
  }

  /** The LocalAuth data folder of this test. */
  get dataPath(): string {
    return join(this.dir, '.wwebjs_auth');
  }

  localAuth(clientId?: string, dataPath = this.dataPath): LocalAuth {
    return new LocalAuth(clientId === undefined ? { dataPath } : { clientId, dataPath });
  }

  sessionDir(clientId?: string): string {
    return join(this.dataPath, clientId === undefined ? 'session' : `session-${clientId}`);
  }

  /** Creates a tracked client pointed at the simulator (not yet initialized). */
  create(start: StartOptions = {}): TrackedClient {
    const options = start.options ?? {};
    // The tag (a switch Chromium ignores) marks the main process even when the profile is not in this test's folder.
    const args = [...this.sim.chromiumArgs(), `${TAG}=${this.dir}`, ...(options.puppeteer?.args ?? [])];
    const client = new Client({ ...options, puppeteer: { ...options.puppeteer, args } });
    this.#clients.add(client);
    const scanAs = start.scanAs;
    const tracked = trackClient(client, CLIENT_EVENTS, {
      onEvent: () => this.#noteBrowsers(),
      describe: () => this.#describe(),
      onQr:
        scanAs === undefined
          ? undefined
          : (qr, errors) => {
              this.sim
                .phone(scanAs)
                .scan(qr)
                .catch((err: unknown) => errors.push(err));
            },
    });
    this.#tracked.add(tracked);
    return tracked;
  }

  /** Creates a tracked client and calls `initialize()` on it. */
  async start(start: StartOptions = {}): Promise<TrackedClient> {
    const tracked = this.create(start);
    await tracked.client.initialize();
    return tracked;
  }

  /** Pairs a LocalAuth session for `number` and destroys the client cleanly (localStorage flushed). */
  async pair(clientId: string, number: string): Promise<string> {
    const c = await this.start({ scanAs: number, options: { authStrategy: this.localAuth(clientId) } });
    await c.until('ready');
    const wid = c.client.info.wid._serialized;
    await c.client.destroy();
    // A browser that went away before destroy() may have taken the session's newest localStorage with it.
    if (c.count('disconnected') > 0)
      throw new Error(`pairing ${clientId}: the client disconnected before destroy(): ${c.names().join(' ')}`);
    return wid;
  }

  /**
   * Destroys every client (also after a failed test), then checks that no
   * browser process of this test is left. Leftovers are killed and reported.
   */
  async stopAll(): Promise<void> {
    this.sim.off('rejected', this.#onRejected);
    this.#noteBrowsers();
    const clients = [...this.#clients];
    this.#clients.clear();
    for (const t of this.#tracked) t.cancelWaits();
    this.#tracked.clear();
    await destroyClients(clients, this.dir, () => this.browserPids());
  }

  /**
   * Live browser processes of this test: those whose command line names the
   * test's folder (profile or tag), and every process left in a process group
   * a browser of this test led.
   */
  browserPids(): number[] {
    this.#noteBrowsers();
    const profile = `--user-data-dir=${this.dir}`;
    const tag = `${TAG}=${this.dir}`;
    return liveProcesses()
      .filter((p) => p.cmdline.includes(profile) || p.cmdline.includes(tag) || this.#groups.has(p.pgrp))
      .map((p) => p.pid);
  }

  /** Waits (test-side polling) until no browser process of this test is left; returns the survivors. */
  async waitForNoBrowser(timeoutMs = 2000): Promise<number[]> {
    return waitForNone(() => this.browserPids(), timeoutMs);
  }

  #describe(): string {
    return this.#rejections.length === 0 ? '' : `; the simulator refused stored sessions: ${this.#rejections.join(' | ')}`;
  }

  #noteBrowsers(): void {
    const tag = `${TAG}=${this.dir}`;
    for (const p of liveProcesses()) if (p.cmdline.includes(tag)) this.#groups.add(p.pgrp);
  }
}

const TAG = '--waweb-test-dir';

/**
 * Destroys `clients` (every one, whatever each destroy() does), then waits up to
 * 10 s until `browsers()` finds no process of the test in `dir` left. Leftovers
 * are killed and reported.
 */
export async function destroyClients(clients: Client[], dir: string, browsers: () => number[], pollMs = 25): Promise<void> {
  await Promise.allSettled(clients.map((c) => c.destroy()));
  const left = await waitForNone(browsers, 10_000, pollMs);
  if (left.length > 0) {
    killAll(left);
    throw new Error(`Chromium processes of ${dir} survived destroy(): ${left.join(', ')}`);
  }
}

/**
 * Records the events `names` of `client` in order. `onEvent` runs on each one;
 * `onQr` gets each QR and the list its scan failures go to.
 */
export function trackClient<E extends keyof ClientEvents>(
  client: Client,
  names: readonly E[],
  hooks: {
    onEvent?: () => void;
    onQr?: ((qr: string, errors: unknown[]) => void) | undefined;
    /** More context for a wait that timed out (e.g. what the simulator refused). */
    describe?: () => string;
  } = {},
): TrackedClient<E> {
  const events: Array<RecordedEvent<E>> = [];
  const scanErrors: unknown[] = [];
  const waiters = new Map<() => void, NodeJS.Timeout>();
  for (const name of names) {
    client.on(name, (...args: unknown[]) => {
      events.push({ name, args, at: Date.now() });
      hooks.onEvent?.();
      if (process.env['WAWEB_TEST_DEBUG']) console.log('waweb event', Date.now() % 100000, name, args[0]);
      if (name === 'qr' && hooks.onQr) hooks.onQr(String(args[0]), scanErrors);
      for (const w of [...waiters.keys()]) w();
    });
  }
  const tracked: TrackedClient<E> = {
    client,
    events,
    scanErrors,
    cancelWaits: () => {
      for (const timer of waiters.values()) clearTimeout(timer);
      waiters.clear();
    },
    names: () => events.map((e) => (e.name === 'change_state' ? `change_state:${String(e.args[0])}` : e.name)),
    count: (name) => events.filter((e) => e.name === name).length,
    args: <K extends E>(name: K) => events.filter((e) => e.name === name).map((e) => e.args as ClientEvents[K]),
    at: (name, nth = 1) => events.filter((e) => e.name === name)[nth - 1]?.at,
    until: <K extends E>(name: K, times = 1, timeoutMs = DEFAULT_WAIT_MS) => {
      const nth = (): ClientEvents[K] | undefined => tracked.args(name)[times - 1];
      const seen = nth();
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise<ClientEvents[K]>((resolve, reject) => {
        const check = (): void => {
          const found = nth();
          if (found === undefined) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          const scans =
            scanErrors.length === 0
              ? ''
              : `; scan errors: ${scanErrors.map((e) => (e instanceof Error ? e.message : String(e))).join(' | ')}`;
          const more = hooks.describe?.() ?? '';
          reject(new Error(`'${name}' #${times} did not fire within ${timeoutMs} ms; events: ${tracked.names().join(' ')}${scans}${more}`));
        }, timeoutMs);
        waiters.set(check, timer);
      });
    },
  };
  return tracked;
}

/** The browser's main process for profile `userDataDir` (the one without `--type=`). */
export function mainBrowserPid(userDataDir: string): number | undefined {
  const wanted = `--user-data-dir=${userDataDir}`;
  // Helpers rewrite their command line into one string; the main process keeps separate arguments.
  return liveProcesses().find((p) => p.cmdline.split('\0').includes(wanted) && !p.cmdline.includes('--type='))?.pid;
}

/**
 * Records unhandled rejections while installed. Under jest the test's `process`
 * is a copy that never hears of them, so the listener goes on Node's real
 * process object (reached through the main context). jest's own listener stays
 * in place too, and also fails the test that was running.
 */
export function recordUnhandledRejections(): { seen: unknown[]; uninstall(): void } {
  const real = runInThisContext('process') as NodeJS.Process;
  const seen: unknown[] = [];
  const handler = (reason: unknown): void => {
    seen.push(reason);
  };
  real.on('unhandledRejection', handler);
  return { seen, uninstall: () => real.off('unhandledRejection', handler) };
}
