/**
 * Drives waweb's own Client against the simulator for e2e tests: every event
 * is recorded in order, the phone can scan each QR as it appears, and
 * `stopAll()` destroys every client and proves that no Chromium process of the
 * test survives. Browser processes are found through /proc: by the test's
 * folder on their command line (`--user-data-dir=<tmp>/...`, or a tag switch
 * on the main process), and by the process group each browser leads.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInThisContext } from 'node:vm';
import { Client, LocalAuth, type ClientEvents, type ClientOptions } from '../../src/index';
import type { WhatsAppSimulator } from '../../src/simulator';

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
  'remote_session_saved',
  'error',
] as const satisfies ReadonlyArray<keyof ClientEvents>;

export type EventName = (typeof CLIENT_EVENTS)[number];

export interface RecordedEvent {
  name: EventName;
  args: unknown[];
}

export interface TrackedClient {
  client: Client;
  events: RecordedEvent[];
  /** Names of the recorded events, in order (`change_state` shown as `change_state:<state>`). */
  names(): string[];
  count(name: EventName): number;
  args<K extends EventName>(name: K): Array<ClientEvents[K]>;
  /** Resolves when `name` has fired `times` times in all (at once if it already has). */
  until<K extends EventName>(name: K, times?: number, timeoutMs?: number): Promise<ClientEvents[K]>;
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

  constructor(
    readonly sim: WhatsAppSimulator,
    readonly dir: string,
  ) {}

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
    const tracked = track(
      client,
      () => this.#noteBrowsers(),
      scanAs === undefined
        ? undefined
        : (qr, errors) => {
            this.sim
              .phone(scanAs)
              .scan(qr)
              .catch((err: unknown) => errors.push(err));
          },
    );
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
    const wid = c.client.info!.wid._serialized;
    await c.client.destroy();
    return wid;
  }

  /**
   * Destroys every client (also after a failed test), then checks that no
   * browser process of this test is left. Leftovers are killed and reported.
   */
  async stopAll(): Promise<void> {
    this.#noteBrowsers();
    const clients = [...this.#clients];
    this.#clients.clear();
    for (const t of this.#tracked) t.cancelWaits();
    this.#tracked.clear();
    await Promise.allSettled(clients.map((c) => c.destroy()));
    const left = await this.waitForNoBrowser(10_000);
    if (left.length > 0) {
      for (const pid of left) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
      throw new Error(`Chromium processes of ${this.dir} survived destroy(): ${left.join(', ')}`);
    }
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
    return scanProcesses()
      .filter((p) => p.cmdline.includes(profile) || p.cmdline.includes(tag) || this.#groups.has(p.pgid))
      .map((p) => p.pid);
  }

  /** Waits (test-side polling) until no browser process of this test is left; returns the survivors. */
  async waitForNoBrowser(timeoutMs = 2000): Promise<number[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = this.browserPids();
      if (left.length === 0 || Date.now() >= deadline) return left;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  #noteBrowsers(): void {
    const tag = `${TAG}=${this.dir}`;
    for (const p of scanProcesses()) if (p.cmdline.includes(tag)) this.#groups.add(p.pgid);
  }
}

const TAG = '--waweb-test-dir';

function track(client: Client, onEvent: () => void, onQr: ((qr: string, errors: unknown[]) => void) | undefined): TrackedClient {
  const events: RecordedEvent[] = [];
  const scanErrors: unknown[] = [];
  const waiters = new Map<() => void, NodeJS.Timeout>();
  for (const name of CLIENT_EVENTS) {
    client.on(name, (...args: unknown[]) => {
      events.push({ name, args });
      onEvent();
      if (process.env['WAWEB_TEST_DEBUG']) console.log('waweb event', Date.now() % 100000, name, args[0]);
      if (name === 'qr' && onQr) onQr(String(args[0]), scanErrors);
      for (const w of [...waiters.keys()]) w();
    });
  }
  const tracked: TrackedClient = {
    client,
    events,
    scanErrors,
    cancelWaits: () => {
      for (const timer of waiters.values()) clearTimeout(timer);
      waiters.clear();
    },
    names: () => events.map((e) => (e.name === 'change_state' ? `change_state:${String(e.args[0])}` : e.name)),
    count: (name) => events.filter((e) => e.name === name).length,
    args: <K extends EventName>(name: K) => events.filter((e) => e.name === name).map((e) => e.args as ClientEvents[K]),
    until: <K extends EventName>(name: K, times = 1, timeoutMs = DEFAULT_WAIT_MS) => {
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
          reject(new Error(`'${name}' #${times} did not fire within ${timeoutMs} ms; events: ${tracked.names().join(' ')}`));
        }, timeoutMs);
        waiters.set(check, timer);
      });
    },
  };
  return tracked;
}

interface ProcessEntry {
  pid: number;
  pgid: number;
  cmdline: string;
}

/** Live (non-zombie) processes other than this one, from /proc. */
function scanProcesses(): ProcessEntry[] {
  const out: ProcessEntry[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command name: state, ppid, pgrp, ...
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z' || state === 'X') continue;
      out.push({ pid, pgid: Number(pgrp), cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8') });
    } catch {
      // exited while we looked
    }
  }
  return out;
}

/** The browser's main process for profile `userDataDir` (the one without `--type=`). */
export function mainBrowserPid(userDataDir: string): number | undefined {
  const wanted = `--user-data-dir=${userDataDir}`;
  // Helpers rewrite their command line into one string; the main process keeps separate arguments.
  return scanProcesses().find((p) => p.cmdline.split('\0').includes(wanted) && !p.cmdline.includes('--type='))?.pid;
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
