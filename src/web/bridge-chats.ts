/**
 * The chat calls of the typed bridge (./bridge.ts, the same part) that change a chat rather than read it:
 * its settings (archive, pin, mute, mark unread, clear, delete), the read mark, the typing state and the
 * history asked of the phone, with the features each call needs. Types and one table; it imports nothing.
 */

/** A change to a chat's settings (`chatAction`): `on` false undoes it; a mute `expiration` 0 unmutes, -1 is forever. */
export type PageChatAction =
  { kind: 'archive' | 'pin'; on: boolean } | { kind: 'mute'; expiration: number } | { kind: 'markUnread' | 'clear' | 'delete' };

/** What a chat action did: `ok` is whatsapp-web.js's return value (a pin refused: false), with the chat's mute state after it. */
export interface PageChatActionResult {
  ok: boolean;
  isMuted: boolean;
  muteExpiration: number;
}

/** The page calls that change a chat (members of `PageApi`). */
export interface PageChatApi {
  sendSeen(chatId: string): Promise<boolean>;
  chatState(chatId: string, state: 'typing' | 'recording' | 'stop'): Promise<void>;
  /** Archives, pins, mutes, marks unread, clears or deletes a chat; `null` when there is no such chat. */
  chatAction(chatId: string, action: PageChatAction): Promise<PageChatActionResult | null>;
  /** Asks the phone for a chat's older messages when some remain there; false when none do. */
  syncHistory(chatId: string): Promise<boolean>;
}

/** The features each of these calls needs (part of `PAGE_API_FEATURES`, which checks them against `PageFeature`). */
export const CHAT_API_FEATURES = {
  sendSeen: ['messages', 'chats'],
  chatState: ['messages', 'chats'],
  chatAction: ['messages', 'chats', 'chat-actions'],
  syncHistory: ['messages', 'chats', 'chat-actions'],
} as const;
