import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ErrorCode, InvalidOptionError, StoreError } from '../errors';
import { delay } from '../util/deadline';
import { nonNegativeNumber } from '../util/options';
import type { DriverCallContext, DriverGeneration, DriverReadContext, StoreDriver } from './driver';
import { StoreFront } from './front';
import { dataTooLarge, processLock, wrapError } from './internal';
import { assertSessionId } from './session-id';
import type { SessionStore, StoredGeneration } from './types';
import { writeFileAtomic } from '../util/atomic-write';
import { isErrno } from '../util/errno';
import { sweepScratch, warnIfExposed } from '../util/private-folder';

/**
 * Puts a symbolic link to `plain` at `zip` (replacing what is there), so the wrapped store reads the
 * zip through it and no plaintext is written outside the private work folder. Where links cannot be
 * made (Windows without the privilege), writes the zip itself, as before.
 */
async function placeLink(plain: string, zip: string, data: Buffer): Promise<void> {
  const temp = path.join(path.dirname(zip), `.${path.basename(zip)}.${randomBytes(6).toString('hex')}.link`);
  try {
    await fs.symlink(plain, temp);
  } catch (err) {
    if (!isErrno(err, 'EPERM', 'ENOSYS', 'EOPNOTSUPP')) throw err;
    await writeFileAtomic(zip, data);
    return;
  }
  try {
    await fs.rename(temp, zip);
  } catch (err) {
    await fs.rm(temp, { force: true });
    throw err;
  }
}

/**
 * A store as whatsapp-web.js's `RemoteAuth` calls it (wwebjs-mongo, wwebjs-aws-s3, ...).
 * `save` reads `<session>.zip` from the process's working directory; `extract` writes the zip to `path`.
 */
export interface WwebjsStore {
  sessionExists(options: { session: string }): Promise<boolean>;
  save(options: { session: string }): Promise<unknown>;
  extract(options: { session: string; path: string }): Promise<unknown>;
  delete(options: { session: string }): Promise<unknown>;
}

export interface FromWwebjsStoreOptions {
  /**
   * Private folder (created 0700 when missing; an existing one others can read is reported) for the
   * plaintext zips: the one `extract` writes on `load`, and the one `save` hands the wrapped store.
   * A killed run's zips are removed by the next adapter that uses the folder.
   */
  workDir: string;
  /**
   * Folder where `save` places `<sessionId>.zip` for the wrapped store to read. whatsapp-web.js-style
   * stores open `<session>.zip` relative to the working directory and also use `session` as the
   * remote name, so a path cannot be passed instead. What is placed there is a symbolic link to the
   * zip in `workDir` (no plaintext leaves `workDir`), and only while `save` runs; where links cannot
   * be made (Windows without the privilege), the zip itself.
   * @default process.cwd() at the time of each save
   */
  zipDir?: string;
  /**
   * How long `delete` waits for `sessionExists` to turn false; wwebjs-mongo 1.1.0 starts its
   * GridFS deletes without awaiting them.
   * @default 10000
   */
  deleteSettleTimeoutMs?: number;
}

export interface ToWwebjsStoreOptions {
  /**
   * RemoteAuth's `dataPath` (resolved to an absolute path). whatsapp-web.js 1.34.7 writes the backup to
   * `<dataPath>/<session>.zip` and then calls `save({ session })` with the bare session name.
   */
  workDir: string;
}

interface KnownGeneration {
  generation: number;
  createdAt: Date;
  bytes: number;
}

/** The zip `extract` wrote, its size checked before it is read (the download itself cannot be bounded). */
async function readExtracted(file: string, sessionId: string, generation: number, maxBytes: number | undefined): Promise<Buffer> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) throw new StoreError(`wwebjs store: extract("${sessionId}") wrote no file`, { cause: err });
    throw err;
  }
  try {
    const { size } = await handle.stat();
    if (maxBytes !== undefined && size > maxBytes) throw dataTooLarge('wwebjs store', sessionId, generation, size, maxBytes);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/**
 * Wraps a whatsapp-web.js-style store (for example `new MongoStore({ mongoose })` from wwebjs-mongo)
 * as a waweb {@link SessionStore}.
 *
 * Such stores keep one backup per session that waweb cannot number, so generations are counted by
 * this adapter object: the first save of an absent session is 1, every save through it adds one,
 * and a backup it did not see being written is reported as generation 1. The numbers (and the
 * `createdAt` of a backup it did not write) name nothing outside this object, so the adapter
 * declares `stableGenerations: false` and RemoteAuth restores the newest backup on every start.
 *
 * `list` returns at most one entry and never downloads: its `bytes` is the size this adapter last
 * saved or loaded, and `0` (unknown) for a backup it has not seen. Before `extract`, the adapter
 * checks `sessionExists`: wwebjs-mongo's `extract` of a missing session raises an uncatchable
 * stream error.
 */
export class WwebjsStoreAdapter extends StoreFront {
  /** The whatsapp-web.js store this adapter wraps. */
  readonly store: WwebjsStore;

  constructor(store: WwebjsStore, options: FromWwebjsStoreOptions) {
    super(new WwebjsDriver(store, options));
    this.store = store;
  }
}

/** The raw operations of a whatsapp-web.js store; generations are counted here (see the class above). */
class WwebjsDriver implements StoreDriver {
  readonly name = 'wwebjs';
  readonly label = 'wwebjs store';
  /** Generation numbers are counted per adapter object; see `WwebjsStoreAdapter`. */
  readonly stableGenerations = false;
  private readonly known = new Map<string, KnownGeneration>();
  private readonly workDir: string;
  private readonly zipDir: string | undefined;
  private readonly deleteSettleTimeoutMs: number;
  /** `workDir` made, checked and swept, and this process's folder in it (once per adapter). */
  private prepared: Promise<string> | undefined;

  constructor(
    private readonly store: WwebjsStore,
    options: FromWwebjsStoreOptions,
  ) {
    for (const method of ['sessionExists', 'save', 'extract', 'delete'] as const) {
      if (typeof (store as unknown as Record<string, unknown> | undefined)?.[method] !== 'function') {
        throw new InvalidOptionError(`WwebjsStoreAdapter: the store has no ${method}() method`);
      }
    }
    if (!options || typeof options.workDir !== 'string' || options.workDir.length === 0) {
      throw new InvalidOptionError('WwebjsStoreAdapter: "workDir" is required');
    }
    const timeout = nonNegativeNumber(options.deleteSettleTimeoutMs, 10_000, 'WwebjsStoreAdapter: "deleteSettleTimeoutMs"');
    this.workDir = path.resolve(options.workDir);
    this.zipDir = options.zipDir === undefined ? undefined : path.resolve(options.zipDir);
    this.deleteSettleTimeoutMs = timeout;
  }

  async exists(sessionId: string): Promise<boolean> {
    return Boolean(await this.store.sessionExists({ session: sessionId }));
  }

  async write(sessionId: string, data: Buffer): Promise<StoredGeneration> {
    const zip = path.join(this.zipDir ?? process.cwd(), `${sessionId}.zip`);
    // The zip name is shared by every adapter in this process that saves this session.
    return processLock.run(`wwebjs-zip:${zip}`, async () => {
      const previous = this.known.get(sessionId)?.generation ?? ((await this.exists(sessionId)) ? 1 : 0);
      const plain = await this.workFile('save');
      try {
        await writeFileAtomic(plain, data);
        await placeLink(plain, zip, data);
        try {
          await this.store.save({ session: sessionId });
        } finally {
          await fs.rm(zip, { force: true });
        }
      } finally {
        await fs.rm(plain, { force: true });
      }
      const saved: KnownGeneration = { generation: previous + 1, createdAt: new Date(), bytes: data.length };
      this.known.set(sessionId, saved);
      return { sessionId, ...saved };
    });
  }

  /** Downloads through `extract` into `workDir`; the zip's size is checked before it is read. */
  async read(sessionId: string, generation: DriverGeneration, { maxBytes }: DriverReadContext): Promise<Buffer | null> {
    const target = await this.workFile('extract');
    try {
      await this.store.extract({ session: sessionId, path: target });
      const data = await readExtracted(target, sessionId, generation.generation, maxBytes);
      this.known.set(sessionId, { generation: generation.generation, createdAt: generation.createdAt, bytes: data.length });
      return data;
    } finally {
      await fs.rm(target, { force: true });
    }
  }

  /**
   * A new file name in `workDir` for a plaintext zip, in a folder named for this process. The first
   * call makes `workDir` (0700), reports it when others can read it, and removes what killed runs left.
   */
  private async workFile(kind: 'save' | 'extract'): Promise<string> {
    this.prepared ??= (async () => {
      const created = await fs.mkdir(this.workDir, { recursive: true, mode: 0o700 });
      if (created === undefined) await warnIfExposed(this.workDir);
      await sweepScratch(this.workDir);
      const mine = path.join(this.workDir, `waweb-scratch-${process.pid}-wwebjs`);
      await fs.mkdir(mine, { recursive: true, mode: 0o700 });
      return mine;
    })().catch((err: unknown) => {
      this.prepared = undefined;
      throw err;
    });
    return path.join(await this.prepared, `${kind}-${randomBytes(6).toString('hex')}.zip`);
  }

  /**
   * At most one entry; one `sessionExists` call, nothing downloaded. A backup this adapter has not
   * saved or loaded is reported as generation 1, `createdAt` now and `bytes` 0 (unknown). Before
   * `extract` is ever called, this says the session exists: wwebjs-mongo's `extract` of a missing
   * session raises an uncatchable stream error.
   */
  async list(sessionId: string): Promise<DriverGeneration[]> {
    if (!(await this.exists(sessionId))) return [];
    const known = this.known.get(sessionId);
    if (known) return [{ sessionId, ...known }];
    return [{ sessionId, generation: 1, createdAt: new Date(), bytes: 0 }];
  }

  async remove(sessionId: string, { signal }: DriverCallContext): Promise<void> {
    if (!(await this.exists(sessionId))) {
      this.known.delete(sessionId);
      return;
    }
    await this.store.delete({ session: sessionId });
    this.known.delete(sessionId);
    // wwebjs-mongo's delete() returns before its deletes finish: wait until the session is gone.
    const deadline = Date.now() + this.deleteSettleTimeoutMs;
    while (await this.exists(sessionId)) {
      if (Date.now() >= deadline) {
        throw new StoreError(
          `wwebjs store: session "${sessionId}" still exists ${this.deleteSettleTimeoutMs} ms after delete() (deleteSettleTimeoutMs)`,
        );
      }
      await delay(25, signal, `wwebjs store: deleting session "${sessionId}" was aborted`);
    }
  }
}

/**
 * Wraps a whatsapp-web.js-style store as a waweb {@link SessionStore}. See {@link WwebjsStoreAdapter}.
 * @deprecated use `new WwebjsStoreAdapter(store, options)`; this alias goes in the next release.
 */
export function fromWwebjsStore(store: WwebjsStore, options: FromWwebjsStoreOptions): WwebjsStoreAdapter {
  return new WwebjsStoreAdapter(store, options);
}

/**
 * Exposes a waweb {@link SessionStore} with the interface whatsapp-web.js's `RemoteAuth` expects,
 * so wwebjs can back up into (and restore from) FileStore, MongoStore or PostgresStore.
 *
 * `save({ session })` looks for the zip where each wwebjs version puts it:
 * - a bare name (1.34.7): `<workDir>/<session>.zip` (workDir = RemoteAuth's dataPath), then `<cwd>/<session>.zip`
 *   (older releases wrote it to the working directory);
 * - a path (1.34.5-1.34.6 passed `<dataPath>/<name>`): `<session>.zip`, stored under the base name, so the
 *   backup lands where a restore looks for it.
 */
export function toWwebjsStore(store: SessionStore, options: ToWwebjsStoreOptions): WwebjsStore {
  if (!options || typeof options.workDir !== 'string' || options.workDir.length === 0) {
    throw new InvalidOptionError('toWwebjsStore: "workDir" is required (RemoteAuth\'s dataPath)');
  }
  const workDir = path.resolve(options.workDir);

  function sessionIdOf(session: unknown): string {
    const name = typeof session === 'string' && /[\\/]/.test(session) ? path.basename(session) : session;
    assertSessionId(name);
    return name;
  }

  function zipCandidates(session: string): string[] {
    if (/[\\/]/.test(session)) return [path.resolve(`${session}.zip`)];
    return [...new Set([path.join(workDir, `${session}.zip`), path.resolve(`${session}.zip`)])];
  }

  return {
    async sessionExists({ session }: { session: string }): Promise<boolean> {
      return store.exists(sessionIdOf(session));
    },

    async save({ session }: { session: string }): Promise<void> {
      const id = sessionIdOf(session);
      let data: Buffer | undefined;
      let lastError: unknown;
      const candidates = zipCandidates(session);
      for (const candidate of candidates) {
        try {
          data = await fs.readFile(candidate);
          break;
        } catch (err) {
          if (!isErrno(err, 'ENOENT')) throw wrapError(err, `toWwebjsStore: reading ${candidate} failed`);
          lastError = err;
        }
      }
      if (!data) {
        throw new StoreError(`toWwebjsStore: no backup zip for "${session}" at ${candidates.join(' or ')}`, {
          code: ErrorCode.STORE_FAILED,
          cause: lastError,
        });
      }
      await store.save(id, data);
    },

    async extract({ session, path: target }: { session: string; path: string }): Promise<void> {
      const id = sessionIdOf(session);
      const loaded = await store.load(id);
      if (!loaded) throw new StoreError(`toWwebjsStore: no stored session "${id}" to extract`);
      const file = path.resolve(target);
      try {
        await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
        await writeFileAtomic(file, loaded.data);
      } catch (err) {
        throw wrapError(err, `toWwebjsStore: writing ${file} failed`);
      }
    },

    async delete({ session }: { session: string }): Promise<void> {
      await store.delete(sessionIdOf(session));
    },
  };
}
