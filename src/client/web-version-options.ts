/**
 * The pinning options (`webVersion`, `webVersionCache`), with whatsapp-web.js's shapes, and their
 * checks; what they do is web-version.ts.
 */
import { InvalidOptionError } from '../errors';
import { isBuildVersion, remoteUrl } from '../web/build-cache';

/** How a pinned build is found (whatsapp-web.js's `webVersionCache` shapes). */
export type WebVersionCache =
  /** No pinning: the live app. */
  | { type: 'none' }
  /**
   * A folder of `<version>.html`; the live build is kept there the first time it boots.
   * @default path `<the auth strategy's dataPath>/.waweb-web-cache` (required for strategies without one)
   */
  | { type: 'local'; path?: string; strict?: boolean }
  /** An archive: `remotePath` with `{version}` replaced by `webVersion` (fetched once per client). */
  | { type: 'remote'; remotePath: string; strict?: boolean };

/** The folder a local cache uses by default, under the strategy's data folder. */
export const WEB_CACHE_FOLDER = '.waweb-web-cache';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Throws an `InvalidOptionError` for a `webVersion` or `webVersionCache` that cannot work. */
export function validateWebVersion(options: { webVersion?: unknown; webVersionCache?: unknown }): void {
  const { webVersion, webVersionCache: cache } = options;
  if (webVersion !== undefined && !isBuildVersion(webVersion)) {
    throw new InvalidOptionError(`webVersion must be a version like 2.3000.1017054665, got ${JSON.stringify(webVersion)}`);
  }
  if (cache === undefined) return;
  if (!isRecord(cache)) throw new InvalidOptionError('webVersionCache must be an object with a type: none, local or remote');
  if (cache['strict'] !== undefined && typeof cache['strict'] !== 'boolean')
    throw new InvalidOptionError('webVersionCache.strict must be a boolean');
  switch (cache['type']) {
    case 'none':
      return;
    case 'local': {
      const path = cache['path'];
      if (path !== undefined && (typeof path !== 'string' || path === '' || path.includes('\0'))) {
        throw new InvalidOptionError('webVersionCache.path must be a non-empty path');
      }
      if (cache['strict'] === true && webVersion === undefined) throw new InvalidOptionError('a strict webVersionCache needs a webVersion');
      return;
    }
    case 'remote': {
      const remotePath = cache['remotePath'];
      if (typeof remotePath !== 'string' || remotePath === '') {
        throw new InvalidOptionError('webVersionCache.remotePath is required when using the remote cache');
      }
      if (remotePath.includes('{version}') && webVersion === undefined) {
        throw new InvalidOptionError('webVersionCache.remotePath has a {version} placeholder: give webVersion');
      }
      let url: URL;
      try {
        url = new URL(remoteUrl(remotePath, webVersion));
      } catch {
        throw new InvalidOptionError('webVersionCache.remotePath must be an http(s) URL');
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new InvalidOptionError('webVersionCache.remotePath must be an http(s) URL');
      return;
    }
    default:
      throw new InvalidOptionError(`Invalid WebCache type ${JSON.stringify(cache['type'])}: none, local or remote`);
  }
}
