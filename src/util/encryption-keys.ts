/**
 * Encryption keys: checked into a ring (the first key encrypts, every key decrypts its own
 * envelopes), parsed from `WAWEB_ENCRYPTION_KEYS`, and generated.
 *
 * Decoding is strict: a key is exactly 32 bytes, written as canonical base64 (44 characters, the
 * padding included) or as 64 hex digits; anything else (a passphrase that base64 would read
 * leniently, url-safe or unpadded base64, stray characters) is refused. A key id that could itself
 * be a key (64 hex digits, or 43 or 44 characters that read as base64 of 32 bytes: an entry written
 * `key:id`) is refused too. No error message carries key material, nor an id refused as looking
 * like one: entries are named by their position.
 */
import { randomBytes } from 'node:crypto';
import { EncryptionError, ErrorCode, InvalidOptionError } from '../errors';

const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9_.-]{1,64}$/;
/** Canonical base64 of 32 bytes: 43 characters, the last one carrying 2 zero bits, then one `=`. */
const BASE64_KEY = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;
const HEX_KEY = /^[0-9a-fA-F]{64}$/;

/** Environment variable holding the keys: `id:base64key[,id:base64key...]`, the first one current. */
export const ENCRYPTION_KEYS_ENV = 'WAWEB_ENCRYPTION_KEYS';

export interface EncryptionKey {
  /**
   * Recorded in every envelope: letters, digits, `_`, `.` and `-`, at most 64; never something that
   * could be a key (64 hex digits, or 43 or 44 characters that read as base64 of 32 bytes).
   */
  id: string;
  /** 32 bytes: a Buffer, canonical base64 (44 characters with the `=`) or 64 hex digits. */
  key: Buffer | string;
}

/** A checked key ring: `current` encrypts, every key decrypts its own envelopes. */
export interface KeyRing {
  current: { id: string; key: Buffer };
  byId: ReadonlyMap<string, Buffer>;
}

/** Whether `text` could be key material: 64 hex digits, or 43/44 characters of (url-safe) base64 of 32 bytes. */
export function looksLikeKey(text: string): boolean {
  if (HEX_KEY.test(text)) return true;
  if (text.length !== 43 && text.length !== 44) return false;
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) return false;
  return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64').length === KEY_BYTES;
}

/** The 32 bytes of a key given as a Buffer or as strict text; `what` names it without its value. */
function keyBytes(what: string, key: unknown): Buffer {
  let bytes: Buffer | undefined;
  if (Buffer.isBuffer(key)) bytes = key;
  else if (typeof key === 'string' && HEX_KEY.test(key)) bytes = Buffer.from(key, 'hex');
  else if (typeof key === 'string' && BASE64_KEY.test(key)) bytes = Buffer.from(key, 'base64');
  else if (typeof key === 'string') {
    throw new EncryptionError(
      ErrorCode.ENCRYPTION_KEY,
      `${what} is not a key: it must be 32 bytes written as canonical base64 (44 characters, "=" included) or 64 hex digits (generate one with "waweb session keygen")`,
    );
  } else throw new EncryptionError(ErrorCode.ENCRYPTION_KEY, `${what} must be a Buffer, base64 or hex text`);
  if (bytes.length !== KEY_BYTES) {
    throw new EncryptionError(ErrorCode.ENCRYPTION_KEY, `${what} is ${bytes.length} bytes; AES-256 needs ${KEY_BYTES}`);
  }
  return bytes;
}

/** A checked key id; the message names the entry by position, never by a value that could be a key. */
function keyId(id: unknown, position: number): string {
  const entry = `encryption key ${position}`;
  if (typeof id !== 'string' || !KEY_ID.test(id)) {
    throw new EncryptionError(ErrorCode.ENCRYPTION_KEY, `${entry}: an id must be 1 to 64 letters, digits, "_", "." or "-"`);
  }
  if (looksLikeKey(id)) {
    throw new EncryptionError(
      ErrorCode.ENCRYPTION_KEY,
      `${entry}: its id looks like key material (64 hex digits, or base64 of 32 bytes); entries are written <id>:<key>, not <key>:<id>`,
    );
  }
  return id;
}

/** Checks keys (given, else from `WAWEB_ENCRYPTION_KEYS`) into a ring; none at all is an `ENCRYPTION_KEY` error. */
export function keyRing(keys: ReadonlyArray<EncryptionKey> | undefined, env: NodeJS.ProcessEnv = process.env): KeyRing {
  const list = keys ?? parseEncryptionKeys(env[ENCRYPTION_KEYS_ENV] ?? '');
  if (!Array.isArray(list)) throw new InvalidOptionError('keys must be an array of { id, key }');
  if (list.length === 0) {
    throw new EncryptionError(ErrorCode.ENCRYPTION_KEY, `no encryption key: pass keys, or set ${ENCRYPTION_KEYS_ENV}=<id>:<base64 key>`);
  }
  const byId = new Map<string, Buffer>();
  (list as ReadonlyArray<EncryptionKey | null>).forEach((entry, index) => {
    const id = keyId(entry?.id, index + 1);
    const bytes = keyBytes(`encryption key ${index + 1} (id ${JSON.stringify(id)})`, entry?.key);
    if (byId.has(id)) throw new EncryptionError(ErrorCode.ENCRYPTION_KEY, `encryption key id ${JSON.stringify(id)} is given twice`);
    byId.set(id, bytes);
  });
  const first = list[0] as EncryptionKey;
  return { current: { id: first.id, key: byId.get(first.id) as Buffer }, byId };
}

/**
 * `id:key[,id:key...]` (whitespace ignored) into keys, each checked as `keyRing` checks it (the key
 * text strict base64 or hex, the id not key-like). Messages name an entry by its position only.
 */
export function parseEncryptionKeys(text: string): EncryptionKey[] {
  const keys = text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part, index) => {
      const colon = part.indexOf(':');
      if (colon <= 0) {
        throw new EncryptionError(ErrorCode.ENCRYPTION_KEY, `${ENCRYPTION_KEYS_ENV} entry ${index + 1} is not <id>:<base64 or hex key>`);
      }
      return { id: part.slice(0, colon), key: part.slice(colon + 1) };
    });
  if (keys.length > 0) keyRing(keys);
  return keys;
}

/** A new random key as base64 text (for `WAWEB_ENCRYPTION_KEYS`). */
export function generateEncryptionKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}
