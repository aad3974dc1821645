/**
 * The media options of the typed bridge (./bridge.ts, the same part): what a media send carries for
 * view-once, GIF and HD, what a received message says of them, and a sticker's pack metadata. Types
 * only; it imports nothing.
 */

/** Send options of a photo or video (members of `PageSendOptions`). */
export interface PageMediaOptions {
  /** A photo or video the contact can open once (`isViewOnce`). */
  isViewOnce?: boolean;
  /** A video that plays as a GIF (`sendVideoAsGif`). */
  asGif?: boolean;
  /** An image prepared in HD (`sendMediaAsHd`: up to 2560 pixels a side). */
  asHd?: boolean;
}

/** What a message says of its media options (members of `PageMessage`). */
export interface PageMediaFlags {
  /** A view-once photo or video (as the app says; absent when it says nothing). */
  isViewOnce?: boolean;
  /** The media's key (base64), which also names a sticker. */
  mediaKey?: string;
}

/**
 * A sticker's pack metadata, written into the WebP's EXIF as whatsapp-web.js writes it (`sendSticker`: a
 * sticker as whatsapp-web.js sends one to a chat, made WebP by the app, uploaded on its own).
 */
export interface PageStickerPack {
  name?: string;
  author?: string;
  categories?: string[];
}
