/**
 * What the RemoteAuth e2e tests share: waweb clients with RemoteAuth pointed
 * at the simulator, every event recorded, the phone scanning QRs on request,
 * and a teardown that destroys every client and proves no Chromium of the
 * test survived. Also store decorators that count, slow down or fail calls.
 */
import { createHash } from 'node:crypto';
import { existsSync, promises as fsp, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, RemoteAuth, StoreError, ErrorCode, type ClientEvents, type RemoteAuthOptions, type SessionStore } from '../../src/index';
import type { WhatsAppSimulator } from '../../src/simulator';

export const EVENTS = [
  'qr',
  'authenticated',
  'auth_failure',
  'ready',
  'change_state',
  'disconnected',
  'remote_session_saved',
  'error',
] as const satisfies ReadonlyArray<keyof ClientEvents>;
export type EventName = (typeof EVENTS)[number];

export interface Tracked {
  client: Client;
  auth: RemoteAuth;
  events: Array<{ name: EventName; args: unknown[]; at: number }>;
  count(name: EventName): number;
  args<K extends EventName>(name: K): Array<ClientEvents[K]>;
  /** The `nth` occurrence of `name` (1-based), waiting up to `timeoutMs`. */
  until<K extends EventName>(name: K, nth?: number, timeoutMs?: number): Promise<ClientEvents[K]>;
  /** When the `nth` `name` fired (Date.now()). */
  at(name: EventName, nth?: number): number | undefined;
  scanErrors: unknown[];
}

export class RemoteHarness {
  readonly #clients = new Set<Client>();

  constructor(
    readonly sim: WhatsAppSimulator,
    readonly dir: string,
  ) {}

  /** A client with RemoteAuth; `scanAs` makes that phone scan every QR. Not initialized. */
  create(auth: Partial<RemoteAuthOptions> & Pick<RemoteAuthOptions, 'store'>, options: { scanAs?: string } = {}): Tracked {
    const strategy = new RemoteAuth({ clientId: 'r1', dataPath: join(this.dir, 'data'), ...auth });
    const client = new Client({ authStrategy: strategy, puppeteer: { args: this.sim.chromiumArgs() } });
    this.#clients.add(client);
    const tracked = track(client, strategy);
    if (options.scanAs !== undefined) {
      const phone = this.sim.phone(options.scanAs);
      client.on('qr', (qr) => {
        phone.scan(qr).catch((err: unknown) => tracked.scanErrors.push(err));
      });
    }
    return tracked;
  }

  /** Pairs (or restores) and waits for `ready` and the first `remote_session_saved`. */
  async ready(auth: Partial<RemoteAuthOptions> & Pick<RemoteAuthOptions, 'store'>, scanAs: string): Promise<Tracked> {
    const t = this.create(auth, { scanAs });
    await t.client.initialize();
    await t.until('ready');
    await t.until('remote_session_saved');
    return t;
  }

  /** Destroys every client (also after a failed test), then checks that no browser of this test is left. */
  async stopAll(): Promise<void> {
    const clients = [...this.#clients];
    this.#clients.clear();
    await Promise.allSettled(clients.map((c) => c.destroy()));
    const deadline = Date.now() + 10_000;
    let left = browsersOf(this.dir);
    while (left.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      left = browsersOf(this.dir);
    }
    if (left.length > 0) {
      for (const pid of left) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      throw new Error(`Chromium processes of ${this.dir} survived destroy(): ${left.join(', ')}`);
    }
  }
}

function track(client: Client, auth: RemoteAuth): Tracked {
  const events: Tracked['events'] = [];
  const waiters = new Set<() => void>();
  for (const name of EVENTS) {
    client.on(name, (...args: unknown[]) => {
      events.push({ name, args, at: Date.now() });
      if (process.env['WAWEB_TEST_DEBUG']) console.log('waweb event', name, args[0]);
      for (const w of [...waiters]) w();
    });
  }
  const tracked: Tracked = {
    client,
    auth,
    events,
    scanErrors: [],
    count: (name) => events.filter((e) => e.name === name).length,
    args: <K extends EventName>(name: K) => events.filter((e) => e.name === name).map((e) => e.args as ClientEvents[K]),
    at: (name, nth = 1) => events.filter((e) => e.name === name)[nth - 1]?.at,
    until: <K extends EventName>(name: K, nth = 1, timeoutMs = 30_000) =>
      new Promise<ClientEvents[K]>((resolve, reject) => {
        const check = (): void => {
          const found = tracked.args(name)[nth - 1];
          if (found === undefined) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`'${name}' #${nth} did not fire within ${timeoutMs} ms; events: ${events.map((e) => e.name).join(' ')}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
  };
  return tracked;
}

/** Live Chromium processes whose profile lies under `dir`. */
export function browsersOf(dir: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state === 'Z' || state === 'X') continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(`--user-data-dir=${dir}`)) out.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return out;
}

/** sha256 over every file (path + bytes) under `dir`; symlinks by their target. Equal trees, equal hashes. */
export async function treeHash(dir: string): Promise<string> {
  const hash = createHash('sha256');
  async function walk(rel: string): Promise<void> {
    const entries = await fsp.readdir(join(dir, rel), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      const full = join(dir, childRel);
      if (e.isSymbolicLink()) hash.update(`L ${childRel} -> ${await fsp.readlink(full)}\n`);
      else if (e.isDirectory()) {
        hash.update(`D ${childRel}\n`);
        await walk(childRel);
      } else hash.update(`F ${childRel} `).update(await fsp.readFile(full)).update('\n');
    }
  }
  if (!existsSync(dir)) return 'absent';
  await walk('');
  return hash.digest('hex');
}

/** Every generation of a session with its bytes: what "the remote copy is untouched" compares. */
export async function snapshotStore(store: SessionStore, sessionId: string): Promise<Array<{ generation: number; bytes: number; sha256: string }>> {
  const out: Array<{ generation: number; bytes: number; sha256: string }> = [];
  for (const g of await store.list(sessionId)) {
    const loaded = await store.load(sessionId, { generation: g.generation });
    out.push({ generation: g.generation, bytes: g.bytes, sha256: loaded ? createHash('sha256').update(loaded.data).digest('hex') : 'gone' });
  }
  return out;
}

export interface InstrumentedStore extends SessionStore {
  /** The faults in force; change them while a test runs. */
  readonly faults: Faults;
  /** Calls per method. */
  readonly calls: Record<'exists' | 'save' | 'load' | 'list' | 'delete', number>;
  /** Highest number of save() calls running at once. */
  readonly maxConcurrentSaves: number;
  /** Resolves when save() has been entered `n` times in all. */
  saveEntered(n: number, timeoutMs?: number): Promise<void>;
}

export interface Faults {
  /** Added to every save(), in ms. */
  saveDelayMs?: number;
  /** The first `n` saves throw a StoreError (STORE_FAILED). */
  failSaves?: number;
  /** The first `n` lists throw a StoreError (STORE_UNREACHABLE). */
  failLists?: number;
  /** Every load throws a StoreError (the connection drops mid-download). */
  failLoads?: boolean;
}

/** Decorates a store: counts calls and concurrent saves, and injects the given faults. */
export function instrument(inner: SessionStore, faults: Faults = {}): InstrumentedStore {
  const calls = { exists: 0, save: 0, load: 0, list: 0, delete: 0 };
  let running = 0;
  let max = 0;
  const enteredWaiters = new Set<() => void>();
  const store: InstrumentedStore = {
    name: `instrumented-${inner.name}`,
    faults,
    calls,
    get maxConcurrentSaves() {
      return max;
    },
    saveEntered: (n, timeoutMs = 30_000) =>
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (calls.save < n) return;
          enteredWaiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          enteredWaiters.delete(check);
          reject(new Error(`save() was not entered ${n} times within ${timeoutMs} ms (${calls.save})`));
        }, timeoutMs);
        enteredWaiters.add(check);
        check();
      }),
    async exists(id) {
      calls.exists++;
      return inner.exists(id);
    },
    async save(id, data) {
      calls.save++;
      for (const w of [...enteredWaiters]) w();
      running++;
      max = Math.max(max, running);
      try {
        if (faults.saveDelayMs) await new Promise((r) => setTimeout(r, faults.saveDelayMs));
        if (faults.failSaves !== undefined && calls.save <= faults.failSaves) {
          throw new StoreError(`injected save failure ${calls.save}`, { code: ErrorCode.STORE_FAILED });
        }
        return await inner.save(id, data);
      } finally {
        running--;
      }
    },
    async load(id, options) {
      calls.load++;
      if (faults.failLoads) throw new StoreError('injected load failure: connection reset mid-download', { code: ErrorCode.STORE_UNREACHABLE });
      return inner.load(id, options);
    },
    async list(id) {
      calls.list++;
      if (faults.failLists !== undefined && calls.list <= faults.failLists) {
        throw new StoreError(`injected: store unreachable (${calls.list})`, { code: ErrorCode.STORE_UNREACHABLE });
      }
      return inner.list(id);
    },
    async delete(id) {
      calls.delete++;
      return inner.delete(id);
    },
    close: () => inner.close(),
  };
  return store;
}
