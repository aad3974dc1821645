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
import { markSeenBeforeSend, toOutgoing } from '../outgoing';

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
  /** Not there yet (issue 26). */
  getMessageById(messageId: string): Promise<Message>;
  /** Not there yet (issue 26). */
  searchMessages(query: string, options?: { chatId?: string; page?: number; limit?: number }): Promise<Message[]>;
  /** Not there yet (issue 26). */
  sendReaction(messageId: string, reaction: string): Promise<void>;
  /** Not there yet (issue 26). */
  getPinnedMessages(chatId: string): Promise<Message[]>;
}

export const messagingApi: Pick<MessagingApi, 'sendMessage' | 'downloadMedia' | 'sendSeen'> & ThisType<ModelClient> = {
  async sendMessage(chatId: string, content: MessageContent, options: MessageSendOptions = {}): Promise<Message> {
    const target = chatIdOf(chatId);
    const outgoing = toOutgoing(content, options ?? {});
    const web = this.readyPage('sendMessage()');
    if (options?.sendSeen !== false) await markSeenBeforeSend(web, target, this.log);
    const sent =
      outgoing.kind === 'media'
        ? await web.sendMedia(target, outgoing.media, outgoing.options)
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
};
