/**
 * What `waweb doctor` reads of a page's browser and how it judges it: the user agent, the client
 * hints (high-entropy ones too) and `navigator.webdriver`, against the running Chromium and what
 * Chrome itself tells a site on this machine (docs/doctor.md, "finding codes").
 */
import type { Page } from 'puppeteer-core';

/** The page's view of its browser, as a site reads it. */
export interface SeenFingerprint {
  userAgent: string;
  brands: Array<{ brand: string; version: string }> | null;
  platform: string | null;
  mobile: boolean | null;
  /** `getHighEntropyValues()`'s answer for the hints the doctor reads (fullVersionList: brands with full versions). */
  highEntropy: (Partial<Record<HighEntropyHint, unknown>> & { fullVersionList?: Array<{ brand: string; version: string }> }) | null;
  webdriver: boolean | null;
}

export interface FingerprintFinding {
  code: string;
  message: string;
}

/** The high-entropy client hints the doctor reads. */
const HIGH_ENTROPY_HINTS = ['architecture', 'bitness', 'formFactors', 'fullVersionList', 'model', 'platformVersion', 'wow64'] as const;
type HighEntropyHint = (typeof HIGH_ENTROPY_HINTS)[number];

/** Read in the page's own origin (client hints need a secure context). */
const READ_FINGERPRINT = `(async () => {
  const nav = navigator;
  const data = nav.userAgentData;
  let highEntropy = null;
  if (data && typeof data.getHighEntropyValues === 'function') {
    try {
      const v = await data.getHighEntropyValues(${JSON.stringify(HIGH_ENTROPY_HINTS)});
      highEntropy = {};
      for (const key of ${JSON.stringify(HIGH_ENTROPY_HINTS)}) highEntropy[key] = v[key];
    } catch {}
  }
  return {
    userAgent: nav.userAgent,
    brands: data ? data.brands.map((b) => ({ brand: b.brand, version: b.version })) : null,
    platform: data ? data.platform : null,
    mobile: data ? data.mobile : null,
    highEntropy,
    webdriver: typeof nav.webdriver === 'boolean' ? nav.webdriver : null,
  };
})()`;

const UA_PLATFORMS: ReadonlyArray<readonly [RegExp, string]> = [
  [/Windows/, 'Windows'],
  [/Android/, 'Android'],
  [/Macintosh|Mac OS X/, 'macOS'],
  [/CrOS/, 'Chrome OS'],
  [/Linux|X11/, 'Linux'],
];

/**
 * What gives the page away, judged against the running Chromium (`browserVersion` as
 * `browser.version()` says it) and the machine (`arch`, as `process.arch`): what Chrome itself
 * would tell a site there. (A tab of the same browser is no reference: under waweb's --user-agent
 * flag Chromium blanks its own high-entropy hints.)
 */
export function fingerprintFindings(seen: SeenFingerprint, browserVersion: string, arch: string = process.arch): FingerprintFinding[] {
  const findings: FingerprintFinding[] = [];
  const add = (code: string, message: string): number => findings.push({ code, message });
  const full = /^(?:Headless)?Chrome\/([\d.]+)/.exec(browserVersion)?.[1];
  const major = full?.split('.')[0];
  if (/Headless/i.test(seen.userAgent)) add('UA_HEADLESS', `the user agent says headless: ${seen.userAgent}`);
  const uaMajor = /(?:Chrome|Chromium)\/(\d+)\./.exec(seen.userAgent)?.[1];
  if (uaMajor === undefined) add('UA_NOT_CHROME', `the user agent names no Chrome version: ${seen.userAgent}`);
  else if (major !== undefined && uaMajor !== major)
    add('UA_VERSION', `the user agent says Chrome ${uaMajor}, the browser is ${browserVersion}`);
  if (seen.webdriver !== false) add('WEBDRIVER', `navigator.webdriver is ${String(seen.webdriver)}, not false`);
  if (seen.brands === null || seen.brands.length === 0) {
    add('NO_CLIENT_HINTS', 'navigator.userAgentData has no brands (no real Chrome shows that)');
    return findings;
  }
  if (seen.brands.some((b) => /Headless/i.test(b.brand))) add('BRAND_HEADLESS', 'a client-hint brand says headless');
  const chromium = seen.brands.find((b) => b.brand === 'Chromium');
  if (!chromium) add('BRAND_VERSION', 'the client hints have no Chromium brand');
  else if (major !== undefined && chromium.version !== major) {
    add('BRAND_VERSION', `the client hints say Chromium ${chromium.version}, the browser is ${browserVersion}`);
  }
  const uaPlatform = UA_PLATFORMS.find(([pattern]) => pattern.test(seen.userAgent))?.[1];
  if (uaPlatform !== undefined && seen.platform !== uaPlatform) {
    add('PLATFORM_MISMATCH', `the user agent says ${uaPlatform}, the client hints say ${String(seen.platform)}`);
  }
  const high = seen.highEntropy;
  const fullListed = high?.fullVersionList?.find((b) => b.brand === 'Chromium')?.version;
  if (full !== undefined && fullListed !== full) {
    add('FULL_VERSION', `the client hints' fullVersionList says Chromium ${fullListed ?? '(none)'}, the browser is ${full}`);
  }
  // What Chrome itself answers on this machine (measured: Chromium 156 on Linux x86_64, no --user-agent flag).
  const expected: Partial<Record<HighEntropyHint, unknown>> = { formFactors: seen.mobile ? ['Mobile'] : ['Desktop'], wow64: false };
  if (arch === 'x64' || arch === 'ia32') expected.architecture = 'x86';
  if (arch === 'arm64' || arch === 'arm') expected.architecture = 'arm';
  if (arch === 'x64' || arch === 'arm64') expected.bitness = '64';
  if (arch === 'ia32' || arch === 'arm') expected.bitness = '32';
  for (const [key, value] of Object.entries(expected)) {
    const found = high?.[key as HighEntropyHint];
    if (JSON.stringify(found ?? null) !== JSON.stringify(value)) {
      add(
        'HIGH_ENTROPY',
        `the client hints' ${key} is ${JSON.stringify(found ?? null)}; Chrome on this machine says ${JSON.stringify(value)}`,
      );
    }
  }
  return findings;
}

/** The page's answers, read in its own origin. */
export async function readFingerprint(page: Page): Promise<SeenFingerprint> {
  return (await page.evaluate(READ_FINGERPRINT)) as SeenFingerprint;
}
