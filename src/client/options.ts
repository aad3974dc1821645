import type { AuthStrategy } from '../auth/strategy';
import { resolveChromiumBuild, type ChromiumBuild } from '../browser/executable';
import type { PuppeteerOptions } from '../browser/launch';
import { InvalidOptionError } from '../errors';
import { checkLogger, type Logger } from '../util/logger';
import { nonNegativeNumber } from '../util/options';
import { validatePairing, type PairWithPhoneNumber } from './pairing';

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
  /** QR codes to show before giving up; 0 = no limit. `2` shows exactly 3 QRs, then `disconnected('MAX_QR_RETRIES')`. @default 0 */
  qrMaxRetries?: number;
  /** How long the page may take to boot WhatsApp Web; 0 = no limit. @default 60000 */
  authTimeoutMs?: number;
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
  /** Accepted for whatsapp-web.js compatibility; waweb always loads the live app. */
  webVersion?: string;
  /** Accepted for whatsapp-web.js compatibility; waweb keeps no web version cache. */
  webVersionCache?: unknown;
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
  | 'SMB_TOS_BLOCK';

export interface ClientInfo {
  wid: { server: string; user: string; _serialized: string };
  pushname: string;
  platform: string;
}

/** Throws an `InvalidOptionError` (`INVALID_OPTION`) for options of the wrong type or range. */
export function validateOptions(options: ClientOptions): void {
  if (typeof options !== 'object' || options === null) throw new InvalidOptionError('Client options must be an object');
  const nonNegative = ['qrMaxRetries', 'authTimeoutMs', 'takeoverTimeoutMs'] as const;
  for (const name of nonNegative) nonNegativeNumber(options[name], 0, name);
  if (options.userAgent !== undefined && options.userAgent !== false && typeof options.userAgent !== 'string') {
    throw new InvalidOptionError('userAgent must be a string or false');
  }
  validatePairing(options.pairWithPhoneNumber);
  if (options.chromium !== undefined) resolveChromiumBuild(options.chromium);
  if (options.logger !== undefined) checkLogger(options.logger);
}
