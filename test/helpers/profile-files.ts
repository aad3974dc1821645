/**
 * For the archive tests: where a Chromium profile keeps WhatsApp Web's session, a file writer that
 * makes the folders on the way, and a zip of a folder made by archiver, the library
 * whatsapp-web.js's RemoteAuth zips with.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';

/** WhatsApp Web's IndexedDB in a profile. */
export const IDB = 'Default/IndexedDB/https_web.whatsapp.com_0.indexeddb.leveldb';
/** The profile's localStorage. */
export const LS = 'Default/Local Storage/leveldb';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- archiver ships no types; only what the tests use is declared
const archiver = require('archiver') as (format: 'zip') => {
  pipe(dest: NodeJS.WritableStream): void;
  directory(dir: string, dest: false): void;
  finalize(): Promise<void>;
  once(event: 'error', cb: (err: Error) => void): void;
};

/** Writes `data` at `rel` (slash-separated) under `root`, making its folders. */
export async function writeFileAt(root: string, rel: string, data: Buffer | string): Promise<void> {
  const file = path.join(root, ...rel.split('/'));
  await fsp.mkdir(path.dirname(file), { recursive: true });
  await fsp.writeFile(file, data);
}

/** What whatsapp-web.js 1.34.7's RemoteAuth makes of a folder: `archiver('zip')`, `directory(dir, false)`. */
export async function archiverZip(dir: string): Promise<Buffer> {
  const archive = archiver('zip');
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    sink.on('end', resolve);
    archive.once('error', reject);
  });
  archive.pipe(sink);
  archive.directory(dir, false);
  await archive.finalize();
  await done;
  return Buffer.concat(chunks);
}
