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
import { SimulatorError } from './errors';
import type { GroupInvites } from './group-invites';
import type { GroupAddPrivacy, GroupChange, GroupOperations, GroupProperty, NewGroupSettings } from './groups';
import type { DeliverOptions, PhoneOperations } from './phone';
import type { PhoneMedia, SentMedia } from './phone-media';
import type { PictureOperations, ProfilePicture } from './pictures';
import type { ChatSettings, WireGroup, WireJoinRequest, WireMessage } from './protocol';
import type { LinkedDevice, PhoneCall, PhoneCallLink } from './types';

/** The group settings only admins may change, by the names whatsapp-web.js's setters have. */
export type GroupSetting = 'messagesAdminsOnly' | 'infoAdminsOnly' | 'addMembersAdminsOnly' | 'membershipApproval';

const GROUP_SETTINGS: Record<GroupSetting, GroupProperty> = {
  messagesAdminsOnly: 'announce',
  infoAdminsOnly: 'restrict',
  addMembersAdminsOnly: 'member_add_mode',
  membershipApproval: 'membership_approval_mode',
};

/** A phone: links devices, sends messages to them, reads what they sent. */
export class SimulatedPhone {
  readonly #ops: PhoneOperations;

  readonly #contacts: ContactOperations;
  readonly #groups: GroupOperations;
  readonly #actions: ContactActions;
  readonly #pictures: PictureOperations;

  constructor(
    ops: PhoneOperations,
    contacts: ContactOperations,
    groups: GroupOperations,
    actions: ContactActions,
    pictures: PictureOperations,
    readonly number: string,
    private readonly invites: GroupInvites,
    /** A business account's labels and customer notes (`sim.phone(number, { business: true })`). */
    readonly business: PhoneBusiness,
    private readonly calling: CallOperations,
    /** The channels this phone owns, administers or follows. */
    readonly channels: PhoneChannels,
  ) {
    this.#pictures = pictures;
    this.#ops = ops;
    this.#contacts = contacts;
    this.#groups = groups;
    this.#actions = actions;
  }

  /**
   * Creates a group owned by this phone with `participants` (phone numbers): every member's phone and
   * devices see it. `settings` turns on what only admins may do (messages, info edits, adding members).
   */
  async createGroup(subject: string, participants: string[], settings: NewGroupSettings = {}): Promise<WireGroup> {
    return (await this.#groups.create(this.number, subject, participants, settings)).group;
  }

  /**
   * Adds, removes, promotes or demotes a member of a group this phone is in: every member (and the one
   * removed) gets a `gp2` notification. Refused with 403 when this phone may not (not an admin, or the
   * member's privacy refuses it), 404 for a member not in it, 409 for one already in.
   */
  async changeGroup(groupId: string, change: GroupChange, member: string): Promise<WireMessage> {
    const { results, notice } = await this.#groups.change(this.number, groupId, change, [member]);
    const status = results[0]?.status ?? 400;
    if (notice) return notice;
    throw new SimulatorError(
      status === 403 || status === 404 || status === 409 ? status : 400,
      `${change} ${member}: refused with ${status}`,
    );
  }

  /** A member of a group this phone is in writes in it: every member's phone and devices get it. */
  receiveGroupText(groupId: string, from: string, body: string): Promise<WireMessage> {
    return this.#groups.text(this.number, groupId, from, body);
  }

  /** This phone writes in one of its groups: the other members get it, its own devices see it as sent. */
  sendGroupText(groupId: string, body: string): Promise<WireMessage> {
    return this.#groups.text(this.number, groupId, this.number, body);
  }

  /** Sets a group's subject (admins only when its info is restricted): `gp2` `subject` to every member. */
  setGroupSubject(groupId: string, subject: string): Promise<WireMessage> {
    return this.#groups.setInfo(this.number, groupId, 'subject', subject);
  }

  /** Sets a group's description (admins only when its info is restricted): `gp2` `description`. */
  setGroupDescription(groupId: string, description: string): Promise<WireMessage> {
    return this.#groups.setInfo(this.number, groupId, 'description', description);
  }

  /**
   * An admin turns a group setting on or off: `messagesAdminsOnly` (`announce`), `infoAdminsOnly`
   * (`restrict`), `addMembersAdminsOnly` (`member_add_mode`), `membershipApproval`
   * (`membership_approval_mode`: joining by link waits for an admin). Every member gets the `gp2` notification.
   */
  setGroupSetting(groupId: string, setting: GroupSetting, on: boolean): Promise<WireMessage> {
    return this.#groups.setProperty(this.number, groupId, GROUP_SETTINGS[setting], on);
  }

  /** This phone leaves a group: it and the remaining members get `gp2` `leave`. */
  leaveGroup(groupId: string): Promise<WireMessage> {
    return this.#groups.leave(this.number, groupId);
  }

  /** The groups this phone is in, as the servers keep them. */
  groups(): WireGroup[] {
    return this.#groups.groupsOf(this.number);
  }

  /** A group this phone is in, or undefined. */
  group(groupId: string): WireGroup | undefined {
    return this.#groups.groupOf(this.number, groupId);
  }

  /** The invite link code of a group this phone administers (made on first ask; 403 for a member who is no admin). */
  groupInviteCode(groupId: string): Promise<string> {
    return this.invites.code(this.number, groupId);
  }

  /** Replaces the invite code of a group this phone administers: the old one stops working. */
  revokeGroupInvite(groupId: string): Promise<string> {
    return this.invites.revoke(this.number, groupId);
  }

  /**
   * Follows an invite link: joins (every member gets `gp2` `invite`), or, when admins approve who joins,
   * asks to (`pending`; the admins get `membership_approval_request`). 404 for an unknown or revoked code.
   */
  joinGroupByCode(code: string): Promise<{ groupId: string; pending: boolean }> {
    return this.invites.join(this.number, code);
  }

  /** Sends `to` a private invite to a group this phone administers: a `groups_v4_invite` message, good for three days. */
  sendGroupInvite(groupId: string, to: string, comment = ''): Promise<WireMessage> {
    return this.invites.sendV4(this.number, groupId, to, comment);
  }

  /** The requests to join a group this phone administers that wait for an admin. */
  groupJoinRequests(groupId: string): WireJoinRequest[] {
    return this.invites.requests(this.number, groupId);
  }

  /** Approves or rejects `requester`'s request to join a group this phone administers: 200, or 404 for none. */
  decideGroupJoin(groupId: string, requester: string, approve: boolean): Promise<number> {
    return this.invites.decide(this.number, groupId, requester, approve);
  }

  /** Who may add this account to groups: everyone, only its contacts, or nobody (the others' adds get 403). */
  setGroupAddPrivacy(privacy: GroupAddPrivacy): Promise<void> {
    return this.#groups.setAddPrivacy(this.number, privacy);
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
