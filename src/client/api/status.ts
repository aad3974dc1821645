/**
 * Status posts (declared in business.ts with the other issue-27 calls): posting to `status@broadcast` (text in a
 * font and colour, or media), revoking an own post, and the posters' statuses. Installed on `Client`'s prototype
 * (client.ts); `sendMessage` hands posts to {@link sendStatus}.
 */
import { InvalidOptionError } from '../../errors';
import { Broadcast, broadcastOf } from '../model/broadcast';
import type { MessageContent } from '../model/message-content';
import { Message } from '../model/message';
import { MessageMedia } from '../model/message-media';
import type { MessageSendOptions } from '../model/message-send-options';
import type { ModelClient } from '../model/model-client';
import { chatIdOf } from '../model/wid';
import { markSeenBeforeSend } from '../outgoing';
import type { BusinessApi } from './business';

export const STATUS_CHAT = 'status@broadcast';

/** A text status's background when none (or no valid one) is given: the app's green, as whatsapp-web.js sends it. */
const DEFAULT_BACKGROUND = 0xff7acca5;

/** A colour as whatsapp-web.js reads `extra.backgroundColor`: `#rrggbb` (opaque), `#aarrggbb`, or an ARGB number. */
function colorOf(value: unknown): number {
  if (value === undefined || value === null || value === '') return DEFAULT_BACKGROUND;
  let color: number;
  if (typeof value === 'number') color = value > 0 ? value : 0xffffffff + value + 1;
  else if (typeof value === 'string') {
    const hex = value.trim().replace('#', '');
    color = parseInt(hex.length <= 6 ? `FF${hex.padStart(6, '0')}` : hex, 16);
  } else throw new InvalidOptionError('extra.backgroundColor must be a hex colour like "#0b3296" or an ARGB number');
  return Number.isFinite(color) && color !== 0 ? color : DEFAULT_BACKGROUND;
}

/**
 * Posts `content` as a status, as whatsapp-web.js 1.34.7 does: a text in `extra.fontStyle` (0 to 7) on
 * `extra.backgroundColor` (it reads neither from the top level of the options), or an image, video or audio with a
 * caption. What a status cannot be (a document, a sticker, view-once, a quote, a location, a contact, a poll,
 * buttons, a list) is an `INVALID_OPTION` (whatsapp-web.js warns and returns null). Unlike whatsapp-web.js, a text
 * post's message is the one the app sent (its id is the post's).
 */
export async function sendStatus(client: ModelClient, content: MessageContent, options: MessageSendOptions): Promise<Message> {
  const media = content instanceof MessageMedia ? content : options.media instanceof MessageMedia ? options.media : undefined;
  const refused = [
    options.sendMediaAsDocument,
    options.quotedMessageId,
    options.parseVCards,
    options.isViewOnce,
    options.sendMediaAsSticker,
  ];
  if (refused.some((o) => o !== undefined && o !== false) || (media === undefined && typeof content !== 'string'))
    throw new InvalidOptionError('a status is a text, an image, a GIF, an audio or a video (no document, sticker, view-once or quote)');
  const web = client.readyPage('sendMessage()');
  if (options.sendSeen !== false) await markSeenBeforeSend(web, STATUS_CHAT, client.log);
  if (media) {
    const caption = content instanceof MessageMedia ? options.caption : (content as string);
    const file = { mimetype: media.mimetype, data: media.data, ...(media.filename ? { filename: media.filename } : {}) };
    return new Message(client, await web.call('postStatusMedia', file, caption));
  }
  const extra = options.extra ?? {};
  const font = extra['fontStyle'];
  const style = {
    color: colorOf(extra['backgroundColor']),
    font: typeof font === 'number' && Number.isInteger(font) && font >= 0 && font <= 7 ? font : 0,
  };
  return new Message(client, await web.call('postStatus', content as string, style));
}

export const statusApi: Pick<BusinessApi, 'getBroadcasts' | 'getBroadcastById' | 'revokeStatusMessage'> & ThisType<ModelClient> = {
  /** Every poster's status the device has (the account's own among them once it posted). */
  async getBroadcasts(): Promise<Broadcast[]> {
    return (await this.readyPage('getBroadcasts()').call('statuses')).map((data) => new Broadcast(this, data));
  },

  /** The status of a contact (or of the account): its live posts; none posted gives an empty one. */
  async getBroadcastById(contactId: string): Promise<Broadcast> {
    return broadcastOf(this, 'getBroadcastById()', chatIdOf(contactId, 'contactId'));
  },

  /** Takes an own status post down; nothing when the device has no such message; `INVALID_OPTION` for another message. */
  async revokeStatusMessage(messageId: string): Promise<void> {
    if (typeof messageId !== 'string' || messageId === '') throw new InvalidOptionError('messageId must be a message id');
    const result = await this.readyPage('revokeStatusMessage()').call('revokeStatus', messageId);
    if (result === 'not-own') throw new InvalidOptionError('revokeStatusMessage() revokes only an own status post');
  },
};
