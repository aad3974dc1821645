/**
 * The command line's shared parser: pass-through options (`--chromium-arg`) take the flags users
 * paste as `--chromium-arg "--ignore-certificate-errors"`, which node's parser alone refuses as
 * ambiguous; other options keep refusing a value that looks like a flag.
 */
import { ErrorCode, InvalidOptionError } from '../../src/index';
import { phoneNumbers, phoneOption } from '../../src/cli/simulated';
import { joinPassThrough, parse } from '../../src/cli/util';

const OPTIONS = { 'chromium-arg': { type: 'string', multiple: true }, store: { type: 'string' }, leases: { type: 'boolean' } } as const;

test('a pass-through option takes the next argument even when it starts with --, in either form', () => {
  const argv = [
    '--chromium-arg',
    '--host-resolver-rules=MAP web.whatsapp.com 127.0.0.1:4443',
    '--chromium-arg=--ignore-certificate-errors',
    '--chromium-arg',
    '-x',
    '--leases',
  ];
  const { values } = parse(argv, OPTIONS, 'usage', { passThrough: ['chromium-arg'] });
  expect(values['chromium-arg']).toEqual([
    '--host-resolver-rules=MAP web.whatsapp.com 127.0.0.1:4443',
    '--ignore-certificate-errors',
    '-x',
  ]);
  expect(values.leases).toBe(true);
});

test('without pass-through (and for other options) a value that looks like a flag is still refused', () => {
  const refused = (argv: string[], passThrough?: string[]): unknown => {
    try {
      parse(argv, OPTIONS, 'the usage', passThrough ? { passThrough } : {});
      return undefined;
    } catch (err) {
      return err;
    }
  };
  for (const err of [refused(['--chromium-arg', '--ignore-certificate-errors']), refused(['--store', '--leases'], ['chromium-arg'])]) {
    expect(err).toBeInstanceOf(InvalidOptionError);
    expect((err as InvalidOptionError).code).toBe(ErrorCode.INVALID_OPTION);
    expect((err as Error).message).toContain('the usage');
  }
});

test('joinPassThrough leaves everything after -- and a trailing option alone', () => {
  expect(joinPassThrough(['--a', '--b', '--', '--a', '--c'], ['a'])).toEqual(['--a=--b', '--', '--a', '--c']);
  expect(joinPassThrough(['--a'], ['a'])).toEqual(['--a']);
  expect(joinPassThrough(['--a', 'plain'], ['a'])).toEqual(['--a', 'plain']);
});

test('--simulator phones: --phone is digits, and each session gets the next number', () => {
  expect(phoneOption(undefined)).toBe('15550001234');
  expect(phoneNumbers(phoneOption('15550009998'), 3)).toEqual(['15550009998', '15550009999', '15550010000']);
  expect(() => phoneOption('+1 555')).toThrow(InvalidOptionError);
});
