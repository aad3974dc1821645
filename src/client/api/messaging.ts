/**
 * The client's messaging calls: send, download, react, find and search messages. Installed on
 * `Client`'s prototype (client.ts); a call not there yet throws `NotSupportedError` (compat/).
 */
import { Message } from '../model/message';
import type { MessageContent } from '../model/message-content';
import { MessageMedia } from '../model/message-media';
import type { MessageSendOptions } from '../model/message-send-options';
import type { ModelClient } from '../model/model-client';
import { chatIdOf } from '../model/wid';
import { InvalidOptionError } from '../../errors';
import { markSeenBeforeSend, toOutgoing } from '../outgoing';
import { asDeclared } from '../compat/declared';
import { sendStatus, STATUS_CHAT } from './status';
import { isChannelId, sendToChannel } from './channels';

export interface MessagingApi {
  /**
   * Sends a text, media (`MessageMedia`: with `caption`, as a document, a voice note or a sticker), a
   * `Location`, or contact cards (a `Contact` or an array of them), with whatsapp-web.js's options.
   */
  sendMessage(chatId: string, content: MessageContent, options?: MessageSendOptions): Promise<Message>;
  /** A message's media, decrypted; `undefined` when it has none or it expired. */
  downloadMedia(messageId: string): Promise<MessageMedia | undefined>;
  /** Marks a chat read; the sender's phone shows blue ticks. */
  sendSeen(chatId: string): Promise<boolean>;
  /**
   * The message with this id. Resolves `null` when the device does not have it, as whatsapp-web.js does at
   * run time; typed `Message` as its declaration types it (compat/declared.ts): check before use.
   */
  getMessageById(messageId: string): Promise<Message>;
  /** Messages whose text holds `query` (any case), newest first: `page` (from 1) of `limit`, in `chatId` or all chats. */
  searchMessages(query: string, options?: { chatId?: string; page?: number; limit?: number }): Promise<Message[]>;
  /** Reacts to a message with an emoji (`''` takes the reaction back); nothing happens for a message the device does not have. */
  sendReaction(messageId: string, reaction: string): Promise<void>;
  /** The messages pinned in a chat, by anyone in it; empty when there is no such chat. Typed as whatsapp-web.js declares it; at run time a list of any length. */
  getPinnedMessages(chatId: string): Promise<[Message] | []>;
}

type Implemented =
  'sendMessage' | 'downloadMedia' | 'sendSeen' | 'getMessageById' | 'searchMessages' | 'sendReaction' | 'getPinnedMessages';

export const messagingApi: Pick<MessagingApi, Implemented> & ThisType<ModelClient> = {
  async sendMessage(chatId: string, content: MessageContent, options: MessageSendOptions = {}): Promise<Message> {
    const target = chatIdOf(chatId);
    if (target === STATUS_CHAT) return sendStatus(this, content, options ?? {});
    if (isChannelId(target)) return sendToChannel(this, target, content, options ?? {});
    const outgoing = toOutgoing(content, options ?? {});
    const web = this.readyPage('sendMessage()');
    if (options?.sendSeen !== false) await markSeenBeforeSend(web, target, this.log);
    const sent =
      outgoing.kind === 'media'
        ? await web.sendMedia(target, outgoing.media, outgoing.options)
        : outgoing.kind === 'sticker'
          ? await web.sendSticker(target, outgoing.media, outgoing.pack, outgoing.options)
          : await web.send(target, outgoing.content, outgoing.options);
    return new Message(this, sent);
  },

  async downloadMedia(messageId: string): Promise<MessageMedia | undefined> {
    const media = await this.readyPage('downloadMedia()').downloadMedia(messageId);
    return media ? new MessageMedia(media.mimetype, media.data, media.filename ?? null, media.filesize ?? null) : undefined;
  },

  async sendSeen(chatId: string): Promise<boolean> {
    const target = chatIdOf(chatId);
    return this.readyPage('sendSeen()').sendSeen(target);
  },

  async getMessageById(messageId: string): Promise<Message> {
    if (typeof messageId !== 'string' || !/^(true|false)_[^_]+_[^_]+(_[^_]+)?$/.test(messageId))
      throw new InvalidOptionError(`a message id looks like true_<chat>_<id>[_<participant>], got ${JSON.stringify(messageId)}`);
    const data = await this.readyPage('getMessageById()').call('getMessage', messageId);
    return asDeclared(data ? new Message(this, data) : null);
  },

  async sendReaction(messageId: string, reaction: string): Promise<void> {
    if (typeof reaction !== 'string') throw new InvalidOptionError('reaction must be a string (an emoji, or empty to remove)');
    if (typeof messageId !== 'string' || messageId === '') return;
    const web = this.readyPage('sendReaction()');
    if ((await web.call('getMessage', messageId)) === null) return;
    await web.react(messageId, reaction);
  },

  async getPinnedMessages(chatId: string): Promise<[Message] | []> {
    const target = chatIdOf(chatId);
    const pinned = await this.readyPage('getPinnedMessages()').call('pinnedMessages', target);
    // Declared as whatsapp-web.js declares it (at most one); a list of any length at run time, as there.
    return pinned.map((m) => new Message(this, m)) as [Message] | [];
  },

  async searchMessages(query: string, options: { chatId?: string; page?: number; limit?: number } = {}): Promise<Message[]> {
    if (typeof query !== 'string') throw new InvalidOptionError('query must be a string');
    const { chatId, page, limit } = options ?? {};
    for (const [name, value] of [
      ['page', page],
      ['limit', limit],
    ] as const)
      if (value !== undefined && (!Number.isInteger(value) || value < 1))
        throw new InvalidOptionError(`${name} must be a whole number from 1`);
    const target = chatId === undefined ? undefined : chatIdOf(chatId);
    const found = await this.readyPage('searchMessages()').call('searchMessages', query, page, limit, target);
    return found.map((m) => new Message(this, m));
  },
};
