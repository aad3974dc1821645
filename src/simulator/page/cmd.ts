/**
 * `WAWebCmd.Cmd` and the chat actions around it, as whatsapp-web.js 1.34.7 calls them: pin, archive,
 * mark unread, clear, delete, and deleting messages. What changes a chat's settings is told to the
 * server, so the account's phone sees it (`phone.chatSettings(chatId)`).
 */
import type { ChatSettings } from '../protocol';
import { Events } from './models';
import { createWid } from './wid';
import type { AppLink, ChatModel, MsgModel } from './wa-models';

/** Tells the server what changed in a chat's settings. */
function tell(app: AppLink, chat: ChatModel, settings: ChatSettings): void {
  app.send({ t: 'chat-settings', chatId: chat.id._serialized, settings });
}

export class CmdModel extends Events {
  readonly #app: AppLink;
  constructor(app: AppLink) {
    super();
    this.#app = app;
  }
  refreshQR(): void {
    this.#app.send({ t: 'refresh-qr' });
  }
  async pinChat(chat: ChatModel, pin: boolean): Promise<void> {
    chat.set('pin', pin ? Math.floor(Date.now() / 1000) : 0);
    tell(this.#app, chat, { pinned: pin });
  }
  async archiveChat(chat: ChatModel, archive: boolean): Promise<void> {
    chat.set('archive', archive);
    tell(this.#app, chat, { archived: archive });
  }
  /** Stars messages (or takes the star away): the account's phone sees it. */
  async sendStarMsgs(chat: ChatModel, msgs: MsgModel[]): Promise<void> {
    this.#star(chat, msgs, true);
  }
  async sendUnstarMsgs(chat: ChatModel, msgs: MsgModel[]): Promise<void> {
    this.#star(chat, msgs, false);
  }
  #star(chat: ChatModel, msgs: MsgModel[], star: boolean): void {
    for (const msg of msgs) {
      msg.set('star', star);
      const frame = { chatId: chat.id._serialized, id: msg.id.id, fromMe: msg.id.fromMe };
      this.#app.send({ t: 'msg-flag', ...frame, flag: 'starred', value: star });
    }
  }
  /** Marks the chat unread (the app shows a dot: `unreadCount` -1), or takes the mark away. */
  async markChatUnread(chat: ChatModel, unread: boolean): Promise<void> {
    if (unread && chat.unreadCount === 0) chat.set('unreadCount', -1);
    if (!unread && chat.unreadCount === -1) chat.set('unreadCount', 0);
    tell(this.#app, chat, { markedUnread: unread });
  }
  /** Deletes own messages for everyone: they become `revoked` here, and on the contact's phone. */
  async sendRevokeMsgs(chat: ChatModel, which: { list: MsgModel[] } | MsgModel[]): Promise<void> {
    for (const msg of Array.isArray(which) ? which : which.list) {
      if (!msg.id.fromMe || msg.type === 'revoked') continue;
      msg.set('subtype', 'sender_revoke');
      msg.set('type', 'revoked');
      this.#app.send({ t: 'revoke-own', chatId: chat.id._serialized, id: msg.id.id });
    }
  }
  /** Deletes messages on this device only. */
  async sendDeleteMsgs(chat: ChatModel, which: { list: MsgModel[] } | MsgModel[]): Promise<void> {
    for (const msg of Array.isArray(which) ? which : which.list) {
      chat.msgs.remove(msg.id);
      this.#app.removeMessage(msg);
    }
  }
}

/** `WAWebChatClearBridge` and `WAWebDeleteChatAction`: a chat emptied on this device, or removed from its list. */
export function chatActionModules(app: AppLink, chats: { remove(id: unknown): void }): Record<string, unknown> {
  const clear = (chat: ChatModel, keepStarred: boolean): void => {
    for (const msg of chat.msgs.getModelsArray()) {
      if (keepStarred && msg.star === true) continue;
      chat.msgs.remove(msg.id);
      app.removeMessage(msg);
    }
  };
  return {
    // On-demand history sync (type 3): the phone sends the chat's older messages.
    WAWebSendNonMessageDataRequest: {
      sendPeerDataOperationRequest: async (type: number, { chatId }: { chatId: unknown }) => {
        if (type === 3) app.send({ t: 'history-request', chatId: createWid(chatId)._serialized });
      },
    },
    WAWebChatClearBridge: {
      sendClear: async (chat: ChatModel, keepStarred?: boolean) => {
        clear(chat, keepStarred === true);
        tell(app, chat, { cleared: true });
      },
    },
    WAWebDeleteChatAction: {
      sendDelete: async (chat: ChatModel) => {
        clear(chat, false);
        chats.remove(chat.id);
        tell(app, chat, { deleted: true });
      },
    },
  };
}
