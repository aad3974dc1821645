/**
 * The waweb command, run as a user runs it: `node bin/waweb.js ...`.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';

const BIN = join(__dirname, '..', '..', 'bin', 'waweb.js');
const children = new Set<ChildProcessWithoutNullStreams>();

afterEach(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
});

function run(args: string[]): { child: ChildProcessWithoutNullStreams; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: 'pipe' });
  children.add(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

function waitForOutput(proc: ReturnType<typeof run>, pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const match = proc.output().match(pattern);
      if (match) {
        clearTimeout(timer);
        proc.child.stdout.off('data', check);
        resolve(match);
      }
    };
    const timer = setTimeout(() => {
      proc.child.stdout.off('data', check);
      reject(new Error(`no ${String(pattern)} in output:\n${proc.output()}`));
    }, timeoutMs);
    proc.child.stdout.on('data', check);
    check();
  });
}

test('waweb simulator prints its URL, Chromium flags and phone API, and stops on Ctrl-C', async () => {
  const proc = run(['simulator']);
  const [, admin] = await waitForOutput(proc, /phone API:\s+(http:\/\/127\.0\.0\.1:\d+)/);
  expect(proc.output()).toMatch(/--host-resolver-rules=MAP web\.whatsapp\.com 127\.0\.0\.1:\d+/);
  expect(proc.output()).toContain('https://web.whatsapp.com/');
  const health = await fetch(`${admin}/health`);
  expect(await health.json()).toEqual({ ok: true });
  proc.child.kill('SIGINT');
  expect(await proc.exited).toBe(0);
  expect(proc.output()).toContain('simulator stopped (SIGINT)');
  // The phone API is gone with it.
  await expect(fetch(`${admin}/health`)).rejects.toThrow();
});

test('waweb demo runs every step offline and exits 0', async () => {
  const proc = run(['demo']);
  const code = await proc.exited;
  const out = proc.output();
  // The demo's own output comes with a failed exit, so a failure under load says which step it was.
  if (code !== 0) throw new Error(`waweb demo exited ${String(code)}; its output:\n${out}`);
  expect(code).toBe(0);
  expect(out).toMatch(/ready as 15550001234@c\.us/);
  expect(out).toContain('message from 15550009876@c.us: "ping"');
  expect(out).toContain('phone received the reply: "pong"');
  expect(out).toMatch(/restored and ready as 15550001234@c\.us with 0 QR codes shown/);
});

test('bad command lines exit 1 with a message', async () => {
  const unknown = run(['bogus']);
  expect(await unknown.exited).toBe(1);
  expect(unknown.output()).toContain("unknown command 'bogus'");

  const badId = run(['login', '--client-id', '../x', '--simulator']);
  expect(await badId.exited).toBe(1);
  expect(badId.output()).toContain('clientId must be');

  const badFlag = run(['simulator', '--port', 'abc']);
  expect(await badFlag.exited).toBe(1);
  expect(badFlag.output()).toContain('--port must be an integer');
});
