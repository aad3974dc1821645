/**
 * What the RemoteAuth e2e tests share: waweb clients with RemoteAuth pointed
 * at the simulator, every event recorded, the phone scanning QRs on request,
 * and a teardown that destroys every client and proves no Chromium of the
 * test survived. Also store decorators that count, slow down or fail calls.
 */
import { createHash } from 'node:crypto';
import { existsSync, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import {
  Client,
  RemoteAuth,
  StoreError,
  ErrorCode,
  type ClientOptions,
  type Logger,
  type RemoteAuthOptions,
  type SessionStore,
} from '../../src/index';
import type { WhatsAppSimulator } from '../../src/simulator';
import { CLIENT_EVENTS, destroyClients, trackClient, type EventName as ClientEventName, type TrackedClient } from './client';
import { processesMentioning } from './processes';

/** The events a RemoteAuth test records: the client's, without the loading screen and message traffic. */
export type EventName = Exclude<ClientEventName, 'loading_screen' | 'message' | 'message_create'>;
const NOT_RECORDED: readonly ClientEventName[] = ['loading_screen', 'message', 'message_create'];
export const EVENTS = CLIENT_EVENTS.filter((name): name is EventName => !NOT_RECORDED.includes(name));

export interface Tracked extends TrackedClient<EventName> {
  auth: RemoteAuth;
}

export class RemoteHarness {
  readonly #clients = new Set<Client>();

  constructor(
    readonly sim: WhatsAppSimulator,
    readonly dir: string,
  ) {}

  /**
   * A client with RemoteAuth; `scanAs` makes that phone scan every QR; `logger`: the client's; `client`:
   * more client options (deadlines). Not initialized.
   */
  create(
    auth: Partial<RemoteAuthOptions> & Pick<RemoteAuthOptions, 'store'>,
    options: { scanAs?: string; logger?: Logger; client?: ClientOptions } = {},
  ): Tracked {
    const strategy = new RemoteAuth({ clientId: 'r1', dataPath: join(this.dir, 'data'), ...auth });
    const logger = options.logger === undefined ? {} : { logger: options.logger };
    const client = new Client({ ...options.client, authStrategy: strategy, puppeteer: { args: this.sim.chromiumArgs() }, ...logger });
    this.#clients.add(client);
    const phone = options.scanAs === undefined ? undefined : this.sim.phone(options.scanAs);
    const tracked = trackClient(client, EVENTS, {
      onQr:
        phone === undefined
          ? undefined
          : (qr, errors) => {
              phone.scan(qr).catch((err: unknown) => errors.push(err));
            },
    });
    return Object.assign(tracked, { auth: strategy });
  }

  /** Pairs (or restores) and waits for `ready` and the first `remote_session_saved`. */
  async ready(auth: Partial<RemoteAuthOptions> & Pick<RemoteAuthOptions, 'store'>, scanAs: string): Promise<Tracked> {
    const t = this.create(auth, { scanAs });
    await t.client.initialize();
    await t.until('ready');
    // The backup taken at ready, and the one taken once localStorage is on disk.
    await t.until('remote_session_saved', 2);
    return t;
  }

  /** Destroys every client (also after a failed test), then checks that no browser of this test is left. */
  async stopAll(): Promise<void> {
    const clients = [...this.#clients];
    this.#clients.clear();
    await destroyClients(clients, this.dir, () => browsersOf(this.dir), 50);
  }
}

/** Live Chromium processes whose profile lies under `dir`. */
export function browsersOf(dir: string): number[] {
  return processesMentioning(`--user-data-dir=${dir}`);
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
      } else
        hash
          .update(`F ${childRel} `)
          .update(await fsp.readFile(full))
          .update('\n');
    }
  }
  if (!existsSync(dir)) return 'absent';
  await walk('');
  return hash.digest('hex');
}

/** Every generation of a session with its bytes: what "the remote copy is untouched" compares. */
export async function snapshotStore(
  store: SessionStore,
  sessionId: string,
): Promise<Array<{ generation: number; bytes: number; sha256: string }>> {
  const out: Array<{ generation: number; bytes: number; sha256: string }> = [];
  for (const g of await store.list(sessionId)) {
    const loaded = await store.load(sessionId, { generation: g.generation });
    out.push({
      generation: g.generation,
      bytes: g.bytes,
      sha256: loaded ? createHash('sha256').update(loaded.data).digest('hex') : 'gone',
    });
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
      if (faults.failLoads)
        throw new StoreError('injected load failure: connection reset mid-download', { code: ErrorCode.STORE_UNREACHABLE });
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
