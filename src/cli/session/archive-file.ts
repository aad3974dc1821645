/**
 * Archive files on disk, as `export --encrypt` writes them and `import`, `inspect` and `verify` read
 * them: plain session archives, or sealed with the current key of `WAWEB_ENCRYPTION_KEYS` (keys come
 * from the environment only: arguments show in `ps` and shell history).
 */
import { decryptData, encryptData, isEncrypted, keyRing, readArchiveFile } from '../../session/index';

/** Bound into every encrypted archive file, so a store blob cannot pass for one (and back). */
const ARCHIVE_FILE_CONTEXT = 'waweb-session-archive-file';

/** An archive file as bytes, decrypted (and checked) first when it was written with `export --encrypt`. */
export async function readArchiveInput(file: string): Promise<Buffer> {
  // Bounded: the size is checked before reading, and a device or a growing file stops at the limit.
  const data = await readArchiveFile(file);
  return isEncrypted(data) ? decryptData(keyRing(undefined), data, ARCHIVE_FILE_CONTEXT, file) : data;
}

/** `data` as `export --encrypt` writes it. */
export function encryptArchiveFile(data: Buffer): Buffer {
  return encryptData(keyRing(undefined), data, ARCHIVE_FILE_CONTEXT);
}
