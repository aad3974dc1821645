/**
 * One run of RemoteAuth's backups: from a start (or a new login in the same browser) to the next.
 * Everything a run learns lives here and starts afresh with the next run's object: whether the
 * session became ready, whether a backup was stored, whether a flush barrier passed (localStorage
 * known to be on disk) and for which items, the content last uploaded, the save holding the live
 * page, and the cancellation of the run's waits.
 */
import { removeLocalStorageSnapshot, writeLocalStorageSnapshot, writeSessionArchive, type ArchiveManifest } from '../../archive';
import { saveStreamTo } from '../../stores/stream';
import type { SessionStore, StoredGeneration } from '../../stores/types';
import { abortable, firstSettled } from '../../util/deadline';
import type { Logger } from '../../util/logger';
import { FLUSH_BARRIER_KEY, passFlushBarrier } from '../profile/flush';
import type { AuthHost, SessionPage } from '../strategy';
import type { SaveMode, SaveOutcome } from './backup-scheduler';
import { indexedDbKey, localStorageKey, sessionContentKey } from './content-identity';
import { storeCall } from './helpers';
import { writeStamp } from './stamp';

/** What every run backs up, and where to: fixed for the strategy's lifetime. */
export interface BackupTarget {
  readonly store: SessionStore;
  readonly sessionName: string;
  /** Recorded in each archive's manifest. */
  readonly archiveId: string;
  readonly userDataDir: string;
  /** The strategy's data folder (archives stream to the store: nothing is written here). */
  readonly dataPath: string;
  readonly flushTimeoutMs: number;
  readonly storeTimeoutMs: number;
}

/**
 * What one backup uploads, decided before the copy: the page's localStorage read during it (the
 * run's first upload), and the content key it records once made.
 */
type Plan = {
  localStorage?: () => Promise<ReadonlyArray<readonly [string, string]>>;
  stateKey: () => string | undefined;
};

/** A stored backup: the generation, the archive's manifest and size, the content key it holds. */
type Uploaded = { saved: StoredGeneration; manifest: ArchiveManifest; bytes: number; stateKey: string | undefined };

/** The live page as one save uses it: its reads of localStorage end with the run. */
interface LivePage {
  readonly web: SessionPage;
  readonly signal: AbortSignal;
  /** The message of the `AbortError` the page's waits end with. */
  readonly aborted: string;
  /** localStorage as the page sees it, the flush barrier's own key left out. */
  readItems(): Promise<Array<[string, string]>>;
}

export class BackupRun {
  /** Cancels the run's waits (the flush barrier, page reads, start-up retries): a crash, destroy(), a logout. */
  readonly #abort = new AbortController();
  #ready = false;
  /** A flush barrier passed this run: localStorage is known to be on disk. */
  #settled = false;
  #saved = false;
  /** The localStorage items last known to be on disk (`localStorageKey`). */
  #flushedItems: string | undefined;
  /** What the last upload held (`sessionContentKey`); an unchanged session is not uploaded again. */
  #lastStateKey: string | undefined;
  /** Settles when the save in flight no longer needs the live page (its archive is built, or it ended). */
  #pageWork: Promise<void> | undefined;

  /** `lastStateKey`: what the previous run of the same login last uploaded (none for a new login). */
  constructor(
    private readonly target: BackupTarget,
    private readonly host: AuthHost,
    private readonly log: Logger,
    lastStateKey?: string,
  ) {
    this.#lastStateKey = lastStateKey;
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** The session reached `ready` in this run: a logged-in profile worth backing up. */
  get ready(): boolean {
    return this.#ready;
  }

  get lastStateKey(): string | undefined {
    return this.#lastStateKey;
  }

  /** The save in flight's page part (flush barrier, copy), while there is one. */
  get pageWork(): Promise<void> | undefined {
    return this.#pageWork;
  }

  markReady(): void {
    this.#ready = true;
  }

  /** Ends the run's waits. `loggedOut`: the session is gone, nothing more of it is saved. */
  cancel(options: { loggedOut?: boolean } = {}): void {
    if (options.loggedOut === true) this.#ready = false;
    this.#abort.abort();
  }

  /**
   * One backup. `live`: the browser runs, so localStorage is flushed through a barrier when needed
   * and the upload is skipped when nothing changed. `final`: the browser was closed cleanly, so the
   * profile on disk is complete. Asks for a follow-up after the run's first upload while localStorage
   * is not yet known to be on disk: once it is, one more save makes the profile files complete on
   * their own.
   */
  async save(mode: SaveMode): Promise<SaveOutcome> {
    const { sessionName } = this.target;
    const started = Date.now();
    const log = { session: sessionName, mode };
    this.log.debug(log, 'backup: started');
    // The archive streams into the store as the profile is read: the save needs the live page
    // (its localStorage, a profile Chromium is not closing) until the profile is read whole; the
    // rest of the upload may go on after the close.
    let profileRead = (): void => undefined;
    const read = new Promise<void>((resolve) => {
      profileRead = () => {
        // The whole profile is in the archive; the rest of it may still be on its way to the store.
        this.log.debug(log, 'backup: archive made');
        resolve();
      };
    });
    const uploading = this.#upload(mode, profileRead);
    this.#pageWork = firstSettled([
      read,
      uploading.then(
        () => undefined,
        () => undefined,
      ),
    ]);
    let uploaded: Uploaded | null;
    try {
      uploaded = await uploading;
    } finally {
      this.#pageWork = undefined;
    }
    if (!uploaded) {
      this.log.debug(log, 'backup skipped: not ready, or nothing changed');
      return 'done';
    }
    const { saved, manifest, bytes, stateKey } = uploaded;
    this.#lastStateKey = stateKey;
    this.log.debug({ ...log, generation: saved.generation }, 'backup: uploaded');
    await writeStamp(this.target.userDataDir, {
      sessionName,
      generation: saved.generation,
      createdAt: saved.createdAt.toISOString(),
      contentHash: manifest.contentHash,
    });
    const info = { bytes, durationMs: Date.now() - started, generation: saved.generation };
    this.log.debug({ ...log, settled: this.#settled, ...info }, 'backup stored');
    this.host.emitSessionSaved(info);
    const first = !this.#saved;
    this.#saved = true;
    return first && !this.#settled && mode !== 'final' ? 'follow-up' : 'done';
  }

  /**
   * Decides what to back up (`null`: nothing), then zips the profile straight into the store's
   * streaming save. After a clean close (`final`; afterBrowserClosed removed the items left for a
   * restart) the files are complete on their own. The save is bounded by `storeTimeoutMs` as one
   * store call and not cut short by destroy() (its upload is waited for); an archive that fails or
   * starts again fails the save's stream, so the store keeps nothing of it.
   */
  async #upload(mode: SaveMode, onProfileRead: () => void): Promise<Uploaded | null> {
    const plan: Plan | null = mode === 'final' ? { stateKey: () => undefined } : await this.#livePlan(mode);
    if (!plan) return null;
    const { store, storeTimeoutMs, sessionName, userDataDir, archiveId } = this.target;
    const written = await writeSessionArchive(
      userDataDir,
      (zip) =>
        storeCall(store, sessionName, storeTimeoutMs, 'saving', new AbortController().signal, (signal) =>
          saveStreamTo(store, sessionName, zip, { signal }),
        ),
      { clientId: archiveId, onProfileRead, ...(plan.localStorage ? { localStorage: plan.localStorage } : {}) },
    );
    return { saved: written.result, manifest: written.manifest, bytes: written.bytes, stateKey: plan.stateKey() };
  }

  /**
   * The part of a live save decided before the copy: the localStorage read, the flush barrier when
   * needed. `null` when there is nothing to upload (not ready, no page, content unchanged). Rejects
   * with an `AbortError` once the run is cancelled (crash, destroy).
   */
  async #livePlan(mode: 'live' | 'forced'): Promise<Plan | null> {
    // A profile that is not logged in (before `ready`, after a logout) must never become the newest backup.
    if (!this.#ready) return null;
    const web = this.host.page();
    if (!web) return null;
    const signal = this.#abort.signal;
    const aborted = `backup of ${this.target.sessionName} aborted: the browser is gone or the client was destroyed`;
    const page: LivePage = {
      web,
      signal,
      aborted,
      readItems: async () => (await abortable(web.localStorageEntries(), signal, aborted)).filter(([key]) => key !== FLUSH_BARRIER_KEY),
    };
    // The first save of a run goes at once, with localStorage as the page has it. The next one
    // waits for Chromium to write localStorage and is uploaded even when nothing else changed: its
    // files alone hold the session, as whatsapp-web.js's RemoteAuth needs. Later ones are skipped
    // when nothing changed, and wait for the barrier only when localStorage changed since it last passed.
    return !this.#saved && !this.#settled ? this.#unsettledPlan(mode, page) : this.#settledPlan(mode, page);
  }

  /**
   * The run's first upload, made before localStorage is known to be on disk: the archive carries
   * the page's items, read after the profile's files are copied (so never older than the
   * localStorage in them), and the local profile keeps the same items until a barrier passes.
   * That read is also the change key's. A second read, before the copy, happens only when the run
   * follows an upload of the same login (a restart) and the save may be skipped (`live`): it is
   * the change check, so an unchanged session is skipped without a copy. A walk that restarts (a
   * file vanished under a compaction) copies the files again and so reads the items again.
   */
  async #unsettledPlan(mode: 'live' | 'forced', page: LivePage): Promise<Plan | null> {
    const { userDataDir } = this.target;
    // Described before the copy: the key never claims IndexedDB content the archive may lack.
    const indexedDb = await indexedDbKey(userDataDir);
    if (mode === 'live' && this.#lastStateKey !== undefined) {
      if (sessionContentKey(localStorageKey(await page.readItems()), indexedDb) === this.#lastStateKey) return null;
    }
    let items: Array<[string, string]> = [];
    return {
      localStorage: async () => {
        items = await page.readItems();
        // Before the archive's last byte reaches the store: a process killed from now on restarts
        // from this folder as it would from the store.
        await writeLocalStorageSnapshot(userDataDir, items);
        return items;
      },
      stateKey: () => sessionContentKey(localStorageKey(items), indexedDb),
    };
  }

  /**
   * Every later save, with one read of localStorage before the copy: the change check and the
   * barrier decision. Once the barrier passed for the items read (in this save or an earlier one),
   * everything up to that read is on disk, so the archive is the profile's files alone (what
   * whatsapp-web.js's RemoteAuth restores from): nothing in it can be older than its own files.
   */
  async #settledPlan(mode: 'live' | 'forced', page: LivePage): Promise<Plan | null> {
    const { userDataDir } = this.target;
    const itemsKey = localStorageKey(await page.readItems());
    const settling = !this.#settled;
    if (settling) await this.#barrier(page, itemsKey);
    const stateKey = sessionContentKey(itemsKey, await indexedDbKey(userDataDir));
    if (!settling && mode === 'live' && stateKey === this.#lastStateKey) return null;
    if (!settling && itemsKey !== this.#flushedItems) await this.#barrier(page, itemsKey);
    return { stateKey: () => stateKey };
  }

  /** Waits until localStorage, which held `itemsKey`'s items when read, is on disk. */
  async #barrier(page: LivePage, itemsKey: string): Promise<void> {
    const { userDataDir, flushTimeoutMs } = this.target;
    const { web, signal, aborted: abortMessage } = page;
    await passFlushBarrier(web, userDataDir, { timeoutMs: flushTimeoutMs, signal, abortMessage });
    // Everything written before the barrier is on disk, also what a restore wrote back. Removed
    // before the run counts as settled: a settled save archives the files alone, and must never
    // carry these (older) items along with them.
    await removeLocalStorageSnapshot(userDataDir);
    this.#settled = true;
    this.#flushedItems = itemsKey;
  }
}
