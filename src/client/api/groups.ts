/**
 * The client's group calls: create, invites (codes and V4), membership requests. Installed on
 * `Client`'s prototype (client.ts); invites and membership requests are not there yet (issue 26) and
 * throw `NotSupportedError` naming them (compat/). Per-group administration is on `GroupChat`.
 */
import type {
  CreateGroupOptions,
  CreateGroupResult,
  GroupMembershipRequest,
  MembershipRequestActionOptions,
  MembershipRequestActionResult,
} from '../model/group-types';
import { createGroup } from '../model/group-admin';
import type { ContactCard } from '../model/message-content';
import type { ModelClient } from '../model/model-client';
import type { InviteV4Data } from '../model/message-types';

export interface GroupsApi {
  /** Resolves with the group's id. */
  acceptInvite(inviteCode: string): Promise<string>;
  acceptGroupV4Invite(inviteV4: InviteV4Data): Promise<{ status: number }>;
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
  getGroupMembershipRequests(groupId: string): Promise<GroupMembershipRequest[]>;
  approveGroupMembershipRequests(groupId: string, options: MembershipRequestActionOptions): Promise<MembershipRequestActionResult[]>;
  rejectGroupMembershipRequests(groupId: string, options: MembershipRequestActionOptions): Promise<MembershipRequestActionResult[]>;
}

export const groupsApi: Pick<GroupsApi, 'createGroup'> & ThisType<ModelClient & GroupsApi> = {
  async createGroup(
    title: string,
    participants: string | ContactCard | ContactCard[] | string[] = [],
    options: CreateGroupOptions = {},
  ): Promise<CreateGroupResult | string> {
    return createGroup(this, title, participants, options);
  },
};
