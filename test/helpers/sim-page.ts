/**
 * One Chromium (puppeteer-core, temporary or given profile) showing the
 * simulator's https://web.whatsapp.com/, with what simulator tests need to see:
 * the live Socket state, the QR text from `[data-ref]`, an event log recorded
 * from the page's own models (kept in Node, so it survives navigations), and
 * the WebSocket frames the page received. Every wait has a deadline; `close()`
 * always leaves no browser behind.
 */
import { EventEmitter } from 'node:events';
import puppeteer, { type Browser, type CDPSession, type Page } from 'puppeteer-core';
import { findChromium } from '../../src/browser/executable';
import { DEFAULT_CHROMIUM_ARGS, mergeArgs, sandboxArgs } from '../../src/browser/flags';
import type { LinkedDevice, WhatsAppSimulator } from '../../src/simulator';
import { tempDir } from './tmp';

// Globals of the page, for functions that run in Chromium (this tsconfig has no DOM lib).
declare const window: any;
declare const document: any;
declare const location: any;
declare const MutationObserver: any;

/** Something the page's models reported, in the order the page saw it. */
export type PageEvent =
  | { type: 'boot'; doc: string; url: string; state: string }
  | { type: 'state'; doc: string; state: string; ref: string | null }
  | { type: 'ref'; doc: string; ref: string | null }
  | { type: 'cmd'; doc: string; name: string; progress: number }
  | { type: 'msg'; doc: string; id: string; body: string; from: string; fromMe: boolean }
  /** The `[data-ref]` text changed; `canvas` is a digest of the QR canvas drawn with it. */
  | { type: 'qr'; doc: string; text: string | null; canvas: string | null };

/** A server → page frame, as the page received it. */
export interface ReceivedFrame {
  t: string;
  [key: string]: unknown;
}

export interface SimPageOptions {
  /** Profile folder. @default a new temporary folder, removed by close() */
  userDataDir?: string;
  /** Open https://web.whatsapp.com/ at once. @default true */
  navigate?: boolean;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const RECORD_BINDING = '__simTestRecord';

/**
 * Installed before the app's scripts: as soon as the app defines `Debug` (right
 * after `require`, before it starts its socket), subscribe to its models. Only
 * `change:state`, `change:ref`, Cmd events and Msg `add`: never
 * `change:hasSynced`, which would open the app's sync gate. A MutationObserver
 * reports each new `[data-ref]` text with a digest of its canvas.
 */
function recorder(binding: string): void {
  const w = window as unknown as Record<string, unknown>;
  const doc = Math.random().toString(36).slice(2, 10);
  const send = (event: Record<string, unknown>): void => {
    const fn = w[binding];
    if (typeof fn === 'function') (fn as (s: string) => void)(JSON.stringify({ doc, ...event }));
  };
  let hooked = false;
  const hook = (): void => {
    const req = w['require'];
    if (hooked || typeof req !== 'function' || w['Debug'] === undefined) return;
    hooked = true;
    type Emitter = { on(ev: string, fn: (...args: any[]) => void): void };
    const r = req as (name: string) => any;
    const socket = r('WAWebSocketModel').Socket as Emitter & { state: string };
    const conn = r('WAWebConnModel').Conn as Emitter & { ref?: string };
    const cmd = r('WAWebCmd').Cmd as Emitter;
    const offline = r('WAWebOfflineHandler').OfflineMessageHandler as { getOfflineDeliveryProgress(): number };
    const msgs = r('WAWebCollections').Msg as Emitter;
    send({ type: 'boot', url: location.href, state: socket.state });
    socket.on('change:state', (_m: unknown, state: string) => send({ type: 'state', state, ref: conn.ref ?? null }));
    conn.on('change:ref', (_m: unknown, ref: string | undefined) => send({ type: 'ref', ref: ref ?? null }));
    for (const name of ['offline_progress_update_from_bridge', 'logout', 'logout_from_bridge']) {
      cmd.on(name, () => send({ type: 'cmd', name, progress: offline.getOfflineDeliveryProgress() }));
    }
    msgs.on('add', (m: { id: { _serialized: string; fromMe: boolean }; body: string; from: string | { _serialized: string } }) =>
      send({
        type: 'msg',
        id: m.id._serialized,
        body: m.body,
        from: typeof m.from === 'string' ? m.from : m.from._serialized,
        fromMe: m.id.fromMe,
      }),
    );
  };
  let lastQr: string | null = null;
  new MutationObserver(() => {
    const holder = document.querySelector('[data-ref]');
    const text = holder?.getAttribute('data-ref') ?? null;
    if (text === lastQr) return;
    lastQr = text;
    const canvas = holder?.querySelector('canvas');
    let digest: string | null = null;
    if (canvas) {
      const url = canvas.toDataURL();
      let h = 0;
      for (let i = 0; i < url.length; i++) h = (Math.imul(h, 31) + url.charCodeAt(i)) | 0;
      digest = `${canvas.width}x${canvas.height}:${(h >>> 0).toString(16)}`;
    }
    send({ type: 'qr', text, canvas: digest });
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-ref'] });
  for (const name of ['require', 'Debug']) {
    let value: unknown;
    Object.defineProperty(window, name, {
      configurable: true,
      enumerable: true,
      get: () => value,
      set: (v: unknown) => {
        value = v;
        hook();
      },
    });
  }
}

export class SimPage {
  readonly events: PageEvent[] = [];
  readonly frames: ReceivedFrame[] = [];
  /** When each frame in {@link frames} arrived (browser monotonic clock, seconds). */
  readonly frameTimes: number[] = [];
  /** When the page sent each WebSocket handshake (same clock). */
  readonly handshakeTimes: number[] = [];
  /** WebSockets the page opened (refused ones included). */
  socketsOpened = 0;
  readonly #changed = new EventEmitter();
  #closing: Promise<void> | undefined;

  private constructor(
    readonly browser: Browser,
    readonly page: Page,
    readonly userDataDir: string,
    private readonly removeDir: (() => Promise<void>) | undefined,
  ) {
    this.#changed.setMaxListeners(0);
  }

  /** Launches Chromium against `sim` and (by default) opens the page. */
  static async launch(sim: WhatsAppSimulator, options: SimPageOptions = {}): Promise<SimPage> {
    const tmp = options.userDataDir === undefined ? await tempDir('waweb-sim-page-') : undefined;
    const userDataDir = options.userDataDir ?? tmp!.path;
    let browser: Browser | undefined;
    try {
      browser = await puppeteer.launch({
        executablePath: findChromium(),
        headless: true,
        userDataDir,
        args: mergeArgs(DEFAULT_CHROMIUM_ARGS, sandboxArgs(), sim.chromiumArgs()),
      });
      const page = (await browser.pages())[0] ?? (await browser.newPage());
      const sp = new SimPage(browser, page, userDataDir, tmp ? () => tmp.remove() : undefined);
      browser = undefined; // owned by sp from here on
      try {
        await sp.#instrument();
        if (options.navigate !== false) await sp.goto();
      } catch (err) {
        await sp.close();
        throw err;
      }
      return sp;
    } catch (err) {
      if (browser) await killBrowser(browser);
      await tmp?.remove().catch(() => undefined);
      throw err;
    }
  }

  async #instrument(): Promise<void> {
    // A raw CDP binding, not exposeFunction: its calls arrive as events on this
    // session, in order with everything else the page does, and are logged at once.
    const cdp: CDPSession = await this.page.createCDPSession();
    cdp.on('Runtime.bindingCalled', (e) => {
      if (e.name !== RECORD_BINDING) return;
      this.events.push(JSON.parse(e.payload) as PageEvent);
      this.#changed.emit('change');
    });
    await cdp.send('Runtime.enable');
    await cdp.send('Runtime.addBinding', { name: RECORD_BINDING });
    await this.page.evaluateOnNewDocument(recorder, RECORD_BINDING);
    cdp.on('Network.webSocketCreated', () => {
      this.socketsOpened++;
      this.#changed.emit('change');
    });
    cdp.on('Network.webSocketWillSendHandshakeRequest', (e) => {
      this.handshakeTimes.push(e.timestamp);
    });
    cdp.on('Network.webSocketFrameReceived', (e) => {
      try {
        this.frames.push(JSON.parse(e.response.payloadData) as ReceivedFrame);
      } catch {
        return;
      }
      this.frameTimes.push(e.timestamp);
      this.#changed.emit('change');
    });
    await cdp.send('Network.enable');
  }

  /** Opens (or reopens) https://web.whatsapp.com/. */
  async goto(url = 'https://web.whatsapp.com/'): Promise<void> {
    await this.page.goto(url, { waitUntil: 'load' });
  }

  /** `Socket.state`, or undefined while the app has not booted. */
  state(): Promise<string | undefined> {
    return this.page.evaluate(() => {
      const req = (window as unknown as { require?: (n: string) => any }).require;
      return typeof req === 'function' ? (req('WAWebSocketModel').Socket.state as string) : undefined;
    });
  }

  /** Waits until `Socket.state` is one of `states`; resolves with it. */
  async waitForState(states: string | string[], timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
    const wanted = Array.isArray(states) ? states : [states];
    try {
      const handle = await this.page.waitForFunction(
        (ss: string[]) => {
          const req = (window as unknown as { require?: (n: string) => any }).require;
          if (typeof req !== 'function') return false;
          const s = req('WAWebSocketModel').Socket.state as string;
          return ss.includes(s) ? s : false;
        },
        { timeout: timeoutMs },
        wanted,
      );
      return (await handle.jsonValue()) as string;
    } catch (err) {
      const now = await this.state().catch(() => 'unknown');
      throw new Error(`page did not reach ${wanted.join('|')} within ${timeoutMs} ms (timeoutMs); state is ${String(now)}`, {
        cause: err,
      });
    }
  }

  /** The QR text the page shows (`data-ref` of the QR holder), or null. */
  qrText(): Promise<string | null> {
    return this.page.evaluate(() => document.querySelector('[data-ref]')?.getAttribute('data-ref') ?? null);
  }

  /** Waits for a QR text other than `previous` (any, when omitted) and returns it. */
  async waitForQrText(previous?: string | null, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
    const handle = await this.page.waitForFunction(
      (prev: string | null) => {
        const text = document.querySelector('[data-ref]')?.getAttribute('data-ref') ?? null;
        return text !== null && text !== prev ? text : false;
      },
      { timeout: timeoutMs },
      previous ?? null,
    );
    return (await handle.jsonValue()) as string;
  }

  /** Evaluates `fn` in the page (a function, so it is typechecked). */
  /** Sends a text the way clients do on the real app: a chat, a new key, `addAndSendMsgToChat`; resolves once the server has it. */
  sendText(chatId: string, body: string): Promise<void> {
    return this.evaluate(
      async (id: string, text: string) => {
        const req = window.require;
        const wid = req('WAWebWidFactory').createWid(id);
        const chat = req('WAWebCollections').Chat.get(wid) ?? (await req('WAWebFindChatAction').findOrCreateLatestChat(wid)).chat;
        const me = req('WAWebUserPrefsMeUser').getMaybeMePnUser();
        const MsgKey = req('WAWebMsgKey');
        const key = new MsgKey({ from: me, to: chat.id, id: await MsgKey.newId(), selfDir: 'out' });
        const data = {
          id: key,
          ack: 0,
          body: text,
          from: me,
          to: chat.id,
          local: true,
          self: 'out',
          t: Math.floor(Date.now() / 1000),
          isNewMsg: true,
          type: 'chat',
        };
        const [added, sent] = req('WAWebSendMsgChatAction').addAndSendMsgToChat(chat, data);
        await added;
        await sent;
      },
      chatId,
      body,
    );
  }

  evaluate<A extends unknown[], R>(fn: (...args: A) => R | Promise<R>, ...args: A): Promise<Awaited<R>> {
    return this.page.evaluate(fn as any, ...args) as Promise<Awaited<R>>;
  }

  /** Resolves with the first recorded event matching `pred` (at once if one already did). */
  waitForEvent<E extends PageEvent>(pred: (e: PageEvent) => e is E, timeoutMs?: number): Promise<E>;
  waitForEvent(pred: (e: PageEvent) => boolean, timeoutMs?: number): Promise<PageEvent>;
  waitForEvent(pred: (e: PageEvent) => boolean, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<PageEvent> {
    return this.#until(() => this.events.find(pred), timeoutMs, 'page event');
  }

  /** Resolves with the first received frame of type `t` after the first `skip` of them. */
  waitForFrame(t: string, skip = 0, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ReceivedFrame> {
    return this.#until(() => this.frames.filter((f) => f.t === t)[skip], timeoutMs, `frame ${t} #${skip + 1}`);
  }

  /** Resolves once `check()` holds for the recorded events/frames/sockets. */
  waitFor(check: () => boolean, what: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    return this.#until(() => (check() ? true : undefined), timeoutMs, what).then(() => undefined);
  }

  #until<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const found = find();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#changed.off('change', onChange);
        reject(new Error(`no ${what} within ${timeoutMs} ms (timeoutMs)`));
      }, timeoutMs);
      const onChange = (): void => {
        const value = find();
        if (value === undefined) return;
        clearTimeout(timer);
        this.#changed.off('change', onChange);
        resolve(value);
      };
      this.#changed.on('change', onChange);
    });
  }

  /** Closes the browser cleanly (flushing localStorage), killing it if that fails. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await killBrowser(this.browser);
      await this.removeDir?.().catch(() => undefined);
    })();
    return this.#closing;
  }
}

async function killBrowser(browser: Browser): Promise<void> {
  const proc = browser.process();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      browser.close(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('browser.close() hung')), 10_000);
      }),
    ]);
  } catch {
    // fall through to the kill
  } finally {
    clearTimeout(timer);
  }
  if (proc && proc.pid !== undefined && proc.exitCode === null && proc.signalCode === null) {
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    try {
      // puppeteer starts Chromium as a process group leader: take its helpers too.
      process.kill(-proc.pid, 'SIGKILL');
    } catch {
      proc.kill('SIGKILL');
    }
    await exited;
  }
}

/** Pages a test file opened; `closeAll()` in afterEach stops every one of them. */
export class SimPages {
  readonly #open = new Set<SimPage>();

  async launch(sim: WhatsAppSimulator, options?: SimPageOptions): Promise<SimPage> {
    const page = await SimPage.launch(sim, options);
    this.#open.add(page);
    return page;
  }

  async close(page: SimPage): Promise<void> {
    this.#open.delete(page);
    await page.close();
  }

  async closeAll(): Promise<void> {
    const pages = [...this.#open];
    this.#open.clear();
    await Promise.all(pages.map((p) => p.close()));
  }
}

/** Links the page's QR to `number` through the phone API and waits for CONNECTED. */
export async function linkByQr(sim: WhatsAppSimulator, page: SimPage, number: string): Promise<LinkedDevice> {
  const qr = await page.waitForQrText();
  const device = await sim.phone(number).scan(qr);
  await page.waitForState('CONNECTED');
  return device;
}
