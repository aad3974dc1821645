/**
 * The group calls of the typed bridge (./bridge.ts, the same part): what crosses for creating and
 * administering groups, their invites and their requests to join, and the features each call needs.
 * Types and one table of constants; it imports nothing.
 */

/** What `createGroup` hands the app, as whatsapp-web.js computes it from its options. */
export interface PageCreateGroupOptions {
  messageTimer: number;
  parentGroupId?: string;
  memberAddMode: boolean;
  membershipApprovalMode: boolean;
  announce: boolean;
  restrict: boolean;
}

export interface PageCreateGroupResult {
  gid: string;
  participants: Array<{ id: string; status: number; isGroupCreator: boolean; invite?: PageAddInvite }>;
}

/**
 * Per participant id its code (`skipped`: no add was sent, the participant being a member already or not on
 * WhatsApp); `notAdmin` or `empty` when nobody could be added.
 */
export type PageAddResult = Record<string, { code: number; invite?: PageAddInvite; skipped?: true }> | 'notAdmin' | 'empty';

/** The private invite the servers offer for a refused add (403): what `sendGroupInvite` sends. */
export interface PageAddInvite {
  code: string;
  expiration: string;
}

/** A request to join a group (ids as strings). */
export interface PageMembershipRequest {
  id: string;
  addedBy: string;
  parentGroupId: string | null;
  requestMethod: string;
  t: number;
}

/** What approving or rejecting one request came to, as whatsapp-web.js words it. */
export interface PageMembershipResult {
  requesterId: string;
  error?: number;
  message: string;
}

/** The admin-only settings, as the app names them. */
export type PageGroupProperty = 'announcement' | 'restrict' | 'member_add_mode';

/** A private (V4) group invite, as whatsapp-web.js's `Message.inviteV4` has it. */
export interface PageInviteV4 {
  inviteCode: string;
  /** Seconds since the epoch. */
  inviteCodeExp: number;
  groupId: string;
  groupName?: string;
  fromId: string;
  toId: string;
}

/** The page calls for groups (members of `PageApi`). */
export interface PageGroupApi {
  /** Creates a group (whatsapp-web.js's `createGroup`): per participant its status; a string when the app failed. */
  createGroup(title: string, participantIds: string[], options: PageCreateGroupOptions): Promise<PageCreateGroupResult | string>;
  /**
   * `checked`: an earlier call of the same addition queried the group and found this account an admin (as
   * whatsapp-web.js does once per addition): not again, so a group left meanwhile fails no later participant.
   */
  addParticipants(groupId: string, participantIds: string[], checked?: boolean): Promise<PageAddResult>;
  modifyParticipants(groupId: string, action: 'remove' | 'promote' | 'demote', participantIds: string[]): Promise<void>;
  /** False when the servers refuse it (not allowed). */
  setGroupInfo(groupId: string, field: 'subject' | 'description', value: string): Promise<boolean>;
  /** False when the servers refuse it (not an admin). */
  setGroupProperty(groupId: string, property: PageGroupProperty, adminsOnly: boolean): Promise<boolean>;
  leaveGroup(groupId: string): Promise<void>;
  /** The invite code; undefined when this account may not read it (no admin). */
  groupInviteCode(groupId: string): Promise<string | undefined>;
  revokeGroupInvite(groupId: string): Promise<string>;
  /** What a code leads to, as the app describes it (wids as `{ server, user, _serialized }`). */
  groupInviteInfo(code: string): Promise<Record<string, unknown>>;
  /** The group's id. */
  acceptGroupInvite(code: string): Promise<string>;
  acceptGroupV4Invite(invite: PageInviteV4): Promise<Record<string, unknown>>;
  membershipRequests(groupId: string): Promise<PageMembershipRequest[]>;
  /** Who waits to join, as whatsapp-web.js reads them before approving or rejecting every request. */
  pendingRequesters(groupId: string): Promise<string[]>;
  membershipRequestAction(groupId: string, approve: boolean, requesterId: string): Promise<PageMembershipResult | 'none' | 'failed'>;
  /** Sends a refused participant the private invite the servers offered: whether the app sent it. */
  sendGroupInvite(userId: string, groupId: string, invite: PageAddInvite, comment: string): Promise<boolean>;
}

/**
 * A group notification's ids in both forms where the page knows both (a waweb addition: whatsapp-web.js 1.34.7
 * has only `author` and `recipientIds`): the author's LID and phone-number id, and each recipient's (`id` as in
 * `recipientIds`).
 */
export interface PageNotificationIds {
  authorLid?: string;
  authorPn?: string;
  recipientLidAndPn?: Array<{ id: string; lid?: string; pn?: string }>;
}

/** The features each group call needs (part of `PAGE_API_FEATURES`, which checks them against `PageFeature`). */
export const GROUP_API_FEATURES = {
  createGroup: ['messages', 'contacts', 'groups'],
  addParticipants: ['messages', 'chats', 'contacts', 'groups'],
  modifyParticipants: ['messages', 'chats', 'groups'],
  setGroupInfo: ['messages', 'chats', 'sending', 'groups'],
  setGroupProperty: ['messages', 'chats', 'groups'],
  leaveGroup: ['messages', 'chats', 'groups'],
  groupInviteCode: ['messages', 'group-invites'],
  revokeGroupInvite: ['messages', 'group-invites'],
  groupInviteInfo: ['messages', 'group-invites'],
  acceptGroupInvite: ['messages', 'group-invites'],
  acceptGroupV4Invite: ['messages', 'group-invites'],
  membershipRequests: ['messages', 'group-invites'],
  pendingRequesters: ['messages', 'chats', 'groups', 'group-invites'],
  membershipRequestAction: ['messages', 'groups', 'group-invites'],
  sendGroupInvite: ['messages', 'chats', 'group-invites'],
} as const;
