/**
 * RemoteAuth's restore: which stored generations may replace the local copy, each tried in turn
 * (downloaded within the limits, verified into a temporary folder, swapped in only when complete),
 * and what is left when none is usable. Every failure of one generation (store, size, archive,
 * file system) moves on to the next; a cancelled start stops the walk, and so does a generation
 * that fails decryption (unless `onDecryptionFailure: 'fallback'`).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { extractOpenedArchive, extractSessionArchiveFile, openArchiveInPlace, spoolArchive, type ArchiveLimits } from '../../archive';
import {
  AbortError,
  ArchiveError,
  EncryptionError,
  ErrorCode,
  FileSystemError,
  RestoreError,
  StoreError,
  WawebError,
  errorMessage,
  type RestoreAttempt,
} from '../../errors';
import { loadStreamFrom, localFileOf } from '../../stores/stream';
import type { SessionStore, StoredGeneration } from '../../stores/types';
import { isErrno } from '../../util/errno';
import { exists } from '../profile/files';
import { writeStamp, type LocalStamp } from './stamp';

export interface RestoreContext {
  store: SessionStore;
  sessionName: string;
  dataPath: string;
  userDataDir: string;
  limits: ArchiveLimits;
  /** Runs a store call within RemoteAuth's deadline and cancellation. */
  storeCall<T>(what: string, call: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** The start's cancellation: once aborted, the restore stops with an `AbortError`. */
  signal: AbortSignal;
  /** Reports a fallback (a newer backup was unusable) without failing the start. */
  report(error: WawebError): void;
  /**
   * A generation that fails decryption or its integrity check (`EncryptionError`) stops the walk
   * and the start, unless this is `'fallback'`: with encryption, such a failure means the store was
   * tampered with (or the key is wrong), and falling back would let whoever did it choose which
   * older login comes back. @default 'stop'
   */
  onDecryptionFailure?: 'stop' | 'fallback';
  /**
   * Where the local profile a restore replaces goes, instead of being deleted (the restore's trial
   * keeps it until the page logs in). A restore swaps one generation in, at most.
   */
  keepPrevious?: string;
}

/**
 * Which stored generations may replace the local copy, newest first; never one set aside (marked
 * so in the store, or in `setAside`, this process's own list).
 * - Stamped with a generation the store still lists under the same number and `createdAt`: only
 *   the ones newer than it (none when it is the newest): an older one would lose what the local
 *   copy has.
 * - Stamped with a generation the store no longer lists: none that is older than the stamped one
 *   (a lower number, stored before it): the store was rolled back or its newer generations were
 *   deleted, and the local copy is newer than they are (see `olderThanStamp`).
 * - Otherwise (no stamp, or a store whose numbers are not identities): all of them, newest first.
 */
export function restoreCandidates(
  generations: readonly StoredGeneration[],
  local: LocalStamp | undefined,
  stable: boolean,
  setAside: ReadonlySet<number> = new Set(),
): StoredGeneration[] {
  const newestFirst = [...generations]
    .filter((g) => g.setAside === undefined && !setAside.has(g.generation))
    .sort((a, b) => b.generation - a.generation);
  if (!stable || local?.createdAt === undefined) return newestFirst;
  const createdAt = Date.parse(local.createdAt);
  const index = newestFirst.findIndex((g) => g.generation === local.generation && g.createdAt.getTime() === createdAt);
  if (index !== -1) return newestFirst.slice(0, index);
  const older = new Set(olderThanStamp(generations, local, stable));
  return newestFirst.filter((g) => !older.has(g));
}

/**
 * The listed generations older than what the local stamp says this machine has seen, when the
 * stamped generation itself is no longer listed: a lower number, stored before it. Restoring one
 * would roll the session back (a store put back from an old dump, newer generations deleted, an old
 * copy re-inserted), so RemoteAuth keeps the local copy instead and reports it. Empty without a
 * stamp that names a time, for a store whose numbers are not identities, or while the stamped
 * generation is still listed. A session deleted and paired again elsewhere starts over at 1, but
 * with later times, so it is not caught.
 */
export function olderThanStamp(
  generations: readonly StoredGeneration[],
  local: LocalStamp | undefined,
  stable: boolean,
): StoredGeneration[] {
  if (!stable || local?.createdAt === undefined) return [];
  const createdAt = Date.parse(local.createdAt);
  if (generations.some((g) => g.generation === local.generation && g.createdAt.getTime() === createdAt)) return [];
  return generations.filter((g) => g.generation < local.generation && g.createdAt.getTime() < createdAt);
}

/**
 * Restores the newest usable generation of `candidates` (newest first). A failed one is recorded
 * and the next older tried; when none is left, a stamped local copy (`local`) is kept. Each
 * fallback is reported (an error of the newest failure's class and code, saying what was used
 * instead). With nothing usable the start fails with a `RestoreError` listing every attempt.
 * Resolves with the generation the profile now holds and where it came from (`undefined` when every
 * listed one was pruned).
 */
export async function restoreSession(
  ctx: RestoreContext,
  candidates: readonly StoredGeneration[],
  local: LocalStamp | undefined,
): Promise<{ generation: number; from: 'store' | 'local' } | undefined> {
  const attempts: RestoreAttempt[] = [];
  let pruned = 0;
  for (const generation of candidates) {
    if (ctx.signal.aborted) throw new AbortError(`restore of ${ctx.sessionName} aborted`);
    try {
      const restored = await restoreGeneration(ctx, generation);
      if (!restored) {
        pruned++;
        continue;
      }
      const first = attempts[0];
      if (first)
        ctx.report(
          sameKind(
            first.error,
            `newest backup of ${ctx.sessionName} was unusable (${describe(attempts)}); restored generation ${generation.generation}`,
          ),
        );
      return { generation: generation.generation, from: 'store' };
    } catch (err) {
      if (ctx.signal.aborted)
        throw err instanceof AbortError ? err : new AbortError(`restore of ${ctx.sessionName} aborted`, { cause: err });
      if (err instanceof EncryptionError && ctx.onDecryptionFailure !== 'fallback') throw err;
      attempts.push({ generation: generation.generation, error: typed(err, ctx, generation) });
    }
  }
  const first = attempts[0];
  if (!first) {
    // Every listed generation was pruned meanwhile: start from what is there locally.
    if (pruned > 0) await mkdir(ctx.userDataDir, { recursive: true, mode: 0o700 });
    return undefined;
  }
  if (local !== undefined) {
    ctx.report(
      sameKind(
        first.error,
        `newer backups of ${ctx.sessionName} were unusable (${describe(attempts)}); kept the local copy of generation ${local.generation}`,
      ),
    );
    return { generation: local.generation, from: 'local' };
  }
  throw new RestoreError(`no usable backup of ${ctx.sessionName} (${describe(attempts)}) and no stamped local copy to keep`, attempts);
}

/**
 * One generation: size check, download, verified extraction, stamp, swap-in. `false` when pruned
 * meanwhile. The download streams into a spool file beside the profile (`.<session>.restore-*.zip`,
 * which `recoverInterruptedRestore` removes after a kill), counted against `maxCompressedBytes` as it
 * arrives and bounded by `storeTimeoutMs` as one store call; the extraction reads it a piece at a
 * time. A generation the store keeps as a local file (FileStore) is read where it is instead, with
 * no copy. Memory stays flat whatever the archive's size.
 */
async function restoreGeneration(ctx: RestoreContext, generation: StoredGeneration): Promise<boolean> {
  const { maxCompressedBytes } = ctx.limits;
  if (generation.bytes > maxCompressedBytes) {
    throw new ArchiveError(
      ErrorCode.ARCHIVE_TOO_LARGE,
      `generation ${generation.generation} is ${generation.bytes} bytes, more than limits.maxCompressedBytes (${maxCompressedBytes}); not downloaded`,
    );
  }
  const temp = join(ctx.dataPath, `.${ctx.sessionName}.restore-${randomBytes(4).toString('hex')}`);
  const spoolFile = `${temp}.zip`;
  try {
    const loaded = await ctx.storeCall(`loading generation ${generation.generation}`, async (signal) => {
      const found = await loadStreamFrom(ctx.store, ctx.sessionName, {
        generation: generation.generation,
        maxBytes: maxCompressedBytes,
        signal,
      });
      if (!found) return null;
      const { stream, ...stored } = found;
      if (signal.aborted) {
        stream.destroy();
        throw new AbortError(`loading generation ${generation.generation} aborted`);
      }
      // Opened while the store's stream still holds the file: one pruned or replaced since is read from that stream.
      const local = localFileOf(found);
      const inPlace =
        local === undefined
          ? null
          : await openArchiveInPlace(local, { bytes: stored.bytes, modified: stored.createdAt }, ctx.limits).catch((err: unknown) => {
              // Not a zip: the stream goes too, or the store's deadline would later fail it with nobody listening.
              stream.destroy();
              throw err;
            });
      if (inPlace) {
        stream.destroy();
        if (!signal.aborted) return { stored, inPlace };
        await inPlace.close();
        throw new AbortError(`loading generation ${generation.generation} aborted`);
      }
      await spoolArchive(stream, spoolFile, { maxCompressedBytes, signal });
      return { stored, inPlace };
    });
    if (!loaded) return false;
    const extracted = loaded.inPlace
      ? await extractOpenedArchive(loaded.inPlace, temp, ctx.limits)
      : await extractSessionArchiveFile(spoolFile, temp, ctx.limits);
    // The archive is no longer needed: free its disk space before the swap.
    await rm(spoolFile, { force: true });
    if (ctx.signal.aborted) throw new AbortError(`restore of ${ctx.sessionName} aborted`);
    await writeStamp(temp, {
      sessionName: ctx.sessionName,
      generation: loaded.stored.generation,
      createdAt: loaded.stored.createdAt.toISOString(),
      ...(extracted.manifest ? { contentHash: extracted.manifest.contentHash } : {}),
    });
    await swapIn(temp, ctx.userDataDir, ctx.keepPrevious);
    return true;
  } finally {
    await rm(spoolFile, { force: true });
    await rm(temp, { recursive: true, force: true });
  }
}

/** Every failure as a typed error: the stores' and the archive's as they are, Node's as `FileSystemError`. */
function typed(err: unknown, ctx: RestoreContext, generation: StoredGeneration): WawebError {
  if (err instanceof StoreError && err.code === ErrorCode.DATA_TOO_LARGE) {
    return new ArchiveError(
      ErrorCode.ARCHIVE_TOO_LARGE,
      `generation ${generation.generation} is larger than limits.maxCompressedBytes (${ctx.limits.maxCompressedBytes}); not downloaded`,
      { cause: err },
    );
  }
  if (err instanceof WawebError) return err;
  if (typeof err === 'object' && err !== null && 'syscall' in err) {
    return new FileSystemError(`restoring generation ${generation.generation} failed on the local disk: ${errorMessage(err)}`, {
      cause: err,
    });
  }
  return new StoreError(`restoring generation ${generation.generation} from ${ctx.store.name} failed: ${errorMessage(err)}`, {
    cause: err,
  });
}

function describe(attempts: readonly RestoreAttempt[]): string {
  return attempts.map((a) => `generation ${a.generation}: [${a.error.code}] ${a.error.message}`).join('; ');
}

/** An error of the same class and code as `original`, with a new message and `original` as cause. */
function sameKind(original: WawebError, message: string): WawebError {
  const options = { cause: original };
  if (original instanceof ArchiveError)
    return new ArchiveError(original.code as ConstructorParameters<typeof ArchiveError>[0], message, options);
  if (original instanceof StoreError)
    return new StoreError(message, { ...options, code: original.code as NonNullable<ConstructorParameters<typeof StoreError>[1]>['code'] });
  if (original instanceof FileSystemError) return new FileSystemError(message, options);
  if (original instanceof EncryptionError)
    return new EncryptionError(original.code as ConstructorParameters<typeof EncryptionError>[0], message, options);
  return new WawebError(original.code, message, options);
}

/**
 * Replaces the local profile with `temp`; the old one is removed only once the new one is in place,
 * or moved to `keep` instead.
 */
async function swapIn(temp: string, userDataDir: string, keep: string | undefined): Promise<void> {
  const previous = `${userDataDir}.previous-${randomBytes(4).toString('hex')}`;
  const hadLocal = await exists(userDataDir);
  if (hadLocal) await rename(userDataDir, previous);
  try {
    await rename(temp, userDataDir);
  } catch (err) {
    if (hadLocal) await rename(previous, userDataDir);
    throw err;
  }
  if (hadLocal && keep !== undefined) await rename(previous, keep);
  else if (hadLocal) await rm(previous, { recursive: true, force: true });
}

/**
 * Temporary zips of another process (or of an older waweb) untouched for this long are left over
 * from a process that died mid-backup: a backup writes its zip continuously and removes it at once.
 * Their pid says nothing: in containers it is reused (often 1) and another container sharing the
 * folder has its own pid numbers.
 */
const STALE_ARCHIVE_TEMP_MS = 10 * 60_000;

/**
 * A process killed during a restore can leave a temporary restore folder (never a profile in use:
 * remove it) or the previous profile moved aside while the new one was not yet in place (put it
 * back). Stale temporary zips of dead backups go too. A local copy kept during a restore's trial
 * (`kept`) that no login ended is put back: the restore it made way for was never verified.
 */
export async function recoverInterruptedRestore(
  dataPath: string,
  sessionName: string,
  userDataDir: string,
  isOtherProcessTemp: (name: string) => boolean,
  kept?: string,
): Promise<void> {
  if (kept !== undefined && (await exists(kept))) {
    await rm(userDataDir, { recursive: true, force: true });
    await rename(kept, userDataDir);
  }
  const names = await readdir(dataPath);
  const restoring = names.filter((n) => n.startsWith(`.${sessionName}.restore-`));
  const previous = names.filter((n) => n.startsWith(`${sessionName}.previous-`));
  for (const name of restoring) await rm(join(dataPath, name), { recursive: true, force: true });
  const now = Date.now();
  for (const name of names) {
    if (!isOtherProcessTemp(name)) continue;
    const modified = await mtimeMs(join(dataPath, name));
    if (modified !== undefined && now - modified > STALE_ARCHIVE_TEMP_MS) await rm(join(dataPath, name), { force: true });
  }
  if (previous.length === 0) return;
  const [keep, ...rest] = previous;
  if (keep !== undefined && !(await exists(userDataDir))) await rename(join(dataPath, keep), userDataDir);
  else if (keep !== undefined) rest.push(keep);
  for (const name of rest) await rm(join(dataPath, name), { recursive: true, force: true });
}

async function mtimeMs(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
}

/** Reported when the store lists only generations older than the local copy's: it is kept instead. */
export function rollbackRefused(sessionName: string, local: LocalStamp, older: readonly StoredGeneration[]): RestoreError {
  const numbers = older.map((g) => g.generation).join(', ');
  return new RestoreError(
    `${sessionName}: the store no longer lists generation ${local.generation}, which the local copy was stamped with, and lists older ones (${numbers}): not restored (a rollback: the store was put back or its newer generations deleted); the local copy is kept`,
    [],
    ErrorCode.ROLLBACK_REFUSED,
  );
}
