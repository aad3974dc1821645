/**
 * The pieces of RemoteAuth's verified restore that need no browser: which generations are candidates
 * (never a set-aside one), and putting back a local copy kept during a trial no login ended.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { olderThanStamp, recoverInterruptedRestore, restoreCandidates } from '../../src/auth/remote/restore';
import { keptLocalPath } from '../../src/auth/remote/restore-trial';
import type { StoredGeneration } from '../../src/index';
import { tempDir, type TempDir } from '../helpers/tmp';

const generation = (n: number, extra: Partial<StoredGeneration> = {}): StoredGeneration => ({
  sessionId: 's',
  generation: n,
  createdAt: new Date(1_700_000_000_000 + n),
  bytes: 10,
  ...extra,
});

test('set-aside generations are never candidates, whether the store marked them or this process did', () => {
  const listed = [
    generation(4, { setAside: { reason: 'QR', detail: 'landed on a QR', at: new Date() } }),
    generation(3),
    generation(2, { loggedInAt: new Date() }),
    generation(1),
  ];
  expect(restoreCandidates(listed, undefined, true).map((g) => g.generation)).toEqual([3, 2, 1]);
  expect(restoreCandidates(listed, undefined, true, new Set([3])).map((g) => g.generation)).toEqual([2, 1]);
});

test('a store listing only generations older than the stamped one is a rollback: none is a candidate', () => {
  const stamp = (n: number) => ({ sessionName: 's', generation: n, createdAt: generation(n).createdAt.toISOString() });
  const listed = [generation(4), generation(3), generation(2)];
  // Generation 6 was seen here; the store was put back to 4 (or 5 and 6 were deleted).
  expect(restoreCandidates(listed, stamp(6), true)).toEqual([]);
  expect(olderThanStamp(listed, stamp(6), true).map((g) => g.generation)).toEqual([4, 3, 2]);
  // Still listed: only the newer ones, as before; nothing is a rollback.
  expect(restoreCandidates(listed, stamp(3), true).map((g) => g.generation)).toEqual([4]);
  expect(olderThanStamp(listed, stamp(3), true)).toEqual([]);
  // Deleted and paired again elsewhere: numbers start over, but later than the stamp, so they are taken.
  const again = [generation(2, { createdAt: new Date(1_800_000_000_000) }), generation(1, { createdAt: new Date(1_800_000_000_000) })];
  expect(restoreCandidates(again, stamp(6), true).map((g) => g.generation)).toEqual([2, 1]);
  // Numbers that are not identities (whatsapp-web.js stores) and stamps without a time: no judgement.
  expect(restoreCandidates(listed, stamp(6), false).map((g) => g.generation)).toEqual([4, 3, 2]);
  expect(olderThanStamp(listed, { sessionName: 's', generation: 6, createdAt: undefined }, true)).toEqual([]);
});

let work: TempDir;
beforeEach(async () => {
  work = await tempDir('waweb-trial-unit-');
});
afterEach(async () => {
  await work.remove();
});

test('a local copy kept during a trial that no login ended is put back over the unverified restore', async () => {
  const profile = join(work.path, 'RemoteAuth-x');
  const kept = keptLocalPath(profile);
  await fsp.mkdir(profile);
  await fsp.writeFile(join(profile, 'which'), 'unverified restore');
  await fsp.mkdir(kept);
  await fsp.writeFile(join(kept, 'which'), 'local copy');
  await recoverInterruptedRestore(work.path, 'RemoteAuth-x', profile, () => false, kept);
  expect(await fsp.readFile(join(profile, 'which'), 'utf8')).toBe('local copy');
  await expect(fsp.access(kept)).rejects.toThrow();
  // Without a kept copy nothing moves.
  await recoverInterruptedRestore(work.path, 'RemoteAuth-x', profile, () => false, kept);
  expect(await fsp.readFile(join(profile, 'which'), 'utf8')).toBe('local copy');
});
