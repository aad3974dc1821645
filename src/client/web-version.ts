/**
 * Pinning a WhatsApp Web build (`webVersion`, `webVersionCache`, whatsapp-web.js's options): the HTML
 * of the build is looked up once per client (a local folder, or a remote archive), served as the
 * app's document at every load, and, when it cannot be had or does not boot, the start fails
 * (`strict`) or the live app runs instead, told as `web_version_fallback`. A local cache also keeps
 * the live build's HTML the first time it boots, so later starts can run it. Unlike whatsapp-web.js,
 * nothing goes to the working directory: the local cache defaults to `<dataPath>/.waweb-web-cache`.
 */
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import type { AuthStrategy } from '../auth/strategy';
import { InvalidOptionError, PageError, StartTimeoutError, WawebError, WebVersionUnavailableError } from '../errors';
import { fetchBuild, isBuildVersion, LocalBuildCache, type BuildMiss } from '../web/build-cache';
import { DocumentPin } from '../web/document-pin';
import type { WebPage } from '../web/web-page';
import type { EmitClientEvent } from './events';
import { deadlineMs, type DeadlineOptions } from './start-deadlines';
import { WEB_CACHE_FOLDER, type WebVersionCache } from './web-version-options';

/** What a client was told about pinning. */
export interface WebVersionOptions extends DeadlineOptions {
  webVersion?: string;
  webVersionCache?: WebVersionCache;
}

/** The strategy's data folder (LocalAuth's, RemoteAuth's `dataPath`), when it has one. */
function dataPathOf(strategy: AuthStrategy): string | undefined {
  const dataPath = (strategy as { dataPath?: unknown }).dataPath;
  return typeof dataPath === 'string' && dataPath !== '' ? dataPath : undefined;
}

type Source = { kind: 'local'; cache: LocalBuildCache } | { kind: 'remote'; remotePath: string };

/** One client's pinned build: looked up before a start, served (or kept) in each run's page. */
export class WebVersionPin {
  readonly #options: WebVersionOptions;
  readonly #source: Source | undefined;
  readonly #strict: boolean;
  readonly #emit: EmitClientEvent;
  /** The pinned HTML, once found (a remote one is fetched once per client). */
  #html: string | undefined;
  /** The kept HTML did not boot: this client serves the live app from now on. */
  #gaveUp = false;
  /** Why the last lookup found nothing, when the fallback is told only once the live build is known. */
  #notCached: string | undefined;

  constructor(options: WebVersionOptions, strategy: AuthStrategy, emit: EmitClientEvent) {
    this.#options = options;
    this.#emit = emit;
    // whatsapp-web.js's default cache is a local one; here only with a data folder to put it in.
    const implied: WebVersionCache | undefined = options.webVersion === undefined ? undefined : { type: 'local' };
    const cache = options.webVersionCache ?? implied;
    this.#strict = cache !== undefined && cache.type !== 'none' && cache.strict === true;
    if (cache?.type === 'remote') this.#source = { kind: 'remote', remotePath: cache.remotePath };
    else if (cache?.type === 'local') {
      const dataPath = dataPathOf(strategy);
      const dir = cache.path ?? (dataPath === undefined ? undefined : join(dataPath, WEB_CACHE_FOLDER));
      if (dir === undefined && options.webVersionCache !== undefined) {
        throw new InvalidOptionError(
          `webVersionCache {type: 'local'} needs a path: ${strategy.constructor.name} keeps no dataPath, and waweb writes nothing to the working directory`,
        );
      }
      this.#source = dir === undefined ? undefined : { kind: 'local', cache: new LocalBuildCache(dir) };
    }
  }

  get #requested(): string | undefined {
    return this.#options.webVersion;
  }

  /**
   * Before a start: looks the pinned build up unless found already. Strict, a build that cannot be
   * had fails the start (`WebVersionUnavailableError`) before a browser is launched.
   */
  async prepare(signal: AbortSignal): Promise<void> {
    const source = this.#source;
    if (!source || this.#html !== undefined || this.#gaveUp) return;
    if (source.kind === 'local' && this.#requested === undefined) return;
    const found =
      source.kind === 'local'
        ? await source.cache.lookup(this.#requested ?? '')
        : await fetchBuild(source.remotePath, this.#requested, deadlineMs(this.#options, 'page-load'), signal);
    if ('html' in found) {
      this.#html = found.html;
      return;
    }
    if (this.#strict) throw this.#unavailable(found.miss, found.detail);
    // A local cache misses on its first start; whether that is a fallback shows once the live build boots.
    if (source.kind === 'local') this.#notCached = found.detail;
    else this.#fellBack(found.miss, found.detail);
  }

  /**
   * Opens the app in `page` through `open` (the start's deadlines): with the pinned HTML as its
   * document when there is one; a pinned HTML that does not load or boot is, strict, a
   * `WebVersionUnavailableError`, otherwise replaced by the live app in the same page. A local
   * cache keeps the live build that booted.
   */
  async open(page: Page, web: WebPage, open: () => Promise<void>): Promise<void> {
    const source = this.#source;
    const html = this.#gaveUp ? undefined : this.#html;
    // Only a local cache reads the live document (to keep it).
    if (!source || (html === undefined && source.kind === 'remote')) return open();
    const doc = await DocumentPin.install(page, html);
    try {
      await open();
    } catch (err) {
      if (!doc.serving || !(err instanceof StartTimeoutError || err instanceof PageError)) throw err;
      const detail = `build ${this.#requested ?? '(remotePath)'} did not boot: ${err.message}`;
      if (this.#strict) throw this.#unavailable('no-boot', detail, err);
      this.#gaveUp = true;
      this.#fellBack('no-boot', detail);
      await doc.serveLive();
      await open();
    }
    if (doc.serving) return;
    const running = web.version;
    if (this.#notCached !== undefined && running !== this.#requested) this.#fellBack('not-cached', this.#notCached);
    this.#notCached = undefined;
    const live = doc.captured;
    if (source.kind !== 'local' || live === undefined || !isBuildVersion(running)) return;
    await source.cache.keep(running, live).catch((err: unknown) => {
      if (err instanceof WawebError) this.#emit('error', err);
    });
    // This client keeps running the build it just kept, when it is the one asked for.
    if (running === this.#requested) this.#html = live;
  }

  #fellBack(reason: BuildMiss, detail: string): void {
    this.#emit('web_version_fallback', { requested: this.#requested, reason, detail });
  }

  #unavailable(reason: BuildMiss, detail: string, cause?: unknown): WebVersionUnavailableError {
    const what = this.#requested === undefined ? 'the pinned WhatsApp Web build' : `WhatsApp Web build ${this.#requested}`;
    return new WebVersionUnavailableError(
      this.#requested,
      `${what} is unavailable (${reason}): ${detail}`,
      cause === undefined ? undefined : { cause },
    );
  }
}
