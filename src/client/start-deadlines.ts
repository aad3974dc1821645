/**
 * The deadlines of a start, as data: each phase, the client option that sets it, its default, and
 * the `StartTimeoutError` that says which one ran out (docs/client.md, "Deadlines"). Options are
 * validated from this table; the launch and the run read their deadlines through `deadlineMs`.
 */
import { PageError, StartTimeoutError, type StartPhase } from '../errors';
import { firstSettled, withDeadline } from '../util/deadline';
import { sessionState } from '../web/states';
import { WHATSAPP_WEB_URL, type WebPage } from '../web/web-page';

/** The largest delay a Node timer keeps (a larger one fires at once). */
export const MAX_DEADLINE_MS = 2_147_483_647;

interface PhaseRule {
  /** The client option. */
  readonly option: DeadlineOption;
  readonly defaultMs: number;
  /** What did not finish, for the error's message. */
  readonly what: string;
}

export type DeadlineOption = 'launchTimeoutMs' | 'pageLoadTimeoutMs' | 'authTimeoutMs' | 'loginTimeoutMs' | 'historySyncTimeoutMs';

export const START_DEADLINES: Readonly<Record<StartPhase, PhaseRule>> = {
  launch: { option: 'launchTimeoutMs', defaultMs: 30_000, what: 'launching Chromium' },
  'page-load': { option: 'pageLoadTimeoutMs', defaultMs: 60_000, what: 'loading WhatsApp Web' },
  // whatsapp-web.js's option, with its meaning: the wait for the app to boot in the loaded page.
  boot: { option: 'authTimeoutMs', defaultMs: 60_000, what: 'the boot of WhatsApp Web' },
  login: { option: 'loginTimeoutMs', defaultMs: 60_000, what: 'the login (logged in, or a QR)' },
  'history-sync': { option: 'historySyncTimeoutMs', defaultMs: 180_000, what: 'history sync (logged in to ready)' },
};

/** The deadline options a client was given. */
export type DeadlineOptions = Partial<Record<DeadlineOption, number>>;

/**
 * A phase's deadline in milliseconds: the option's value, or its default when unset or 0; the boot's
 * and the login's multiplied by `factor` (a start tried again with more time).
 */
export function deadlineMs(options: DeadlineOptions, phase: StartPhase, factor = 1): number {
  const rule = START_DEADLINES[phase];
  const value = options[rule.option];
  const ms = value === undefined || value === 0 ? rule.defaultMs : value;
  return phase === 'boot' || phase === 'login' ? Math.min(ms * factor, MAX_DEADLINE_MS) : ms;
}

/**
 * The longest one start may take before a deadline of its own ends it: every phase up to the login,
 * the boot's and the login's doubled (a start tried again with more time). A watchdog over starts
 * (SessionManager's `stuckAfterMs`) waits longer than this, so the client's typed error comes first.
 */
export function longestStartMs(options: DeadlineOptions): number {
  const phases: StartPhase[] = ['launch', 'page-load', 'boot', 'login'];
  return phases.reduce((sum, phase) => sum + deadlineMs(options, phase, 2), 0);
}

/** What the client knows when a deadline passes. */
export interface StartContext {
  lastState: string | null;
  sessionFolder: string | undefined;
}

/** The error for `phase` having missed its deadline. */
export function startTimeout(options: DeadlineOptions, phase: StartPhase, context: StartContext, factor = 1): StartTimeoutError {
  const { option, what } = START_DEADLINES[phase];
  const timeoutMs = deadlineMs(options, phase, factor);
  const state = context.lastState === null ? 'the page reported no state' : `last page state ${context.lastState}`;
  const kept = context.sessionFolder === undefined ? '' : `; the session folder ${context.sessionFolder} is kept`;
  return new StartTimeoutError(`${what} did not finish within ${option} (${timeoutMs} ms); ${state}${kept}`, {
    phase,
    option,
    timeoutMs,
    lastState: context.lastState,
    sessionFolder: context.sessionFolder,
  });
}

type AfterBoot = 'login' | 'history-sync';

/**
 * The deadlines of one start: loading the page and the boot before `initialize()` resolves, then
 * timers, one at a time, for the login (from the first boot to logged in or a QR) and history sync
 * (from logged in to `ready`), which call `onMissed` when they pass. It keeps the app's last state,
 * which the error names. No timer outlives `clear()`.
 */
export class StartDeadlines {
  #lastState: string | null = null;
  #booted = false;
  #running: { phase: AfterBoot; timer: NodeJS.Timeout } | undefined;

  constructor(
    readonly options: DeadlineOptions,
    readonly strategy: { sessionFolder(): string | undefined },
    readonly onMissed: (error: StartTimeoutError) => void,
    /** The boot's and the login's deadlines are multiplied by it (see `LoginRetry`). */
    readonly factor = 1,
  ) {}

  /**
   * Opens WhatsApp Web in `web` and waits for the app's boot, each under its deadline; an app that
   * boots before the page's DOMContentLoaded ends both, an adapter that cannot hook into the app
   * (`startFailed`) fails at once. `signal` ends the wait with an `AbortError`.
   */
  async open(web: WebPage, signal: AbortSignal): Promise<void> {
    const boot = web.nextReport(['booted', 'startFailed'], { signal }).then((report) => {
      if (report.type === 'startFailed') throw new PageError(report.message);
    });
    boot.catch(() => undefined);
    await this.#within('page-load', signal, () => firstSettled<unknown>([web.open(WHATSAPP_WEB_URL, 0), boot]));
    await this.#within('boot', signal, () => boot);
  }

  /** The app booted in `state`: the first boot starts the login's deadline. */
  booted(state: string): void {
    this.noteState(state);
    if (this.#booted) return;
    this.#booted = true;
    if (sessionState(state).kind !== 'unpaired') this.arm('login');
  }

  /** The app reported `state`; one that wants a login ends the login's deadline. */
  noteState(state: string): void {
    this.#lastState = state;
    if (sessionState(state).kind === 'unpaired') this.clear('login');
  }

  /** Starts `phase`'s deadline, ending the one before. */
  arm(phase: AfterBoot): void {
    this.clear();
    const timer = setTimeout(
      () => {
        if (this.#running?.timer !== timer) return;
        this.#running = undefined;
        this.onMissed(this.#error(phase));
      },
      deadlineMs(this.options, phase, this.factor),
    );
    this.#running = { phase, timer };
  }

  /** Ends the running deadline (only `phase`'s, when given). */
  clear(phase?: AfterBoot): void {
    if (!this.#running || (phase !== undefined && this.#running.phase !== phase)) return;
    clearTimeout(this.#running.timer);
    this.#running = undefined;
  }

  #within<T>(phase: StartPhase, signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    return withDeadline(work, { timeoutMs: deadlineMs(this.options, phase, this.factor), onTimeout: () => this.#error(phase), signal });
  }

  #error(phase: StartPhase): StartTimeoutError {
    return startTimeout(this.options, phase, { lastState: this.#lastState, sessionFolder: this.strategy.sessionFolder() }, this.factor);
  }
}
