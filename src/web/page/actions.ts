/**
 * What a bot does to a message already in a chat (docs/page-contract.md, "Actions"): react, edit,
 * delete for everyone or for this device, and read the message it quotes, its reactions and a chat's pins.
 */
import type { PageEvent, PageMessage, PageMessageInfo, PageReaction, PageReactionGroup } from '../bridge';
import { watched } from './drift';
import { senderIds } from './lid';
import { onUpsertedRows } from './table-hooks';
import { findChat, findMsg, keyString, toPageMessage, widString, type AppMsg, type Req } from './messages';

async function requireMsg(req: Req, messageId: string): Promise<AppMsg> {
  const msg = (await findMsg(req, messageId)) as AppMsg | undefined;
  if (!msg) throw new Error(`no message ${messageId} on this device`);
  return msg;
}

/** Reacts with an emoji; an empty string takes the reaction back. */
export async function react(req: Req, messageId: string, reaction: string): Promise<void> {
  const msg = await requireMsg(req, messageId);
  await watched('WAWebSendReactionMsgAction.sendReactionToMsg', 'reactions', () =>
    req('WAWebSendReactionMsgAction').sendReactionToMsg(msg, reaction),
  );
}

/** Edits an own text, or an own media message's caption; `null` when the app does not allow it (not own, too old). */
export async function edit(req: Req, messageId: string, body: string): Promise<PageMessage | null> {
  const msg = await requireMsg(req, messageId);
  const capability = req('WAWebMsgActionCapability');
  if (!capability.canEditText(msg) && !capability.canEditCaption(msg)) return null;
  await watched('WAWebSendMessageEditAction.sendMessageEdit', 'editing', () =>
    req('WAWebSendMessageEditAction').sendMessageEdit(msg, body, {}),
  );
  return toPageMessage(msg);
}

/** Deletes for everyone when allowed and asked, otherwise on this device only. Says which it did. */
export async function remove(req: Req, messageId: string, everyone: boolean): Promise<'everyone' | 'me'> {
  const msg = await requireMsg(req, messageId);
  const chat = req('WAWebCollections').Chat.get(msg.id.remote);
  const { Cmd } = req('WAWebCmd');
  const capability = req('WAWebMsgActionCapability');
  if (everyone && (capability.canSenderRevokeMsg(msg) || capability.canAdminRevokeMsg(msg))) {
    await watched('WAWebCmd.Cmd.sendRevokeMsgs', 'editing', () =>
      Cmd.sendRevokeMsgs(chat, { type: 'message', list: [msg] }, { clearMedia: true }),
    );
    return 'everyone';
  }
  await watched('WAWebCmd.Cmd.sendDeleteMsgs', 'editing', () => Cmd.sendDeleteMsgs(chat, { type: 'message', list: [msg] }, true));
  return 'me';
}

/** The message `messageId` quotes, or `null` when it quotes none. */
export async function quotedMessage(req: Req, messageId: string): Promise<PageMessage | null> {
  const msg = await requireMsg(req, messageId);
  const quoted = (await watched('WAWebQuotedMsgModelUtils.getQuotedMsgObj', 'messages', () =>
    req('WAWebQuotedMsgModelUtils').getQuotedMsgObj(msg),
  )) as AppMsg | undefined | null;
  if (!quoted?.id) return null;
  return toPageMessage(((await findMsg(req, keyString(quoted.id))) as AppMsg | undefined) ?? quoted);
}

interface AppReaction {
  id: AppMsg['id'];
  reactionParentKey: AppMsg['id'];
  reactionText: string;
  /** Milliseconds. */
  reactionTimestamp: number;
  from?: unknown;
  author?: unknown;
  orphan?: number;
  orphanReason?: unknown;
  ack?: unknown;
  read?: boolean;
}

/**
 * Reports reactions others send. The app stores them through `reactionTableMode.bulkUpsert`
 * (optional in the contract: without it there are no reaction events, and nothing else breaks).
 */
export function watchReactions(req: Req, emit: (event: PageEvent) => void): void {
  onUpsertedRows<AppReaction>(req, 'WAWebAddonReactionTableMode', 'reactionTableMode', (r) =>
    emit({
      type: 'reaction',
      reaction: {
        id: keyString(r.id),
        msgId: keyString(r.reactionParentKey),
        chatId: widString(r.reactionParentKey.remote),
        senderId: widString(r.author ?? r.from),
        reaction: String(r.reactionText ?? ''),
        timestamp: Math.floor(Number(r.reactionTimestamp ?? 0) / 1000),
        read: r.read === true,
        orphan: Number(r.orphan ?? 0),
        ...reactionExtras(r),
        ...senderIds(req, r),
      },
    }),
  );
}

/** Stars a message or takes the star away, when the app allows it (`canStarMsg`); says whether it did. */
export async function star(req: Req, messageId: string, starred: boolean): Promise<boolean> {
  const msg = await requireMsg(req, messageId);
  if (!req('WAWebMsgActionCapability').canStarMsg(msg)) return false;
  const chat = await findChat(req, widString(msg.id.remote));
  const { Cmd } = req('WAWebCmd');
  if (starred) await watched('WAWebCmd.Cmd.sendStarMsgs', 'message-actions', () => Cmd.sendStarMsgs(chat, [msg], false));
  else await watched('WAWebCmd.Cmd.sendUnstarMsgs', 'message-actions', () => Cmd.sendUnstarMsgs(chat, [msg], false));
  return true;
}

/**
 * Pins a message in its chat for `duration` seconds (`pin` true) or unpins it, as whatsapp-web.js does:
 * the app reads the duration from `getPinExpiryDuration`, which is swapped for the call.
 */
export async function pin(req: Req, messageId: string, pinned: boolean, duration: number): Promise<boolean> {
  const msg = await findMsg(req, messageId);
  if (!msg) return false;
  const constants = req('WAWebPinMsgConstants');
  const original = constants.getPinExpiryDuration;
  constants.getPinExpiryDuration = () => duration;
  try {
    const res = await watched('WAWebSendPinMessageAction.sendPinInChatMsg', 'message-actions', () =>
      req('WAWebSendPinMessageAction').sendPinInChatMsg(msg, pinned ? 1 : 2, duration),
    );
    return res?.messageSendResult === 'OK';
  } finally {
    constants.getPinExpiryDuration = original;
  }
}

type Receipt = { id: unknown; t: unknown };

/** Who got, read and played an own message, and when; `null` for a message of someone else. */
export async function messageInfo(req: Req, messageId: string): Promise<PageMessageInfo | null> {
  const msg = await findMsg(req, messageId);
  if (!msg?.id.fromMe) return null;
  const info = await watched('WAWebApiMessageInfoStore.queryMsgInfo', 'message-actions', () =>
    req('WAWebApiMessageInfoStore').queryMsgInfo(msg.id),
  );
  if (!info) return null;
  const list = (entries: unknown): Array<{ id: string; t: number }> =>
    (Array.isArray(entries) ? (entries as Receipt[]) : []).map((e) => ({ id: widString(e.id), t: Number(e.t ?? 0) }));
  return {
    delivery: list(info.delivery),
    deliveryRemaining: Number(info.deliveryRemaining ?? 0),
    read: list(info.read),
    readRemaining: Number(info.readRemaining ?? 0),
    played: list(info.played),
    playedRemaining: Number(info.playedRemaining ?? 0),
  };
}

/** Messages whose text holds `query`, newest first: a `page` (from 1) of `count`, in one chat or all. */
export async function search(req: Req, query: string, page?: number, count?: number, chatId?: string): Promise<PageMessage[]> {
  const result = await watched('WAWebCollections.Msg.search', 'message-actions', () =>
    req('WAWebCollections').Msg.search(query, page, count, chatId),
  );
  return ((result?.messages ?? []) as AppMsg[]).map(toPageMessage);
}

/** The message with this id, or `null` when the device does not have it. */
export async function getMessage(req: Req, messageId: string): Promise<PageMessage | null> {
  const msg = (await findMsg(req, messageId)) as AppMsg | undefined;
  return msg ? toPageMessage(msg) : null;
}

interface AppPin {
  pinType?: unknown;
  parentMsgKey?: unknown;
}

/** The messages pinned in a chat, as whatsapp-web.js reads them: the chat's rows of the pin table that pin (type 1). */
export async function pinnedMessages(req: Req, chatId: string): Promise<PageMessage[]> {
  const wid = req('WAWebWidFactory').createWid(chatId);
  const { Chat } = req('WAWebCollections');
  const chat = Chat.get(wid) ?? (await Chat.find?.(wid));
  if (!chat) return [];
  const rows: unknown = await watched('WAWebPinInChatSchema.getTable', 'message-actions', () =>
    req('WAWebPinInChatSchema').getTable().equals(['chatId'], widString(wid)),
  );
  const pins = (Array.isArray(rows) ? (rows as AppPin[]) : []).filter((row) => Number(row.pinType) === 1);
  const found = await Promise.all(
    pins.map(async (row) => {
      const key = typeof row.parentMsgKey === 'string' ? row.parentMsgKey : keyString(row.parentMsgKey as AppMsg['id']);
      return (await findMsg(req, key)) as AppMsg | undefined;
    }),
  );
  return found.filter((msg): msg is AppMsg => msg !== undefined).map(toPageMessage);
}

interface AppReactionSender {
  msgKey?: unknown;
  parentMsgKey?: unknown;
  senderUserJid?: unknown;
  reactionText?: unknown;
  /** Milliseconds. */
  timestamp?: unknown;
  read?: unknown;
  orphan?: unknown;
  orphanReason?: unknown;
  ack?: unknown;
}

/** The optional fields of a reaction row: present only when the app fills them (it leaves them null otherwise). */
function reactionExtras(row: { orphanReason?: unknown; ack?: unknown }): Pick<PageReaction, 'orphanReason' | 'ack'> {
  return {
    ...(typeof row.orphanReason === 'string' ? { orphanReason: row.orphanReason } : {}),
    ...(typeof row.ack === 'number' ? { ack: row.ack } : {}),
  };
}

/** A message's reactions by emoji with their senders (`WAWebCollections.Reactions`); `null` when it has none. */
export async function reactions(req: Req, messageId: string): Promise<PageReactionGroup[] | null> {
  const found = await watched('WAWebCollections.Reactions.find', 'reactions', () => req('WAWebCollections').Reactions.find(messageId));
  if (!found?.reactions?.length) return null;
  const groups: unknown = found.reactions.serialize();
  const chatId = (key: string): string => key.split('_')[1] ?? '';
  const asKey = (key: unknown): string => (typeof key === 'string' ? key : keyString(key as AppMsg['id']));
  return (Array.isArray(groups) ? (groups as Array<Record<string, unknown>>) : []).map((group) => ({
    id: String(group['id']),
    aggregateEmoji: String(group['aggregateEmoji']),
    hasReactionByMe: group['hasReactionByMe'] === true,
    senders: (Array.isArray(group['senders']) ? (group['senders'] as AppReactionSender[]) : []).map((s) => ({
      id: asKey(s.msgKey),
      msgId: asKey(s.parentMsgKey ?? messageId),
      chatId: chatId(asKey(s.parentMsgKey ?? messageId)),
      senderId: widString(s.senderUserJid),
      reaction: typeof s.reactionText === 'string' ? s.reactionText : '',
      timestamp: Math.round(Number(s.timestamp ?? 0) / 1000),
      read: s.read === true,
      orphan: Number(s.orphan ?? 0),
      ...reactionExtras(s),
    })),
  }));
}
