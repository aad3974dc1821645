/**
 * Issue 23, MongoDB without a database: which GridFS files readers see under the commit protocol,
 * which ones a prune may delete, and the `_id`s that key lease, worker and fence documents.
 */
import type { GridFSFile } from 'mongodb';
import { ObjectId } from 'mongodb';
import { isDuplicateKey, isKeyedDoc, keyedId, movedKey } from '../../src/db/mongo-keyed';
import { assertLeaseName } from '../../src/leases/call';
import {
  fileId,
  replacedFiles,
  rewriteMetadata,
  STALE_REWRITE_MS,
  uncommittable,
  uploadMetadata,
  visibleFiles,
} from '../../src/stores/mongo-gridfs';

let uploads = 0;
function file(metadata: object | undefined): GridFSFile {
  uploads += 1;
  return {
    _id: new ObjectId(),
    length: 1,
    chunkSize: 255 * 1024,
    filename: 's.zip',
    uploadDate: new Date(1_700_000_000_000 + uploads),
    ...(metadata === undefined ? {} : { metadata }),
  };
}

describe('rewrites (rekey): one file shown per generation, swapped in one update', () => {
  const original = file(uploadMetadata(2, 1));
  const legacy = file({ waweb: { generation: 1 } });
  const now = new Date(1_800_000_000_000);
  const rewrite = file(rewriteMetadata(original, 2, 1, now));
  const legacyRewrite = file(rewriteMetadata(legacy, 1, undefined, now));
  const all = [legacy, original, rewrite, legacyRewrite];

  test('before the swap the original is shown and the rewrite is not; after it, only the rewrite', () => {
    expect(visibleFiles(all, [2])).toEqual([legacy, original]);
    expect(visibleFiles(all, [1, 2], { 2: fileId(rewrite), 1: fileId(legacyRewrite) })).toEqual([rewrite, legacyRewrite]);
    // A rewrite chosen for a generation no longer committed (deleted meanwhile) is not shown.
    expect(visibleFiles(all, [1], { 2: fileId(rewrite), 1: fileId(legacyRewrite) })).toEqual([legacyRewrite]);
  });

  test('a replaced file is swept at once; an unchosen rewrite only once stale (another rekey may be about to swap it)', () => {
    const chosen = { 2: fileId(rewrite) };
    expect(replacedFiles(all, chosen, now.getTime())).toEqual([original]);
    expect(replacedFiles(all, chosen, now.getTime() + STALE_REWRITE_MS + 1)).toEqual([original, legacyRewrite]);
    expect(uncommittable(all, { committed: [2], top: 9 })).not.toContain(legacyRewrite);
  });
});

describe('commit protocol: what readers see', () => {
  const committed = file(uploadMetadata(2, 1));
  const stale = file(uploadMetadata(3, 1));
  const inFlight = file(uploadMetadata(5, 2));
  const legacy = file({ waweb: { generation: 1 } });
  const wwebjs = file(undefined);
  const all = [legacy, wwebjs, committed, stale, inFlight];

  test('a marked file is shown only once its generation is committed; unmarked files always', () => {
    expect(visibleFiles(all, [2])).toEqual([legacy, wwebjs, committed]);
    expect(visibleFiles(all, undefined)).toEqual([legacy, wwebjs]);
    expect(visibleFiles(all, [2, 3, 5])).toEqual(all);
  });

  test('only a marked, uncommitted file at or below the highest committed generation may be swept', () => {
    expect(uncommittable(all, { committed: [2], top: 4 })).toEqual([stale]);
    expect(uncommittable(all, { committed: [2], top: 2 })).toEqual([]);
    expect(uncommittable(all, { committed: [], top: 9 })).toEqual([committed, stale, inFlight]);
    expect(uncommittable(all, null)).toEqual([]);
  });

  test('the marker is metadata.waweb.commit, beside the generation and the token', () => {
    expect(uploadMetadata(7, undefined)).toEqual({ waweb: { generation: 7, commit: true } });
    expect(uploadMetadata(7, 3)).toEqual({ waweb: { generation: 7, commit: true, fence: 3 } });
  });
});

describe('documents keyed by _id', () => {
  test('one ObjectId per kind and key, the same in every process', () => {
    const a = keyedId(ObjectId, 'lease', 'session-1');
    expect(a).toBeInstanceOf(ObjectId);
    expect(a.toHexString()).toBe(keyedId(ObjectId, 'lease', 'session-1').toHexString());
    expect(a.toHexString()).not.toBe(keyedId(ObjectId, 'fence', 'session-1').toHexString());
    expect(a.toHexString()).not.toBe(keyedId(ObjectId, 'lease', 'session-2').toHexString());
    expect(isKeyedDoc(ObjectId, 'lease', { _id: a }, 'session-1')).toBe(true);
    expect(isKeyedDoc(ObjectId, 'lease', { _id: new ObjectId() }, 'session-1')).toBe(false);
    expect(isKeyedDoc(ObjectId, 'lease', { _id: a }, undefined)).toBe(false);
  });

  test('a key moved aside by the upgrade can never be a lease name or a session id', () => {
    expect(() => assertLeaseName(movedKey('s'), 'a session id', 'test')).toThrow();
    expect(movedKey('s')).not.toMatch(/^[A-Za-z0-9_-]+$/);
  });

  test('duplicate key errors are recognised from a real server and from the offline one', () => {
    expect(isDuplicateKey({ code: 11000, message: 'E11000 duplicate key error' })).toBe(true);
    expect(isDuplicateKey(new Error('Duplicate key error: _id 0123'))).toBe(true);
    expect(isDuplicateKey(new Error('network'))).toBe(false);
    expect(isDuplicateKey(null)).toBe(false);
  });
});
