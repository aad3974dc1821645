/**
 * Channels (newsletters), on the modules whatsapp-web.js 1.34.7 uses (docs/page-contract.md, feature
 * `channels`): the channels' collection (`WAWebNewsletterCollection`; a channel's chat is found by
 * `findChat`, which loads a preview from the servers), creating, finding by invite code, searching the
 * directory, following, editing, muting, deleting, posting (the app's message records, then
 * `sendNewsletterMessageJob`), the subscribers, and admin invites, demotion and ownership. A refusal of
 * the servers (`ServerStatusCodeError`) answers false, as whatsapp-web.js does.
 */
import type { PageMedia, PageMessage, PageSendOptions } from '../bridge';
import type { PagePollInput } from '../bridge-polls';
import type { PageStickerPack } from '../bridge-media';
import type { PageChannel, PageChannelAdminAction, PageChannelApi, PageChannelEdit, PageCreatedChannel } from '../bridge-channels';
import { watched } from './drift';
import { findChat, keyString, toPageMessage, widString, type AppMsg, type Req } from './messages';
import { pollFields } from './polls';
import { outgoing, uploadFile, uploadMedia } from './send';
import { stickerFile } from './sticker';

const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const refused = (err: unknown): boolean => (err as { name?: unknown } | null)?.name === 'ServerStatusCodeError';

/** Runs an app call that answers nothing: true once done, false when the servers refused it. */
async function done(member: string, call: () => unknown): Promise<boolean> {
  try {
    await watched(member, 'channels', call);
    return true;
  } catch (err) {
    if (refused(err)) return false;
    throw err;
  }
}

/** A channel's chat as Node gets it (whatsapp-web.js's `getChatModel(chat, { isChannel: true })`). */
async function toPageChannel(req: Req, chat: any): Promise<PageChannel<PageMessage>> {
  const data: Record<string, unknown> = chat.serialize();
  await watched('WAWebCollections.NewsletterMetadataCollection.update', 'channels', () =>
    req('WAWebCollections').NewsletterMetadataCollection.update(chat.id),
  );
  const meta: Record<string, unknown> = chat.newsletterMetadata?.serialize() ?? {};
  const { Msg } = req('WAWebCollections');
  const last = chat.lastReceivedKey ? (Msg.get(keyString(chat.lastReceivedKey)) as AppMsg | undefined) : undefined;
  return {
    id: widString(chat.id),
    name: text(data['name']),
    description: text(meta['description'] ?? data['description']),
    isReadOnly: data['isReadOnly'] === true,
    unreadCount: Number(data['unreadCount'] ?? 0),
    timestamp: Number(data['t'] ?? 0),
    isMuted: chat.mute?.expiration !== 0,
    muteExpiration: Number(data['muteExpiration'] ?? 0),
    channelMetadata: { ...meta, id: widString(meta['id'] ?? chat.id), createdAtTs: Number(chat.newsletterMetadata?.creationTime ?? 0) },
    ...(last ? { lastMessage: toPageMessage(last) } : {}),
  };
}

async function createChannel(
  req: Req,
  title: string,
  description: string | null,
  picture: string | null,
): Promise<PageCreatedChannel | string> {
  if (!req('WAWebNewsletterGatingUtils').isNewsletterCreationEnabled()) return 'CreateChannelError: A channel creation is not enabled';
  let response: any;
  try {
    response = await watched('WAWebNewsletterCreateQueryJob.createNewsletterQuery', 'channels', () =>
      req('WAWebNewsletterCreateQueryJob').createNewsletterQuery({ name: title, description, picture }),
    );
  } catch (err) {
    // whatsapp-web.js's message, word for word.
    if (refused(err)) return 'CreateChannelError: An error occupied while creating a channel';
    throw err;
  }
  return {
    title,
    nid: widString(req('WAWebJidToWid').newsletterJidToWid(response.idJid)),
    inviteLink: `https://whatsapp.com/channel/${response.newsletterInviteLinkMetadataMixin.inviteCode}`,
    createdAtTs: Number(response.newsletterCreationTimeMetadataMixin.creationTimeValue),
  };
}

async function channelByInviteCode(req: Req, inviteCode: string): Promise<PageChannel<PageMessage> | null> {
  const role = req('WAWebNewsletterModelUtils').getRoleByIdentifier(inviteCode);
  let response: any;
  try {
    response = await watched('WAWebNewsletterMetadataQueryJob.queryNewsletterMetadataByInviteCode', 'channels', () =>
      req('WAWebNewsletterMetadataQueryJob').queryNewsletterMetadataByInviteCode(inviteCode, role),
    );
  } catch (err) {
    if (refused(err)) return null;
    throw err;
  }
  const chat = await findChat(req, widString(response.idJid));
  return chat ? toPageChannel(req, chat) : null;
}

const VIEWS = ['RECOMMENDED', 'TRENDING', 'POPULAR', 'NEW'];

/** The channel directory, as whatsapp-web.js searches it (its page size changed for the call when `limit` is not 50). */
async function searchChannels(
  req: Req,
  searchText: string,
  limit: number,
  skipSubscribed: boolean,
  countryCodes: string[],
  view: number,
): Promise<Array<PageChannel<PageMessage>>> {
  const region = String(req('WAWebL10N').getRegion());
  const { countryCodesIso } = req('WAWebCountriesNativeCountryNames');
  const codes = countryCodes.length === 0 ? [region] : countryCodes;
  const countries = codes.length === 1 && codes[0] === region ? codes : codes.filter((c) => Object.keys(countryCodesIso).includes(c));
  const gating = req('WAWebNewsletterGatingUtils');
  const original = gating.getNewsletterDirectoryPageSize;
  if (limit !== 50) gating.getNewsletterDirectoryPageSize = () => limit;
  try {
    const found = await watched('WAWebNewsletterDirectorySearchAction.fetchNewsletterDirectories', 'channels', () =>
      req('WAWebNewsletterDirectorySearchAction').fetchNewsletterDirectories({
        searchText: searchText.trim(),
        countryCodes: countries,
        skipSubscribedNewsletters: skipSubscribed,
        view: VIEWS[view] ?? VIEWS[0],
        categories: [],
        cursorToken: '',
      }),
    );
    return Promise.all(((found?.newsletters as unknown[] | undefined) ?? []).map((chat) => toPageChannel(req, chat)));
  } finally {
    gating.getNewsletterDirectoryPageSize = original;
  }
}

async function setSubscribed(req: Req, channelId: string, subscribed: boolean, deleteLocalModels: boolean): Promise<boolean> {
  const channel = await findChat(req, channelId);
  if (!channel || channel.newsletterMetadata?.membershipType === 'owner') return false;
  const options = { eventSurface: 3, deleteLocalModels };
  return subscribed
    ? done('WAWebNewsletterSubscribeAction.subscribeToNewsletterAction', () =>
        req('WAWebNewsletterSubscribeAction').subscribeToNewsletterAction(channel, options),
      )
    : done('WAWebNewsletterUnsubscribeAction.unsubscribeFromNewsletterAction', () =>
        req('WAWebNewsletterUnsubscribeAction').unsubscribeFromNewsletterAction(channel, options),
      );
}

const EDITS: Record<PageChannelEdit['field'], string> = {
  name: 'editName',
  description: 'editDescription',
  picture: 'editPicture',
  reactionCodesSetting: 'editReactionCodesSetting',
};

async function editChannel(req: Req, channelId: string, edit: PageChannelEdit): Promise<boolean> {
  const channel = await findChat(req, channelId);
  if (!channel) return false;
  return done('WAWebEditNewsletterMetadataAction.editNewsletterMetadataAction', () =>
    req('WAWebEditNewsletterMetadataAction').editNewsletterMetadataAction(
      channel,
      { [EDITS[edit.field]]: true },
      { [edit.field]: edit.value },
    ),
  );
}

async function muteChannel(req: Req, channelId: string, muted: boolean): Promise<boolean> {
  const utils = req('WAWebNewsletterModelUtils');
  return done('WAWebNewsletterUpdateUserSettingJob.updateNewsletterUserSetting', () =>
    req('WAWebNewsletterUpdateUserSettingJob').updateNewsletterUserSetting({
      newsletterJid: req('WAJids').toNewsletterJid(channelId),
      type: utils.ADMIN_NOTIFICATIONS,
      muteExpirationValue: muted ? utils.MUTED_STATE : utils.UNMUTED_STATE,
    }),
  );
}

async function subscribers(req: Req, channelId: string, limit?: number): Promise<Array<{ contactId: string; role: string }>> {
  const channel = await findChat(req, channelId);
  if (!channel) return [];
  const max = limit || req('WAWebNewsletterGatingUtils').getMaxSubscriberNumber();
  const response = await watched('WAWebMexFetchNewsletterSubscribersJob.mexFetchNewsletterSubscribers', 'channels', () =>
    req('WAWebMexFetchNewsletterSubscribersJob').mexFetchNewsletterSubscribers(channelId, max),
  );
  const contacts: any[] = req('WAWebNewsletterSubscriberListAction').getSubscribersInContacts(response.subscribers);
  // A LID contact is reported by its phone number when the app knows it (whatsapp-web.js's getContactModel).
  return contacts.map((o) => ({
    contactId: widString(o.contact.phoneNumber && o.contact.id?.isLid?.() ? o.contact.phoneNumber : o.contact.id),
    role: String(o.role),
  }));
}

/**
 * A post as whatsapp-web.js makes one: a message model of `fields` (a text, the uploaded media's data, a poll's
 * fields), the app's records of it, then the send job (`type` text, media with its upload's handle, or pollCreation).
 */
async function postToChannel(req: Req, channelId: string, fields: Record<string, unknown>, type: string): Promise<PageMessage | null> {
  const chat = await findChat(req, channelId);
  if (!chat) return null;
  const { fields: base } = await outgoing(req, chat, req('WAWebUserPrefsMeUser').getMaybeMePnUser());
  const ephemeral = req('WAWebGetEphemeralFieldsMsgActionsUtils').getEphemeralFields(chat);
  const message = { ...base, type: 'chat', ...ephemeral, ...fields };
  const msg = new (req('WAWebCollections').Msg.modelClass)(message);
  const records = req('WAWebNewsletterUpdateMsgsRecordsJob');
  await watched('WAWebNewsletterUpdateMsgsRecordsJob.addNewsletterMsgsRecords', 'channels', () =>
    records.addNewsletterMsgsRecords([req('WAWebMsgDataFromModel').msgDataFromMsgModel(msg)]),
  );
  chat.msgs.add(msg);
  chat.t = msg.t;
  const media = type === 'media' ? { mediaMetadata: msg.avParams(), mediaHandle: fields['mediaHandle'] } : {};
  const response = await watched('WAWebNewsletterSendMessageJob.sendNewsletterMessageJob', 'channels', () =>
    req('WAWebNewsletterSendMessageJob').sendNewsletterMessageJob({ msg, type, newsletterJid: chat.id.toJid(), ...media }),
  );
  if (response?.success) {
    msg.t = response.ack.t;
    msg.serverId = response.serverId;
  }
  msg.updateAck(1, true);
  await watched('WAWebNewsletterUpdateMsgsRecordsJob.updateNewsletterMsgRecord', 'channels', () => records.updateNewsletterMsgRecord(msg));
  return toPageMessage(msg);
}

/** Media uploaded unencrypted (`uploadUnencryptedMedia`), then posted with its handle. */
async function sendChannelMedia(req: Req, channelId: string, media: PageMedia, options: PageSendOptions): Promise<PageMessage | null> {
  if (!(await findChat(req, channelId))) return null;
  const mediaData = await uploadMedia(req, media, options, true);
  const json: Record<string, unknown> = typeof mediaData.toJSON === 'function' ? mediaData.toJSON() : {};
  const caption = options.caption === undefined ? {} : { caption: options.caption };
  return postToChannel(req, channelId, { ...json, type: mediaData.type, body: mediaData.preview, ...caption }, 'media');
}

/** A sticker: its file as a chat's sticker is made (WebP, the pack in its EXIF), then prepared as a sticker and posted as media. */
async function sendChannelSticker(
  req: Req,
  channelId: string,
  media: PageMedia,
  pack: PageStickerPack,
  options: PageSendOptions,
): Promise<PageMessage | null> {
  if (!(await findChat(req, channelId))) return null;
  const mediaData = await uploadFile(req, await stickerFile(req, media, pack), { ...options, asSticker: true }, true);
  const json: Record<string, unknown> = typeof mediaData.toJSON === 'function' ? mediaData.toJSON() : {};
  return postToChannel(req, channelId, { ...json, type: mediaData.type }, 'media');
}

async function channelAdmin(req: Req, channelId: string, action: PageChannelAdminAction): Promise<boolean> {
  const createWid = (id: string): any => req('WAWebWidFactory').createWid(id);
  switch (action.action) {
    case 'invite': {
      const invitee = createWid(action.userId);
      if (!invitee.isUser()) return false;
      const { Chat } = req('WAWebCollections');
      const chat = Chat.get(invitee) ?? (await findChat(req, action.userId));
      const channelWid = createWid(channelId);
      // No channel picture is sent along (whatsapp-web.js sends its thumbnail when the app has one).
      const result = await watched('WAWebNewsletterSendMsgAction.sendNewsletterAdminInviteMessage', 'channels', () =>
        req('WAWebNewsletterSendMsgAction').sendNewsletterAdminInviteMessage(chat, {
          newsletterWid: channelWid,
          invitee,
          inviteMessage: action.comment,
          base64Thumb: undefined,
        }),
      );
      return result?.messageSendResult === 'OK';
    }
    case 'accept':
      return done('WAWebMexAcceptNewsletterAdminInviteJob.acceptNewsletterAdminInvite', () =>
        req('WAWebMexAcceptNewsletterAdminInviteJob').acceptNewsletterAdminInvite(channelId),
      );
    case 'revoke':
      return done('WAWebMexRevokeNewsletterAdminInviteJob.revokeNewsletterAdminInvite', () =>
        req('WAWebMexRevokeNewsletterAdminInviteJob').revokeNewsletterAdminInvite(channelId, createWid(action.userId)),
      );
    case 'demote':
      return done('WAWebDemoteNewsletterAdminAction.demoteNewsletterAdmin', () =>
        req('WAWebDemoteNewsletterAdminAction').demoteNewsletterAdmin(channelId, createWid(action.userId)),
      );
    case 'transfer':
      return transfer(req, channelId, action.userId, action.dismissSelf);
  }
}

/** Hands the channel to an admin and, when asked, steps down to a subscriber; false when any step fails (as whatsapp-web.js). */
async function transfer(req: Req, channelId: string, userId: string, dismissSelf: boolean): Promise<boolean> {
  const channel = await findChat(req, channelId);
  if (!channel) return false;
  const { Contact } = req('WAWebCollections');
  const newOwner = Contact.get(userId) ?? (await Contact.find(userId));
  try {
    await watched('WAWebChangeNewsletterOwnerAction.changeNewsletterOwnerAction', 'channels', () =>
      req('WAWebChangeNewsletterOwnerAction').changeNewsletterOwnerAction(channel, newOwner),
    );
    const me = dismissSelf ? req('WAWebContactCollection').getMeContact() : undefined;
    if (me)
      await watched('WAWebNewsletterDemoteAdminJob.demoteNewsletterAdminAction', 'channels', () =>
        req('WAWebNewsletterDemoteAdminJob').demoteNewsletterAdminAction(channel, me),
      );
    return true;
  } catch (err) {
    if (refused(err)) return false;
    throw err;
  }
}

/** The channel calls of `PageApi`. */
export function channelApi(req: Req): PageChannelApi<PageMessage, PageMedia, PageSendOptions, PagePollInput> {
  return {
    createChannel: async (title, description, picture) => createChannel(req, title, description, picture),
    getChannel: async (channelId) => {
      const chat = await findChat(req, channelId);
      return chat ? toPageChannel(req, chat) : null;
    },
    getChannels: async () =>
      Promise.all((req('WAWebCollections').WAWebNewsletterCollection.getModelsArray() as unknown[]).map((c) => toPageChannel(req, c))),
    channelByInviteCode: async (inviteCode) => channelByInviteCode(req, inviteCode),
    searchChannels: async (text, limit, skip, codes, view) => searchChannels(req, text, limit, skip, codes, view),
    setChannelSubscribed: async (channelId, subscribed, deleteLocalModels) => setSubscribed(req, channelId, subscribed, deleteLocalModels),
    deleteChannel: async (channelId) => {
      const channel = await findChat(req, channelId);
      if (!channel) return false;
      return done('WAWebNewsletterDeleteAction.deleteNewsletterAction', () =>
        req('WAWebNewsletterDeleteAction').deleteNewsletterAction(channel),
      );
    },
    editChannel: async (channelId, edit) => editChannel(req, channelId, edit),
    muteChannel: async (channelId, muted) => muteChannel(req, channelId, muted),
    channelSubscribers: async (channelId, limit) => subscribers(req, channelId, limit),
    sendChannelMessage: async (channelId, body) => postToChannel(req, channelId, { body }, 'text'),
    sendChannelMedia: async (channelId, media, options) => sendChannelMedia(req, channelId, media, options),
    sendChannelSticker: async (channelId, media, pack, options) => sendChannelSticker(req, channelId, media, pack, options),
    sendChannelPoll: async (channelId, poll) => postToChannel(req, channelId, pollFields(poll), 'pollCreation'),
    channelAdmin: async (channelId, action) => channelAdmin(req, channelId, action),
  };
}
