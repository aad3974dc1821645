import { mkdir, rm } from 'node:fs/promises';
import { checkProfileLock } from '../browser/profile-lock';
import { WawebError } from '../errors';
import { assertClientId } from '../util/client-id';
import { removeLocalStorageSnapshot, writeLocalStorageSnapshot, type SessionArchive } from '../archive';
import { AGGRESSIVE_FLUSH_FLAG } from './profile/flush';
import { exportLiveProfile } from './profile/live-export';
import { hasLoginMarker, markLoggedIn } from './profile/login-marker';
import { readPendingItems, writeBackPlan } from './profile/pending-items';
import { assertOwnUserDataDir, localAuthFolder, resolveDataPath } from './profile/profile-options';
import { AuthStrategy, type BrowserClosedInfo, type BrowserPlan, type LaunchRequest } from './strategy';
import { abortable } from '../util/deadline';
import { warnIfExposed } from '../util/private-folder';

export interface LocalAuthOptions {
  /** Distinguishes sessions kept side by side. Letters, digits, `_` and `-`. @default none: folder `session` */
  clientId?: string;
  /** Folder that holds the session folders. @default '.wwebjs_auth' (relative to the working directory) */
  dataPath?: string;
  /** Retries when removing the folder on logout (files briefly busy). @default 4 */
  rmMaxRetries?: number;
}

/** How long the copy of localStorage before a close may take. */
const SNAPSHOT_MS = 2000;

/**
 * Keeps the session in a persistent Chromium profile at
 * `<dataPath>/session-<clientId>`, the same layout as whatsapp-web.js's
 * LocalAuth, so an existing folder is picked up as it is.
 */
export class LocalAuth extends AuthStrategy {
  readonly name = 'local';
  override readonly requiresProfile = true;
  readonly clientId: string | undefined;
  readonly dataPath: string;
  readonly userDataDir: string;
  readonly #rmMaxRetries: number;
  /** This start logged in: its localStorage is worth keeping when the browser closes. */
  #loggedIn = false;

  constructor(options: LocalAuthOptions = {}) {
    super();
    this.clientId = assertClientId(options.clientId);
    this.dataPath = resolveDataPath(options.dataPath);
    this.userDataDir = localAuthFolder({ dataPath: this.dataPath, clientId: this.clientId });
    this.#rmMaxRetries = options.rmMaxRetries ?? 4;
  }

  override sessionFolder(): string {
    return this.userDataDir;
  }

  override async beforeBrowserInitialized(request: LaunchRequest): Promise<BrowserPlan> {
    assertOwnUserDataDir(request.userDataDir, this.userDataDir, 'LocalAuth');
    await mkdir(this.userDataDir, { recursive: true, mode: 0o700 });
    await warnIfExposed(this.userDataDir, [this.dataPath]);
    await checkProfileLock(this.userDataDir);
    this.#loggedIn = false;
    // A folder imported from a backup taken at `ready` may hold localStorage items its files lack.
    const pending = await readPendingItems(this.userDataDir, (err) => {
      if (err instanceof WawebError) this.host.emitError(err);
    });
    // localStorage reaches disk within about a second, so exportSession() need not wait long.
    return { userDataDir: this.userDataDir, args: [AGGRESSIVE_FLUSH_FLAG], ...writeBackPlan(pending) };
  }

  /**
   * A login was made or restored in the folder: it is marked (`waweb-login.json`) before
   * `authenticated` fires. A failed write is reported on `error`; the login goes on.
   */
  override async getAuthEventPayload(): Promise<unknown> {
    this.#loggedIn = true;
    try {
      await markLoggedIn(this.userDataDir);
    } catch (err) {
      if (err instanceof WawebError) this.host.emitError(err);
    }
    return undefined;
  }

  /**
   * The folder logged in under waweb and was not logged out since (its marker), even if the app
   * wiped a copy it could not use. A whatsapp-web.js folder counts once waweb has seen it log in
   * (the client also refuses while the page booted with a stored login).
   */
  override hasStoredSession(): Promise<boolean> {
    return hasLoginMarker(this.userDataDir);
  }

  /**
   * A logged-in page's localStorage is copied into the folder before the browser closes (a few ms):
   * Chromium writes it to disk up to a second late, and a close that has to kill the browser (a hung
   * `browser.close()`) would lose what changed last. The next start writes the items back.
   */
  override async beforeBrowserClose(): Promise<void> {
    const page = this.host.page();
    if (!this.#loggedIn || !page) return;
    try {
      const items = await abortable(page.localStorageEntries(), AbortSignal.timeout(SNAPSHOT_MS), 'reading localStorage took too long');
      await writeLocalStorageSnapshot(this.userDataDir, items);
    } catch (err) {
      this.log.warn({ err }, 'localStorage could not be copied before the browser closed');
    }
  }

  /**
   * A clean close wrote all of localStorage to disk: the items left for a start are no longer needed.
   * A start past its deadline may not have loaded the app that takes them: they stay. After a close
   * that had to kill the browser they stay too, and the next start writes them back. A logged-out
   * session needs none.
   */
  override async afterBrowserClosed(info: BrowserClosedInfo): Promise<void> {
    if (info.loggedOut || (info.clean && info.reason !== 'START_TIMEOUT')) await removeLocalStorageSnapshot(this.userDataDir);
    else if (!info.clean)
      this.log.warn({ folder: this.userDataDir }, 'the browser did not close cleanly: its localStorage is kept for the next start');
  }

  /** An archive of the live session (localStorage flushed first), for your own storage. */
  override exportSession(): Promise<SessionArchive> {
    return exportLiveProfile(this.host.page(), this.userDataDir, { clientId: this.clientId ?? 'session', tempDir: this.dataPath });
  }

  /**
   * Removes exactly this session's folder (the browser is closed by then). `keepProfile`: a browser
   * still runs on it (whatsapp-web.js after a logout from the phone), so it stays; the app has
   * already emptied it.
   */
  override async logout(options: { keepProfile?: boolean } = {}): Promise<void> {
    if (options.keepProfile === true) return;
    await rm(this.userDataDir, { recursive: true, force: true, maxRetries: this.#rmMaxRetries, retryDelay: 100 });
  }
}
