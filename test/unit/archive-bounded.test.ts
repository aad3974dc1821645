/**
 * Issue 28, bounded Buffers while a backup zips a profile: files are read a small chunk at a time,
 * and a sink that reads slowly holds the profile's reading back (backpressure reaches the disk), so
 * the bytes in flight stay a few chunks whatever the profile's size.
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { writeSessionArchive } from '../../src/archive';
import { tempDir, type TempDir } from '../helpers/tmp';

const IDB = 'Default/IndexedDB/https_web.whatsapp.com_0.indexeddb.leveldb';
const KiB = 1024;
const MiB = 1024 * KiB;

let tmp: TempDir;
let profile: string;
let readSpy: jest.SpyInstance | undefined;
/** Bytes of the profile's files read so far, and the size of each read asked for. */
let profileRead = 0;
let readSizes: number[] = [];

beforeEach(async () => {
  tmp = await tempDir('waweb-archive-bounded-');
  profile = path.join(tmp.path, 'profile');
  const dir = path.join(profile, ...IDB.split('/'));
  await fsp.mkdir(dir, { recursive: true });
  await fsp.writeFile(path.join(dir, 'CURRENT'), 'MANIFEST-000001\n');
  await fsp.writeFile(path.join(dir, 'MANIFEST-000001'), 'manifest');
  // Incompressible: the zip's bytes are about the profile's, so the two can be compared.
  await fsp.writeFile(path.join(dir, '000005.ldb'), randomBytes(6 * MiB));
  profileRead = 0;
  readSizes = [];
  // Every read of a FileHandle (the profile's files are read through one) is recorded.
  const probe = await fsp.open(path.join(dir, 'CURRENT'), 'r');
  const proto = Object.getPrototypeOf(probe) as { read: (...args: unknown[]) => Promise<{ bytesRead: number }> };
  await probe.close();
  const original = proto.read;
  readSpy = jest.spyOn(proto, 'read').mockImplementation(async function (this: unknown, ...args: unknown[]) {
    const length = args[2];
    if (typeof length === 'number') readSizes.push(length);
    const result = await original.apply(this, args);
    profileRead += result.bytesRead;
    return result;
  });
});
afterEach(async () => {
  readSpy?.mockRestore();
  await tmp.remove();
});

/** Lets every pending callback and I/O completion run (no fixed sleep: a bounded number of turns). */
async function settle(turns = 50): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

describe('writeSessionArchive keeps its Buffers bounded', () => {
  it('reads the profile files at most 64 KiB at a time', async () => {
    const written = await writeSessionArchive(
      profile,
      async (zip) => {
        let bytes = 0;
        for await (const chunk of zip) bytes += (chunk as Buffer).length;
        return bytes;
      },
      { clientId: 'bounded' },
    );
    expect(written.manifest.bytes).toBe(6 * MiB + 'MANIFEST-000001\n'.length + 'manifest'.length);
    expect(readSizes.length).toBeGreaterThan(0);
    expect(Math.max(...readSizes)).toBeLessThanOrEqual(64 * KiB);
  });

  it('a sink that stops reading stops the profile reads within 1 MiB of what it took', async () => {
    let ahead = 0;
    await writeSessionArchive(
      profile,
      async (zip) => {
        let consumed = 0;
        for await (const chunk of zip) {
          consumed += (chunk as Buffer).length;
          // The sink pauses after every chunk; whatever the producer reads meanwhile is held in memory.
          await settle();
          ahead = Math.max(ahead, profileRead - consumed);
        }
        return consumed;
      },
      { clientId: 'bounded' },
    );
    expect(profileRead).toBeGreaterThanOrEqual(6 * MiB);
    expect(ahead).toBeLessThanOrEqual(1 * MiB);
  });
});
