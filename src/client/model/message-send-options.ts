import type { MessageMedia } from './message-media';

/** The options of `sendMessage` waweb supports (whatsapp-web.js's names). */
export interface MessageSendOptions {
  quotedMessageId?: string;
  /** With media: the text under it. */
  caption?: string;
  /** Media to send with a text content, which becomes its caption. */
  media?: MessageMedia;
  sendMediaAsDocument?: boolean;
  sendAudioAsVoice?: boolean;
  /** An image sent as a sticker (made WebP by the app in the browser, as whatsapp-web.js does). */
  sendMediaAsSticker?: boolean;
  /** The sticker's pack name, written into the WebP's EXIF as whatsapp-web.js writes it. */
  stickerName?: string;
  /** The sticker's pack author (publisher), written into the WebP's EXIF. */
  stickerAuthor?: string;
  /** Ids (`<number>@c.us`) the text mentions with `@<number>`; one id or several. */
  mentions?: string | string[];
  /** Attach a preview of the first link in a text. @default true */
  linkPreview?: boolean;
  /** Send a text that is a vCard (`BEGIN:VCARD`…) as a contact card. @default true */
  parseVCards?: boolean;
  /** Mark the chat read before sending, as whatsapp-web.js does. @default true */
  sendSeen?: boolean;
  /** A photo or video the contact can open once (the media servers then forget it). */
  isViewOnce?: boolean;
  /** A video that plays as a GIF (`isGif`). */
  sendVideoAsGif?: boolean;
  /** An image prepared in HD (up to 2560 pixels a side instead of the app's default). */
  sendMediaAsHd?: boolean;
  /** Groups the text mentions, each shown as its `subject` (`Message.getGroupMentions` gives them back). */
  groupMentions?: Array<{ subject: string; id: string }>;
  /** The sticker's categories (emoji), written into its EXIF with `stickerName` or `stickerAuthor`. */
  stickerCategories?: string[];
  /** Accepted for whatsapp-web.js compatibility and not used (bot mentions such as Meta AI). */
  invokedBotWid?: string;
  /** Accepted for whatsapp-web.js compatibility and not used. */
  extra?: Record<string, unknown>;
  /** A `quotedMessageId` the device does not have: `true` sends without the quote, `false` fails the send. @default true */
  ignoreQuoteErrors?: boolean;
  /**
   * `true` resolves once the server has the message; `false` once it is in the chat (its `ack` then 0).
   * @default true (whatsapp-web.js's default is false; docs/client.md says why)
   */
  waitUntilMsgSent?: boolean;
}
