/**
 * AES-256-GCM envelopes for session data at rest (store blobs, exported archives).
 *
 * Layout: `WWENC1` (6 bytes) | key id length (1 byte) | key id (UTF-8, zero-padded to 64 bytes) |
 * IV (12 bytes) | tag (16 bytes) | ciphertext: always `ENVELOPE_OVERHEAD` bytes more than the data. The authenticated data is everything before the tag plus a
 * context string (the session id for store blobs), so an envelope cannot be moved to another
 * session or have its key id swapped without failing its check. A fresh random IV per envelope.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { EncryptionError, ErrorCode, InvalidOptionError } from '../errors';

const MAGIC = Buffer.from('WWENC1', 'latin1');
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9_.-]{1,64}$/;
const KEY_ID_BYTES = 64;
/** What an envelope adds to the data, in bytes. */
export const ENVELOPE_OVERHEAD = MAGIC.length + 1 + KEY_ID_BYTES + 12 + 16;

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

/** Whether `data` starts like an envelope. */
export function isEnvelope(data: Buffer): boolean {
  return data.length >= MAGIC.length && data.subarray(0, MAGIC.length).equals(MAGIC);
}

/** The key id an envelope names, or `undefined` when `data` is not an envelope. */
export function envelopeKeyId(data: Buffer): string | undefined {
  if (!isEnvelope(data) || data.length < MAGIC.length + 1) return undefined;
  const len = Math.min(data[MAGIC.length] as number, KEY_ID_BYTES);
  return data.subarray(MAGIC.length + 1, MAGIC.length + 1 + len).toString('utf8');
}

/** Encrypts `data` with the ring's current key; `context` (e.g. the session id) is bound into the check. */
export function encryptEnvelope(ring: KeyRing, data: Buffer, context: string): Buffer {
  const id = Buffer.alloc(KEY_ID_BYTES);
  const idLength = id.write(ring.current.id, 'latin1');
  const iv = randomBytes(IV_BYTES);
  const header = Buffer.concat([MAGIC, Buffer.from([idLength]), id, iv]);
  const cipher = createCipheriv('aes-256-gcm', ring.current.key, iv);
  cipher.setAAD(Buffer.concat([header, Buffer.from(context, 'utf8')]));
  const body = Buffer.concat([cipher.update(data), cipher.final()]);
  return Buffer.concat([header, cipher.getAuthTag(), body]);
}

/**
 * Decrypts and checks an envelope made for `context`. Nothing of the plaintext is returned unless
 * the whole envelope passed its check. `what` names the data in messages (e.g. "generation 3 of X").
 */
export function decryptEnvelope(ring: KeyRing, data: Buffer, context: string, what: string): Buffer {
  if (!isEnvelope(data)) throw new EncryptionError(ErrorCode.DECRYPTION_FAILED, `${what} is not encrypted`);
  const fail = (reason: string, cause?: unknown): EncryptionError =>
    new EncryptionError(ErrorCode.DECRYPTION_FAILED, `${what} ${reason}`, cause === undefined ? undefined : { cause });
  const ivStart = MAGIC.length + 1 + KEY_ID_BYTES;
  const tagStart = ivStart + IV_BYTES;
  const bodyStart = tagStart + TAG_BYTES;
  if (data.length < bodyStart) throw fail('is truncated');
  const id = envelopeKeyId(data) ?? '';
  const key = ring.byId.get(id);
  if (!key) {
    throw new EncryptionError(
      ErrorCode.ENCRYPTION_KEY,
      `${what} is encrypted with key "${id.slice(0, 64)}", which is not among the keys given`,
    );
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(ivStart, tagStart));
    decipher.setAAD(Buffer.concat([data.subarray(0, tagStart), Buffer.from(context, 'utf8')]));
    decipher.setAuthTag(data.subarray(tagStart, bodyStart));
    return Buffer.concat([decipher.update(data.subarray(bodyStart)), decipher.final()]);
  } catch (err) {
    throw fail(`failed its integrity check (altered or truncated data, or the wrong key under id "${id}")`, err);
  }
}
