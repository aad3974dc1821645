/**
 * The phone of an account, as tests and bot authors script it: `sim.phone(number)`. Each call is
 * one thing a person (or a contact of theirs) does; the work is done by the operations behind it.
 */
import type { PhoneBusiness } from './business';
import type { CallOptions, CallOperations } from './calls';
import type { ContactActions, PhoneBusinessMessage, PhoneLocation } from './contact-actions';
import type { PhoneEvent } from './polls';
import type { PhoneStatus } from './status';
import type { PhoneChannels } from './phone-channels';
import type { ContactOperations } from './contacts';
import type { GroupInvites } from './group-invites';
import type { GroupOperations } from './groups';
import { PhoneGroups } from './phone-groups';
import type { DeliverOptions, PhoneOperations } from './phone';
import type { PhoneMedia, SentMedia } from './phone-media';
import type { PictureOperations, ProfilePicture } from './pictures';
import type { ChatSettings, WireMessage } from './protocol';
import type { LinkedDevice, PhoneCall, PhoneCallLink } from './types';

export type { GroupSetting } from './phone-groups';

/** A phone: links devices, sends messages to them, reads what they sent. */
export class SimulatedPhone extends PhoneGroups {
  readonly #ops: PhoneOperations;

  readonly #contacts: ContactOperations;
  readonly #actions: ContactActions;
  readonly #pictures: PictureOperations;

  constructor(
    ops: PhoneOperations,
    contacts: ContactOperations,
    groups: GroupOperations,
    actions: ContactActions,
    pictures: PictureOperations,
    number: string,
    invites: GroupInvites,
    /** A business account's labels and customer notes (`sim.phone(number, { business: true })`). */
    readonly business: PhoneBusiness,
    private readonly calling: CallOperations,
    /** The channels this phone owns, administers or follows. */
    readonly channels: PhoneChannels,
  ) {
    super(number, groups, invites);
    this.#pictures = pictures;
    this.#ops = ops;
    this.#contacts = contacts;
    this.#actions = actions;
  }

  /** A contact shares a location (`message` with `location`). */
  receiveLocation(from: string, location: PhoneLocation): Promise<WireMessage> {
    return this.#actions.sendLocation(this.number, from, location);
  }

  /** A contact sends a contact card (`type: 'vcard'`). */
  receiveContactCard(from: string, card: { name: string; phone: string }): Promise<WireMessage> {
    return this.#actions.sendContactCard(this.number, from, card);
  }

  /** A contact sends a product, an order, a payment, a button reply or a list reply (`kind`; see business-messages.ts). */
  receiveBusinessMessage(from: string, message: PhoneBusinessMessage): Promise<WireMessage> {
    return this.#actions.sendBusinessMessage(this.number, from, message);
  }

  /** The contact of the message's chat reacts to it ('' takes the reaction back): `message_reaction`. */
  react(messageId: string, reaction: string): Promise<void> {
    return this.#actions.react(this.number, messageId, reaction);
  }

  /** A contact sends a poll (`poll_creation`); one answer only unless `allowMultipleAnswers`. */
  receivePoll(from: string, name: string, options: string[], { allowMultipleAnswers = false } = {}): Promise<WireMessage> {
    return this.#actions.polls.receivePoll(this.number, from, name, options, allowMultipleAnswers);
  }

  /** The contact of a poll's chat votes on it, options by name (none: takes the vote back): `vote_update`. */
  votePoll(messageId: string, options: string[]): Promise<void> {
    return this.#actions.polls.vote(this.number, messageId, options);
  }

  /** A contact sends a scheduled event (`event_creation`). */
  receiveEvent(from: string, event: PhoneEvent): Promise<WireMessage> {
    return this.#actions.polls.receiveEvent(this.number, from, event);
  }

  /** The contact of the message's chat pins it for `seconds` (default 7 days), or unpins it (`pinned` false). */
  pin(messageId: string, pinned: boolean, seconds?: number): Promise<void> {
    return this.#actions.pin(this.number, messageId, pinned, seconds);
  }

  /** A contact of this account changes its number: devices show the notification in the old chat (`contact_changed`). */
  contactChangesNumber(contact: string, newNumber: string): Promise<WireMessage> {
    return this.#actions.changeNumber(this.number, contact, newNumber);
  }

  /** The contact edits a text it sent: `message_edit`. */
  edit(messageId: string, body: string): Promise<WireMessage> {
    return this.#actions.edit(this.number, messageId, body);
  }

  /** Adds (or renames) a contact in this phone's address book; its devices show the name. */
  addContact(contact: string, name: string): Promise<void> {
    return this.#contacts.addContact(this.number, contact, name);
  }

  /** Takes a contact out of this phone's address book; its devices stop showing the name. */
  removeContact(contact: string): Promise<void> {
    return this.#contacts.removeContact(this.number, contact);
  }

  /** This phone's address book (number → name), as its devices saved it too. */
  contacts(): Record<string, string> {
    return this.#contacts.addressBook(this.number);
  }

  /** Sets this account's profile picture (JPEG bytes): devices asking for it get its URL. */
  setPicture(jpeg: Buffer): ProfilePicture {
    return this.#pictures.set(`${this.number}@c.us`, jpeg);
  }

  /** This account's profile picture (set by the phone or a device), or undefined. */
  picture(): ProfilePicture | undefined {
    return this.#pictures.get(`${this.number}@c.us`);
  }

  /** The picture of one of this account's groups, or undefined. */
  groupPicture(groupId: string): ProfilePicture | undefined {
    return this.#pictures.get(groupId);
  }

  /** Blocks `contact` from this phone: its messages no longer arrive; the devices see it blocked. */
  block(contact: string): Promise<void> {
    return this.#contacts.block(this.number, contact, true);
  }

  /** Unblocks `contact`. */
  unblock(contact: string): Promise<void> {
    return this.#contacts.block(this.number, contact, false);
  }

  /** The numbers this account blocked (from the phone or from its devices), oldest first. */
  blocked(): string[] {
    return this.#contacts.blocked(this.number);
  }

  /** Sets this account's "about" text, as other accounts' devices read it (`getAbout()`). */
  setAbout(text: string): Promise<void> {
    return this.#contacts.setAbout(this.number, text);
  }

  /** The account's display name (pushname), as its phone set it or a device changed it. */
  pushname(): string {
    return this.#contacts.pushname(this.number);
  }

  /** What this account's devices changed in a chat's settings (archived, pinned, `muteExpiration`, marked unread, cleared, deleted), and whether the phone locked it. */
  chatSettings(chatId: string): ChatSettings | undefined {
    return this.#contacts.chatSettings(this.number, chatId);
  }

  /** Locks a chat on this phone (chat lock), or unlocks it: its devices show the chat locked (`Chat.isLocked`). */
  lockChat(chatId: string, locked = true): Promise<void> {
    return this.#contacts.lockChat(this.number, chatId, locked);
  }

  /** The last typing state (`composing`, `recording`, `paused`) this phone's devices sent to `chatId`. */
  chatState(chatId: string): string | undefined {
    return this.#contacts.chatState(this.number, chatId);
  }

  /**
   * `from` calls this account (voice, or `video: true`; a group call with `group`: the other numbers
   * invited): its online devices get the offer (`call` event). The call stays `ringing` until a device rejects it.
   */
  receiveCall(from: string, options: CallOptions = {}): PhoneCall {
    return this.calling.ring(this.number, from, options);
  }

  /** The calls this phone made or got, oldest first: a call a device of the callee rejected is `rejected`. */
  calls(): PhoneCall[] {
    return this.calling.calls(this.number);
  }

  /** The call links this account's devices made (`createCallLink`), oldest first. */
  callLinks(): PhoneCallLink[] {
    return this.calling.links(this.number);
  }

  /** Scans a QR text shown by a page (the five comma-separated fields) and links that page. */
  scan(qrText: string): Promise<LinkedDevice> {
    return this.#ops.scan(this.number, qrText);
  }

  /** Enters a pairing code that a page requested for this phone number. */
  pairWithCode(code: string): Promise<LinkedDevice> {
    return this.#ops.pairWithCode(this.number, code);
  }

  devices(): LinkedDevice[] {
    return this.#ops.devices(this.number);
  }

  /** Unlinks a device: online, its page is logged out; offline, its next login is rejected. */
  unlink(deviceId: string): Promise<void> {
    return this.#ops.unlink(this.number, deviceId);
  }

  /**
   * A contact (`from`, a phone number) sends a text to this account; every linked device gets it.
   * `ciphertext: true`: online devices first see an undecryptable placeholder that decrypts later.
   */
  receiveText(from: string, body: string, options: DeliverOptions = {}): Promise<WireMessage> {
    return this.#ops.deliver(this.number, from, body, options);
  }

  /** A contact sends media (image, document, voice note with `type: 'ptt'`, sticker); every linked device gets it. */
  receiveMedia(from: string, media: PhoneMedia): Promise<WireMessage> {
    return this.#ops.deliverMedia(this.number, from, media);
  }

  /** The bytes (decrypted) of media message `id` that a device sent. */
  sentMedia(id: string): SentMedia {
    return this.#ops.sentMedia(this.number, id);
  }

  /** An older message from `from` (`ageSeconds` ago), which devices get through history sync when linked. */
  addHistory(from: string, body: string, ageSeconds?: number): Promise<WireMessage> {
    return this.#ops.addHistory(this.number, from, body, ageSeconds);
  }

  /** The contact deletes a message it sent to this account, for everyone. */
  revoke(messageId: string): Promise<WireMessage> {
    return this.#ops.revoke(this.number, messageId);
  }

  /** This account deletes a message for itself on the phone: online devices drop it (`message_revoke_me`). */
  deleteForMe(messageId: string): Promise<void> {
    return this.#ops.deleteForMe(this.number, messageId);
  }

  /** Messages this account's devices sent, oldest first. */
  sentMessages(): WireMessage[] {
    return this.#ops.sentMessages(this.number);
  }

  /** The contact read message `id` that a device sent: the device sees ack 3 (read). */
  markRead(id: string): Promise<WireMessage> {
    return this.#ops.markRead(this.number, id);
  }

  /** Messages this account received, oldest first (with the reactions its devices sent). */
  receivedMessages(): WireMessage[] {
    return this.#ops.receivedMessages(this.number);
  }

  /** Status posts: contacts' posts to this account's devices, and the account's own as its contacts see them. */
  get statusPosts(): PhoneStatus {
    return this.#actions.status.of(this.number);
  }

  /** The "about" text this account's devices set. */
  status(): string | undefined {
    return this.#ops.status(this.number);
  }

  /** Chats the devices marked read (`sendSeen`), most recent last. */
  seenChats(): string[] {
    return this.#ops.seenChats(this.number);
  }

  /** Chats the devices asked this phone for older messages of (`syncHistory`), oldest first. */
  historyRequests(): string[] {
    return this.#ops.historyRequests(this.number);
  }

  /** Queues `count` messages for an offline device; its next login shows offline progress. */
  queueOfflineMessages(deviceId: string, count: number): Promise<number> {
    return this.#ops.queueOffline(this.number, deviceId, count);
  }

  /** Opens the device's session "in another browser": the page sees CONFLICT. */
  openElsewhere(deviceId: string): void {
    this.#ops.openElsewhere(this.number, deviceId);
  }

  /** Sends `bytes` of history to an online device, which stores it in IndexedDB. */
  fillHistory(deviceId: string, bytes: number): Promise<number> {
    return this.#ops.fillHistory(this.number, deviceId, bytes);
  }
}
