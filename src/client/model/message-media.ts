/**
 * `MessageMedia`, as whatsapp-web.js users know it: a mimetype, base64 data and an optional file
 * name; made from a file or a URL, sent with `sendMessage`, returned by `downloadMedia()`.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidOptionError, errorMessage } from '../../errors';

/** The types bots send most, by file extension; anything else is `application/octet-stream`. */
const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.mp4': 'video/mp4',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.opus': 'audio/ogg; codecs=opus',
  '.m4a': 'audio/mp4',
  '.wav': 'audio/wav',
  '.pdf': 'application/pdf',
  '.txt': 'text/plain',
  '.csv': 'text/csv',
  '.json': 'application/json',
  '.zip': 'application/zip',
  '.doc': 'application/msword',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** `MessageMedia.fromUrl` options (whatsapp-web.js's `MediaFromURLOptions`, plus `signal`). */
export interface MediaFromURLOptions {
  /** Trust the URL's file extension when the server sends no content type. */
  unsafeMime?: boolean;
  filename?: string;
  /** Aborts the download. */
  signal?: AbortSignal;
  /** Accepted for whatsapp-web.js compatibility and not used: waweb downloads in Node, not through the page. */
  client?: unknown;
  /** Accepted for whatsapp-web.js compatibility and not used (`signal` aborts). */
  reqOptions?: unknown;
}

/**
 * A file as whatsapp-web.js users know it: a mimetype, base64 data and an optional file name; made
 * from a file or a URL, sent with `sendMessage`, returned by `downloadMedia()`.
 */
export class MessageMedia {
  /**
   * @param mimetype e.g. `image/png`
   * @param data the bytes, base64-encoded
   * @param filename shown for documents
   * @param filesize bytes, when known
   */
  constructor(
    readonly mimetype: string,
    readonly data: string,
    readonly filename?: string | null,
    readonly filesize?: number | null,
  ) {
    if (typeof mimetype !== 'string' || !/^[\w.+-]+\/[\w.+-]+/.test(mimetype))
      throw new InvalidOptionError(`mimetype must be a MIME type, got ${JSON.stringify(mimetype)}`);
    if (typeof data !== 'string' || data.length === 0) throw new InvalidOptionError('data must be non-empty base64');
  }

  /**
   * A file from disk, read synchronously as in whatsapp-web.js (so `sendMessage(id,
   * MessageMedia.fromFilePath(p))` works); the mimetype from its extension. `fromFilePathAsync` does
   * the same without blocking the event loop.
   */
  static fromFilePath(filePath: string): MessageMedia {
    let bytes: Buffer;
    try {
      bytes = readFileSync(filePath);
    } catch (err) {
      throw new InvalidOptionError(`cannot read ${filePath}: ${errorMessage(err)}`, { cause: err });
    }
    return MessageMedia.#fromBytes(filePath, bytes);
  }

  /** `fromFilePath` without blocking: resolves with the file's `MessageMedia`. */
  static async fromFilePathAsync(filePath: string): Promise<MessageMedia> {
    let bytes: Buffer;
    try {
      bytes = await readFile(filePath);
    } catch (err) {
      throw new InvalidOptionError(`cannot read ${filePath}: ${errorMessage(err)}`, { cause: err });
    }
    return MessageMedia.#fromBytes(filePath, bytes);
  }

  static #fromBytes(filePath: string, bytes: Buffer): MessageMedia {
    const mimetype = MIME_BY_EXTENSION[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
    return new MessageMedia(mimetype, bytes.toString('base64'), path.basename(filePath), bytes.length);
  }

  /** A file fetched from `url` (the response's content type, unless `unsafeMime` says otherwise). */
  static async fromUrl(url: string, options: MediaFromURLOptions = {}): Promise<MessageMedia> {
    let res: Response;
    try {
      res = await fetch(url, options.signal ? { signal: options.signal } : {});
    } catch (err) {
      throw new InvalidOptionError(`cannot fetch ${url}: ${errorMessage(err)}`, { cause: err });
    }
    if (!res.ok) throw new InvalidOptionError(`cannot fetch ${url}: HTTP ${res.status}`);
    const type = res.headers.get('content-type')?.split(';')[0]?.trim();
    const fromName = MIME_BY_EXTENSION[path.extname(new URL(url).pathname).toLowerCase()];
    const mimetype = type && type !== '' ? type : options.unsafeMime === true && fromName ? fromName : 'application/octet-stream';
    const bytes = Buffer.from(await res.arrayBuffer());
    return new MessageMedia(
      mimetype,
      bytes.toString('base64'),
      options.filename ?? (path.basename(new URL(url).pathname) || null),
      bytes.length,
    );
  }
}
