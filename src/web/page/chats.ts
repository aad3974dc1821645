/**
 * Chats, contacts and numbers as the app knows them (docs/page-contract.md, "Chats and contacts"),
 * read into plain objects for Node, and the chat actions bots use (read, typing, history).
 */
import type { PageChat, PageContact, PageMessage } from '../bridge';
import { watched } from './drift';
import { findChat, keyString, toPageMessage, widString, type AppMsg, type Req } from './messages';
import { lidAndPn, participantIds } from './lid';

export function toPageChat(req: Req, chat: any): PageChat {
  const data = typeof chat.serialize === 'function' ? chat.serialize() : {};
  const meta = chat.groupMetadata;
  const metaData = meta && typeof meta.serialize === 'function' ? meta.serialize() : undefined;
  const { Msg } = req('WAWebCollections');
  const last = chat.lastReceivedKey ? (Msg.get(keyString(chat.lastReceivedKey)) as AppMsg | undefined) : undefined;
  const muteExpiration = typeof chat.mute?.expiration === 'number' ? chat.mute.expiration : 0;
  return {
    id: widString(chat.id),
    // whatsapp-web.js's reading: the title from `formattedTitle`, the rest from `serialize()`.
    name: String(chat.formattedTitle ?? widString(chat.id)),
    isGroup: Boolean(meta),
    unreadCount: Number(data['unreadCount'] ?? 0),
    timestamp: Number(data['t'] ?? 0),
    archived: Boolean(data['archive']),
    pinned: Boolean(data['pin']),
    // A missing `mute` counts as muted (contract); `expiration` 0 means not muted.
    isMuted: chat.mute === undefined ? true : muteExpiration !== 0,
    muteExpiration,
    // As whatsapp-web.js reads it: a group is read-only when only admins may send, whoever this account is.
    isReadOnly: metaData ? metaData['announce'] === true : data['isReadOnly'] === true,
    isLocked: data['isLocked'] === true,
    ...(metaData
      ? {
          groupMetadata: {
            subject: String(metaData['subject'] ?? ''),
            owner: widString(metaData['owner']),
            desc: String(metaData['desc'] ?? ''),
            creation: Number(metaData['creation'] ?? 0),
            participants: ((metaData['participants'] as any[] | undefined) ?? []).map((p) => ({
              ...participantIds(req, p.id),
              isAdmin: p.isAdmin === true,
              isSuperAdmin: p.isSuperAdmin === true,
            })),
          },
        }
      : {}),
    ...(last ? { lastMessage: toPageMessage(last) } : {}),
  };
}

export async function getChats(req: Req): Promise<PageChat[]> {
  return (req('WAWebCollections').Chat.getModelsArray() as unknown[]).map((chat) => toPageChat(req, chat));
}

export async function getChat(req: Req, chatId: string): Promise<PageChat | null> {
  const chat = await findChat(req, chatId);
  return chat ? toPageChat(req, chat) : null;
}

function toPageContact(req: Req, contact: any): PageContact {
  const g = req('WAWebContactGetters');
  const id = contact.phoneNumber && contact.id?.isLid?.() ? contact.phoneNumber : contact.id;
  return {
    id: widString(id),
    number: String(g.getUserid(contact) ?? ''),
    ...(g.getName(contact) ? { name: String(g.getName(contact)) } : {}),
    ...(g.getPushname(contact) ? { pushname: String(g.getPushname(contact)) } : {}),
    ...(g.getShortName(contact) ? { shortName: String(g.getShortName(contact)) } : {}),
    isMe: Boolean(g.getIsMe(contact)),
    isUser: Boolean(g.getIsUser(contact)),
    isGroup: Boolean(g.getIsGroup(contact)),
    isMyContact: Boolean(req('WAWebFrontendContactGetters').getIsMyContact(contact)),
    isBusiness: contact.isBusiness === true,
    isBlocked: contact.isContactBlocked === true,
    ...optionalFields(g, contact),
    ...lidFields(req, contact.id),
  };
}

/** A contact's LID and phone-number id, where the app knows them. */
function lidFields(req: Req, wid: unknown): Pick<PageContact, 'lid' | 'phoneNumber'> {
  const { lid, pn } = lidAndPn(req, wid);
  return { ...(lid === undefined ? {} : { lid }), ...(pn === undefined ? {} : { phoneNumber: pn }) };
}

/** The fields whatsapp-web.js reads with getters that may be missing (read optionally) and from `serialize()`. */
function optionalFields(g: any, contact: any): Partial<PageContact> {
  const data: Record<string, unknown> = typeof contact.serialize === 'function' ? (contact.serialize() as Record<string, unknown>) : {};
  const flag = (value: unknown): boolean | undefined => (value === undefined ? undefined : Boolean(value));
  const fields: Partial<PageContact> = {
    isWAContact: flag(g.getIsWAContact?.(contact)),
    isEnterprise: flag(g.getIsEnterprise?.(contact)),
    statusMute: flag(g.getStatusMute?.(contact)),
    type: typeof data['type'] === 'string' ? data['type'] : undefined,
    sectionHeader: typeof data['sectionHeader'] === 'string' ? data['sectionHeader'] : undefined,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

export async function getContacts(req: Req): Promise<PageContact[]> {
  return (req('WAWebCollections').Contact.getModelsArray() as unknown[]).map((c) => toPageContact(req, c));
}

export async function getContact(req: Req, contactId: string): Promise<PageContact> {
  const wid = req('WAWebWidFactory').createWid(contactId);
  return toPageContact(req, await req('WAWebCollections').Contact.find(wid));
}

/** The registered user's wid for a number, or `null` when it is not on WhatsApp. */
export async function numberId(req: Req, number: string): Promise<string | null> {
  const wid = req('WAWebWidFactory').createWid(number.includes('@') ? number : `${number}@c.us`);
  const result = await watched('WAWebQueryExistsJob.queryWidExists', 'contacts', () => req('WAWebQueryExistsJob').queryWidExists(wid));
  return result?.wid ? widString(result.wid) : null;
}

/** Marks the chat read (and says so to the sender's phone). */
export async function sendSeen(req: Req, chatId: string): Promise<boolean> {
  const chat = await findChat(req, chatId);
  if (!chat) return false;
  const stream = req('WAWebStreamModel').Stream;
  stream.markAvailable();
  await watched('WAWebUpdateUnreadChatAction.sendSeen', 'chats', () =>
    req('WAWebUpdateUnreadChatAction').sendSeen({ chat, threadId: undefined }),
  );
  stream.markUnavailable();
  return true;
}

export async function chatState(req: Req, chatId: string, state: 'typing' | 'recording' | 'stop'): Promise<void> {
  const wid = req('WAWebWidFactory').createWid(chatId);
  const bridge = req('WAWebChatStateBridge');
  if (state === 'typing') await watched('WAWebChatStateBridge.sendChatStateComposing', 'chats', () => bridge.sendChatStateComposing(wid));
  else if (state === 'recording')
    await watched('WAWebChatStateBridge.sendChatStateRecording', 'chats', () => bridge.sendChatStateRecording(wid));
  else await watched('WAWebChatStateBridge.sendChatStatePaused', 'chats', () => bridge.sendChatStatePaused(wid));
}

/** The chat's messages, oldest first, loading earlier ones until `limit` (when given) is reached. */
export async function fetchMessages(
  req: Req,
  chatId: string,
  limit: number | undefined,
  fromMe: boolean | undefined,
): Promise<PageMessage[]> {
  const chat = await findChat(req, chatId);
  if (!chat) return [];
  const keep = (m: AppMsg): boolean => m.type !== 'gp2' && (fromMe === undefined || m.id.fromMe === fromMe);
  let msgs = (chat.msgs.getModelsArray() as AppMsg[]).filter(keep);
  while (limit !== undefined && msgs.length < limit) {
    const earlier = (await watched('WAWebChatLoadMessages.loadEarlierMsgs', 'chats', () =>
      req('WAWebChatLoadMessages').loadEarlierMsgs({ chat }),
    )) as AppMsg[] | undefined;
    if (!earlier || earlier.length === 0) break;
    msgs = [...earlier.filter(keep), ...msgs];
  }
  msgs.sort((a, b) => (a.t ?? 0) - (b.t ?? 0));
  if (limit !== undefined && msgs.length > limit) msgs = msgs.slice(msgs.length - limit);
  return msgs.map(toPageMessage);
}
