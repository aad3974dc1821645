/**
 * The client's channel calls. None is there yet (issue 27): each throws `NotSupportedError` naming it
 * (compat/). Per-channel calls are on `Channel`.
 */
import type { Channel } from '../model/channel';
import type {
  CreateChannelOptions,
  CreateChannelResult,
  SearchChannelsOptions,
  TransferChannelOwnershipOptions,
  UnsubscribeOptions,
} from '../model/channel-types';

export interface ChannelsApi {
  createChannel(title: string, options?: CreateChannelOptions): Promise<CreateChannelResult | string>;
  deleteChannel(channelId: string): Promise<boolean>;
  subscribeToChannel(channelId: string): Promise<boolean>;
  unsubscribeFromChannel(channelId: string, options?: UnsubscribeOptions): Promise<boolean>;
  /** Only channels you are not subscribed to. */
  searchChannels(searchOptions: SearchChannelsOptions): Promise<Channel[]>;
  getChannels(): Promise<Channel[]>;
  getChannelByInviteCode(inviteCode: string): Promise<Channel>;
  sendChannelAdminInvite(chatId: string, channelId: string, options?: { comment?: string }): Promise<boolean>;
  acceptChannelAdminInvite(channelId: string): Promise<boolean>;
  revokeChannelAdminInvite(channelId: string, userId: string): Promise<boolean>;
  demoteChannelAdmin(channelId: string, userId: string): Promise<boolean>;
  transferChannelOwnership(channelId: string, newOwnerId: string, options?: TransferChannelOwnershipOptions): Promise<boolean>;
}
