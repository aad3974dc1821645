/**
 * What the app shows: the open chat, the drawers beside it, the message a chat was opened at, and the
 * app's feature switches, as whatsapp-web.js 1.34.7's `InterfaceController` drives them
 * (`WAWebCmd.Cmd`'s open and drawer calls, `WAWebChatMessageSearch.getSearchContext`,
 * `WAWebDrawerManager.DrawerManager.closeDrawerRight`, `WAWebCollections.Features`).
 *
 * The view is drawn in the page's DOM, where a test reads it as it would read the real app's window
 * (docs/page-contract.md, "What the simulated app shows"):
 * - `#main[data-chat-id]`: the open chat; `data-msg-id` the message it was opened at, if any;
 * - `[data-drawer="mid"]`: the chat's info drawer (`data-kind="chat-info"`, `data-chat-id`);
 * - `[data-drawer="right"]`: `data-kind="search"` (with `data-chat-id`) or `"msg-info"` (with `data-msg-id`).
 */
import { Collection } from './models';
import type { ChatModel, MsgModel } from './wa-models';

type Drawer = 'mid' | 'right';

/** What `getSearchContext` hands to `Cmd.openChatAt`: the message to jump to and its key. */
export interface SearchContext {
  readonly msg: MsgModel | undefined;
  readonly key: string;
  readonly highlightMsg: true;
}

/** The open chat and the drawers, drawn into the page's `#app`. */
export class ChatView {
  /** `opened` hears every chat the window opens (the simulator's servers show it on the device, for tests). */
  constructor(private readonly opened: (chatId: string, msgKey: string | null) => void = () => undefined) {}

  /** Opens a chat (at a message, when given): the previous one closes. */
  openChat(chat: ChatModel, msgKey?: string): boolean {
    this.opened(chat.id._serialized, msgKey ?? null);
    const main = this.#element('main', (el) => (el.id = 'main'));
    main.setAttribute('data-chat-id', chat.id._serialized);
    if (msgKey === undefined) main.removeAttribute('data-msg-id');
    else main.setAttribute('data-msg-id', msgKey);
    return true;
  }

  openDrawer(side: Drawer, kind: 'chat-info' | 'search' | 'msg-info', attrs: Record<string, string>): void {
    const drawer = this.#element(`drawer-${side}`, (el) => el.setAttribute('data-drawer', side));
    for (const name of drawer.getAttributeNames()) if (name !== 'data-drawer') drawer.removeAttribute(name);
    drawer.setAttribute('data-kind', kind);
    for (const [name, value] of Object.entries(attrs)) drawer.setAttribute(`data-${name}`, value);
  }

  closeDrawer(side: Drawer): void {
    document.querySelector(`[data-drawer="${side}"]`)?.remove();
  }

  #element(key: string, make: (el: HTMLElement) => void): HTMLElement {
    const selector = key === 'main' ? '#main' : `[data-drawer="${key.slice('drawer-'.length)}"]`;
    const found = document.querySelector<HTMLElement>(selector);
    if (found) return found;
    const el = document.createElement('div');
    make(el);
    document.getElementById('app')?.appendChild(el);
    return el;
  }
}

/** The Cmd calls that open and close panes (installed on `CmdModel`). */
export function viewCommands(view: ChatView): Record<string, unknown> {
  return {
    openChatBottom: async ({ chat }: { chat: ChatModel }) => view.openChat(chat),
    openChatAt: async ({ chat, msgContext }: { chat: ChatModel; msgContext: SearchContext }) => view.openChat(chat, msgContext.key),
    openDrawerMid: async (chat: ChatModel) => view.openDrawer('mid', 'chat-info', { 'chat-id': chat.id._serialized }),
    chatSearch: async (chat: ChatModel) => {
      view.openChat(chat);
      view.openDrawer('right', 'search', { 'chat-id': chat.id._serialized });
    },
    msgInfoDrawer: async (msg: MsgModel) => view.openDrawer('right', 'msg-info', { 'msg-id': Collection.keyOf(msg.id) }),
  };
}

/** Feature switches the app reads; a name it does not know is off. */
const FEATURES = [
  'MD_BACKEND',
  'GROUPS_V4_JOIN_PERMISSION',
  'MEDIA_EDITOR',
  'STICKER_MAKER',
  'VOIP_INDIVIDUAL_OUTGOING',
  'VOIP_GROUP_OUTGOING',
  'PINNED_MESSAGES',
  'REACTIONS',
] as const;

/** `WAWebChatMessageSearch`, `WAWebDrawerManager` and the `Features` member of `WAWebCollections`. */
export function interfaceModules(
  view: ChatView,
  msgs: { get(id: unknown): MsgModel | undefined },
): {
  modules: Record<string, unknown>;
  features: unknown;
} {
  const on = new Map<string, boolean>(FEATURES.map((name) => [name, true]));
  const features = {
    F: Object.freeze(Object.fromEntries(FEATURES.map((name) => [name, name]))),
    supportsFeature: (name: unknown): boolean => typeof name === 'string' && on.get(name) === true,
    setFeature: (name: unknown, value: unknown): void => {
      if (typeof name === 'string') on.set(name, value === true);
    },
  };
  return {
    features,
    modules: {
      WAWebChatMessageSearch: {
        getSearchContext: async (_chat: ChatModel, msgId: unknown): Promise<SearchContext> => {
          const key = Collection.keyOf(msgId);
          return { msg: msgs.get(key), key, highlightMsg: true };
        },
      },
      WAWebDrawerManager: { DrawerManager: { closeDrawerRight: () => view.closeDrawer('right') } },
    },
  };
}
