/**
 * The only Node-side code that knows the WhatsApp Web page. It installs the
 * page-side script (bundled from ./page) on every document, passes its reports
 * on as one typed stream (`report`), and calls into the page for actions.
 */
import type { Page, Protocol } from 'puppeteer-core';
import { IncompatibleWebError, PageError } from '../errors';
import { abortable, timeoutError, withDeadline } from '../util/deadline';
import { TypedEmitter } from '../util/typed-emitter';
import {
  BRIDGE_BINDING,
  DRIFT_MARK,
  PAGE_API,
  PAGE_API_FEATURES,
  type PageApi,
  type PageContractMiss,
  type PageChat,
  type PageChatAction,
  type PageChatActionResult,
  type PageContact,
  type PageContent,
  type PageEvent,
  type PageInfo,
  type PageMedia,
  type PageMessage,
  type PageSendOptions,
  type PageOptions,
} from './bridge';
import type { PageStickerPack } from './bridge-media';
import { PAGE_BUNDLE } from './page-bundle.generated';

export const WHATSAPP_WEB_URL = 'https://web.whatsapp.com/';

export { WAState } from './states';

function isNavigationError(err: unknown): boolean {
  const cause = err instanceof Error ? (err as { cause?: unknown }).cause : undefined;
  const text =
    err instanceof Error
      ? `${err.message} ${cause instanceof Error ? cause.message : typeof cause === 'string' ? cause : ''}`
      : typeof err === 'string'
        ? err
        : '';
  return /context was destroyed|navigat|detached|Target closed|Session closed/i.test(text);
}

const NOT_INSTALLED = 'waweb page API is not installed';
/** How long a page call made while the app reloads waits for it to boot again. */
const REBOOT_WAIT_MS = 60_000;

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A failed page call: an `IncompatibleWebError` naming the member when the app's own code broke ({@link DRIFT_MARK}). */
function callFailed(err: unknown, build: string | undefined, what: string): PageError | IncompatibleWebError {
  const text = errorText(err);
  const drift = text.indexOf(DRIFT_MARK);
  if (drift >= 0) {
    try {
      const miss = JSON.parse(text.slice(drift + DRIFT_MARK.length).split('\n')[0] ?? '') as PageContractMiss;
      return new IncompatibleWebError(build ?? 'unknown', [miss], what);
    } catch {
      // Not the page adapter's report after all: an ordinary failure.
    }
  }
  return new PageError(`page call failed: ${text}`, { cause: err });
}

/** @internal The script that writes `items` into a fresh load's localStorage (exported for tests). */
export function seedScript(items: Record<string, string>): string {
  return `(() => {
    if (location.hostname !== 'web.whatsapp.com' || window.top !== window || document.referrer !== 'https://whatsapp.com/') return;
    const items = ${JSON.stringify(items)};
    for (const key of Object.keys(items)) localStorage.setItem(key, items[key]);
  })();`;
}

/** One typed stream: every report of the page, as the page sent it. */
export type WebPageEvents = {
  report: [report: PageEvent];
};

/** A report of one kind. */
export type PageReportOf<T extends PageEvent['type']> = Extract<PageEvent, { type: T }>;

export interface NextReportOptions {
  /** Milliseconds before the wait rejects with a `TimeoutError` naming `timeoutOption`; 0 or none = no limit. */
  timeout?: number;
  timeoutOption?: string;
  signal?: AbortSignal;
}

export interface AttachOptions {
  /** The user agent the page presents. */
  userAgent?: string;
  /** Client hints to go with it (`navigator.userAgentData`, `Sec-CH-UA` headers); only with `userAgent`. */
  clientHints?: Protocol.Emulation.UserAgentMetadata;
  /** localStorage items written before the app's first script runs. */
  seedLocalStorage?: Record<string, string>;
  /** Scripts for every new document, run before the adapter and the app. */
  initScripts?: readonly string[];
  /** What the adapter is installed with (the linked device's names). */
  adapter?: PageOptions;
  /** `page.setBypassCSP(true)`: the page's Content-Security-Policy is not enforced. */
  bypassCSP?: boolean;
  /** Credentials for a proxy that asks for them (`page.authenticate`). */
  proxyAuthentication?: { username: string; password: string };
}

export class WebPage extends TypedEmitter<WebPageEvents> {
  #booted = false;
  /** Documents the app has booted in so far. */
  #boots = 0;
  #version: string | undefined;
  /** The last boot's contract check: what the build lacks. */
  #missing: readonly PageContractMiss[] = [];
  #checked = 0;

  private constructor(readonly page: Page) {
    super();
  }

  /** Installs the bridge on `page`; call before the first navigation. */
  static async attach(page: Page, options: AttachOptions = {}): Promise<WebPage> {
    const web = new WebPage(page);
    await page.exposeFunction(BRIDGE_BINDING, (json: string) => web.#onReport(json));
    // Before the adapter and the app: the items are there when either first looks.
    if (options.seedLocalStorage) await page.evaluateOnNewDocument(seedScript(options.seedLocalStorage));
    for (const script of options.initScripts ?? []) await page.evaluateOnNewDocument(script);
    await page.evaluateOnNewDocument(
      `(() => {\nconst WAWEB_PAGE_OPTIONS = ${JSON.stringify(options.adapter ?? {})};\n${PAGE_BUNDLE}\n})();\n`,
    );
    if (options.bypassCSP) await page.setBypassCSP(true);
    if (options.proxyAuthentication) await page.authenticate(options.proxyAuthentication);
    if (options.userAgent) {
      await page.setUserAgent({
        userAgent: options.userAgent,
        ...(options.clientHints ? { userAgentMetadata: options.clientHints } : {}),
      });
    }
    return web;
  }

  /** Opens WhatsApp Web (the real one, or whatever the browser's host rules point at). */
  async open(url = WHATSAPP_WEB_URL, timeoutMs = 60_000): Promise<void> {
    try {
      await this.page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs, referer: 'https://whatsapp.com/' });
    } catch (err) {
      throw new PageError(`could not open ${url}`, { cause: err });
    }
  }

  /** The app's version (`Debug.VERSION`), once it booted. */
  get version(): string | undefined {
    return this.#version;
  }

  get booted(): boolean {
    return this.#booted;
  }

  /** What the booted build lacks of the page contract (empty when it has it all). */
  get missing(): readonly PageContractMiss[] {
    return this.#missing;
  }

  /** How many rows of the page contract the last boot's check covered. */
  get checked(): number {
    return this.#checked;
  }

  /** Throws an `IncompatibleWebError` when the booted build lacks a member the login needs. */
  assertCompatible(): void {
    const login = this.#missing.filter((m) => m.feature === 'login');
    if (login.length > 0) throw new IncompatibleWebError(this.#version ?? 'unknown', login, 'the login');
  }

  state(): Promise<string | null> {
    return this.call('state');
  }

  info(): Promise<PageInfo> {
    return this.call('info');
  }

  sendMedia(chatId: string, media: PageMedia, options: PageSendOptions): Promise<PageMessage> {
    return this.call('sendMedia', chatId, media, options);
  }

  downloadMedia(messageId: string): Promise<PageMedia | null> {
    return this.call('downloadMedia', messageId);
  }

  sendSticker(chatId: string, media: PageMedia, pack: PageStickerPack, options: PageSendOptions): Promise<PageMessage> {
    return this.call('sendSticker', chatId, media, pack, options);
  }

  send(chatId: string, content: PageContent, options: PageSendOptions): Promise<PageMessage> {
    return this.call('send', chatId, content, options);
  }

  forward(messageId: string, chatId: string): Promise<void> {
    return this.call('forward', messageId, chatId);
  }

  /** A pairing code for `phone` (digits with country code), typed on the phone instead of scanning a QR. */
  pairingCode(phone: string, notify: boolean): Promise<string> {
    return this.call('pairingCode', phone, notify);
  }

  getChats(): Promise<PageChat[]> {
    return this.call('getChats');
  }

  getChat(chatId: string): Promise<PageChat | null> {
    return this.call('getChat', chatId);
  }

  getContacts(): Promise<PageContact[]> {
    return this.call('getContacts');
  }

  getContact(contactId: string): Promise<PageContact> {
    return this.call('getContact', contactId);
  }

  /** The registered user's wid for a number, or `null` when it is not on WhatsApp. */
  numberId(number: string): Promise<string | null> {
    return this.call('numberId', number);
  }

  sendSeen(chatId: string): Promise<boolean> {
    return this.call('sendSeen', chatId);
  }

  chatState(chatId: string, state: 'typing' | 'recording' | 'stop'): Promise<void> {
    return this.call('chatState', chatId, state);
  }

  fetchMessages(chatId: string, limit?: number, fromMe?: boolean): Promise<PageMessage[]> {
    return this.call('fetchMessages', chatId, limit, fromMe);
  }

  /** Archives, pins, mutes, marks unread, clears or deletes a chat; `null` when the app has no such chat. */
  chatAction(chatId: string, action: PageChatAction): Promise<PageChatActionResult | null> {
    return this.call('chatAction', chatId, action);
  }

  react(messageId: string, reaction: string): Promise<void> {
    return this.call('react', messageId, reaction);
  }

  edit(messageId: string, body: string): Promise<PageMessage | null> {
    return this.call('edit', messageId, body);
  }

  remove(messageId: string, everyone: boolean): Promise<'everyone' | 'me'> {
    return this.call('remove', messageId, everyone);
  }

  quotedMessage(messageId: string): Promise<PageMessage | null> {
    return this.call('quotedMessage', messageId);
  }

  /**
   * Logs out through the app and resolves once the app confirms it (its
   * `logout` command fires after the server agreed). The page navigates away
   * while this runs, so the confirmation, not the call's result, decides.
   */
  async logout(timeoutMs = 15_000): Promise<void> {
    const confirmed = this.nextReport(['logout'], { timeout: timeoutMs, timeoutOption: 'logout confirmation' });
    confirmed.catch(() => undefined);
    let callError: unknown;
    await this.call('logout').catch((err: unknown) => {
      callError = err;
    });
    // The navigation that follows a logout destroys the call's context; any other failure is final.
    if (callError !== undefined && !isNavigationError(callError)) {
      throw new PageError('the app refused the logout', { cause: callError });
    }
    try {
      await confirmed;
    } catch (err) {
      throw new PageError('the app did not confirm the logout', { cause: callError ?? err });
    }
  }

  takeover(): Promise<void> {
    return this.call('takeover');
  }

  refreshQr(): Promise<void> {
    return this.call('refreshQr');
  }

  /** Writes one localStorage item of the origin (RemoteAuth uses it as a flush barrier). */
  setLocalStorageItem(key: string, value: string): Promise<void> {
    return this.call('setLocalStorageItem', key, value);
  }

  /** The origin's localStorage, read exactly from the live page. */
  localStorageEntries(): Promise<Array<[string, string]>> {
    return this.call('localStorageEntries');
  }

  /**
   * Calls one method of the page API ({@link PageApi}); refused with an `IncompatibleWebError` when the
   * booted build lacks a feature it needs (`PAGE_API_FEATURES`). The call is a self-contained expression
   * (method name and JSON arguments), so nothing depends on how this Node code
   * was compiled, instrumented or minified.
   */
  async call<M extends keyof PageApi>(method: M, ...args: Parameters<PageApi[M]>): Promise<Awaited<ReturnType<PageApi[M]>>> {
    if (!this.#booted) throw new PageError('WhatsApp Web has not booted in the page yet');
    const needs: readonly string[] = ['login', ...PAGE_API_FEATURES[method]];
    const lacking = this.#missing.filter((m) => needs.includes(m.feature));
    if (lacking.length > 0) throw new IncompatibleWebError(this.#version ?? 'unknown', lacking, `${method}()`);
    const list = (args as unknown[]).map((a) => (a === undefined ? 'undefined' : JSON.stringify(a))).join(', ');
    const expression = `(() => {
      const api = globalThis[${JSON.stringify(PAGE_API)}];
      if (!api) throw new Error(${JSON.stringify(NOT_INSTALLED)});
      return api[${JSON.stringify(method)}](${list});
    })()`;
    const boots = this.#boots;
    try {
      return (await this.page.evaluate(expression)) as Awaited<ReturnType<PageApi[M]>>;
    } catch (err) {
      // A new document (the app reloaded itself) where the app has not booted yet: the call did not
      // run, so it runs once the app has booted there.
      if (!errorText(err).includes(NOT_INSTALLED)) throw callFailed(err, this.#version, `${method}()`);
      if (boots === this.#boots)
        await this.nextReport(['booted'], { timeout: REBOOT_WAIT_MS, timeoutOption: 'the app booting again after a reload' });
      try {
        return (await this.page.evaluate(expression)) as Awaited<ReturnType<PageApi[M]>>;
      } catch (again) {
        throw callFailed(again, this.#version, `${method}()`);
      }
    }
  }

  /**
   * The next report of one of `types` (the boot, a logout's confirmation). Listens from this call
   * on; `timeout` rejects with a `TimeoutError`, `signal` with an `AbortError`.
   */
  async nextReport<T extends PageEvent['type']>(types: readonly T[], options: NextReportOptions = {}): Promise<PageReportOf<T>> {
    const { timeout, timeoutOption = 'timeout', signal } = options;
    const wanted: ReadonlyArray<PageEvent['type']> = types;
    let onReport: ((report: PageEvent) => void) | undefined;
    const next = new Promise<PageReportOf<T>>((resolve) => {
      onReport = (report) => {
        if (wanted.includes(report.type)) resolve(report as PageReportOf<T>);
      };
      this.on('report', onReport);
    });
    const what = `the page's ${types.join(' or ')} report`;
    try {
      if (timeout === undefined || timeout <= 0) return await abortable(next, signal, `waiting for ${what} was aborted`);
      return await withDeadline(() => next, {
        timeoutMs: timeout,
        onTimeout: () => timeoutError(what, timeoutOption, timeout),
        signal,
        abortMessage: `waiting for ${what} was aborted`,
      });
    } finally {
      if (onReport) this.off('report', onReport);
    }
  }

  #onReport(json: string): void {
    let report: PageEvent;
    try {
      report = JSON.parse(json) as PageEvent;
    } catch {
      return;
    }
    if (report.type === 'booted') {
      this.#booted = true;
      this.#boots++;
      this.#version = report.version;
      this.#missing = report.missing;
      this.#checked = report.checked;
    }
    this.emit('report', report);
  }
}
