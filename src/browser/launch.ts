/**
 * Launching or connecting Chromium with puppeteer-core. Knows nothing of WhatsApp.
 */
import puppeteer, { type Browser, type LaunchOptions, type ConnectOptions, type Page, type Protocol } from 'puppeteer-core';
import { BrowserError, ProfileLockedError, TimeoutError } from '../errors';
import { withDeadline } from '../util/deadline';
import { redactUrl, redactUrlsInError } from '../util/redact-url';
import { chromiumEnvironment } from './environment';
import { findChromium, isHeadlessShellPath, type ChromiumBuild } from './executable';
import { DEFAULT_CHROMIUM_ARGS, LEAN_CHROMIUM_ARGS, mergeArgs, sandboxArgs } from './flags';
import { claimProfileLock, isAlive } from './profile-lock';
import { fullBuildClientHints } from './user-agent';

/** Options passed through to puppeteer-core, as whatsapp-web.js users know them. */
export interface PuppeteerOptions extends Omit<LaunchOptions, 'args'>, Pick<ConnectOptions, 'browserWSEndpoint' | 'browserURL'> {
  /** Extra Chromium flags, merged with waweb's defaults (later flags win; `--disable-features` lists merge). */
  args?: string[];
}

export interface LaunchedBrowser {
  browser: Browser;
  page: Page;
  /** True when waweb launched the browser (and so must close it). */
  owned: boolean;
  /** Chromium's process id when waweb launched it. */
  pid: number | undefined;
  /** `browser.version()`, e.g. `HeadlessChrome/156.0.8078.108`. */
  version: string;
  /** With a user agent: the client hints to go with it (see `fullBuildClientHints`). */
  clientHints: Protocol.Emulation.UserAgentMetadata | undefined;
  /** A browser taken from a `BrowserPool`: its own profile folder, removed once its run is over. */
  pooledFolder?: string;
}

/** The headless shell offers `en-US` only: full Chromium's `en-US, en` (a caller's `--accept-lang` or `--lang` wins). */
const SHELL_LANGUAGES = '--accept-lang=en-US,en';

/** The flags a launch would use, for inspection and docs; `lean` adds `LEAN_CHROMIUM_ARGS`. */
export function resolveArgs(options: PuppeteerOptions, userAgent?: string, executablePath?: string, lean = true): string[] {
  const headless = options.headless ?? true;
  const extra: string[] = lean ? [...LEAN_CHROMIUM_ARGS] : [];
  const userArgs = options.args ?? [];
  const languageSet = userArgs.some((a) => a.startsWith('--accept-lang') || a.startsWith('--lang'));
  if (executablePath !== undefined && isHeadlessShellPath(executablePath) && !languageSet) extra.push(SHELL_LANGUAGES);
  if (headless === true || headless === 'shell') extra.push(headless === 'shell' ? '--headless=old' : '--headless=new');
  if (userAgent) extra.push(`--user-agent=${userAgent}`);
  return mergeArgs(DEFAULT_CHROMIUM_ARGS, sandboxArgs(), extra, userArgs);
}

/** How to launch beyond puppeteer's options. */
export interface LaunchChoices {
  /** The page's user agent (a `--user-agent` flag); none keeps Chromium's own. */
  userAgent?: string | undefined;
  /** Which Chromium build to find when no executable is named. @default 'auto' */
  build?: ChromiumBuild | undefined;
  /** Launch with `LEAN_CHROMIUM_ARGS` (less memory per browser). @default true */
  lean?: boolean | undefined;
  /** Aborted while Chromium is still starting: the process is killed and the launch fails. */
  signal?: AbortSignal | undefined;
}

/** What `launchBrowser` learns of the browser once it runs: its version, and the client hints to go with `userAgent`. */
async function identify(browser: Browser, userAgent: string | undefined): Promise<Pick<LaunchedBrowser, 'version' | 'clientHints'>> {
  const version = await browser.version();
  return { version, clientHints: userAgent === undefined ? undefined : fullBuildClientHints(version) };
}

/** Launches Chromium (or connects to a running one) and returns its first page. */
export async function launchBrowser(options: PuppeteerOptions, choices: LaunchChoices = {}): Promise<LaunchedBrowser> {
  const { userAgent } = choices;
  if (options.browserWSEndpoint !== undefined || options.browserURL !== undefined) {
    const connectOptions: ConnectOptions = {};
    if (options.browserWSEndpoint !== undefined) connectOptions.browserWSEndpoint = options.browserWSEndpoint;
    if (options.browserURL !== undefined) connectOptions.browserURL = options.browserURL;
    let browser: Browser;
    try {
      browser = await puppeteer.connect(connectOptions);
    } catch (err) {
      // The endpoint may carry a token (`wss://host?token=...`, user info): neither goes into a message.
      const endpoint = redactUrl(options.browserWSEndpoint ?? options.browserURL ?? '');
      throw new BrowserError(`could not connect to the browser at ${endpoint}`, { cause: redactUrlsInError(err) });
    }
    try {
      const page = await browser.newPage();
      return { browser, page, owned: false, pid: undefined, ...(await identify(browser, userAgent)) };
    } catch (err) {
      await browser.disconnect().catch(() => undefined);
      throw new BrowserError('connected to the browser but could not open a page in it', { cause: err });
    }
  }
  const executablePath = findChromium(options.executablePath, { build: choices.build, headless: options.headless });
  const { browserWSEndpoint: _ws, browserURL: _url, args: _args, ...launchOptions } = options;
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      ...launchOptions,
      executablePath,
      // waweb sets the headless flag itself so new headless mode is used and flags merge cleanly.
      headless: false,
      args: resolveArgs(options, userAgent, executablePath, choices.lean ?? true),
      defaultViewport: launchOptions.defaultViewport ?? null,
      acceptInsecureCerts: launchOptions.acceptInsecureCerts ?? false,
      // Chromium gets none of this process's secrets (store URLs, keys, tokens): only what it needs,
      // unless the caller names its environment.
      env: launchOptions.env ?? chromiumEnvironment(),
      // puppeteer kills Chromium on SIGINT/SIGTERM/SIGHUP (and exits on SIGINT). An application
      // that handles a signal itself wants to destroy() the client cleanly first (a clean close
      // flushes the profile), so puppeteer keeps out of signals the application already handles.
      handleSIGINT: launchOptions.handleSIGINT ?? process.listenerCount('SIGINT') === 0,
      handleSIGTERM: launchOptions.handleSIGTERM ?? process.listenerCount('SIGTERM') === 0,
      handleSIGHUP: launchOptions.handleSIGHUP ?? process.listenerCount('SIGHUP') === 0,
      // A pipe instead of a debugging port: Chromium exits when this process dies, however it dies.
      pipe: launchOptions.pipe ?? true,
      ...(choices.signal === undefined ? {} : { signal: choices.signal }),
    });
  } catch (err) {
    throw new BrowserError(`Chromium failed to start (${executablePath})`, { cause: err });
  }
  try {
    const pages = await browser.pages();
    const page = pages[0] ?? (await browser.newPage());
    const pid = browser.process()?.pid;
    // The headless shell does not mark its profile in use as full Chromium does: waweb marks it.
    if (launchOptions.userDataDir !== undefined && pid !== undefined) await claimProfileLock(launchOptions.userDataDir, pid);
    return { browser, page, owned: true, pid, ...(await identify(browser, userAgent)) };
  } catch (err) {
    await closeBrowser(browser, browser.process()?.pid);
    if (err instanceof ProfileLockedError) throw err;
    throw new BrowserError('Chromium started but its first page could not be opened', { cause: err });
  }
}

/**
 * Closes a browser waweb launched, cleanly when it can (so Chromium flushes
 * its profile), and makes sure no process is left behind. Resolves `closed`
 * when Chromium shut down on request, `killed` when it had to be killed (or
 * was already gone): only a `closed` profile is known to be flushed.
 */
export async function closeBrowser(browser: Browser, pid: number | undefined, timeoutMs = 10_000): Promise<'closed' | 'killed'> {
  let result: 'closed' | 'killed' = 'killed';
  if (browser.connected) {
    result = await withDeadline(
      async () => {
        await browser.close();
        return 'closed' as const;
      },
      { timeoutMs, onTimeout: () => new TimeoutError(`browser.close() did not finish within ${timeoutMs} ms`) },
    ).catch(() => 'killed' as const);
  }
  if (pid !== undefined) killProcessGroup(pid);
  return result;
}

/**
 * Chromium's helpers (zygotes, renderers, utilities) outlive its main process
 * by a few to tens of milliseconds, or longer when the main process was killed.
 * puppeteer starts Chromium as the leader of its own process group, so the
 * whole group goes at once. Harmless when everything has already exited.
 */
function killProcessGroup(pid: number): void {
  if (process.platform !== 'win32') {
    try {
      process.kill(-pid, 'SIGKILL');
      return;
    } catch {
      // no such group (already gone, or not a group leader): fall back to the pid
    }
  }
  if (isAlive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
