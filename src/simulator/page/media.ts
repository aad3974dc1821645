/**
 * Media in the simulated app (docs/page-contract.md, "Media"): a file becomes opaque data, is
 * prepared (type, hash), encrypted under a fresh media key and uploaded to the media servers on
 * this origin; received media is downloaded by direct path and decrypted. AES-256-GCM under
 * SHA-256(mediaKey), IV first: the same scheme as the simulated phone.
 */
import { fromB64, toB64 } from './storage';

/** `WAWebMediaOpaqueData`: a blob with the members clients use. */
export class OpaqueData {
  #url: string | undefined;
  constructor(readonly blob: Blob) {}

  static async createFromData(data: Blob, mimetype: string): Promise<OpaqueData> {
    return new OpaqueData(data.type === mimetype ? data : new Blob([data], { type: mimetype }));
  }

  url(): string {
    this.#url ??= URL.createObjectURL(this.blob);
    return this.#url;
  }

  formData(): FormData {
    const form = new FormData();
    form.append('file', this.blob);
    return form;
  }

  autorelease(): void {
    if (this.#url !== undefined) URL.revokeObjectURL(this.#url);
    this.#url = undefined;
  }
}

async function sha256B64(data: ArrayBuffer): Promise<string> {
  return toB64(new Uint8Array(await crypto.subtle.digest('SHA-256', data)));
}

async function aesKey(mediaKey: Uint8Array): Promise<CryptoKey> {
  const raw = await crypto.subtle.digest('SHA-256', new Uint8Array(mediaKey));
  return crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

/** What `prepRawMedia` resolves to: the prepared file and its facts; `set` takes the upload's. */
export class MediaData {
  [key: string]: unknown;
  constructor(fields: Record<string, unknown>) {
    Object.assign(this, fields);
  }
  set(fields: Record<string, unknown>): void {
    Object.assign(this, fields);
  }
  toJSON(): Record<string, unknown> {
    const { mediaBlob: _blob, ...rest } = this;
    return rest;
  }
}

function typeFor(mimetype: string, params: Record<string, unknown>): string {
  if (params['asDocument'] === true) return 'document';
  if (params['asSticker'] === true) return 'sticker';
  if (params['isPtt'] === true) return 'ptt';
  if (mimetype.startsWith('image/')) return 'image';
  if (mimetype.startsWith('video/')) return 'video';
  if (mimetype.startsWith('audio/')) return 'audio';
  return 'document';
}

/** Media objects by file hash. */
const mediaObjects = new Map<string, Record<string, unknown>>();
/** The prepared bytes by file hash: what an upload encrypts and sends, and whether the image was prepared as HD. */
const prepared = new Map<string, { blob: Blob; hd: boolean }>();

/** The longest side the app keeps of an image it sends; HD (`maxDimension: 2560`) keeps more. */
const STANDARD_MAX_DIMENSION = 1600;

/** Encrypts `plain` under `mediaKey` (IV first) and posts it to the media servers; the upload's facts. */
async function encryptAndPost(plain: ArrayBuffer, mediaKey: Uint8Array, hd: boolean) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await aesKey(mediaKey), plain));
  const enc = new Uint8Array(iv.length + sealed.length);
  enc.set(iv);
  enc.set(sealed, iv.length);
  const res = await fetch(hd ? '/mms/upload?hd=1' : '/mms/upload', { method: 'POST', body: enc });
  if (!res.ok) throw new Error(`upload failed: ${res.status}`);
  const { directPath } = (await res.json()) as { directPath: string };
  const encFilehash = await sha256B64(enc.buffer);
  return { url: `${location.origin}${directPath}`, directPath, encFilehash, mediaKeyTimestamp: Math.floor(Date.now() / 1000) };
}

/** `WAWebImageUtils.toWebpSticker`: an image drawn into the 512×512 sticker square and encoded as WebP. */
async function toWebpSticker(file: Blob): Promise<Blob> {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(512 / bitmap.width, 512 / bitmap.height);
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = new OffscreenCanvas(512, 512);
  canvas.getContext('2d')?.drawImage(bitmap, (512 - width) / 2, (512 - height) / 2, width, height);
  bitmap.close();
  return canvas.convertToBlob({ type: 'image/webp' });
}

export const mediaModules: Record<string, unknown> = {
  WAWebMediaOpaqueData: OpaqueData,
  WAWebPrepRawMedia: {
    prepRawMedia: (opaque: OpaqueData, params: Record<string, unknown> = {}) => ({
      waitForPrep: async () => {
        const bytes = await opaque.blob.arrayBuffer();
        const mimetype = opaque.blob.type || 'application/octet-stream';
        const file = opaque.blob as Blob & { name?: string };
        const filehash = await sha256B64(bytes);
        const type = typeFor(mimetype, params);
        const maxDimension = Number(params['maxDimension'] ?? STANDARD_MAX_DIMENSION);
        prepared.set(filehash, { blob: opaque.blob, hd: type === 'image' && maxDimension > STANDARD_MAX_DIMENSION });
        // Only documents carry a file name on the wire (images, audio and stickers have none).
        const named = type === 'document' && typeof file.name === 'string' && file.name !== '';
        return new MediaData({
          type,
          mimetype,
          filehash,
          size: bytes.byteLength,
          mediaBlob: opaque,
          isGif: params['asGif'] === true && type === 'video',
          ...(named ? { filename: file.name } : {}),
        });
      },
    }),
  },
  WAWebMediaStorage: {
    getOrCreateMediaObject: (filehash: string) => {
      let media = mediaObjects.get(filehash);
      if (!media) {
        media = {
          filehash,
          contentInfo: {},
          consolidate(json: Record<string, unknown>): void {
            Object.assign(this, json);
          },
        };
        mediaObjects.set(filehash, media);
      }
      return media;
    },
  },
  WAWebMmsMediaTypes: { msgToMediaType: ({ type }: { type: string }) => type, castToV4: (type: string) => type },
  WAWebMediaDataUtils: { shouldUseMediaCache: () => false },
  WAWebMediaMmsV4Upload: {
    uploadMedia: async ({ mediaObject }: { mediaObject: Record<string, unknown> }) => {
      const file = prepared.get(String(mediaObject['filehash']));
      if (!file) throw new Error('upload failed: the media object has no data');
      const mediaKey = crypto.getRandomValues(new Uint8Array(32));
      const up = await encryptAndPost(await file.blob.arrayBuffer(), mediaKey, file.hd);
      return {
        mediaEntry: {
          mmsUrl: up.url,
          deprecatedMms3Url: up.url,
          directPath: up.directPath,
          mediaKey: toB64(mediaKey),
          mediaKeyTimestamp: up.mediaKeyTimestamp,
          encFilehash: up.encFilehash,
          uploadHash: up.encFilehash,
        },
      };
    },
    /** Channel media: the bytes unencrypted; the entry has no key, and a handle the channel post names. */
    uploadUnencryptedMedia: async ({
      mediaObject,
      calculateToken,
    }: {
      mediaObject: Record<string, unknown>;
      calculateToken?: () => string;
    }) => {
      const file = prepared.get(String(mediaObject['filehash']));
      if (!file) throw new Error('upload failed: the media object has no data');
      const token = typeof calculateToken === 'function' ? calculateToken() : String(mediaObject['filehash']);
      const res = await fetch(file.hd ? '/mms/upload?hd=1' : '/mms/upload', { method: 'POST', body: file.blob });
      if (!res.ok) throw new Error(`upload failed: ${res.status}`);
      const { directPath } = (await res.json()) as { directPath: string };
      const url = `${location.origin}${directPath}`;
      return {
        mediaEntry: {
          mmsUrl: url,
          deprecatedMms3Url: url,
          directPath,
          mediaKeyTimestamp: Math.floor(Date.now() / 1000),
          encFilehash: token,
          uploadHash: token,
          handle: directPath,
        },
      };
    },
  },
  WAWebImageUtils: { toWebpSticker },
  /** Channel media is uploaded as it is, under a random token (`getRandomFilehash`) for the upload's hash. */
  WAMediaCalculateFilehash: { getRandomFilehash: () => toB64(crypto.getRandomValues(new Uint8Array(32))) },
  WAWebStartMediaUploadQpl: { startMediaUploadQpl: () => ({ addAnnotations: () => undefined, addPoint: () => undefined }) },
  /** Stickers are uploaded on their own, under the media key the caller chose (whatsapp-web.js's `processStickerData`). */
  WAWebUploadManager: {
    encryptAndUpload: async ({ blob, mediaKey }: { blob: Blob; type: string; mediaKey: string }) => {
      const up = await encryptAndPost(await blob.arrayBuffer(), fromB64(mediaKey), false);
      return { ...up, mediaKey };
    },
  },
  WAWebDownloadManager: {
    downloadManager: {
      downloadAndMaybeDecrypt: async ({ directPath, mediaKey }: { directPath: string; mediaKey?: string }) => {
        const res = await fetch(directPath);
        if (res.status === 404) throw Object.assign(new Error('media expired'), { status: 404 });
        if (!res.ok) throw Object.assign(new Error(`download failed: ${res.status}`), { status: res.status });
        // Channel media has no key: it is stored as it is, so there is nothing to decrypt.
        if (!mediaKey) return res.arrayBuffer();
        const enc = new Uint8Array(await res.arrayBuffer());
        return crypto.subtle.decrypt({ name: 'AES-GCM', iv: enc.slice(0, 12) }, await aesKey(fromB64(mediaKey)), enc.slice(12));
      },
    },
  },
  WAWebMediaInMemoryBlobCache: { InMemoryMediaBlobCache: { put: () => undefined } },
};
