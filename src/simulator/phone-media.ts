/**
 * Media between a phone and its devices: a contact's image, document, voice note or sticker onto
 * the media servers and into the devices; and what a device sent, downloaded as the contact's phone
 * would.
 */
import { SimulatorError } from './errors';
import type { SimulatorHub } from './hub';
import type { WireMedia, WireMessage } from './protocol';
import { contactNumber } from './state';
import { stickerPackOf, type StickerPack } from './webp-exif';

export interface PhoneMedia {
  data: Buffer;
  mimetype: string;
  filename?: string;
  caption?: string;
  /** `image`, `video`, `audio`, `ptt` (voice note), `document`, `sticker`. @default from the mimetype */
  type?: string;
  /** Sent as view-once: the devices can download it once. */
  viewOnce?: boolean;
  /** A video that plays as a GIF. */
  gifPlayback?: boolean;
}

export interface SentMedia {
  data: Buffer;
  mimetype: string;
  filename?: string;
  caption?: string;
  /** Set on view-once, GIF and HD media, as the device sent it. */
  viewOnce?: boolean;
  gifPlayback?: boolean;
  hd?: boolean;
  /** A WebP sticker's pack metadata, read from its EXIF (`sticker-pack-name`, `sticker-pack-publisher`, `emojis`). */
  stickerPack?: StickerPack;
}

/** The message type of `media` (`type`, or from its mimetype), once its data and mimetype are checked. */
export function checkedMediaType(media: PhoneMedia): string {
  if (!media || !Buffer.isBuffer(media.data) || media.data.length === 0)
    throw new SimulatorError(400, 'media.data must be a non-empty Buffer');
  if (typeof media.mimetype !== 'string' || !/^[\w.+-]+\/[\w.+-]+$/.test(media.mimetype))
    throw new SimulatorError(400, 'media.mimetype must be a MIME type');
  if (media.type !== undefined) return media.type;
  const [kind] = media.mimetype.split('/');
  return kind === 'image' || kind === 'audio' || kind === 'video' ? kind : 'document';
}

/**
 * A contact sends media (an image, a document, a voice note, a sticker): encrypted onto the media
 * servers, then delivered like a text, `type` from the mimetype unless given.
 */
export async function deliverMedia(hub: SimulatorHub, number: string, from: unknown, media: PhoneMedia): Promise<WireMessage> {
  const type = checkedMediaType(media);
  const sender = contactNumber(from);
  const account = hub.recipient(number);
  const uploaded = hub.media.upload(media.data);
  if (media.viewOnce === true) hub.media.markViewOnce(uploaded.directPath);
  const msg = hub.incoming(number, sender, '', {
    type,
    media: {
      ...uploaded,
      mediaKeyTimestamp: Math.floor(Date.now() / 1000),
      mimetype: media.mimetype,
      ...(media.filename === undefined ? {} : { filename: media.filename }),
      ...(media.caption === undefined ? {} : { caption: media.caption }),
      ...(media.viewOnce === true ? { viewOnce: true } : {}),
      ...(media.gifPlayback === true && type === 'video' ? { gifPlayback: true } : {}),
    },
  });
  if (!hub.state.isRegistered(sender)) hub.state.registered.add(sender);
  await hub.deliver(account, msg);
  return msg;
}

/** The bytes of media a device sent, as the contact's phone downloads them. 404 when expired. */
export function sentMedia(hub: SimulatorHub, number: string, messageId: unknown): SentMedia {
  const msg = typeof messageId === 'string' ? hub.account(number).sent.find((m) => m.id === messageId) : undefined;
  if (!msg?.media) throw new SimulatorError(404, `no media message ${JSON.stringify(messageId)} was sent from ${number}`);
  return mediaOf(msg.type ?? 'chat', msg.media, hub.media.download(msg.media.directPath, msg.media.mediaKey));
}

/** A channel post's file as a member's phone downloads it: channel media is stored unencrypted. 404 when expired. */
export function channelPostMedia(hub: SimulatorHub, type: string, media: WireMedia): SentMedia {
  const data = hub.media.get(media.directPath);
  if (!data) throw new SimulatorError(404, `media ${media.directPath} is gone (expired)`);
  return mediaOf(type, media, data);
}

function mediaOf(type: string, media: WireMedia, data: Buffer): SentMedia {
  const stickerPack = type === 'sticker' ? stickerPackOf(data) : undefined;
  return {
    data,
    mimetype: media.mimetype,
    ...(media.filename === undefined ? {} : { filename: media.filename }),
    ...(media.caption === undefined ? {} : { caption: media.caption }),
    ...(media.viewOnce === true ? { viewOnce: true } : {}),
    ...(media.gifPlayback === true ? { gifPlayback: true } : {}),
    ...(media.hd === true ? { hd: true } : {}),
    ...(stickerPack ? { stickerPack } : {}),
  };
}

/** A device's media reference with its flags checked: view-once files are served once from now on, HD is the upload's. */
export function deviceMedia(hub: SimulatorHub, media: WireMedia): WireMedia {
  const { viewOnce, gifPlayback, hd: _hd, ...rest } = media;
  if (viewOnce === true) hub.media.markViewOnce(media.directPath);
  return {
    ...rest,
    ...(viewOnce === true ? { viewOnce: true } : {}),
    ...(gifPlayback === true && media.mimetype.startsWith('video/') ? { gifPlayback: true } : {}),
    ...(hub.media.isHd(media.directPath) ? { hd: true } : {}),
  };
}
