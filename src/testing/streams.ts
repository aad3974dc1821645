/**
 * The streaming cases of the main conformance suite (`saveStream`/`loadStream`, issue 28),
 * registered inside `describeStoreConformance`. They go through `saveStreamTo`/`loadStreamFrom`, as
 * every caller does, so a store without streaming passes them through its Buffer methods; the cases
 * about chunked loading apply to stores with their own `loadStream`.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ErrorCode, LeaseError, StoreError, WawebError, loadStreamFrom, saveStreamTo, type SessionStore } from '../index';
import { rejectionOf, refusedAsChanged } from './conditional';

/** How a test is registered (the runner's `it`). */
type It = (name: string, fn: () => Promise<void> | void) => void;

const MiB = 1024 * 1024;

/** `data` as a source of chunks of `size` bytes (the last one shorter). */
async function* chunksOf(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

/** Reads a loaded stream whole; resolves with its bytes and its largest chunk. */
async function drain(stream: AsyncIterable<unknown>): Promise<{ data: Buffer; largest: number }> {
  const chunks: Buffer[] = [];
  let largest = 0;
  for await (const chunk of stream) {
    assert.ok(Buffer.isBuffer(chunk), 'the stream gives Buffers');
    largest = Math.max(largest, chunk.length);
    chunks.push(chunk);
  }
  return { data: Buffer.concat(chunks), largest };
}

async function loadWhole(store: SessionStore, id: string, generation?: number): Promise<Buffer | null> {
  const loaded = await loadStreamFrom(store, id, generation === undefined ? {} : { generation });
  return loaded ? (await drain(loaded.stream)).data : null;
}

/** Registers the cases with `it`; `store` gives the running test's store, `sessionId` a fresh id. */
export function describeStreams(it: It, store: () => SessionStore, sessionId: (label: string) => string, generations = true): void {
  it('round-trips streamed saves of 0, 1, 1 MiB - 1, 1 MiB, 1 MiB + 1 and 3 MiB + 17 bytes in odd chunks, byte for byte', async () => {
    const id = sessionId('stream');
    for (const [size, chunk] of [
      [0, 7],
      [1, 7],
      [MiB - 1, 65_521],
      [MiB, 333_333],
      [MiB + 1, MiB],
      [3 * MiB + 17, 65_537],
    ] as const) {
      const data = randomBytes(size);
      const saved = await saveStreamTo(store(), id, chunksOf(data, chunk));
      assert.equal(saved.bytes, size, `saved ${size} bytes`);
      assert.equal(saved.sessionId, id);
      const loaded = await loadStreamFrom(store(), id);
      assert.ok(loaded, `a generation of ${size} bytes loads`);
      assert.equal(loaded.generation, saved.generation);
      assert.equal(loaded.bytes, size);
      assert.ok((await drain(loaded.stream)).data.equals(data), `${size} bytes come back as saved`);
    }
  });

  it('loads a streamed save with load(), and a save() with loadStream, and lists both', async () => {
    const id = sessionId('interop');
    const streamed = randomBytes(2 * MiB + 3);
    const first = await saveStreamTo(store(), id, chunksOf(streamed, 100_003));
    assert.ok((await store().load(id))?.data.equals(streamed), 'load() reads a streamed save');
    const buffered = randomBytes(MiB + 5);
    const second = await store().save(id, buffered);
    assert.ok((await loadWhole(store(), id))?.equals(buffered), 'loadStream reads a save()');
    // A store that holds one backup (`generations: false`) keeps only the newest.
    if (!generations) return;
    assert.ok((await loadWhole(store(), id, first.generation))?.equals(streamed), 'an older streamed generation by number');
    assert.deepEqual(
      (await store().list(id)).map((g) => [g.generation, g.bytes]),
      [
        [second.generation, buffered.length],
        [first.generation, streamed.length],
      ],
    );
  });

  it('writes no generation when the source fails midway, and keeps the one before', async () => {
    const id = sessionId('srcfail');
    const before = randomBytes(1000);
    await store().save(id, before);
    const listed = await store().list(id);
    async function* failing(): AsyncGenerator<Buffer> {
      yield randomBytes(MiB + 1);
      yield randomBytes(10);
      throw new Error('the zip could not read the profile');
    }
    const err = await rejectionOf(saveStreamTo(store(), id, failing()));
    assert.ok(err instanceof Error);
    assert.deepEqual(await store().list(id), listed, 'the failed save left nothing a listing shows');
    assert.ok((await loadWhole(store(), id))?.equals(before), 'the newest is still the one before');
    const after = randomBytes(20);
    await saveStreamTo(store(), id, chunksOf(after, 7));
    assert.ok((await loadWhole(store(), id))?.equals(after), 'the next save works');
  });

  it('writes no generation when aborted mid-stream, with ABORTED', async () => {
    const id = sessionId('srcabort');
    const before = randomBytes(500);
    await store().save(id, before);
    const listed = await store().list(id);
    const controller = new AbortController();
    async function* aborting(): AsyncGenerator<Buffer> {
      yield randomBytes(MiB);
      controller.abort();
      yield randomBytes(MiB);
      yield randomBytes(MiB);
    }
    const err = await rejectionOf(saveStreamTo(store(), id, aborting(), { signal: controller.signal }));
    assert.ok(err instanceof WawebError && err.code === ErrorCode.ABORTED, `expected ABORTED, got ${String(err)}`);
    assert.deepEqual(await store().list(id), listed);
    assert.ok((await loadWhole(store(), id))?.equals(before));
  });

  it('refuses a loadStream over maxBytes with DATA_TOO_LARGE before streaming, and streams at the limit', async () => {
    const id = sessionId('streammax');
    const data = randomBytes(4096);
    await saveStreamTo(store(), id, chunksOf(data, 1000));
    const err = await rejectionOf(loadStreamFrom(store(), id, { maxBytes: data.length - 1 }));
    assert.ok(err instanceof StoreError && err.code === ErrorCode.DATA_TOO_LARGE, `expected DATA_TOO_LARGE, got ${String(err)}`);
    const loaded = await loadStreamFrom(store(), id, { maxBytes: data.length });
    assert.ok(loaded && (await drain(loaded.stream)).data.equals(data));
  });

  it('honours ifNewest on a streamed save, writing nothing when refused', async () => {
    const id = sessionId('streamcas');
    await refusedAsChanged(saveStreamTo(store(), id, chunksOf(randomBytes(10), 3), { ifNewest: 1 }));
    assert.deepEqual(await store().list(id), []);
    const first = await saveStreamTo(store(), id, chunksOf(randomBytes(10), 3), { ifNewest: 0 });
    await refusedAsChanged(saveStreamTo(store(), id, chunksOf(randomBytes(10), 3), { ifNewest: 0 }));
    const second = await saveStreamTo(store(), id, chunksOf(randomBytes(10), 3), { ifNewest: first.generation });
    assert.equal((await store().list(id))[0]?.generation, second.generation);
  });

  it('refuses a streamed save whose fencing token is below one it has seen (stores with fencing)', async () => {
    const s = store();
    if (s.fencing !== true || !s.raiseFence) return;
    const id = sessionId('streamfence');
    await s.raiseFence(id, 5);
    const err = await rejectionOf(saveStreamTo(s, id, chunksOf(randomBytes(MiB + 2), 65_536), { fence: 4 }));
    assert.ok(err instanceof LeaseError && err.code === ErrorCode.FENCED, `expected FENCED, got ${String(err)}`);
    assert.deepEqual(await s.list(id), []);
    const data = randomBytes(MiB + 2);
    await saveStreamTo(s, id, chunksOf(data, 65_536), { fence: 5 });
    assert.ok((await loadWhole(s, id))?.equals(data));
  });

  it('hands out an 8 MiB generation in chunks of at most 4 MiB (stores with their own loadStream)', async () => {
    const s = store();
    if (!s.loadStream) return;
    const id = sessionId('chunked');
    const data = randomBytes(8 * MiB);
    await saveStreamTo(s, id, chunksOf(data, 8 * MiB));
    const loaded = await s.loadStream(id);
    assert.ok(loaded);
    assert.equal(loaded.bytes, data.length);
    const { data: read, largest } = await drain(loaded.stream);
    assert.ok(read.equals(data));
    assert.ok(largest <= 4 * MiB, `the largest chunk was ${largest} bytes`);
  });

  it('lets a reader stop a loaded stream early, and loads again afterwards', async () => {
    const id = sessionId('early');
    const data = randomBytes(3 * MiB);
    await saveStreamTo(store(), id, chunksOf(data, MiB));
    const loaded = await loadStreamFrom(store(), id);
    assert.ok(loaded);
    for await (const chunk of loaded.stream) {
      assert.ok(Buffer.isBuffer(chunk));
      break; // destroys the stream
    }
    assert.ok(loaded.stream.destroyed);
    assert.ok((await loadWhole(store(), id))?.equals(data));
  });

  it('refuses streaming calls with a hostile session id, and after close()', async () => {
    for (const id of ['../x', 'a/b', '']) {
      for (const call of [saveStreamTo(store(), id, chunksOf(randomBytes(4), 2)), loadStreamFrom(store(), id)]) {
        const err = await rejectionOf(call);
        assert.ok(err instanceof StoreError && err.code === ErrorCode.INVALID_SESSION_ID, `${id}: got ${String(err)}`);
      }
    }
    const id = sessionId('streamclosed');
    await store().close();
    for (const call of [saveStreamTo(store(), id, chunksOf(randomBytes(4), 2)), loadStreamFrom(store(), id)]) {
      const err = await rejectionOf(call);
      assert.ok(err instanceof StoreError && err.code === ErrorCode.STORE_FAILED, `after close: got ${String(err)}`);
    }
  });
}
