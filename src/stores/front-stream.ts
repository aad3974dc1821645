/**
 * The front's streaming calls (`saveStream`, `loadStream`), over a driver's `writeStream` and
 * `readStream` when it has them, and over `write` (the source gathered into one Buffer) and `read`
 * (its Buffer handed out in slices) when it has not. The same checks as `save` and `load`; the
 * driver's `callTimeout` bounds inactivity, not the whole transfer (see `stream-watch.ts`).
 */
import { Readable } from 'node:stream';
import { ErrorCode, InvalidOptionError, StoreError } from '../errors';
import type { DriverGeneration, StoreDriver } from './driver';
import { assertGeneration, assertIfNewest, assertMaxBytes, dataTooLarge, generationChanged, publicGeneration, wrapError } from './internal';
import { GuardedStream, settleOn, Watchdog, watchedChunks } from './stream-watch';
import type { LoadOptions, LoadedSessionStream, SaveOptions, SessionSource, StoredGeneration } from './types';

/** How often a load lists again when the generation it picked was pruned before it was opened. */
const MAX_OPEN_ATTEMPTS = 5;
/** The slices a `read()` Buffer is handed out in by the fallback. */
const FALLBACK_SLICE_BYTES = 1024 * 1024;

/** What the front passes in: its driver, its label, its checks. */
export interface StreamFront {
  readonly driver: StoreDriver;
  /** `FileStore` */
  readonly label: string;
  /** Throws unless `fence` may be used on this store. */
  checkFence(fence: number, owner: string): void;
}

function wrapper(front: StreamFront, label: string): (err: unknown) => Error {
  return (err) =>
    wrapError(err, `${label} failed`, (e) =>
      front.driver.isUnreachable?.(e) === true ? ErrorCode.STORE_UNREACHABLE : ErrorCode.STORE_FAILED,
    );
}

/** See `SessionStore.saveStream`; the id and a closed store are checked by the caller. */
export async function saveStream(
  front: StreamFront,
  sessionId: string,
  source: SessionSource,
  options: SaveOptions | undefined,
): Promise<StoredGeneration> {
  const { driver } = front;
  const label = `${front.label}: saving session "${sessionId}"`;
  const watch = new Watchdog({ timeout: driver.callTimeout, signal: options?.signal, label });
  const work = async (): Promise<StoredGeneration> => {
    const owner = `${front.label}.saveStream`;
    watch.signal.throwIfAborted();
    if (typeof (source as Partial<AsyncIterable<unknown>> | null)?.[Symbol.asyncIterator] !== 'function') {
      throw new InvalidOptionError(`${owner}: the source must be an async iterable of Buffers (a Readable is one)`);
    }
    const { signal } = watch;
    const fence = options?.fence;
    const ifNewest = options?.ifNewest;
    if (fence !== undefined) front.checkFence(fence, owner);
    if (ifNewest !== undefined) {
      assertIfNewest(ifNewest, owner);
      if (driver.conditionalWrites !== true) {
        const newest = (await driver.list(sessionId, { signal }))[0]?.generation ?? 0;
        if (newest !== ifNewest) throw generationChanged(front.label, sessionId, ifNewest, newest);
      }
    }
    const context = {
      signal,
      ...(fence === undefined ? {} : { fence }),
      ...(ifNewest !== undefined && driver.conditionalWrites === true ? { ifNewest } : {}),
    };
    const chunks = watchedChunks(source, watch, label);
    if (driver.writeStream) return publicGeneration(await driver.writeStream(sessionId, chunks, context));
    const gathered: Buffer[] = [];
    for await (const chunk of chunks) gathered.push(chunk);
    return publicGeneration(await driver.write(sessionId, Buffer.concat(gathered), context));
  };
  try {
    return await settleOn(work(), watch.signal, label);
  } catch (err) {
    throw wrapper(front, label)(err);
  } finally {
    watch.dispose();
  }
}

/** See `SessionStore.loadStream`; the id and a closed store are checked by the caller. */
export async function loadStream(
  front: StreamFront,
  sessionId: string,
  options: LoadOptions | undefined,
): Promise<LoadedSessionStream | null> {
  const { driver } = front;
  const label = `${front.label}: loading session "${sessionId}"`;
  const wrap = wrapper(front, label);
  // One watchdog for the whole load: it bounds the opening, then the waits for the driver's chunks.
  const watch = new Watchdog({ timeout: driver.callTimeout, signal: options?.signal, label });
  let opened: { generation: DriverGeneration; stream: Readable } | null;
  try {
    opened = await settleOn(open(front, sessionId, options, watch.signal), watch.signal, label);
  } catch (err) {
    watch.stop(wrap(err));
    throw wrap(err);
  }
  if (!opened) {
    watch.dispose();
    return null;
  }
  const { generation, stream } = opened;
  const maxBytes = options?.maxBytes;
  const tooLarge = (bytes: number): StoreError => dataTooLarge(front.label, sessionId, generation.generation, bytes, maxBytes ?? 0);
  const localFile = driver.localFile?.(sessionId, generation);
  const guarded = new GuardedStream(stream, { watch, label, bytes: generation.bytes, maxBytes, wrap, tooLarge, localFile });
  return { ...publicGeneration(generation), stream: guarded };
}

/** Lists, picks the generation, checks `maxBytes`, opens it; lists again when it went meanwhile. */
async function open(
  front: StreamFront,
  sessionId: string,
  options: LoadOptions | undefined,
  signal: AbortSignal,
): Promise<{ generation: DriverGeneration; stream: Readable } | null> {
  const { driver, label } = front;
  signal.throwIfAborted();
  assertGeneration(options?.generation, `${label}.loadStream`);
  assertMaxBytes(options?.maxBytes, `${label}.loadStream`);
  const wanted = options?.generation;
  const maxBytes = options?.maxBytes;
  const context = maxBytes === undefined ? { signal } : { signal, maxBytes };
  for (let attempt = 0; attempt < MAX_OPEN_ATTEMPTS; attempt++) {
    const listed = await driver.list(sessionId, { signal });
    const generation = wanted === undefined ? listed[0] : listed.find((g) => g.generation === wanted);
    if (!generation) return null;
    if (maxBytes !== undefined && generation.bytes > maxBytes) {
      throw dataTooLarge(label, sessionId, generation.generation, generation.bytes, maxBytes);
    }
    if (driver.readStream) {
      // `null`: pruned, or rewritten, since listed: the listing says which (a named one may be gone).
      const stream = await driver.readStream(sessionId, generation, context);
      if (stream) return { generation, stream };
      continue;
    }
    const data = await driver.read(sessionId, generation, context);
    if (data === null) {
      if (wanted !== undefined) return null;
      continue;
    }
    if (!Buffer.isBuffer(data)) throw new StoreError(`${label}: read() of generation ${generation.generation} gave no Buffer`);
    if (maxBytes !== undefined && data.length > maxBytes)
      throw dataTooLarge(label, sessionId, generation.generation, data.length, maxBytes);
    return { generation: { ...generation, bytes: data.length }, stream: Readable.from(slices(data), { objectMode: false }) };
  }
  throw new StoreError(`${label}: session "${sessionId}" kept changing while loading it`);
}

function* slices(data: Buffer): Generator<Buffer> {
  for (let at = 0; at < data.length; at += FALLBACK_SLICE_BYTES) yield data.subarray(at, at + FALLBACK_SLICE_BYTES);
}
