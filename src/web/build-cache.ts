/**
 * Where a pinned WhatsApp Web build's HTML comes from: a folder of `<version>.html` files (kept by
 * waweb itself, 0700/0600) or an archive on the web (`remotePath` with a `{version}` placeholder, as
 * whatsapp-web.js's `RemoteWebCache` takes it). Lookups never throw for a build that cannot be had:
 * they say why, and the caller decides (strict or not).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileSystemError } from '../errors';
import { writeFileAtomic } from '../util/atomic-write';
import { timeoutError, withDeadline } from '../util/deadline';
import { warnIfExposed } from '../util/private-folder';

/** Why a pinned build was not served. */
export type BuildMiss =
  /** The local cache has no such build, or the archive answered without it (not 200). */
  | 'not-cached'
  /** The archive could not be reached (network error or its deadline). */
  | 'unreachable'
  /** The kept HTML was served but the app did not boot in it (its scripts gone, say). */
  | 'no-boot';

export type BuildLookup = { html: string } | { miss: BuildMiss; detail: string };

/** A version as it becomes a file name and a URL part: letters, digits, `.`, `_`, `-`, not starting with a dot. */
export function isBuildVersion(version: unknown): version is string {
  return typeof version === 'string' && version.length <= 64 && /^[0-9A-Za-z][0-9A-Za-z._-]*$/.test(version);
}

const MAX_HTML_BYTES = 32 * 1024 * 1024;

/** A folder of `<version>.html` files, created 0700, each written atomically 0600. */
export class LocalBuildCache {
  constructor(readonly dir: string) {}

  file(version: string): string {
    return join(this.dir, `${version}.html`);
  }

  async lookup(version: string): Promise<BuildLookup> {
    try {
      return { html: await readFile(this.file(version), 'utf8') };
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      return { miss: 'not-cached', detail: `${this.file(version)} cannot be read (${typeof code === 'string' ? code : String(err)})` };
    }
  }

  /** Keeps `html` as build `version`, replacing an older copy. */
  async keep(version: string, html: string): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      await warnIfExposed(this.dir);
      await writeFileAtomic(this.file(version), html);
    } catch (err) {
      throw new FileSystemError(`could not keep WhatsApp Web build ${version} in ${this.dir}`, { cause: err });
    }
  }
}

/** `remotePath` with its (first) `{version}` replaced, as whatsapp-web.js does. */
export function remoteUrl(remotePath: string, version: string | undefined): string {
  return version === undefined ? remotePath : remotePath.replace('{version}', version);
}

/** The HTML of `version` from the archive at `remotePath`, within `timeoutMs`; `signal` ends the wait. */
export async function fetchBuild(
  remotePath: string,
  version: string | undefined,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<BuildLookup> {
  const url = remoteUrl(remotePath, version);
  const get = async (deadline: AbortSignal): Promise<BuildLookup> => {
    const response = await fetch(url, { signal: deadline, redirect: 'follow' });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      return { miss: 'not-cached', detail: `${url} answered HTTP ${response.status}` };
    }
    const html = await response.text();
    if (Buffer.byteLength(html) > MAX_HTML_BYTES) return { miss: 'not-cached', detail: `${url}: over ${MAX_HTML_BYTES} bytes` };
    return { html };
  };
  try {
    return await withDeadline(get, {
      timeoutMs,
      onTimeout: () => timeoutError(`fetching ${url}`, 'pageLoadTimeoutMs', timeoutMs),
      signal,
    });
  } catch (err) {
    if (signal.aborted) throw err;
    const cause = err instanceof Error ? ((err as { cause?: unknown }).cause ?? err) : err;
    return { miss: 'unreachable', detail: `${url}: ${cause instanceof Error ? cause.message : String(cause)}` };
  }
}
