/**
 * GridFS details of MongoStore: how files are numbered as generations (waweb's and wwebjs-mongo's
 * uploads side by side), and uploads, downloads and deletes that clean up after themselves.
 */
import type { GridFSBucket, GridFSFile } from 'mongodb';
import { StoreError } from '../errors';
import { delay } from '../util/deadline';
import { isSetAsideReason, type GenerationMarks } from './internal';
import type { GenerationMark } from './types';

/**
 * Stored in each file's `metadata`; files without a generation (written by wwebjs-mongo) are
 * numbered by upload order. Marks (`setAside`, `loggedInAt`) are added to it by `mark`.
 */
interface WawebMetadata {
  waweb?: {
    generation?: unknown;
    /** Written under the commit protocol (`mongo-fences.ts`): shown only once its generation is committed. */
    commit?: unknown;
    /** A rewrite of a generation (rekey): the id of the file it replaces; shown only once chosen. */
    replaces?: unknown;
    /** When the rewrite was uploaded: an unchosen one older than `STALE_REWRITE_MS` is a leftover. */
    rewrittenAt?: unknown;
    setAside?: { reason?: unknown; detail?: unknown; at?: unknown };
    loggedInAt?: unknown;
  };
}

/** The metadata of a file a save uploads: its generation, the protocol marker, and its token if any. */
export function uploadMetadata(generation: number, fence: number | undefined): object {
  return { waweb: { generation, commit: true, ...(fence === undefined ? {} : { fence }) } };
}

/** The generation of a file written under the commit protocol; `undefined` for any other file. */
function committable(file: GridFSFile): number | undefined {
  return (file.metadata as WawebMetadata | undefined | null)?.waweb?.commit === true ? taggedGeneration(file) : undefined;
}

/**
 * What readers see: every file without the protocol marker (written before it, or by wwebjs-mongo),
 * and the marked ones whose generation is `committed`. Once a generation was rewritten (`chosen`
 * names a file for it), only that file is shown for it; before, a rewrite's upload is not.
 */
export function visibleFiles(
  files: GridFSFile[],
  committed: readonly number[] | undefined,
  chosen?: Readonly<Record<string, string>>,
): GridFSFile[] {
  return files.filter((f) => {
    const tagged = taggedGeneration(f);
    const pick = tagged === undefined ? undefined : chosen?.[String(tagged)];
    if (pick !== undefined) return pick === idString(f._id) && (!isCommittable(f) || (committed?.includes(tagged as number) ?? false));
    if (isRewrite(f)) return false;
    const generation = committable(f);
    return generation === undefined || (committed?.includes(generation) ?? false);
  });
}

/** An unchosen rewrite older than this is a leftover of a rekey that died before its swap. */
export const STALE_REWRITE_MS = 60 * 60 * 1000;

/** True for the upload of a rewrite (rekey), chosen or not. */
export function isRewrite(file: GridFSFile): boolean {
  return typeof (file.metadata as WawebMetadata | undefined | null)?.waweb?.replaces === 'string';
}

/**
 * Files no reader will see again: those of a rewritten generation other than the one chosen (the
 * file it replaced, when its delete was cut short), and rewrites never chosen once stale.
 */
export function replacedFiles(files: GridFSFile[], chosen: Readonly<Record<string, string>> | undefined, now: number): GridFSFile[] {
  return files.filter((f) => {
    const tagged = taggedGeneration(f);
    const pick = tagged === undefined ? undefined : chosen?.[String(tagged)];
    if (pick === idString(f._id)) return false;
    if (isRewrite(f)) {
      const at = (f.metadata as WawebMetadata).waweb?.rewrittenAt;
      return isDate(at) && now - at.getTime() > STALE_REWRITE_MS;
    }
    return pick !== undefined;
  });
}

/** The metadata of a rewrite of `file`: its own (marks included), tagged as replacing it. */
export function rewriteMetadata(file: GridFSFile, generation: number, fence: number | undefined, now: Date): object {
  const metadata = typeof file.metadata === 'object' && file.metadata !== null ? (file.metadata as WawebMetadata) : {};
  const waweb = { ...(metadata.waweb ?? {}), generation, commit: true, replaces: idString(file._id), rewrittenAt: now };
  return { ...metadata, waweb: fence === undefined ? waweb : { ...waweb, fence } };
}

/** A file's id as text (an ObjectId's hex). */
export function fileId(file: GridFSFile): string {
  return idString(file._id);
}

/** The generation a file is tagged with (waweb's uploads); `undefined` for wwebjs-mongo's. */
export function tagOf(file: GridFSFile): number | undefined {
  return taggedGeneration(file);
}

/** Marked files never to be committed: not committed, and at or below the highest generation committed. */
export function uncommittable(files: GridFSFile[], record: { committed: readonly number[]; top: number } | null): GridFSFile[] {
  if (!record) return [];
  return files.filter((f) => {
    const generation = committable(f);
    return generation !== undefined && !isRewrite(f) && generation <= record.top && !record.committed.includes(generation);
  });
}

/** True when the file was written under the commit protocol. */
export function isCommittable(file: GridFSFile): boolean {
  return committable(file) !== undefined;
}

function isDate(value: unknown): value is Date {
  return Object.prototype.toString.call(value) === '[object Date]' && !Number.isNaN((value as Date).getTime());
}

/** The marks a file's metadata carries. */
export function fileMarks(file: GridFSFile): GenerationMarks {
  const waweb = (file.metadata as WawebMetadata | undefined | null)?.waweb;
  const marks: GenerationMarks = {};
  const setAside = waweb?.setAside;
  if (setAside && isSetAsideReason(setAside.reason) && typeof setAside.detail === 'string' && isDate(setAside.at)) {
    marks.setAside = { reason: setAside.reason, detail: setAside.detail, at: setAside.at };
  }
  if (isDate(waweb?.loggedInAt)) marks.loggedInAt = waweb.loggedInAt;
  return marks;
}

/**
 * The update of a file document that records `mark` at `now`: plain `$set`/`$unset` of fields in
 * `metadata.waweb` (no pipeline updates; a file uploaded without metadata, as wwebjs-mongo does, gets
 * one). Only a `metadata` that is not a document (`null`) is replaced whole.
 */
export function markUpdate(file: GridFSFile, mark: GenerationMark, now: Date): object {
  const hasMetadata = file.metadata === undefined || (typeof file.metadata === 'object' && file.metadata !== null);
  if ('loggedIn' in mark) {
    return hasMetadata ? { $set: { 'metadata.waweb.loggedInAt': now } } : { $set: { metadata: { waweb: { loggedInAt: now } } } };
  }
  if (mark.setAside === null) return { $unset: { 'metadata.waweb.setAside': '' } };
  const setAside = { reason: mark.setAside.reason, detail: mark.setAside.detail, at: now };
  return hasMetadata ? { $set: { 'metadata.waweb.setAside': setAside } } : { $set: { metadata: { waweb: { setAside } } } };
}

export interface NumberedFile {
  file: GridFSFile;
  generation: number;
}

export function isFileNotFound(err: unknown): boolean {
  const e = err as { name?: unknown; message?: unknown; code?: unknown };
  return (e?.name === 'MongoRuntimeError' && typeof e.message === 'string' && /not found/i.test(e.message)) || e?.code === 'ENOENT';
}

function idString(id: unknown): string {
  if (id && typeof (id as { toHexString?: unknown }).toHexString === 'function') {
    return (id as { toHexString(): string }).toHexString();
  }
  return String(id);
}

function taggedGeneration(file: GridFSFile): number | undefined {
  const value = (file.metadata as WawebMetadata | undefined | null)?.waweb?.generation;
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

/**
 * Numbers the files of one session. waweb's own uploads carry their generation in
 * `metadata.waweb.generation`; uploads by wwebjs-mongo do not and are numbered after whatever
 * was uploaded before them, so the newest upload is also the highest generation (the file
 * wwebjs-mongo's `extract` would pick). Returned newest first.
 */
export function numberFiles(files: GridFSFile[]): NumberedFile[] {
  // Same millisecond: waweb's saves wait until their upload date is later than every existing
  // file's, so a tie can only be a wwebjs upload that came after ours; put untagged files last.
  const ascending = [...files].sort(
    (a, b) =>
      a.uploadDate.getTime() - b.uploadDate.getTime() ||
      (taggedGeneration(a) ?? Number.MAX_SAFE_INTEGER) - (taggedGeneration(b) ?? Number.MAX_SAFE_INTEGER) ||
      idString(a._id).localeCompare(idString(b._id)),
  );
  let highest = 0;
  const numbered: NumberedFile[] = [];
  for (const file of ascending) {
    const generation = taggedGeneration(file) ?? highest + 1;
    highest = Math.max(highest, generation);
    numbered.push({ file, generation });
  }
  return numbered.sort((a, b) => b.generation - a.generation || b.file.uploadDate.getTime() - a.file.uploadDate.getTime());
}

/**
 * GridFS orders same-named files by `uploadDate` (milliseconds, set by the uploading client), and
 * that is how wwebjs-mongo picks the newest. Wait, at most a few milliseconds, until this clock is
 * past every existing upload so the new file sorts strictly last. A date far in the future (another
 * host's clock) is not waited for.
 */
export async function uploadDateAfter(existing: NumberedFile[]): Promise<void> {
  const latest = Math.max(0, ...existing.map((n) => n.file.uploadDate.getTime()));
  const deadline = Date.now() + 50;
  while (Date.now() <= latest && latest < deadline) {
    await delay(1);
  }
}

export async function deleteFile(bucket: GridFSBucket, file: GridFSFile): Promise<void> {
  try {
    await bucket.delete(file._id);
  } catch (err) {
    if (!isFileNotFound(err)) throw err; // already gone (a concurrent delete or prune)
  }
}

/**
 * Uploads the chunks of `source` as one file, a chunk at a time (waiting for the upload to drain
 * before asking for the next). When the source or the upload fails, the chunks written so far are
 * removed; the file document is only inserted at the end, so nothing of it is ever listed.
 */
export async function upload(bucket: GridFSBucket, filename: string, source: AsyncIterable<Buffer>, metadata: object): Promise<GridFSFile> {
  const stream = bucket.openUploadStream(filename, { metadata });
  let failure: { err: unknown } | undefined;
  const onError = (err: unknown): void => {
    failure ??= { err };
  };
  stream.on('error', onError);
  const settled = (event: 'drain' | 'finish'): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const done = (err?: unknown): void => {
        stream.off(event, ok).off('error', done).off('close', closed);
        if (err === undefined) resolve();
        else reject(err instanceof Error ? err : new StoreError('MongoStore: the GridFS upload failed', { cause: err }));
      };
      const ok = (): void => done();
      const closed = (): void => done(failure?.err ?? new StoreError('MongoStore: the GridFS upload closed before it finished'));
      if (failure) {
        done(failure.err);
        return;
      }
      stream.once(event, ok).once('error', done).once('close', closed);
    });
  try {
    for await (const chunk of source) {
      if (failure) throw failure.err;
      if (!stream.write(chunk)) await settled('drain');
    }
    const finished = settled('finish');
    stream.end();
    await finished;
  } catch (err) {
    // Remove the chunks written so far; the file document was never inserted.
    await stream.abort().catch(() => undefined);
    throw err;
  } finally {
    stream.off('error', onError);
  }
  const file = stream.gridFSFile;
  if (!file) throw new StoreError('MongoStore: GridFS upload finished without a file document');
  return file;
}

/** Downloads one file; `signal` destroys the download stream. Never holds more than the file's length. */
export async function download(bucket: GridFSBucket, file: GridFSFile, signal: AbortSignal): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  const stream = bucket.openDownloadStream(file._id);
  const onAbort = (): void => {
    stream.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of stream) {
      const buf = chunk as Buffer;
      total += buf.length;
      if (total > file.length) throw new StoreError(`MongoStore: "${file.filename}" has more data than its ${file.length} bytes`);
      chunks.push(buf);
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  if (total !== file.length) {
    throw new StoreError(`MongoStore: downloaded ${total} bytes of "${file.filename}", expected ${file.length}`);
  }
  return Buffer.concat(chunks, total);
}
