/**
 * Media between a phone and its devices: a contact's image, document, voice note or sticker onto
 * the media servers and into the devices; and what a device sent, downloaded as the contact's phone
 * would.
 */
import { randomBytes } from 'node:crypto';
import { SimulatorError } from './errors';
import type { SimulatorHub } from './hub';
import type { WireMessage } from './protocol';
import { assertPhoneNumber, remember } from './state';

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
  const sender = assertPhoneNumber(typeof from === 'string' ? from.replace(/@c\.us$/, '') : from);
  const account = hub.state.peek(number);
  if (!account || account.devices.length === 0) throw new SimulatorError(409, `phone ${number} has no linked device to deliver to`);
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
  const msg: WireMessage = {
    id: `SIM${hub.nextSeq().toString(16).toUpperCase()}${randomBytes(4).toString('hex').toUpperCase()}`,
    chatId: `${sender}@c.us`,
    from: `${sender}@c.us`,
    to: `${number}@c.us`,
    body: '',
    t: Math.floor(Date.now() / 1000),
    fromMe: false,
    type,
    media: {
      ...uploaded,
      mediaKeyTimestamp: Math.floor(Date.now() / 1000),
      mimetype: media.mimetype,
      ...(media.filename === undefined ? {} : { filename: media.filename }),
      ...(media.caption === undefined ? {} : { caption: media.caption }),
    },
  };
  remember(account, msg);
  if (!hub.state.isRegistered(sender)) hub.state.registered.add(sender);
  for (const device of account.devices) {
    const conn = hub.online(device.id);
    if (conn) hub.send(conn, { t: 'msg', msg });
    else (account.offline[device.id] ??= []).push(msg);
  }
  await hub.state.save();
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
