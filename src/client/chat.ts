/**
 * Chats and contacts, shaped like whatsapp-web.js's `Chat`, `GroupChat` and `Contact` for the fields
 * and actions waweb supports. They are snapshots: fetch again for fresh values.
 */
import { InvalidOptionError } from '../errors';
import type { PageChat, PageContact } from '../web/bridge';
import type { MessageContent, MessageSendOptions } from './content';
import { Message, type MessageSender } from './message';

/** A WhatsApp id split the way whatsapp-web.js does: `user@server`. */
export interface Wid {
  server: string;
  user: string;
  _serialized: string;
}

export function toWid(serialized: string): Wid {
  const at = serialized.indexOf('@');
  return at < 0
    ? { server: 'c.us', user: serialized, _serialized: `${serialized}@c.us` }
    : { server: serialized.slice(at + 1), user: serialized.slice(0, at), _serialized: serialized };
}

/** `<number>@c.us` for a bare number; ids with a server pass through. */
export function chatIdOf(id: unknown, name = 'chatId'): string {
  if (typeof id !== 'string' || id === '') throw new InvalidOptionError(`${name} must be a non-empty string`);
  return id.includes('@') ? id : `${id}@c.us`;
}

export interface FetchMessagesOptions {
  /** At most this many, the most recent ones. */
  limit?: number;
  /** Only own messages (`true`) or only others' (`false`). */
  fromMe?: boolean;
}

export class Chat {
  readonly id: Wid;
  readonly name: string;
  readonly isGroup: boolean;
  readonly unreadCount: number;
  /** Last activity, seconds since the epoch. */
  readonly timestamp: number;
  readonly archived: boolean;
  readonly pinned: boolean;
  readonly isMuted: boolean;
  readonly muteExpiration: number;
  readonly lastMessage: Message | undefined;
  protected readonly host: MessageSender;

  constructor(host: MessageSender, data: PageChat) {
    this.host = host;
    this.id = toWid(data.id);
    this.name = data.name;
    this.isGroup = data.isGroup;
    this.unreadCount = data.unreadCount;
    this.timestamp = data.timestamp;
    this.archived = data.archived;
    this.pinned = data.pinned;
    this.isMuted = data.isMuted;
    this.muteExpiration = data.muteExpiration;
    this.lastMessage = data.lastMessage ? new Message(host, data.lastMessage) : undefined;
  }

  sendMessage(content: MessageContent, options?: MessageSendOptions): Promise<Message> {
    return this.host.sendMessage(this.id._serialized, content, options);
  }

  /** Marks the chat read; the sender's phone shows blue ticks. */
  sendSeen(): Promise<boolean> {
    return this.host.readyPage('sendSeen()').sendSeen(this.id._serialized);
  }

  /** Shows "typing…" to the chat until `clearState()` (or the app times it out). */
  sendStateTyping(): Promise<void> {
    return this.host.readyPage('sendStateTyping()').chatState(this.id._serialized, 'typing');
  }

  /** Shows "recording audio…" to the chat. */
  sendStateRecording(): Promise<void> {
    return this.host.readyPage('sendStateRecording()').chatState(this.id._serialized, 'recording');
  }

  clearState(): Promise<void> {
    return this.host.readyPage('clearState()').chatState(this.id._serialized, 'stop');
  }

  /** The chat's messages this device has, oldest first. */
  async fetchMessages(options: FetchMessagesOptions = {}): Promise<Message[]> {
    const { limit, fromMe } = options;
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 0))
      throw new InvalidOptionError('limit must be a non-negative integer');
    if (fromMe !== undefined && typeof fromMe !== 'boolean') throw new InvalidOptionError('fromMe must be a boolean');
    const messages = await this.host.readyPage('fetchMessages()').fetchMessages(this.id._serialized, limit, fromMe);
    return messages.map((m) => new Message(this.host, m));
  }
}

export interface GroupParticipant {
  id: Wid;
  isAdmin: boolean;
  isSuperAdmin: boolean;
}

export class GroupChat extends Chat {
  /** Who created the group. */
  readonly owner: Wid | undefined;
  readonly description: string;
  readonly createdAt: Date;
  readonly participants: readonly GroupParticipant[];

  constructor(host: MessageSender, data: PageChat) {
    super(host, data);
    const meta = data.groupMetadata;
    this.owner = meta?.owner ? toWid(meta.owner) : undefined;
    this.description = meta?.desc ?? '';
    this.createdAt = new Date((meta?.creation ?? 0) * 1000);
    this.participants = (meta?.participants ?? []).map((p) => ({ id: toWid(p.id), isAdmin: p.isAdmin, isSuperAdmin: p.isSuperAdmin }));
  }
}

export function toChat(host: MessageSender, data: PageChat): Chat {
  return data.isGroup ? new GroupChat(host, data) : new Chat(host, data);
}

export class Contact {
  readonly id: Wid;
  readonly number: string;
  /** The name in the address book, when saved. */
  readonly name: string | undefined;
  /** The name the contact set for themself. */
  readonly pushname: string | undefined;
  readonly shortName: string | undefined;
  readonly isMe: boolean;
  readonly isUser: boolean;
  readonly isGroup: boolean;
  readonly isMyContact: boolean;
  readonly isBusiness: boolean;
  readonly isBlocked: boolean;
  readonly #host: MessageSender;

  constructor(host: MessageSender, data: PageContact) {
    this.#host = host;
    this.id = toWid(data.id);
    this.number = data.number;
    this.name = data.name;
    this.pushname = data.pushname;
    this.shortName = data.shortName;
    this.isMe = data.isMe;
    this.isUser = data.isUser;
    this.isGroup = data.isGroup;
    this.isMyContact = data.isMyContact;
    this.isBusiness = data.isBusiness;
    this.isBlocked = data.isBlocked;
  }

  /** The chat with this contact (created locally when there is none yet). */
  getChat(): Promise<Chat> {
    return this.#host.getChatById(this.id._serialized);
  }
}
