import type { PageChat } from '../../web/bridge';
import { installNotYet } from '../compat/install';
import { GROUP_CHAT_MEMBERS } from '../compat/model-members';
import { Chat } from './chat';
import type {
  AddParticipantsOptions,
  AddParticipantsResult,
  GroupMembershipRequest,
  MembershipRequestActionOptions,
  MembershipRequestActionResult,
} from './group-types';
import type { MessageMedia } from './message-media';
import type { ModelClient } from './model-client';
import { toWid, type Wid } from './wid';

export interface GroupParticipant {
  id: Wid;
  isAdmin: boolean;
  isSuperAdmin: boolean;
}

declare module './registry' {
  interface ModelTypes {
    GroupChat: GroupChat;
  }
}

/** A group chat (whatsapp-web.js's `GroupChat`) with its metadata; its administration is not there yet (issue 26). */
export class GroupChat extends Chat {
  /** Who created the group. */
  readonly owner: Wid | undefined;
  readonly description: string;
  readonly createdAt: Date;
  readonly participants: GroupParticipant[];

  declare readonly addParticipants: (
    participantIds: string | string[],
    options?: AddParticipantsOptions,
  ) => Promise<{ [key: string]: AddParticipantsResult } | string>;
  declare readonly removeParticipants: (participantIds: string[]) => Promise<{ status: number }>;
  declare readonly promoteParticipants: (participantIds: string[]) => Promise<{ status: number }>;
  declare readonly demoteParticipants: (participantIds: string[]) => Promise<{ status: number }>;
  declare readonly setSubject: (subject: string) => Promise<boolean>;
  declare readonly setDescription: (description: string) => Promise<boolean>;
  declare readonly setAddMembersAdminsOnly: (adminsOnly?: boolean) => Promise<boolean>;
  declare readonly setMessagesAdminsOnly: (adminsOnly?: boolean) => Promise<boolean>;
  declare readonly setInfoAdminsOnly: (adminsOnly?: boolean) => Promise<boolean>;
  declare readonly getGroupMembershipRequests: () => Promise<GroupMembershipRequest[]>;
  declare readonly approveGroupMembershipRequests: (options: MembershipRequestActionOptions) => Promise<MembershipRequestActionResult[]>;
  declare readonly rejectGroupMembershipRequests: (options: MembershipRequestActionOptions) => Promise<MembershipRequestActionResult[]>;
  declare readonly getInviteCode: () => Promise<string>;
  declare readonly revokeInvite: () => Promise<void>;
  declare readonly leave: () => Promise<void>;
  declare readonly setPicture: (media: MessageMedia) => Promise<boolean>;
  declare readonly deletePicture: () => Promise<boolean>;

  constructor(client: ModelClient, data: PageChat) {
    super(client, data);
    const meta = data.groupMetadata;
    this.owner = meta?.owner ? toWid(meta.owner) : undefined;
    this.description = meta?.desc ?? '';
    this.createdAt = new Date((meta?.creation ?? 0) * 1000);
    this.participants = (meta?.participants ?? []).map((p) => ({ id: toWid(p.id), isAdmin: p.isAdmin, isSuperAdmin: p.isSuperAdmin }));
  }
}

installNotYet(GroupChat.prototype, 'GroupChat', GROUP_CHAT_MEMBERS);
