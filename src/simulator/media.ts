/**
 * The simulated media servers, on the simulator's own origin: devices upload encrypted media
 * (`POST /mms/upload`) and download it by direct path (`GET /v/t62.7118-24/<id>`); expired media
 * answers 404, as the real servers do. Media is encrypted with a per-file media key: AES-256-GCM
 * under SHA-256(mediaKey), the 12-byte IV first, the tag last. The phone's side encrypts and
 * decrypts with the same scheme. View-once media is served once: after its first download it answers 404,
 * as WhatsApp lets a view-once photo or video be opened once.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SimulatorError } from './errors';

/** Largest upload accepted (the real limit for documents is far larger; tests need far less). */
const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;
export const MEDIA_PATH_PREFIX = '/v/t62.7118-24/';
/** Where profile pictures are served: plain JPEG bytes, public, as the real picture servers serve them. */
export const PICTURE_PATH_PREFIX = '/pp/';

export interface EncryptedMedia {
  directPath: string;
  /** base64 */
  mediaKey: string;
  /** base64 sha256 of the encrypted bytes */
  encFilehash: string;
  /** base64 sha256 of the plain bytes */
  filehash: string;
  size: number;
}

function aesKey(mediaKeyB64: string): Buffer {
  return createHash('sha256').update(Buffer.from(mediaKeyB64, 'base64')).digest();
}

export function encryptMedia(plain: Buffer, mediaKeyB64: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', aesKey(mediaKeyB64), iv);
  return Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

export function decryptMedia(enc: Buffer, mediaKeyB64: string): Buffer {
  if (enc.length < 28) throw new SimulatorError(400, 'media is too short to be encrypted media');
  const decipher = createDecipheriv('aes-256-gcm', aesKey(mediaKeyB64), enc.subarray(0, 12));
  decipher.setAuthTag(enc.subarray(enc.length - 16));
  return Buffer.concat([decipher.update(enc.subarray(12, enc.length - 16)), decipher.final()]);
}

const b64sha = (data: Buffer): string => createHash('sha256').update(data).digest('base64');

export class MediaServer {
  /** Profile pictures by path (`/pp/<id>.jpg`). */
  readonly #pictures = new Map<string, Buffer>();

  /** Keeps a profile picture; its path on the page's origin. */
  putPicture(jpeg: Buffer): string {
    const path = `${PICTURE_PATH_PREFIX}${randomBytes(12).toString('hex')}.jpg`;
    this.#pictures.set(path, jpeg);
    return path;
  }

  /** A profile picture's bytes, or undefined. */
  picture(path: string): Buffer | undefined {
    return this.#pictures.get(path);
  }

  /** Forgets a profile picture (its path answers 404). */
  dropPicture(path: string): void {
    this.#pictures.delete(path);
  }

  readonly #files = new Map<string, Buffer>();
  /** Direct paths of view-once media: the first download is the last. */
  readonly #viewOnce = new Set<string>();
  /** Direct paths uploaded as HD (prepared with a larger `maxDimension`, `POST /mms/upload?hd=1`). */
  readonly #hd = new Set<string>();

  /** From now on `directPath` is served once (a view-once message refers to it). */
  markViewOnce(directPath: string): void {
    if (this.#files.has(directPath)) this.#viewOnce.add(directPath);
  }

  /** Whether `directPath` was uploaded as HD media. */
  isHd(directPath: string): boolean {
    return this.#hd.has(directPath);
  }

  /** The encrypted bytes; a view-once file is forgotten as it is handed out. */
  #take(directPath: string): Buffer | undefined {
    const enc = this.#files.get(directPath);
    if (enc && this.#viewOnce.delete(directPath)) this.#files.delete(directPath);
    return enc;
  }

  /** Stores encrypted bytes; returns their direct path. */
  put(enc: Buffer): string {
    const directPath = `${MEDIA_PATH_PREFIX}${randomBytes(12).toString('hex')}`;
    this.#files.set(directPath, enc);
    return directPath;
  }

  get(directPath: string): Buffer | undefined {
    return this.#files.get(directPath);
  }

  /** The phone's side: encrypts `plain` under a new media key and stores it. */
  upload(plain: Buffer): EncryptedMedia {
    const mediaKey = randomBytes(32).toString('base64');
    const enc = encryptMedia(plain, mediaKey);
    return { directPath: this.put(enc), mediaKey, encFilehash: b64sha(enc), filehash: b64sha(plain), size: plain.length };
  }

  /** The phone's side of channel media: stored as it is (channels take media unencrypted), no key. */
  uploadPlain(plain: Buffer): EncryptedMedia {
    const filehash = b64sha(plain);
    return { directPath: this.put(plain), mediaKey: '', encFilehash: filehash, filehash, size: plain.length };
  }

  /** The phone's side: downloads and decrypts. 404 when expired or unknown. */
  download(directPath: string, mediaKeyB64: string): Buffer {
    const enc = this.#take(directPath);
    if (!enc) throw new SimulatorError(404, `media ${directPath} is gone (expired)`);
    return decryptMedia(enc, mediaKeyB64);
  }

  /** The media servers forget it: downloads answer 404 from now on. */
  expire(directPath: string): boolean {
    return this.#files.delete(directPath);
  }

  /** HTTP: `true` when the request was a media request (and has been answered). */
  handle(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    const headers = { 'cache-control': 'no-store' };
    if (path === '/mms/upload' && req.method === 'POST') {
      const hd = new URL(req.url ?? '/', 'http://localhost').searchParams.get('hd') === '1';
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_UPLOAD_BYTES) {
          res.writeHead(413, headers).end();
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => {
        if (res.headersSent) return;
        const directPath = this.put(Buffer.concat(chunks));
        if (hd) this.#hd.add(directPath);
        res.writeHead(200, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify({ directPath }));
      });
      return true;
    }
    if (path.startsWith(PICTURE_PATH_PREFIX) && (req.method === 'GET' || req.method === 'HEAD')) {
      const jpeg = this.#pictures.get(path);
      if (!jpeg) res.writeHead(404, headers).end();
      else res.writeHead(200, { ...headers, 'content-type': 'image/jpeg', 'content-length': jpeg.length }).end(jpeg);
      return true;
    }
    if (path.startsWith(MEDIA_PATH_PREFIX) && (req.method === 'GET' || req.method === 'HEAD')) {
      const enc = req.method === 'GET' ? this.#take(path) : this.#files.get(path);
      if (!enc) res.writeHead(404, headers).end();
      else res.writeHead(200, { ...headers, 'content-type': 'application/octet-stream', 'content-length': enc.length }).end(enc);
      return true;
    }
    return false;
  }
}
