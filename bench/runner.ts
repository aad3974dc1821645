/**
 * The bench's child processes (bench/child.ts, one per client phase): starting them, reading
 * their events, killing them with everything they started. A {@link ChildRunner} owns the
 * children of one run, so a signal or the watchdog can stop them all and no new one starts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { killAll, processesMentioning } from '../test/helpers/processes';
import { firstLine } from './format';
import { CONFIG_ENV, LINE_PREFIX, type ChildConfig, type ChildEvent, type Command } from './protocol';

const ROOT = resolve(__dirname, '..');

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Kills what a phase started: the child Node process (leader of its own process group)
 * and every Chromium process whose command line names the phase's folder (puppeteer starts
 * Chromium in a process group of its own, so it is found by its `--user-data-dir`).
 */
export async function killPhase(child: ChildRun | undefined, folder: string): Promise<void> {
  if (child) await child.kill();
  const deadline = Date.now() + 10_000;
  for (;;) {
    const left = processesMentioning(folder);
    if (left.length === 0) return;
    killAll(left);
    if (Date.now() > deadline) throw new Error(`processes of ${folder} survived SIGKILL: ${left.join(', ')}`);
    await sleep(50);
  }
}

/** One child process: its events as they come, the tail of its other output, a kill for its group. */
export class ChildRun {
  readonly proc: ChildProcess;
  readonly events: ChildEvent[] = [];
  readonly tail: string[] = [];
  readonly exited: Promise<number | null>;
  #cursor = 0;
  #wake = new Set<() => void>();
  #exitCode: number | null | undefined;
  #listeners = new Set<(e: ChildEvent) => void>();

  constructor(
    readonly label: string,
    config: ChildConfig,
    verbose: boolean,
  ) {
    this.proc = spawn(
      process.execPath,
      // Sweeping freed ArrayBuffers on a background thread lets `arrayBuffers` count them for a while
      // after gc() returns: the "held" figure (read right after a forced gc()) then showed up to ~30 MiB
      // of Buffers that were already garbage. Swept on the spot, it shows what is really alive.
      [
        '--expose-gc',
        '--no-concurrent-array-buffer-sweeping',
        '-r',
        require.resolve('ts-node/register/transpile-only', { paths: [ROOT] }),
        join(__dirname, 'child.ts'),
      ],
      {
        cwd: config.dataPath,
        env: { ...process.env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), [CONFIG_ENV]: JSON.stringify(config) },
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
      },
    );
    const keep = (line: string): void => {
      this.tail.push(line);
      if (this.tail.length > 40) this.tail.shift();
      if (verbose) process.stderr.write(`  [${label}] ${line}\n`);
    };
    createInterface({ input: this.proc.stdout! }).on('line', (line) => {
      if (!line.startsWith(LINE_PREFIX)) return keep(line);
      const event = JSON.parse(line.slice(LINE_PREFIX.length)) as ChildEvent;
      this.events.push(event);
      if (verbose) process.stderr.write(`  [${label}] ${event.ev}${'t' in event ? ` t=${event.t}ms` : ''}\n`);
      for (const fn of this.#listeners) fn(event);
      for (const wake of [...this.#wake]) wake();
    });
    createInterface({ input: this.proc.stderr! }).on('line', keep);
    this.proc.stdin!.on('error', () => undefined);
    this.exited = new Promise((resolveExit) => {
      this.proc.once('exit', (code) => {
        this.#exitCode = code;
        for (const wake of [...this.#wake]) wake();
        resolveExit(code);
      });
    });
  }

  onEvent(fn: (e: ChildEvent) => void): void {
    this.#listeners.add(fn);
    for (const e of this.events) fn(e);
  }

  /** The next event (after the last one returned) that matches; fails on timeout, exit or a fatal error. */
  waitFor<E extends ChildEvent>(what: string, match: (e: ChildEvent) => e is E, timeoutMs: number): Promise<E>;
  waitFor(what: string, match: (e: ChildEvent) => boolean, timeoutMs: number): Promise<ChildEvent>;
  waitFor(what: string, match: (e: ChildEvent) => boolean, timeoutMs: number): Promise<ChildEvent> {
    return new Promise((resolveWait, reject) => {
      const check = (): void => {
        for (let i = this.#cursor; i < this.events.length; i++) {
          const e = this.events[i]!;
          if (match(e)) {
            this.#cursor = i + 1;
            return done(() => resolveWait(e));
          }
          if (e.ev === 'error' && e.fatal) {
            this.#cursor = i + 1;
            return done(() => reject(new Error(`${this.label}: ${firstLine(e.message)}`)));
          }
        }
        if (this.#exitCode !== undefined) {
          done(() => reject(new Error(`${this.label} exited (code ${this.#exitCode}) before ${what}${this.tailText()}`)));
        }
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`${this.label}: no ${what} within ${timeoutMs / 1000} s${this.tailText()}`))),
        timeoutMs,
      );
      const done = (fn: () => void): void => {
        clearTimeout(timer);
        this.#wake.delete(check);
        fn();
      };
      this.#wake.add(check);
      check();
    });
  }

  send(command: Command): void {
    this.proc.stdin!.write(`${JSON.stringify(command)}\n`);
  }

  /** SIGKILL to the child's process group (the child is its leader), then wait for the exit. */
  async kill(): Promise<void> {
    if (this.#exitCode === undefined && this.proc.pid !== undefined) {
      try {
        process.kill(-this.proc.pid, 'SIGKILL');
      } catch {
        this.proc.kill('SIGKILL');
      }
    }
    await Promise.race([this.exited, sleep(5000)]);
  }

  tailText(): string {
    return this.tail.length
      ? `\n    last output:\n${this.tail
          .slice(-15)
          .map((l) => `      ${l}`)
          .join('\n')}`
      : '';
  }
}

/** A `waitFor` match: the event is one of these. */
export const isEv =
  <K extends ChildEvent['ev']>(...names: K[]) =>
  (e: ChildEvent): e is Extract<ChildEvent, { ev: K }> =>
    (names as string[]).includes(e.ev);

/** The children of one run: how each one starts, and the switch that stops them all. */
export class ChildRunner {
  readonly #live = new Set<ChildRun>();
  #stopping = false;

  constructor(readonly verbose: boolean) {}

  /** Starts a child; fails once {@link stopAll} was called. */
  start(label: string, config: ChildConfig): ChildRun {
    if (this.#stopping) throw new Error('stopped');
    const child = new ChildRun(label, config, this.verbose);
    this.#live.add(child);
    void child.exited.then(() => this.#live.delete(child));
    return child;
  }

  /** No child starts from now on; kills (SIGKILL to its group) every child still running. Idempotent. */
  async stopAll(): Promise<void> {
    this.#stopping = true;
    for (const child of [...this.#live]) await child.kill();
  }
}
