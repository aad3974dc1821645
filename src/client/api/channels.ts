/**
 * The client's channel calls (feature `channels`): create, delete, find (by id, invite code, search), follow,
 * admin invites, ownership; and posting, which `sendMessage` hands here for a `@newsletter` id. Installed on
 * `Client`'s prototype (client.ts). Per-channel calls are on `Channel`.
 */
import { NotSupportedError, PageError } from '../../errors';
import type { PageMessage } from '../../web/bridge';
import type { PageChannel } from '../../web/bridge-channels';
import { asDeclared } from '../compat/declared';
import { Channel, channelAdmin } from '../model/channel';
import type {
  CreateChannelOptions,
  CreateChannelResult,
  SearchChannelsOptions,
  TransferChannelOwnershipOptions,
  UnsubscribeOptions,
} from '../model/channel-types';
import { Message } from '../model/message';
import type { MessageContent } from '../model/message-content';
import type { MessageSendOptions } from '../model/message-send-options';
import type { ModelClient } from '../model/model-client';
import { chatIdOf, toWid } from '../model/wid';
import { toOutgoing } from '../outgoing';

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

/** A `@newsletter` id (whatsapp-web.js's test). */
export const isChannelId = (id: string): boolean => /@\w*newsletter\b/.test(id);

/** `getChatById` for a channel: the known one, or its preview; a `PageError` when there is none. */
export async function channelById(client: ModelClient, channelId: string): Promise<Channel> {
  const data = await client.readyPage('getChatById()').call('getChannel', channelId);
  if (!data) throw new PageError(`no channel with ${channelId}`);
  return new Channel(client, data);
}

/**
 * `sendMessage` to a channel: a text is posted; what whatsapp-web.js refuses in channels (cards, a location, a
 * document, view once: its check compares each option with `true`, so a quote is not refused but left out) resolves
 * `null` with a warning, as there. Media (uploaded unencrypted, as channels take it), stickers (made as a chat's
 * sticker, then posted as channel media) and polls are posted.
 */
export async function sendToChannel(
  client: ModelClient,
  channelId: string,
  content: MessageContent,
  options: MessageSendOptions,
): Promise<Message> {
  const refused =
    options.sendMediaAsDocument === true ||
    options.parseVCards === true ||
    options.isViewOnce === true ||
    (typeof content === 'object' && content !== null && !('mimetype' in content) && !('pollName' in content));
  if (refused) {
    client.log.warn(
      { chatId: channelId },
      'The message type is currently not supported for sending in channels, the supported message types are: text, image, sticker, gif, video, voice and poll.',
    );
    return asDeclared<Message>(null);
  }
  const outgoing = toOutgoing(content, options);
  // Only texts and polls are left once the refusals above ran (a text that is a vCard was refused).
  if (outgoing.kind === 'content' && outgoing.content.kind !== 'text' && outgoing.content.kind !== 'poll')
    throw new NotSupportedError(`Client.sendMessage (${outgoing.content.kind} to a channel)`);
  const web = client.readyPage('sendMessage()');
  if (options.sendSeen !== false) await web.sendSeen(channelId);
  const sent =
    outgoing.kind === 'media'
      ? await web.call('sendChannelMedia', channelId, outgoing.media, outgoing.options)
      : outgoing.kind === 'sticker'
        ? await web.call('sendChannelSticker', channelId, outgoing.media, outgoing.pack, outgoing.options)
        : outgoing.content.kind === 'poll'
          ? await web.call('sendChannelPoll', channelId, outgoing.content.poll)
          : await web.call('sendChannelMessage', channelId, outgoing.content.kind === 'text' ? outgoing.content.body : '');
  if (!sent) throw new PageError(`no channel with ${channelId}`);
  return new Message(client, sent);
}

const channelsOf = (client: ModelClient, list: Array<PageChannel<PageMessage>>): Channel[] => list.map((c) => new Channel(client, c));

export const channelsApi: ChannelsApi & ThisType<ModelClient> = {
  async createChannel(title: string, options: CreateChannelOptions = {}): Promise<CreateChannelResult | string> {
    const picture = options?.picture ? `data:${options.picture.mimetype};base64,${options.picture.data}` : null;
    const created = await this.readyPage('createChannel()').call('createChannel', String(title), options?.description ?? null, picture);
    return typeof created === 'string' ? created : { ...created, nid: toWid(created.nid) };
  },

  deleteChannel(channelId: string): Promise<boolean> {
    return this.readyPage('deleteChannel()').call('deleteChannel', chatIdOf(channelId, 'channelId'));
  },

  subscribeToChannel(channelId: string): Promise<boolean> {
    return this.readyPage('subscribeToChannel()').call('setChannelSubscribed', chatIdOf(channelId, 'channelId'), true, true);
  },

  unsubscribeFromChannel(channelId: string, options?: UnsubscribeOptions): Promise<boolean> {
    const forget = options?.deleteLocalModels ?? true;
    return this.readyPage('unsubscribeFromChannel()').call('setChannelSubscribed', chatIdOf(channelId, 'channelId'), false, forget);
  },

  async searchChannels(searchOptions: SearchChannelsOptions = {}): Promise<Channel[]> {
    const { searchText = '', countryCodes = [], skipSubscribedNewsletters = false, view = 0, limit = 50 } = searchOptions ?? {};
    const found = await this.readyPage('searchChannels()').call(
      'searchChannels',
      String(searchText),
      limit,
      skipSubscribedNewsletters === true,
      [...countryCodes],
      [0, 1, 2, 3].includes(view) ? view : 0,
    );
    return channelsOf(this, found);
  },

  async getChannels(): Promise<Channel[]> {
    return channelsOf(this, await this.readyPage('getChannels()').call('getChannels'));
  },

  /** The channel of an invite code (what follows `https://whatsapp.com/channel/`); `undefined` when there is none, as in whatsapp-web.js. */
  async getChannelByInviteCode(inviteCode: string): Promise<Channel> {
    const data = await this.readyPage('getChannelByInviteCode()').call('channelByInviteCode', String(inviteCode));
    return asDeclared(data ? new Channel(this, data) : undefined);
  },

  sendChannelAdminInvite(chatId: string, channelId: string, options: { comment?: string } = {}): Promise<boolean> {
    return channelAdmin(this, 'sendChannelAdminInvite()', chatIdOf(channelId, 'channelId'), {
      action: 'invite',
      userId: chatIdOf(chatId),
      ...(options?.comment === undefined ? {} : { comment: options.comment }),
    });
  },

  acceptChannelAdminInvite(channelId: string): Promise<boolean> {
    return channelAdmin(this, 'acceptChannelAdminInvite()', chatIdOf(channelId, 'channelId'), { action: 'accept' });
  },

  revokeChannelAdminInvite(channelId: string, userId: string): Promise<boolean> {
    return channelAdmin(this, 'revokeChannelAdminInvite()', chatIdOf(channelId, 'channelId'), {
      action: 'revoke',
      userId: chatIdOf(userId, 'userId'),
    });
  },

  demoteChannelAdmin(channelId: string, userId: string): Promise<boolean> {
    return channelAdmin(this, 'demoteChannelAdmin()', chatIdOf(channelId, 'channelId'), {
      action: 'demote',
      userId: chatIdOf(userId, 'userId'),
    });
  },

  transferChannelOwnership(channelId: string, newOwnerId: string, options: TransferChannelOwnershipOptions = {}): Promise<boolean> {
    return channelAdmin(this, 'transferChannelOwnership()', chatIdOf(channelId, 'channelId'), {
      action: 'transfer',
      userId: chatIdOf(newOwnerId, 'newOwnerId'),
      dismissSelf: options?.shouldDismissSelfAsAdmin === true,
    });
  },
};
