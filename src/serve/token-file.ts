/**
 * Where `waweb serve` puts a token it made up when its output is not a terminal: logs (journald,
 * `docker logs`) keep what a service prints and show it to whoever reads them, so the token goes
 * to a file only its owner can read, and the output names the file.
 */
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write';

/** Writes `token` to `file`, mode 0600 (its folder created 0700 when missing), replacing what was there. */
export async function writeTokenFile(file: string, token: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, `${token}\n`, 0o600);
}

/** Removes a token file (the token dies with the dashboard that used it). Missing is fine. */
export async function removeTokenFile(file: string): Promise<void> {
  await rm(file, { force: true });
}
