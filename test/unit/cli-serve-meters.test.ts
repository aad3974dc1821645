/**
 * `waweb serve`'s ceiling flags: each becomes the SessionManager option of the same name, a
 * per-session `--session-limit` its `sessionLimits` entry (`off` turns a ceiling off), and a bad
 * value is an InvalidOptionError naming the flag before anything starts.
 */
import { ErrorCode, InvalidOptionError } from '../../src/index';
import { runServe } from '../../src/cli/serve';
import { METER_OPTIONS, meterOptions } from '../../src/cli/serve-meters';
import { parse } from '../../src/cli/util';

const SESSIONS = ['sales', 'support'];

function options(argv: string[]): ReturnType<typeof meterOptions> {
  return meterOptions(parse(argv, METER_OPTIONS, 'usage').values, SESSIONS);
}

function refusal(run: () => unknown): InvalidOptionError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidOptionError);
    expect((err as InvalidOptionError).code).toBe(ErrorCode.INVALID_OPTION);
    return err as InvalidOptionError;
  }
  throw new Error('not refused');
}

test('every ceiling flag becomes the manager option of the same name; none given sets none', () => {
  expect(options([])).toEqual({});
  const argv = ['--max-memory-mib', '900', '--max-cpu-percent', '150', '--cpu-window-ms', '30000'];
  argv.push('--meter-interval-ms', '5000', '--ceiling-interval-ms', '60000');
  expect(options(argv)).toEqual({
    maxMemoryMiB: 900,
    maxCpuPercent: 150,
    cpuWindowMs: 30_000,
    meterIntervalMs: 5000,
    ceilingIntervalMs: 60_000,
  });
});

test('--session-limit gives one session its own ceilings, repeatable, with off turning one off', () => {
  const argv = ['--max-memory-mib', '900', '--session-limit', 'sales:max-memory-mib=2000,max-cpu-percent=80'];
  argv.push('--session-limit', 'support:max-memory-mib=off', '--session-limit', 'sales:max-cpu-percent=off');
  expect(options(argv)).toEqual({
    maxMemoryMiB: 900,
    sessionLimits: { sales: { maxMemoryMiB: 2000, maxCpuPercent: null }, support: { maxMemoryMiB: null } },
  });
});

test('a bad value is refused naming its flag', () => {
  const cases: Array<[string[], string]> = [
    [['--max-memory-mib', '0'], '--max-memory-mib'],
    [['--max-memory-mib', 'lots'], '--max-memory-mib'],
    [['--max-cpu-percent', '1.5'], '--max-cpu-percent'],
    [['--cpu-window-ms', '-1'], '--cpu-window-ms'],
    [['--meter-interval-ms', '10'], '--meter-interval-ms'],
    [['--ceiling-interval-ms', '1e99'], '--ceiling-interval-ms'],
    [['--session-limit', 'sales'], '--session-limit'],
    [['--session-limit', 'sales:'], '--session-limit'],
    [['--session-limit', 'nobody:max-memory-mib=10'], 'is not one of --sessions'],
    [['--session-limit', 'sales:max-rss=10'], 'max-rss'],
    [['--session-limit', 'sales:max-memory-mib'], 'max-memory-mib'],
    [['--session-limit', 'sales:max-memory-mib=0'], '--session-limit sales:max-memory-mib'],
  ];
  for (const [argv, named] of cases) expect([argv, refusal(() => options(argv)).message.includes(named)]).toEqual([argv, true]);
});

test('waweb serve takes the flags: a bad value stops it, before anything starts, naming the flag, and --help lists them', async () => {
  const base = ['--store', 'file:/nonexistent/waweb-serve-meters', '--sessions', 'a', '--port', '0'];
  const err = await runServe([...base, '--max-memory-mib', 'lots']).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(InvalidOptionError);
  expect((err as Error).message).toContain('--max-memory-mib must be an integer');
  const printed: string[] = [];
  const spy = jest.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
  try {
    expect(await runServe(['--help'])).toBe(0);
  } finally {
    spy.mockRestore();
  }
  for (const flag of Object.keys(METER_OPTIONS)) expect(printed.join('\n')).toContain(`--${flag}`);
});
