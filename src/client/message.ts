import { InvalidOptionError } from '../errors';
import type { PageGroupNotification, PageMessage, PageReaction } from '../web/bridge';
import type { WebPage } from '../web/web-page';
import type { Chat, Contact } from './chat';
import type { MessageContent, MessageSendOptions } from './content';
import { Location } from './location';
import type { MessageMedia } from './media';

export type { MessageContent, MessageSendOptions } from './content';

/** What messages, chats and contacts need of the client: its ready page, sending, lookups. */
export interface MessageSender {
  /** The page of a client that is ready; throws a `NotReadyError` otherwise. */
  readyPage(what: string): WebPage;
  sendMessage(chatId: string, content: MessageContent, options?: MessageSendOptions): Promise<Message>;
  downloadMedia(messageId: string): Promise<MessageMedia | undefined>;
  getChatById(chatId: string): Promise<Chat>;
  getContactById(contactId: string): Promise<Contact>;
}

export interface MessageId {
  fromMe: boolean;
  remote: string;
  id: string;
  _serialized: string;
}

/** A message, shaped like whatsapp-web.js's `Message` for the fields waweb supports. */
export class Message {
  readonly id: MessageId;
  /** The text, or a media message's caption. */
  readonly body: string;
  readonly type: string;
  /** Sender id, e.g. `15550001111@c.us`; a group's id for group messages. */
  readonly from: string;
  readonly to: string;
  /** In groups: who sent it. */
  readonly author: string | undefined;
  readonly fromMe: boolean;
  /** Seconds since the epoch. */
  readonly timestamp: number;
  /** -1 error, 0 pending, 1 server, 2 delivered, 3 read, 4 played. */
  readonly ack: number;
  readonly hasMedia: boolean;
  readonly hasQuotedMsg: boolean;
  readonly isForwarded: boolean;
  readonly mentionedIds: readonly string[];
  readonly links: ReadonlyArray<{ link: string; isSuspicious: boolean }>;
  /** How many times it was forwarded (0 = never). */
  readonly forwardingScore: number;
  /** Location messages: where. */
  readonly location: Location | undefined;
  /** Contact cards: the vCard texts (empty for other messages). */
  readonly vCards: readonly string[];
  /** The sending device, told by the id's shape: `android`, `ios` or `web`. */
  readonly deviceType: 'android' | 'ios' | 'web';
  readonly #client: MessageSender;

  constructor(client: MessageSender, data: PageMessage) {
    this.#client = client;
    this.id = { ...parseKey(data.id), fromMe: data.fromMe, remote: data.chatId };
    this.body = data.body;
    this.type = data.type;
    this.from = data.from;
    this.to = data.to;
    this.author = data.author;
    this.fromMe = data.fromMe;
    this.timestamp = data.timestamp;
    this.ack = data.ack;
    this.hasMedia = data.hasMedia;
    this.hasQuotedMsg = data.hasQuotedMsg;
    this.isForwarded = data.isForwarded;
    this.mentionedIds = data.mentionedIds;
    this.links = data.links;
    this.forwardingScore = data.forwardingScore;
    this.location = data.location ? Location.from(data.location) : undefined;
    this.vCards = data.vCards;
    this.deviceType = this.id.id.length > 25 ? 'android' : this.id.id.startsWith('3A') ? 'ios' : 'web';
  }

  /** The chat this message belongs to. */
  get chatId(): string {
    return this.id.remote;
  }

  /** Sends `content` to this message's chat, quoting it. */
  reply(content: MessageContent, chatId?: string | null, options: Omit<MessageSendOptions, 'quotedMessageId'> = {}): Promise<Message> {
    return this.#client.sendMessage(chatId ?? this.chatId, content, { ...options, quotedMessageId: this.id._serialized });
  }

  /** Forwards this message (media with its caption) to another chat. */
  async forward(chat: string | Chat): Promise<void> {
    const chatId = typeof chat === 'string' ? chat : chat?.id?._serialized;
    if (typeof chatId !== 'string' || chatId === '') throw new InvalidOptionError('forward() needs a chat or a chat id');
    await this.#client.readyPage('forward()').forward(this.id._serialized, chatId.includes('@') ? chatId : `${chatId}@c.us`);
  }

  /** The chat this message is in. */
  getChat(): Promise<Chat> {
    return this.#client.getChatById(this.chatId);
  }

  /** Who sent it: the member in groups, the chat's contact otherwise (yourself for own messages). */
  getContact(): Promise<Contact> {
    return this.#client.getContactById(this.author ?? this.from);
  }

  /** The message this one quotes, or `undefined` when it quotes none. */
  async getQuotedMessage(): Promise<Message | undefined> {
    if (!this.hasQuotedMsg) return undefined;
    const quoted = await this.#client.readyPage('getQuotedMessage()').quotedMessage(this.id._serialized);
    return quoted ? new Message(this.#client, quoted) : undefined;
  }

  /** Reacts with an emoji; `''` takes the reaction back. */
  async react(reaction: string): Promise<void> {
    if (typeof reaction !== 'string') throw new InvalidOptionError('reaction must be a string (an emoji, or empty to remove)');
    await this.#client.readyPage('react()').react(this.id._serialized, reaction);
  }

  /** Edits an own text message; `null` when WhatsApp does not allow it (not own, not text). */
  async edit(content: string): Promise<Message | null> {
    if (typeof content !== 'string') throw new InvalidOptionError('content must be a string');
    const edited = await this.#client.readyPage('edit()').edit(this.id._serialized, content);
    return edited ? new Message(this.#client, edited) : null;
  }

  /**
   * Deletes the message: for everyone when `everyone` is true and WhatsApp allows it (own messages),
   * otherwise only on this device, as whatsapp-web.js does.
   */
  async delete(everyone = false): Promise<void> {
    await this.#client.readyPage('delete()').remove(this.id._serialized, everyone === true);
  }

  /** The media, decrypted; `undefined` when there is none or it expired on the servers. */
  async downloadMedia(): Promise<MessageMedia | undefined> {
    if (!this.hasMedia) return undefined;
    return this.#client.downloadMedia(this.id._serialized);
  }
}

/** A group notification (`group_join`, `group_leave`, `group_admin_changed`, `group_update`). */
export class GroupNotification {
  readonly #client: MessageSender;
  readonly id: { _serialized: string };
  /** The group. */
  readonly chatId: string;
  /** Who did it. */
  readonly author: string;
  /** `add`, `invite`, `remove`, `leave`, `promote`, `demote`, ... */
  readonly type: string;
  /** Whom it is about. */
  readonly recipientIds: readonly string[];
  readonly timestamp: number;
  readonly body: string;

  constructor(client: MessageSender, data: PageGroupNotification) {
    this.#client = client;
    this.id = { _serialized: data.id };
    this.chatId = data.chatId;
    this.author = data.author;
    this.type = data.type;
    this.recipientIds = data.recipientIds;
    this.timestamp = data.timestamp;
    this.body = data.body;
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

/** A key read from its serialized form `<fromMe>_<chat>_<id>`; a key in no such form is its own id. */
function parseKey(serialized: string): MessageId {
  const [fromMe, remote, ...rest] = serialized.split('_');
  if (rest.length === 0) return { fromMe: false, remote: '', id: serialized, _serialized: serialized };
  return { fromMe: fromMe === 'true', remote: remote ?? '', id: rest.join('_'), _serialized: serialized };
}

/** A reaction someone sent (`message_reaction`); `reaction` is `''` when they took it back. */
export class Reaction {
  readonly id: MessageId;
  /** The message reacted to. */
  readonly msgId: MessageId;
  readonly senderId: string;
  readonly reaction: string;
  /** Seconds since the epoch. */
  readonly timestamp: number;
  readonly read: boolean;
  readonly orphan: number;

  constructor(data: PageReaction) {
    this.id = parseKey(data.id);
    this.msgId = parseKey(data.msgId);
    this.senderId = data.senderId;
    this.reaction = data.reaction;
    this.timestamp = data.timestamp;
    this.read = data.read;
    this.orphan = data.orphan;
  }
}
