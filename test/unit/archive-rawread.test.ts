/**
 * Issue 28, restore memory: extracting from a zip file reads each entry's compressed bytes into a
 * few buffers made once per extraction and reused, instead of a fresh Buffer for every read. Reuse
 * must never corrupt data (a buffer is refilled only once the inflater or the file took its bytes),
 * and a read that fails or comes up short mid-entry is typed and rolled back like any other failure.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs, { promises as fsp } from 'node:fs';
import path from 'node:path';
import { ArchiveError, ErrorCode, FileSystemError } from '../../src/index';
import { extractSessionArchive, extractSessionArchiveFile } from '../../src/archive';
import { makeZip, type ZipItem } from '../helpers/zip';
import { IDB, LS } from '../helpers/profile-files';
import { tempDir, type TempDir } from '../helpers/tmp';

const KiB = 1024;
const MiB = 1024 * KiB;

let tmp: TempDir;
beforeEach(async () => {
  tmp = await tempDir('waweb-archive-rawread-');
});
afterEach(async () => {
  jest.restoreAllMocks();
  await tmp.remove();
});

const LOCAL_STORAGE: ZipItem = { name: `${LS}/000003.log`, data: '_https://web.whatsapp.com\u0000\u0001WAToken1 x' };

/**
 * Session entries of about `total` bytes, stored and deflated (random, so the deflated ones stay about
 * as large and span many reads too), sizes off every read boundary, plus the edge sizes. Every
 * deflated one declares more than 64 KiB, so its inflater's buffers are larger than any read's.
 */
function items(total: number): ZipItem[] {
  const big = Math.floor(total / 4);
  const sizes: [number, boolean][] = [
    [big + 1, false],
    [big - 7, true],
    [big + 4099, false],
    [big - 65_535, true],
    [64 * KiB, false],
    [64 * KiB + 1, true],
    [100 * KiB + 3, true],
    [1, false],
    [0, false],
  ];
  return [
    LOCAL_STORAGE,
    ...sizes.map(([size, compress], i) => ({ name: `${IDB}/${String(i).padStart(6, '0')}.ldb`, data: randomBytes(size), compress })),
  ];
}

async function zipFile(name: string, entries: readonly ZipItem[]): Promise<string> {
  const file = path.join(tmp.path, name);
  await fsp.writeFile(file, await makeZip(entries));
  return file;
}

function sha(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Every written entry, byte for byte. */
async function expectRestored(target: string, entries: readonly ZipItem[]): Promise<void> {
  for (const it of entries) {
    const written = await fsp.readFile(path.join(target, ...it.name.split('/')));
    expect(sha(written)).toBe(sha(it.data ?? ''));
  }
}

/** Buffers of a raw read's size made during `work`: 1 to 64 KiB (yauzl read 16 KiB at a time, waweb reads 64 KiB). */
async function readSizedAllocations(work: () => Promise<unknown>): Promise<number> {
  let count = 0;
  const counted = (size: unknown): void => {
    if (typeof size === 'number' && size >= KiB && size <= 64 * KiB) count++;
  };
  for (const name of ['allocUnsafe', 'allocUnsafeSlow', 'alloc'] as const) {
    const original = Buffer[name].bind(Buffer) as (...args: unknown[]) => Buffer;
    jest.spyOn(Buffer, name).mockImplementation(((...args: unknown[]) => {
      counted(args[0]);
      return original(...args);
    }) as never);
  }
  try {
    await work();
  } finally {
    jest.restoreAllMocks();
  }
  return count;
}

test('extracting from a file makes the same few read buffers for a 1 MiB and an 8 MiB archive, and restores every byte', async () => {
  const counts: number[] = [];
  for (const total of [1 * MiB, 8 * MiB]) {
    const entries = items(total);
    const file = await zipFile(`a-${total}.zip`, entries);
    const target = path.join(tmp.path, `out-${total}`);
    counts.push(await readSizedAllocations(() => extractSessionArchiveFile(file, target)));
    await expectRestored(target, entries);
  }
  expect(counts[0]).toBeLessThan(10);
  expect(counts[1]).toBe(counts[0]);
});

test('the Buffer path restores the same entries byte for byte', async () => {
  const entries = items(3 * MiB);
  const target = path.join(tmp.path, 'out');
  await extractSessionArchive(await makeZip(entries), target);
  await expectRestored(target, entries);
});

/** Replaces `fs.read` on the zip's descriptor once `after` bytes of it were read. */
function failReadsAfter(file: string, after: number, fail: (callback: (err: Error | null, bytesRead: number) => void) => void): void {
  const realRead = fs.read.bind(fs) as (...args: unknown[]) => void;
  let read = 0;
  jest.spyOn(fs, 'read').mockImplementation((...args: unknown[]) => {
    const fd = args[0];
    const callback = args[args.length - 1] as (err: Error | null, bytesRead: number) => void;
    let zipFd = false;
    try {
      zipFd = fs.readlinkSync(`/proc/self/fd/${String(fd)}`) === file;
    } catch {
      zipFd = false;
    }
    if (zipFd && read >= after) {
      fail(callback);
      return;
    }
    realRead(...args.slice(0, -1), (err: Error | null, bytesRead: number) => {
      if (zipFd && !err) read += bytesRead;
      callback(err, bytesRead);
    });
  });
}

test('a read that fails mid-entry is the file system’s error, and nothing is left', async () => {
  const file = await zipFile('a.zip', items(2 * MiB));
  const target = path.join(tmp.path, 'out');
  failReadsAfter(file, 600 * KiB, (callback) =>
    setImmediate(() => callback(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO', syscall: 'read' }), 0)),
  );
  const err: unknown = await extractSessionArchiveFile(file, target).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(FileSystemError);
  expect((err as FileSystemError).code).toBe(ErrorCode.FILESYSTEM);
  await expect(fsp.stat(target)).rejects.toMatchObject({ code: 'ENOENT' });
});

test('a file that comes up short mid-entry (it shrank after the checks) is ARCHIVE_CORRUPT, and nothing is left', async () => {
  const file = await zipFile('a.zip', items(2 * MiB));
  const target = path.join(tmp.path, 'out');
  failReadsAfter(file, 600 * KiB, (callback) => setImmediate(() => callback(null, 0)));
  const err: unknown = await extractSessionArchiveFile(file, target).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ArchiveError);
  expect((err as ArchiveError).code).toBe(ErrorCode.ARCHIVE_CORRUPT);
  await expect(fsp.stat(target)).rejects.toMatchObject({ code: 'ENOENT' });
});

test('a stored entry longer than its central directory declares is ARCHIVE_CORRUPT from a file and from a Buffer, and nothing is left', async () => {
  const name = `${IDB}/000001.ldb`;
  const zip = await makeZip([LOCAL_STORAGE, { name, data: randomBytes(200 * KiB), compress: false }]);
  // The central directory's uncompressed size (offset 24 of its header, which ends 46 bytes before the name).
  const central = zip.lastIndexOf(Buffer.from(name)) - 46;
  expect(zip.readUInt32LE(central)).toBe(0x02014b50);
  zip.writeUInt32LE(100 * KiB, central + 24);
  const file = path.join(tmp.path, 'long.zip');
  await fsp.writeFile(file, zip);
  for (const [target, extract] of [
    [path.join(tmp.path, 'from-file'), (to: string) => extractSessionArchiveFile(file, to)],
    [path.join(tmp.path, 'from-buffer'), (to: string) => extractSessionArchive(zip, to)],
  ] as const) {
    const err: unknown = await extract(target).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArchiveError);
    expect((err as ArchiveError).code).toBe(ErrorCode.ARCHIVE_CORRUPT);
    await expect(fsp.stat(target)).rejects.toMatchObject({ code: 'ENOENT' });
  }
});

test('small deflated entries get inflater buffers of their size, not 256 KiB each', async () => {
  const entries = [
    LOCAL_STORAGE,
    ...Array.from({ length: 40 }, (_, i) => ({ name: `${IDB}/${String(i).padStart(6, '0')}.log`, data: randomBytes(3000 + i) })),
  ];
  const file = await zipFile('small.zip', entries);
  const target = path.join(tmp.path, 'out');
  let large = 0;
  const original = Buffer.allocUnsafe.bind(Buffer);
  jest.spyOn(Buffer, 'allocUnsafe').mockImplementation((size: number) => {
    if (size >= 128 * KiB) large++;
    return original(size);
  });
  await extractSessionArchiveFile(file, target);
  jest.restoreAllMocks();
  await expectRestored(target, entries);
  expect(large).toBe(0);
});
