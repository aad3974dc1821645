import type { Logger } from '../../util/logger';
import type { LidMap } from '../lid-map';
import type { WebPage } from '../../web/web-page';
import type { MessageContent } from './message-content';
import type { MessageMedia } from './message-media';
import type { MessageSendOptions } from './message-send-options';
import type { ModelTypes } from './registry';

/**
 * What messages, chats and contacts need of the client that made them: its own public methods
 * (`Client` implements this). Like whatsapp-web.js's, a model object holds its client.
 */
export interface ModelClient {
  sendMessage(chatId: string, content: MessageContent, options?: MessageSendOptions): Promise<ModelTypes['Message']>;
  downloadMedia(messageId: string): Promise<MessageMedia | undefined>;
  getChatById(chatId: string): Promise<ModelTypes['Chat']>;
  getContactById(contactId: string): Promise<ModelTypes['Contact']>;
  getBroadcastById(contactId: string): Promise<ModelTypes['Broadcast']>;
  sendSeen(chatId: string): Promise<boolean>;
  /** The page of a ready client, which the model acts through; throws a `NotReadyError` naming `what` otherwise. */
  readyPage(what: string): WebPage;
  /** The client's logger (silent without the `logger` option). */
  readonly log: Logger;
  /** The session's LID ↔ phone-number map (fills the id the page did not know); absent before a start. */
  readonly lidMap?: LidMap;
  /** The account, once ready. */
  readonly info: { readonly wid: { readonly _serialized: string } } | undefined;
}
