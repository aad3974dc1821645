/**
 * The channel (newsletter) calls of the typed bridge (./bridge.ts, the same part): what crosses to create,
 * find, follow, edit, mute, delete and post to channels, their subscribers and admins, and the features each
 * call needs. Calls that answer messages are generic in the message type, which bridge.ts supplies. Types and
 * one table of constants; it imports only the sticker pack's type (bridge-media.ts, which imports nothing).
 */
import type { PageStickerPack } from './bridge-media';

/** The feature of channels. */
export type ChannelFeature = 'channels';

/** A channel as the app keeps it in `WAWebNewsletterCollection` (whatsapp-web.js's `getChatModel(…, { isChannel })`). */
export interface PageChannel<M> {
  id: string;
  name: string;
  description: string;
  /** Nothing can be posted by this account (a subscriber or a guest). */
  isReadOnly: boolean;
  unreadCount: number;
  /** Last activity, seconds since the epoch. */
  timestamp: number;
  isMuted: boolean;
  muteExpiration: number;
  /** The app's `newsletterMetadata.serialize()`, with `createdAtTs` (seconds) as whatsapp-web.js adds it. */
  channelMetadata: Record<string, unknown> & { createdAtTs: number };
  lastMessage?: M;
}

/** `createChannel`'s answer (whatsapp-web.js's `CreateChannelResult`, the id serialized). */
export interface PageCreatedChannel {
  title: string;
  nid: string;
  inviteLink: string;
  createdAtTs: number;
}

/** What a channel edit changes. */
export type PageChannelEdit =
  | { field: 'name' | 'description'; value: string }
  /** A data URL of a JPEG, or null to remove it. */
  | { field: 'picture'; value: string | null }
  /** The app's reaction setting code (3 none, 1 basic, 0 all). */
  | { field: 'reactionCodesSetting'; value: number };

/** Admin invites and admins: send (with a comment), accept, revoke, demote; ownership handed over. */
export type PageChannelAdminAction =
  | { action: 'invite'; userId: string; comment?: string }
  | { action: 'accept' }
  | { action: 'revoke' | 'demote'; userId: string }
  | { action: 'transfer'; userId: string; dismissSelf: boolean };

/**
 * The page calls for channels (members of `PageApi`); `M` is the bridge's `PageMessage`, `F` its `PageMedia`, `O` its
 * `PageSendOptions`, `P` its `PagePollInput`.
 */
export interface PageChannelApi<M, F, O, P> {
  /** A new channel this account owns; a string (whatsapp-web.js's) when the app refused. */
  createChannel(title: string, description: string | null, picture: string | null): Promise<PageCreatedChannel | string>;
  /** A channel by id: the known one, or its preview loaded from the servers; null when there is none. */
  getChannel(channelId: string): Promise<PageChannel<M> | null>;
  getChannels(): Promise<Array<PageChannel<M>>>;
  channelByInviteCode(inviteCode: string): Promise<PageChannel<M> | null>;
  searchChannels(
    searchText: string,
    limit: number,
    skipSubscribed: boolean,
    countryCodes: string[],
    view: number,
  ): Promise<Array<PageChannel<M>>>;
  /** Follows a channel, or stops (forgetting it unless `deleteLocalModels` is false); false when refused or the owner. */
  setChannelSubscribed(channelId: string, subscribed: boolean, deleteLocalModels: boolean): Promise<boolean>;
  deleteChannel(channelId: string): Promise<boolean>;
  editChannel(channelId: string, edit: PageChannelEdit): Promise<boolean>;
  muteChannel(channelId: string, muted: boolean): Promise<boolean>;
  /** Subscribers with their role; the contacts' ids (Node makes the contacts). */
  channelSubscribers(channelId: string, limit?: number): Promise<Array<{ contactId: string; role: string }>>;
  /** Posts a text to the channel; null when there is no such channel. */
  sendChannelMessage(channelId: string, body: string): Promise<M | null>;
  /** Posts media (uploaded unencrypted, as channels take it), with its caption; null when there is no such channel. */
  sendChannelMedia(channelId: string, media: F, options: O): Promise<M | null>;
  /** Posts media as a sticker (made WebP, `pack` in its EXIF, prepared as a sticker); null when there is no such channel. */
  sendChannelSticker(channelId: string, media: F, pack: PageStickerPack, options: O): Promise<M | null>;
  /** Posts a poll; null when there is no such channel. */
  sendChannelPoll(channelId: string, poll: P): Promise<M | null>;
  channelAdmin(channelId: string, action: PageChannelAdminAction): Promise<boolean>;
}

/** The features each channel call needs (part of `PAGE_API_FEATURES`, which checks them against `PageFeature`). */
export const CHANNEL_API_FEATURES = {
  createChannel: ['channels'],
  getChannel: ['channels'],
  getChannels: ['channels'],
  channelByInviteCode: ['channels'],
  searchChannels: ['channels'],
  setChannelSubscribed: ['channels'],
  deleteChannel: ['channels'],
  editChannel: ['channels'],
  muteChannel: ['channels'],
  channelSubscribers: ['channels'],
  sendChannelMessage: ['messages', 'channels'],
  sendChannelMedia: ['messages', 'media', 'channels'],
  sendChannelSticker: ['messages', 'media', 'stickers', 'channels'],
  sendChannelPoll: ['messages', 'polls', 'channels'],
  channelAdmin: ['channels'],
} as const;
