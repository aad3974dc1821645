/**
 * Media between a phone and its devices: a contact's image, document, voice note or sticker onto
 * the media servers and into the devices; and what a device sent, downloaded as the contact's phone
 * would.
 */
import { SimulatorError } from './errors';
import type { SimulatorHub } from './hub';
import type { WireMessage } from './protocol';
import { contactNumber } from './state';

export interface PhoneMedia {
  data: Buffer;
  mimetype: string;
  filename?: string;
  caption?: string;
  /** `image`, `video`, `audio`, `ptt` (voice note), `document`, `sticker`. @default from the mimetype */
  type?: string;
}

export interface SentMedia {
  data: Buffer;
  mimetype: string;
  filename?: string;
  caption?: string;
}

/**
 * A contact sends media (an image, a document, a voice note, a sticker): encrypted onto the media
 * servers, then delivered like a text, `type` from the mimetype unless given.
 */
export async function deliverMedia(hub: SimulatorHub, number: string, from: unknown, media: PhoneMedia): Promise<WireMessage> {
  if (!media || !Buffer.isBuffer(media.data) || media.data.length === 0)
    throw new SimulatorError(400, 'media.data must be a non-empty Buffer');
  if (typeof media.mimetype !== 'string' || !/^[\w.+-]+\/[\w.+-]+$/.test(media.mimetype))
    throw new SimulatorError(400, 'media.mimetype must be a MIME type');
  const sender = contactNumber(from);
  const account = hub.recipient(number);
  const uploaded = hub.media.upload(media.data);
  const type =
    media.type ??
    (media.mimetype.startsWith('image/')
      ? 'image'
      : media.mimetype.startsWith('audio/')
        ? 'audio'
        : media.mimetype.startsWith('video/')
          ? 'video'
          : 'document');
  const msg = hub.incoming(number, sender, '', {
    type,
    media: {
      ...uploaded,
      mediaKeyTimestamp: Math.floor(Date.now() / 1000),
      mimetype: media.mimetype,
      ...(media.filename === undefined ? {} : { filename: media.filename }),
      ...(media.caption === undefined ? {} : { caption: media.caption }),
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
  const { media } = msg;
  return {
    data: hub.media.download(media.directPath, media.mediaKey),
    mimetype: media.mimetype,
    ...(media.filename === undefined ? {} : { filename: media.filename }),
    ...(media.caption === undefined ? {} : { caption: media.caption }),
  };
}
