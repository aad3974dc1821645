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
 *
 * Version 3 (`WWENC3`, chunked, what stores write since issue 28): the version 2 header with a random
 * salt where the IV was, then the data in chunks each sealed on its own (`encryption-chunks.ts`),
 * every chunk authenticating the whole header and the context, so it can be written and read a chunk
 * at a time (`encryption-stream.ts`). `decryptEnvelope` opens all three.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { EncryptionError, ErrorCode } from '../errors';
import { ChunkOpener, ChunkSealer, CHUNK_BYTES, plainBodyBytes, sealedBodyBytes } from './encryption-chunks';
import type { KeyRing } from './encryption-keys';

const MAGIC_V1 = Buffer.from('WWENC1', 'latin1');
const MAGIC_V2 = Buffer.from('WWENC2', 'latin1');
const MAGIC_V3 = Buffer.from('WWENC3', 'latin1');
const MAGIC_BYTES = 6;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID_BYTES = 64;
const KEY_ID = /^[A-Za-z0-9_.-]{1,64}$/;
const PURPOSE_CODE = { store: 1, file: 2 } as const;
/** Where the IV starts: after magic, key id and (version 2) purpose, generation and token. */
const IV_START = { 1: MAGIC_BYTES + 1 + KEY_ID_BYTES, 2: MAGIC_BYTES + 1 + KEY_ID_BYTES + 1 + 8 + 8 } as const;
/** Version 3: the version 2 header, with the chunk keys' salt where the IV was. */
const V3_HEADER_BYTES = IV_START[2] + IV_BYTES;

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
  version: 1 | 2 | 3;
  /** The key id, checked: an envelope naming anything but a valid key id is refused before this. */
  keyId: string;
  /** Version 2 and 3 only. */
  purpose?: 'store' | 'file';
  /** Version 2 and 3 store blobs: the generation it was written as (0: not bound to a number). */
  generation?: number;
  /** Version 2 and 3 store blobs: the fencing token it was written under (0: none). */
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
  return magic.equals(MAGIC_V2) || magic.equals(MAGIC_V1) || magic.equals(MAGIC_V3);
}

/** A version 3 envelope's header: its first chunk starts here (`envelopeInfo` wants 16 bytes more, the least envelope). */
export const CHUNKED_HEADER_BYTES = V3_HEADER_BYTES;

/** The stored size of `plainBytes` of data as a version 3 envelope. */
export function chunkedEnvelopeBytes(plainBytes: number): number {
  return V3_HEADER_BYTES + sealedBodyBytes(plainBytes);
}

/**
 * The data size behind a stored version 3 envelope of `storedBytes`. Exact for version 3, and for
 * version 2 up to `CHUNK_BYTES` of data (both add 116 bytes to one chunk).
 */
export function chunkedPlainBytes(storedBytes: number): number {
  return plainBodyBytes(Math.max(0, storedBytes - V3_HEADER_BYTES));
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
  const magic = data.subarray(0, MAGIC_BYTES);
  const version = magic.equals(MAGIC_V3) ? 3 : magic.equals(MAGIC_V2) ? 2 : 1;
  if (data.length < IV_START[version === 3 ? 2 : version] + IV_BYTES + TAG_BYTES) {
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

/** A version 2 or 3 header: up to the IV (version 2) or salt (version 3), `random` being that field. */
function headerOf(magic: Buffer, keyId: string, binding: EnvelopeBinding, random: Buffer): Buffer {
  const id = Buffer.alloc(KEY_ID_BYTES);
  const idLength = id.write(keyId, 'latin1');
  const store = binding.purpose === 'store' ? binding : undefined;
  return Buffer.concat([
    magic,
    Buffer.from([idLength]),
    id,
    Buffer.from([PURPOSE_CODE[binding.purpose]]),
    counter(store?.generation, 'the generation'),
    counter(store?.fence, 'the fencing token'),
    random,
  ]);
}

/**
 * Starts a version 3 (chunked) envelope under the ring's current key, bound to `binding`: its header,
 * to store first, and the sealer of its chunks, to store after it in order.
 */
export function startChunkedEnvelope(ring: KeyRing, binding: EnvelopeBinding): { header: Buffer; sealer: ChunkSealer } {
  const salt = randomBytes(IV_BYTES);
  const header = headerOf(MAGIC_V3, ring.current.id, binding, salt);
  return { header, sealer: new ChunkSealer(ring.current.key, salt, Buffer.concat([header, contextOf(binding)])) };
}

/** Encrypts `data` with the ring's current key, bound to `binding`, as a version 3 (chunked) envelope. */
export function encryptChunkedEnvelope(ring: KeyRing, data: Buffer, binding: EnvelopeBinding): Buffer {
  const { header, sealer } = startChunkedEnvelope(ring, binding);
  const out = Buffer.allocUnsafe(chunkedEnvelopeBytes(data.length));
  let at = header.copy(out, 0);
  let from = 0;
  do {
    const chunk = data.subarray(from, from + CHUNK_BYTES);
    from += chunk.length;
    at += sealer.seal(chunk, from >= data.length).copy(out, at);
  } while (from < data.length);
  return out;
}

/**
 * The opener of a version 3 envelope's chunks from its start (its header and at least 16 bytes more),
 * with the header's fields. Throws as `decryptEnvelope` does for a header it refuses (not
 * version 3, an invalid key id, a key not in the ring). Nothing in `info` is authenticated before the
 * first chunk opened; then `assertWrittenAs(info, binding, what)`.
 */
export function openChunkedEnvelope(
  ring: KeyRing,
  start: Buffer,
  binding: EnvelopeBinding,
  what: string,
): { info: EnvelopeInfo; opener: ChunkOpener } {
  const info = envelopeInfo(start, what);
  if (info?.version !== 3) throw new EncryptionError(ErrorCode.DECRYPTION_FAILED, `${what} is not a chunked (version 3) envelope`);
  const key = keyOf(ring, info, what);
  const header = start.subarray(0, V3_HEADER_BYTES);
  const salt = header.subarray(IV_START[2]);
  return { info, opener: new ChunkOpener(key, salt, Buffer.concat([header, contextOf(binding)]), what, info.keyId) };
}

function keyOf(ring: KeyRing, info: EnvelopeInfo, what: string): Buffer {
  const key = ring.byId.get(info.keyId);
  if (!key)
    throw new EncryptionError(
      ErrorCode.ENCRYPTION_KEY,
      `${what} is encrypted with key ${quoteKeyId(info.keyId)}, which is not among the keys given`,
    );
  return key;
}

/**
 * Once an envelope's header is authenticated: refuses a store blob written as another generation
 * than `binding` names (a replay) with `DECRYPTION_FAILED`.
 */
export function assertWrittenAs(info: EnvelopeInfo, binding: EnvelopeBinding, what: string): void {
  if (binding.purpose === 'store' && info.version >= 2 && binding.generation !== null && info.generation !== binding.generation) {
    throw new EncryptionError(
      ErrorCode.DECRYPTION_FAILED,
      `${what} was written as generation ${String(info.generation)} and is stored as generation ${binding.generation}: a copy of another generation (a replay), refused`,
    );
  }
}

/** Encrypts `data` with the ring's current key, bound to `binding` (a version 2 envelope). */
export function encryptEnvelope(ring: KeyRing, data: Buffer, binding: EnvelopeBinding): Buffer {
  const iv = randomBytes(IV_BYTES);
  const header = headerOf(MAGIC_V2, ring.current.id, binding, iv);
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
  if (info.version === 3) {
    const { opener } = openChunkedEnvelope(ring, data, binding, what);
    const plain = opener.openAll(data.subarray(V3_HEADER_BYTES));
    assertWrittenAs(info, binding, what);
    return plain;
  }
  const key = keyOf(ring, info, what);
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
  assertWrittenAs(info, binding, what);
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
