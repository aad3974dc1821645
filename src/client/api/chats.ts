/**
 * The client's chat calls: list and find chats, archive, pin, mute, mark unread, sync history.
 * Installed on `Client`'s prototype (client.ts); a call not there yet throws `NotSupportedError` (compat/).
 */
import { PageError } from '../../errors';
import type { Chat } from '../model/chat';
import { archive, markUnread, mute, pin, type MuteState } from '../model/chat-settings';
import { chatFrom } from '../model/chat-from';
import type { ModelClient } from '../model/model-client';
import { chatIdOf } from '../model/wid';
import { channelById, isChannelId } from './channels';
import { declaredAs } from '../compat/declared';

export interface ChatsApi {
  /** Every chat the app has loaded, groups as `GroupChat`. */
  getChats(): Promise<Chat[]>;
  /** One chat by id (`<number>@c.us`, `<id>@g.us`; a bare number is accepted). */
  getChatById(chatId: string): Promise<Chat>;
  /** Archives the chat; the account's phone sees it. Resolves true (the new state). */
  archiveChat(chatId: string): Promise<boolean>;
  /** Unarchives the chat. Resolves false (the new state). */
  unarchiveChat(chatId: string): Promise<boolean>;
  /** Pins the chat: true, or false when three chats are pinned already (whatsapp-web.js's rule). */
  pinChat(chatId: string): Promise<boolean>;
  /** Unpins the chat. Resolves false (the new state). */
  unpinChat(chatId: string): Promise<boolean>;
  /** Mutes the chat until `unmuteDate`, forever without one (`muteExpiration` -1). */
  muteChat(chatId: string, unmuteDate?: Date): Promise<{ isMuted: boolean; muteExpiration: number }>;
  /** Unmutes the chat: `{ isMuted: false, muteExpiration: 0 }`. */
  unmuteChat(chatId: string): Promise<{ isMuted: boolean; muteExpiration: number }>;
  /** Marks the chat unread (its `unreadCount` reads -1 until it is read). */
  markChatUnread(chatId: string): Promise<void>;
  /** Asks the phone for the chat's older messages when history sync left some there: true; false when none remain. */
  syncHistory(chatId: string): Promise<boolean>;
}

export const chatsApi: ChatsApi & ThisType<ModelClient> = {
  async getChats(): Promise<Chat[]> {
    return (await this.readyPage('getChats()').getChats()).map((c) => chatFrom(this, c));
  },

  async getChatById(chatId: string): Promise<Chat> {
    const target = chatIdOf(chatId);
    // A channel id gives a `Channel`, as in whatsapp-web.js (declared `Chat` there too).
    if (isChannelId(target)) return declaredAs<Chat>(await channelById(this, target));
    const data = await this.readyPage('getChatById()').getChat(target);
    if (!data) throw new PageError(`no chat with ${target}`);
    return chatFrom(this, data);
  },

  archiveChat(chatId: string): Promise<boolean> {
    return archive(this, 'archiveChat()', chatId, true);
  },

  unarchiveChat(chatId: string): Promise<boolean> {
    return archive(this, 'unarchiveChat()', chatId, false);
  },

  pinChat(chatId: string): Promise<boolean> {
    return pin(this, 'pinChat()', chatId, true);
  },

  unpinChat(chatId: string): Promise<boolean> {
    return pin(this, 'unpinChat()', chatId, false);
  },

  muteChat(chatId: string, unmuteDate?: Date): Promise<MuteState> {
    return mute(this, 'muteChat()', chatId, unmuteDate);
  },

  unmuteChat(chatId: string): Promise<MuteState> {
    return mute(this, 'unmuteChat()', chatId, null);
  },

  markChatUnread(chatId: string): Promise<void> {
    return markUnread(this, 'markChatUnread()', chatId);
  },

  async syncHistory(chatId: string): Promise<boolean> {
    const target = chatIdOf(chatId);
    return this.readyPage('syncHistory()').call('syncHistory', target);
  },
};
