/**
 * A sticker's pack written into its WebP as whatsapp-web.js writes it with node-webpmux: an extended file
 * (`VP8X`, its EXIF flag set) whose `EXIF` chunk is a TIFF directory of one entry, tag 0x5741, holding the JSON
 * (`sticker-pack-id`, `sticker-pack-name`, `sticker-pack-publisher`, `emojis`). Bytes only: no app module.
 */
import type { PageStickerPack } from '../bridge-media';

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));
const u32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const u24 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff];

interface Chunk {
  fourcc: string;
  data: Uint8Array;
}

function chunksOf(webp: Uint8Array): Chunk[] {
  const text = (at: number): string => String.fromCharCode(...webp.subarray(at, at + 4));
  if (webp.length < 12 || text(0) !== 'RIFF' || text(8) !== 'WEBP') throw new Error('the sticker is not a WebP file');
  const view = new DataView(webp.buffer, webp.byteOffset, webp.byteLength);
  const chunks: Chunk[] = [];
  for (let at = 12; at + 8 <= webp.length;) {
    const size = view.getUint32(at + 4, true);
    chunks.push({ fourcc: text(at), data: webp.subarray(at + 8, at + 8 + size) });
    at += 8 + size + (size % 2);
  }
  return chunks;
}

/** A simple WebP's canvas (`VP8 ` lossy or `VP8L` lossless bitstream) as the `VP8X` header an extended file needs. */
function extendedHeader(image: Chunk): Uint8Array {
  const d = image.data;
  let width: number;
  let height: number;
  let alpha = false;
  if (image.fourcc === 'VP8L') {
    const bits = (d[1]! | (d[2]! << 8) | (d[3]! << 16) | (d[4]! << 24)) >>> 0;
    width = (bits & 0x3fff) + 1;
    height = ((bits >>> 14) & 0x3fff) + 1;
    alpha = ((bits >>> 28) & 1) === 1;
  } else if (image.fourcc === 'VP8 ') {
    width = (d[6]! | (d[7]! << 8)) & 0x3fff;
    height = (d[8]! | (d[9]! << 8)) & 0x3fff;
  } else throw new Error(`the sticker's WebP starts with an unknown chunk ${image.fourcc}`);
  return new Uint8Array([(alpha ? 0x10 : 0) | 0x08, 0, 0, 0, ...u24(width - 1), ...u24(height - 1)]);
}

/** The EXIF block whatsapp-web.js writes: a TIFF directory of one entry, tag 0x5741, holding the pack's JSON. */
function stickerExif(pack: PageStickerPack): Uint8Array {
  const id = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  const json = new TextEncoder().encode(
    JSON.stringify({
      'sticker-pack-id': id,
      'sticker-pack-name': pack.name,
      'sticker-pack-publisher': pack.author,
      emojis: pack.categories ?? [''],
    }),
  );
  const head = [0x49, 0x49, 0x2a, 0x00, ...u32(8), 0x01, 0x00, 0x41, 0x57, 0x07, 0x00, ...u32(json.length), ...u32(22)];
  return new Uint8Array([...head, ...json]);
}

/** `webp` with the pack's EXIF chunk (an extended WebP; an EXIF it had is replaced). */
export function withStickerPack(webp: Uint8Array, pack: PageStickerPack): Uint8Array<ArrayBuffer> {
  const chunks = chunksOf(webp).filter((c) => c.fourcc !== 'EXIF');
  const first = chunks[0];
  if (!first) throw new Error('the sticker WebP is empty');
  if (first.fourcc === 'VP8X') {
    const header = new Uint8Array(first.data);
    header[0] = header[0]! | 0x08;
    chunks[0] = { fourcc: 'VP8X', data: header };
  } else chunks.unshift({ fourcc: 'VP8X', data: extendedHeader(first) });
  chunks.push({ fourcc: 'EXIF', data: stickerExif(pack) });
  const body = chunks.flatMap((c) => [...ascii(c.fourcc), ...u32(c.data.length), ...c.data, ...(c.data.length % 2 ? [0] : [])]);
  return new Uint8Array([...ascii('RIFF'), ...u32(body.length + 4), ...ascii('WEBP'), ...body]);
}
