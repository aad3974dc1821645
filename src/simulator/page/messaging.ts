/**
 * The messaging modules of the simulated app (docs/page-contract.md, "Messaging"): ids, chat
 * lookup, sending, replies, read state and the helpers clients call around a send. Where the real
 * app would use the network or its UI (link previews, presence), these do the least that keeps a
 * client's calls meaningful.
 */
import type { App } from './app';
import { breaks } from './build';
import type { ChatModel, MsgModel } from './wa-models';
import type { ContactModel } from './contact-model';
import { parseVcard, vcardName } from './msg-data';
import { createWid, MsgKey, widFactory, type Wid } from './wid';

const LINK = /\b(?:https?:\/\/|www\.)[^\s<>"']+/gi;

/** Links in `text` as the app reports them: `href` always has a scheme. */
function findLinks(text: unknown): Array<{ href: string; url: string }> {
  if (typeof text !== 'string') return [];
  return [...text.matchAll(LINK)].map((m) => {
    const url = m[0].replace(/[.,;:!?)\]}]+$/, '');
    return { href: /^https?:\/\//i.test(url) ? url : `http://${url}`, url };
  });
}

/** The modules, by the names clients `require`. */
export function messagingModules(app: App): Record<string, unknown> {
  const chatOf = (chatOrId: unknown): ChatModel | undefined =>
    typeof chatOrId === 'object' && chatOrId !== null && 'msgs' in chatOrId ? (chatOrId as ChatModel) : app.store.chats.get(chatOrId);
  return {
    WAWebWidFactory: widFactory,
    WAWebMsgKey: MsgKey,
    WAWebFindChatAction: {
      findOrCreateLatestChat: async (wid: unknown) => app.store.chatFor(createWid(wid)),
    },
    WAWebSendMsgChatAction: {
      addAndSendMsgToChat: (chat: ChatModel, data: Record<string, unknown>) => app.store.addAndSend(chat, data),
    },
    WAWebStreamModel: { Stream: { available: false, markAvailable(): void {}, markUnavailable(): void {} } },
    WAWebUpdateUnreadChatAction: {
      sendSeen: async ({ chat }: { chat: ChatModel }) => {
        // A build of January 2026 read the chat's unread anchor, a field chats of that build no longer had.
        if (breaks('sendSeen-missing-field')) {
          const anchor = Reflect.get(chat, 'unreadMsgAnchor') as { id: unknown };
          if (anchor.id === undefined) return;
        }
        app.store.seen(chat);
      },
    },
    WAWebChatGetters: {
      getIsNewsletter: (chat: ChatModel) => chat.id.server === 'newsletter',
      getIsBroadcast: (chat: ChatModel) => chat.id.server === 'broadcast',
      getIsGroup: (chat: ChatModel) => chat.id.isGroup(),
    },
    WALinkify: {
      findLink: (text: unknown) => findLinks(text)[0] ?? null,
      findLinks,
    },
    WAWebLinkPreviewChatAction: { getLinkPreview: async () => ({}) },
    WAWebVcardParsingUtils: { parseVcard },
    WAWebVcardGetNameFromParsed: { vcardGetNameFromParsed: vcardName },
    WAWebChatForwardMessage: {
      forwardMessages: async ({ chat, msgs, includeCaption }: { chat: ChatModel; msgs: MsgModel[]; includeCaption?: boolean }) =>
        app.store.forward(chat, msgs, includeCaption !== false),
    },
    WAWebGetEphemeralFieldsMsgActionsUtils: { getEphemeralFields: () => ({}) },
    WAWebMsgReply: { canReplyMsg: (msg: MsgModel) => msg.canReply() },
    WAWebQuotedMsgModelUtils: { getQuotedMsgObj: (msg: MsgModel) => msg.quotedMsg },
    WAWebChatStateBridge: {
      sendChatStateComposing: async (wid: Wid) => app.send({ t: 'chatstate', chatId: createWid(wid)._serialized, state: 'composing' }),
      sendChatStateRecording: async (wid: Wid) => app.send({ t: 'chatstate', chatId: createWid(wid)._serialized, state: 'recording' }),
      sendChatStatePaused: async (wid: Wid) => app.send({ t: 'chatstate', chatId: createWid(wid)._serialized, state: 'paused' }),
    },
    WAWebMsgActionCapability: {
      canSenderRevokeMsg: (msg: MsgModel) => msg.id.fromMe && msg.type !== 'revoked',
      canAdminRevokeMsg: () => false,
      canStarMsg: (msg: MsgModel) => msg.type !== 'revoked',
      canEditText: (msg: MsgModel) => msg.id.fromMe && msg.type === 'chat',
      canEditCaption: (msg: MsgModel) => msg.id.fromMe && msg.directPath !== undefined && msg.type !== 'revoked',
    },
    WAWebSendReactionMsgAction: {
      sendReactionToMsg: async (msg: MsgModel, reaction: string) => {
        app.send({ t: 'react', chatId: msg.id.remote._serialized, id: msg.id.id, fromMe: msg.id.fromMe, reaction });
        app.reactions.own(msg, reaction, await MsgKey.newId());
        return { messageSendResult: 'OK' };
      },
    },
    WAWebSendMessageEditAction: {
      sendMessageEdit: async (msg: MsgModel, body: string) => {
        // A media message's text is its caption.
        msg.set(msg.directPath === undefined ? 'body' : 'caption', body);
        app.send({ t: 'edit', chatId: msg.id.remote._serialized, id: msg.id.id, body });
      },
    },
    WAWebLidMigrationUtils: { toPn: (wid: unknown) => (createWid(wid).isLid() ? app.store.pnOf(wid) : createWid(wid)) },
    WAWebQueryExistsJob: { queryWidExists: (wid: unknown) => app.queryExists(createWid(wid)) },
    WAWebApiContact: {
      getCurrentLid: (pn: unknown) => app.store.lidOf(pn),
      getPhoneNumber: (lid: unknown) => app.store.pnOf(lid),
      getAlternateUserWid: (wid: unknown) => (createWid(wid).isLid() ? app.store.pnOf(wid) : app.store.lidOf(wid)),
    },
    WAWebContactGetters: {
      getIsMe: (c: ContactModel) => c.id._serialized === app.meUser()?._serialized,
      getIsUser: (c: ContactModel) => c.id.isUser(),
      getIsGroup: (c: ContactModel) => c.id.isGroup(),
      getIsWAContact: (c: ContactModel) => c.id.isUser(),
      getUserid: (c: ContactModel) => c.id.user,
      getName: (c: ContactModel) => c.name,
      getShortName: (c: ContactModel) => c.name?.split(' ')[0],
      getPushname: (c: ContactModel) => c.pushname,
      getVerifiedName: (c: ContactModel) => c.verifiedName,
      // A business the servers vouch for with its name only: the app's lowest level.
      getVerifiedLevel: (c: ContactModel) => (c.isBusiness ? 0 : undefined),
      getStatusMute: () => false,
      getIsEnterprise: () => false,
    },
    WAWebFrontendContactGetters: { getIsMyContact: (c: ContactModel) => c.name !== undefined },
    WAWebPresenceChatAction: {
      sendPresenceAvailable: async () => undefined,
      sendPresenceUnavailable: async () => undefined,
    },
    WAWebChatLoadMessages: {
      // Everything the device has is already loaded. A later build takes the chat itself, not `{ chat }`.
      loadEarlierMsgs: async (arg: { chat: unknown }) => {
        if (breaks('loadEarlierMsgs-positional')) (arg as unknown as ChatModel).msgs.getModelsArray();
        else chatOf(arg.chat);
        return [];
      },
    },
  };
}
