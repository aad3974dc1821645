/**
 * The client's group calls: create, invites (codes and V4), membership requests. Installed on
 * `Client`'s prototype (client.ts). Per-group administration is on `GroupChat`.
 */
import { InvalidOptionError } from '../../errors';
import type {
  CreateGroupOptions,
  CreateGroupResult,
  GroupMembershipRequest,
  MembershipRequestActionOptions,
  MembershipRequestActionResult,
} from '../model/group-types';
import { createGroup } from '../model/group-admin';
import { acceptGroupV4Invite, membershipRequestAction, membershipRequests } from '../model/group-invites';
import type { ContactCard } from '../model/message-content';
import type { ModelClient } from '../model/model-client';
import type { InviteV4Data } from '../model/message-types';

export interface GroupsApi {
  /**
   * Joins the group an invite code leads to (where admins approve who joins, asks to: they get
   * `group_membership_request`). Resolves with the group's id.
   */
  acceptInvite(inviteCode: string): Promise<string>;
  /** Joins by the private invite an admin sent (`message.inviteV4`); no approval needed. */
  acceptGroupV4Invite(inviteV4: InviteV4Data): Promise<{ status: number }>;
  /** What an invite code leads to, as the app describes the group (`id`, `subject`, `size`, `participants`, ...). */
  getInviteInfo(inviteCode: string): Promise<object>;
  /**
   * Creates a group with this account as its owner: per participant its `statusCode` (200, 403 their
   * privacy refuses, 404 not on WhatsApp); a string when the app failed. `isAnnounce` and `isRestrict`
   * turn on what they say (both off unless given).
   */
  createGroup(
    title: string,
    participants?: string | ContactCard | ContactCard[] | string[],
    options?: CreateGroupOptions,
  ): Promise<CreateGroupResult | string>;
  /** The requests to join a group that wait for an admin. */
  getGroupMembershipRequests(groupId: string): Promise<GroupMembershipRequest[]>;
  /** Approves requests (`requesterIds`, or every waiting one), `sleep` apart: per requester its result. */
  approveGroupMembershipRequests(
    groupId: string,
    options?: Partial<MembershipRequestActionOptions>,
  ): Promise<MembershipRequestActionResult[]>;
  /** Rejects requests (`requesterIds`, or every waiting one), `sleep` apart: per requester its result. */
  rejectGroupMembershipRequests(
    groupId: string,
    options?: Partial<MembershipRequestActionOptions>,
  ): Promise<MembershipRequestActionResult[]>;
}

export const groupsApi: GroupsApi & ThisType<ModelClient & GroupsApi> = {
  async createGroup(
    title: string,
    participants: string | ContactCard | ContactCard[] | string[] = [],
    options: CreateGroupOptions = {},
  ): Promise<CreateGroupResult | string> {
    return createGroup(this, title, participants, options);
  },
  async acceptInvite(inviteCode: string): Promise<string> {
    return this.readyPage('acceptInvite()').call('acceptGroupInvite', inviteCodeOf(inviteCode));
  },
  async acceptGroupV4Invite(inviteV4: InviteV4Data): Promise<{ status: number }> {
    return acceptGroupV4Invite(this, inviteV4);
  },
  async getInviteInfo(inviteCode: string): Promise<object> {
    return this.readyPage('getInviteInfo()').call('groupInviteInfo', inviteCodeOf(inviteCode));
  },
  async getGroupMembershipRequests(groupId: string): Promise<GroupMembershipRequest[]> {
    return membershipRequests(this, groupId);
  },
  async approveGroupMembershipRequests(
    groupId: string,
    options?: Partial<MembershipRequestActionOptions>,
  ): Promise<MembershipRequestActionResult[]> {
    return membershipRequestAction(this, groupId, true, options);
  },
  async rejectGroupMembershipRequests(
    groupId: string,
    options?: Partial<MembershipRequestActionOptions>,
  ): Promise<MembershipRequestActionResult[]> {
    return membershipRequestAction(this, groupId, false, options);
  },
};

function inviteCodeOf(inviteCode: unknown): string {
  if (typeof inviteCode !== 'string' || inviteCode === '') throw new InvalidOptionError('inviteCode must be a non-empty string');
  return inviteCode;
}
