/**
 * RemoteAuth: the session's profile storage (the origin's IndexedDB and
 * localStorage) archived to a store, first within seconds of `ready`, then on
 * a timer, and restored on machines that have no local copy.
 *
 * What it guarantees, unlike whatsapp-web.js's RemoteAuth:
 * - the first backup is taken at `ready`, with the page's localStorage read live and carried in
 *   the archive (Chromium writes it to disk up to a second later); a second one follows as soon as
 *   localStorage is on disk, so the profile files alone restore it too (as whatsapp-web.js does);
 * - every completed save emits `remote_session_saved` with its numbers;
 * - saves never overlap, failures are retried with backoff and never thrown;
 * - unchanged sessions are not uploaded again;
 * - a restore is verified in a temporary folder and swapped in only when complete:
 *   the local profile is never deleted before a good replacement exists, and never
 *   replaced by a generation older than the one it came from (when the store can tell);
 * - a corrupt newest backup falls back to the previous generation (or the local copy);
 * - the remote copy is deleted only after a logout the phone confirmed.
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { archiveTempOwner, removeLocalStorageSnapshot, resolveArchiveLimits, type ArchiveLimits, type SessionArchive } from '../../archive';
import { checkProfileLock } from '../../browser/profile-lock';
import { InvalidOptionError, RestoreError } from '../../errors';
import { WwebjsStoreAdapter } from '../../stores/wwebjs-adapter';
import type { SessionStore, StoredGeneration } from '../../stores/types';
import { assertClientId } from '../../util/client-id';
import { settledWithin } from '../../util/deadline';
import { nonNegativeInteger, optionalInteger, positiveNumber } from '../../util/options';
import { warnIfExposed } from '../../util/private-folder';
import { exists } from '../profile/files';
import { AGGRESSIVE_FLUSH_FLAG } from '../profile/flush';
import { exportLiveProfile } from '../profile/live-export';
import { readPendingItems, writeBackPlan } from '../profile/pending-items';
import { fillPooledProfile, fitsPooledBrowser, recoverPooledRun, returnPooledProfile } from '../profile/pooled';
import { assertOwnUserDataDir, resolveDataPath } from '../profile/profile-options';
import {
  AuthStrategy,
  type BrowserClosedInfo,
  type BrowserPlan,
  type LaunchRequest,
  type LoginFailure,
  type LoginRetry,
} from '../strategy';
import { BackupRun, type BackupTarget } from './backup-run';
import { BackupScheduler } from './backup-scheduler';
import { backupError, decryptionFailureOption, isWwebjsStore, retried, storeCall } from './helpers';
import type { RemoteAuthOptions } from './options';
import {
  olderThanStamp,
  recoverInterruptedRestore,
  restoreCandidates,
  restoreSession,
  rollbackRefused,
  type RestoreContext,
} from './restore';
import { keptLocalPath, RestoreTrial, type NextTry, type TrialContext } from './restore-trial';
import { readStamp } from './stamp';

export type { RemoteAuthOptions };

/**
 * Keeps the session in a store (a waweb `SessionStore`, or a whatsapp-web.js-style store): the
 * profile archived at `ready` and on a timer, and restored, verified first, on a machine without a
 * local copy; the remote copy is deleted only after a logout the phone confirmed.
 */
export class RemoteAuth extends AuthStrategy {
  readonly name = 'remote';
  override readonly requiresProfile = true;
  override readonly poolArgs: readonly string[] = [AGGRESSIVE_FLUSH_FLAG];
  readonly clientId: string | undefined;
  readonly dataPath: string;
  readonly sessionName: string;
  readonly userDataDir: string;
  readonly store: SessionStore;
  readonly limits: ArchiveLimits;
  readonly #options: Required<Omit<RemoteAuthOptions, 'store' | 'clientId' | 'dataPath' | 'limits' | 'maxArchiveBytes'>>;
  readonly #target: BackupTarget;
  readonly #backups: BackupScheduler;
  /** The current run (from the last start or `rearm`); none before the first start. */
  #run: BackupRun | undefined;
  /** The restore on trial until the page logs in with it (none when nothing was restored). */
  #trial: RestoreTrial | undefined;
  /** Generations this process set aside (also for stores that cannot mark them). */
  readonly #setAside = new Set<number>();
  /** The pooled browser's folder this run's profile lives in until the browser is gone (`profile/pooled.ts`). */
  #pooled: string | undefined;

  constructor(options: RemoteAuthOptions) {
    super();
    if (!options || typeof options !== 'object' || !options.store) {
      throw new InvalidOptionError('RemoteAuth needs a store: new RemoteAuth({ store, clientId })');
    }
    this.clientId = assertClientId(options.clientId);
    this.dataPath = resolveDataPath(options.dataPath);
    this.sessionName = this.clientId === undefined ? 'RemoteAuth' : `RemoteAuth-${this.clientId}`;
    this.userDataDir = join(this.dataPath, this.sessionName);
    this.store = isWwebjsStore(options.store)
      ? new WwebjsStoreAdapter(options.store, { workDir: join(this.dataPath, '.waweb-tmp') })
      : options.store;
    this.#options = {
      backupSyncIntervalMs: positiveNumber(options.backupSyncIntervalMs, 60_000, 'backupSyncIntervalMs'),
      flushTimeoutMs: positiveNumber(options.flushTimeoutMs, 30_000, 'flushTimeoutMs'),
      startupRetries: nonNegativeInteger(options.startupRetries, 0, 'startupRetries'),
      retryDelayMs: positiveNumber(options.retryDelayMs, 1000, 'retryDelayMs'),
      storeTimeoutMs: positiveNumber(options.storeTimeoutMs, 60_000, 'storeTimeoutMs'),
      onDecryptionFailure: decryptionFailureOption(options.onDecryptionFailure),
    };
    const maxArchiveBytes = optionalInteger(options.maxArchiveBytes, 1, 'maxArchiveBytes');
    this.limits = resolveArchiveLimits({
      ...(maxArchiveBytes === undefined ? {} : { maxUncompressedBytes: maxArchiveBytes }),
      ...options.limits,
    });
    this.#target = {
      store: this.store,
      sessionName: this.sessionName,
      archiveId: this.clientId ?? this.sessionName,
      userDataDir: this.userDataDir,
      dataPath: this.dataPath,
      flushTimeoutMs: this.#options.flushTimeoutMs,
      storeTimeoutMs: this.#options.storeTimeoutMs,
    };
    this.#backups = new BackupScheduler({
      intervalMs: this.#options.backupSyncIntervalMs,
      retryDelayMs: this.#options.retryDelayMs,
      // No run means no start yet: only live saves could be asked for, and the scheduler skips those.
      save: (mode) => this.#run?.save(mode) ?? Promise.resolve('done'),
      report: (err) => this.#saveFailed(err),
    });
  }

  /**
   * A new run: the previous one's waits end (its browser is gone, or its login was logged out), and
   * the scheduler saves for the new one. `lastStateKey` carries over on a restart of the same login.
   */
  #newRun(lastStateKey: string | undefined): BackupRun {
    this.#run?.cancel();
    const target = Object.defineProperty({ ...this.#target }, 'userDataDir', { get: () => this.#folder });
    const run = new BackupRun(target, this.host, this.log, lastStateKey);
    this.#run = run;
    this.#backups.start(run.signal);
    return run;
  }

  // ------------------------------------------------------------ start / restore

  override async beforeBrowserInitialized(request: LaunchRequest): Promise<BrowserPlan> {
    assertOwnUserDataDir(request.userDataDir, this.userDataDir, 'RemoteAuth');
    this.#pooled = request.pooledProfile;
    const run = this.#newRun(this.#run?.lastStateKey);
    // The client's own cancellation (destroy() during initialize()) ends the start too.
    const signal = request.signal ? AbortSignal.any([run.signal, request.signal]) : run.signal;
    // A start the client makes again after a restore that did not log in goes on with the trial.
    const next = this.#trial?.takeNext();
    if (next === undefined) this.#trial = undefined;
    await mkdir(this.dataPath, { recursive: true, mode: 0o700 });
    await recoverPooledRun(this.userDataDir);
    const kept = keptLocalPath(this.userDataDir);
    const otherProcessTemp = (name: string): boolean => archiveTempOwner(name)?.ours === false;
    await recoverInterruptedRestore(this.dataPath, this.sessionName, this.userDataDir, otherProcessTemp, next ? undefined : kept);
    if (await exists(this.userDataDir)) await checkProfileLock(this.userDataDir);
    if (next === undefined) await this.#restore(signal, kept);
    else if (this.#trial) await this.#retry(this.#trial, next, signal, kept);
    await mkdir(this.userDataDir, { recursive: true, mode: 0o700 });
    await warnIfExposed(this.userDataDir, [this.dataPath]);
    const pending = await readPendingItems(this.userDataDir, (err) => this.host.emitError(backupError(err, this.sessionName)));
    if (pending)
      this.log.debug({ session: this.sessionName, items: pending.length }, 'localStorage items to write back before the app starts');
    // A pooled browser that cannot take this profile's localStorage is left to the client to discard.
    if (this.#pooled !== undefined && !(await fitsPooledBrowser(this.userDataDir, pending !== undefined))) this.#pooled = undefined;
    if (this.#pooled !== undefined) await fillPooledProfile(this.userDataDir, this.#pooled);
    return { userDataDir: this.#folder, args: [AGGRESSIVE_FLUSH_FLAG], ...writeBackPlan(pending) };
  }

  /** The folder the browser of this run uses: the session's own, or a pooled browser's. */
  get #folder(): string {
    return this.#pooled ?? this.userDataDir;
  }

  /** A start: the newest stored generation newer than the local copy, if any, restored and put on trial. */
  async #restore(signal: AbortSignal, kept: string): Promise<void> {
    const { startupRetries, retryDelayMs } = this.#options;
    const list = (s: AbortSignal): Promise<StoredGeneration[]> =>
      this.#storeCall('listing', s, (call) => this.store.list(this.sessionName, { signal: call }));
    const generations = await retried(list, { retries: startupRetries, retryDelayMs, signal, what: `start of ${this.sessionName}` });
    const stamp = await readStamp(this.userDataDir);
    const local = stamp && stamp.sessionName === this.sessionName ? stamp : undefined;
    const stable = this.store.stableGenerations !== false;
    const candidates = restoreCandidates(generations, local, stable, this.#setAside);
    const rolledBack = olderThanStamp(generations, local, stable);
    if (local && rolledBack.length > 0) this.host.emitError(rollbackRefused(this.sessionName, local, rolledBack));
    const log = { session: this.sessionName, store: this.store.name };
    this.log.debug({ ...log, stored: generations.length, local: local?.generation ?? null, toTry: candidates.length }, 'start');
    if (candidates.length === 0) return;
    const began = Date.now();
    const restored = await restoreSession(this.#restoreContext(signal, local ? kept : undefined), candidates, local);
    this.log.info({ ...log, generation: restored?.generation ?? null, ms: Date.now() - began }, 'restored from the store');
    if (restored?.from !== 'store') return;
    const older = candidates.filter((g) => g.generation < restored.generation);
    const generation = candidates.find((g) => g.generation === restored.generation);
    if (generation) this.#trial = new RestoreTrial(this.#trialContext(), generation, older, local ? kept : undefined);
  }

  /** A start again within a trial: the same generation afresh, an older one, the kept local copy, or a fresh profile. */
  async #retry(trial: RestoreTrial, next: NextTry, signal: AbortSignal, kept: string): Promise<void> {
    const current = trial.current;
    if (next === 'local' || (next === 'same' && current === 'local')) {
      if (next === 'local') {
        await rm(this.userDataDir, { recursive: true, force: true });
        await rename(kept, this.userDataDir);
      }
      return trial.restarted('local', []);
    }
    if (next !== 'fresh') {
      const candidates = next === 'same' && current !== 'local' ? [current, ...trial.older] : [...trial.older];
      const restored = await restoreSession(this.#restoreContext(signal, undefined), candidates, undefined).catch((err: unknown) => {
        if (err instanceof RestoreError) return undefined;
        throw err;
      });
      const generation = candidates.find((g) => g.generation === restored?.generation);
      if (generation)
        return trial.restarted(
          generation,
          candidates.filter((g) => g.generation < generation.generation),
        );
      if (await exists(kept)) return this.#retry(trial, 'local', signal, kept);
    }
    // Nothing left to try: a fresh profile, which shows a QR.
    await rm(this.userDataDir, { recursive: true, force: true });
    this.#trial = undefined;
  }

  #restoreContext(signal: AbortSignal, keepPrevious: string | undefined): RestoreContext {
    return {
      store: this.store,
      sessionName: this.sessionName,
      dataPath: this.dataPath,
      userDataDir: this.userDataDir,
      limits: this.limits,
      signal,
      storeCall: (what, call) => this.#storeCall(what, signal, call),
      report: (error) => this.host.emitError(error),
      onDecryptionFailure: this.#options.onDecryptionFailure,
      ...(keepPrevious === undefined ? {} : { keepPrevious }),
    };
  }

  #trialContext(): TrialContext {
    const signal = new AbortController().signal;
    return {
      store: this.store,
      sessionName: this.sessionName,
      userDataDir: this.userDataDir,
      storeCall: (what, call) => this.#storeCall(what, signal, call),
      setAside: this.#setAside,
      report: (info) => this.host.emitRestoreFailed?.(info),
      reportError: (error) => this.host.emitError(error),
      log: this.log,
    };
  }

  override async onLoggedIn(): Promise<void> {
    const trial = this.#trial;
    this.#trial = undefined;
    await trial?.loggedIn();
  }

  override async onLoginFailed(failure: LoginFailure): Promise<LoginRetry | undefined> {
    const retry = await this.#trial?.failed(failure);
    if (!retry) this.#trial = undefined;
    return retry;
  }

  #saveFailed(err: unknown): void {
    const error = backupError(err, this.sessionName);
    if (this.host.emitSaveFailed) this.host.emitSaveFailed(error);
    else this.host.emitError(error);
  }

  #storeCall<T>(what: string, signal: AbortSignal, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return storeCall(this.store, this.sessionName, this.#options.storeTimeoutMs, what, signal, call);
  }

  /**
   * A session is held when the local profile is a stamped copy of this session's backup, or the
   * store lists a generation of it (asked within `storeTimeoutMs`; a store that cannot answer fails
   * the question with its `StoreError`, so nothing is paired over a session that may exist).
   */
  override async hasStoredSession(): Promise<boolean> {
    if ((await readStamp(this.userDataDir))?.sessionName === this.sessionName) return true;
    const generations = await this.#storeCall('listing', new AbortController().signal, (s) =>
      this.store.list(this.sessionName, { signal: s }),
    );
    return generations.length > 0;
  }

  // ------------------------------------------------------------ backups

  override async afterAuthReady(): Promise<void> {
    this.#run?.markReady();
    // The first backup starts now, with localStorage read from the page: no wait, no clock.
    this.#backups.schedule(0);
  }

  /**
   * Takes a backup now, after any save in flight or queued. Resolves when it is stored or
   * skipped (nothing changed, or the session is not ready in a running browser); rejects
   * with the save's error. `force`: uploaded even when nothing changed since the last one.
   */
  saveNow(options: { force?: boolean } = {}): Promise<void> {
    return this.#backups.enqueue(options.force === true ? 'forced' : 'live').catch((err: unknown) => {
      throw backupError(err, this.sessionName);
    });
  }

  // ------------------------------------------------------------ stop

  /**
   * The page is still open: stop the timer and let a save in flight finish its page part
   * (flush barrier, copy) against the live browser; its upload may go on after the close
   * (`afterBrowserClosed` waits for it). A page that stopped answering (a crashed renderer
   * never answers) holds the close up for at most `flushTimeoutMs`.
   */
  override async beforeBrowserClose(): Promise<void> {
    this.#backups.stop();
    const pageWork = this.#run?.pageWork;
    if (pageWork) await settledWithin(pageWork, this.#options.flushTimeoutMs);
  }

  /**
   * After a clean close, waits for the save in flight and takes a final one. After a crash
   * (`clean` false) the save in flight is aborted where it waits on the page or the flush
   * barrier (a dead browser writes nothing), so `disconnected` is not held up by `flushTimeoutMs`;
   * an upload already under way is still waited for.
   */
  override async afterBrowserClosed(info: BrowserClosedInfo): Promise<void> {
    const pooled = this.#pooled;
    try {
      await this.#afterClosed(info);
    } finally {
      this.#pooled = undefined;
      if (pooled !== undefined) await returnPooledProfile(this.userDataDir, pooled);
    }
  }

  async #afterClosed(info: BrowserClosedInfo): Promise<void> {
    this.#backups.stop();
    if (!info.clean) this.#run?.cancel();
    await this.#backups.idle;
    // A clean close wrote all of localStorage to disk: items left for the next start are stale now.
    if (info.clean) await removeLocalStorageSnapshot(this.#folder);
    // A final backup only from a cleanly closed browser: a killed one may have lost localStorage,
    // and uploading that would replace a good backup with a worse one.
    // After a CONFLICT another browser owns the session: its copy, not this one, is current.
    if (!info.clean || info.loggedOut || this.#run?.ready !== true || info.reason === 'CONFLICT') return;
    try {
      await this.#backups.enqueue('final');
    } catch (err) {
      this.#saveFailed(err);
    }
  }

  /**
   * Called after the phone confirmed the logout: the backups and the local profile go. With
   * `keepProfile` (a browser still runs on the profile, e.g. inside whatsapp-web.js after a logout
   * from the phone) only the backups go; the app has already emptied the profile itself.
   */
  override async logout(options: { keepProfile?: boolean } = {}): Promise<void> {
    this.#backups.stop();
    // A save of the logged-out session stops where it waits, and none lands after the deletion.
    this.#run?.cancel({ loggedOut: true });
    await this.#backups.idle;
    await this.#storeCall('deleting', new AbortController().signal, (signal) => this.store.delete(this.sessionName, { signal }));
    if (options.keepProfile !== true) await rm(this.userDataDir, { recursive: true, force: true, maxRetries: 4, retryDelay: 100 });
  }

  /** An archive of the live session (localStorage flushed first), for your own storage; nothing is stored. */
  override exportSession(): Promise<SessionArchive> {
    return exportLiveProfile(this.host.page(), this.#folder, {
      clientId: this.#target.archiveId,
      tempDir: this.dataPath,
      flushTimeoutMs: this.#options.flushTimeoutMs,
    });
  }

  /**
   * The same browser goes on to a new login after a logout (whatsapp-web.js keeps its browser
   * after a logout from the phone and shows a QR again): back up that login from its `ready` on,
   * as a start would, without touching the profile the browser is using.
   */
  rearm(): void {
    this.#newRun(undefined);
  }

  /** Stops the timer, cancels waits (start-up retries, a flush barrier) and waits for the save queue to drain. */
  override async destroy(): Promise<void> {
    this.#backups.stop();
    this.#run?.cancel();
    await this.#backups.idle;
  }
}
