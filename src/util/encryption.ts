/**
 * AES-256-GCM envelopes for session data at rest (store blobs, exported archive files).
 *
 * Layout (version 2): `WWENC2` (6 bytes) | key id length (1) | key id (UTF-8, zero-padded to 64) |
 * purpose (1: store blob, 2: archive file) | generation (8, unsigned big-endian) | fencing token (8) |
 * IV (12) | tag (16) | ciphertext. The authenticated data is everything before the tag plus the
 * binding's context (`waweb/store` or `waweb/file`, a NUL, then the session id or the file's name),
 * so an envelope fails its check when it is moved to another session, to another generation number,
 * from a store into a file (or back), or has its key id, token or purpose changed. A fresh random IV
 * per envelope.
 *
 * Version 1 (`WWENC1`: no purpose, generation or token; the context was the bare session id or file
 * string) is read only when the caller asks for it (`legacy`): it binds nothing that orders
 * generations, so it cannot stop a replay.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { EncryptionError, ErrorCode } from '../errors';
import type { KeyRing } from './encryption-keys';

const MAGIC_V1 = Buffer.from('WWENC1', 'latin1');
const MAGIC_V2 = Buffer.from('WWENC2', 'latin1');
const MAGIC_BYTES = 6;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID_BYTES = 64;
const KEY_ID = /^[A-Za-z0-9_.-]{1,64}$/;
const PURPOSE_CODE = { store: 1, file: 2 } as const;
/** Where the IV starts: after magic, key id and (version 2) purpose, generation and token. */
const IV_START = { 1: MAGIC_BYTES + 1 + KEY_ID_BYTES, 2: MAGIC_BYTES + 1 + KEY_ID_BYTES + 1 + 8 + 8 } as const;

/** What a version 2 envelope adds to the data, in bytes (version 1 added 17 fewer). */
export const ENVELOPE_OVERHEAD = IV_START[2] + IV_BYTES + TAG_BYTES;

/**
 * What an envelope is bound to; opening it under any other binding fails its check.
 * - `store`: a blob of `sessionId` stored as `generation` (`null`: the store's numbers are not
 *   identities, such as positions in a listing; the number is then neither written nor checked),
 *   written under fencing token `fence` (0 or absent: unfenced). The token is authenticated and read
 *   back with `envelopeInfo()`; it is not compared on opening.
 * - `file`: an archive file; `name` is a fixed label of the kind of file, not its path.
 */
export type EnvelopeBinding =
  | { readonly purpose: 'store'; readonly sessionId: string; readonly generation: number | null; readonly fence?: number }
  | { readonly purpose: 'file'; readonly name: string };

/** What an envelope's header says; every field but `keyId` is authenticated only once it opened. */
export interface EnvelopeInfo {
  version: 1 | 2;
  /** The key id, checked: an envelope naming anything but a valid key id is refused before this. */
  keyId: string;
  /** Version 2 only. */
  purpose?: 'store' | 'file';
  /** Version 2 store blobs: the generation it was written as (0: not bound to a number). */
  generation?: number;
  /** Version 2 store blobs: the fencing token it was written under (0: none). */
  fence?: number;
}

export interface OpenOptions {
  /** Accept version 1 envelopes (bound to the session id or file context only). @default false */
  legacy?: boolean;
}

/** Whether `data` starts like an envelope of any version. */
export function isEnvelope(data: Buffer): boolean {
  if (data.length < MAGIC_BYTES) return false;
  const magic = data.subarray(0, MAGIC_BYTES);
  return magic.equals(MAGIC_V2) || magic.equals(MAGIC_V1);
}

/** `text` quoted for a message: escaped control characters and quotes, at most 64 characters. */
export function quoteKeyId(text: string): string {
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);
}

/** The raw key id bytes as text, unchecked (for messages, quoted). */
function rawKeyId(data: Buffer): string {
  const len = Math.min(data[MAGIC_BYTES] ?? 0, KEY_ID_BYTES);
  return data.subarray(MAGIC_BYTES + 1, MAGIC_BYTES + 1 + len).toString('utf8');
}

/**
 * The header of an envelope, or `undefined` when `data` is not one. A header that names an invalid
 * key id, an unknown purpose or a truncated envelope throws `DECRYPTION_FAILED` (the id quoted).
 */
export function envelopeInfo(data: Buffer, what = 'the data'): EnvelopeInfo | undefined {
  if (!isEnvelope(data)) return undefined;
  const version = data.subarray(0, MAGIC_BYTES).equals(MAGIC_V2) ? 2 : 1;
  if (data.length < IV_START[version] + IV_BYTES + TAG_BYTES) {
    throw new EncryptionError(ErrorCode.DECRYPTION_FAILED, `${what} is truncated`);
  }
  const keyId = rawKeyId(data);
  if (!KEY_ID.test(keyId)) {
    throw new EncryptionError(ErrorCode.DECRYPTION_FAILED, `${what} names an invalid key id ${quoteKeyId(keyId)}`);
  }
  if (version === 1) return { version, keyId };
  const at = MAGIC_BYTES + 1 + KEY_ID_BYTES;
  const code = data[at];
  const purpose = code === PURPOSE_CODE.store ? 'store' : code === PURPOSE_CODE.file ? 'file' : undefined;
  if (purpose === undefined) throw new EncryptionError(ErrorCode.DECRYPTION_FAILED, `${what} has an unknown purpose (${String(code)})`);
  const info: EnvelopeInfo = { version, keyId, purpose };
  if (purpose === 'store') {
    info.generation = Number(data.readBigUInt64BE(at + 1));
    info.fence = Number(data.readBigUInt64BE(at + 9));
  }
  return info;
}

/** The header of an envelope, or `undefined` when `data` is not one or its header is invalid (never throws). */
export function peekEnvelope(data: Buffer): EnvelopeInfo | undefined {
  try {
    return envelopeInfo(data);
  } catch {
    return undefined;
  }
}

function contextOf(binding: EnvelopeBinding): Buffer {
  const [kind, name] = binding.purpose === 'store' ? ['waweb/store', binding.sessionId] : ['waweb/file', binding.name];
  return Buffer.from(`${kind}\0${name}`, 'utf8');
}

/** What a version 1 envelope was bound to: the bare session id or file string. */
function legacyContextOf(binding: EnvelopeBinding): Buffer {
  return Buffer.from(binding.purpose === 'store' ? binding.sessionId : binding.name, 'utf8');
}

function counter(value: number | null | undefined, what: string): Buffer {
  const n = value ?? 0;
  if (!Number.isSafeInteger(n) || n < 0) throw new EncryptionError(ErrorCode.ENCRYPTION_KEY, `${what} must be a non-negative safe integer`);
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(BigInt(n));
  return out;
}

/** Encrypts `data` with the ring's current key, bound to `binding` (a version 2 envelope). */
export function encryptEnvelope(ring: KeyRing, data: Buffer, binding: EnvelopeBinding): Buffer {
  const id = Buffer.alloc(KEY_ID_BYTES);
  const idLength = id.write(ring.current.id, 'latin1');
  const store = binding.purpose === 'store' ? binding : undefined;
  const iv = randomBytes(IV_BYTES);
  const header = Buffer.concat([
    MAGIC_V2,
    Buffer.from([idLength]),
    id,
    Buffer.from([PURPOSE_CODE[binding.purpose]]),
    counter(store?.generation, 'the generation'),
    counter(store?.fence, 'the fencing token'),
    iv,
  ]);
  const cipher = createCipheriv('aes-256-gcm', ring.current.key, iv);
  cipher.setAAD(Buffer.concat([header, contextOf(binding)]));
  const body = Buffer.concat([cipher.update(data), cipher.final()]);
  return Buffer.concat([header, cipher.getAuthTag(), body]);
}

/**
 * Decrypts and checks an envelope made for `binding`. Nothing of the plaintext is returned unless
 * the whole envelope passed its check, including its binding. `what` names the data in messages
 * (e.g. "generation 3 of X"). Errors: `ENCRYPTION_KEY` when its key id is not in the ring,
 * `DECRYPTION_FAILED` for everything else (altered, truncated, replayed under another generation
 * or session, a version 1 envelope without `legacy`).
 */
export function decryptEnvelope(ring: KeyRing, data: Buffer, binding: EnvelopeBinding, what: string, options: OpenOptions = {}): Buffer {
  const info = envelopeInfo(data, what);
  if (!info) throw new EncryptionError(ErrorCode.DECRYPTION_FAILED, `${what} is not encrypted`);
  const fail = (reason: string, cause?: unknown): EncryptionError =>
    new EncryptionError(ErrorCode.DECRYPTION_FAILED, `${what} ${reason}`, cause === undefined ? undefined : { cause });
  if (info.version === 1 && options.legacy !== true) {
    throw fail('is a version 1 envelope, which binds no generation; it is read only during an upgrade (see docs/upgrading.md)');
  }
  const key = ring.byId.get(info.keyId);
  if (!key)
    throw new EncryptionError(
      ErrorCode.ENCRYPTION_KEY,
      `${what} is encrypted with key ${quoteKeyId(info.keyId)}, which is not among the keys given`,
    );
  const ivStart = IV_START[info.version];
  const tagStart = ivStart + IV_BYTES;
  const bodyStart = tagStart + TAG_BYTES;
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(ivStart, tagStart));
    const context = info.version === 2 ? contextOf(binding) : legacyContextOf(binding);
    decipher.setAAD(Buffer.concat([data.subarray(0, tagStart), context]));
    decipher.setAuthTag(data.subarray(tagStart, bodyStart));
    plain = Buffer.concat([decipher.update(data.subarray(bodyStart)), decipher.final()]);
  } catch (err) {
    throw fail(
      `failed its integrity check (altered or truncated data, data of another session or kind, or the wrong key under id ${quoteKeyId(info.keyId)})`,
      err,
    );
  }
  // The header is authenticated now: compare what it was written as with where it was found.
  if (binding.purpose === 'store' && info.version === 2 && binding.generation !== null && info.generation !== binding.generation) {
    throw fail(
      `was written as generation ${String(info.generation)} and is stored as generation ${binding.generation}: a copy of another generation (a replay), refused`,
    );
  }
  return plain;
}

/**
 * An authentication tag for `fields` under the ring's current key (HMAC-SHA-256 with a key derived
 * for `purpose`), as `<key id>:<base64url>`: for metadata stored beside envelopes, such as a
 * set-aside mark, that someone with write access to the store must not be able to forge.
 */
export function authenticate(ring: KeyRing, purpose: string, fields: readonly string[]): string {
  return `${ring.current.id}:${macOf(ring.current.key, purpose, fields)}`;
}

/** Whether `tag` (from `authenticate`) is valid for `fields` under a key of the ring. */
export function verifyAuthentication(ring: KeyRing, purpose: string, fields: readonly string[], tag: string): boolean {
  const colon = tag.indexOf(':');
  const key = colon > 0 ? ring.byId.get(tag.slice(0, colon)) : undefined;
  if (!key) return false;
  const expected = Buffer.from(macOf(key, purpose, fields));
  const given = Buffer.from(tag.slice(colon + 1));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function macOf(key: Buffer, purpose: string, fields: readonly string[]): string {
  const derived = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `waweb/${purpose}`, 32));
  const mac = createHmac('sha256', derived);
  for (const field of fields) mac.update(`${Buffer.byteLength(field)}:${field};`);
  return mac.digest('base64url');
}
