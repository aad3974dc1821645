/**
 * A session folder holds a full login: only its owner may read it. waweb creates folders 0700 and
 * files 0600 (modes given at creation, which a umask can only narrow); a folder that existed
 * before, with wider permissions (whatsapp-web.js's `.wwebjs_auth` is created 0755), is reported.
 * Plaintext that only lives for one run (a restored profile being checked) goes in a private
 * scratch folder that a later run removes if this one was killed.
 */
import { lstat, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive } from './process-alive';

export const INSECURE_FOLDER_WARNING = 'WAWEB_INSECURE_FOLDER';

/** Why `dir` is readable by others (the first of it and `parents` that is), or `null`. POSIX only. */
export async function exposedFolder(dir: string, parents: readonly string[] = []): Promise<string | null> {
  if (process.platform === 'win32') return null;
  for (const folder of [dir, ...parents]) {
    const info = await stat(folder).catch(() => undefined);
    if (!info?.isDirectory()) continue;
    // Read or search permission for the group or others.
    if (info.mode & 0o055) {
      const mode = (info.mode & 0o777).toString(8).padStart(4, '0');
      return `${folder} is mode ${mode}: other users can reach the session inside; chmod 700 it`;
    }
  }
  return null;
}

/** Emits a process warning (code `WAWEB_INSECURE_FOLDER`) when `dir` or a parent given is readable by others. */
export async function warnIfExposed(dir: string, parents: readonly string[] = []): Promise<void> {
  const problem = await exposedFolder(dir, parents);
  if (problem) process.emitWarning(problem, { code: INSECURE_FOLDER_WARNING });
}

/** A folder only its owner can enter, removed by `remove()` (idempotent), or by a later run if this one was killed. */
export interface ScratchFolder {
  readonly path: string;
  remove(): Promise<void>;
}

const SCRATCH_PREFIX = 'waweb-scratch-';
const SCRATCH_NAME = /^waweb-scratch-(\d+)-/;

/**
 * Removes the scratch folders under `parent` that a killed run left: this user's, named for a
 * process that no longer exists. Folders of live processes and of other users are left alone.
 */
export async function sweepScratch(parent: string): Promise<string[]> {
  const swept: string[] = [];
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return swept;
  }
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  for (const name of names) {
    const pid = Number(SCRATCH_NAME.exec(name)?.[1]);
    if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || isAlive(pid)) continue;
    const folder = join(parent, name);
    const info = await lstat(folder).catch(() => undefined);
    if (!info?.isDirectory() || (uid !== undefined && info.uid !== uid)) continue;
    // Best effort: a leftover that cannot be removed must not stop the run that found it.
    if (
      await rm(folder, { recursive: true, force: true }).then(
        () => true,
        () => false,
      )
    )
      swept.push(folder);
  }
  return swept;
}

/**
 * A private folder (mode 0700, made by `mkdtemp`) under `parent` (the system temp folder by
 * default) for plaintext that must not outlive the run: restored profiles checked and thrown away.
 * Its name carries this process's id, so the next scratch folder made after a kill removes it
 * ({@link sweepScratch}); `remove()` removes it at once.
 */
export async function privateScratch(purpose: string, parent: string = tmpdir()): Promise<ScratchFolder> {
  await sweepScratch(parent);
  const path = await mkdtemp(join(parent, `${SCRATCH_PREFIX}${process.pid}-${purpose.replace(/[^A-Za-z0-9_-]/g, '_')}-`));
  let removing: Promise<void> | undefined;
  return { path, remove: () => (removing ??= rm(path, { recursive: true, force: true, maxRetries: 3 })) };
}
