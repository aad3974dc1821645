import { accessSync, constants, statSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import { BrowserNotFoundError, InvalidOptionError } from '../errors';

/**
 * Which Chromium build serves a session:
 * - `headless-shell`: Debian's `chromium-headless-shell` (the same Chromium without the
 *   browser UI): about half the memory per session (with the lean flags) and a faster start, headless only;
 * - `full`: the full `chromium`, the only choice for a visible window (`headless: false`);
 * - `auto` (the default): the headless shell when it is installed and the browser is
 *   headless, the full build otherwise.
 * An explicit `executablePath`, `CHROME_PATH` or `PUPPETEER_EXECUTABLE_PATH` always wins.
 */
export type ChromiumBuild = 'auto' | 'headless-shell' | 'full';

const BUILDS: readonly ChromiumBuild[] = ['auto', 'headless-shell', 'full'];
/** Environment variable read when no build is given in code. */
export const CHROMIUM_BUILD_ENV = 'WAWEB_CHROMIUM';

// The binary itself first: Debian's /usr/bin wrapper runs it as a child (no exec), so the pid
// puppeteer sees would not be the browser's, and signals to it would not reach the browser.
const SHELL_PATHS: readonly string[] = ['/usr/lib/chromium/chromium-headless-shell', '/usr/bin/chromium-headless-shell'];
const FULL_PATHS: readonly string[] = ['/usr/bin/chromium'];
const SHELL_NAMES: readonly string[] = ['chromium-headless-shell', 'chrome-headless-shell'];
const FULL_NAMES: readonly string[] = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

export interface FindChromiumOptions {
  /** @default the `WAWEB_CHROMIUM` environment variable, else 'auto' */
  build?: ChromiumBuild | undefined;
  /** The launch's `headless` option: a visible browser needs the full build. @default true */
  headless?: boolean | 'shell' | undefined;
  env?: NodeJS.ProcessEnv;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The build asked for: the option, else `WAWEB_CHROMIUM`, else `auto`; anything else is an `InvalidOptionError`. */
export function resolveChromiumBuild(build: unknown, env: NodeJS.ProcessEnv = process.env): ChromiumBuild {
  const fromEnv = env[CHROMIUM_BUILD_ENV];
  const value = build ?? (fromEnv === undefined || fromEnv === '' ? 'auto' : fromEnv);
  if (!BUILDS.includes(value as ChromiumBuild)) {
    const source = build === undefined ? `${CHROMIUM_BUILD_ENV}=${String(fromEnv)}` : `chromium option ${JSON.stringify(build)}`;
    throw new InvalidOptionError(`${source} is not one of ${BUILDS.join(', ')}`);
  }
  return value as ChromiumBuild;
}

/**
 * Finds the Chromium to launch: the explicit option, then `CHROME_PATH` or
 * `PUPPETEER_EXECUTABLE_PATH`, then the build asked for (see {@link ChromiumBuild}):
 * `/usr/bin/chromium-headless-shell` and `chromium-headless-shell` on PATH for the shell,
 * `/usr/bin/chromium`, then `chromium-browser` or `google-chrome` on PATH for the full build.
 */
export function findChromium(explicit?: string, options: FindChromiumOptions = {}): string {
  const env = options.env ?? process.env;
  const build = resolveChromiumBuild(options.build, env);
  const headless = options.headless ?? true;
  if (build === 'headless-shell' && headless === false) {
    throw new InvalidOptionError('the headless shell cannot show a window: use chromium "full" (or "auto") with headless: false');
  }
  const plan = searchPlan(build, headless);
  return searchChromium(explicit, env, plan.wellKnown, plan.groups);
}

/** @internal Where {@link findChromium} looks for a build, in order: fixed paths, then PATH name groups. */
export function searchPlan(
  build: ChromiumBuild,
  headless: boolean | 'shell',
): { wellKnown: readonly string[]; groups: ReadonlyArray<readonly string[]> } {
  const shell = build !== 'full' && headless !== false;
  const full = build !== 'headless-shell';
  return {
    wellKnown: [...(shell ? SHELL_PATHS : []), ...(full ? FULL_PATHS : [])],
    groups: [...(shell ? [SHELL_NAMES] : []), ...(full ? [FULL_NAMES] : [])],
  };
}

/** Whether an executable is a headless shell build, by its file name. */
export function isHeadlessShellPath(file: string): boolean {
  return /headless[-_]shell/.test(basename(file));
}

/**
 * @internal {@link findChromium} with the fixed install locations given (tests pass their own) and
 * the PATH names in groups: each group is searched over all of PATH (directories in order) before the next.
 */
export function searchChromium(
  explicit: string | undefined,
  env: NodeJS.ProcessEnv,
  wellKnown: readonly string[],
  groups: ReadonlyArray<readonly string[]> = [FULL_NAMES],
): string {
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
  const dirs = (env['PATH'] ?? '').split(delimiter).filter(Boolean);
  for (const names of groups) {
    for (const dir of dirs) {
      for (const name of names) {
        const candidate = join(dir, name);
        if (isExecutable(candidate)) return candidate;
      }
    }
  }
  const wanted = groups.includes(FULL_NAMES) ? 'chromium' : 'chromium-headless-shell';
  throw new BrowserNotFoundError(
    `No Chromium found. Install it (Debian: apt-get install -y ${wanted}) or set CHROME_PATH or the executablePath option.`,
  );
}
