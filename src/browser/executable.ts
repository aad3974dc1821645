import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { BrowserNotFoundError } from '../errors';

const PATH_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Finds the Chromium to launch: the explicit option, then `CHROME_PATH` or
 * `PUPPETEER_EXECUTABLE_PATH`, then `/usr/bin/chromium`, then `chromium-browser`
 * or `google-chrome` on PATH.
 */
export function findChromium(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  return searchChromium(explicit, env, WELL_KNOWN_PATHS);
}

const WELL_KNOWN_PATHS: readonly string[] = ['/usr/bin/chromium'];

/** @internal {@link findChromium} with the fixed install locations given (tests pass their own). */
export function searchChromium(explicit: string | undefined, env: NodeJS.ProcessEnv, wellKnown: readonly string[]): string {
  if (explicit !== undefined) {
    if (!isExecutable(explicit)) throw new BrowserNotFoundError(`executablePath ${explicit} is not an executable file`);
    return explicit;
  }
  for (const name of ['CHROME_PATH', 'PUPPETEER_EXECUTABLE_PATH'] as const) {
    const value = env[name];
    if (value) {
      if (!isExecutable(value)) throw new BrowserNotFoundError(`${name}=${value} is not an executable file`);
      return value;
    }
  }
  for (const candidate of wellKnown) if (isExecutable(candidate)) return candidate;
  for (const dir of (env['PATH'] ?? '').split(delimiter).filter(Boolean)) {
    for (const name of PATH_NAMES) {
      const candidate = join(dir, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  throw new BrowserNotFoundError(
    'No Chromium found. Install it (Debian: apt-get install -y chromium) or set CHROME_PATH or the executablePath option.',
  );
}
