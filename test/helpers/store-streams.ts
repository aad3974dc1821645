/**
 * For the stream tests of one backend's store (PostgreSQL, MongoDB): sources to save from (in
 * chunks, failing, stalling) and a reader that keeps the chunk sizes a load streamed.
 */
import { randomBytes } from 'node:crypto';
import { ErrorCode, StoreError } from '../../src/errors';

/** `data` as `size`-byte chunks. */
export async function* chunksOf(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

/** Everything `stream` yields, and the size of its largest chunk. */
export async function readAll(stream: AsyncIterable<unknown>): Promise<{ data: Buffer; largest: number }> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return { data: Buffer.concat(chunks), largest: Math.max(0, ...chunks.map((c) => c.length)) };
}

/** A source that yields `bytes` random bytes, then fails as an unreadable profile does. */
export async function* failingSource(bytes: number): AsyncGenerator<Buffer> {
  yield randomBytes(bytes);
  throw new Error('profile unreadable');
}

/**
 * Saves (`save`) from a source that yields `bytes` random bytes and then waits forever, and expects
 * the save to fail with a `TIMEOUT` StoreError whose message names `option` (the store's deadline
 * for one operation). The source is let go afterwards.
 */
export async function expectStalledSaveTimesOut(
  save: (source: AsyncIterable<Buffer>) => Promise<unknown>,
  bytes: number,
  option: string,
): Promise<void> {
  let release: () => void = () => undefined;
  async function* stalling(): AsyncGenerator<Buffer> {
    yield randomBytes(bytes);
    await new Promise<void>((resolve) => {
      release = resolve;
    });
  }
  const err = await save(stalling()).then(
    () => undefined,
    (e: unknown) => e,
  );
  release();
  expect(err).toBeInstanceOf(StoreError);
  expect((err as StoreError).code).toBe(ErrorCode.TIMEOUT);
  expect((err as StoreError).message).toContain(option);
}
