/**
 * Archive files on disk, as `export --encrypt` writes them and `import`, `inspect` and `verify` read
 * them: plain session archives, or sealed with the current key of `WAWEB_ENCRYPTION_KEYS` (keys come
 * from the environment only: arguments show in `ps` and shell history).
 */
import { EncryptionError, ErrorCode } from '../../index';
import { decryptData, encryptData, envelopeInfo, isEncrypted, keyRing, readArchiveFile } from '../../session/index';

/** The flag of every command that reads a session from a file, a folder or a store. */
export const REQUIRE_ENCRYPTED_FLAG = { 'require-encrypted': { type: 'boolean' } } as const;

/** How the flag reads in a command's usage. */
export const REQUIRE_ENCRYPTED_HELP = '--require-encrypted refuses input that is not encrypted (a plain file, folder or store)';

/** `--require-encrypted`: what it refuses, typed (`DECRYPTION_FAILED`), before anything is read. */
function refused(what: string): EncryptionError {
  return new EncryptionError(ErrorCode.DECRYPTION_FAILED, `${what} is not encrypted, and --require-encrypted refuses plaintext input`);
}

/**
 * Refuses, under `--require-encrypted`, a source that can only be plaintext: a store URL without
 * `encrypted:` (an `encrypted:` one refuses its plaintext generations itself) or a `folder:`.
 */
export function refusePlaintextSource(spec: string, required: boolean): void {
  if (!required || spec.startsWith('encrypted:')) return;
  throw refused(spec.startsWith('folder:') ? 'a profile folder' : 'a store without the encrypted: prefix');
}

/**
 * Bound into every encrypted archive file (with the file purpose, so a store blob cannot pass for
 * one, and back). Files written by earlier versions (version 1 envelopes) are still read, with a
 * warning: they were bound to this string alone.
 */
const ARCHIVE_FILE = { purpose: 'file', name: 'waweb-session-archive-file' } as const;

/**
 * An archive file as bytes, decrypted (and checked) first when it was written with `export --encrypt`.
 * A plain one is read with a warning on stderr (nothing but the archive's own checks vouches for
 * it), or refused with `requireEncrypted`.
 */
export async function readArchiveInput(file: string, options: { requireEncrypted?: boolean } = {}): Promise<Buffer> {
  // Bounded: the size is checked before reading, and a device or a growing file stops at the limit.
  const data = await readArchiveFile(file);
  if (!isEncrypted(data)) {
    if (options.requireEncrypted === true) throw refused(file);
    console.error(`warning: ${file} is not encrypted: nothing vouches for where it came from (--require-encrypted refuses such files)`);
    return data;
  }
  const legacy = envelopeInfo(data, file)?.version === 1;
  if (legacy)
    console.error(`warning: ${file} was encrypted by an earlier waweb (a version 1 envelope); export it again to seal it as a file`);
  return decryptData(keyRing(undefined), data, ARCHIVE_FILE, file, { legacy });
}

/** `data` as `export --encrypt` writes it. */
export function encryptArchiveFile(data: Buffer): Buffer {
  return encryptData(keyRing(undefined), data, ARCHIVE_FILE);
}
