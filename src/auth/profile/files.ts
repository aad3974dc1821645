/** File-system questions every profile-keeping part asks (strategies, restores, imports). */
import { stat } from 'node:fs/promises';
import { isErrno } from '../../util/errno';

/** True when `path` exists (any kind of entry); errors other than ENOENT are thrown. */
export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
}
