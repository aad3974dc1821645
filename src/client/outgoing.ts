/** How a message's content plus whatsapp-web.js's send options becomes what the page sends (text, media, a location, contact cards). */
import { IncompatibleWebError, InvalidOptionError } from '../errors';
import type { Logger } from '../util/logger';
import type { PageContent, PageLocation, PageMedia, PageSendOptions, PageVcard } from '../web/bridge';
import type { PageStickerPack } from '../web/bridge-media';
import type { WebPage } from '../web/web-page';
import { Buttons } from './model/buttons';
import { List } from './model/list';
import type { ContactCard, LocationInput, MessageContent } from './model/message-content';
import { MessageMedia } from './model/message-media';
import { Poll } from './model/poll';
import { eventInputOf, ScheduledEvent } from './model/scheduled-event';
import type { MessageSendOptions } from './model/message-send-options';

/**
 * Marks the chat seen before a send, as whatsapp-web.js does by default. A build where that no longer works
 * (`INCOMPATIBLE_WEB`: in January 2026 it made every send of such clients fail) is logged, and the send goes on.
 */
export async function markSeenBeforeSend(web: WebPage, chatId: string, log: Logger): Promise<void> {
  try {
    await web.sendSeen(chatId);
  } catch (err) {
    if (!(err instanceof IncompatibleWebError)) throw err;
    const members = err.missing.map((m) => `${m.module}.${m.member}`);
    log.warn(
      { event: 'send_seen_skipped', build: err.build, members },
      'the chat could not be marked seen before the send; sending anyway',
    );
  }
}

/** What the page is asked to send. */
export type Outgoing =
  | { kind: 'media'; media: PageMedia; options: PageSendOptions }
  | { kind: 'sticker'; media: PageMedia; pack: PageStickerPack; options: PageSendOptions }
  | { kind: 'content'; content: PageContent; options: PageSendOptions };

/** One contact as a vCard 3.0, the way the phone app shares a contact. */
export function contactVcard(contact: ContactCard): PageVcard {
  const name = contact.name ?? contact.pushname ?? contact.number;
  const escape = (text: string): string => text.replace(/[\\,;]/g, (c) => `\\${c}`).replace(/\r?\n/g, '\\n');
  const vcard = [
    'BEGIN:VCARD',
    'VERSION:3.0',
    `FN:${escape(name)}`,
    `TEL;type=CELL;type=VOICE;waid=${contact.number}:+${contact.number}`,
    'END:VCARD',
  ].join('\n');
  return { vcard, name };
}

/** A contact to send as a card: waweb's `Contact` or anything with its id and number. */
function isContactCard(value: unknown): value is ContactCard {
  if (typeof value !== 'object' || value === null) return false;
  const { id, number } = value as Partial<ContactCard>;
  return typeof id?._serialized === 'string' && typeof number === 'string';
}

/** A place to send: waweb's `Location` or anything with finite numeric coordinates. */
function isLocation(value: unknown): value is LocationInput {
  if (typeof value !== 'object' || value === null || !('latitude' in value) || !('longitude' in value)) return false;
  return Number.isFinite(Number(value.latitude)) && Number.isFinite(Number(value.longitude));
}

/** The pack of a sticker, from `stickerName`, `stickerAuthor` and `stickerCategories` (emoji). */
function stickerPackOf(options: MessageSendOptions): PageStickerPack {
  const { stickerName: name, stickerAuthor: author, stickerCategories: categories } = options;
  if ((name !== undefined && typeof name !== 'string') || (author !== undefined && typeof author !== 'string'))
    throw new InvalidOptionError('stickerName and stickerAuthor must be strings');
  if (categories !== undefined && categories !== null && (!Array.isArray(categories) || !categories.every((c) => typeof c === 'string')))
    throw new InvalidOptionError('stickerCategories must be a list of emoji strings');
  return { ...(name ? { name } : {}), ...(author ? { author } : {}), ...(categories ? { categories } : {}) };
}

/** Group mentions as whatsapp-web.js takes them: a list, or one bare `{ subject, id }` (example.js's !mentionGroups). */
function groupMentionsOf(value: unknown): Array<{ subject: string; id: string }> {
  return (Array.isArray(value) ? (value as unknown[]) : [value]).map((g) => {
    const { subject, id } = (typeof g === 'object' && g !== null ? g : {}) as Record<string, unknown>;
    if (typeof subject !== 'string' || typeof id !== 'string' || !id.endsWith('@g.us'))
      throw new InvalidOptionError('groupMentions must be { subject, id } with a group id like "123456789@g.us"');
    return { subject, id };
  });
}

function mentionsOf(value: MessageSendOptions['mentions'] | ContactCard[]): string[] {
  if (value === undefined) return [];
  const list: unknown[] = Array.isArray(value) ? value : [value];
  return list.map((m) => {
    if (isContactCard(m)) return m.id._serialized;
    if (typeof m !== 'string' || m === '') throw new InvalidOptionError('mentions must be ids like "15550001111@c.us"');
    return m.includes('@') ? m : `${m}@c.us`;
  });
}

/** Turns `content` and whatsapp-web.js's send options into what the page sends; throws `INVALID_OPTION` on a mismatch. */
export function toOutgoing(content: MessageContent, options: MessageSendOptions): Outgoing {
  const base: PageSendOptions = {
    ...(options.quotedMessageId === undefined ? {} : { quotedId: options.quotedMessageId }),
    mentions: mentionsOf(options.mentions),
    ...(options.groupMentions === undefined || options.groupMentions === null
      ? {}
      : { groupMentions: groupMentionsOf(options.groupMentions) }),
    linkPreview: options.linkPreview !== false,
    parseVCards: options.parseVCards !== false,
    ignoreQuoteErrors: options.ignoreQuoteErrors !== false,
    // As whatsapp-web.js: resolves once the message is in the chat unless told to wait for the server.
    waitUntilSent: options.waitUntilMsgSent === true,
  };
  let media: MessageMedia | undefined;
  let caption = options.caption;
  if (content instanceof MessageMedia) media = content;
  else if (typeof content === 'string' && options.media !== undefined) {
    if (!(options.media instanceof MessageMedia)) throw new InvalidOptionError('options.media must be a MessageMedia');
    media = options.media;
    caption = content;
  }
  if (media) {
    const page: PageMedia = { mimetype: media.mimetype, data: media.data, ...(media.filename ? { filename: media.filename } : {}) };
    const viewOnce = options.isViewOnce === true ? { isViewOnce: true } : {};
    // As whatsapp-web.js: a sticker to a chat is made and uploaded on its own path, its pack in the WebP's EXIF.
    if (options.sendMediaAsSticker === true)
      return { kind: 'sticker', media: page, pack: stickerPackOf(options), options: { ...base, ...viewOnce } };
    return {
      kind: 'media',
      media: page,
      options: {
        ...base,
        ...(caption === undefined ? {} : { caption }),
        asDocument: options.sendMediaAsDocument === true,
        asVoice: options.sendAudioAsVoice === true,
        asSticker: false,
        ...viewOnce,
        asGif: options.sendVideoAsGif === true,
        asHd: options.sendMediaAsHd === true,
      },
    };
  }
  if (typeof content === 'string') return { kind: 'content', content: { kind: 'text', body: content }, options: base };
  if (content instanceof Poll) {
    const { allowMultipleAnswers, messageSecret } = content.options;
    const poll = {
      name: content.pollName,
      options: content.pollOptions.map((o) => o.name),
      allowMultipleAnswers: allowMultipleAnswers === true,
    };
    return { kind: 'content', content: { kind: 'poll', poll: messageSecret ? { ...poll, messageSecret } : poll }, options: base };
  }
  if (content instanceof Buttons) {
    const { body, buttons, title, footer } = content;
    const page = { body: typeof body === 'string' ? body : '', buttons, ...(title ? { title } : {}), ...(footer ? { footer } : {}) };
    return { kind: 'content', content: { kind: 'buttons', buttons: page }, options: base };
  }
  if (content instanceof List) {
    const { body, buttonText, sections, title, footer } = content;
    const list = { description: body, buttonText, sections, ...(title ? { title } : {}), ...(footer ? { footer } : {}) };
    return { kind: 'content', content: { kind: 'list', list }, options: base };
  }
  if (content instanceof ScheduledEvent)
    return { kind: 'content', content: { kind: 'event', event: eventInputOf(content) }, options: base };
  if (isLocation(content)) {
    const { latitude, longitude, name, address, url } = content;
    const location: PageLocation = {
      latitude: Number(latitude),
      longitude: Number(longitude),
      ...(name === undefined ? {} : { name }),
      ...(address === undefined ? {} : { address }),
      ...(url === undefined ? {} : { url }),
    };
    return { kind: 'content', content: { kind: 'location', location }, options: base };
  }
  const contacts: unknown = isContactCard(content) ? [content] : content;
  if (Array.isArray(contacts) && contacts.length > 0 && contacts.every(isContactCard)) {
    return { kind: 'content', content: { kind: 'vcards', cards: contacts.map(contactVcard) }, options: base };
  }
  throw new InvalidOptionError('content must be a string, a MessageMedia, a Location, a Contact or an array of Contacts');
}
