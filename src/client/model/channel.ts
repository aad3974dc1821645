import type { PageMessage } from '../../web/bridge';
import type { PageChannel, PageChannelAdminAction, PageChannelEdit } from '../../web/bridge-channels';
import { installNotYet } from '../compat/install';
import { CHANNEL_MEMBERS } from '../compat/model-members';
import type { MessageSendChannelOptions, TransferChannelOwnershipOptions } from './channel-types';
import type { MessageMedia } from './message-media';
import type { FetchMessagesOptions } from './chat';
import { Message } from './message';
import type { ModelClient } from './model-client';
import type { ModelTypes } from './registry';
import { toWid, type Wid } from './wid';

/** Asks the page for one admin action on a channel. */
export function channelAdmin(client: ModelClient, what: string, channelId: string, action: PageChannelAdminAction): Promise<boolean> {
  return client.readyPage(what).call('channelAdmin', channelId, action);
}

/**
 * A WhatsApp channel (whatsapp-web.js's `Channel`): a snapshot, fetch again for fresh values; the setters
 * and `mute()`/`unmute()` update it as whatsapp-web.js's do.
 */
export class Channel {
  readonly id: Wid;
  name: string;
  description: string;
  readonly isChannel = true;
  readonly isGroup = false;
  readonly isReadOnly: boolean;
  readonly unreadCount: number;
  /** Last activity, seconds since the epoch. */
  readonly timestamp: number;
  isMuted: boolean;
  muteExpiration: number;
  readonly lastMessage: ModelTypes['Message'] | undefined;
  /** The app's metadata of the channel (`membershipType`, `inviteCode`, `createdAtTs`, ...), as whatsapp-web.js gives it. */
  readonly channelMetadata: Record<string, unknown>;
  readonly #client: ModelClient;

  constructor(client: ModelClient, data: PageChannel<PageMessage>) {
    this.#client = client;
    this.id = toWid(data.id);
    this.name = data.name;
    this.description = data.description;
    this.isReadOnly = data.isReadOnly;
    this.unreadCount = data.unreadCount;
    this.timestamp = data.timestamp;
    this.isMuted = data.isMuted;
    this.muteExpiration = data.muteExpiration;
    this.lastMessage = data.lastMessage ? new Message(client, data.lastMessage) : undefined;
    this.channelMetadata = { ...data.channelMetadata };
  }

  /** Subscribers with their role (owners and admins see them); at most `limit`, else the app's maximum. */
  async getSubscribers(limit?: number): Promise<Array<{ contact: ModelTypes['Contact']; role: string }>> {
    const found = await this.#client.readyPage('getSubscribers()').call('channelSubscribers', this.id._serialized, limit);
    return Promise.all(found.map(async (s) => ({ contact: await this.#client.getContactById(s.contactId), role: s.role })));
  }

  async setSubject(newSubject: string): Promise<boolean> {
    const ok = await this.#edit('setSubject()', { field: 'name', value: newSubject });
    if (ok) this.name = newSubject;
    return ok;
  }

  async setDescription(newDescription: string): Promise<boolean> {
    const ok = await this.#edit('setDescription()', { field: 'description', value: newDescription });
    if (ok) this.description = newDescription;
    return ok;
  }

  /** The picture as sent (whatsapp-web.js crops it to 640 px first); `null`-like media removes it. */
  setProfilePicture(newProfilePicture: MessageMedia): Promise<boolean> {
    const value = newProfilePicture ? `data:${newProfilePicture.mimetype};base64,${newProfilePicture.data}` : null;
    return this.#edit('setProfilePicture()', { field: 'picture', value });
  }

  /** 0: all reactions, 1: the basic ones, 2: none; false for another code. */
  async setReactionSetting(reactionCode: number): Promise<boolean> {
    const codes: Record<number, number> = { 0: 3, 1: 1, 2: 0 };
    const code = codes[reactionCode];
    if (code === undefined) return false;
    const ok = await this.#edit('setReactionSetting()', { field: 'reactionCodesSetting', value: code });
    if (ok) this.channelMetadata['reactionCodesSetting'] = reactionCode;
    return ok;
  }

  async mute(): Promise<boolean> {
    const ok = await this.#client.readyPage('mute()').call('muteChannel', this.id._serialized, true);
    if (ok) {
      this.isMuted = true;
      this.muteExpiration = -1;
    }
    return ok;
  }

  async unmute(): Promise<boolean> {
    const ok = await this.#client.readyPage('unmute()').call('muteChannel', this.id._serialized, false);
    if (ok) {
      this.isMuted = false;
      this.muteExpiration = 0;
    }
    return ok;
  }

  /** Posts to the channel (a text; what whatsapp-web.js refuses in channels resolves `null`, as there). */
  sendMessage(content: string | MessageMedia, options?: MessageSendChannelOptions): Promise<ModelTypes['Message']> {
    return this.#client.sendMessage(this.id._serialized, content, options);
  }

  sendSeen(): Promise<boolean> {
    return this.#client.sendSeen(this.id._serialized);
  }

  sendChannelAdminInvite(chatId: string, options: { comment?: string } = {}): Promise<boolean> {
    return channelAdmin(this.#client, 'sendChannelAdminInvite()', this.id._serialized, {
      action: 'invite',
      userId: chatId,
      ...(options?.comment === undefined ? {} : { comment: options.comment }),
    });
  }

  acceptChannelAdminInvite(): Promise<boolean> {
    return channelAdmin(this.#client, 'acceptChannelAdminInvite()', this.id._serialized, { action: 'accept' });
  }

  revokeChannelAdminInvite(userId: string): Promise<boolean> {
    return channelAdmin(this.#client, 'revokeChannelAdminInvite()', this.id._serialized, { action: 'revoke', userId });
  }

  demoteChannelAdmin(userId: string): Promise<boolean> {
    return channelAdmin(this.#client, 'demoteChannelAdmin()', this.id._serialized, { action: 'demote', userId });
  }

  /** The channel's posts, oldest first (at most `limit`, the latest; `fromMe` picks own or others'). */
  async fetchMessages(searchOptions: FetchMessagesOptions): Promise<Array<ModelTypes['Message']>> {
    const { limit, fromMe } = searchOptions ?? {};
    const found = await this.#client
      .readyPage('fetchMessages()')
      .fetchMessages(this.id._serialized, typeof limit === 'number' && limit > 0 ? limit : undefined, fromMe);
    return found.filter((m) => m.type !== 'newsletter_notification').map((m) => new Message(this.#client, m));
  }

  transferChannelOwnership(newOwnerId: string, options: TransferChannelOwnershipOptions = {}): Promise<boolean> {
    return channelAdmin(this.#client, 'transferChannelOwnership()', this.id._serialized, {
      action: 'transfer',
      userId: newOwnerId,
      dismissSelf: options?.shouldDismissSelfAsAdmin === true,
    });
  }

  deleteChannel(): Promise<boolean> {
    return this.#client.readyPage('deleteChannel()').call('deleteChannel', this.id._serialized);
  }

  #edit(what: string, edit: PageChannelEdit): Promise<boolean> {
    return this.#client.readyPage(what).call('editChannel', this.id._serialized, edit);
  }
}

installNotYet(Channel.prototype, 'Channel', CHANNEL_MEMBERS);
