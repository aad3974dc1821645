/**
 * The front's streaming calls (issue 28) over drivers with and without `writeStream`/`readStream`:
 * fallbacks, the "list again" rule, inactivity deadlines, size checks, errors wrapped on the stream.
 */
import { Readable } from 'node:stream';
import { AbortError, ErrorCode, InvalidOptionError, StoreError } from '../../src/errors';
import { createStore, defineStoreDriver, type StoreDriver, type StoredGeneration } from '../../src/index';

interface Kept extends StoredGeneration {
  data: Buffer;
}

const MiB = 1024 * 1024;

/** A memory driver recording what it was called with; `streams` adds writeStream/readStream. */
function recordingDriver(streams: boolean, extra: Partial<StoreDriver> = {}) {
  const kept = new Map<string, Kept[]>();
  const calls: string[] = [];
  const written: number[][] = [];
  const store = (sessionId: string, data: Buffer): StoredGeneration => {
    const list = kept.get(sessionId) ?? [];
    const saved = { sessionId, generation: (list[0]?.generation ?? 0) + 1, createdAt: new Date(), bytes: data.length };
    kept.set(sessionId, [{ ...saved, data }, ...list]);
    return saved;
  };
  const base: StoreDriver = {
    name: 'rec',
    list: async (id) => {
      calls.push('list');
      return kept.get(id) ?? [];
    },
    read: async (id, g) => {
      calls.push('read');
      return kept.get(id)?.find((k) => k.generation === g.generation)?.data ?? null;
    },
    write: async (id, data) => {
      calls.push('write');
      return store(id, data);
    },
    remove: async (id) => {
      kept.delete(id);
    },
  };
  const withStreams: Partial<StoreDriver> = streams
    ? {
        writeStream: async (id, source) => {
          calls.push('writeStream');
          const sizes: number[] = [];
          const chunks: Buffer[] = [];
          for await (const chunk of source) {
            sizes.push(chunk.length);
            chunks.push(chunk);
          }
          written.push(sizes);
          return store(id, Buffer.concat(chunks));
        },
        readStream: async (id, g) => {
          calls.push('readStream');
          const data = kept.get(id)?.find((k) => k.generation === g.generation)?.data;
          return data ? Readable.from([data.subarray(0, data.length >> 1), data.subarray(data.length >> 1)]) : null;
        },
      }
    : {};
  return { driver: defineStoreDriver({ ...base, ...withStreams, ...extra }), calls, written, kept };
}

async function* chunksOf(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return chunks;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('the front: streaming', () => {
  it('checks writeStream and readStream as optional driver members', () => {
    const { driver } = recordingDriver(true);
    expect(() => defineStoreDriver(driver)).not.toThrow();
    for (const member of ['writeStream', 'readStream']) {
      expect(() => defineStoreDriver({ ...driver, [member]: 'yes' })).toThrow(InvalidOptionError);
    }
  });

  it('passes a native driver the chunks as they come, and never calls write()', async () => {
    const { driver, calls, written } = recordingDriver(true);
    const store = createStore(driver);
    const saved = await store.saveStream!('s', chunksOf(Buffer.alloc(10_000, 7), 3000));
    expect(saved).toMatchObject({ generation: 1, bytes: 10_000 });
    expect(written).toEqual([[3000, 3000, 3000, 1000]]);
    expect(calls).not.toContain('write');
  });

  it('gathers the source into write() for a driver without writeStream, and slices read() into 1 MiB chunks', async () => {
    const { driver, calls } = recordingDriver(false);
    const store = createStore(driver);
    const data = Buffer.alloc(2 * MiB + 5, 1);
    await store.saveStream!('s', chunksOf(data, 100_000));
    expect(calls).toEqual(['write']);
    const loaded = await store.loadStream!('s');
    const chunks = await readAll(loaded!.stream);
    expect(chunks.map((c) => c.length)).toEqual([MiB, MiB, 5]);
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
  });

  it('lists again when readStream finds the newest gone, and gives null for a named one that went', async () => {
    const { driver, kept } = recordingDriver(true);
    let gone = 0;
    const store = createStore({
      ...driver,
      readStream: async (id, g, context) => {
        if (g.generation === 2 && gone++ === 0) {
          kept.set(id, (kept.get(id) ?? []).slice(1)); // pruned between list and open
          return null;
        }
        return driver.readStream!(id, g, context);
      },
    });
    await store.save('s', Buffer.from('one'));
    await store.save('s', Buffer.from('two'));
    const loaded = await store.loadStream!('s');
    expect(loaded?.generation).toBe(1);
    expect(Buffer.concat(await readAll(loaded!.stream)).toString()).toBe('one');
    expect(await store.loadStream!('s', { generation: 2 })).toBeNull();
  });

  it('refuses over maxBytes before opening, and fails a stream that gives more or fewer bytes than listed', async () => {
    const { driver } = recordingDriver(true);
    let give = (data: Buffer): Buffer => data;
    const store = createStore({
      ...driver,
      readStream: async (id, g, context) => {
        const stream = await driver.readStream!(id, g, context);
        return stream ? Readable.from([give(Buffer.concat(await readAll(stream)))]) : null;
      },
    });
    await store.save('s', Buffer.alloc(100));
    expect(await rejection(store.loadStream!('s', { maxBytes: 99 }))).toMatchObject({ code: ErrorCode.DATA_TOO_LARGE });
    give = (data) => data.subarray(0, 50);
    const short = await store.loadStream!('s');
    expect(await rejection(readAll(short!.stream))).toMatchObject({ code: ErrorCode.STORE_FAILED });
    give = (data) => Buffer.concat([data, data]);
    const long = await store.loadStream!('s', { maxBytes: 150 });
    expect(await rejection(readAll(long!.stream))).toMatchObject({ code: ErrorCode.DATA_TOO_LARGE });
  });

  it("wraps errors the driver's stream emits, as STORE_UNREACHABLE when the driver says so, the cause kept", async () => {
    const { driver } = recordingDriver(true);
    const cause = Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });
    const store = createStore({
      ...driver,
      isUnreachable: (err) => (err as { code?: string }).code === 'ECONNRESET',
      readStream: async () =>
        new Readable({
          read() {
            this.destroy(cause);
          },
        }),
    });
    await store.save('s', Buffer.alloc(10));
    const loaded = await store.loadStream!('s');
    const err = await rejection(readAll(loaded!.stream));
    expect(err).toBeInstanceOf(StoreError);
    expect(err).toMatchObject({ code: ErrorCode.STORE_UNREACHABLE, cause });
  });

  it('wraps a failing source with the cause kept, and a native driver writes nothing', async () => {
    const { driver, kept } = recordingDriver(true);
    const store = createStore(driver);
    const cause = new Error('zip failed');
    async function* failing(): AsyncGenerator<Buffer> {
      yield Buffer.alloc(10);
      throw cause;
    }
    const err = await rejection(store.saveStream!('s', failing()));
    expect(err).toMatchObject({ code: ErrorCode.STORE_FAILED, cause });
    expect(kept.size).toBe(0);
  });

  it('fails a stalled source after callTimeout of inactivity with TIMEOUT naming the option', async () => {
    const { driver } = recordingDriver(true);
    const store = createStore({ ...driver, callTimeout: { ms: 200, option: 'myTimeoutMs' } });
    let release: () => void = () => undefined;
    async function* stalling(): AsyncGenerator<Buffer> {
      yield Buffer.alloc(10);
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    }
    const err = await rejection(store.saveStream!('s', stalling()));
    release();
    expect(err).toBeInstanceOf(StoreError);
    expect(err).toMatchObject({ code: ErrorCode.TIMEOUT });
    expect((err as Error).message).toContain('myTimeoutMs');
  });

  it('fails a loaded stream whose driver gives nothing within callTimeout, and destroys the driver stream', async () => {
    const { driver } = recordingDriver(true);
    const silent = new Readable({ read: () => undefined });
    const store = createStore({ ...driver, callTimeout: { ms: 200, option: 'myTimeoutMs' }, readStream: async () => silent });
    await store.save('s', Buffer.alloc(10));
    const loaded = await store.loadStream!('s');
    const err = await rejection(readAll(loaded!.stream));
    expect(err).toMatchObject({ code: ErrorCode.TIMEOUT });
    expect(silent.destroyed).toBe(true);
  });

  it('does not time a reader that pauses: the deadline runs only while waiting for the driver', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      const { driver } = recordingDriver(true);
      const store = createStore({ ...driver, callTimeout: { ms: 1000 } });
      const data = Buffer.alloc(1000, 3);
      await store.save('s', data);
      const loaded = await store.loadStream!('s');
      jest.advanceTimersByTime(10_000); // the reader takes its time before reading
      expect(Buffer.concat(await readAll(loaded!.stream)).equals(data)).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });

  it('destroys a loaded stream with ABORTED when the caller aborts mid-read', async () => {
    const { driver } = recordingDriver(true);
    const source = new Readable({ read: () => undefined });
    const store = createStore({ ...driver, readStream: async () => source });
    await store.save('s', Buffer.alloc(10));
    const controller = new AbortController();
    const loaded = await store.loadStream!('s', { signal: controller.signal });
    const reading = rejection(readAll(loaded!.stream));
    controller.abort();
    const err = await reading;
    expect(err).toBeInstanceOf(AbortError);
    expect(source.destroyed).toBe(true);
  });

  it('refuses a source that is not an async iterable with INVALID_OPTION', async () => {
    const store = createStore(recordingDriver(true).driver);
    const err = await rejection(store.saveStream!('s', Buffer.alloc(3) as never));
    expect(err).toBeInstanceOf(InvalidOptionError);
  });
});
