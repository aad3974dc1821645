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

/**
 * The client hints of full Chromium for the browser `version` (as `browser.version()` gives it,
 * e.g. `HeadlessChrome/156.0.8078.108` or `Chrome/156.0.8078.108`); `undefined` for a browser
 * that is not Chromium.
 */
export function fullBuildClientHints(version: string): Protocol.Emulation.UserAgentMetadata | undefined {
  const match = /^(?:Headless)?Chrome\/(\d+)\./.exec(version);
  if (!match) return undefined;
  return {
    brands: chromiumBrands(Number(match[1])),
    fullVersionList: [],
    platform: hostPlatform(),
    platformVersion: '',
    architecture: '',
    model: '',
    mobile: false,
  };
}
