/**
 * The app's message models as waweb reports them (`PageMessage`), and the id helpers that read
 * wids and keys whichever way the app builds them.
 */
import { businessFields } from './business-fields';
import type { PageInviteV4, PageLocation, PageMessage } from '../bridge';
import { featureOff } from './contract';
import { watched } from './drift';
import { senderIds } from './lid';
import { pollMessageFields } from './poll-fields';

// The app's modules are untyped (see eslint.config.mjs for the page folder).
export type Req = (name: string) => any;
export type Handler = (...args: any[]) => void;

/** The app's module loader (every module name used must be in docs/page-contract.md). */
export const req: Req = (name) => ((window as unknown as Record<string, Req>)['require'] as Req)(name);

export interface AppMsg {
  on(event: string, fn: Handler): void;
  id: { fromMe: boolean; remote: unknown; id: string; participant?: unknown; _serialized?: string };
  body?: string;
  caption?: string;
  type?: string;
  subtype?: string;
  t?: number;
  from?: unknown;
  to?: unknown;
  author?: unknown;
  ack?: number;
  isNewMsg?: boolean;
  directPath?: string;
  mediaObject?: unknown;
  serialize?(): Record<string, unknown>;
  once(event: string, fn: Handler): void;
}

/**
 * A wid's serialized form: its `_serialized`, as whatsapp-web.js reads it; without one (an unverified
 * case, docs/page-contract.md), `user@server` from the fields whatsapp-web.js also reads.
 */
export function widString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return '';
  const { _serialized: serialized, user, server } = value as { _serialized?: unknown; user?: unknown; server?: unknown };
  if (typeof serialized === 'string') return serialized;
  return typeof user === 'string' && typeof server === 'string' ? `${user}@${server}` : '';
}

/**
 * A message key's serialized form: its `_serialized`; newer app builds may drop it, so without one it is
 * built from the key's fields as the app serializes keys: `<fromMe>_<remote>_<id>[_<participant>]`.
 */
export function keyString(key: AppMsg['id']): string {
  if (typeof key._serialized === 'string') return key._serialized;
  const participant = widString(key.participant);
  return `${key.fromMe}_${widString(key.remote)}_${key.id}${participant === '' ? '' : `_${participant}`}`;
}

export function toPageMessage(msg: AppMsg): PageMessage {
  const data = typeof msg.serialize === 'function' ? msg.serialize() : {};
  const hasMedia = typeof msg.directPath === 'string' && msg.directPath !== '';
  const text = (hasMedia ? msg.caption : msg.body) ?? '';
  // Without the link helpers (feature `links` off) messages come with no links.
  const findLinks = featureOff('links')
    ? undefined
    : (req('WALinkify').findLinks as (t: string) => Array<{ href: string; suspiciousCharacters?: Set<string> }>);
  const author = widString(msg.author);
  return {
    id: keyString(msg.id),
    chatId: widString(msg.id.remote),
    from: widString(msg.from),
    to: widString(msg.to),
    ...(author === '' ? {} : { author }),
    body: text,
    type: msg.type ?? 'chat',
    fromMe: msg.id.fromMe,
    timestamp: msg.t ?? 0,
    ack: typeof msg.ack === 'number' ? msg.ack : 0,
    hasMedia,
    hasQuotedMsg: Boolean(data['quotedMsg']),
    isForwarded: data['isForwarded'] === true,
    mentionedIds: Array.isArray(data['mentionedJidList']) ? (data['mentionedJidList'] as unknown[]).map(widString).filter(Boolean) : [],
    links: (findLinks?.(text) ?? []).map((l) => ({ link: l.href, isSuspicious: Boolean(l.suspiciousCharacters?.size) })),
    forwardingScore: typeof data['forwardingScore'] === 'number' ? data['forwardingScore'] : 0,
    isStarred: data['star'] === true,
    hasReaction: data['hasReaction'] === true,
    ...editAndMediaFields(data),
    ...(msg.type === 'location' ? { location: locationOf(data) } : {}),
    vCards: vCardsOf(msg.type, data),
    ...(msg.type === 'groups_v4_invite' ? { inviteV4: inviteV4Of(msg, data) } : {}),
    ...senderIds(req, msg),
    ...businessFields(data),
    ...pollMessageFields(msg.type, data),
  };
}

/** The fields whatsapp-web.js copies from the message's `serialize()` as they are (keys as serialized strings). */
function editAndMediaFields(
  data: Record<string, unknown>,
): Pick<
  PageMessage,
  | 'isGif'
  | 'isViewOnce'
  | 'mediaKey'
  | 'isEphemeral'
  | 'duration'
  | 'groupMentions'
  | 'latestEditSenderTimestampMs'
  | 'latestEditMsgKey'
  | 'protocolMessageKey'
> {
  const key = (value: unknown): string | undefined =>
    value !== null && typeof value === 'object' && 'id' in value ? keyString(value as AppMsg['id']) : undefined;
  const mentions = Array.isArray(data['groupMentions']) ? (data['groupMentions'] as Array<Record<string, unknown>>) : [];
  const editKey = key(data['latestEditMsgKey']);
  const protocolKey = key(data['protocolMessageKey']);
  return {
    isGif: Boolean(data['isGif']),
    ...(typeof data['isViewOnce'] === 'boolean' ? { isViewOnce: data['isViewOnce'] } : {}),
    ...(typeof data['mediaKey'] === 'string' ? { mediaKey: data['mediaKey'] } : {}),
    ...(typeof data['isEphemeral'] === 'boolean' ? { isEphemeral: data['isEphemeral'] } : {}),
    ...((typeof data['duration'] === 'string' || typeof data['duration'] === 'number') && data['duration']
      ? { duration: String(data['duration']) }
      : {}),
    groupMentions: mentions.map((m) => ({
      groupSubject: typeof m['groupSubject'] === 'string' ? m['groupSubject'] : '',
      groupJid: widString(m['groupJid']),
    })),
    ...(typeof data['latestEditSenderTimestampMs'] === 'number'
      ? { latestEditSenderTimestampMs: data['latestEditSenderTimestampMs'] }
      : {}),
    ...(editKey === undefined ? {} : { latestEditMsgKey: editKey }),
    ...(protocolKey === undefined ? {} : { protocolMessageKey: protocolKey }),
  };
}

/** A private group invite's fields, as whatsapp-web.js reads them from the message. */
function inviteV4Of(msg: AppMsg, data: Record<string, unknown>): PageInviteV4 {
  return {
    inviteCode: typeof data['inviteCode'] === 'string' ? data['inviteCode'] : '',
    inviteCodeExp: Number(data['inviteCodeExp'] ?? 0),
    groupId: widString(data['inviteGrp']),
    ...(typeof data['inviteGrpName'] === 'string' ? { groupName: data['inviteGrpName'] } : {}),
    fromId: widString(msg.from),
    toId: widString(msg.to),
  };
}

/**
 * A number change the message notifies, as whatsapp-web.js reads it: a contact's (`notification_template`,
 * `change_number`: the new id is `to`, the old one the other template parameter) or a group member's (`gp2`,
 * `modify`: from `author` to the first recipient); undefined for any other message.
 */
export function numberChange(msg: AppMsg): { oldId: string; newId: string; isContact: boolean } | undefined {
  const data = typeof msg.serialize === 'function' ? msg.serialize() : {};
  const isContact = msg.type === 'notification_template' && msg.subtype === 'change_number';
  if (!isContact && !(msg.type === 'gp2' && msg.subtype === 'modify')) return undefined;
  const recipients = Array.isArray(data['recipients']) ? (data['recipients'] as unknown[]) : [];
  const newId = widString(isContact ? msg.to : recipients[0]);
  const params = Array.isArray(data['templateParams']) ? (data['templateParams'] as unknown[]).map(widString) : [];
  const oldId = isContact ? (params.find((id) => id !== newId) ?? '') : widString(msg.author);
  return { oldId, newId, isContact };
}

/** A location message's place: the description's first line is the name, the second the address. */
function locationOf(data: Record<string, unknown>): PageLocation {
  const [name, address] = typeof data['loc'] === 'string' && data['loc'] !== '' ? data['loc'].split('\n') : [];
  const url = typeof data['clientUrl'] === 'string' ? data['clientUrl'] : undefined;
  return {
    latitude: Number(data['lat']),
    longitude: Number(data['lng']),
    ...(name === undefined ? {} : { name }),
    ...(address === undefined ? {} : { address }),
    ...(url === undefined || name === undefined ? {} : { url }),
  };
}

function vCardsOf(type: string | undefined, data: Record<string, unknown>): string[] {
  if (type === 'vcard') return typeof data['body'] === 'string' ? [data['body']] : [];
  if (type !== 'multi_vcard' || !Array.isArray(data['vcardList'])) return [];
  return (data['vcardList'] as Array<{ vcard?: unknown }>).map((c) => (typeof c.vcard === 'string' ? c.vcard : '')).filter(Boolean);
}

/** The chat with `chatId`: the loaded one, or the one the app finds or creates; `null` if neither. */
export async function findChat(req: Req, chatId: string): Promise<any> {
  const wid = req('WAWebWidFactory').createWid(chatId);
  // A channel's chat is in the channels' collection: the known one, or its preview loaded from the servers (as whatsapp-web.js's getChat).
  if (/@\w*newsletter\b/.test(chatId)) {
    const channels = req('WAWebCollections').WAWebNewsletterCollection;
    if (channels.get(chatId)) return channels.get(chatId);
    try {
      await watched('WAWebLoadNewsletterPreviewChatAction.loadNewsletterPreviewChat', 'channels', () =>
        req('WAWebLoadNewsletterPreviewChatAction').loadNewsletterPreviewChat(chatId),
      );
      return await channels.find(wid);
    } catch (err) {
      if ((err as { name?: unknown } | null)?.name === 'ServerStatusCodeError') return null;
      throw err;
    }
  }
  return req('WAWebCollections').Chat.get(wid) ?? (await req('WAWebFindChatAction').findOrCreateLatestChat(wid))?.chat ?? null;
}

/** The message with key `messageId`: the loaded one, or the one the app loads from its store. */
export async function findMsg(req: Req, messageId: string): Promise<any> {
  const { Msg } = req('WAWebCollections');
  return Msg.get(messageId) ?? (await Msg.getMessagesById?.([messageId]))?.messages?.[0];
}

/**
 * The last few hundred new messages as they were reported, so a revoke can say what the message was
 * (whatsapp-web.js keeps only the last changed one, which a burst of messages overwrites).
 */
export class RecentMessages {
  readonly #byId = new Map<string, PageMessage>();

  constructor(private readonly limit = 500) {}

  keep(msg: AppMsg): void {
    if (msg.type === 'revoked' || msg.type === 'ciphertext') return;
    const id = keyString(msg.id);
    this.#byId.delete(id);
    this.#byId.set(id, toPageMessage(msg));
    if (this.#byId.size > this.limit) this.#byId.delete(this.#byId.keys().next().value as string);
  }

  /** The message as last kept, and forgets it. */
  forget(id: string): PageMessage | undefined {
    const kept = this.#byId.get(id);
    this.#byId.delete(id);
    return kept;
  }
}
