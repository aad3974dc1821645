/**
 * A sticker's pack metadata (issue 27): waweb writes it into the WebP in the page (src/web/page/sticker-exif.ts), the
 * simulated phone reads it back (src/simulator/webp-exif.ts), for each kind of WebP a browser or a user gives.
 * No browser.
 */
import { withStickerPack } from '../../src/web/page/sticker-exif';
import { stickerPackOf } from '../../src/simulator/webp-exif';

function webp(...chunks: Array<[string, number[]]>): Uint8Array {
  const body = chunks.flatMap(([fourcc, data]) => {
    const size = Buffer.alloc(4);
    size.writeUInt32LE(data.length);
    return [...Buffer.from(fourcc, 'latin1'), ...size, ...data, ...(data.length % 2 ? [0] : [])];
  });
  const size = Buffer.alloc(4);
  size.writeUInt32LE(body.length + 4);
  return new Uint8Array([...Buffer.from('RIFF'), ...size, ...Buffer.from('WEBP'), ...body]);
}

/** A lossless bitstream header: 0x2f, then width-1 and height-1 in 14 bits each, then the alpha bit. */
function vp8l(width: number, height: number, alpha: boolean): number[] {
  const bits = ((width - 1) | ((height - 1) << 14) | ((alpha ? 1 : 0) << 28)) >>> 0;
  return [0x2f, bits & 0xff, (bits >>> 8) & 0xff, (bits >>> 16) & 0xff, (bits >>> 24) & 0xff, 0, 0, 0];
}

/** A lossy key frame header: frame tag, start code, then 14-bit width and height. */
function vp8(width: number, height: number): number[] {
  return [0x30, 0x01, 0x00, 0x9d, 0x01, 0x2a, width & 0xff, width >> 8, height & 0xff, height >> 8];
}

const pack = { name: 'Dots', author: 'The bot', categories: ['🙂'] };

test.each([
  ['a lossless (VP8L)', webp(['VP8L', vp8l(300, 200, true)]), 300, 200, 0x18],
  ['a lossy (VP8)', webp(['VP8 ', vp8(512, 256)]), 512, 256, 0x08],
  ['an extended (VP8X)', webp(['VP8X', [0x10, 0, 0, 0, 99, 0, 0, 99, 0, 0]], ['ALPH', [1]], ['EXIF', [1, 2, 3]]), 100, 100, 0x18],
])('%s sticker carries the pack where phones read it, in an extended WebP of the same size', (_kind, file, width, height, flags) => {
  const out = Buffer.from(withStickerPack(file, pack));
  expect(out.toString('latin1', 0, 4)).toBe('RIFF');
  expect(out.readUInt32LE(4)).toBe(out.length - 8);
  expect(out.toString('latin1', 12, 16)).toBe('VP8X');
  expect([out[20], out.readUIntLE(24, 3) + 1, out.readUIntLE(27, 3) + 1]).toEqual([flags, width, height]);
  expect(out.toString('latin1').split('EXIF').length).toBe(2);
  expect(stickerPackOf(out)).toEqual({ id: expect.stringMatching(/^[0-9a-f]{32}$/), name: 'Dots', publisher: 'The bot', emojis: ['🙂'] });
});

test('the EXIF block is laid out as whatsapp-web.js writes it (one TIFF entry, tag 0x5741, the JSON at offset 22)', () => {
  const out = Buffer.from(withStickerPack(webp(['VP8L', vp8l(8, 8, false)]), { name: 'N' }));
  const exif = out.subarray(out.indexOf('EXIF', 0, 'latin1') + 8);
  expect([...exif.subarray(0, 14)]).toEqual([0x49, 0x49, 0x2a, 0x00, 0x08, 0, 0, 0, 0x01, 0x00, 0x41, 0x57, 0x07, 0x00]);
  const length = exif.readUInt32LE(14);
  expect(exif.readUInt32LE(18)).toBe(22);
  expect(JSON.parse(exif.toString('utf8', 22, 22 + length))).toEqual({
    'sticker-pack-id': expect.any(String),
    'sticker-pack-name': 'N',
    emojis: [''],
  });
});

test('a file that is no WebP is refused, and a WebP without a pack reads as none', () => {
  expect(() => withStickerPack(new Uint8Array([1, 2, 3]), pack)).toThrow(/not a WebP/);
  expect(stickerPackOf(Buffer.from(webp(['VP8L', vp8l(8, 8, false)])))).toBeUndefined();
});
