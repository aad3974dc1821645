import { randomBytes } from 'node:crypto';
import { promises as fs, type Dirent } from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { InvalidOptionError } from '../errors';
import { isErrno } from '../util/errno';
import { warnIfExposed } from '../util/private-folder';
import type { DriverGeneration, DriverReadContext, DriverRewriteContext, DriverWriteContext, StoreDriver } from './driver';
import {
  fsyncDirectory,
  GENERATION_FILE,
  generationFileName,
  placeWithoutLink,
  readGenerations,
  sidecarFileName,
  syncNewFolders,
  TEMP_PREFIX,
  tempPath,
  writeTemp,
} from './file-layout';
import { readMarks, SIDECAR_FILE, SIDECAR_TEMP, writeMarks } from './file-marks';
import { StoreFront } from './front';
import {
  applyMark,
  dataTooLarge,
  generationChanged,
  generationsToPrune,
  oneChunk,
  processLock,
  resolveKeep,
  throwIfAborted,
} from './internal';
import type { GenerationMark, StoredGeneration } from './types';

export interface FileStoreOptions {
  /** Root directory; created (mode 0700) when missing. Each session gets `<directory>/<sessionId>/`. */
  directory: string;
  /**
   * How many generations to keep per session.
   * @default 3
   */
  keep?: number;
}

/** Temp files older than this are leftovers of a crashed writer and are removed while pruning. */
const STALE_TEMP_MS = 60 * 60 * 1000;
/** Exclusive-create retries when another process takes the same generation number. */
const MAX_NUMBER_RETRIES = 100;

/**
 * Session store on the local disk: `<directory>/<sessionId>/<generation>.zip`, generation
 * zero-padded to ten digits. Every write goes to a temp file in the same folder, is fsynced,
 * then linked into place under a name no other writer can take, and the folder is fsynced;
 * a crash leaves either the old generations or the complete new one, never a partial file.
 * Folders are created 0700 and files 0600. Local file calls have no deadline of their own.
 * Marks (set aside, logged in) live in a sidecar `<padded generation>.json` per marked generation.
 * A rewrite (`rewriteGeneration`, for rekey) replaces a generation's zip by an atomic rename of a
 * temp file stamped with the old modification time, so its number, `createdAt` and marks stay.
 */
export class FileStore extends StoreFront {
  readonly directory: string;
  readonly keep: number;

  constructor(options: FileStoreOptions) {
    if (!options || typeof options.directory !== 'string' || options.directory.length === 0) {
      throw new InvalidOptionError('FileStore: "directory" is required');
    }
    if (options.directory.includes('\0')) throw new InvalidOptionError('FileStore: "directory" must not contain a NUL character');
    const driver = new FileDriver(path.resolve(options.directory), resolveKeep(options.keep, 'FileStore'));
    super(driver);
    this.directory = driver.directory;
    this.keep = driver.keep;
  }
}

/** The raw operations of a FileStore. */
class FileDriver implements StoreDriver {
  readonly name = 'file';
  readonly label = 'FileStore';
  /**
   * `ifNewest` is atomic across processes: the save takes generation `ifNewest + 1` by an exclusive
   * `link()` (or exclusive create) that fails when any writer, in any process, took that number
   * first, and every save numbers its generation highest + 1, so no save can land above `ifNewest`
   * without taking `ifNewest + 1`. (A generation deleted by hand and written again with the same
   * number is not seen: the check is on numbers.)
   */
  readonly conditionalWrites = true;

  /** Whether the root was checked for other users' access (once, on the first save). */
  private rootChecked = false;

  constructor(
    readonly directory: string,
    readonly keep: number,
  ) {}

  async list(sessionId: string): Promise<DriverGeneration[]> {
    const dir = this.sessionDir(sessionId);
    const result: DriverGeneration[] = [];
    for (const generation of await readGenerations(dir)) {
      const listed = await this.stat(sessionId, dir, generation);
      if (listed) result.push(listed);
    }
    return result;
  }

  /** One generation with its marks; `null` when its zip is gone (pruned meanwhile). */
  private async stat(sessionId: string, dir: string, generation: number): Promise<DriverGeneration | null> {
    let stat: Awaited<ReturnType<typeof fs.stat>>;
    try {
      stat = await fs.stat(path.join(dir, generationFileName(generation)));
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return null;
      throw err;
    }
    const marks = await readMarks(path.join(dir, sidecarFileName(generation)), stat.mtime);
    return { sessionId, generation, createdAt: stat.mtime, bytes: stat.size, ...marks };
  }

  /**
   * Writes the sidecar under the session's lock. Another process may prune the generation meanwhile:
   * a sidecar left without its zip is removed here, or ignored and removed by the next prune.
   */
  async mark(sessionId: string, generation: DriverGeneration, mark: GenerationMark): Promise<StoredGeneration | null> {
    const dir = this.sessionDir(sessionId);
    return processLock.run(`file:${dir}`, async () => {
      const current = await this.stat(sessionId, dir, generation.generation);
      if (!current || current.createdAt.getTime() !== generation.createdAt.getTime()) return null;
      const { setAside, loggedInAt } = current;
      const marks = applyMark({ ...(setAside ? { setAside } : {}), ...(loggedInAt ? { loggedInAt } : {}) }, mark, new Date());
      const sidecar = path.join(dir, sidecarFileName(generation.generation));
      await writeMarks(sidecar, current.createdAt, marks);
      await fsyncDirectory(dir);
      const after = await this.stat(sessionId, dir, generation.generation);
      if (!after) await fs.rm(sidecar, { force: true });
      return after;
    });
  }

  async removeGeneration(sessionId: string, generation: DriverGeneration): Promise<boolean> {
    const dir = this.sessionDir(sessionId);
    return processLock.run(`file:${dir}`, async () => {
      try {
        await fs.unlink(path.join(dir, generationFileName(generation.generation)));
      } catch (err) {
        if (isErrno(err, 'ENOENT')) return false;
        throw err;
      }
      await fs.rm(path.join(dir, sidecarFileName(generation.generation)), { force: true });
      await fsyncDirectory(dir);
      return true;
    });
  }

  /**
   * Writes `data` to a temp file stamped with the generation's `createdAt` (its zip's mtime, which
   * also names its sidecar), then renames it over the zip: readers see the old bytes or the new.
   * Under the session's lock, only while the zip is still the one listed. Another process pruning
   * it between that check and the rename would see it come back (with no marks) until its next prune.
   */
  async rewrite(
    sessionId: string,
    generation: DriverGeneration,
    data: Buffer,
    { signal }: DriverRewriteContext,
  ): Promise<StoredGeneration | null> {
    const dir = this.sessionDir(sessionId);
    return processLock.run(`file:${dir}`, async () => {
      throwIfAborted(signal, 'FileStore.rewriteGeneration');
      const sameAsListed = async (): Promise<boolean> =>
        (await this.stat(sessionId, dir, generation.generation))?.createdAt.getTime() === generation.createdAt.getTime();
      if (!(await sameAsListed())) return null;
      const temp = tempPath(dir);
      try {
        await writeTemp(temp, oneChunk(data), signal);
        await fs.utimes(temp, generation.createdAt, generation.createdAt);
        if (!(await sameAsListed())) return null;
        await fs.rename(temp, path.join(dir, generationFileName(generation.generation)));
      } finally {
        await fs.rm(temp, { force: true });
      }
      await fsyncDirectory(dir);
      return this.stat(sessionId, dir, generation.generation);
    });
  }

  /** The session folders that hold a generation. */
  async sessions(): Promise<string[]> {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(this.directory, { withFileTypes: true });
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return [];
      throw err;
    }
    const out: string[] = [];
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name.startsWith(TEMP_PREFIX)) continue;
      if ((await readGenerations(this.sessionDir(entry.name))).length > 0) out.push(entry.name);
    }
    return out;
  }

  /** A generation's file: written once under a temp name and linked in, never changed after. */
  localFile(sessionId: string, generation: DriverGeneration): string {
    return path.join(this.sessionDir(sessionId), generationFileName(generation.generation));
  }

  /** A generation's zip opened for reading; `null` when it is gone (pruned since it was listed). */
  async #open(sessionId: string, generation: DriverGeneration): Promise<fs.FileHandle | null> {
    try {
      return await fs.open(this.localFile(sessionId, generation), 'r');
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return null;
      throw err;
    }
  }

  /** The file's size is checked through the open handle before it is read. */
  async read(sessionId: string, generation: DriverGeneration, { maxBytes }: DriverReadContext): Promise<Buffer | null> {
    const handle = await this.#open(sessionId, generation);
    if (!handle) return null;
    try {
      const { size } = await handle.stat();
      if (maxBytes !== undefined && size > maxBytes) throw dataTooLarge(this.label, sessionId, generation.generation, size, maxBytes);
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  /**
   * The opened zip as a stream of 64 KiB chunks. Checked on the open file: one of another size or
   * modification time than listed was rewritten meanwhile (`null`: the front lists again). A file
   * pruned once open still reads to its end.
   */
  async readStream(sessionId: string, generation: DriverGeneration, { maxBytes }: DriverReadContext): Promise<Readable | null> {
    const handle = await this.#open(sessionId, generation);
    if (!handle) return null;
    try {
      const { size, mtime } = await handle.stat();
      if (maxBytes !== undefined && size > maxBytes) throw dataTooLarge(this.label, sessionId, generation.generation, size, maxBytes);
      if (size !== generation.bytes || mtime.getTime() !== generation.createdAt.getTime()) {
        await handle.close();
        return null;
      }
    } catch (err) {
      await handle.close();
      throw err;
    }
    return handle.createReadStream();
  }

  write(sessionId: string, data: Buffer, context: DriverWriteContext): Promise<StoredGeneration> {
    return this.writeStream(sessionId, oneChunk(data), context);
  }

  /**
   * Streams into a temp file in the session's folder (fsynced), then links it in as the next
   * generation, all under the session's lock; a source that fails or an abort removes the temp file.
   */
  async writeStream(sessionId: string, source: AsyncIterable<Buffer>, { signal, ifNewest }: DriverWriteContext): Promise<StoredGeneration> {
    const dir = this.sessionDir(sessionId);
    return processLock.run(`file:${dir}`, async () => {
      throwIfAborted(signal, 'FileStore.save');
      if (ifNewest !== undefined) await this.checkNewest(sessionId, dir, ifNewest);
      // A root that existed before, open to other users, is reported (WAWEB_INSECURE_FOLDER), not changed.
      if (!this.rootChecked) {
        this.rootChecked = true;
        await warnIfExposed(this.directory);
      }
      const created = await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      if (created !== undefined) await syncNewFolders(created, dir);
      const saved = await this.writeGeneration(sessionId, dir, source, signal, ifNewest);
      await this.prune(sessionId, dir);
      return saved;
    });
  }

  async remove(sessionId: string): Promise<void> {
    const dir = this.sessionDir(sessionId);
    await processLock.run(`file:${dir}`, async () => {
      // Move the folder aside first so readers never see half of it, then remove it.
      const doomed = path.join(this.directory, `${TEMP_PREFIX}deleted-${sessionId}-${randomBytes(6).toString('hex')}`);
      try {
        await fs.rename(dir, doomed);
      } catch (err) {
        if (isErrno(err, 'ENOENT')) return;
        throw err;
      }
      await fsyncDirectory(this.directory);
      await fs.rm(doomed, { recursive: true, force: true });
    });
  }

  private sessionDir(sessionId: string): string {
    return path.join(this.directory, sessionId);
  }

  /** Refuses with `GENERATION_CHANGED` unless the newest generation in `dir` is `ifNewest` (`0`: none). */
  private async checkNewest(sessionId: string, dir: string, ifNewest: number): Promise<void> {
    const newest = (await readGenerations(dir))[0] ?? 0;
    if (newest !== ifNewest) throw generationChanged(this.label, sessionId, ifNewest, newest);
  }

  /**
   * Writes `source` to a temp file, then links it in as the next generation. With `ifNewest`, only
   * as `ifNewest + 1`: when another writer took that number first, the save is refused.
   */
  private async writeGeneration(
    sessionId: string,
    dir: string,
    source: AsyncIterable<Buffer>,
    signal: AbortSignal,
    ifNewest?: number,
  ): Promise<StoredGeneration> {
    const temp = tempPath(dir);
    const bytes = await writeTemp(temp, source, signal);
    try {
      throwIfAborted(signal, 'FileStore.saveStream');
      let generation = ifNewest === undefined ? ((await readGenerations(dir))[0] ?? 0) + 1 : ifNewest + 1;
      for (let attempt = 0; ; attempt++) {
        const final = path.join(dir, generationFileName(generation));
        try {
          // link() fails with EEXIST instead of replacing: another process that picked the same
          // number keeps it and we take the next one. The file appears complete or not at all.
          await fs.link(temp, final);
          break;
        } catch (err) {
          if (isErrno(err, 'EEXIST') && ifNewest !== undefined) {
            throw generationChanged(this.label, sessionId, ifNewest, (await readGenerations(dir))[0] ?? generation);
          }
          if (isErrno(err, 'EEXIST') && attempt < MAX_NUMBER_RETRIES) {
            generation = Math.max(generation + 1, ((await readGenerations(dir))[0] ?? 0) + 1);
            continue;
          }
          if (isErrno(err, 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS') && attempt === 0) {
            // File systems without hard links: exclusive-create the name, then atomically replace it.
            await placeWithoutLink(temp, final).catch(async (placeErr: unknown) => {
              if (!isErrno(placeErr, 'EEXIST') || ifNewest === undefined) throw placeErr;
              throw generationChanged(this.label, sessionId, ifNewest, (await readGenerations(dir))[0] ?? generation);
            });
            break;
          }
          throw err;
        }
      }
      await fs.unlink(temp).catch(() => undefined);
      await fsyncDirectory(dir);
      const stat = await fs.stat(path.join(dir, generationFileName(generation)));
      return { sessionId, generation, createdAt: stat.mtime, bytes };
    } catch (err) {
      await fs.unlink(temp).catch(() => undefined);
      throw err;
    }
  }

  /**
   * Removes the generations the pruning rule gives up (`generationsToPrune`) with their sidecars,
   * sidecars whose zip is gone, and temp files left by crashed writers.
   */
  private async prune(sessionId: string, dir: string): Promise<void> {
    let removed = false;
    for (const { generation } of generationsToPrune(await this.list(sessionId), this.keep)) {
      await fs.rm(path.join(dir, generationFileName(generation)), { force: true });
      await fs.rm(path.join(dir, sidecarFileName(generation)), { force: true });
      removed = true;
    }
    const names = await fs.readdir(dir);
    const zips = new Set(names.filter((name) => GENERATION_FILE.test(name)));
    const now = Date.now();
    for (const name of names) {
      const file = path.join(dir, name);
      const sidecar = SIDECAR_FILE.exec(name);
      if (sidecar?.[1] && !zips.has(generationFileName(Number(sidecar[1])))) {
        await fs.rm(file, { force: true });
        removed = true;
        continue;
      }
      if (!name.startsWith(TEMP_PREFIX) && !SIDECAR_TEMP.test(name)) continue;
      const stat = await fs.stat(file).catch(() => undefined);
      if (stat && now - stat.mtimeMs > STALE_TEMP_MS) {
        await fs.rm(file, { force: true });
        removed = true;
      }
    }
    if (removed) await fsyncDirectory(dir);
  }
}

/**
 * Creates a {@link FileStore}.
 * @deprecated use `new FileStore(options)`; this alias goes in the next release.
 */
export function createFileStore(options: FileStoreOptions): FileStore {
  return new FileStore(options);
}
