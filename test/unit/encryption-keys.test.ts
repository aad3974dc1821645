/**
 * Issue 24, point 5: key parsing is strict. A key is 32 bytes written as canonical base64 (44
 * characters, padding included) or 64 hex digits; an id that could be a key (an entry written
 * `key:id`) is refused; no error message carries key material or a key-like id.
 */
import { randomBytes } from 'node:crypto';
import { EncryptionError, ErrorCode } from '../../src/errors';
import { generateEncryptionKey, keyRing, looksLikeKey, parseEncryptionKeys } from '../../src/util/encryption-keys';

/** The error `fn` throws (it must throw). */
function thrown(fn: () => unknown): EncryptionError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(EncryptionError);
    expect((err as EncryptionError).code).toBe(ErrorCode.ENCRYPTION_KEY);
    return err as EncryptionError;
  }
  throw new Error('expected an ENCRYPTION_KEY error');
}

const env = (value: string): NodeJS.ProcessEnv => ({ WAWEB_ENCRYPTION_KEYS: value });

describe('encryption keys', () => {
  test('a 43-character passphrase is not a key, though lenient base64 reads it as 32 bytes', () => {
    const passphrase = 'correcthorsebatterystaplecorrecthorsebatter';
    expect(passphrase).toHaveLength(43);
    expect(Buffer.from(passphrase, 'base64')).toHaveLength(32); // what the lenient decoder accepted
    const err = thrown(() => keyRing([{ id: 'k1', key: passphrase }]));
    expect(err.message).not.toContain(passphrase);
    thrown(() => keyRing(undefined, env(`k1:${passphrase}`)));
  });

  test('base64 that is not canonical (no padding, url-safe, non-zero trailing bits, spaces inside) is refused', () => {
    const bytes = randomBytes(32);
    const canonical = bytes.toString('base64');
    expect(keyRing([{ id: 'k1', key: canonical }]).current.key).toEqual(bytes);
    const variants = [
      canonical.slice(0, 43), // padding dropped
      bytes.toString('base64url'), // url-safe, unpadded
      `${canonical.slice(0, 42)}B=`, // trailing bits set: decodes to 32 bytes, but is not how they encode
      `${canonical.slice(0, 20)} ${canonical.slice(20)}`,
      `${canonical}=`,
    ];
    for (const key of variants) {
      const err = thrown(() => keyRing([{ id: 'k1', key }]));
      expect(err.message).not.toContain(key);
      expect(err.message).not.toContain(canonical.slice(0, 20));
    }
  });

  test('64 hex digits are a key; 63 or 65 are not', () => {
    const hex = randomBytes(32).toString('hex');
    expect(keyRing([{ id: 'k1', key: hex }]).current.key).toEqual(Buffer.from(hex, 'hex'));
    expect(keyRing([{ id: 'k1', key: hex.toUpperCase() }]).current.key).toEqual(Buffer.from(hex, 'hex'));
    for (const key of [hex.slice(1), `${hex}0`]) expect(thrown(() => keyRing([{ id: 'k1', key }])).message).not.toContain(key);
  });

  test('an entry written key:id is refused without printing the key (hex key)', () => {
    const hex = randomBytes(32).toString('hex');
    const err = thrown(() => parseEncryptionKeys(`${hex}:k1`));
    expect(err.message).not.toContain(hex);
    expect(err.message).toMatch(/<id>:<key>/);
    thrown(() => keyRing(undefined, env(`${hex}:k1`)));
  });

  test('an entry written key:id is refused without printing the key (base64 key, alphanumeric only)', () => {
    let key = generateEncryptionKey();
    while (!/^[A-Za-z0-9]{43}=$/.test(key)) key = generateEncryptionKey();
    for (const id of [key, key.slice(0, 43)]) {
      const err = thrown(() => keyRing([{ id, key: generateEncryptionKey() }]));
      expect(err.message).not.toContain(key.slice(0, 43));
    }
    expect(thrown(() => parseEncryptionKeys(`${key.slice(0, 43)}:k1`)).message).not.toContain(key.slice(0, 43));
  });

  test('ids that look like keys are refused; ordinary ids pass', () => {
    expect(looksLikeKey(randomBytes(32).toString('hex'))).toBe(true);
    expect(looksLikeKey(randomBytes(32).toString('base64url'))).toBe(true);
    expect(looksLikeKey(generateEncryptionKey())).toBe(true);
    for (const id of ['k1', 'key-2026-12-07', 'prod.eu-west.2026', 'z'.repeat(64), 'x'.repeat(42)]) {
      expect(looksLikeKey(id)).toBe(false);
      expect(keyRing([{ id, key: generateEncryptionKey() }]).current.id).toBe(id);
    }
  });

  test('no message ever carries key material: a duplicate id, a short key, an entry without a colon', () => {
    const key = generateEncryptionKey();
    const cases: Array<() => unknown> = [
      () =>
        keyRing([
          { id: 'k1', key },
          { id: 'k1', key },
        ]),
      () => keyRing([{ id: 'k1', key: Buffer.alloc(16) }]),
      () => keyRing([{ id: 'k1', key: key.slice(0, 24) }]),
      () => parseEncryptionKeys(key),
      () => parseEncryptionKeys(`k1:${key},${key}`),
      () => parseEncryptionKeys(`k1:${key.slice(1)}`),
    ];
    for (const fn of cases) {
      const err = thrown(fn);
      expect(err.message).not.toContain(key.slice(0, 16));
      expect(err.message).not.toContain(key.slice(1, 17));
    }
  });
});
