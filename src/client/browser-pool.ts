/**
 * Browsers from a `BrowserPool` for a client's starts: the launch a client would make for a strategy
 * (the one key a pool and a client must agree on), a pool made to that launch, and the taking.
 */
import { AGGRESSIVE_FLUSH_FLAG } from '../auth/profile/flush';
import type { AuthStrategy } from '../auth/strategy';
import { resolveChromiumBuild } from '../browser/executable';
import { BrowserPool, launchKey, type BrowserPoolOptions, type PoolLaunch, type PooledBrowser } from '../browser/pool';

export type { BrowserPool };
import type { ClientOptions } from './options';

export const DEFAULT_USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';

/** The client options a pooled browser must match. */
export type PoolClientOptions = Pick<ClientOptions, 'puppeteer' | 'chromium' | 'leanFlags' | 'userAgent'>;

export interface ClientBrowserPoolOptions extends BrowserPoolOptions {
  /** The options of the clients the pool serves (`puppeteer`, `chromium`, `leanFlags`, `userAgent`). @default {} */
  client?: PoolClientOptions;
  /** Whose flags the browsers carry: RemoteAuth's (`'remote'`) or NoAuth's (`'none'`). @default 'remote' */
  strategy?: 'remote' | 'none';
}

/** How a client with `options` launches, whatever the profile: user agent, build, lean flags. */
export function clientChoices(options: PoolClientOptions): PoolLaunch['choices'] {
  const userAgent = options.userAgent === false ? undefined : (options.userAgent ?? DEFAULT_USER_AGENT);
  return { userAgent, build: resolveChromiumBuild(options.chromium), lean: options.leanFlags ?? true };
}

/** The launch a client with `options` makes for a strategy asking for `strategyArgs`. */
export function clientLaunch(options: PoolClientOptions, strategyArgs: readonly string[]): PoolLaunch {
  const puppeteer = { ...options.puppeteer };
  if (strategyArgs.length > 0) puppeteer.args = [...(puppeteer.args ?? []), ...strategyArgs];
  return { options: puppeteer, choices: clientChoices(options) };
}

/**
 * A pool of browsers launched as a client with `options.client` launches them for RemoteAuth (or
 * NoAuth): give it to such clients as `browserPool`, and `close()` it when done.
 */
export function createBrowserPool(options: ClientBrowserPoolOptions = {}): BrowserPool {
  const { client = {}, strategy = 'remote', ...pool } = options;
  return new BrowserPool(clientLaunch(client, strategy === 'remote' ? [AGGRESSIVE_FLUSH_FLAG] : []), pool);
}

/** A waiting browser of the client's pool that fits this start, if the strategy can take one. */
export function takePooled(options: ClientOptions, strategy: AuthStrategy): PooledBrowser | undefined {
  const pool = options.browserPool;
  if (pool === undefined || strategy.poolArgs === undefined) return undefined;
  return pool.take(launchKey(clientLaunch(options, strategy.poolArgs)));
}
