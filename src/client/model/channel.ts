import { installNotYet } from '../compat/install';
import { CHANNEL_MEMBERS } from '../compat/model-members';
import type { MessageSendChannelOptions, TransferChannelOwnershipOptions } from './channel-types';
import type { MessageMedia } from './message-media';
import type { FetchMessagesOptions } from './chat';
import type { ModelTypes } from './registry';
import type { Wid } from './wid';

type ChannelData = Pick<
  Channel,
  'id' | 'name' | 'description' | 'isReadOnly' | 'unreadCount' | 'timestamp' | 'isMuted' | 'muteExpiration' | 'lastMessage'
>;

/** A WhatsApp channel (whatsapp-web.js's `Channel`); waweb reads none yet (issue 27). */
export class Channel {
  readonly id: Wid;
  readonly name: string;
  readonly description: string;
  readonly isChannel = true;
  readonly isGroup = false;
  readonly isReadOnly: boolean;
  readonly unreadCount: number;
  /** Last activity, seconds since the epoch. */
  readonly timestamp: number;
  readonly isMuted: boolean;
  readonly muteExpiration: number;
  readonly lastMessage: ModelTypes['Message'] | undefined;

  declare readonly getSubscribers: (limit?: number) => Promise<Array<{ contact: ModelTypes['Contact']; role: string }>>;
  declare readonly setSubject: (newSubject: string) => Promise<boolean>;
  declare readonly setDescription: (newDescription: string) => Promise<boolean>;
  declare readonly setProfilePicture: (newProfilePicture: MessageMedia) => Promise<boolean>;
  /** 0: no reactions, 1: the basic six, 2: all. */
  declare readonly setReactionSetting: (reactionCode: number) => Promise<boolean>;
  declare readonly mute: () => Promise<boolean>;
  declare readonly unmute: () => Promise<boolean>;
  declare readonly sendMessage: (content: string | MessageMedia, options?: MessageSendChannelOptions) => Promise<ModelTypes['Message']>;
  declare readonly sendSeen: () => Promise<boolean>;
  declare readonly sendChannelAdminInvite: (chatId: string, options?: { comment?: string }) => Promise<boolean>;
  declare readonly acceptChannelAdminInvite: () => Promise<boolean>;
  declare readonly revokeChannelAdminInvite: (userId: string) => Promise<boolean>;
  declare readonly demoteChannelAdmin: (userId: string) => Promise<boolean>;
  declare readonly fetchMessages: (searchOptions: FetchMessagesOptions) => Promise<Array<ModelTypes['Message']>>;
  declare readonly transferChannelOwnership: (newOwnerId: string, options?: TransferChannelOwnershipOptions) => Promise<boolean>;
  declare readonly deleteChannel: () => Promise<boolean>;

  constructor(data: ChannelData) {
    this.id = data.id;
    this.name = data.name;
    this.description = data.description;
    this.isReadOnly = data.isReadOnly;
    this.unreadCount = data.unreadCount;
    this.timestamp = data.timestamp;
    this.isMuted = data.isMuted;
    this.muteExpiration = data.muteExpiration;
    this.lastMessage = data.lastMessage;
  }
}

installNotYet(Channel.prototype, 'Channel', CHANNEL_MEMBERS);
