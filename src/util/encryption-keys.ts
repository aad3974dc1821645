/**
 * Encryption keys: checked into a ring (the first key encrypts, every key decrypts its own
 * envelopes), parsed from `WAWEB_ENCRYPTION_KEYS`, and generated. Key material never appears in an
 * error message.
 */
import { randomBytes } from 'node:crypto';
import { EncryptionError, ErrorCode, InvalidOptionError } from '../errors';

const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/** Environment variable holding the keys: `id:base64key[,id:base64key...]`, the first one current. */
export const ENCRYPTION_KEYS_ENV = 'WAWEB_ENCRYPTION_KEYS';

export interface EncryptionKey {
  /** Recorded in every envelope: letters, digits, `_`, `.` and `-`, at most 64. */
  id: string;
  /** 32 bytes, as a Buffer or as base64 or hex text. */
  key: Buffer | string;
}

/** A checked key ring: `current` encrypts, every key decrypts its own envelopes. */
export interface KeyRing {
  current: { id: string; key: Buffer };
  byId: ReadonlyMap<string, Buffer>;
}

function keyBytes(id: string, key: Buffer | string): Buffer {
  let bytes: Buffer;
  if (Buffer.isBuffer(key)) bytes = key;
  else if (typeof key === 'string' && /^[0-9a-fA-F]{64}$/.test(key)) bytes = Buffer.from(key, 'hex');
  else if (typeof key === 'string') bytes = Buffer.from(key, 'base64');
  else throw new EncryptionError(ErrorCode.ENCRYPTION_KEY, `encryption key "${id}" must be a Buffer, base64 or hex text`);
  if (bytes.length !== KEY_BYTES) {
    throw new EncryptionError(ErrorCode.ENCRYPTION_KEY, `encryption key "${id}" is ${bytes.length} bytes; AES-256 needs ${KEY_BYTES}`);
  }
  return bytes;
}

/** Checks keys (given, else from `WAWEB_ENCRYPTION_KEYS`) into a ring; none at all is an `ENCRYPTION_KEY` error. */
export function keyRing(keys: ReadonlyArray<EncryptionKey> | undefined, env: NodeJS.ProcessEnv = process.env): KeyRing {
  const list = keys ?? parseEncryptionKeys(env[ENCRYPTION_KEYS_ENV] ?? '');
  if (!Array.isArray(list)) throw new InvalidOptionError('keys must be an array of { id, key }');
  if (list.length === 0) {
    throw new EncryptionError(ErrorCode.ENCRYPTION_KEY, `no encryption key: pass keys, or set ${ENCRYPTION_KEYS_ENV}=<id>:<base64 key>`);
  }
  const byId = new Map<string, Buffer>();
  for (const entry of list as ReadonlyArray<EncryptionKey | null>) {
    const id: unknown = entry?.id;
    if (typeof id !== 'string' || !KEY_ID.test(id)) {
      throw new EncryptionError(ErrorCode.ENCRYPTION_KEY, 'an encryption key id must be 1 to 64 letters, digits, "_", "." or "-"');
    }
    if (byId.has(id)) throw new EncryptionError(ErrorCode.ENCRYPTION_KEY, `encryption key id "${id}" is given twice`);
    byId.set(id, keyBytes(id, (entry as EncryptionKey).key));
  }
  const first = list[0] as EncryptionKey;
  return { current: { id: first.id, key: byId.get(first.id) as Buffer }, byId };
}

/** `id:key[,id:key...]` (whitespace ignored) into keys; the key text is base64 or hex. */
export function parseEncryptionKeys(text: string): EncryptionKey[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const colon = part.indexOf(':');
      if (colon <= 0) throw new EncryptionError(ErrorCode.ENCRYPTION_KEY, `${ENCRYPTION_KEYS_ENV} entries are <id>:<base64 or hex key>`);
      return { id: part.slice(0, colon), key: part.slice(colon + 1) };
    });
}

/** A new random key as base64 text (for `WAWEB_ENCRYPTION_KEYS`). */
export function generateEncryptionKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}
