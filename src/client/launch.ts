/**
 * A run's browser: before there is a run, check that a browser can be had for the strategy, let the
 * strategy prepare its profile and launch (or connect to) Chromium; when the run ends, give it back.
 */
import type { AuthStrategy, BrowserPlan } from '../auth/strategy';
import { findChromium } from '../browser/executable';
import { closeBrowser, launchBrowser, type LaunchedBrowser, type PuppeteerOptions } from '../browser/launch';
import { discardPooled, type PoolLaunch } from '../browser/pool';
import { ClientClosedError, InvalidOptionError } from '../errors';
import { withDeadline } from '../util/deadline';
import type { Logger } from '../util/logger';
import type { Page } from 'puppeteer-core';
import type { AttachOptions } from '../web/web-page';
import type { ClientOptions } from './options';
import { clientChoices, DEFAULT_USER_AGENT, takePooled } from './browser-pool';
import { deadlineMs, startTimeout } from './start-deadlines';
import { rm } from 'node:fs/promises';
import type { BrowserClosedInfo } from '../auth/strategy';

export { DEFAULT_USER_AGENT };

/** A browser ready for a run, and how to attach the page adapter to its page. */
export interface Launch {
  launched: LaunchedBrowser;
  attach: AttachOptions;
  /** The profile the browser runs on, when the strategy (or `puppeteer.userDataDir`) gave one. */
  userDataDir?: string;
}

/** The start was cancelled (`destroy()`): whatever it was waiting for, the client was closed. */
export function closedWhileStarting(cause?: unknown): ClientClosedError {
  return new ClientClosedError('the client was closed while starting', cause === undefined ? undefined : { cause });
}

/**
 * Fails on a missing browser, or a browser that cannot use the strategy's profile,
 * before a strategy creates or deletes anything.
 */
export function checkLaunchable(options: ClientOptions, strategy: AuthStrategy): void {
  const puppeteerOptions = options.puppeteer ?? {};
  const connecting = puppeteerOptions.browserWSEndpoint !== undefined || puppeteerOptions.browserURL !== undefined;
  if (connecting && strategy.requiresProfile) {
    throw new InvalidOptionError(
      `${strategy.constructor.name} keeps the session in a browser profile of its own; it cannot work with puppeteer.browserWSEndpoint/browserURL`,
    );
  }
  if (!connecting) {
    findChromium(puppeteerOptions.executablePath, { build: options.chromium, headless: puppeteerOptions.headless });
  }
}

/** The strategy's plan, then the browser it asks for; `signal` (destroy()) ends the start with a `ClientClosedError`. */
export async function launchFor(options: ClientOptions, strategy: AuthStrategy, signal: AbortSignal, log: Logger): Promise<Launch> {
  const puppeteerOptions = options.puppeteer ?? {};
  checkLaunchable(options, strategy);
  // A pooled browser is taken before the strategy prepares its profile: no launch after the restore.
  const pooled = puppeteerOptions.userDataDir === undefined ? takePooled(options, strategy) : undefined;
  const request = {
    signal,
    ...(puppeteerOptions.userDataDir === undefined ? {} : { userDataDir: puppeteerOptions.userDataDir }),
    ...(pooled === undefined ? {} : { pooledProfile: pooled.userDataDir }),
  };
  let plan: BrowserPlan;
  try {
    plan = await strategy.beforeBrowserInitialized(request);
  } catch (err) {
    if (pooled) await discardPooled(pooled);
    if (signal.aborted) throw closedWhileStarting(err);
    throw err;
  }
  const taken = pooled !== undefined && plan.userDataDir === pooled.userDataDir ? pooled : undefined;
  if (pooled && !taken) await discardPooled(pooled);
  if (signal.aborted) {
    if (taken) await discardPooled(taken);
    throw closedWhileStarting();
  }
  // The same choices a pool's browsers were launched with (browser-pool.ts), so the two never differ.
  const choices = clientChoices(options);
  const { userAgent } = choices;
  const launchOptions = { ...puppeteerOptions };
  if (plan.userDataDir !== undefined) launchOptions.userDataDir = plan.userDataDir;
  if (plan.args !== undefined) launchOptions.args = [...(launchOptions.args ?? []), ...plan.args];
  const launched = taken
    ? { ...taken.launched, pooledFolder: taken.userDataDir }
    : await launchOwn(options, strategy, launchOptions, choices, signal);
  log.info({ pid: launched.pid, owned: launched.owned, version: launched.version, pooled: taken !== undefined }, 'browser started');
  if (signal.aborted) {
    if (taken) await discardPooled(taken);
    else if (launched.owned) await closeBrowser(launched.browser, launched.pid);
    else await launched.browser.disconnect().catch(() => undefined);
    throw closedWhileStarting();
  }
  const attach: AttachOptions = {
    ...(userAgent === undefined ? {} : { userAgent }),
    ...(launched.clientHints ? { clientHints: launched.clientHints } : {}),
    ...(plan.seedLocalStorage ? { seedLocalStorage: plan.seedLocalStorage } : {}),
    ...initScripts(plan, options),
    ...pageOptions(options),
  };
  return { launched, attach, ...(launchOptions.userDataDir === undefined ? {} : { userDataDir: launchOptions.userDataDir }) };
}

/** Launches the browser a start asks for, within `launchTimeoutMs`; the deadline's signal reaches puppeteer. */
async function launchOwn(
  options: ClientOptions,
  strategy: AuthStrategy,
  launchOptions: PuppeteerOptions,
  choices: PoolLaunch['choices'],
  signal: AbortSignal,
): Promise<LaunchedBrowser> {
  try {
    return await withDeadline((deadline) => launchBrowser(launchOptions, { ...choices, signal: deadline }), {
      timeoutMs: deadlineMs(options, 'launch'),
      onTimeout: () => startTimeout(options, 'launch', { lastState: null, sessionFolder: strategy.sessionFolder() }),
      signal,
    });
  } catch (err) {
    if (signal.aborted) throw closedWhileStarting(err);
    throw err;
  }
}

/** The strategy's `afterBrowserClosed`, then a pooled browser's folder goes (unless the strategy moved it away). */
export async function afterBrowserClosed(strategy: AuthStrategy, launched: LaunchedBrowser, info: BrowserClosedInfo): Promise<void> {
  try {
    await strategy.afterBrowserClosed(info);
  } finally {
    if (launched.pooledFolder !== undefined)
      await rm(launched.pooledFolder, { recursive: true, force: true, maxRetries: 4, retryDelay: 100 });
  }
}

/** whatsapp-web.js's options for the page: the device's names, `bypassCSP`, `proxyAuthentication`. */
function pageOptions(options: ClientOptions): Pick<AttachOptions, 'adapter' | 'bypassCSP' | 'proxyAuthentication'> {
  const { deviceName, browserName, bypassCSP, proxyAuthentication } = options;
  return {
    ...(deviceName || browserName ? { adapter: { ...(deviceName ? { deviceName } : {}), ...(browserName ? { browserName } : {}) } } : {}),
    ...(bypassCSP === true ? { bypassCSP } : {}),
    ...(proxyAuthentication ? { proxyAuthentication } : {}),
  };
}

/** The strategy's scripts for every new document, then `evalOnNewDoc` (whatsapp-web.js's option), before the app. */
function initScripts(plan: BrowserPlan, options: ClientOptions): Pick<AttachOptions, 'initScripts'> {
  const own = typeof options.evalOnNewDoc === 'function' ? [`(${options.evalOnNewDoc.toString()})();`] : [];
  const scripts = [...(plan.initScripts ?? []), ...own];
  return scripts.length === 0 ? {} : { initScripts: scripts };
}

/**
 * Closes a browser waweb launched; of one it connected to, which stays up, closes only `tab` (the
 * page waweb opened, once attached) and disconnects. True when a launched browser closed cleanly.
 */
export async function releaseBrowser(launched: LaunchedBrowser, alive: boolean, tab: Page | undefined): Promise<boolean> {
  if (launched.owned) return alive && (await closeBrowser(launched.browser, launched.pid)) === 'closed';
  await tab?.close().catch(() => undefined);
  await launched.browser.disconnect().catch(() => undefined);
  return false;
}
