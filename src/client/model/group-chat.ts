import type { PageChat } from '../../web/bridge';
import { asDeclared, returnedAsVoid } from '../compat/declared';
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
import { addParticipants, participantIds } from './group-admin';
import { membershipRequestAction, membershipRequests } from './group-invites';
import type { MessageMedia } from './message-media';
import type { ModelClient } from './model-client';
import { pictureOf } from './picture';
import { toWid, type Wid } from './wid';

export interface GroupParticipant {
  id: Wid;
  isAdmin: boolean;
  isSuperAdmin: boolean;
  /** The member's LID (`<lid>@lid`) and phone-number id (`<number>@c.us`), each where known; `id` is the phone-number one when known, as in whatsapp-web.js. */
  lid?: string;
  phoneNumber?: string;
}

declare module './registry' {
  interface ModelTypes {
    GroupChat: GroupChat;
  }
}

/** A group chat (whatsapp-web.js's `GroupChat`) with its metadata, its administration, its invite code and its requests to join. */
export class GroupChat extends Chat {
  /** Who created the group; `undefined` when the app does not know, as in whatsapp-web.js (declared `ContactId`). */
  readonly owner: Wid;
  /** `setDescription` changes it, as in whatsapp-web.js. */
  description: string;
  readonly createdAt: Date;
  readonly participants: GroupParticipant[];

  readonly #client: ModelClient;

  constructor(client: ModelClient, data: PageChat) {
    super(client, data);
    this.#client = client;
    const meta = data.groupMetadata;
    this.owner = asDeclared(meta?.owner ? toWid(meta.owner) : undefined);
    this.description = meta?.desc ?? '';
    this.createdAt = new Date((meta?.creation ?? 0) * 1000);
    this.participants = (meta?.participants ?? []).map((p) => ({
      id: toWid(p.id),
      isAdmin: p.isAdmin,
      isSuperAdmin: p.isSuperAdmin,
      ...(p.lid === undefined ? {} : { lid: p.lid }),
      ...(p.phoneNumber === undefined ? {} : { phoneNumber: p.phoneNumber }),
    }));
  }

  /**
   * Adds participants (admins, or every member when the group lets them), one at a time `sleep` apart:
   * per id its `code` (200, 403 their privacy refuses, 404 not on WhatsApp, 409 already in) and message;
   * a string when this account may not add.
   */
  addParticipants(
    participantIds: string | string[],
    options: AddParticipantsOptions = {},
  ): Promise<{ [key: string]: AddParticipantsResult } | string> {
    return addParticipants(this.#client, this.id._serialized, participantIds, options) as Promise<
      { [key: string]: AddParticipantsResult } | string
    >;
  }

  /** Removes participants (admins only; the creator stays); ids not in the group are left out. */
  async removeParticipants(participantIds: string[]): Promise<{ status: number }> {
    return this.#modify('remove', participantIds);
  }

  /** Makes participants admins (admins only). */
  async promoteParticipants(participantIds: string[]): Promise<{ status: number }> {
    return this.#modify('promote', participantIds);
  }

  /** Makes admins plain participants again (admins only; the creator stays an admin). */
  async demoteParticipants(participantIds: string[]): Promise<{ status: number }> {
    return this.#modify('demote', participantIds);
  }

  /** Sets the subject: false when this account may not (info for admins only). */
  async setSubject(subject: string): Promise<boolean> {
    const done = await this.#client.readyPage('setSubject()').call('setGroupInfo', this.id._serialized, 'subject', String(subject));
    if (done) this.name = String(subject);
    return done;
  }

  /** Sets the description: false when this account may not (info for admins only). */
  async setDescription(description: string): Promise<boolean> {
    const done = await this.#client
      .readyPage('setDescription()')
      .call('setGroupInfo', this.id._serialized, 'description', String(description));
    if (done) this.description = String(description);
    return done;
  }

  /** Only admins add members (or every member again): false when this account is no admin. */
  setAddMembersAdminsOnly(adminsOnly = true): Promise<boolean> {
    return this.#client.readyPage('setAddMembersAdminsOnly()').call('setGroupProperty', this.id._serialized, 'member_add_mode', adminsOnly);
  }

  /** Only admins send messages (or everyone again): false when this account is no admin. */
  setMessagesAdminsOnly(adminsOnly = true): Promise<boolean> {
    return this.#client.readyPage('setMessagesAdminsOnly()').call('setGroupProperty', this.id._serialized, 'announcement', adminsOnly);
  }

  /** Only admins edit the group's info (or everyone again): false when this account is no admin. */
  setInfoAdminsOnly(adminsOnly = true): Promise<boolean> {
    return this.#client.readyPage('setInfoAdminsOnly()').call('setGroupProperty', this.id._serialized, 'restrict', adminsOnly);
  }

  /** Leaves the group: every member gets `group_leave`. */
  async leave(): Promise<void> {
    await this.#client.readyPage('leave()').call('leaveGroup', this.id._serialized);
  }

  async #modify(action: 'remove' | 'promote' | 'demote', ids: string[]): Promise<{ status: number }> {
    const list = participantIds(ids, 'participantIds');
    await this.#client.readyPage(`${action}Participants()`).call('modifyParticipants', this.id._serialized, action, list);
    return { status: 200 };
  }

  /** The group's invite code (admins only): `undefined` when this account is no admin, as in whatsapp-web.js. */
  async getInviteCode(): Promise<string> {
    return asDeclared(await this.#client.readyPage('getInviteCode()').call('groupInviteCode', this.id._serialized));
  }

  /**
   * Replaces the invite code (admins only): the old one stops working. Declared `void` as in
   * whatsapp-web.js; resolves with the new code at run time.
   */
  async revokeInvite(): Promise<void> {
    const code = await this.#client.readyPage('revokeInvite()').call('revokeGroupInvite', this.id._serialized);
    return returnedAsVoid(code);
  }

  /** The requests to join that wait for an admin. */
  getGroupMembershipRequests(): Promise<GroupMembershipRequest[]> {
    return membershipRequests(this.#client, this.id._serialized);
  }

  /** Approves requests (`requesterIds`, or every waiting one), `sleep` apart: per requester its result. */
  approveGroupMembershipRequests(options: Partial<MembershipRequestActionOptions> = {}): Promise<MembershipRequestActionResult[]> {
    return membershipRequestAction(this.#client, this.id._serialized, true, options);
  }

  /** Rejects requests (`requesterIds`, or every waiting one), `sleep` apart: per requester its result. */
  rejectGroupMembershipRequests(options: Partial<MembershipRequestActionOptions> = {}): Promise<MembershipRequestActionResult[]> {
    return membershipRequestAction(this.#client, this.id._serialized, false, options);
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
