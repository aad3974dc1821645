import type { PageGroupNotification } from '../../web/bridge';
import type { GroupNotificationTypes } from '../constants';
import type { Chat } from './chat';
import type { Contact } from './contact';
import type { Message } from './message';
import type { MessageContent } from './message-content';
import type { MessageSendOptions } from './message-send-options';
import type { ModelClient } from './model-client';

/** A group notification (`group_join`, `group_leave`, `group_admin_changed`, `group_update`). */
export class GroupNotification {
  readonly #client: ModelClient;
  readonly id: { _serialized: string };
  /** The group. */
  readonly chatId: string;
  /** Who did it. */
  readonly author: string;
  /** `add`, `invite`, `remove`, `leave`, `promote`, `demote`, ... */
  readonly type: GroupNotificationTypes;
  /** Whom it is about. */
  readonly recipientIds: string[];
  readonly timestamp: number;
  readonly body: string;
  /**
   * waweb's addition (whatsapp-web.js 1.34.7 has one id each): the author's LID (`<lid>@lid`) and phone-number id
   * (`<number>@c.us`), and each recipient's (`id` as in `recipientIds`), where the page knows them.
   */
  readonly authorLid?: string;
  readonly authorPn?: string;
  readonly recipientLidAndPn: Array<{ id: string; lid?: string; pn?: string }>;

  constructor(client: ModelClient, data: PageGroupNotification) {
    this.#client = client;
    this.id = { _serialized: data.id };
    this.chatId = data.chatId;
    this.author = data.author;
    this.type = data.type as GroupNotificationTypes;
    this.recipientIds = data.recipientIds;
    this.timestamp = data.timestamp;
    this.body = data.body;
    if (data.authorLid !== undefined) this.authorLid = data.authorLid;
    if (data.authorPn !== undefined) this.authorPn = data.authorPn;
    this.recipientLidAndPn = (data.recipientLidAndPn ?? []).map((r) => ({ ...r }));
  }

  /** Sends `content` to the group (without quoting the notification, as whatsapp-web.js does). */
  reply(content: MessageContent, options: MessageSendOptions = {}): Promise<Message> {
    return this.#client.sendMessage(this.chatId, content, options);
  }

  getChat(): Promise<Chat> {
    return this.#client.getChatById(this.chatId);
  }

  /** Who did it. */
  getContact(): Promise<Contact> {
    return this.#client.getContactById(this.author);
  }

  /** Whom it is about. */
  getRecipients(): Promise<Contact[]> {
    return Promise.all(this.recipientIds.map((id) => this.#client.getContactById(id)));
  }
}
