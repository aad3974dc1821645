import type { PageChat } from '../../web/bridge';
import { asDeclared } from '../compat/declared';
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
import { pictureOf } from './picture';
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
  /** Who created the group; `undefined` when the app does not know, as in whatsapp-web.js (declared `ContactId`). */
  readonly owner: Wid;
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

  readonly #client: ModelClient;

  constructor(client: ModelClient, data: PageChat) {
    super(client, data);
    this.#client = client;
    const meta = data.groupMetadata;
    this.owner = asDeclared(meta?.owner ? toWid(meta.owner) : undefined);
    this.description = meta?.desc ?? '';
    this.createdAt = new Date((meta?.creation ?? 0) * 1000);
    this.participants = (meta?.participants ?? []).map((p) => ({ id: toWid(p.id), isAdmin: p.isAdmin, isSuperAdmin: p.isSuperAdmin }));
  }

  /** Sets the group's picture (admins only); false when not allowed. */
  setPicture(media: MessageMedia): Promise<boolean> {
    return this.#client.readyPage('setPicture()').call('setPicture', this.id._serialized, pictureOf(media));
  }

  /** Deletes the group's picture (admins only); false when there is none or it is not allowed. */
  deletePicture(): Promise<boolean> {
    return this.#client.readyPage('deletePicture()').call('deletePicture', this.id._serialized);
  }
}

installNotYet(GroupChat.prototype, 'GroupChat', GROUP_CHAT_MEMBERS);
