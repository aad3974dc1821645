import type { Browser } from 'puppeteer-core';
import type { AuthStrategy } from '../auth/strategy';
import { findChromium } from '../browser/executable';
import { InvalidOptionError } from '../errors';
import type { WebPage } from '../web/web-page';
import type { ClientOptions, DisconnectReason } from './types';

export type Phase = 'idle' | 'starting' | 'running' | 'closing' | 'closed';

/** One start of the client: its browser, page and what has happened in it so far. */
export interface Run {
  browser: Browser;
  pid: number | undefined;
  owned: boolean;
  web: WebPage | undefined;
  abort: AbortController;
  hadSession: boolean;
  authenticated: boolean;
  ready: boolean;
  qrCount: number;
  authFailureEmitted: boolean;
  explicitLogout: boolean;
  /** A logout (ours or the phone's) was confirmed: the session is dead. */
  loggedOut: boolean;
  /** Set when the client stops on its own (the `disconnected` reason). */
  stopReason: DisconnectReason | undefined;
  takeoverTimer: NodeJS.Timeout | undefined;
  /** Renews the pairing code while the page waits for a login by phone number. */
  codeTimer: NodeJS.Timeout | undefined;
  /** `pairWithPhoneNumber`: the first code was asked for in this run. */
  codeRequested: boolean;
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
