/**
 * Groups as the servers keep them: one record per group ({@link GroupRecord}, in the server state),
 * its participants numbers. Every member account's phone and devices see it: devices get its
 * metadata at login and with every change, and each change reaches every member (and whom it is
 * about) as the `gp2` notification the real app shows (`add`, `remove`, `leave`, `promote`, `demote`,
 * `subject`, `description`, `picture`, `announce`, `restrict`, `member_add_mode`). A change is made by a member,
 * from its phone or from a linked device ({@link GroupRequests}), and the servers refuse what the
 * group's settings do not allow that member (403), as WhatsApp's do.
 */
import { randomBytes } from 'node:crypto';
import { SimulatorError } from './errors';
import type { SimulatorHub } from './hub';
import type { WireGroup, WireMessage } from './protocol';
import { contactNumber, wireGroup, type GroupRecord, type V4InviteRecord } from './state';

export type GroupChange = 'add' | 'remove' | 'promote' | 'demote';

/** A setting only admins may change, as the app names the property. */
export type GroupProperty = 'announce' | 'restrict' | 'member_add_mode' | 'membership_approval_mode';

/**
 * What one participant of a change came to: 200, 403 (their privacy refuses), 404 (not on WhatsApp, or
 * not a member), 409 (already in). A 403 add by an admin comes with a private invite the admin may send
 * them instead (`inviteCode`, good until `inviteExpiration`).
 */
export interface ParticipantResult {
  id: string;
  status: number;
  inviteCode?: string;
  inviteExpiration?: number;
}

/** How long a private (V4) invite stays good, as in the app: three days. */
const V4_LIFETIME_SECONDS = 3 * 24 * 3600;

/** A private (V4) invite from admin `admin` to `invitee` (numbers), kept with the group until used or expired. */
export function offerInvite(group: GroupRecord, admin: string, invitee: string): V4InviteRecord {
  const invite = { code: newInviteCode(), expiration: now() + V4_LIFETIME_SECONDS, admin: idOf(admin), invitee: idOf(invitee) };
  (group.v4Invites ??= []).push(invite);
  return invite;
}

/** An invite code as the app shows them: 22 letters and digits. */
export function newInviteCode(): string {
  return randomBytes(16)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 22)
    .padEnd(22, 'A');
}

/** Settings of a new group (each defaults to off). */
export interface NewGroupSettings {
  /** Only admins send messages. */
  announce?: boolean;
  /** Only admins edit the group's info. */
  restrict?: boolean;
  /** Only admins add members. */
  adminAdd?: boolean;
  /** Admins approve who joins through the invite link. */
  membershipApproval?: boolean;
}

/** Who may add an account to groups, as its privacy setting says. */
export type GroupAddPrivacy = 'all' | 'contacts' | 'none';

const idOf = (number: string): string => `${number}@c.us`;
const numberOf = (id: string): string => id.replace(/@c\.us$/, '');

export class GroupOperations {
  constructor(private readonly hub: SimulatorHub) {}

  /**
   * `number` creates a group with itself as owner and super admin. From a device (`checked`), numbers
   * not on WhatsApp (404) and those whose privacy refuses the creator (403) are left out; the phone API
   * adds every number it is given, as before.
   */
  async create(
    number: string,
    subject: unknown,
    participants: unknown,
    settings: NewGroupSettings = {},
    checked = false,
  ): Promise<{ group: WireGroup; results: ParticipantResult[] }> {
    checkSubject(subject);
    if (!Array.isArray(participants)) throw new SimulatorError(400, 'participants must be an array of phone numbers');
    this.hub.state.account(number);
    const wanted = [...new Set(participants.map((p) => contactNumber(p)))].filter((p) => p !== number);
    const results = wanted.map((m) => ({ id: idOf(m), status: checked ? this.#addStatus(number, m) : 200 }));
    const group: GroupRecord = {
      id: newGroupId(),
      subject,
      owner: idOf(number),
      desc: '',
      creation: Math.floor(Date.now() / 1000),
      participants: [
        { id: idOf(number), isAdmin: true, isSuperAdmin: true },
        ...results.filter((r) => r.status === 200).map((r) => ({ id: r.id, isAdmin: false, isSuperAdmin: false })),
      ],
      announce: settings.announce === true,
      restrict: settings.restrict === true,
      memberAddMode: settings.adminAdd === true ? 'admin_add' : 'all_member_add',
      membershipApproval: settings.membershipApproval === true,
    };
    // Those whose privacy refused the creator get a private invite instead, if the creator sends it.
    const offered = results.map((r) => (r.status === 403 ? withInvite(r, offerInvite(group, number, numberOf(r.id))) : r));
    this.hub.state.groups.set(group.id, group);
    await this.hub.state.save();
    for (const member of group.participants) this.#tell(numberOf(member.id), group);
    return { group: wireGroup(group), results: offered };
  }

  /** The groups `number` is in, as its phone sees them. */
  groupsOf(number: string): WireGroup[] {
    return this.hub.state.groupsOf(number).map(wireGroup);
  }

  /** Group `groupId`, if `number` is in it. */
  groupOf(number: string, groupId: unknown): WireGroup | undefined {
    const group = typeof groupId === 'string' ? this.hub.state.groups.get(groupId) : undefined;
    return group && isMember(group, number) ? wireGroup(group) : undefined;
  }

  /**
   * Member `number` adds, removes, promotes or demotes `members`: one `gp2` notification for those it
   * changed, to every member and to those removed. Adding needs an admin unless every member may add;
   * the rest needs an admin, and the owner (super admin) is neither removed nor demoted.
   */
  async change(
    number: string,
    groupId: unknown,
    change: GroupChange,
    members: unknown[],
    checked = false,
  ): Promise<{ results: ParticipantResult[]; notice: WireMessage | undefined }> {
    const group = this.memberGroup(number, groupId);
    const admin = isAdmin(group, number);
    if (!admin && !(change === 'add' && group.memberAddMode === 'all_member_add'))
      throw new SimulatorError(403, `${number} is not an admin of ${group.id}`);
    const results: ParticipantResult[] = [];
    for (const member of [...new Set(members.map((m) => contactNumber(m)))]) {
      const id = idOf(member);
      const participant = group.participants.find((p) => p.id === id);
      let status = 200;
      if (change === 'add') {
        status = participant ? 409 : checked ? this.#addStatus(number, member) : this.#privacyStatus(number, member);
        if (status === 200) group.participants.push({ id, isAdmin: false, isSuperAdmin: false });
      } else if (!participant) {
        status = 404;
      } else if (participant.isSuperAdmin && change !== 'promote') {
        status = 403;
      } else if (change === 'remove') {
        group.participants.splice(group.participants.indexOf(participant), 1);
      } else {
        participant.isAdmin = change === 'promote';
      }
      const offer = change === 'add' && status === 403 && admin;
      results.push(offer ? withInvite({ id, status }, offerInvite(group, number, member)) : { id, status });
    }
    const changed = results.filter((r) => r.status === 200).map((r) => r.id);
    const notice = changed.length === 0 ? undefined : await this.notify(group, number, change, changed);
    if (!notice) await this.hub.state.save();
    return { results, notice };
  }

  /** Member `number` sets the subject or the description; with `restrict` on, only admins may. */
  async setInfo(number: string, groupId: unknown, field: 'subject' | 'description', value: unknown): Promise<WireMessage> {
    const group = this.memberGroup(number, groupId);
    if (group.restrict && !isAdmin(group, number)) throw new SimulatorError(403, `only admins edit the info of ${group.id}`);
    if (field === 'subject') {
      checkSubject(value);
      group.subject = value;
    } else {
      if (typeof value !== 'string' || value.length > 2048) throw new SimulatorError(400, 'description must be at most 2048 characters');
      group.desc = value;
      group.descId = this.hub.messageId();
    }
    return this.notify(group, number, field, [], value);
  }

  /** An admin turns a setting on or off: messages, info edits or adding members for admins only, approving who joins. */
  async setProperty(number: string, groupId: unknown, property: GroupProperty, on: unknown): Promise<WireMessage> {
    const group = this.memberGroup(number, groupId);
    if (typeof on !== 'boolean') throw new SimulatorError(400, 'a group setting is on (true) or off (false)');
    if (!isAdmin(group, number)) throw new SimulatorError(403, `only admins change the settings of ${group.id}`);
    if (property === 'announce') group.announce = on;
    else if (property === 'restrict') group.restrict = on;
    else if (property === 'membership_approval_mode') group.membershipApproval = on;
    else group.memberAddMode = on ? 'admin_add' : 'all_member_add';
    return this.notify(group, number, property, [], on ? 'on' : 'off');
  }

  /** Admin `number` set or deleted the group's picture (the picture servers checked it): `gp2` `picture` to every member. */
  async pictureChanged(number: string, groupId: string): Promise<WireMessage> {
    return this.notify(this.memberGroup(number, groupId), number, 'picture', []);
  }

  /** Member `number` leaves: it and every remaining member get `leave`. */
  async leave(number: string, groupId: unknown): Promise<WireMessage> {
    const group = this.memberGroup(number, groupId);
    group.participants = group.participants.filter((p) => p.id !== idOf(number));
    return this.notify(group, number, 'leave', [idOf(number)]);
  }

  /**
   * Member `from` writes in the group (from its phone): every member's phone and devices get it with
   * `author` set, the author's own devices as their account's message (`fromMe`). The copy `number` got.
   */
  async text(number: string, groupId: unknown, from: unknown, body: unknown): Promise<WireMessage> {
    if (typeof body !== 'string' || body.length === 0) throw new SimulatorError(400, 'message body must be a non-empty string');
    const group = this.memberGroup(number, groupId);
    const author = contactNumber(from);
    if (!isMember(group, author)) throw new SimulatorError(409, `${idOf(author)} is not in ${group.id}`);
    if (!this.maySend(author, group.id)) throw new SimulatorError(403, `only admins send messages to ${group.id}`);
    const base = { id: this.hub.messageId(), chatId: group.id, from: group.id, body, t: now(), type: 'chat', author: idOf(author) };
    let mine: WireMessage | undefined;
    for (const member of group.participants.map((p) => numberOf(p.id))) {
      const msg: WireMessage = { ...base, to: idOf(member), fromMe: member === author };
      if (member === number) mine = msg;
      const account = this.hub.state.peek(member);
      if (account) await this.hub.deliver(account, msg);
    }
    return mine ?? { ...base, to: idOf(number), fromMe: false };
  }

  /** Whether `sender` may write in group `groupId`: a member, and an admin when only admins send messages. */
  maySend(sender: string, groupId: string): boolean {
    const group = this.hub.state.groups.get(groupId);
    return group !== undefined && isMember(group, sender) && (!group.announce || isAdmin(group, sender));
  }

  /** A device's message to a group reaches the other members (those it {@link maySend} to). */
  async relay(sender: string, sent: WireMessage): Promise<void> {
    const group = this.hub.state.groups.get(sent.chatId);
    if (!group || !this.maySend(sender, group.id)) return;
    const { ack: _ack, reaction: _reaction, starred: _starred, pinned: _pinned, ...content } = sent;
    for (const member of group.participants.map((p) => numberOf(p.id)).filter((m) => m !== sender)) {
      const account = this.hub.state.peek(member);
      if (account) await this.hub.deliver(account, { ...content, from: group.id, to: idOf(member), fromMe: false, author: idOf(sender) });
    }
  }

  /** Who may add `member` (the privacy of an account; numbers without one take anyone). */
  async setAddPrivacy(number: string, privacy: unknown): Promise<void> {
    if (privacy !== 'all' && privacy !== 'contacts' && privacy !== 'none')
      throw new SimulatorError(400, "group add privacy is 'all', 'contacts' or 'none'");
    this.hub.state.account(number).groupAdd = privacy;
    await this.hub.state.save();
  }

  /** A device's add: 404 for a number not on WhatsApp, else what the number's privacy says. */
  #addStatus(adder: string, member: string): number {
    return this.hub.state.isRegistered(member) ? this.#privacyStatus(adder, member) : 404;
  }

  #privacyStatus(adder: string, member: string): number {
    const account = this.hub.state.peek(member);
    const privacy = account?.groupAdd ?? 'all';
    if (privacy === 'none' || (privacy === 'contacts' && account?.contacts?.[adder] === undefined)) return 403;
    return 200;
  }

  /** The group, if `number` is in it (404 otherwise: the servers tell a non-member nothing). */
  memberGroup(number: string, groupId: unknown): GroupRecord {
    const group = typeof groupId === 'string' ? this.hub.state.groups.get(groupId) : undefined;
    if (!group || !isMember(group, number)) throw new SimulatorError(404, `phone ${number} is in no group ${JSON.stringify(groupId)}`);
    return group;
  }

  /**
   * The `gp2` notification of a change by `author`, to every member and to each of `recipients` (a
   * member removed or leaving), each device after the group's new metadata (only to the numbers `to`,
   * when given). The author's copy.
   */
  async notify(group: GroupRecord, author: string, subtype: string, recipients: string[], body = '', to?: string[]): Promise<WireMessage> {
    const base = { id: this.hub.messageId(), chatId: group.id, from: group.id, body, t: now(), fromMe: false, type: 'gp2' };
    const numbers = new Set(to ?? [...group.participants.map((p) => numberOf(p.id)), ...recipients.map(numberOf), author]);
    let mine: WireMessage | undefined;
    for (const member of numbers) {
      const msg: WireMessage = { ...base, to: idOf(member), subtype, recipients, author: idOf(author) };
      if (member === author) mine = msg;
      const account = this.hub.state.peek(member);
      if (account) await this.hub.deliver(account, msg, { t: 'group', group: wireGroup(group) });
    }
    await this.hub.state.save();
    return mine ?? { ...base, to: idOf(author), subtype, recipients, author: idOf(author) };
  }

  /** The group's metadata to a member's online devices (offline ones get it at login). */
  #tell(number: string, group: GroupRecord): void {
    for (const device of this.hub.state.peek(number)?.devices ?? []) {
      const conn = this.hub.online(device.id);
      if (conn) this.hub.send(conn, { t: 'group', group: wireGroup(group) });
    }
  }
}

function withInvite(result: ParticipantResult, invite: V4InviteRecord): ParticipantResult {
  return { ...result, inviteCode: invite.code, inviteExpiration: invite.expiration };
}

export function isMember(group: WireGroup, number: string): boolean {
  return group.participants.some((p) => p.id === idOf(number));
}

export function isAdmin(group: WireGroup, number: string): boolean {
  return group.participants.some((p) => p.id === idOf(number) && p.isAdmin);
}

function checkSubject(subject: unknown): asserts subject is string {
  if (typeof subject !== 'string' || subject.trim() === '' || subject.length > 100)
    throw new SimulatorError(400, 'subject must be 1 to 100 characters');
}

export function now(): number {
  return Math.floor(Date.now() / 1000);
}

function newGroupId(): string {
  return `120363${BigInt(`0x${randomBytes(6).toString('hex')}`)
    .toString()
    .padStart(15, '0')
    .slice(0, 15)}@g.us`;
}
