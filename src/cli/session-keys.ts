/**
 * Encryption in `waweb session`: `keygen` prints a new key for `WAWEB_ENCRYPTION_KEYS`, `rekey`
 * writes a session's newest generation again under the current key, and archive files written with
 * `export --encrypt` are read back (by `import`, `inspect`, `verify`) with the keys from the
 * environment. Keys never come from the command line: arguments show in `ps` and shell history.
 */
import {
  ENCRYPTION_KEYS_ENV,
  decryptData,
  encryptData,
  generateEncryptionKey,
  isEncrypted,
  keyRing,
  readArchiveFile,
} from '../session/index';
import { EncryptedStore, InvalidOptionError, assertSessionId } from '../index';
import type { Parse } from './session-tools';
import { openStoreUrl } from './store-url';

/** Bound into every encrypted archive file, so a store blob cannot pass for one (and back). */
const ARCHIVE_FILE_CONTEXT = 'waweb-session-archive-file';

export const KEYS_USAGE = `  keygen [--id ID]                                print a new key as ID:BASE64 for ${ENCRYPTION_KEYS_ENV}
                                                  (comma-separated, the first one encrypts; keys are read
                                                  from the environment only, never from arguments)
  rekey --store encrypted:URL --session ID        write the newest generation again under the current key`;

/** An archive file as bytes, decrypted (and checked) first when it was written with `export --encrypt`. */
export async function readArchiveInput(file: string): Promise<Buffer> {
  const data = await readArchiveFile(file);
  return isEncrypted(data) ? decryptData(keyRing(undefined), data, ARCHIVE_FILE_CONTEXT, file) : data;
}

/** `data` as `export --encrypt` writes it. */
export function encryptArchiveFile(data: Buffer): Buffer {
  return encryptData(keyRing(undefined), data, ARCHIVE_FILE_CONTEXT);
}

export async function keygen(argv: string[], parse: Parse): Promise<number> {
  const { values } = parse(argv, { id: { type: 'string' } });
  const id = typeof values.id === 'string' ? values.id : `key-${new Date().toISOString().slice(0, 10)}`;
  const line = `${id}:${generateEncryptionKey()}`;
  // Checked the way a store will read it.
  keyRing([{ id, key: line.slice(id.length + 1) }]);
  console.log(line);
  return 0;
}

export async function rekey(argv: string[], parse: Parse): Promise<number> {
  const { values } = parse(argv, { store: { type: 'string' }, session: { type: 'string' } });
  if (typeof values.store !== 'string' || typeof values.session !== 'string') {
    throw new InvalidOptionError('rekey needs --store encrypted:URL and --session ID');
  }
  assertSessionId(values.session);
  const opened = openStoreUrl(values.store);
  try {
    if (!(opened.store instanceof EncryptedStore)) {
      throw new InvalidOptionError(`rekey needs an encrypted store: --store encrypted:${opened.label}`);
    }
    const saved = await opened.store.rekey(values.session);
    if (!saved) {
      console.error(`no backups of session ${values.session} in ${opened.label}`);
      return 1;
    }
    const keys = await opened.store.keyIds(values.session);
    console.log(`generation ${saved.generation} of ${values.session} written under key "${opened.store.currentKeyId}"`);
    for (const k of keys) console.log(`  generation ${k.generation}: ${k.keyId === null ? 'not encrypted' : `key "${k.keyId}"`}`);
    return 0;
  } finally {
    await opened.close();
  }
}
