/**
 * Archive files on disk, as `export --encrypt` writes them and `import`, `inspect` and `verify` read
 * them: plain session archives, or sealed with the current key of `WAWEB_ENCRYPTION_KEYS` (keys come
 * from the environment only: arguments show in `ps` and shell history).
 */
import { decryptData, encryptData, envelopeInfo, isEncrypted, keyRing, readArchiveFile } from '../../session/index';

/**
 * Bound into every encrypted archive file (with the file purpose, so a store blob cannot pass for
 * one, and back). Files written by earlier versions (version 1 envelopes) are still read, with a
 * warning: they were bound to this string alone.
 */
const ARCHIVE_FILE = { purpose: 'file', name: 'waweb-session-archive-file' } as const;

/** An archive file as bytes, decrypted (and checked) first when it was written with `export --encrypt`. */
export async function readArchiveInput(file: string): Promise<Buffer> {
  // Bounded: the size is checked before reading, and a device or a growing file stops at the limit.
  const data = await readArchiveFile(file);
  if (!isEncrypted(data)) return data;
  const legacy = envelopeInfo(data, file)?.version === 1;
  if (legacy)
    console.error(`warning: ${file} was encrypted by an earlier waweb (a version 1 envelope); export it again to seal it as a file`);
  return decryptData(keyRing(undefined), data, ARCHIVE_FILE, file, { legacy });
}

/** `data` as `export --encrypt` writes it. */
export function encryptArchiveFile(data: Buffer): Buffer {
  return encryptData(keyRing(undefined), data, ARCHIVE_FILE);
}
