/**
 * A sticker's pack metadata as WhatsApp phones read it: the WebP file's `EXIF` chunk holds a TIFF
 * directory whose tag 0x5741 is a JSON object (`sticker-pack-id`, `sticker-pack-name`,
 * `sticker-pack-publisher`, `emojis`). This is what whatsapp-web.js writes for `stickerName`,
 * `stickerAuthor` and `stickerCategories`.
 */

export interface StickerPack {
  id?: string;
  name?: string;
  publisher?: string;
  /** The categories (emoji) the sticker is filed under. */
  emojis?: string[];
}

const STICKER_TAG = 0x5741;

/** The `EXIF` chunk of a WebP file, or undefined. */
function exifChunk(webp: Buffer): Buffer | undefined {
  if (webp.length < 12 || webp.toString('latin1', 0, 4) !== 'RIFF' || webp.toString('latin1', 8, 12) !== 'WEBP') return undefined;
  let at = 12;
  while (at + 8 <= webp.length) {
    const fourcc = webp.toString('latin1', at, at + 4);
    const size = webp.readUInt32LE(at + 4);
    const body = at + 8;
    if (body + size > webp.length) return undefined;
    if (fourcc === 'EXIF') return webp.subarray(body, body + size);
    at = body + size + (size % 2);
  }
  return undefined;
}

/** The JSON object under tag 0x5741 of a TIFF block, or undefined. */
function stickerJson(tiff: Buffer): unknown {
  if (tiff.length < 8) return undefined;
  const order = tiff.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return undefined;
  const le = order === 'II';
  const u16 = (at: number): number => (le ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number): number => (le ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return undefined;
  const entries = u16(ifd);
  for (let i = 0; i < entries; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.length) return undefined;
    if (u16(entry) !== STICKER_TAG) continue;
    const count = u32(entry + 4);
    const start = count <= 4 ? entry + 8 : u32(entry + 8);
    if (start + count > tiff.length) return undefined;
    try {
      return JSON.parse(tiff.toString('utf8', start, start + count)) as unknown;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** A WebP sticker's pack metadata, or undefined when it carries none. */
export function stickerPackOf(webp: Buffer): StickerPack | undefined {
  const exif = exifChunk(webp);
  // Some writers keep the `Exif\0\0` prefix of JPEG APP1 blocks in the chunk.
  const tiff = exif?.toString('latin1', 0, 6) === 'Exif\0\0' ? exif.subarray(6) : exif;
  const json = tiff ? stickerJson(tiff) : undefined;
  if (typeof json !== 'object' || json === null) return undefined;
  const record = json as Record<string, unknown>;
  const str = (key: string): string | undefined => (typeof record[key] === 'string' ? record[key] : undefined);
  const emojis = Array.isArray(record['emojis']) ? record['emojis'].filter((e): e is string => typeof e === 'string') : undefined;
  const pack: StickerPack = {
    ...(str('sticker-pack-id') === undefined ? {} : { id: str('sticker-pack-id') }),
    ...(str('sticker-pack-name') === undefined ? {} : { name: str('sticker-pack-name') }),
    ...(str('sticker-pack-publisher') === undefined ? {} : { publisher: str('sticker-pack-publisher') }),
    ...(emojis === undefined ? {} : { emojis }),
  };
  return pack;
}
