/**
 * What a bot changes about a chat (docs/page-contract.md, "Chat settings"): archive, pin, mute, mark
 * unread, clear and delete, history on demand, through the calls whatsapp-web.js 1.34.7 makes, and the chat events it hears
 * on the `Chat` collection (`chat_archived`, `chat_removed`, `unread_count`).
 */
import type { PageChatAction, PageChatActionResult, PageEvent } from '../bridge';
import { toPageChat } from './chats';
import { watched } from './drift';
import { findChat, type Req } from './messages';

/** As whatsapp-web.js's `pinChat`: no new pin once the third chat of the list is pinned. */
const MAX_PIN_COUNT = 3;

function muteState(chat: any): Pick<PageChatActionResult, 'isMuted' | 'muteExpiration'> {
  const expiration = typeof chat.mute?.expiration === 'number' ? (chat.mute.expiration as number) : 0;
  return { isMuted: expiration !== 0, muteExpiration: expiration };
}

/** Whether the app would refuse another pinned chat (whatsapp-web.js's reading of the chat list's order). */
function pinsFull(req: Req): boolean {
  const chats = req('WAWebCollections').Chat.getModelsArray() as Array<{ pin?: unknown }>;
  return chats.length > MAX_PIN_COUNT && Boolean(chats[MAX_PIN_COUNT - 1]?.pin);
}

/** The change's own result, as whatsapp-web.js returns it. */
async function apply(req: Req, chat: any, action: PageChatAction): Promise<boolean> {
  const { Cmd } = req('WAWebCmd');
  switch (action.kind) {
    case 'archive':
      await watched('WAWebCmd.Cmd.archiveChat', 'chat-actions', () => Cmd.archiveChat(chat, action.on));
      return action.on;
    case 'pin':
      if (Boolean(chat.pin) === action.on) return action.on;
      if (action.on && pinsFull(req)) return false;
      await watched('WAWebCmd.Cmd.pinChat', 'chat-actions', () => Cmd.pinChat(chat, action.on));
      return action.on;
    case 'mute':
      // A chat's own model, not a module: a drift here is reported against the collection holding it.
      await watched('WAWebCollections.Chat.mute', 'chat-actions', () =>
        action.expiration === 0
          ? chat.mute.unmute({ sendDevice: true })
          : chat.mute.mute({ expiration: action.expiration, sendDevice: true }),
      );
      return true;
    case 'markUnread':
      await watched('WAWebCmd.Cmd.markChatUnread', 'chat-actions', () => Cmd.markChatUnread(chat, true));
      return true;
    case 'clear':
      await watched('WAWebChatClearBridge.sendClear', 'chat-actions', () => req('WAWebChatClearBridge').sendClear(chat, false));
      return true;
    case 'delete':
      await watched('WAWebDeleteChatAction.sendDelete', 'chat-actions', () => req('WAWebDeleteChatAction').sendDelete(chat));
      return true;
  }
}

/** Applies `action` to the chat; `null` when the app has no such chat. */
export async function chatAction(req: Req, chatId: string, action: PageChatAction): Promise<PageChatActionResult | null> {
  const chat = await findChat(req, chatId);
  if (!chat) return null;
  const ok = await apply(req, chat, action);
  return { ok, ...muteState(chat) };
}

/**
 * Asks the phone for a chat's older messages when history sync left some there (the chat's
 * `endOfHistoryTransferType` 0), as whatsapp-web.js does; false when there is nothing to ask for.
 */
export async function syncHistory(req: Req, chatId: string): Promise<boolean> {
  const wid = req('WAWebWidFactory').createWid(chatId);
  const { Chat } = req('WAWebCollections');
  const chat = Chat.get(wid) ?? (await Chat.find?.(wid));
  if (chat?.endOfHistoryTransferType !== 0) return false;
  await watched('WAWebSendNonMessageDataRequest.sendPeerDataOperationRequest', 'chat-actions', () =>
    req('WAWebSendNonMessageDataRequest').sendPeerDataOperationRequest(3, { chatId: chat.id }),
  );
  return true;
}

/** Reports the chat events whatsapp-web.js emits, each with the chat as it is once changed. */
export function watchChats(req: Req, emit: (event: PageEvent) => void): void {
  const { Chat } = req('WAWebCollections');
  Chat.on('remove', (chat: unknown) => emit({ type: 'chat', change: 'removed', chat: toPageChat(req, chat) }));
  Chat.on('change:archive', (chat: unknown, archived: unknown, previous: unknown) =>
    emit({ type: 'chat', change: 'archived', chat: toPageChat(req, chat), archived: Boolean(archived), previous: Boolean(previous) }),
  );
  Chat.on('change:unreadCount', (chat: unknown) => emit({ type: 'chat', change: 'unread', chat: toPageChat(req, chat) }));
}
