import { join, resolve } from 'node:path';
import { InvalidOptionError } from '../../errors';
import { assertClientId } from '../../util/client-id';

/** The folder that holds a strategy's session folders: `dataPath` resolved, `.wwebjs_auth` by default. */
export function resolveDataPath(dataPath: unknown): string {
  if (dataPath !== undefined && (typeof dataPath !== 'string' || dataPath === '')) {
    throw new InvalidOptionError('dataPath must be a non-empty path');
  }
  if (typeof dataPath === 'string' && dataPath.includes('\0')) throw new InvalidOptionError('dataPath must not contain a NUL character');
  return resolve(dataPath ?? '.wwebjs_auth');
}

/** A `puppeteer.userDataDir` given by the caller must be the strategy's own profile folder. */
export function assertOwnUserDataDir(requested: string | undefined, userDataDir: string, strategy: string): void {
  if (typeof requested === 'string' && requested.includes('\0'))
    throw new InvalidOptionError('puppeteer.userDataDir must not contain a NUL character');
  if (requested !== undefined && resolve(requested) !== userDataDir) {
    throw new InvalidOptionError(
      `puppeteer.userDataDir (${requested}) contradicts ${strategy}, which keeps this session in ${userDataDir}; drop one of them`,
    );
  }
}

/** LocalAuth's profile folder: `<dataPath>/session-<clientId>` (`session` without an id), the whatsapp-web.js layout. */
export function localAuthFolder(options: { dataPath?: string | undefined; clientId?: string | undefined }): string {
  const clientId = assertClientId(options.clientId);
  return join(resolveDataPath(options.dataPath), clientId === undefined ? 'session' : `session-${clientId}`);
}
