/**
 * What the simulated app shows (the open chat, the message it was opened at, the drawers), read from
 * the page's DOM as a user would see it in the real app's window (docs/page-contract.md).
 */

/** The part of a puppeteer `Page` this needs (whatsapp-web.js's and waweb's `pupPage` both have it). */
export interface ViewOf {
  evaluate<T>(fn: () => T): Promise<T>;
}

export interface Drawer {
  kind: string | null;
  chat: string | null;
  msg: string | null;
}

export interface AppView {
  /** The open chat's id. */
  chat: string | null;
  /** The message the open chat was opened at. */
  at: string | null;
  mid: Drawer | null;
  right: Drawer | null;
}

export function readView(page: ViewOf): Promise<AppView> {
  return page.evaluate(() => {
    // Runs in the page (Node's type-check has no DOM library): the little of `document` it reads.
    interface El {
      getAttribute(name: string): string | null;
    }
    const document = (globalThis as unknown as { document: { querySelector(selector: string): El | null } }).document;
    const drawer = (side: string): Drawer | null => {
      const el = document.querySelector(`[data-drawer="${side}"]`);
      if (el === null) return null;
      return { kind: el.getAttribute('data-kind'), chat: el.getAttribute('data-chat-id'), msg: el.getAttribute('data-msg-id') };
    };
    const main = document.querySelector('#main');
    return {
      chat: main?.getAttribute('data-chat-id') ?? null,
      at: main?.getAttribute('data-msg-id') ?? null,
      mid: drawer('mid'),
      right: drawer('right'),
    };
  });
}
