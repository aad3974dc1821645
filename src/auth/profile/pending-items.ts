/**
 * localStorage items a profile's files may lack (`Default/Local Storage/waweb-local-storage.json`:
 * left by a backup taken at `ready`, restored or imported here, or by a run killed before Chromium
 * wrote them), for LocalAuth and RemoteAuth alike.
 */
import { APP_ORIGIN, readLocalStorageSnapshot, removeLocalStorageSnapshot } from '../../archive';
import { localStorageRestoreScript } from '../../browser/init-scripts';
import type { BrowserPlan } from '../strategy';

/** The items left in `profileDir`, or `undefined`; an unreadable set goes to `report` and is dropped. */
export async function readPendingItems(profileDir: string, report: (err: unknown) => void): Promise<Array<[string, string]> | undefined> {
  try {
    return await readLocalStorageSnapshot(profileDir);
  } catch (err) {
    // The profile's files alone may still hold the session.
    report(err);
    await removeLocalStorageSnapshot(profileDir);
    return undefined;
  }
}

/** The launch plan's part that writes `items` back before the app's first script. */
export function writeBackPlan(items: ReadonlyArray<readonly [string, string]> | undefined): Pick<BrowserPlan, 'initScripts'> {
  return items ? { initScripts: [localStorageRestoreScript(APP_ORIGIN, items)] } : {};
}
