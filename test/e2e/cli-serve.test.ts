/**
 * `waweb serve` as a user runs it (`node bin/waweb.js serve ...`) against the simulator: it prints
 * the dashboard's address, the JSON API (bearer token) shows the session waiting with its QR, the
 * phone scans it, the session turns ready, /metrics counts it, and SIGTERM stops everything with
 * exit code 0 and no browser left. The simulator's flags are passed as users paste them
 * (`--chromium-arg "--flag"`); `--simulator` starts a simulator of its own whose phone scans the QR.
 */
import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { WhatsAppSimulator } from '../../src/simulator';
import { call } from '../helpers/dashboard';
import { processesMentioning, waitForNone } from '../helpers/processes';
import { tempDir, type TempDir } from '../helpers/tmp';
import { untilTrue } from '../helpers/until';

const BIN = resolve(__dirname, '..', '..', 'bin', 'waweb.js');
const TOKEN = 'cli-serve-token-0123456789';

let sim: WhatsAppSimulator;
let work: TempDir;

beforeAll(async () => {
  [sim, work] = await Promise.all([WhatsAppSimulator.start(), tempDir('waweb-cli-serve-')]);
}, 60_000);

afterAll(async () => {
  await sim?.close();
  expect(await waitForNone(() => processesMentioning(work.path), 10_000)).toEqual([]);
  await work?.remove();
});

interface View {
  sessions: Array<{ id: string; state: string; qr: string | null; lastSave: { generation: number } | null }>;
}

interface Served {
  url: string;
  output: () => string;
  exited: Promise<number | null>;
  kill: () => void;
  view: () => Promise<View>;
  until: (test: (v: View) => boolean) => Promise<View>;
  get: (path: string, token?: string) => Promise<Response>;
}

/** Runs `waweb serve args...` (with `WAWEB_DASHBOARD_TOKEN` set unless `envToken` is false) until it prints the dashboard's address. */
async function serve(args: string[], envToken = true): Promise<Served> {
  const env: NodeJS.ProcessEnv = { ...process.env, WAWEB_DASHBOARD_TOKEN: TOKEN };
  if (!envToken) delete env['WAWEB_DASHBOARD_TOKEN'];
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { stdio: 'pipe', env });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const kill = (): void => void child.kill('SIGTERM');
  const url = await new Promise<string>((found, failed) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      output += `${line}\n`;
      const m = /dashboard: (https?:\/\/127\.0\.0\.1:\d+)\//.exec(line);
      if (m?.[1]) found(m[1]);
    });
    void exited.then(() => failed(new Error(`waweb serve exited early:\n${output}`)));
  }).catch((err: unknown) => {
    kill();
    throw err;
  });
  const get = async (path: string, token = TOKEN): Promise<Response> =>
    fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  const view = async (): Promise<View> => (await (await get('/api/sessions')).json()) as View;
  const until = async (test: (v: View) => boolean): Promise<View> => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const v = await view();
      if (test(v)) return v;
      if (Date.now() > deadline) throw new Error(`not reached: ${JSON.stringify(v)}\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return { url, output: () => output, exited, kill, view, until, get };
}

test('serves the sessions, their QR, the API and the metrics; SIGTERM stops with 0', async () => {
  const args = ['--store', `file:${join(work.path, 'store')}`, '--sessions', 'cs1', '--port', '0'];
  args.push('--data-path', join(work.path, 'profiles'));
  // The form users paste from 'waweb simulator': the flag as the next argument.
  for (const flag of sim.chromiumArgs()) args.push('--chromium-arg', flag);
  const served = await serve(args);
  try {
    expect(served.output()).not.toContain(TOKEN); // a token from the environment is never printed
    expect((await served.get('/api/sessions', 'wrong-token-0123456789')).status).toBe(401);
    const waiting = await served.until((v) => v.sessions.some((s) => s.id === 'cs1' && s.state === 'qr' && s.qr !== null));
    await sim.phone('15550400001').scan(waiting.sessions[0]?.qr as string);
    await served.until((v) => v.sessions.some((s) => s.id === 'cs1' && s.state === 'ready' && s.lastSave !== null));
    const metrics = await (await served.get('/metrics')).text();
    expect(metrics).toMatch(/^waweb_sessions\{state="ready"\} 1$/m);
    expect(metrics).toMatch(/^waweb_session_saves_total [1-9]/m);
  } finally {
    served.kill();
  }
  expect(await served.exited).toBe(0);
  expect(served.output()).toContain('SIGTERM');
}, 120_000);

test('--simulator starts a simulator of its own whose phone scans the QR; SIGTERM stops both', async () => {
  const args = ['--store', `file:${join(work.path, 'store-sim')}`, '--sessions', 'ss1', '--port', '0', '--simulator'];
  args.push('--phone', '15550400077', '--data-path', join(work.path, 'profiles-sim'));
  const served = await serve(args);
  try {
    expect(served.output()).toMatch(/simulator started on 127\.0\.0\.1:\d+/);
    await served.until((v) => v.sessions.some((s) => s.id === 'ss1' && s.state === 'ready'));
    expect(served.output()).toContain('simulated phone 15550400077 scanned the QR');
  } finally {
    served.kill();
  }
  expect(await served.exited).toBe(0);
}, 120_000);

test('--simulator-url reaches a running simulator: its flags and its phone API; the simulator outlives serve', async () => {
  const args = ['--store', `file:${join(work.path, 'store-url')}`, '--sessions', 'su1', '--port', '0'];
  args.push('--simulator-url', sim.adminUrl as string, '--phone', '15550400088', '--data-path', join(work.path, 'profiles-url'));
  const served = await serve(args);
  try {
    await served.until((v) => v.sessions.some((s) => s.id === 'su1' && s.state === 'ready'));
    expect(served.output()).toContain('simulated phone 15550400088 scanned the QR');
    expect(sim.phone('15550400088').devices()).toHaveLength(1);
  } finally {
    served.kill();
  }
  expect(await served.exited).toBe(0);
  expect((await fetch(`${sim.adminUrl as string}/health`)).status).toBe(200);
}, 120_000);

test('--simulator-url refuses an address where no simulator answers, before any browser starts', async () => {
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--store', `file:${join(work.path, 'store-none')}`, '--sessions', 'sn1', '--simulator-url', 'http://127.0.0.1:9'],
    {
      stdio: 'pipe',
    },
  );
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.once('exit', (c) => done(c)));
  expect(code).not.toBe(0);
  expect(output).toContain('no simulator answers at http://127.0.0.1:9/');
}, 30_000);

test('the store URL can come from WAWEB_STORE_URL instead of --store (a password stays out of ps)', async () => {
  const run = async (env: NodeJS.ProcessEnv): Promise<string> => {
    const args = [BIN, 'serve', '--sessions', 'se1', '--simulator-url', 'http://127.0.0.1:9'];
    const child = spawn(process.execPath, args, { stdio: 'pipe', env: { ...process.env, ...env } });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((done) => child.once('exit', () => done()));
    return output;
  };
  // With the variable, serve gets past the store to the (absent) simulator; without it, it asks for one.
  expect(await run({ WAWEB_STORE_URL: `file:${join(work.path, 'store-env')}` })).toContain('no simulator answers at http://127.0.0.1:9/');
  expect(await run({ WAWEB_STORE_URL: '' })).toContain('--store (or WAWEB_STORE_URL) is required');
}, 30_000);

/** Runs `waweb serve args...` to its exit (killed after `ms`); its exit code and output. */
async function runToExit(args: string[], ms: number): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { stdio: 'pipe', env: { ...process.env, WAWEB_DASHBOARD_TOKEN: TOKEN } });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // SIGTERM, not SIGKILL: a serve that did start stops its browsers on the way out.
  const timer = setTimeout(() => child.kill('SIGTERM'), ms);
  const code = await new Promise<number | null>((done) => child.once('exit', (c) => done(c)));
  clearTimeout(timer);
  return { code, output };
}

test('--host 0.0.0.0 without TLS is refused before anything starts, naming --insecure-http', async () => {
  const args = ['--store', `file:${join(work.path, 'store-open')}`, '--sessions', 'so1', '--port', '0', '--host', '0.0.0.0'];
  args.push('--data-path', join(work.path, 'profiles-open'));
  const { code, output } = await runToExit(args, 20_000);
  expect(code).toBe(1);
  expect(output).toContain('--insecure-http');
  expect(output).not.toMatch(/dashboard: https?:/);
}, 30_000);

test('a made-up token is not printed when stdout is not a terminal: it goes to a 0600 file, removed at exit; --tls-self-signed serves HTTPS', async () => {
  const profiles = join(work.path, 'profiles-token');
  const args = ['--store', `file:${join(work.path, 'store-token')}`, '--sessions', 'st1', '--port', '0', '--tls-self-signed'];
  args.push('--data-path', profiles);
  for (const flag of sim.chromiumArgs()) args.push('--chromium-arg', flag);
  const served = await serve(args, false);
  let file = '';
  try {
    expect(served.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const port = served.url.split(':')[2] as string;
    file = /token in (\S+), mode 0600/.exec(served.output())?.[1] ?? '';
    expect(file).toBe(join(profiles, `dashboard-${port}.token`));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const token = (await readFile(file, 'utf8')).trim();
    expect(token.length).toBeGreaterThanOrEqual(16);
    expect(served.output()).not.toContain(token);
    expect(served.output()).not.toMatch(/\?token=[^.]/);

    // The token from the file works, over TLS, with the certificate whose fingerprint was printed.
    const printed = /SHA-256 ([0-9A-F:]{95})/.exec(served.output())?.[1];
    const reply = await call(served, '/api/sessions', { headers: { Authorization: `Bearer ${token}` }, anyCertificate: true });
    expect(reply.status).toBe(200);
    expect(reply.peer?.fingerprint256).toBe(printed);
  } finally {
    served.kill();
  }
  expect(await served.exited).toBe(0);
  await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
}, 120_000);

test('TLS flags that do not fit together, or files that cannot be read, are refused before anything starts', async () => {
  const base = ['--store', `file:${join(work.path, 'store-flags')}`, '--sessions', 'sf1', '--port', '0'];
  const missing = join(work.path, 'no-such.pem');
  const cases: Array<[string[], string]> = [
    [['--tls-cert', missing], '--tls-cert and --tls-key go together'],
    [['--tls-self-signed', '--insecure-http'], 'choose one of'],
    [['--tls-cert', missing, '--tls-key', missing], `--tls-cert ${missing} cannot be read`],
  ];
  for (const [flags, message] of cases) {
    const { code, output } = await runToExit([...base, ...flags, '--data-path', join(work.path, 'profiles-flags')], 20_000);
    expect([flags, code, output.includes(message), /dashboard: https?:/.test(output)]).toEqual([flags, 1, true, false]);
  }
}, 60_000);

test('--max-memory-mib reaches the manager: a ready session over it is saved and restarted, counted in /metrics', async () => {
  const args = ['--store', `file:${join(work.path, 'store-ceiling')}`, '--sessions', 'sc1', '--port', '0'];
  args.push('--data-path', join(work.path, 'profiles-ceiling'), '--max-memory-mib', '1', '--meter-interval-ms', '200');
  for (const flag of sim.chromiumArgs()) args.push('--chromium-arg', flag);
  const served = await serve(args);
  try {
    const waiting = await served.until((v) => v.sessions.some((s) => s.id === 'sc1' && s.state === 'qr' && s.qr !== null));
    await sim.phone('15550400099').scan(waiting.sessions[0]?.qr as string);
    // No browser fits in 1 MiB: the first sample once ready is over the ceiling.
    const counted = /^waweb_session_ceiling_restarts_total\{session="sc1",kind="memory"\} [1-9]/m;
    await untilTrue(async () => counted.test(await (await served.get('/metrics')).text()), 'a ceiling restart in /metrics', 60_000);
    expect(served.output()).toMatch(/sc1: over its memory ceiling \(\d+ > 1 MiB\): saved and restarted/);
  } finally {
    served.kill();
  }
  expect(await served.exited).toBe(0);
}, 120_000);
