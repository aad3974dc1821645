/**
 * The client's group calls: create, invites (codes and V4), membership requests. None is there yet
 * (issue 26): each throws `NotSupportedError` naming it (compat/). Per-group administration is on `GroupChat`.
 */
import type {
  CreateGroupOptions,
  CreateGroupResult,
  GroupMembershipRequest,
  MembershipRequestActionOptions,
  MembershipRequestActionResult,
} from '../model/group-types';
import type { ContactCard } from '../model/message-content';
import type { InviteV4Data } from '../model/message-types';

export interface GroupsApi {
  /** Resolves with the group's id. */
  acceptInvite(inviteCode: string): Promise<string>;
  acceptGroupV4Invite(inviteV4: InviteV4Data): Promise<{ status: number }>;
  getInviteInfo(inviteCode: string): Promise<object>;
  createGroup(
    title: string,
    participants?: string | ContactCard | ContactCard[] | string[],
    options?: CreateGroupOptions,
  ): Promise<CreateGroupResult | string>;
  getGroupMembershipRequests(groupId: string): Promise<GroupMembershipRequest[]>;
  approveGroupMembershipRequests(groupId: string, options: MembershipRequestActionOptions): Promise<MembershipRequestActionResult[]>;
  rejectGroupMembershipRequests(groupId: string, options: MembershipRequestActionOptions): Promise<MembershipRequestActionResult[]>;
}
