/**
 * Streaming saves and loads (issue 28): a session's bytes as a stream of chunks, so a backup of any
 * size passes through memory a chunk at a time. `SessionStore.saveStream`/`loadStream` are optional
 * members; `saveStreamTo` and `loadStreamFrom` use them when a store has them and otherwise fall back
 * to the Buffer methods (which then hold the whole copy once, as before), so every caller can stream
 * and every store written before streaming stays correct.
 */
import { Readable } from 'node:stream';
import { AbortError } from '../errors';
import { wrapError } from './internal';
import { GuardedStream } from './stream-watch';
import type { LoadOptions, LoadedSessionStream, SaveOptions, SessionSource, SessionStore, StoredGeneration } from './types';

/** The store's own `saveStream`, or `save` with the source gathered into one Buffer. */
export async function saveStreamTo(
  store: SessionStore,
  sessionId: string,
  source: SessionSource,
  options?: SaveOptions,
): Promise<StoredGeneration> {
  if (store.saveStream) return store.saveStream(sessionId, source, options);
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of source) {
      if (options?.signal?.aborted) throw new AbortError(`${store.name}: saving session "${sessionId}" was aborted`);
      chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    }
  } catch (err) {
    // As a store's own saveStream reports it: the source's failure as STORE_FAILED, with it as `cause`.
    throw wrapError(err, `${store.name}: saving session "${sessionId}" failed`);
  }
  return store.save(sessionId, Buffer.concat(chunks), options);
}

/**
 * Where a loaded generation's bytes already are on the local disk, unchanged (a FileStore keeps each
 * generation as one file): a reader that needs random access may open that file, check that its size
 * is `bytes` and its modification time `createdAt` (it was not replaced meanwhile), and then destroy
 * `stream`; one that finds it changed reads `stream` as usual. `undefined` for every other stream:
 * a wrapper that changes the bytes (encryption) hands out a stream of its own, so never passes it on.
 */
export function localFileOf(loaded: LoadedSessionStream): string | undefined {
  return loaded.stream instanceof GuardedStream ? loaded.stream.localFile : undefined;
}

/** The store's own `loadStream`, or `load` with its Buffer handed out as a one-chunk stream. */
export async function loadStreamFrom(store: SessionStore, sessionId: string, options?: LoadOptions): Promise<LoadedSessionStream | null> {
  if (store.loadStream) return store.loadStream(sessionId, options);
  const loaded = await store.load(sessionId, options);
  if (!loaded) return null;
  const { data, ...generation } = loaded;
  return { ...generation, stream: Readable.from([data], { objectMode: false }) };
}
