/**
 * One restore check, as `verify`, `export` and `import` report it: the archive restored into a
 * scratch profile, every file against its manifest; a bad archive is a result, not a throw.
 */
import { ArchiveError } from '../../index';
import type { ArchiveManifest } from '../../session/index';
import { checkRestorable, sha256, type SourceCopy } from './endpoints';

export interface Check {
  what: string;
  ok: boolean;
  bytes: number;
  sha256: string;
  manifest?: ArchiveManifest | null;
  files?: number;
  code?: string;
  message?: string;
}

/** Restores `data` into a scratch profile (or takes the result of that check, already made for a folder's copy). */
export async function check(what: string, data: Buffer, checked?: SourceCopy['checked']): Promise<Check> {
  const base = { what, bytes: data.length, sha256: sha256(data) };
  if (checked) return { ...base, ok: true, manifest: checked.manifest, files: checked.manifest?.files };
  try {
    const extracted = await checkRestorable(data);
    return { ...base, ok: true, manifest: extracted.manifest, files: extracted.files };
  } catch (err) {
    if (!(err instanceof ArchiveError)) throw err;
    return { ...base, ok: false, code: err.code, message: err.message };
  }
}

export function describeCheck(c: Check): string {
  return c.ok
    ? `ok      ${c.what}: ${c.bytes} bytes, ${c.files} files restored${c.manifest ? `, content hash ${c.manifest.contentHash.slice(0, 12)} verified` : ' (no manifest)'}`
    : `FAILED  ${c.what}: [${c.code}] ${c.message}`;
}
