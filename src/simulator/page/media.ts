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
/** The prepared bytes by file hash: what an upload encrypts and sends. */
const prepared = new Map<string, Blob>();

export const mediaModules: Record<string, unknown> = {
  WAWebMediaOpaqueData: OpaqueData,
  WAWebPrepRawMedia: {
    prepRawMedia: (opaque: OpaqueData, params: Record<string, unknown> = {}) => ({
      waitForPrep: async () => {
        const bytes = await opaque.blob.arrayBuffer();
        const mimetype = opaque.blob.type || 'application/octet-stream';
        const file = opaque.blob as Blob & { name?: string };
        const filehash = await sha256B64(bytes);
        prepared.set(filehash, opaque.blob);
        const type = typeFor(mimetype, params);
        // Only documents carry a file name on the wire (images, audio and stickers have none).
        const named = type === 'document' && typeof file.name === 'string' && file.name !== '';
        return new MediaData({
          type,
          mimetype,
          filehash,
          size: bytes.byteLength,
          mediaBlob: opaque,
          isGif: params['asGif'] === true,
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
      const blob = prepared.get(String(mediaObject['filehash']));
      if (!blob) throw new Error('upload failed: the media object has no data');
      const plain = await blob.arrayBuffer();
      const mediaKey = crypto.getRandomValues(new Uint8Array(32));
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await aesKey(mediaKey), plain));
      const enc = new Uint8Array(iv.length + sealed.length);
      enc.set(iv);
      enc.set(sealed, iv.length);
      const res = await fetch('/mms/upload', { method: 'POST', body: enc });
      if (!res.ok) throw new Error(`upload failed: ${res.status}`);
      const { directPath } = (await res.json()) as { directPath: string };
      return {
        mediaEntry: {
          mmsUrl: `${location.origin}${directPath}`,
          deprecatedMms3Url: `${location.origin}${directPath}`,
          directPath,
          mediaKey: toB64(mediaKey),
          mediaKeyTimestamp: Math.floor(Date.now() / 1000),
          encFilehash: await sha256B64(enc.buffer),
          uploadHash: await sha256B64(enc.buffer),
        },
      };
    },
  },
  WAWebDownloadManager: {
    downloadManager: {
      downloadAndMaybeDecrypt: async ({ directPath, mediaKey }: { directPath: string; mediaKey: string }) => {
        const res = await fetch(directPath);
        if (res.status === 404) throw Object.assign(new Error('media expired'), { status: 404 });
        if (!res.ok) throw Object.assign(new Error(`download failed: ${res.status}`), { status: res.status });
        const enc = new Uint8Array(await res.arrayBuffer());
        return crypto.subtle.decrypt({ name: 'AES-GCM', iv: enc.slice(0, 12) }, await aesKey(fromB64(mediaKey)), enc.slice(12));
      },
    },
  },
  WAWebMediaInMemoryBlobCache: { InMemoryMediaBlobCache: { put: () => undefined } },
};
