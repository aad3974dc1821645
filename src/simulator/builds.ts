/**
 * The app builds the simulator serves. As on the real site, a build is an HTML page that names its
 * own app script (`/static/app.<version>.js`), and the script carries the build (its
 * `Debug.VERSION`): an HTML kept from an earlier day runs that day's code, as long as its script is
 * still served. `/` is the live build; a retired build's script answers 404, so its HTML no longer
 * boots (the real site drops old bundles). The admin port hands out any known build's HTML at
 * `/builds/<version>.html`, an archive clients can point `webVersionCache.remotePath` at.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SimulatorError } from './errors';
import { PAGE_BUNDLE } from './page-bundle.generated';
import { DEFAULT_BUILD, SIMULATOR_BREAKS, type SimulatorBreak, type SimulatorBuildInfo } from './protocol';

/** Where the admin port serves a build's HTML; `{version}` as whatsapp-web.js's `remotePath` wants it. */
export const BUILD_ARCHIVE_PATH = '/builds/{version}.html';

const VERSION_PATTERN = /^\d+\.\d+\.\d+(-[a-z0-9]+)?$/;
const MODULE_PATTERN = /^WA[A-Za-z0-9_]+$/;

/** How a drift variant differs from the normal app (see `SimulatorBuildInfo`). */
export interface BuildVariant {
  /** Modules (`WAWebX`) or members (`WAWebX.member`) the build lacks. */
  without?: readonly string[];
  /** Modules the build names differently: old name → new name. */
  renamed?: Readonly<Record<string, string>>;
  /** Changes in behaviour the build reproduces. */
  breaks?: readonly SimulatorBreak[];
}

/** The variant as the app script carries it; a `SimulatorError` (400) for anything malformed. */
function checkVariant(variant: BuildVariant): Omit<SimulatorBuildInfo, 'version'> {
  const without: unknown = variant.without;
  const renamed: unknown = variant.renamed;
  const breaks: unknown = variant.breaks;
  const list = (value: unknown, ok: (entry: unknown) => boolean): value is string[] => Array.isArray(value) && value.every(ok);
  if (without !== undefined && !list(without, (e) => typeof e === 'string' && /^WA[A-Za-z0-9_]+(\.[A-Za-z0-9_$]+)?$/.test(e)))
    throw new SimulatorError(400, `without lists module names or Module.member, got ${JSON.stringify(without)}`);
  const renames = typeof renamed === 'object' && renamed !== null && !Array.isArray(renamed) ? Object.entries(renamed) : undefined;
  if (
    renamed !== undefined &&
    !renames?.every(([from, to]) => MODULE_PATTERN.test(from) && typeof to === 'string' && MODULE_PATTERN.test(to))
  )
    throw new SimulatorError(400, `renamed maps module names to module names, got ${JSON.stringify(renamed)}`);
  if (breaks !== undefined && !list(breaks, (b) => (SIMULATOR_BREAKS as readonly unknown[]).includes(b)))
    throw new SimulatorError(400, `breaks lists ${SIMULATOR_BREAKS.join(', ')}, got ${JSON.stringify(breaks)}`);
  return {
    ...(without === undefined ? {} : { without: [...without] }),
    ...(renames === undefined || renames.length === 0 ? {} : { renamed: Object.fromEntries(renames) }),
    ...(breaks === undefined || breaks.length === 0 ? {} : { breaks: [...breaks] as SimulatorBreak[] }),
  };
}

/** A build version as the app writes it (`2.3000.1017054665`); a `SimulatorError` (400) otherwise. */
export function checkBuildVersion(version: unknown): string {
  if (typeof version !== 'string' || !VERSION_PATTERN.test(version)) {
    throw new SimulatorError(400, `a build version looks like 2.3000.1017054665, got ${JSON.stringify(version)}`);
  }
  return version;
}

function scriptPath(version: string): string {
  return `/static/app.${version}.js`;
}

export class SimulatorBuilds {
  #live = DEFAULT_BUILD;
  readonly #known = new Set([DEFAULT_BUILD]);
  readonly #retired = new Set<string>();
  readonly #scripts = new Map<string, string>();
  /** Drift variants: how a build's app differs from the normal one. */
  readonly #variants = new Map<string, Omit<SimulatorBuildInfo, 'version'>>();

  /** The build `/` serves. */
  get live(): string {
    return this.#live;
  }

  /** Every build the simulator knows, oldest first (retired ones too: their HTML is still archived). */
  list(): string[] {
    return [...this.#known];
  }

  /**
   * `/` serves `version` from now on (a new build becomes known; a retired one is served again). A
   * `variant` makes it a drift variant: its app lacks modules or members, names modules differently, or
   * behaves as an app update of 2026 did (`SimulatorBreak`).
   */
  setLive(version: string, variant?: BuildVariant): void {
    checkBuildVersion(version);
    if (variant !== undefined) {
      this.#variants.set(version, checkVariant(variant));
      this.#scripts.delete(version);
    }
    this.#known.add(version);
    this.#retired.delete(version);
    this.#live = version;
  }

  /** `version`'s script answers 404 from now on: its HTML loads, its app never boots. */
  retire(version: string): void {
    checkBuildVersion(version);
    if (!this.#known.has(version)) throw new SimulatorError(404, `no build ${version}`);
    if (version === this.#live) throw new SimulatorError(409, `build ${version} is live; make another build live first`);
    this.#retired.add(version);
  }

  /** The HTML of a known build (the live one by default), or undefined. */
  html(version = this.#live): string | undefined {
    if (!this.#known.has(version)) return undefined;
    return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>WhatsApp</title></head>
<body><div id="app"></div><script src="${scriptPath(version)}"></script></body>
</html>
`;
  }

  /** The app script at `path`: a known build's that is not retired (`/app.js` is the live one's), or undefined. */
  script(path: string): string | undefined {
    const version = path === '/app.js' ? this.#live : /^\/static\/app\.(.+)\.js$/.exec(path)?.[1];
    if (version === undefined || !this.#known.has(version) || this.#retired.has(version)) return undefined;
    let script = this.#scripts.get(version);
    if (script === undefined) {
      const info: SimulatorBuildInfo = { version, ...this.#variants.get(version) };
      // The build is a constant in the script's own scope: the app reads it, no global appears.
      script = `(() => {\nconst SIMULATOR_BUILD = ${JSON.stringify(info)};\n${PAGE_BUNDLE}\n})();\n`;
      this.#scripts.set(version, script);
    }
    return script;
  }
}

/** The admin port's archive: `GET /builds/<version>.html`, open without the admin token (the real HTML is public). */
export function serveArchivedBuild(html: (version: string) => string | undefined, req: IncomingMessage, res: ServerResponse): boolean {
  const match = /^\/builds\/([^/]+)\.html$/.exec((req.url ?? '/').split('?')[0] ?? '/');
  if (req.method !== 'GET' || !match) return false;
  const page = html(match[1] ?? '');
  if (page === undefined) res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('no such build\n');
  else res.writeHead(200, { 'cache-control': 'no-store', 'content-type': 'text/html; charset=utf-8' }).end(page);
  return true;
}
