/**
 * Stickers as whatsapp-web.js 1.34.7 sends them to a chat (docs/page-contract.md, "Media"): an image made
 * WebP by the app (`WAWebImageUtils.toWebpSticker`), the pack's name, author and categories written into
 * the WebP's EXIF (as whatsapp-web.js writes them with node-webpmux), the file encrypted and uploaded on its
 * own (`WAWebUploadManager.encryptAndUpload`), then sent as a `sticker` message.
 */
import type { PageMedia, PageMessage, PageSendOptions } from '../bridge';
import type { PageStickerPack } from '../bridge-media';
import { watched } from './drift';
import type { Req } from './messages';
import { fromBase64, send } from './send';
import { withStickerPack } from './sticker-exif';

async function sha256B64(data: ArrayBuffer): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  return btoa(String.fromCharCode(...hash));
}

/**
 * The sticker file of `media`: made WebP by the app unless it is one, the pack written into its EXIF when
 * it has a name or an author (as whatsapp-web.js does).
 */
export async function stickerFile(req: Req, media: PageMedia, pack: PageStickerPack): Promise<File> {
  let webp: Blob = new Blob([fromBase64(media.data)], { type: media.mimetype });
  if (media.mimetype !== 'image/webp') {
    if (!media.mimetype.startsWith('image/')) throw new Error(`a sticker must be an image, not ${media.mimetype}`);
    const made = webp;
    webp = await watched('WAWebImageUtils.toWebpSticker', 'stickers', () => req('WAWebImageUtils').toWebpSticker(made));
  }
  const bytes = new Uint8Array(await webp.arrayBuffer());
  return new File([pack.name || pack.author ? withStickerPack(bytes, pack) : bytes], 'sticker.webp', { type: 'image/webp' });
}

/** Sends `media` as a sticker to a chat: its file (`stickerFile`) uploaded on its own, then sent. */
export async function sendSticker(
  req: Req,
  chatId: string,
  media: PageMedia,
  pack: PageStickerPack,
  options: PageSendOptions,
): Promise<PageMessage> {
  const file = await stickerFile(req, media, pack);
  const mediaKey = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
  const uploaded = await watched('WAWebUploadManager.encryptAndUpload', 'stickers', () =>
    req('WAWebUploadManager').encryptAndUpload({
      blob: file,
      type: 'sticker',
      signal: new AbortController().signal,
      mediaKey,
      uploadQpl: req('WAWebStartMediaUploadQpl').startMediaUploadQpl({ entryPoint: 'MediaUpload' }),
    }),
  );
  const fields: Record<string, unknown> = {
    ...uploaded,
    clientUrl: uploaded.url,
    deprecatedMms3Url: uploaded.url,
    uploadhash: uploaded.encFilehash,
    size: file.size,
    type: 'sticker',
    filehash: await sha256B64(await file.arrayBuffer()),
    body: undefined,
    ...(options.isViewOnce === true ? { isViewOnce: true } : {}),
  };
  return send(req, chatId, fields, options);
}
