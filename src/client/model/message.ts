import { InvalidOptionError } from '../../errors';
import type { PageMessage } from '../../web/bridge';
import { asDeclared } from '../compat/declared';
import { installNotYet } from '../compat/install';
import { MESSAGE_MEMBERS } from '../compat/model-members';
import type { MessageAck, MessageTypes } from '../constants';
import type { Contact } from './contact';
import { acceptGroupV4Invite } from './group-invites';
import { Location } from './location';
import type { MessageContent } from './message-content';
import { parseMessageId, type MessageId } from './message-id';
import { orderFrom, paymentFrom } from './order';
import { toWid } from './wid';
import type { MessageMedia } from './message-media';
import type { MessageSendOptions } from './message-send-options';
import type { ModelClient } from './model-client';
import type {
  EventLocation,
  GroupMention,
  InviteV4Data,
  MessageEditOptions,
  MessageInfo,
  MessageKey,
  Order,
  Payment,
  ReactionList,
} from './message-types';
import { pollVoteFrom } from './poll-vote';
import { Reaction } from './reaction';
import { eventInputOf, ScheduledEvent } from './scheduled-event';
import type { ModelTypes } from './registry';

declare module './registry' {
  interface ModelTypes {
    Message: Message;
  }
}

/**
 * A message, shaped like whatsapp-web.js's `Message`. Members declared with `declare` are not there
 * yet: they throw a `NotSupportedError` naming them (docs/migrating-from-whatsapp-web-js.md says which issue adds each).
 */
export class Message {
  readonly id: MessageId;
  /** The text, or a media message's caption. */
  readonly body: string;
  readonly type: MessageTypes;
  /** Sender id, e.g. `15550001111@c.us`; a group's id for group messages. */
  readonly from: string;
  readonly to: string;
  /** In groups: who sent it. */
  readonly author: string | undefined;
  readonly fromMe: boolean;
  /** Seconds since the epoch. */
  readonly timestamp: number;
  /** -1 error, 0 pending, 1 server, 2 delivered, 3 read, 4 played. */
  readonly ack: MessageAck;
  readonly hasMedia: boolean;
  readonly hasQuotedMsg: boolean;
  readonly isForwarded: boolean;
  readonly mentionedIds: string[];
  readonly links: Array<{ link: string; isSuspicious: boolean }>;
  /** How many times it was forwarded (0 = never). */
  readonly forwardingScore: number;
  /** Location messages: where. `undefined` for others, as in whatsapp-web.js (its declaration says `Location`). */
  readonly location: Location;
  /** Contact cards: the vCard texts (empty for other messages). */
  readonly vCards: string[];
  /** The sending device, told by the id's shape: `android`, `ios` or `web`. */
  readonly deviceType: 'android' | 'ios' | 'web';
  /** Sent to or from a broadcast list or status (`…@broadcast`). */
  readonly broadcast: boolean;
  /** A status post (`status@broadcast`). */
  readonly isStatus: boolean;
  /** Starred on this account. */
  isStarred: boolean;
  /** Someone reacted to it (when it was read from the device: `reload()` reads it again). */
  readonly hasReaction: boolean;
  readonly #client: ModelClient;
  #data: PageMessage;

  /** A video sent to play as a GIF. */
  readonly isGif: boolean;
  /** Sent with disappearing messages on; `undefined` when the app says nothing (declared `boolean`, as in whatsapp-web.js). */
  readonly isEphemeral: boolean;
  /** Audio and video: the length in seconds; `undefined` for others (declared `string`, as in whatsapp-web.js). */
  readonly duration: string;
  /** A private group invite (`groups_v4_invite`): what `acceptGroupV4Invite()` needs. */
  readonly inviteV4: InviteV4Data | undefined;
  /** Groups named in the text. */
  readonly groupMentions: GroupMention[];
  /** Edited: when (milliseconds) and the key of the edit. */
  readonly latestEditSenderTimestampMs?: number;
  readonly latestEditMsgKey?: MessageKey;
  /** A protocol message (a deletion, an edit): the key of the message it acts on. */
  readonly protocolMessageKey?: MessageKey;
  /**
   * The sender's LID (`<lid>@lid`) and phone-number id (`<number>@c.us`), each where the page or the
   * session's LID map knows it: a contact who writes only from a LID still carries its number here.
   */
  readonly senderLid?: string;
  readonly senderPn?: string;
  /** The media's key (base64; it names a sticker); `undefined` without media. */
  readonly mediaKey?: string;
  /** Polls: the question; options as whatsapp-web.js gives them at run time, `{ name, localId }` (declared `string[]`). Undefined on other messages. */
  readonly pollName: string;
  readonly pollOptions: string[];
  readonly allowMultipleAnswers: boolean;
  /** Polls and events: the 32-byte secret. */
  readonly messageSecret?: number[];
  /** Scheduled events (times in seconds). */
  readonly eventStartTime: number;
  readonly eventEndTime?: number;
  readonly eventDescription?: string;
  readonly eventLocation?: EventLocation;
  readonly eventJoinLink?: string;
  readonly isEventCaneled: boolean;
  // Not there yet (issue 27): business, buttons, polls and scheduled events.
  /** A business's order message: its id; `undefined` on other messages, as in whatsapp-web.js (declared `string`). */
  readonly orderId: string;
  /** A business's product message: its title, description, the business and the product (each when set). */
  readonly title?: string;
  readonly description?: string;
  readonly businessOwnerJid?: string;
  readonly productId?: string;
  /** A message with reply buttons: the buttons as the app keeps them; a button reply: the button's id; a list reply: the row's id. */
  readonly dynamicReplyButtons?: object;
  readonly selectedButtonId?: string;
  readonly selectedRowId?: string;

  constructor(client: ModelClient, page: PageMessage) {
    const data = client.lidMap?.complete(page) ?? page;
    this.#client = client;
    this.#data = Object.freeze({ ...data });
    this.id = { ...parseMessageId(data.id), fromMe: data.fromMe, remote: data.chatId };
    this.body = data.body;
    this.type = data.type as MessageTypes;
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
    this.location = asDeclared(data.location ? Location.from(data.location) : undefined);
    this.vCards = data.vCards;
    this.deviceType = this.id.id.length > 25 ? 'android' : this.id.id.startsWith('3A') ? 'ios' : 'web';
    this.broadcast = data.from.endsWith('@broadcast') || data.to.endsWith('@broadcast');
    this.isStatus = data.from === 'status@broadcast' || data.to === 'status@broadcast';
    this.isStarred = data.isStarred;
    this.inviteV4 = data.inviteV4 ? { ...data.inviteV4 } : undefined;
    this.hasReaction = data.hasReaction === true;
    this.isGif = data.isGif === true;
    this.mediaKey = data.mediaKey;
    this.isEphemeral = asDeclared(data.isEphemeral);
    this.duration = asDeclared(data.duration);
    this.groupMentions = (data.groupMentions ?? []).map((m) => ({ ...m }));
    if (data.latestEditSenderTimestampMs !== undefined) this.latestEditSenderTimestampMs = data.latestEditSenderTimestampMs;
    if (data.latestEditMsgKey !== undefined) this.latestEditMsgKey = parseMessageId(data.latestEditMsgKey);
    if (data.protocolMessageKey !== undefined) this.protocolMessageKey = parseMessageId(data.protocolMessageKey);
    if (data.senderLid !== undefined) this.senderLid = data.senderLid;
    if (data.senderPn !== undefined) this.senderPn = data.senderPn;
    this.orderId = asDeclared(data.orderId);
    if (data.title !== undefined) this.title = data.title;
    if (data.description !== undefined) this.description = data.description;
    if (data.businessOwnerJid !== undefined) this.businessOwnerJid = data.businessOwnerJid;
    if (data.productId !== undefined) this.productId = data.productId;
    if (data.dynamicReplyButtons !== undefined) this.dynamicReplyButtons = structuredClone(data.dynamicReplyButtons);
    if (data.selectedButtonId !== undefined) this.selectedButtonId = data.selectedButtonId;
    if (data.selectedRowId !== undefined) this.selectedRowId = data.selectedRowId;
    const { poll, event } = data;
    // As whatsapp-web.js: a poll's text is its question, an event's its name.
    if (this.body === '') this.body = poll?.name ?? event?.name ?? '';
    this.pollName = asDeclared(poll?.name);
    this.pollOptions = asDeclared(poll?.options.map((o) => ({ ...o })) as unknown as string[] | undefined);
    this.allowMultipleAnswers = asDeclared(poll ? poll.selectableCount === 0 : undefined);
    this.messageSecret = poll?.messageSecret ?? event?.messageSecret;
    this.eventStartTime = asDeclared(event?.startTime);
    this.eventEndTime = event?.endTime;
    this.eventDescription = event?.description;
    this.eventLocation = event?.location ? { name: '', ...event.location } : undefined;
    this.eventJoinLink = event?.joinLink;
    this.isEventCaneled = asDeclared(event?.isEventCanceled);
  }

  /** Votes on this poll with the options of these names (none takes the vote back). */
  async vote(selectedOptions: string[] | string): Promise<void> {
    if (this.#data.type !== 'poll_creation') throw new InvalidOptionError('vote() works on a poll (a poll_creation message)');
    const names = Array.isArray(selectedOptions) ? selectedOptions : [selectedOptions];
    await this.#client.readyPage('vote()').call('vote', this.id._serialized, names.map(String));
  }

  /** The votes on this poll, each voter's latest. */
  async getPollVotes(): Promise<Array<ModelTypes['PollVote']>> {
    if (this.#data.type !== 'poll_creation') throw new InvalidOptionError('getPollVotes() works on a poll (a poll_creation message)');
    return (await this.#client.readyPage('getPollVotes()').call('pollVotes', this.id._serialized)).map((v) => pollVoteFrom(v, this));
  }

  /** Edits this event with a `ScheduledEvent` (own events only; `null` otherwise, as whatsapp-web.js): the edited message. */
  async editScheduledEvent(editedEventObject: object): Promise<Message | null> {
    if (!this.fromMe) return null;
    if (!(editedEventObject instanceof ScheduledEvent)) throw new InvalidOptionError('editScheduledEvent() takes a ScheduledEvent');
    const web = this.#client.readyPage('editScheduledEvent()');
    if (!(await web.call('editEvent', this.id._serialized, eventInputOf(editedEventObject)))) return null;
    const data = await web.call('getMessage', this.id._serialized);
    return data ? new Message(this.#client, data) : null;
  }

  /** An order message's details (products, subtotal, total); `undefined` on other messages, as in whatsapp-web.js (declared `Order`). */
  async getOrder(): Promise<Order> {
    const { type, orderId, token } = this.#data;
    if (type !== 'order' || orderId === undefined) return asDeclared<Order>(undefined);
    const found = await this.#client.readyPage('getOrder()').call('order', orderId, token ?? '', this.chatId);
    return asDeclared(found ? orderFrom(this.#client, found) : undefined);
  }

  /** A payment message's amount, currency, status and note; `undefined` on other messages, as in whatsapp-web.js (declared `Payment`). */
  async getPayment(): Promise<Payment> {
    if (this.#data.type !== 'payment') return asDeclared<Payment>(undefined);
    const found = await this.#client.readyPage('getPayment()').call('payment', this.id._serialized);
    return asDeclared(found ? paymentFrom(this.id, found) : undefined);
  }

  /** The groups named in the text, as chats (whatsapp-web.js's `getChatById` for each). */
  getGroupMentions(): Promise<Array<ModelTypes['GroupChat']>> {
    return Promise.all(this.groupMentions.map(async (m) => (await this.#client.getChatById(m.groupJid)) as ModelTypes['GroupChat']));
  }

  /** The chat this message belongs to. */
  get chatId(): string {
    return this.id.remote;
  }

  /** Sends `content` to this message's chat, quoting it. */
  reply(content: MessageContent, chatId?: string | null, options: MessageSendOptions = {}): Promise<Message> {
    return this.#client.sendMessage(chatId ?? this.chatId, content, { ...options, quotedMessageId: this.id._serialized });
  }

  /** Forwards this message (media with its caption) to another chat. */
  async forward(chat: string | { id: { _serialized: string } }): Promise<void> {
    const chatId = typeof chat === 'string' ? chat : chat?.id?._serialized;
    if (typeof chatId !== 'string' || chatId === '') throw new InvalidOptionError('forward() needs a chat or a chat id');
    await this.#client.readyPage('forward()').forward(this.id._serialized, chatId.includes('@') ? chatId : `${chatId}@c.us`);
  }

  /** Joins the group this private invite is for (`groups_v4_invite` messages). */
  acceptGroupV4Invite(): Promise<{ status: number }> {
    return acceptGroupV4Invite(this.#client, this.inviteV4);
  }

  /** The chat this message is in. */
  getChat(): Promise<ModelTypes['Chat']> {
    return this.#client.getChatById(this.chatId);
  }

  /** Who sent it: the member in groups, the chat's contact otherwise (yourself for own messages). */
  getContact(): Promise<Contact> {
    return this.#client.getContactById(this.author ?? this.from);
  }

  /** The message this one quotes; `undefined` when it quotes none, as in whatsapp-web.js (declared `Message`). */
  async getQuotedMessage(): Promise<Message> {
    if (!this.hasQuotedMsg) return asDeclared<Message>(undefined);
    const quoted = await this.#client.readyPage('getQuotedMessage()').quotedMessage(this.id._serialized);
    return asDeclared(quoted ? new Message(this.#client, quoted) : undefined);
  }

  /** Reacts with an emoji; `''` takes the reaction back. */
  async react(reaction: string): Promise<void> {
    if (typeof reaction !== 'string') throw new InvalidOptionError('reaction must be a string (an emoji, or empty to remove)');
    await this.#client.readyPage('react()').react(this.id._serialized, reaction);
  }

  /**
   * Its reactions by emoji, each with its senders. Declared as whatsapp-web.js declares it; `undefined`
   * when it has none, as there at run time.
   */
  async getReactions(): Promise<ReactionList[]> {
    if (!this.hasReaction) return asDeclared<ReactionList[]>(undefined);
    const groups = await this.#client.readyPage('getReactions()').call('reactions', this.id._serialized);
    return asDeclared(groups?.map((g) => ({ ...g, senders: g.senders.map((s) => new Reaction(s)) })));
  }

  /** Edits an own text, or an own media message's caption (`options` are not honoured yet); `null` when WhatsApp does not allow it. */
  async edit(content: MessageContent, _options?: MessageEditOptions): Promise<Message | null> {
    if (typeof content !== 'string') throw new InvalidOptionError('content must be a string');
    const edited = await this.#client.readyPage('edit()').edit(this.id._serialized, content);
    return edited ? new Message(this.#client, edited) : null;
  }

  /**
   * Deletes the message: for everyone when `everyone` is true and WhatsApp allows it (own messages),
   * otherwise only on this device, as whatsapp-web.js does.
   */
  async delete(everyone = false, _clearMedia?: boolean): Promise<void> {
    await this.#client.readyPage('delete()').remove(this.id._serialized, everyone === true);
  }

  /** The contacts this message mentions. */
  getMentions(): Promise<Contact[]> {
    return Promise.all(this.mentionedIds.map((id) => this.#client.getContactById(id)));
  }

  /**
   * The message as read from the page: waweb's record of it (the fields above, as the app gave them), not the
   * app's whole model as in whatsapp-web.js. Read-only; `reload()` replaces it.
   */
  get rawData(): object {
    return this.#data;
  }

  /** Reads the message again and updates this object; `null` when the device no longer has it, as in whatsapp-web.js (declared `Message`). */
  async reload(): Promise<Message> {
    const data = await this.#client.readyPage('reload()').call('getMessage', this.id._serialized);
    if (!data) return asDeclared<Message>(null);
    Object.assign(this, new Message(this.#client, data));
    this.#data = Object.freeze({ ...data });
    return this;
  }

  /** Stars the message (when WhatsApp allows it). */
  async star(): Promise<void> {
    if (await this.#client.readyPage('star()').call('starMessage', this.id._serialized, true)) this.isStarred = true;
  }

  /** Takes the star away. */
  async unstar(): Promise<void> {
    if (await this.#client.readyPage('unstar()').call('starMessage', this.id._serialized, false)) this.isStarred = false;
  }

  /** Pins the message in its chat for `duration` seconds (WhatsApp offers 24 h, 7 days and 30 days); true when it did. */
  async pin(duration: number): Promise<boolean> {
    if (typeof duration !== 'number' || !Number.isInteger(duration) || duration <= 0)
      throw new InvalidOptionError('duration must be a whole number of seconds above 0');
    return this.#client.readyPage('pin()').call('pinMessage', this.id._serialized, true, duration);
  }

  /** Unpins the message; true when it did. */
  unpin(): Promise<boolean> {
    return this.#client.readyPage('unpin()').call('pinMessage', this.id._serialized, false, 0);
  }

  /** Who got, read and played this own message, and when; `null` for a message of someone else. */
  async getInfo(): Promise<MessageInfo | null> {
    const info = await this.#client.readyPage('getInfo()').call('messageInfo', this.id._serialized);
    if (!info) return null;
    const list = (entries: Array<{ id: string; t: number }>): MessageInfo['delivery'] => entries.map((e) => ({ id: toWid(e.id), t: e.t }));
    return {
      delivery: list(info.delivery),
      deliveryRemaining: info.deliveryRemaining,
      read: list(info.read),
      readRemaining: info.readRemaining,
      played: list(info.played),
      playedRemaining: info.playedRemaining,
    };
  }

  /** The media, decrypted; `undefined` when there is none or it expired, as in whatsapp-web.js (declared `MessageMedia`). */
  async downloadMedia(): Promise<MessageMedia> {
    if (!this.hasMedia) return asDeclared<MessageMedia>(undefined);
    return asDeclared(await this.#client.downloadMedia(this.id._serialized));
  }
}

installNotYet(Message.prototype, 'Message', MESSAGE_MEMBERS);
