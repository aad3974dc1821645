/**
 * What the simulated app reads from the message data a client passes to `addAndSendMsgToChat`:
 * the media reference, the type-specific fields (location, contact card), mentions and forwarding.
 * Keys it does not know are ignored, as the contract asks.
 */
import type { WireMedia, WireVcard } from '../protocol';
import type { GroupMention } from './wa-models';
import { createWid, type Wid } from './wid';

/** Type-specific fields the app keeps on a message model, by message type. */
const KEPT_FIELDS: Readonly<Record<string, readonly string[]>> = {
  location: ['lat', 'lng', 'loc', 'clientUrl'],
  vcard: ['vcardFormattedName'],
  groups_v4_invite: ['inviteCode', 'inviteCodeExp', 'inviteGrp', 'inviteGrpName'],
};

/** The media reference in a message's data (`directPath` and `mediaKey` from the upload), if any. */
export function mediaOf(data: Record<string, unknown>): WireMedia | undefined {
  const str = (k: string): string | undefined => (typeof data[k] === 'string' ? data[k] : undefined);
  const directPath = str('directPath');
  const mediaKey = str('mediaKey');
  if (directPath === undefined || mediaKey === undefined) return undefined;
  const filename = str('filename');
  const caption = str('caption');
  return {
    directPath,
    mediaKey,
    mediaKeyTimestamp: typeof data['mediaKeyTimestamp'] === 'number' ? data['mediaKeyTimestamp'] : Math.floor(Date.now() / 1000),
    // A sticker uploaded on its own (`WAWebUploadManager`) comes without a mimetype: stickers are WebP.
    mimetype: str('mimetype') ?? (data['type'] === 'sticker' ? 'image/webp' : 'application/octet-stream'),
    size: typeof data['size'] === 'number' ? data['size'] : 0,
    filehash: str('filehash') ?? '',
    encFilehash: str('encFilehash') ?? '',
    ...(filename === undefined ? {} : { filename }),
    ...(caption === undefined ? {} : { caption }),
    ...(data['isViewOnce'] === true ? { viewOnce: true } : {}),
    ...(data['isGif'] === true && data['type'] === 'video' ? { gifPlayback: true } : {}),
  };
}

export interface MsgExtras {
  fields: Record<string, string | number>;
  mentions: Wid[];
  groupMentions: GroupMention[];
  forwardingScore: number;
  vcards: WireVcard[] | undefined;
}

/** Location and contact-card fields, mentioned ids, forwarding score and card list of a message's data. */
export function extrasOf(data: Record<string, unknown>): MsgExtras {
  const fields: Record<string, string | number> = {};
  for (const key of KEPT_FIELDS[String(data['type'])] ?? []) {
    const value = data[key];
    if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) fields[key] = value;
  }
  const mentions = Array.isArray(data['mentionedJidList'])
    ? (data['mentionedJidList'] as unknown[]).flatMap((m) => {
        try {
          return [createWid(m)];
        } catch {
          return [];
        }
      })
    : [];
  const groupMentions = Array.isArray(data['groupMentions'])
    ? (data['groupMentions'] as Array<Record<string, unknown>>).flatMap((g) => {
        try {
          return [{ groupJid: createWid(g?.['groupJid']), groupSubject: typeof g?.['groupSubject'] === 'string' ? g['groupSubject'] : '' }];
        } catch {
          return [];
        }
      })
    : [];
  const score = data['forwardingScore'];
  const list = data['vcardList'];
  const vcards = Array.isArray(list)
    ? (list as Array<Record<string, unknown>>)
        .filter((c) => typeof c?.['vcard'] === 'string')
        .map((c) => ({ displayName: typeof c['displayName'] === 'string' ? c['displayName'] : '', vcard: c['vcard'] as string }))
    : undefined;
  return {
    fields,
    mentions,
    groupMentions,
    forwardingScore: typeof score === 'number' && Number.isInteger(score) && score > 0 ? score : 0,
    vcards,
  };
}

/** A vCard's properties by name (the part before `:` and any `;parameters`), unfolded. */
export function parseVcard(text: unknown): Record<string, string[]> | null {
  if (typeof text !== 'string' || !/^BEGIN:VCARD/i.test(text.trim())) return null;
  const props: Record<string, string[]> = {};
  for (const line of text.replace(/\r?\n[ \t]/g, '').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line
      .slice(0, colon)
      .split(';')[0]!
      .replace(/^item\d+\./i, '')
      .toUpperCase();
    (props[name] ??= []).push(line.slice(colon + 1));
  }
  return props['END'] ? props : null;
}

/** The display name of a parsed vCard: `FN`, else `N` as "given family". */
export function vcardName(parsed: Record<string, string[]> | null): string {
  const unescape = (v: string): string => v.replace(/\\([\\,;])/g, '$1').replace(/\\n/gi, '\n');
  const fn = parsed?.['FN']?.[0];
  if (fn) return unescape(fn);
  const [family = '', given = ''] = (parsed?.['N']?.[0] ?? '').split(';');
  return unescape(`${given} ${family}`.trim());
}
