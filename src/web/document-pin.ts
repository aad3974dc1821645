/**
 * The app's HTML document in one page: either served from a kept copy (a pinned build) or read as the
 * live site sends it (so it can be kept). Only top-level documents of `https://web.whatsapp.com/`
 * (any query, e.g. `?post_logout=1`) are paused, through the page's own DevTools session; every
 * other request goes to the network untouched. The app's scripts, named by the HTML, come from the
 * network as usual: a kept HTML runs its own build as long as the site still serves its scripts. The
 * DevTools session lives as long as the page (closed with it: nothing to stop by hand).
 */
import type { CDPSession, Page, Protocol } from 'puppeteer-core';
import { PageError } from '../errors';

const APP_ORIGIN = 'https://web.whatsapp.com';
/** The app's HTML may be large; a body past this is not kept. */
const MAX_HTML_BYTES = 32 * 1024 * 1024;

function isAppDocument(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.origin === APP_ORIGIN && parsed.pathname === '/';
  } catch {
    return false;
  }
}

export class DocumentPin {
  readonly #session: CDPSession;
  #html: string | undefined;
  #captured: string | undefined;

  private constructor(session: CDPSession, html: string | undefined) {
    this.#session = session;
    this.#html = html;
  }

  /**
   * Before the page's first navigation: serve `html` as the app's document from now on, or, without
   * it, read the live document of every load ({@link captured}).
   */
  static async install(page: Page, html: string | undefined): Promise<DocumentPin> {
    try {
      const session = await page.createCDPSession();
      const pin = new DocumentPin(session, html);
      session.on('Fetch.requestPaused', (event: Protocol.Fetch.RequestPausedEvent) => {
        // A page or browser that went away while a request was paused leaves nothing to answer.
        pin.#paused(event).catch(() => undefined);
      });
      await pin.#enable();
      return pin;
    } catch (err) {
      throw new PageError('could not take over the app document of the page', { cause: err });
    }
  }

  /** A kept HTML is served (rather than the live one read). */
  get serving(): boolean {
    return this.#html !== undefined;
  }

  /** The live app document of the latest load (a 200 answer), while not serving. */
  get captured(): string | undefined {
    return this.#captured;
  }

  /** From the next load on, the live document is loaded (and read) instead of the kept one. */
  async serveLive(): Promise<void> {
    this.#html = undefined;
    await this.#enable();
  }

  #enable(): Promise<unknown> {
    const requestStage = this.#html === undefined ? 'Response' : 'Request';
    return this.#session.send('Fetch.enable', {
      patterns: [{ urlPattern: `${APP_ORIGIN}/*`, resourceType: 'Document', requestStage }],
    });
  }

  async #paused(event: Protocol.Fetch.RequestPausedEvent): Promise<void> {
    const { requestId } = event;
    const html = this.#html;
    const atResponse = event.responseStatusCode !== undefined || event.responseErrorReason !== undefined;
    if (!isAppDocument(event.request.url)) {
      await this.#session.send('Fetch.continueRequest', { requestId });
    } else if (!atResponse && html !== undefined) {
      await this.#session.send('Fetch.fulfillRequest', {
        requestId,
        responseCode: 200,
        responseHeaders: [
          { name: 'content-type', value: 'text/html; charset=utf-8' },
          { name: 'cache-control', value: 'no-store' },
        ],
        body: Buffer.from(html, 'utf8').toString('base64'),
      });
    } else {
      if (atResponse && event.responseStatusCode === 200) await this.#read(requestId);
      await this.#session.send('Fetch.continueRequest', { requestId });
    }
  }

  async #read(requestId: string): Promise<void> {
    const { body, base64Encoded } = await this.#session.send('Fetch.getResponseBody', { requestId });
    const html = base64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
    if (Buffer.byteLength(html) <= MAX_HTML_BYTES) this.#captured = html;
  }
}
