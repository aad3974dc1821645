/**
 * Status posts on the servers. A device's post is a message to `status@broadcast` (kept with what the account
 * sent, as its contacts' phones see it; a revoke takes it down). A contact's post reaches the account's devices
 * as a `status@broadcast` message whose author is the contact.
 */
import { SimulatorError } from './errors';
import type { SimulatorHub } from './hub';
import type { WireMessage } from './protocol';
import { contactNumber } from './state';

export const STATUS_CHAT = 'status@broadcast';

/** How a text status looks: the font (0 to 7) and the background as a 32-bit ARGB number. */
export interface StatusStyle {
  font?: number;
  backgroundColor?: number;
}

/** A contact's media status: an image, a video or an audio, with a caption. */
export interface StatusMedia {
  data: Buffer;
  mimetype: string;
  caption?: string;
}

/** The status posts of one account's phone (`phone.statusPosts`). */
export interface PhoneStatus {
  /** The contact `from` posts a text status: the account's devices get it (`isStatus`) and list it in `getBroadcasts()`. */
  receive(from: string, text: string, style?: StatusStyle): Promise<WireMessage>;
  /** The contact `from` posts an image, video or audio status. */
  receiveMedia(from: string, media: StatusMedia): Promise<WireMessage>;
  /** The account's own posts its contacts see now (revoked ones are gone), oldest first. */
  own(): WireMessage[];
}

/** The default background of a text status (the app's green), as whatsapp-web.js sends it. */
const DEFAULT_BACKGROUND = 0xff7acca5;

export class StatusActions {
  constructor(private readonly hub: SimulatorHub) {}

  of(number: string): PhoneStatus {
    return {
      receive: (from, text, style) => this.#receive(number, from, text, style ?? {}),
      receiveMedia: (from, media) => this.#receiveMedia(number, from, media),
      own: () => this.hub.account(number).sent.filter((m) => m.chatId === STATUS_CHAT && m.type !== 'revoked'),
    };
  }

  async #receive(number: string, from: unknown, text: unknown, style: StatusStyle): Promise<WireMessage> {
    if (typeof text !== 'string' || text === '' || text.length > 700)
      throw new SimulatorError(400, 'a text status needs 1 to 700 characters');
    const font = style.font ?? 0;
    const backgroundColor = style.backgroundColor ?? DEFAULT_BACKGROUND;
    if (!Number.isInteger(font) || font < 0 || font > 7) throw new SimulatorError(400, 'font must be a whole number from 0 to 7');
    if (!Number.isInteger(backgroundColor) || backgroundColor < 0 || backgroundColor > 0xffffffff)
      throw new SimulatorError(400, 'backgroundColor must be a 32-bit ARGB number');
    return this.#deliver(number, from, text, { type: 'chat', fields: { backgroundColor, font } });
  }

  async #receiveMedia(number: string, from: unknown, media: StatusMedia): Promise<WireMessage> {
    if (!media || !Buffer.isBuffer(media.data) || media.data.length === 0)
      throw new SimulatorError(400, 'media.data must be a non-empty Buffer');
    const kind = typeof media.mimetype === 'string' ? /^(image|video|audio)\/[\w.+-]+$/.exec(media.mimetype)?.[1] : undefined;
    if (kind === undefined) throw new SimulatorError(400, 'a media status is an image, a video or an audio (its MIME type)');
    const uploaded = this.hub.media.upload(media.data);
    return this.#deliver(number, from, '', {
      type: kind,
      media: {
        ...uploaded,
        mediaKeyTimestamp: Math.floor(Date.now() / 1000),
        mimetype: media.mimetype,
        ...(typeof media.caption === 'string' ? { caption: media.caption } : {}),
      },
    });
  }

  /** A post of contact `from` to account `number`'s devices: from `status@broadcast`, the contact its author. */
  async #deliver(number: string, from: unknown, body: string, extra: Partial<WireMessage>): Promise<WireMessage> {
    const sender = contactNumber(from);
    const account = this.hub.recipient(number);
    const msg = this.hub.incoming(number, sender, body, { ...extra, chatId: STATUS_CHAT, from: STATUS_CHAT, author: `${sender}@c.us` });
    await this.hub.deliver(account, msg);
    return { ...msg };
  }
}
