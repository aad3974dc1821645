/** The shapes whatsapp-web.js's group calls take and give (`GroupChat`, `Client.createGroup`, ...). */
import type { Wid } from './wid';

export interface CreateGroupOptions {
  /** Seconds before messages disappear. @default 0 */
  messageTimer?: number;
  /** A community to link the group to. */
  parentGroupId?: string;
  /** Invite (V4) those whose privacy refuses being added. @default true */
  autoSendInviteV4?: boolean;
  /** The invite's comment. @default '' */
  comment?: string;
  /** Only admins add members. @default false */
  memberAddMode?: boolean;
  /** Admins approve who joins. @default false */
  membershipApprovalMode?: boolean;
  /** Only admins edit the group's info. @default true */
  isRestrict?: boolean;
  /** Only admins send messages. @default false */
  isAnnounce?: boolean;
}

export interface CreateGroupResult {
  title: string;
  gid: Wid;
  participants: {
    [participantId: string]: { statusCode: number; message: string; isGroupCreator: boolean; isInviteV4Sent: boolean };
  };
}

export interface AddParticipantsOptions {
  /** Milliseconds between two additions, or a `[min, max]` range. @default [250, 500] */
  sleep?: number[] | number;
  /** Invite (V4) those whose privacy refuses being added. @default true */
  autoSendInviteV4?: boolean;
  comment?: string;
}

export interface AddParticipantsResult {
  [participantId: string]: { code: number; message: string; isInviteV4Sent: boolean };
}

/** Someone asking to join a group that needs approval. */
export interface GroupMembershipRequest {
  id: object;
  addedBy: object;
  parentGroupId: object | null;
  /** `NonAdminAdd`, `InviteLink` or `LinkedGroupJoin`. */
  requestMethod: string;
  /** Seconds since the epoch. */
  t: number;
}

export interface MembershipRequestActionOptions {
  /** Whom to approve or reject; `null` for every pending request. */
  requesterIds: string[] | string | null;
  /** Milliseconds between two requests, or a `[min, max]` range. */
  sleep: number[] | number | null;
}

export interface MembershipRequestActionResult {
  requesterId: string[] | string | null;
  error?: number;
  message: string;
}
