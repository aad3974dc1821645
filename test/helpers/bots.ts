/**
 * Runs the bot scripts in test/fixtures/bots as users run bots: `node bot.js` in its own working
 * folder, once as written (`require('whatsapp-web.js')`) and once with that one line changed to
 * `require('waweb')`. `waweb` resolves to this checkout built as a package (dist/ and package.json,
 * as `npm install waweb` would give), whatsapp-web.js to the one in node_modules. Each bot's QR is
 * read from its output and scanned by the simulated phone (a pairing code printed as `Pairing code: <code>`
 * is entered on it); stopping sends SIGINT, as Ctrl-C would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { SimulatedPhone, WhatsAppSimulator } from '../../src/simulator';
import type { Library } from './both-clients';
import { chromiumForTests } from './chromium';
import { tempDir, type TempDir } from './tmp';
import { useSimulatorHarnesses, type Harness } from './use-simulator';
import { killAll, processesMentioning, waitForNone } from './processes';

const root = path.resolve(__dirname, '..', '..');
const FIXTURES = path.join(root, 'test', 'fixtures', 'bots');
const ORIGINAL_IMPORT = "require('whatsapp-web.js')";

export type { Library };

/** Builds waweb as an installed package under `dir/node_modules/waweb`; returns `dir/node_modules`. */
export async function buildPackage(dir: string): Promise<string> {
  const target = path.join(dir, 'node_modules', 'waweb');
  await mkdir(target, { recursive: true });
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  await promisify(execFile)(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--outDir', path.join(target, 'dist')], {
    cwd: root,
  });
  await copyFile(path.join(root, 'package.json'), path.join(target, 'package.json'));
  return path.join(dir, 'node_modules');
}

/**
 * The frame of a file that runs bots: waweb built as a package once for the file (removed after it), and
 * for each test a simulator harness of bots (`env.bots`) that resolve `require('waweb')` to that build, and
 * the harnesses `more` makes.
 */
export function useBots<H extends Record<string, Harness>>(
  prefix: string,
  more: (sim: WhatsAppSimulator, dir: string) => H = () => ({}) as H,
) {
  let pkg: TempDir | undefined;
  let modules = '';
  beforeAll(async () => {
    pkg = await tempDir(`${prefix}pkg-`);
    modules = await buildPackage(pkg.path);
  }, 120_000);
  afterAll(async () => {
    await pkg?.remove();
  });
  return useSimulatorHarnesses(prefix, (sim, dir) => ({ bots: new BotHarness(sim, dir, () => modules), ...more(sim, dir) }));
}

/** The bot's account (`options` as `sim.phone` takes them), with the people it talks to in its address book (number → name). */
export async function botAccount(
  sim: WhatsAppSimulator,
  bot: string,
  options: Parameters<WhatsAppSimulator['phone']>[1],
  contacts: Record<string, string>,
): Promise<SimulatedPhone> {
  const phone = sim.phone(bot, options);
  for (const [number, name] of Object.entries(contacts)) await phone.addContact(number, name);
  return phone;
}

/** The fixture's text for `library`: as written, or with its one require of whatsapp-web.js changed. */
export async function botSource(name: string, library: Library): Promise<string> {
  const text = await readFile(path.join(FIXTURES, name), 'utf8');
  const uses = text.split(ORIGINAL_IMPORT).length - 1;
  if (uses !== 1) throw new Error(`${name} must require whatsapp-web.js exactly once (found ${uses})`);
  return library === 'whatsapp-web.js' ? text : text.replace(ORIGINAL_IMPORT, "require('waweb')");
}

export interface RunningBot {
  readonly library: Library;
  /** Everything the bot printed so far (stdout and stderr). */
  output(): string;
  /** Whether the bot's process is still running. */
  running(): boolean;
  /** Resolves when the bot printed READY; rejects if it exits first or `timeoutMs` passes. */
  ready(timeoutMs?: number): Promise<void>;
  /** SIGINT (the bot destroys its client and exits); resolves with the exit code. */
  stop(timeoutMs?: number): Promise<number | null>;
}

export class BotHarness {
  readonly #children = new Set<ChildProcess>();
  #runs = 0;

  constructor(
    private readonly sim: WhatsAppSimulator,
    private readonly dir: string,
    private readonly modules: () => string,
  ) {}

  /** Starts fixture `name` with `library`, linked (by QR scan) to the phone of `number`. */
  async start(name: string, library: Library, number: string): Promise<RunningBot> {
    return this.startSource(name, await botSource(name, library), library, number, path.join(this.dir, `${++this.#runs}-${library}`));
  }

  /**
   * Starts the script text `source` as `name` in the folder `cwd` (kept between runs when reused);
   * `launch` adds node flags before the script (`-r preload`) and environment variables.
   */
  async startSource(
    name: string,
    source: string,
    library: Library,
    number: string,
    cwd: string,
    launch: { nodeArgs?: string[]; env?: Record<string, string> } = {},
  ): Promise<RunningBot> {
    await mkdir(cwd, { recursive: true });
    const script = path.join(cwd, name);
    await writeFile(script, source);
    const { executablePath, args } = chromiumForTests(this.sim.chromiumArgs());
    const child = spawn(process.execPath, [...(launch.nodeArgs ?? []), script], {
      cwd,
      env: {
        ...process.env,
        ...launch.env,
        NODE_PATH: [this.modules(), path.join(root, 'node_modules')].join(path.delimiter),
        CHROMIUM_PATH: executablePath,
        // The tag (a switch Chromium ignores) lets the harness find this test's browsers.
        CHROMIUM_ARGS: JSON.stringify([...args, `${TAG}=${this.dir}`]),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#children.add(child);
    let out = '';
    let line = '';
    let isReady = false;
    const scanErrors: unknown[] = [];
    const waiters = new Set<() => void>();
    const notify = (): void => {
      for (const w of [...waiters]) w();
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      line += chunk.toString();
      const lines = line.split('\n');
      line = lines.pop() ?? '';
      for (const l of lines) {
        if (l.startsWith('QR RECEIVED ')) {
          this.sim
            .phone(number)
            .scan(l.slice('QR RECEIVED '.length).trim())
            .catch((err: unknown) => scanErrors.push(err));
        }
        // A pairing-code start (whatsapp-web.js's `pairWithPhoneNumber`): the phone enters the code shown.
        if (l.startsWith('Pairing code: ')) {
          this.sim
            .phone(number)
            .pairWithCode(l.slice('Pairing code: '.length).trim())
            .catch((err: unknown) => scanErrors.push(err));
        }
        if (l.trim() === 'READY') isReady = true;
      }
      notify();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    void exited.then(() => {
      this.#children.delete(child);
      notify();
    });
    const until = (check: () => boolean, label: string, timeoutMs: number): Promise<void> =>
      new Promise((resolve, reject) => {
        const done = (): void => {
          waiters.delete(onChange);
          clearTimeout(timer);
        };
        const onChange = (): void => {
          if (check()) {
            done();
            resolve();
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(new Error(`${library} bot ${name} exited before ${label}:\n${out}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${library} bot ${name}: no ${label} within ${timeoutMs} ms (scan errors: ${String(scanErrors)}):\n${out}`));
        }, timeoutMs);
        waiters.add(onChange);
        onChange();
      });
    return {
      library,
      output: () => out,
      running: () => child.exitCode === null && child.signalCode === null,
      ready: (timeoutMs = 60_000) => until(() => isReady, 'READY', timeoutMs),
      stop: async (timeoutMs = 20_000) => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
        let timer: NodeJS.Timeout | undefined;
        const code = await new Promise<number | null | 'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), timeoutMs);
          void exited.then(resolve);
        });
        clearTimeout(timer);
        if (code === 'timeout') {
          child.kill('SIGKILL');
          throw new Error(`${library} bot ${name} did not exit within ${timeoutMs} ms of SIGINT:\n${out}`);
        }
        return code;
      },
    };
  }

  /** Stops every bot still running (SIGKILL after 20 s) and makes sure none of their browsers is left. */
  async stopAll(): Promise<void> {
    const children = [...this.#children];
    await Promise.all(
      children.map(async (child) => {
        child.kill('SIGINT');
        const deadline = Date.now() + 20_000;
        while (child.exitCode === null && child.signalCode === null && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }),
    );
    const left = await waitForNone(() => processesMentioning(`${TAG}=${this.dir}`), 10_000);
    if (left.length > 0) {
      killAll(left);
      throw new Error(`browsers of the bots in ${this.dir} survived: ${left.join(', ')}`);
    }
  }
}

const TAG = '--waweb-test-dir';
