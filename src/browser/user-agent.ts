/**
 * What the page tells sites about the browser. A user agent set on the page without client
 * hints empties `navigator.userAgentData` (no brands, no platform), which no real Chrome shows;
 * the headless shell adds a `HeadlessChrome` brand to it and to the `Sec-CH-UA` request header.
 * With the client hints below, a page in either build shows what full Chromium of the same
 * version shows under a `--user-agent` flag (checked side by side by test/e2e/lean-launch.test.ts).
 */
import type { Protocol } from 'puppeteer-core';

const GREASE_CHARS = [' ', '(', ':', '-', '.', '/', ')', ';', '=', '?', '_'];
const GREASE_VERSIONS = ['8', '99', '24'];

/** Chromium's "GREASE" brand for a major version (e.g. 156 → `Not:A-Brand` version `8`), placed as Chromium places it. */
export function chromiumBrands(major: number): Protocol.Emulation.UserAgentBrandVersion[] {
  const grease = {
    brand: `Not${GREASE_CHARS[major % GREASE_CHARS.length]}A${GREASE_CHARS[(major + 1) % GREASE_CHARS.length]}Brand`,
    version: GREASE_VERSIONS[major % GREASE_VERSIONS.length] as string,
  };
  const chromium = { brand: 'Chromium', version: String(major) };
  return major % 2 === 0 ? [grease, chromium] : [chromium, grease];
}

function hostPlatform(): string {
  switch (process.platform) {
    case 'win32':
      return 'Windows';
    case 'darwin':
      return 'macOS';
    default:
      return 'Linux';
  }
}

/** Chrome's `architecture` and `bitness` hints for a Node `process.arch` (empty for one Chrome does not name). */
function archHints(arch: string = process.arch): { architecture: string; bitness: string } {
  const architecture = arch === 'x64' || arch === 'ia32' ? 'x86' : arch === 'arm64' || arch === 'arm' ? 'arm' : '';
  const bitness = arch === 'x64' || arch === 'arm64' ? '64' : arch === 'ia32' || arch === 'arm' ? '32' : '';
  return { architecture, bitness };
}

/**
 * The client hints of full Chromium for the browser `version` (as `browser.version()` gives it,
 * e.g. `HeadlessChrome/156.0.8078.108` or `Chrome/156.0.8078.108`); `undefined` for a browser
 * that is not Chromium. The high-entropy ones are what Chrome answers `getHighEntropyValues()`
 * without a `--user-agent` flag (measured on Chromium 156, Linux x86_64): the full version of each
 * brand, the machine's architecture and bitness, a desktop form factor. Under the flag Chromium
 * answers empty values, which no user's Chrome does (`waweb doctor` reports them).
 */
export function fullBuildClientHints(version: string, arch: string = process.arch): Protocol.Emulation.UserAgentMetadata | undefined {
  const match = /^(?:Headless)?Chrome\/((\d+)\.[\d.]+)/.exec(version);
  if (!match) return undefined;
  const brands = chromiumBrands(Number(match[2]));
  const full = match[1] as string;
  return {
    brands,
    fullVersionList: brands.map((b) => ({ brand: b.brand, version: b.brand === 'Chromium' ? full : `${b.version}.0.0.0` })),
    // Chrome on Linux answers an empty platformVersion; on Windows and macOS it is the OS version, which is not known here.
    platform: hostPlatform(),
    platformVersion: '',
    ...archHints(arch),
    model: '',
    mobile: false,
    formFactors: ['Desktop'],
    wow64: false,
  };
}
