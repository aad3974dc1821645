/**
 * Issue 28, encryption streams: `EncryptedStore.saveStream`/`loadStream` seal and open a generation a
 * 64 KiB chunk at a time (version 3 envelopes), through an inner store that streams natively or
 * through the Buffer fallback (FileStore). Each chunk is checked before a byte of it is handed out,
 * and every way to rearrange stored chunks (swap, drop, repeat, cut, extend, splice from another
 * generation or session) is `DECRYPTION_FAILED` on the stream; a bad header, the wrong key or a replay
 * rejects `loadStream` itself. Generations written before (version 2) still load, whole or streamed.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { AbortError, EncryptionError, ErrorCode, StoreError } from '../../src/errors';
import { createStore, EncryptedStore, FileStore, loadStreamFrom, saveStreamTo, type SessionStore } from '../../src/stores';
import { chunkedEnvelopeBytes } from '../../src/util/encryption';
import { CHUNK_BYTES, FRAME_BYTES } from '../../src/util/encryption-chunks';
import { generateEncryptionKey } from '../../src/util/encryption-keys';
import { tempDir } from '../helpers/tmp';
import { memoryDriver } from './fixtures/memory-driver';

const KEY = { id: 'k-2026', key: generateEncryptionKey() };
const ID = 'RemoteAuth-streams';
const HEADER = chunkedEnvelopeBytes(0) - 16;

let tmp: { path: string; remove(): Promise<void> };
let plain: FileStore;
let store: EncryptedStore;

beforeEach(async () => {
  tmp = await tempDir('waweb-encstream-');
  plain = new FileStore({ directory: path.join(tmp.path, 'store'), keep: 5 });
  store = new EncryptedStore(plain, { keys: [KEY], onWarning: () => undefined });
});
afterEach(async () => {
  await plain.close();
  await tmp.remove();
});

/** `data` as a source of `size`-byte pieces. */
async function* pieces(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

/** What a stream hands out before it ends or fails. */
async function drain(stream: Readable): Promise<{ data: Buffer; chunks: number[]; error: unknown }> {
  const parts: Buffer[] = [];
  let error: unknown;
  try {
    for await (const chunk of stream) parts.push(chunk as Buffer);
  } catch (err) {
    error = err;
  }
  return { data: Buffer.concat(parts), chunks: parts.map((p) => p.length), error };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (err: unknown) => err,
  );
}

/**
 * A store around `base` that streams natively: `saveStream` records the size of every piece it is
 * given (and `onPiece` sees each one), `loadStream` hands out the stored bytes in `loadPiece`-byte pieces.
 */
function streaming(base: SessionStore, seen: number[], loadPiece = 1000, onPiece?: () => void): SessionStore {
  return {
    name: base.name,
    exists: base.exists.bind(base),
    save: base.save.bind(base),
    load: base.load.bind(base),
    list: base.list.bind(base),
    delete: base.delete.bind(base),
    close: base.close.bind(base),
    async saveStream(sessionId, source, options) {
      const parts: Buffer[] = [];
      for await (const piece of source) {
        seen.push(piece.byteLength);
        onPiece?.();
        parts.push(Buffer.from(piece));
      }
      return base.save(sessionId, Buffer.concat(parts), options);
    },
    async loadStream(sessionId, options) {
      const loaded = await base.load(sessionId, options);
      if (!loaded) return null;
      const { data, ...generation } = loaded;
      return { ...generation, stream: Readable.from(pieces(data, loadPiece)) };
    },
  };
}

describe('round trips', () => {
  const SIZES = [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 3 * CHUNK_BYTES + 1000];

  test.each(SIZES)('%i bytes through a FileStore (Buffer fallback): streamed, whole and crossed, a chunk at a time', async (size) => {
    const data = randomBytes(size);
    const saved = await saveStreamTo(store, ID, pieces(data, 7777));
    expect(saved).toMatchObject({ generation: 1, bytes: size });
    expect((await plain.load(ID))!.data.length).toBe(chunkedEnvelopeBytes(size));
    expect((await store.list(ID))[0]?.bytes).toBe(size);
    const loaded = (await loadStreamFrom(store, ID))!;
    expect(loaded).toMatchObject({ generation: 1, bytes: size });
    expect(loaded.stream.readableObjectMode).toBe(false);
    const read = await drain(loaded.stream);
    expect(read.error).toBeUndefined();
    expect(read.data.equals(data)).toBe(true);
    expect(Math.max(0, ...read.chunks)).toBeLessThanOrEqual(CHUNK_BYTES);
    // A streamed save loads whole; a whole save loads streamed.
    expect((await store.load(ID))!.data.equals(data)).toBe(true);
    await store.save(ID, data);
    expect((await drain((await loadStreamFrom(store, ID))!.stream)).data.equals(data)).toBe(true);
  });

  test('through a store that streams natively, the envelope reaches it a chunk at a time, as the source is read', async () => {
    const seen: number[] = [];
    const order: string[] = [];
    const inner = streaming(createStore(memoryDriver()), seen, 999, () => order.push('stored'));
    const encrypted = new EncryptedStore(inner, { keys: [KEY] });
    const data = randomBytes(5 * CHUNK_BYTES + 123);
    const source = async function* (): AsyncGenerator<Buffer> {
      for await (const piece of pieces(data, 10_000)) {
        order.push('read');
        yield piece;
      }
    };
    expect(await saveStreamTo(encrypted, ID, source())).toMatchObject({ generation: 1, bytes: data.length });
    expect(Math.max(...seen)).toBeLessThanOrEqual(FRAME_BYTES);
    expect(seen.reduce((a, b) => a + b, 0)).toBe(chunkedEnvelopeBytes(data.length));
    // Sealed chunks were handed on before the source was read to its end.
    expect(order.indexOf('stored', 1)).toBeLessThan(order.lastIndexOf('read'));
    const read = await drain((await loadStreamFrom(encrypted, ID))!.stream);
    expect(read.error).toBeUndefined();
    expect(read.data.equals(data)).toBe(true);
    expect(Math.max(...read.chunks)).toBeLessThanOrEqual(CHUNK_BYTES);
  });

  test('a generation written before streams (a version 2 envelope of the previous release) loads whole and streamed', async () => {
    const fixture = await fs.readFile(path.join(__dirname, 'fixtures', 'encrypted-v2-before-streams.bin'));
    expect(fixture.subarray(0, 6).toString('latin1')).toBe('WWENC2');
    await plain.save('RemoteAuth-fixture', fixture);
    const old = new EncryptedStore(plain, {
      keys: [{ id: 'fixture-2026', key: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff' }],
    });
    const expected = Buffer.alloc(70_000);
    for (let i = 0; i < expected.length; i++) expected[i] = (i * 7) % 251;
    expect((await old.load('RemoteAuth-fixture'))!.data.equals(expected)).toBe(true);
    const streamed = (await old.loadStream('RemoteAuth-fixture'))!;
    expect(streamed.bytes).toBe(expected.length);
    const read = await drain(streamed.stream);
    expect(read.error).toBeUndefined();
    expect(read.data.equals(expected)).toBe(true);
  });
});

test('a plaintext generation is refused by loadStream, or streamed as it is with a warning under plaintext: read', async () => {
  const data = randomBytes(3 * CHUNK_BYTES);
  await plain.save(ID, data);
  const refused = await rejection(store.loadStream(ID));
  expect(refused).toBeInstanceOf(EncryptionError);
  expect((refused as EncryptionError).code).toBe(ErrorCode.DECRYPTION_FAILED);
  const warnings: string[] = [];
  const lenient = new EncryptedStore(plain, { keys: [KEY], plaintext: 'read', onWarning: (m) => warnings.push(m) });
  const loaded = (await lenient.loadStream(ID))!;
  expect(loaded.bytes).toBe(data.length);
  expect((await drain(loaded.stream)).data.equals(data)).toBe(true);
  expect(warnings.join('\n')).toMatch(/is not encrypted/);
});

describe('rekey on both formats', () => {
  const FIXTURE_KEY = { id: 'fixture-2026', key: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff' };

  test('a version 2 generation under a retired key is rewritten as version 3; one under the current key is left as it is', async () => {
    const fixture = await fs.readFile(path.join(__dirname, 'fixtures', 'encrypted-v2-before-streams.bin'));
    const expected = Buffer.alloc(70_000);
    for (let i = 0; i < expected.length; i++) expected[i] = (i * 7) % 251;
    await plain.save('RemoteAuth-fixture', fixture);
    const current = new EncryptedStore(plain, { keys: [FIXTURE_KEY] });
    expect(await current.rekey('RemoteAuth-fixture')).toMatchObject({ unchanged: [1], rewritten: [] });
    expect((await plain.load('RemoteAuth-fixture'))!.data.equals(fixture)).toBe(true);

    const rotated = new EncryptedStore(plain, { keys: [KEY, FIXTURE_KEY] });
    expect(await rotated.rekey('RemoteAuth-fixture')).toMatchObject({ rewritten: [1] });
    const raw = (await plain.load('RemoteAuth-fixture'))!.data;
    expect(raw.subarray(0, 6).toString('latin1')).toBe('WWENC3');
    expect(raw.length).toBe(chunkedEnvelopeBytes(expected.length));
    const onlyNew = new EncryptedStore(plain, { keys: [KEY] });
    expect((await onlyNew.load('RemoteAuth-fixture'))!.data.equals(expected)).toBe(true);
    expect((await onlyNew.list('RemoteAuth-fixture'))[0]?.bytes).toBe(expected.length);
  });
});

describe('stored chunks moved, cut or altered', () => {
  const DATA = randomBytes(3 * CHUNK_BYTES + 1000);

  /** The stored envelope of `sessionId`'s newest generation as its header and its chunks. */
  async function frames(sessionId = ID): Promise<{ header: Buffer; chunks: Buffer[] }> {
    const raw = (await plain.load(sessionId))!.data;
    const chunks: Buffer[] = [];
    for (let at = HEADER; at < raw.length; at += FRAME_BYTES) chunks.push(raw.subarray(at, at + FRAME_BYTES));
    return { header: raw.subarray(0, HEADER), chunks };
  }

  async function storeInPlace(parts: Buffer[]): Promise<void> {
    const newest = (await plain.list(ID))[0]!;
    expect(await plain.rewriteGeneration!(ID, newest.generation, Buffer.concat(parts))).not.toBeNull();
  }

  const CASES: Array<[string, (f: { header: Buffer; chunks: Buffer[] }, other: Buffer[]) => Buffer[], number]> = [
    ['two chunks swapped', ({ header, chunks: [a, b, c, d] }) => [header, a!, c!, b!, d!], 1],
    ['a chunk dropped', ({ header, chunks: [a, , c, d] }) => [header, a!, c!, d!], 1],
    ['a chunk repeated', ({ header, chunks: [a, b, c, d] }) => [header, a!, b!, b!, c!, d!], 2],
    ['the last chunk dropped (cut at a chunk boundary)', ({ header, chunks: [a, b, c] }) => [header, a!, b!, c!], 2],
    ['cut inside the last chunk', ({ header, chunks: [a, b, c, d] }) => [header, a!, b!, c!, d!.subarray(0, 500)], 3],
    ['a chunk appended after the last', ({ header, chunks }) => [header, ...chunks, chunks[1]!], 3],
    ['a bit flipped in chunk 2', ({ header, chunks: [a, b, c, d] }) => [header, a!, b!, flip(c!, 100), d!], 2],
    [
      'chunk 1 taken from another generation of the session',
      ({ header, chunks: [a, , c, d] }, other) => [header, a!, other[1]!, c!, d!],
      1,
    ],
  ];

  function flip(buffer: Buffer, at: number): Buffer {
    const out = Buffer.from(buffer);
    out[at] = (out[at] ?? 0) ^ 1;
    return out;
  }

  test.each(CASES)('%s: DECRYPTION_FAILED on the stream, only whole checked chunks handed out before it', async (_, change, good) => {
    await saveStreamTo(store, ID, pieces(randomBytes(DATA.length), 50_000));
    const other = (await frames()).chunks;
    await saveStreamTo(store, ID, pieces(DATA, 50_000));
    await storeInPlace(change(await frames(), other));
    const loaded = (await store.loadStream(ID))!;
    const read = await drain(loaded.stream);
    expect(read.error).toBeInstanceOf(EncryptionError);
    expect((read.error as EncryptionError).code).toBe(ErrorCode.DECRYPTION_FAILED);
    expect(read.data.equals(DATA.subarray(0, good * CHUNK_BYTES))).toBe(true);
    const whole = await rejection(store.load(ID));
    expect(whole).toBeInstanceOf(EncryptionError);
    expect((whole as EncryptionError).code).toBe(ErrorCode.DECRYPTION_FAILED);
  });

  test('a chunk of another session with the same key, spliced in, fails its check', async () => {
    await saveStreamTo(store, 'RemoteAuth-other', pieces(randomBytes(DATA.length), 50_000));
    const other = (await frames('RemoteAuth-other')).chunks;
    await saveStreamTo(store, ID, pieces(DATA, 50_000));
    const { header, chunks } = await frames();
    await storeInPlace([header, chunks[0]!, other[1]!, chunks[2]!, chunks[3]!]);
    const read = await drain((await store.loadStream(ID))!.stream);
    expect((read.error as EncryptionError).code).toBe(ErrorCode.DECRYPTION_FAILED);
    expect(read.data.length).toBe(CHUNK_BYTES);
  });

  test('a bad header, the wrong key, a key not given or a replay rejects loadStream before any byte', async () => {
    await saveStreamTo(store, ID, pieces(DATA, 50_000));
    const { header, chunks } = await frames();
    const fenced = Buffer.from(header);
    fenced[HEADER - 13] = 7; // the fencing token's last byte: the header no longer matches its chunks
    await storeInPlace([fenced, ...chunks]);
    const bad = await rejection(store.loadStream(ID));
    expect(bad).toBeInstanceOf(EncryptionError);
    expect((bad as EncryptionError).code).toBe(ErrorCode.DECRYPTION_FAILED);
    await storeInPlace([header, ...chunks]);

    const wrong = new EncryptedStore(plain, { keys: [{ id: KEY.id, key: generateEncryptionKey() }] });
    expect(((await rejection(wrong.loadStream(ID))) as EncryptionError).code).toBe(ErrorCode.DECRYPTION_FAILED);
    const missing = new EncryptedStore(plain, { keys: [{ id: 'another', key: generateEncryptionKey() }] });
    expect(((await rejection(missing.loadStream(ID))) as EncryptionError).code).toBe(ErrorCode.ENCRYPTION_KEY);

    // Generation 1 put back on top as generation 3 while generation 2 is kept: a replay.
    await saveStreamTo(store, ID, pieces(randomBytes(10), 10));
    await plain.save(ID, Buffer.concat([header, ...chunks]));
    const replay = await rejection(store.loadStream(ID));
    expect((replay as EncryptionError).code).toBe(ErrorCode.DECRYPTION_FAILED);
    expect((replay as Error).message).toMatch(/replay/);
  });

  test('maxBytes is checked against the data size before streaming', async () => {
    await saveStreamTo(store, ID, pieces(DATA, 50_000));
    const err = await rejection(store.loadStream(ID, { maxBytes: DATA.length - 1 }));
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe(ErrorCode.DATA_TOO_LARGE);
    expect((await drain((await store.loadStream(ID, { maxBytes: DATA.length }))!.stream)).data.equals(DATA)).toBe(true);
  });
});

describe('saves that do not finish', () => {
  test('a source that fails or an abort writes no generation', async () => {
    const boom = new Error('the profile folder went away');
    const failing = async function* (): AsyncGenerator<Buffer> {
      yield randomBytes(CHUNK_BYTES * 2);
      throw boom;
    };
    // The inner FileStore reports the source's failure as STORE_FAILED, with it as `cause`.
    const failed = await rejection(store.saveStream(ID, failing()));
    expect(failed).toBeInstanceOf(StoreError);
    expect((failed as StoreError).code).toBe(ErrorCode.STORE_FAILED);
    expect((failed as StoreError).cause).toBe(boom);
    const controller = new AbortController();
    const aborting = async function* (): AsyncGenerator<Buffer> {
      yield randomBytes(CHUNK_BYTES * 2);
      controller.abort();
      yield randomBytes(CHUNK_BYTES * 2);
    };
    const aborted = await rejection(store.saveStream(ID, aborting(), { signal: controller.signal }));
    expect(aborted).toBeInstanceOf(AbortError);
    expect((aborted as AbortError).code).toBe(ErrorCode.ABORTED);
    expect(await store.list(ID)).toEqual([]);
  });

  test('another save taking the number first: sealed again while the source is unread, GENERATION_CHANGED once it was read', async () => {
    const base = createStore(memoryDriver(5));
    let race: 'before-reading' | 'after-reading' | 'none' = 'before-reading';
    const inner: SessionStore = {
      ...streaming(base, []),
      async saveStream(sessionId, source, options) {
        if (race === 'before-reading') {
          race = 'none';
          await base.save(sessionId, Buffer.from('another writer'));
          return base.save(sessionId, Buffer.from('never'), options); // ifNewest no longer holds
        }
        const parts: Buffer[] = [];
        for await (const piece of source) parts.push(Buffer.from(piece));
        if (race === 'after-reading') await base.save(sessionId, Buffer.from('another writer'));
        return base.save(sessionId, Buffer.concat(parts), options);
      },
    };
    const encrypted = new EncryptedStore(inner, { keys: [KEY], plaintext: 'read', onWarning: () => undefined });
    const data = randomBytes(CHUNK_BYTES + 5);
    expect(await encrypted.saveStream(ID, pieces(data, 4096))).toMatchObject({ generation: 2, bytes: data.length });
    expect((await encrypted.load(ID))!.data.equals(data)).toBe(true);

    race = 'after-reading';
    const err = await rejection(encrypted.saveStream(ID, pieces(data, 4096)));
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe(ErrorCode.GENERATION_CHANGED);
    expect((await base.list(ID)).map((g) => g.generation)).toEqual([3, 2, 1]);
  });
});
