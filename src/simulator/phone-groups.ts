/**
 * The group half of a simulated phone (`SimulatedPhone` extends it): the groups it creates, changes, writes
 * in and leaves, their invite links and join requests, and who may add the account to groups.
 */
import { SimulatorError } from './errors';
import type { GroupInvites } from './group-invites';
import type { GroupAddPrivacy, GroupChange, GroupOperations, GroupProperty, NewGroupSettings } from './groups';
import type { WireGroup, WireJoinRequest, WireMessage } from './protocol';

/** The group settings only admins may change, by the names whatsapp-web.js's setters have. */
export type GroupSetting = 'messagesAdminsOnly' | 'infoAdminsOnly' | 'addMembersAdminsOnly' | 'membershipApproval';

const GROUP_SETTINGS: Record<GroupSetting, GroupProperty> = {
  messagesAdminsOnly: 'announce',
  infoAdminsOnly: 'restrict',
  addMembersAdminsOnly: 'member_add_mode',
  membershipApproval: 'membership_approval_mode',
};

/** What a phone does with groups; the number is the account's own. */
export class PhoneGroups {
  constructor(
    readonly number: string,
    private readonly groupOps: GroupOperations,
    private readonly groupInvites: GroupInvites,
  ) {}

  /**
   * Creates a group owned by this phone with `participants` (phone numbers): every member's phone and
   * devices see it. `settings` turns on what only admins may do (messages, info edits, adding members).
   */
  async createGroup(subject: string, participants: string[], settings: NewGroupSettings = {}): Promise<WireGroup> {
    return (await this.groupOps.create(this.number, subject, participants, settings)).group;
  }

  /**
   * Adds, removes, promotes or demotes a member of a group this phone is in: every member (and the one
   * removed) gets a `gp2` notification. Refused with 403 when this phone may not (not an admin, or the
   * member's privacy refuses it), 404 for a member not in it, 409 for one already in.
   */
  async changeGroup(groupId: string, change: GroupChange, member: string): Promise<WireMessage> {
    const { results, notice } = await this.groupOps.change(this.number, groupId, change, [member]);
    const status = results[0]?.status ?? 400;
    if (notice) return notice;
    throw new SimulatorError(
      status === 403 || status === 404 || status === 409 ? status : 400,
      `${change} ${member}: refused with ${status}`,
    );
  }

  /** A member of a group this phone is in writes in it: every member's phone and devices get it. */
  receiveGroupText(groupId: string, from: string, body: string): Promise<WireMessage> {
    return this.groupOps.text(this.number, groupId, from, body);
  }

  /** This phone writes in one of its groups: the other members get it, its own devices see it as sent. */
  sendGroupText(groupId: string, body: string): Promise<WireMessage> {
    return this.groupOps.text(this.number, groupId, this.number, body);
  }

  /** Sets a group's subject (admins only when its info is restricted): `gp2` `subject` to every member. */
  setGroupSubject(groupId: string, subject: string): Promise<WireMessage> {
    return this.groupOps.setInfo(this.number, groupId, 'subject', subject);
  }

  /** Sets a group's description (admins only when its info is restricted): `gp2` `description`. */
  setGroupDescription(groupId: string, description: string): Promise<WireMessage> {
    return this.groupOps.setInfo(this.number, groupId, 'description', description);
  }

  /**
   * An admin turns a group setting on or off: `messagesAdminsOnly` (`announce`), `infoAdminsOnly`
   * (`restrict`), `addMembersAdminsOnly` (`member_add_mode`), `membershipApproval`
   * (`membership_approval_mode`: joining by link waits for an admin). Every member gets the `gp2` notification.
   */
  setGroupSetting(groupId: string, setting: GroupSetting, on: boolean): Promise<WireMessage> {
    return this.groupOps.setProperty(this.number, groupId, GROUP_SETTINGS[setting], on);
  }

  /** This phone leaves a group: it and the remaining members get `gp2` `leave`. */
  leaveGroup(groupId: string): Promise<WireMessage> {
    return this.groupOps.leave(this.number, groupId);
  }

  /** The groups this phone is in, as the servers keep them. */
  groups(): WireGroup[] {
    return this.groupOps.groupsOf(this.number);
  }

  /** A group this phone is in, or undefined. */
  group(groupId: string): WireGroup | undefined {
    return this.groupOps.groupOf(this.number, groupId);
  }

  /** The invite link code of a group this phone administers (made on first ask; 403 for a member who is no admin). */
  groupInviteCode(groupId: string): Promise<string> {
    return this.groupInvites.code(this.number, groupId);
  }

  /** Replaces the invite code of a group this phone administers: the old one stops working. */
  revokeGroupInvite(groupId: string): Promise<string> {
    return this.groupInvites.revoke(this.number, groupId);
  }

  /**
   * Follows an invite link: joins (every member gets `gp2` `invite`), or, when admins approve who joins,
   * asks to (`pending`; the admins get `membership_approval_request`). 404 for an unknown or revoked code.
   */
  joinGroupByCode(code: string): Promise<{ groupId: string; pending: boolean }> {
    return this.groupInvites.join(this.number, code);
  }

  /** Sends `to` a private invite to a group this phone administers: a `groups_v4_invite` message, good for three days. */
  sendGroupInvite(groupId: string, to: string, comment = ''): Promise<WireMessage> {
    return this.groupInvites.sendV4(this.number, groupId, to, comment);
  }

  /** The requests to join a group this phone administers that wait for an admin. */
  groupJoinRequests(groupId: string): WireJoinRequest[] {
    return this.groupInvites.requests(this.number, groupId);
  }

  /** Approves or rejects `requester`'s request to join a group this phone administers: 200, or 404 for none. */
  decideGroupJoin(groupId: string, requester: string, approve: boolean): Promise<number> {
    return this.groupInvites.decide(this.number, groupId, requester, approve);
  }

  /** Who may add this account to groups: everyone, only its contacts, or nobody (the others' adds get 403). */
  setGroupAddPrivacy(privacy: GroupAddPrivacy): Promise<void> {
    return this.groupOps.setAddPrivacy(this.number, privacy);
  }
}
