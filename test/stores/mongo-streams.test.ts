/**
 * Issue 28 in MongoStore: saves streamed into GridFS with `openUploadStream` and loads streamed out
 * with `openDownloadStream`, inside the fence record's commit protocol. The offline server fails
 * GridFS files over 16 MiB, so the large case runs only against a real server (MONGODB_URI).
 */
import { randomBytes } from 'node:crypto';
import type { Db } from 'mongodb';
import { StoreError } from '../../src/errors';
import { MongoStore } from '../../src/stores';
import { freshSessionId } from '../../src/testing';
import { useMongoDatabases } from '../helpers/mongo';
import { chunksOf, expectStalledSaveTimesOut, failingSource, readAll } from '../helpers/store-streams';

const MiB = 1024 * 1024;
const external = Boolean(process.env.MONGODB_URI);
let db: Db;
useMongoDatabases('streams', (fresh) => (db = fresh));

async function count(collection: string): Promise<number> {
  return db.collection(collection).countDocuments();
}

describe('MongoStore streaming', () => {
  it('uploads a streamed save as one committed GridFS file and downloads it in GridFS chunks', async () => {
    const store = new MongoStore({ db });
    const id = freshSessionId('mstream');
    const data = randomBytes(6 * MiB + 11);
    const saved = await store.saveStream(id, chunksOf(data, 70_001));
    expect(saved).toMatchObject({ generation: 1, bytes: data.length });
    const files = await db.collection(`whatsapp-${id}.files`).find().toArray();
    expect(files.map((f) => [f.filename, f.length, f.metadata])).toEqual([
      [`${id}.zip`, data.length, { waweb: { generation: 1, commit: true } }],
    ]);
    const loaded = await store.loadStream(id);
    const { data: read, largest } = await readAll(loaded!.stream);
    expect(read.equals(data)).toBe(true);
    expect(largest).toBeLessThanOrEqual(MiB);
    await store.close();
  });

  it('removes the chunks of an upload whose source fails, and shows no generation', async () => {
    const store = new MongoStore({ db });
    const id = freshSessionId('mfail');
    await expect(store.saveStream(id, failingSource(2 * MiB))).rejects.toBeInstanceOf(StoreError);
    expect(await store.list(id)).toEqual([]);
    expect(await count(`whatsapp-${id}.files`)).toBe(0);
    expect(await count(`whatsapp-${id}.chunks`)).toBe(0);
    await store.close();
  });

  it('fails a source that stalls longer than operationTimeoutMs with TIMEOUT naming it, writing nothing', async () => {
    const store = new MongoStore({ db, operationTimeoutMs: 1000 });
    const id = freshSessionId('mstall');
    await expectStalledSaveTimesOut((source) => store.saveStream(id, source), MiB, 'operationTimeoutMs');
    expect(await store.list(id)).toEqual([]);
    await store.close();
  });

  (external ? it : it.skip)('streams a 64 MiB generation in and out (real server only)', async () => {
    const store = new MongoStore({ db });
    const id = freshSessionId('mbig');
    const data = randomBytes(64 * MiB);
    await store.saveStream(id, chunksOf(data, MiB));
    const { data: read, largest } = await readAll((await store.loadStream(id))!.stream);
    expect(read.equals(data)).toBe(true);
    expect(largest).toBeLessThanOrEqual(4 * MiB);
    await store.close();
  });
});
