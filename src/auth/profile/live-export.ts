/**
 * An archive of a running profile, under the same consistency rule as RemoteAuth's backups:
 * localStorage reaches disk through a flush barrier first, then every file is read once. What
 * `exportSession()` of LocalAuth and RemoteAuth returns.
 */
import { createSessionArchive, type SessionArchive } from '../../archive';
import { NotReadyError } from '../../errors';
import type { SessionPage } from '../strategy';
import { passFlushBarrier } from './flush';

export interface ExportLiveOptions {
  /** Recorded in the archive's manifest. */
  clientId: string;
  /** Where the zip is written while it is made. */
  tempDir: string;
  /** How long to wait for localStorage to reach disk. @default 30000 */
  flushTimeoutMs?: number;
  signal?: AbortSignal;
}

/** An archive of the running profile `profileDir`: localStorage reaches disk first, then every file is read once. */
export async function exportLiveProfile(
  page: SessionPage | undefined,
  profileDir: string,
  options: ExportLiveOptions,
): Promise<SessionArchive> {
  if (!page) throw new NotReadyError('exportSession() needs the session open in a page');
  await passFlushBarrier(page, profileDir, { timeoutMs: options.flushTimeoutMs ?? 30_000, signal: options.signal });
  return createSessionArchive(profileDir, { clientId: options.clientId, tempDir: options.tempDir });
}
