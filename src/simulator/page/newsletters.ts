/**
 * Channels (newsletters), as whatsapp-web.js 1.34.7 uses them: the collection of channels
 * (`WAWebNewsletterCollection`, newsletter-models.ts), previews by id (`loadNewsletterPreviewChat`) and by
 * invite code (`queryNewsletterMetadataByInviteCode`), creating, subscribing, unsubscribing, editing,
 * muting and deleting, posting (`sendNewsletterMessageJob` after the app's message records), the
 * subscribers list, admin invites, demotion and ownership, and the channel directory. Each call is one
 * request to the servers; a refusal throws `ServerStatusCodeError`.
 */
import type { NewsletterRequest, ServerFrame, WireNewsletter } from '../protocol';
import type { App } from './app';
import type { ContactModel } from './contact-model';
import { NewsletterChat, ServerStatusCodeError } from './newsletter-models';
import { outgoingContent } from './polls';
import type { MsgModel } from './wa-models';
import { createWid, type Wid } from './wid';

type Reply = Extract<ServerFrame, { t: 'newsletter-result' }>;

/** How many subscribers the app lists at most. */
const MAX_SUBSCRIBERS = 500;
/** `updateNewsletterUserSetting` types and mute values. */
const ADMIN_NOTIFICATIONS = 'admin_notifications';
const MUTED_STATE = 'on';
const UNMUTED_STATE = 'off';

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** A channel id from a chat, a wid or a string. */
function idOf(channel: unknown): string {
  if (typeof channel === 'object' && channel !== null && 'newsletterMetadata' in channel) return (channel as NewsletterChat).id._serialized;
  return createWid(channel)._serialized;
}

/** The metadata query's answer, in the app's mixin shape. */
function metadataResponse(c: WireNewsletter): Record<string, unknown> {
  return {
    idJid: c.id,
    newsletterCreationTimeMetadataMixin: { creationTimeValue: c.creation },
    newsletterNameMetadataMixin: { nameElementValue: c.name, nameUpdateTime: c.nameUpdateTime },
    newsletterDescriptionMetadataMixin: {
      descriptionQueryDescriptionResponseMixin: { elementValue: c.description, updateTime: c.descriptionUpdateTime },
    },
    newsletterInviteLinkMetadataMixin: { inviteCode: c.inviteCode },
    newsletterStateMetadataMixin: { stateType: c.state },
    newsletterSubscribersMetadataMixin: { subscribersCount: c.subscribersCount },
    newsletterVerificationMetadataMixin: { verificationState: 'unverified' },
  };
}

/** The modules, by the names clients `require`. */
export function newsletterModules(app: App): Record<string, unknown> {
  const channels = app.store.newsletters;
  const ask = async (request: NewsletterRequest): Promise<Reply> => {
    const reply = await app.request({ t: 'newsletter', reqId: app.nextReqId(), request }, 15_000);
    if (reply?.t !== 'newsletter-result') throw new ServerStatusCodeError(408);
    if (reply.status !== 200) throw new ServerStatusCodeError(reply.status);
    if (reply.channel) channels.learn(reply.channel);
    return reply;
  };
  /** A request whose answer clients do not read. */
  const act = async (request: NewsletterRequest): Promise<void> => {
    await ask(request);
  };
  const userOf = (user: unknown): string => createWid((user as ContactModel | null)?.id ?? user)._serialized;
  const gating = {
    isNewsletterCreationEnabled: () => true,
    getMaxSubscriberNumber: () => MAX_SUBSCRIBERS,
    getNewsletterDirectoryPageSize: () => 50,
  };
  return {
    WAWebNewsletterGatingUtils: gating,
    WAJids: { toNewsletterJid: (id: unknown) => idOf(id) },
    WAWebNewsletterModelUtils: {
      /** This account's role in the channel of an invite code (or id) it knows; `guest` otherwise. */
      getRoleByIdentifier: (identifier: unknown) =>
        channels.getModelsArray().find((c) => c.newsletterMetadata.inviteCode === identifier || c.id._serialized === identifier)
          ?.newsletterMetadata.membershipType ?? 'guest',
      ADMIN_NOTIFICATIONS,
      MUTED_STATE,
      UNMUTED_STATE,
    },
    WAWebLoadNewsletterPreviewChatAction: {
      loadNewsletterPreviewChat: (id: unknown) => act({ op: 'metadata', id: idOf(id) }),
    },
    WAWebNewsletterMetadataQueryJob: {
      queryNewsletterMetadataByInviteCode: async (code: unknown, _role?: unknown) => {
        const reply = await app.request(
          { t: 'newsletter', reqId: app.nextReqId(), request: { op: 'metadata', code: String(code) } },
          15_000,
        );
        // A preview only: the channel is not learned until it is opened (`loadNewsletterPreviewChat`).
        if (reply?.t !== 'newsletter-result' || reply.status !== 200 || !reply.channel)
          throw new ServerStatusCodeError(reply?.t === 'newsletter-result' ? reply.status : 408);
        return metadataResponse(reply.channel);
      },
    },
    WAWebNewsletterCreateQueryJob: {
      createNewsletterQuery: async ({ name, description, picture }: { name?: unknown; description?: unknown; picture?: unknown }) => {
        const reply = await ask({
          op: 'create',
          name: typeof name === 'string' ? name : '',
          description: typeof description === 'string' ? description : null,
          picture: typeof picture === 'string' ? picture : null,
        });
        if (!reply.channel) throw new ServerStatusCodeError(500);
        return metadataResponse(reply.channel);
      },
    },
    WAWebNewsletterSubscribeAction: {
      subscribeToNewsletterAction: (channel: unknown, _options?: unknown) => act({ op: 'subscribe', id: idOf(channel) }),
    },
    WAWebNewsletterUnsubscribeAction: {
      unsubscribeFromNewsletterAction: async (channel: unknown, options?: { deleteLocalModels?: boolean }) => {
        const id = idOf(channel);
        await act({ op: 'unsubscribe', id });
        // Forgotten entirely, or kept as a guest.
        if (options?.deleteLocalModels === true) channels.remove(id);
      },
    },
    WAWebNewsletterDeleteAction: {
      deleteNewsletterAction: async (channel: unknown) => {
        const id = idOf(channel);
        await act({ op: 'delete', id });
        channels.remove(id);
      },
    },
    WAWebEditNewsletterMetadataAction: {
      editNewsletterMetadataAction: (channel: unknown, property: Record<string, unknown>, value: Record<string, unknown>) =>
        act({
          op: 'edit',
          id: idOf(channel),
          ...(property['editName'] === true ? { name: text(value['name']) } : {}),
          ...(property['editDescription'] === true ? { description: text(value['description']) } : {}),
          ...(property['editPicture'] === true ? { picture: typeof value['picture'] === 'string' ? value['picture'] : null } : {}),
          ...(property['editReactionCodesSetting'] === true ? { reactionCodesSetting: Number(value['reactionCodesSetting']) } : {}),
        }),
    },
    WAWebNewsletterUpdateUserSettingJob: {
      updateNewsletterUserSetting: async ({ newsletterJid, type, muteExpirationValue }: Record<string, unknown>) => {
        if (type !== ADMIN_NOTIFICATIONS) throw new ServerStatusCodeError(400);
        await act({ op: 'mute', id: idOf(newsletterJid), muted: muteExpirationValue === MUTED_STATE });
      },
    },
    // Posting: the app keeps its records of a post (IndexedDB in the real app; nothing to keep here), then sends it.
    WAWebMsgDataFromModel: { msgDataFromMsgModel: (msg: MsgModel) => msg.serialize() },
    WAWebNewsletterUpdateMsgsRecordsJob: {
      addNewsletterMsgsRecords: async (_records: unknown[]) => undefined,
      updateNewsletterMsgRecord: async (_msg: unknown) => undefined,
    },
    WAWebNewsletterSendMessageJob: {
      sendNewsletterMessageJob: async ({
        msg,
        type,
        newsletterJid,
        mediaHandle,
      }: {
        msg: MsgModel;
        type: string;
        newsletterJid: string;
        mediaMetadata?: unknown;
        mediaHandle?: unknown;
      }) => {
        const body = msg.type === 'poll_creation' ? text(msg.content['pollName']) : msg.body;
        // Media goes by the handle of its upload (`uploadUnencryptedMedia`); a poll with its options.
        const media = type === 'media' ? msg.media() : undefined;
        if (type === 'media' && (media === undefined || typeof mediaHandle !== 'string')) throw new ServerStatusCodeError(400);
        const poll = type === 'pollCreation' ? outgoingContent(msg).poll : undefined;
        try {
          const reply = await ask({
            op: 'post',
            id: idOf(newsletterJid),
            msgId: msg.id.id,
            type: msg.type,
            body,
            ...(media ? { media } : {}),
            ...(poll ? { poll } : {}),
          });
          return { success: true, ack: { t: reply.post?.t ?? msg.t }, serverId: reply.post?.serverId };
        } catch (err) {
          if (err instanceof ServerStatusCodeError) return { success: false };
          throw err;
        }
      },
    },
    WAWebMexFetchNewsletterSubscribersJob: {
      mexFetchNewsletterSubscribers: async (channelId: unknown, limit: unknown) => {
        const reply = await ask({ op: 'subscribers', id: idOf(channelId) });
        const max = typeof limit === 'number' && limit > 0 ? limit : MAX_SUBSCRIBERS;
        return { subscribers: (reply.subscribers ?? []).slice(0, max).map((s) => ({ id: createWid(s.id), role: s.role })) };
      },
    },
    WAWebNewsletterSubscriberListAction: {
      getSubscribersInContacts: (subscribers: Array<{ id: Wid; role: string }>) =>
        subscribers.map((s) => ({ contact: app.store.contactFor(s.id), role: s.role })),
    },
    WAWebNewsletterSendMsgAction: {
      sendNewsletterAdminInviteMessage: async (
        _chat: unknown,
        { newsletterWid, invitee }: { newsletterWid: unknown; invitee: unknown },
      ) => {
        try {
          await act({ op: 'admin-invite', id: idOf(newsletterWid), user: userOf(invitee) });
          return { messageSendResult: 'OK' };
        } catch (err) {
          if (err instanceof ServerStatusCodeError) return { messageSendResult: 'ERROR' };
          throw err;
        }
      },
    },
    WAWebMexAcceptNewsletterAdminInviteJob: {
      acceptNewsletterAdminInvite: (channelId: unknown) => act({ op: 'accept-admin', id: idOf(channelId) }),
    },
    WAWebMexRevokeNewsletterAdminInviteJob: {
      revokeNewsletterAdminInvite: (channelId: unknown, user: unknown) =>
        act({ op: 'revoke-admin-invite', id: idOf(channelId), user: userOf(user) }),
    },
    WAWebDemoteNewsletterAdminAction: {
      demoteNewsletterAdmin: (channelId: unknown, user: unknown) => act({ op: 'demote', id: idOf(channelId), user: userOf(user) }),
    },
    WAWebNewsletterDemoteAdminJob: {
      demoteNewsletterAdminAction: (channel: unknown, contact: unknown) => act({ op: 'demote', id: idOf(channel), user: userOf(contact) }),
    },
    WAWebChangeNewsletterOwnerAction: {
      changeNewsletterOwnerAction: (channel: unknown, newOwner: unknown) =>
        act({ op: 'change-owner', id: idOf(channel), user: userOf(newOwner) }),
    },
    WAWebContactCollection: {
      getMeContact: () => {
        const me = app.meUser();
        return me ? app.store.contactFor(me) : undefined;
      },
    },
    WAWebL10N: { getRegion: () => 'US' },
    WAWebCountriesNativeCountryNames: {
      countryCodesIso: { US: 'United States', GB: 'United Kingdom', DE: 'Deutschland', FR: 'France', BR: 'Brasil', IN: 'India' },
    },
    WAWebNewsletterDirectorySearchAction: {
      fetchNewsletterDirectories: async (options: { searchText?: unknown; skipSubscribedNewsletters?: unknown }) => {
        const reply = await app.request(
          {
            t: 'newsletter',
            reqId: app.nextReqId(),
            request: {
              op: 'search',
              text: typeof options?.searchText === 'string' ? options.searchText : '',
              // Read through the module at call time: clients change the page size this way.
              limit: gating.getNewsletterDirectoryPageSize(),
              skipSubscribed: options?.skipSubscribedNewsletters === true,
            },
          },
          15_000,
        );
        if (reply?.t !== 'newsletter-result' || reply.status !== 200)
          throw new ServerStatusCodeError(reply?.t === 'newsletter-result' ? reply.status : 408);
        // Channels the device knows are its own chats; others are previews, not kept.
        const newsletters = (reply.channels ?? []).map((wire) => {
          const known = channels.get(wire.id);
          if (known) return known;
          const preview = new NewsletterChat(createWid(wire.id));
          preview.learn(wire);
          return preview;
        });
        return { newsletters };
      },
    },
  };
}
