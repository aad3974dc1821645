/**
 * RemoteAuth's trial of a restore: a generation restored from the store counts as good only once the
 * page logs in with it. Until then the local copy it replaced stays beside the profile. A start that
 * does not log in (a QR, a refused login, or its login deadline missed twice, the second time with
 * double the deadline) sets the generation aside (kept in the store, never restored automatically)
 * and asks the client for another start: the next older generation in a fresh profile, then the kept
 * local copy, then a fresh profile that shows a QR. Each step is reported
 * (`remote_session_restore_failed`).
 */
import { rename, rm } from 'node:fs/promises';
import type { LoginFailure, LoginRetry, RestoreFailedInfo } from '../strategy';
import { errorMessage, type WawebError } from '../../errors';
import type { GenerationMark, SessionStore, SetAsideReason, StoredGeneration } from '../../stores/types';
import type { Logger } from '../../util/logger';
import { exists } from '../profile/files';

/** What a trial needs of RemoteAuth. */
export interface TrialContext {
  store: SessionStore;
  sessionName: string;
  userDataDir: string;
  /** Runs a store call within RemoteAuth's deadline. */
  storeCall<T>(what: string, call: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** Generations set aside in this process (for stores without marks, and until the store lists them so). */
  setAside: Set<number>;
  report(info: RestoreFailedInfo): void;
  reportError(error: WawebError): void;
  log: Logger;
}

/** What the next start of a trial uses. */
export type NextTry = 'same' | 'older' | 'local' | 'fresh';

/** Where the local copy a restore replaced waits for the verdict. */
export function keptLocalPath(userDataDir: string): string {
  return `${userDataDir}.kept-local`;
}

const REASONS: Record<LoginFailure['kind'], SetAsideReason> = { qr: 'QR', rejected: 'REJECTED', timeout: 'LOGIN_TIMEOUT' };

function describe(failure: LoginFailure, twice: boolean): string {
  switch (failure.kind) {
    case 'qr':
      return 'the restored session landed on a QR although the backup held session data';
    case 'rejected':
      return 'the page refused the restored login';
    case 'timeout':
      return twice ? `missed its login deadline twice: ${failure.error.message}` : `missed its login deadline: ${failure.error.message}`;
  }
}

export class RestoreTrial {
  #current: StoredGeneration | 'local';
  /** Older generations not yet tried, newest first. */
  #older: StoredGeneration[];
  #timeouts = 0;
  #next: NextTry | undefined;

  constructor(
    private readonly ctx: TrialContext,
    current: StoredGeneration | 'local',
    older: readonly StoredGeneration[],
    /** The local copy the first restore replaced, kept until the verdict. */
    private readonly kept: string | undefined,
  ) {
    this.#current = current;
    this.#older = [...older];
  }

  /** The generation under trial (`'local'`: the kept local copy). */
  get current(): StoredGeneration | 'local' {
    return this.#current;
  }

  /** Its number, or `'local'`. */
  get generation(): number | 'local' {
    return this.#current === 'local' ? 'local' : this.#current.generation;
  }

  /** Older generations still to try, newest first. */
  get older(): readonly StoredGeneration[] {
    return this.#older;
  }

  /** What the start the client is about to make should use (asked once per retry). */
  takeNext(): NextTry | undefined {
    const next = this.#next;
    this.#next = undefined;
    return next;
  }

  /** The retried start now runs `current` (the same one again keeps its count of missed deadlines). */
  restarted(current: StoredGeneration | 'local', older: readonly StoredGeneration[]): void {
    const same =
      current === 'local' ? this.#current === 'local' : this.#current !== 'local' && this.#current.generation === current.generation;
    if (!same) this.#timeouts = 0;
    this.#current = current;
    this.#older = [...older];
  }

  /** The page logged in: a stored generation is marked as one that logs in; the kept local copy goes. */
  async loggedIn(): Promise<void> {
    const current = this.generation;
    if (typeof current === 'number') {
      const failed = await this.#mark(current, { loggedIn: true }, `marking generation ${current} as logged in`);
      if (failed)
        this.ctx.log.warn(
          { session: this.ctx.sessionName, generation: current, err: errorMessage(failed) },
          'could not mark the generation as logged in',
        );
    }
    if (this.kept !== undefined && current !== 'local') await rm(this.kept, { recursive: true, force: true });
  }

  /**
   * The start did not log in: try the same generation again with double the deadline (a first missed
   * deadline), or set it aside and move on. `undefined` when nothing is left and the page goes on to its
   * own QR (after a QR or a refusal; after a timeout a fresh profile is started instead).
   */
  async failed(failure: LoginFailure): Promise<LoginRetry | undefined> {
    const generation = this.generation;
    if (failure.kind === 'timeout' && this.#timeouts === 0) {
      this.#timeouts = 1;
      this.#next = 'same';
      this.#report({ generation, reason: 'LOGIN_TIMEOUT', detail: describe(failure, false), setAside: false, next: 'same' });
      return { deadlineFactor: 2 };
    }
    const reason = REASONS[failure.kind];
    const detail = describe(failure, failure.kind === 'timeout');
    if (typeof generation === 'number') await this.#setAside(generation, reason, detail);
    const older = this.#older[0];
    const next: NextTry = older ? 'older' : this.kept !== undefined && generation !== 'local' ? 'local' : 'fresh';
    this.#report({
      generation,
      reason,
      detail,
      setAside: true,
      next: next === 'older' && older ? older.generation : next === 'local' ? 'local' : 'qr',
    });
    if (next === 'fresh' && failure.kind !== 'timeout') return undefined;
    if (next === 'fresh' && generation === 'local') await this.#moveAsideLocal();
    this.#next = next;
    return { deadlineFactor: 1 };
  }

  #report(info: RestoreFailedInfo): void {
    this.ctx.log.warn({ session: this.ctx.sessionName, ...info }, 'restored backup did not log in');
    this.ctx.report(info);
  }

  /** Kept in the store, marked with the reason (where the store has marks), and never tried again by this process. */
  async #setAside(generation: number, reason: SetAsideReason, detail: string): Promise<void> {
    this.ctx.setAside.add(generation);
    const failed = await this.#mark(generation, { setAside: { reason, detail } }, `setting generation ${generation} aside`);
    if (failed) this.ctx.reportError(failed);
  }

  /** Marks `generation` on a store that has marks (nothing otherwise); the store's typed error when it could not. */
  async #mark(generation: number, mark: GenerationMark, what: string): Promise<WawebError | undefined> {
    const { store, sessionName } = this.ctx;
    if (!store.marks || !store.mark) return undefined;
    const call = store.mark.bind(store);
    try {
      await this.ctx.storeCall(what, (signal) => call(sessionName, generation, mark, { signal }));
      return undefined;
    } catch (err) {
      return err as WawebError;
    }
  }

  /** A local copy that never logged in is kept, renamed, never deleted: a fresh profile takes its place. */
  async #moveAsideLocal(): Promise<void> {
    const { userDataDir } = this.ctx;
    if (!(await exists(userDataDir))) return;
    const aside = `${userDataDir}.unusable-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await rename(userDataDir, aside);
    this.ctx.log.warn({ session: this.ctx.sessionName, folder: aside }, 'the local copy that did not log in was moved aside');
  }
}
