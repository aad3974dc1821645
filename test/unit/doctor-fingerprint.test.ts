/**
 * `waweb doctor`'s fingerprint judgement (src/cli/doctor.ts): the default user agent with the
 * launch's client hints passes, and each give-away is a finding with its code.
 */
import type { Protocol } from 'puppeteer-core';
import { fullBuildClientHints } from '../../src/browser/user-agent';
import { DEFAULT_USER_AGENT } from '../../src/index';
import { fingerprintFindings, type SeenFingerprint } from '../../src/cli/doctor-fingerprint';

const BROWSER = 'HeadlessChrome/156.0.8078.129';

/** What a page shows under `userAgent` and `hints` (as Chromium hands them to `navigator.userAgentData`). */
function seenWith(userAgent: string, hints: Protocol.Emulation.UserAgentMetadata): SeenFingerprint {
  return {
    userAgent,
    brands: hints.brands ?? [],
    platform: hints.platform,
    mobile: hints.mobile,
    highEntropy: {
      architecture: hints.architecture,
      bitness: hints.bitness ?? '',
      formFactors: hints.formFactors ?? [],
      fullVersionList: hints.fullVersionList ?? [],
      model: hints.model,
      platformVersion: hints.platformVersion,
      wow64: hints.wow64 ?? false,
    },
    webdriver: false,
  };
}

const codes = (seen: SeenFingerprint, arch = 'x64'): string[] => fingerprintFindings(seen, BROWSER, arch).map((f) => f.code);

test('the default user agent with the launch hints gives the doctor nothing to report', () => {
  if (process.platform !== 'linux') return;
  expect(codes(seenWith(DEFAULT_USER_AGENT, fullBuildClientHints(BROWSER, 'x64')!))).toEqual([]);
});

test('each give-away is a finding with its code', () => {
  const good = seenWith(DEFAULT_USER_AGENT, fullBuildClientHints(BROWSER, 'x64')!);
  expect(codes({ ...good, userAgent: good.userAgent.replace('Chrome/', 'HeadlessChrome/') })).toEqual(['UA_HEADLESS']);
  expect(codes({ ...good, userAgent: good.userAgent.replace('Chrome/156', 'Chrome/150') })).toEqual(['UA_VERSION']);
  expect(codes({ ...good, userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/140.0' })).toEqual(['UA_NOT_CHROME']);
  expect(codes({ ...good, webdriver: true })).toEqual(['WEBDRIVER']);
  expect(codes({ ...good, brands: [] })).toEqual(['NO_CLIENT_HINTS']);
  expect(codes({ ...good, brands: [...good.brands!, { brand: 'HeadlessChrome', version: '156' }] })).toEqual(['BRAND_HEADLESS']);
  expect(codes({ ...good, brands: [{ brand: 'Chromium', version: '155' }] })).toEqual(['BRAND_VERSION']);
  expect(codes({ ...good, platform: 'Windows' })).toEqual(['PLATFORM_MISMATCH']);
  expect(codes({ ...good, highEntropy: { ...good.highEntropy, fullVersionList: [] } })).toEqual(['FULL_VERSION']);
  expect(codes({ ...good, highEntropy: { ...good.highEntropy, architecture: '', bitness: '' } })).toEqual(['HIGH_ENTROPY', 'HIGH_ENTROPY']);
  expect(codes(good, 'arm64')).toEqual(['HIGH_ENTROPY']);
});
