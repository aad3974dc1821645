/**
 * What a bot does to a message already in a chat (docs/page-contract.md, "Actions"): react, edit,
 * delete for everyone or for this device, and read the message it quotes.
 */
import type { PageEvent, PageMessage } from '../bridge';
import { watched } from './drift';
import { findMsg, keyString, toPageMessage, widString, type AppMsg, type Req } from './messages';

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

/** Edits an own text message; `null` when the app does not allow it (not own, not text, too old). */
export async function edit(req: Req, messageId: string, body: string): Promise<PageMessage | null> {
  const msg = await requireMsg(req, messageId);
  if (!req('WAWebMsgActionCapability').canEditText(msg)) return null;
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
  read?: boolean;
}

/**
 * Reports reactions others send. The app stores them through `reactionTableMode.bulkUpsert`
 * (optional in the contract: without it there are no reaction events, and nothing else breaks).
 */
export function watchReactions(req: Req, emit: (event: PageEvent) => void): void {
  let table: { bulkUpsert?: (list: AppReaction[], ...rest: unknown[]) => unknown } | undefined;
  try {
    table = req('WAWebAddonReactionTableMode').reactionTableMode;
  } catch {
    return;
  }
  const original = table?.bulkUpsert;
  if (!table || typeof original !== 'function') return;
  table.bulkUpsert = function (this: unknown, list: AppReaction[], ...rest: unknown[]) {
    for (const r of Array.isArray(list) ? list : []) {
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
        },
      });
    }
    return original.call(this, list, ...rest);
  };
}
