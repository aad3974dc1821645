/**
 * A run's browser: before there is a run, check that a browser can be had for the strategy, let the
 * strategy prepare its profile and launch (or connect to) Chromium; when the run ends, give it back.
 */
import type { AuthStrategy, BrowserPlan } from '../auth/strategy';
import { findChromium } from '../browser/executable';
import { closeBrowser, launchBrowser, type LaunchedBrowser } from '../browser/launch';
import { ClientClosedError, InvalidOptionError } from '../errors';
import { withDeadline } from '../util/deadline';
import type { Logger } from '../util/logger';
import type { Page } from 'puppeteer-core';
import type { AttachOptions } from '../web/web-page';
import type { ClientOptions } from './options';
import { deadlineMs, startTimeout } from './start-deadlines';

export const DEFAULT_USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';

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
  const request = puppeteerOptions.userDataDir === undefined ? { signal } : { userDataDir: puppeteerOptions.userDataDir, signal };
  let plan: BrowserPlan;
  try {
    plan = await strategy.beforeBrowserInitialized(request);
  } catch (err) {
    if (signal.aborted) throw closedWhileStarting(err);
    throw err;
  }
  if (signal.aborted) throw closedWhileStarting();
  const userAgent = options.userAgent === false ? undefined : (options.userAgent ?? DEFAULT_USER_AGENT);
  const launchOptions = { ...puppeteerOptions };
  if (plan.userDataDir !== undefined) launchOptions.userDataDir = plan.userDataDir;
  if (plan.args !== undefined) launchOptions.args = [...(launchOptions.args ?? []), ...plan.args];
  // The deadline's signal reaches puppeteer: a Chromium still starting when it passes is killed.
  let launched: LaunchedBrowser;
  try {
    launched = await withDeadline(
      (deadline) => launchBrowser(launchOptions, { userAgent, build: options.chromium, lean: options.leanFlags ?? true, signal: deadline }),
      {
        timeoutMs: deadlineMs(options, 'launch'),
        onTimeout: () => startTimeout(options, 'launch', { lastState: null, sessionFolder: strategy.sessionFolder() }),
        signal,
      },
    );
  } catch (err) {
    if (signal.aborted) throw closedWhileStarting(err);
    throw err;
  }
  log.info({ pid: launched.pid, owned: launched.owned, version: launched.version }, 'browser started');
  if (signal.aborted) {
    if (launched.owned) await closeBrowser(launched.browser, launched.pid);
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
