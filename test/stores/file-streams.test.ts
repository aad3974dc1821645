/**
 * Issue 28 in FileStore: a streamed save goes to its temp file a chunk at a time and is linked in
 * only when complete; a streamed load reads the opened zip in file-stream chunks.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ErrorCode, StoreError } from '../../src/errors';
import { FileStore } from '../../src/stores';
import { freshSessionId } from '../../src/testing';
import { tempDir, type TempDir } from '../helpers/tmp';

const MiB = 1024 * 1024;

async function entries(dir: string): Promise<Array<[string, number]>> {
  const names = (await fs.readdir(dir)).sort();
  return Promise.all(names.map(async (name): Promise<[string, number]> => [name, (await fs.stat(path.join(dir, name))).size]));
}

describe('FileStore streaming', () => {
  let tmp: TempDir;
  beforeEach(async () => {
    tmp = await tempDir('waweb-filestreams-');
  });
  afterEach(async () => {
    await tmp.remove();
  });

  it('writes each chunk to a temp file before asking for the next, and links it in only when complete', async () => {
    const store = new FileStore({ directory: tmp.path });
    const id = freshSessionId();
    const first = randomBytes(MiB + 3);
    const second = randomBytes(777);
    let midway: Array<[string, number]> = [];
    async function* source(): AsyncGenerator<Buffer> {
      yield first;
      midway = await entries(path.join(tmp.path, id));
      yield second;
    }
    const saved = await store.saveStream(id, source());
    expect(midway).toHaveLength(1);
    expect(midway[0]?.[0]).toMatch(/^\.tmp-/);
    expect(midway[0]?.[1]).toBe(first.length);
    expect(await entries(path.join(tmp.path, id))).toEqual([['0000000001.zip', first.length + second.length]]);
    expect(saved).toMatchObject({ generation: 1, bytes: first.length + second.length });
    expect((await store.load(id))?.data.equals(Buffer.concat([first, second]))).toBe(true);
  });

  it('removes the temp file when the source fails, keeping the generations before', async () => {
    const store = new FileStore({ directory: tmp.path });
    const id = freshSessionId();
    await store.save(id, Buffer.from('before'));
    async function* failing(): AsyncGenerator<Buffer> {
      yield randomBytes(2 * MiB);
      throw new Error('profile unreadable');
    }
    const err = await store.saveStream(id, failing()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe(ErrorCode.STORE_FAILED);
    expect(await entries(path.join(tmp.path, id))).toEqual([['0000000001.zip', 6]]);
  });

  it('streams a load out of the opened zip in chunks of at most 64 KiB, to its end even when deleted meanwhile', async () => {
    const store = new FileStore({ directory: tmp.path });
    const id = freshSessionId();
    const data = randomBytes(3 * MiB + 5);
    await store.save(id, data);
    const loaded = await store.loadStream(id);
    expect(loaded).toMatchObject({ generation: 1, bytes: data.length });
    await store.delete(id);
    const chunks: Buffer[] = [];
    for await (const chunk of loaded!.stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(64 * 1024);
    expect(await store.list(id)).toEqual([]);
  });
});
