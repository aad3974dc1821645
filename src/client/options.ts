import type { AuthStrategy } from '../auth/strategy';
import { resolveChromiumBuild, type ChromiumBuild } from '../browser/executable';
import type { PuppeteerOptions } from '../browser/launch';
import { BrowserPool } from '../browser/pool';
import { InvalidOptionError } from '../errors';
import { checkLogger, type Logger } from '../util/logger';
import { nonNegativeNumber, positiveNumber } from '../util/options';
import { validatePairing, type PairWithPhoneNumber } from './pairing';
import { MAX_DEADLINE_MS, START_DEADLINES } from './start-deadlines';
import { validateWebVersion, type WebVersionCache } from './web-version-options';

export interface ClientOptions {
  /** How the session is kept. @default new NoAuth() */
  authStrategy?: AuthStrategy;
  /** puppeteer-core launch (or connect) options; `args` merge with waweb's defaults. */
  puppeteer?: PuppeteerOptions;
  /**
   * Which Chromium build to launch when `puppeteer.executablePath` (or `CHROME_PATH`) names none:
   * `'headless-shell'` (Debian's `chromium-headless-shell`: less memory, faster start), `'full'`, or
   * `'auto'`: the shell when installed and headless, else the full build.
   * @default the `WAWEB_CHROMIUM` environment variable, else 'auto'
   */
  chromium?: ChromiumBuild;
  /**
   * Launch Chromium with `LEAN_CHROMIUM_ARGS`: one renderer, no site isolation, no spare renderer,
   * back-forward cache or GPU compositing (about 40 % less memory per session). `false` gives the
   * standard set back. @default true
   */
  leanFlags?: boolean;
  /**
   * Pre-launched browsers to start in (`createBrowserPool`): a RemoteAuth or NoAuth start takes a
   * waiting one whose launch matches this client's (same `puppeteer`, `chromium`, `leanFlags`,
   * `userAgent` and the strategy's flags) instead of launching; otherwise it launches as usual.
   * The pool is yours to `close()`. @default none
   */
  browserPool?: BrowserPool;
  /** QR codes to show before giving up; 0 = no limit. `2` shows exactly 3 QRs, then `disconnected('MAX_QR_RETRIES')`. @default 0 */
  qrMaxRetries?: number;
  // Deadlines of a start (docs/client.md, "Deadlines"). Before the login a missed one stops the
  // client: `error` with a `StartTimeoutError` (phase, option, last page state), then
  // `disconnected('START_TIMEOUT')`; `initialize()` rejects with it while pending. Nothing is deleted.
  /** Launching Chromium (or connecting to it) until its first page is open. @default 30000 */
  launchTimeoutMs?: number;
  /** Loading WhatsApp Web's page (until `DOMContentLoaded`). @default 60000 */
  pageLoadTimeoutMs?: number;
  /** whatsapp-web.js's option: how long the loaded page may take to boot the app; 0 = the default. @default 60000 */
  authTimeoutMs?: number;
  /** From the boot to logged in (a stored session accepted) or a QR (or pairing code) shown. @default 60000 */
  loginTimeoutMs?: number;
  /**
   * From logged in to `ready`. Missed, it is reported (`error` with a `StartTimeoutError`, phase
   * `history-sync`) and the client carries on: a logged-in session is never closed for it. @default 180000
   */
  historySyncTimeoutMs?: number;
  /** Take the session back when another browser opens it (`CONFLICT`). @default false */
  takeoverOnConflict?: boolean;
  /** Wait before taking over. @default 0 */
  takeoverTimeoutMs?: number;
  /** User agent for the page; `false` keeps Chromium's own. @default a desktop Chrome user agent */
  userAgent?: string | false;
  /** After `auth_failure`, carry on to a fresh QR (true) or stop with `disconnected('AUTH_FAILURE')`. @default true */
  restartOnAuthFail?: boolean;
  /** Pair with a code typed on the phone instead of a QR: `code` events instead of `qr`. */
  pairWithPhoneNumber?: PairWithPhoneNumber;
  /**
   * A pino-compatible logger (`trace`…`error`, optional `child`): one structured record per lifecycle
   * step, save and restore; never a QR text, pairing code, key, password or session content.
   * @default silent
   */
  logger?: Logger;
  /**
   * The WhatsApp Web build to run (its `Debug.VERSION`, e.g. `2.3000.1017054665`), found through
   * `webVersionCache`. Alone, it uses a local cache under the strategy's `dataPath` (none without one).
   * @default the live app
   */
  webVersion?: string;
  /**
   * Where the pinned build's HTML is kept: `{type: 'none'}`, `{type: 'local', path?, strict?}` (default
   * path `<dataPath>/.waweb-web-cache`; the live build is kept there when it boots) or `{type: 'remote',
   * remotePath, strict?}` (`{version}` in `remotePath` is replaced). `strict`: a build that cannot be
   * had fails the start (`WebVersionUnavailableError`); otherwise the live app runs and
   * `web_version_fallback` says why. See docs/client.md, "Pinning a WhatsApp Web build".
   * @default none
   */
  webVersionCache?: WebVersionCache;
  /** A function run in every new document of the page, before WhatsApp Web's scripts (and waweb's). */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- whatsapp-web.js types it as Function; its callers pass any function
  evalOnNewDoc?: Function;
  /** `page.setBypassCSP(true)` before the page opens: the page's Content-Security-Policy is not enforced. @default false */
  bypassCSP?: boolean;
  /** The linked device's name on the phone (the app's browser info `os`, as whatsapp-web.js sets it). @default the app's own */
  deviceName?: string;
  /** The linked device's browser on the phone (`Chrome`, `Firefox`, ...; the app's browser info `name`). @default the app's own */
  browserName?: string;
  /** Credentials for a proxy given in `puppeteer.args` (`--proxy-server=...`) that asks for them (`page.authenticate`). */
  proxyAuthentication?: { username: string; password: string } | undefined;
  /** No meaning in waweb, accepted and ignored: stickers are made in the browser, without ffmpeg. */
  ffmpegPath?: string;
}

/** Why the client stopped. */
export type DisconnectReason =
  | 'LOGOUT'
  | 'CONFLICT'
  | 'NAVIGATION'
  | 'MAX_QR_RETRIES'
  | 'BROWSER_CLOSED'
  | 'PAGE_CRASHED'
  | 'AUTH_FAILURE'
  | 'DEPRECATED_VERSION'
  | 'PROXYBLOCK'
  | 'TOS_BLOCK'
  | 'SMB_TOS_BLOCK'
  /** A phase of the start missed its deadline (the `StartTimeoutError` on `error` says which). */
  | 'START_TIMEOUT'
  /** A start the client made on its own (after a restored backup did not log in) failed (the error is on `error`). */
  | 'START_FAILED'
  /** The app reloaded onto a build that lacks a member the login needs (the `IncompatibleWebError` is on `error`). */
  | 'INCOMPATIBLE_WEB';

export type { ClientInfo } from './model/client-info';

/** Throws an `InvalidOptionError` (`INVALID_OPTION`) for options of the wrong type or range. */
export function validateOptions(options: ClientOptions): void {
  if (typeof options !== 'object' || options === null) throw new InvalidOptionError('Client options must be an object');
  const nonNegative = ['qrMaxRetries', 'takeoverTimeoutMs'] as const;
  for (const name of nonNegative) nonNegativeNumber(options[name], 0, name);
  for (const { option } of Object.values(START_DEADLINES)) {
    // authTimeoutMs keeps whatsapp-web.js's meaning of 0 (the default); the others need a real deadline.
    if (option === 'authTimeoutMs') nonNegativeNumber(options[option], 0, option);
    else positiveNumber(options[option], 1, option);
    const value = options[option];
    if (value !== undefined && value > MAX_DEADLINE_MS) {
      throw new InvalidOptionError(`${option} must be at most ${MAX_DEADLINE_MS} ms, got ${value}`);
    }
  }
  if (options.userAgent !== undefined && options.userAgent !== false && typeof options.userAgent !== 'string') {
    throw new InvalidOptionError('userAgent must be a string or false');
  }
  if (options.leanFlags !== undefined && typeof options.leanFlags !== 'boolean')
    throw new InvalidOptionError('leanFlags must be a boolean');
  if (options.evalOnNewDoc !== undefined && typeof options.evalOnNewDoc !== 'function')
    throw new InvalidOptionError('evalOnNewDoc must be a function');
  if (options.browserPool !== undefined && !(options.browserPool instanceof BrowserPool))
    throw new InvalidOptionError('browserPool must be a BrowserPool (createBrowserPool())');
  validatePairing(options.pairWithPhoneNumber);
  if (options.chromium !== undefined) resolveChromiumBuild(options.chromium);
  if (options.logger !== undefined) checkLogger(options.logger);
  validateWebVersion(options);
  validatePageOptions(options);
}

/** whatsapp-web.js's options for the page: the device's names, `bypassCSP`, `proxyAuthentication`. */
function validatePageOptions(options: ClientOptions): void {
  for (const name of ['deviceName', 'browserName'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'string') throw new InvalidOptionError(`${name} must be a string`);
  }
  if (options.bypassCSP !== undefined && typeof options.bypassCSP !== 'boolean')
    throw new InvalidOptionError('bypassCSP must be a boolean');
  const proxy: unknown = options.proxyAuthentication;
  if (proxy === undefined) return;
  const { username, password } = (typeof proxy === 'object' && proxy !== null ? proxy : {}) as Record<string, unknown>;
  if (typeof username !== 'string' || typeof password !== 'string')
    throw new InvalidOptionError('proxyAuthentication must be {username, password} with two strings');
}

/** `qrMaxRetries`: whether another QR may be shown after `shown` of them (0 or none: no limit). */
export function qrRetriesLeft(options: Readonly<ClientOptions>, shown: number): boolean {
  const max = options.qrMaxRetries ?? 0;
  return max <= 0 || shown < max + 1;
}
