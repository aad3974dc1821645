/**
 * LocalAuth's login marker: `waweb-login.json` beside the profile's `Default/` folder, written when a
 * login is made or restored in the folder (`authenticated`), gone with the folder on logout. It says
 * the folder holds a session even after the app wiped a copy it could not use, so a pairing code is
 * never requested over it by accident. Not part of a session archive.
 */
import { join } from 'node:path';
import { FileSystemError, errorMessage } from '../../errors';
import { writeFileAtomic } from '../../util/atomic-write';
import { exists } from './files';

export const LOGIN_MARKER_FILE = 'waweb-login.json';

/** Records that `profileDir` logged in; a failure is a `FileSystemError` (the login itself goes on). */
export async function markLoggedIn(profileDir: string, now = new Date()): Promise<void> {
  try {
    await writeFileAtomic(join(profileDir, LOGIN_MARKER_FILE), JSON.stringify({ loggedInAt: now.toISOString() }));
  } catch (err) {
    throw new FileSystemError(`could not mark ${profileDir} as logged in: ${errorMessage(err)}`, { cause: err });
  }
}

export function hasLoginMarker(profileDir: string): Promise<boolean> {
  return exists(join(profileDir, LOGIN_MARKER_FILE));
}
