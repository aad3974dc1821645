/**
 * A session folder holds a full login: only its owner may read it. waweb creates folders 0700 and
 * files 0600 (modes given at creation, which a umask can only narrow); a folder that existed
 * before, with wider permissions (whatsapp-web.js's `.wwebjs_auth` is created 0755), is reported.
 */
import { stat } from 'node:fs/promises';

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
