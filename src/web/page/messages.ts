/**
 * The app's message models as waweb reports them (`PageMessage`), and the id helpers that read
 * wids and keys whichever way the app builds them.
 */
import type { PageMessage } from '../bridge';

// The app's modules are untyped (see eslint.config.mjs for the page folder).
export type Req = (name: string) => any;
export type Handler = (...args: any[]) => void;

/** The app's module loader (every module name used must be in docs/page-contract.md). */
export const req: Req = (name) => ((window as unknown as Record<string, Req>)['require'] as Req)(name);

export interface AppMsg {
  on(event: string, fn: Handler): void;
  id: { fromMe: boolean; remote: unknown; id: string; _serialized: string };
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

export function widString(value: unknown): string {
  if (typeof value === 'string') return value;
  const serialized = (value as { _serialized?: unknown } | null)?._serialized;
  return typeof serialized === 'string' ? serialized : '';
}

/** A key's serialized form; newer app builds may drop `_serialized`, `toString()` still gives it. */
export function keyString(key: AppMsg['id']): string {
  return typeof key._serialized === 'string' ? key._serialized : (key as { toString(): string }).toString();
}

export function toPageMessage(msg: AppMsg): PageMessage {
  const data = typeof msg.serialize === 'function' ? msg.serialize() : {};
  const hasMedia = typeof msg.directPath === 'string' && msg.directPath !== '';
  const text = (hasMedia ? msg.caption : msg.body) ?? '';
  const findLinks = req('WALinkify')?.findLinks as ((t: string) => Array<{ href: string; suspiciousCharacters?: Set<string> }>) | undefined;
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
  };
}

/** The chat with `chatId`: the loaded one, or the one the app finds or creates; `null` if neither. */
export async function findChat(req: Req, chatId: string): Promise<any> {
  const wid = req('WAWebWidFactory').createWid(chatId);
  return req('WAWebCollections').Chat.get(wid) ?? (await req('WAWebFindChatAction').findOrCreateLatestChat(wid))?.chat ?? null;
}

/** The message with key `messageId`: the loaded one, or the one the app loads from its store. */
export async function findMsg(req: Req, messageId: string): Promise<any> {
  const { Msg } = req('WAWebCollections');
  return Msg.get(messageId) ?? (await Msg.getMessagesById?.([messageId]))?.messages?.[0];
}
