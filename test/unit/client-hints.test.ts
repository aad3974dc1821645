/**
 * The launch's client hints (src/browser/user-agent.ts): `waweb doctor` found the high-entropy ones
 * empty (fullVersionList, architecture, bitness, formFactors), as Chromium answers under a
 * --user-agent flag and no user's Chrome does. They must be what Chrome itself answers.
 */
import { fullBuildClientHints } from '../../src/browser/user-agent';

const BROWSER = 'HeadlessChrome/156.0.8078.129';

test("the launch's client hints carry Chrome's high-entropy values: full versions, architecture, bitness, form factor", () => {
  expect(fullBuildClientHints(BROWSER, 'x64')).toEqual({
    brands: [
      { brand: 'Not:A-Brand', version: '8' },
      { brand: 'Chromium', version: '156' },
    ],
    fullVersionList: [
      { brand: 'Not:A-Brand', version: '8.0.0.0' },
      { brand: 'Chromium', version: '156.0.8078.129' },
    ],
    platform: process.platform === 'linux' ? 'Linux' : expect.any(String),
    platformVersion: '',
    architecture: 'x86',
    bitness: '64',
    model: '',
    mobile: false,
    formFactors: ['Desktop'],
    wow64: false,
  });
  expect(fullBuildClientHints('Chrome/157.0.1.2', 'arm64')).toMatchObject({ architecture: 'arm', bitness: '64' });
});
