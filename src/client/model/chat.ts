/**
 * A chat, shaped like whatsapp-web.js's `Chat` for the fields and actions waweb supports: a
 * snapshot, fetch again for fresh values. `PrivateChat` and `GroupChat` are its kinds.
 */
import { InvalidOptionError } from '../../errors';
import type { PageChat } from '../../web/bridge';
import { asDeclared, returnedAsVoid } from '../compat/declared';
import { installNotYet } from '../compat/install';
import { CHAT_MEMBERS } from '../compat/model-members';
import { archive, clearOrDelete, markUnread, mute, pin, type MuteState } from './chat-settings';
import { labelsOfChat, setChatLabels, type Label } from './label';
import { readCustomerNote, writeCustomerNote, type CustomerNote } from './customer-note';
import { Message } from './message';
import type { MessageContent } from './message-content';
import type { MessageSendOptions } from './message-send-options';
import type { ModelClient } from './model-client';
import type { ModelTypes } from './registry';
import { toWid, type Wid } from './wid';

declare module './registry' {
  interface ModelTypes {
    Chat: Chat;
  }
}

export interface FetchMessagesOptions {
  /** At most this many, the most recent ones. */
  limit?: number;
  /** Only own messages (`true`) or only others' (`false`). */
  fromMe?: boolean;
}

export type { CustomerNote } from './customer-note';

/**
 * A chat, shaped like whatsapp-web.js's `Chat`: a snapshot, fetch again for fresh values.
 * `PrivateChat` and `GroupChat` are its kinds.
 */
export class Chat {
  readonly id: Wid;
  /** The chat's name; `GroupChat.setSubject` changes it, as in whatsapp-web.js. */
  name: string;
  readonly isGroup: boolean;
  readonly unreadCount: number;
  /** Last activity, seconds since the epoch. */
  readonly timestamp: number;
  readonly archived: boolean;
  readonly pinned: boolean;
  /** Updated by `mute()` and `unmute()` (as in whatsapp-web.js). */
  isMuted: boolean;
  muteExpiration: number;
  /** `undefined` for a chat without messages, as in whatsapp-web.js (its declaration says `Message`). */
  readonly lastMessage: Message;
  readonly #client: ModelClient;

  /** Only admins may send (a group whose settings say so; whatsapp-web.js's reading, even for an admin). */
  readonly isReadOnly: boolean;
  /** Locked on the phone (chat lock). */
  readonly isLocked: boolean;

  constructor(client: ModelClient, data: PageChat) {
    this.#client = client;
    this.id = toWid(data.id);
    this.name = data.name;
    this.isGroup = data.isGroup;
    this.unreadCount = data.unreadCount;
    this.timestamp = data.timestamp;
    this.archived = data.archived;
    this.pinned = data.pinned;
    this.isReadOnly = data.isReadOnly;
    this.isLocked = data.isLocked;
    this.isMuted = data.isMuted;
    this.muteExpiration = data.muteExpiration;
    this.lastMessage = asDeclared(data.lastMessage ? new Message(client, data.lastMessage) : undefined);
  }

  sendMessage(content: MessageContent, options?: MessageSendOptions): Promise<Message> {
    return this.#client.sendMessage(this.id._serialized, content, options);
  }

  /** Marks the chat read; the sender's phone shows blue ticks. */
  sendSeen(): Promise<boolean> {
    return this.#client.sendSeen(this.id._serialized);
  }

  /** A WhatsApp Business account's labels on this chat (none on a personal account). */
  getLabels(): Promise<Label[]> {
    return labelsOfChat(this.#client, 'getLabels()', this.id._serialized);
  }

  /** Puts exactly these labels on the chat; `NotBusinessError` on a personal account. */
  changeLabels(labelIds: Array<string | number>): Promise<void> {
    return setChatLabels(this.#client, 'changeLabels()', labelIds, [this.id._serialized]);
  }

  /** A WhatsApp Business account's note on this customer (nothing happens on a personal account). */
  addOrEditCustomerNote(note: string): Promise<void> {
    return writeCustomerNote(this.#client, 'addOrEditCustomerNote()', this.id._serialized, note);
  }

  /** The note on this customer; `null` when there is none or on a personal account, as in whatsapp-web.js (declared non-null). */
  async getCustomerNote(): Promise<CustomerNote> {
    return asDeclared(await readCustomerNote(this.#client, 'getCustomerNote()', this.id._serialized));
  }

  /** The contact (or group) this chat is with. */
  getContact(): Promise<ModelTypes['Contact']> {
    return this.#client.getContactById(this.id._serialized);
  }

  /** Shows "typing…" to the chat until `clearState()` (or the app times it out). */
  sendStateTyping(): Promise<void> {
    return this.#client.readyPage('sendStateTyping()').chatState(this.id._serialized, 'typing');
  }

  /** Shows "recording audio…" to the chat. */
  sendStateRecording(): Promise<void> {
    return this.#client.readyPage('sendStateRecording()').chatState(this.id._serialized, 'recording');
  }

  /** Stops "typing…" or "recording…"; true once done. */
  async clearState(): Promise<boolean> {
    await this.#client.readyPage('clearState()').chatState(this.id._serialized, 'stop');
    return true;
  }

  /** Archives the chat; the account's phone sees it. Declared `void`; resolves `true` at run time, as in whatsapp-web.js. */
  async archive(): Promise<void> {
    return returnedAsVoid(await archive(this.#client, 'archive()', this.id._serialized, true));
  }

  /** Unarchives the chat. Declared `void`; resolves `false` (the new state) at run time, as in whatsapp-web.js. */
  async unarchive(): Promise<void> {
    return returnedAsVoid(await archive(this.#client, 'unarchive()', this.id._serialized, false));
  }

  /** Pins the chat: true, or false when three chats are pinned already. */
  pin(): Promise<boolean> {
    return pin(this.#client, 'pin()', this.id._serialized, true);
  }

  /** Unpins the chat (resolves false, the new state). */
  unpin(): Promise<boolean> {
    return pin(this.#client, 'unpin()', this.id._serialized, false);
  }

  /** Mutes the chat until `unmuteDate`, forever without one; this object's `isMuted` and `muteExpiration` follow. */
  async mute(unmuteDate?: Date): Promise<MuteState> {
    return this.#muted(await mute(this.#client, 'mute()', this.id._serialized, unmuteDate));
  }

  /** Unmutes the chat; this object's `isMuted` and `muteExpiration` follow. */
  async unmute(): Promise<MuteState> {
    return this.#muted(await mute(this.#client, 'unmute()', this.id._serialized, null));
  }

  #muted(state: MuteState): MuteState {
    this.isMuted = state.isMuted;
    this.muteExpiration = state.muteExpiration;
    return state;
  }

  /** Marks the chat unread (its `unreadCount` reads -1 until it is read). */
  markUnread(): Promise<void> {
    return markUnread(this.#client, 'markUnread()', this.id._serialized);
  }

  /** Deletes every message of the chat on this device; false when the app has no such chat. */
  clearMessages(): Promise<boolean> {
    return clearOrDelete(this.#client, 'clearMessages()', this.id._serialized, 'clear');
  }

  /** Deletes the chat from this device's list (and its messages); false when the app has no such chat. */
  delete(): Promise<boolean> {
    return clearOrDelete(this.#client, 'delete()', this.id._serialized, 'delete');
  }

  /**
   * The messages pinned in this chat, by anyone in it. Declared as whatsapp-web.js declares it (at most
   * one); a list of any length at run time, as there.
   */
  async getPinnedMessages(): Promise<[Message] | []> {
    const pinned = await this.#client.readyPage('getPinnedMessages()').call('pinnedMessages', this.id._serialized);
    return pinned.map((m) => new Message(this.#client, m)) as [Message] | [];
  }

  /** Asks the phone for this chat's older messages when history sync left some there: true; false when none remain. */
  syncHistory(): Promise<boolean> {
    return this.#client.readyPage('syncHistory()').call('syncHistory', this.id._serialized);
  }

  /** The chat's messages this device has, oldest first. */
  async fetchMessages(options: FetchMessagesOptions = {}): Promise<Message[]> {
    const { limit, fromMe } = options;
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 0))
      throw new InvalidOptionError('limit must be a non-negative integer');
    if (fromMe !== undefined && typeof fromMe !== 'boolean') throw new InvalidOptionError('fromMe must be a boolean');
    const messages = await this.#client.readyPage('fetchMessages()').fetchMessages(this.id._serialized, limit, fromMe);
    return messages.map((m) => new Message(this.#client, m));
  }
}

installNotYet(Chat.prototype, 'Chat', CHAT_MEMBERS);
