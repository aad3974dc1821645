/**
 * Issue 4, acceptance 4: hostile or damaged backups in the store. The newest
 * generation is a truncated archive, an archive with entries outside the
 * target (`../`, an absolute path, a symlink), one that inflates past
 * `maxArchiveBytes`, or one with a manifest of an unknown format version.
 *
 * - With no older good generation, `initialize()` rejects with the typed
 *   ArchiveError; nothing is written outside the data folder (the test's
 *   folder, parent of the data folder, lists exactly as before), an existing
 *   local profile is byte for byte as it was, and the store's generations are
 *   unchanged. No browser starts and no QR is shown.
 * - With an older good generation, the client restores that one (`ready`, no
 *   QR) and emits an `error` event carrying an ArchiveError of the same code.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArchiveError, ErrorCode, FileStore, RestoreError } from '../../src/index';
import { readArchiveManifest } from '../../src/session/index';
import { browsersOf, RemoteHarness, snapshotStore, treeHash } from '../helpers/remote-auth';
import { tempDir } from '../helpers/tmp';
import { useSimulatorHarnesses } from '../helpers/use-simulator';
import { makeZip, patchName } from '../helpers/zip';

const NUMBER = '15554000001';
const CLIENT_ID = 'bad';
const SESSION = `RemoteAuth-${CLIENT_ID}`;
const MAX_ARCHIVE_BYTES = 2 * 1024 * 1024;

const env = useSimulatorHarnesses('waweb-remote-bad-', (sim, dir) => ({ harness: new RemoteHarness(sim, dir) }));
/** A real backup of a paired session, made once for the file. */
let good: Buffer;
/** Where the absolute-path entry points: must never be created. */
const absoluteTarget = join(tmpdir(), `waweb-evil-${randomBytes(6).toString('hex')}`);

beforeAll(async () => {
  const pairing = await tempDir('waweb-remote-bad-pair-');
  const h = new RemoteHarness(env.sim, pairing.path);
  try {
    const store = new FileStore({ directory: join(pairing.path, 'store') });
    const paired = await h.ready({ store, clientId: CLIENT_ID, dataPath: join(pairing.path, 'data') }, NUMBER);
    await paired.client.destroy();
    good = (await store.load(SESSION))!.data;
  } finally {
    await h.stopAll();
    await pairing.remove();
  }
  // The good backup fits the limit the tests set, so only the oversized archive trips it.
  expect((await readArchiveManifest(good))!.bytes).toBeLessThan(MAX_ARCHIVE_BYTES);
});
afterAll(async () => {
  await fsp.rm(absoluteTarget, { recursive: true, force: true });
});

/** yazl refuses hostile names: build with a same-length placeholder, then patch it (local and central headers). */
async function zipWithHostileName(hostile: string): Promise<Buffer> {
  const placeholder = `Default/IndexedDB/${'z'.repeat(hostile.length - 'Default/IndexedDB/'.length)}`;
  const data = await makeZip([
    { name: 'Default/IndexedDB/https_web.whatsapp.com_0.indexeddb.leveldb/000003.log', data: 'ok' },
    { name: placeholder, data: 'escaped' },
  ]);
  return patchName(data, placeholder, hostile);
}

const badArchives: Array<[label: string, code: ErrorCode, make: () => Promise<Buffer>]> = [
  ['a truncated archive', ErrorCode.ARCHIVE_CORRUPT, async () => good.subarray(0, Math.floor(good.length / 2))],
  ['an entry climbing out with ../', ErrorCode.ARCHIVE_UNSAFE, () => zipWithHostileName('../../escaped-by-dotdot.txt')],
  ['an entry with an absolute path', ErrorCode.ARCHIVE_UNSAFE, () => zipWithHostileName(absoluteTarget)],
  [
    'a symlink entry',
    ErrorCode.ARCHIVE_UNSAFE,
    () => makeZip([{ name: 'Default/IndexedDB/link', data: join(env.work.path, 'symlink-target'), mode: 0o120777 }]),
  ],
  [
    `an archive inflating past maxArchiveBytes`,
    ErrorCode.ARCHIVE_TOO_LARGE,
    () =>
      makeZip([
        {
          name: 'Default/IndexedDB/https_web.whatsapp.com_0.indexeddb.leveldb/000009.log',
          data: Buffer.alloc(MAX_ARCHIVE_BYTES + 1024 * 1024),
        },
      ]),
  ],
  [
    'a manifest with an unknown format version',
    ErrorCode.ARCHIVE_VERSION,
    async () => {
      const manifest = { ...(await readArchiveManifest(good))!, version: 99 };
      return makeZip([
        { name: 'waweb-manifest.json', data: JSON.stringify(manifest) },
        { name: 'Default/IndexedDB/https_web.whatsapp.com_0.indexeddb.leveldb/000003.log', data: 'x' },
      ]);
    },
  ],
];

/** Every path under `dir` (folders marked with a trailing `/`), sorted. */
async function listing(dir: string, skip: string[] = []): Promise<string[]> {
  const out: string[] = [];
  async function walk(rel: string): Promise<void> {
    for (const e of await fsp.readdir(join(dir, rel), { withFileTypes: true })) {
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      if (skip.includes(childRel)) continue;
      if (e.isDirectory()) {
        out.push(`${childRel}/`);
        await walk(childRel);
      } else out.push(childRel);
    }
  }
  await walk('');
  return out.sort();
}

describe('with no older good generation', () => {
  test.each(badArchives)('%s: initialize() rejects with %s; local profile, store and folders untouched', async (_label, code, make) => {
    const dataPath = join(env.work.path, 'data');
    const profile = join(dataPath, SESSION);
    // An existing local profile (no stamp: a restore is due) that must survive as it is.
    await fsp.mkdir(join(profile, 'Default', 'IndexedDB'), { recursive: true });
    await fsp.writeFile(join(profile, 'Default', 'IndexedDB', 'local.log'), 'local session bytes');
    await fsp.mkdir(join(profile, 'Default', 'Local Storage', 'leveldb'), { recursive: true });
    await fsp.writeFile(join(profile, 'Default', 'Local Storage', 'leveldb', '000003.log'), 'local storage');
    await fsp.writeFile(join(profile, 'Default', 'Preferences'), '{}');

    const store = new FileStore({ directory: join(env.work.path, 'store'), keep: 10 });
    await store.save(SESSION, await make());
    const remoteBefore = await snapshotStore(store, SESSION);
    const profileBefore = await treeHash(profile);
    const folderBefore = await listing(env.work.path);

    const c = env.harness.create({ store, clientId: CLIENT_ID, dataPath, maxArchiveBytes: MAX_ARCHIVE_BYTES }, { scanAs: NUMBER });
    const err: unknown = await c.client.initialize().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RestoreError);
    expect((err as RestoreError).attempts.map((a) => a.error.code)).toEqual([code]);
    expect((err as RestoreError).attempts[0]?.error).toBeInstanceOf(ArchiveError);

    expect(await treeHash(profile)).toBe(profileBefore);
    expect(await listing(env.work.path)).toEqual(folderBefore); // nothing beside the data folder, no temp folder left in it
    expect(existsSync(absoluteTarget)).toBe(false);
    expect(await snapshotStore(store, SESSION)).toEqual(remoteBefore);
    expect(c.count('qr')).toBe(0);
    expect(browsersOf(env.work.path)).toEqual([]);
  });
});

describe('with an older good generation', () => {
  test.each(badArchives)(
    '%s: the older generation is restored (ready, no QR) and an error event carries %s',
    async (_label, code, make) => {
      const dataPath = join(env.work.path, 'data');
      const store = new FileStore({ directory: join(env.work.path, 'store'), keep: 10 });
      await store.save(SESSION, good);
      await store.save(SESSION, await make());
      const remoteBefore = await snapshotStore(store, SESSION);
      const outsideBefore = await listing(env.work.path, ['data', 'store']);

      const c = env.harness.create({ store, clientId: CLIENT_ID, dataPath, maxArchiveBytes: MAX_ARCHIVE_BYTES });
      await c.client.initialize();
      await c.until('ready');
      expect(c.count('qr')).toBe(0);
      expect(c.client.info?.wid._serialized).toBe(`${NUMBER}@c.us`);
      const errors = c.args('error').map(([e]) => e);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(ArchiveError);
      expect((errors[0] as ArchiveError).code).toBe(code);
      // The restore wrote only inside the data folder and deleted no generation.
      expect(await listing(env.work.path, ['data', 'store'])).toEqual(outsideBefore);
      expect(existsSync(absoluteTarget)).toBe(false);
      expect((await fsp.readdir(dataPath)).filter((n) => n.startsWith('.'))).toEqual([]);
      const remoteAfter = await snapshotStore(store, SESSION);
      expect(remoteAfter.slice(-remoteBefore.length)).toEqual(remoteBefore);
    },
  );
});
