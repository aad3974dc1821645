/**
 * The client's chat calls: list and find chats, archive, pin, mute, mark unread, sync history.
 * Installed on `Client`'s prototype (client.ts); a call not there yet throws `NotSupportedError` (compat/).
 */
import { PageError } from '../../errors';
import type { Chat } from '../model/chat';
import { chatFrom } from '../model/chat-from';
import type { ModelClient } from '../model/model-client';
import { chatIdOf } from '../model/wid';

export interface ChatsApi {
  /** Every chat the app has loaded, groups as `GroupChat`. */
  getChats(): Promise<Chat[]>;
  /** One chat by id (`<number>@c.us`, `<id>@g.us`; a bare number is accepted). */
  getChatById(chatId: string): Promise<Chat>;
  /** Not there yet (issue 26). */
  archiveChat(chatId: string): Promise<boolean>;
  /** Not there yet (issue 26). */
  unarchiveChat(chatId: string): Promise<boolean>;
  /** Not there yet (issue 26). */
  pinChat(chatId: string): Promise<boolean>;
  /** Not there yet (issue 26). */
  unpinChat(chatId: string): Promise<boolean>;
  /** Not there yet (issue 26). */
  muteChat(chatId: string, unmuteDate?: Date): Promise<{ isMuted: boolean; muteExpiration: number }>;
  /** Not there yet (issue 26). */
  unmuteChat(chatId: string): Promise<{ isMuted: boolean; muteExpiration: number }>;
  /** Not there yet (issue 26). */
  markChatUnread(chatId: string): Promise<void>;
  /** Not there yet (issue 26). */
  syncHistory(chatId: string): Promise<boolean>;
}

export const chatsApi: Pick<ChatsApi, 'getChats' | 'getChatById'> & ThisType<ModelClient> = {
  async getChats(): Promise<Chat[]> {
    return (await this.readyPage('getChats()').getChats()).map((c) => chatFrom(this, c));
  },

  async getChatById(chatId: string): Promise<Chat> {
    const target = chatIdOf(chatId);
    const data = await this.readyPage('getChatById()').getChat(target);
    if (!data) throw new PageError(`no chat with ${target}`);
    return chatFrom(this, data);
  },
};
