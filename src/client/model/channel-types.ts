/** The shapes whatsapp-web.js's channel calls take and give (`Channel`, `Client.createChannel`, ...). */
import type { MessageMedia } from './message-media';
import type { Wid } from './wid';

export interface CreateChannelOptions {
  description?: string;
  picture?: MessageMedia;
}

export interface CreateChannelResult {
  title: string;
  nid: Wid;
  /** `https://whatsapp.com/channel/…` */
  inviteLink: string;
  createdAtTs: number;
}

export interface UnsubscribeOptions {
  /** Forget the channel entirely instead of keeping it as a guest. */
  deleteLocalModels?: boolean;
}

export interface SearchChannelsOptions {
  searchText?: string;
  countryCodes?: string[];
  skipSubscribedNewsletters?: boolean;
  view?: number;
  limit?: number;
}

export interface TransferChannelOwnershipOptions {
  /** Step down to a subscriber after the transfer. */
  shouldDismissSelfAsAdmin?: boolean;
}

/** `Channel.sendMessage()` options. */
export interface MessageSendChannelOptions {
  caption?: string;
  mentions?: string[];
  media?: MessageMedia;
  extra?: Record<string, unknown>;
}
