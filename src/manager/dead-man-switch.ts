/**
 * The dead-man switch: a small watchdog process that closes a session's Chromium when its lease
 * deadline passes without this process saying otherwise. It does not depend on this process's event
 * loop, so it still acts while Node is paused (a long GC, a blocked loop, a throttled or SIGSTOPped
 * process) and Chromium, which keeps its connection meanwhile, would otherwise outlive the lease.
 *
 * It is told, per session, the folder its browsers' profiles live in and a deadline on the machine's
 * monotonic clock (`monotonicMs()`, CLOCK_MONOTONIC on Linux, shared by every process). At the
 * deadline it SIGKILLs every process whose `--user-data-dir` lies in that folder (and its process
 * group: Chromium leads its own), so a browser launched after the last message is covered too. When
 * this process dies, the watchdog's stdin closes and it kills every browser still armed, then exits.
 * Linux only (it reads /proc); elsewhere it is not started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { errorMessage } from '../errors';
import type { Logger } from '../util/logger';

/**
 * The watchdog's program, run with `node -e`: plain JavaScript, nothing to resolve or build. It
 * reads one JSON command per line: `{op:'arm', id, dir, deadline}`, `{op:'disarm', id}`,
 * `{op:'kill', id, dir}`; it writes `{killed: id, pids}` for every session it ended.
 */
const WATCHDOG = String.raw`
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const armed = new Map();
const now = () => Number(process.hrtime.bigint() / 1000000n);
function browsersIn(dir) {
  const found = [];
  let entries = [];
  try { entries = fs.readdirSync('/proc'); } catch { return found; }
  const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
  for (const entry of entries) {
    if (!/^[0-9]+$/.test(entry)) continue;
    let cmdline;
    try { cmdline = fs.readFileSync('/proc/' + entry + '/cmdline', 'utf8'); } catch { continue; }
    for (const arg of cmdline.split('\0')) {
      if (!arg.startsWith('--user-data-dir=')) continue;
      const profile = path.resolve(arg.slice('--user-data-dir='.length));
      if ((profile + path.sep).startsWith(prefix)) { found.push(Number(entry)); break; }
    }
  }
  return found;
}
function kill(id, dir) {
  const pids = browsersIn(dir);
  for (const pid of pids) {
    try { process.kill(-pid, 'SIGKILL'); } catch {}
    try { process.kill(pid, 'SIGKILL'); } catch {}
  }
  try { process.stdout.write(JSON.stringify({ killed: id, pids }) + '\n'); } catch {}
}
const timer = setInterval(() => {
  const t = now();
  for (const [id, entry] of armed) {
    if (t < entry.deadline) continue;
    armed.delete(id);
    kill(id, entry.dir);
  }
}, 100);
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  input += chunk;
  let nl;
  while ((nl = input.indexOf('\n')) >= 0) {
    const line = input.slice(0, nl);
    input = input.slice(nl + 1);
    let cmd;
    try { cmd = JSON.parse(line); } catch { continue; }
    if (cmd.op === 'arm') armed.set(cmd.id, { dir: cmd.dir, deadline: cmd.deadline });
    else if (cmd.op === 'disarm') armed.delete(cmd.id);
    else if (cmd.op === 'kill') { armed.delete(cmd.id); kill(cmd.id, cmd.dir); }
  }
});
process.stdin.on('end', () => {
  clearInterval(timer);
  for (const [id, entry] of armed) kill(id, entry.dir);
  process.exit(0);
});
process.stdout.on('error', () => {});
`;

export interface DeadManSwitchOptions {
  logger: Logger;
  /** A session's browsers were killed by the watchdog (a deadline passed, or `killNow`). */
  onKilled?: (id: string, pids: number[]) => void;
}

export class DeadManSwitch {
  #child: ChildProcess | undefined;
  readonly #armed = new Map<string, { dir: string; deadline: number }>();
  #closed = false;
  #failed = false;
  /** Watchdogs that ended on their own; past a few, the switch gives up (and says so) rather than respawning forever. */
  #deaths = 0;

  constructor(private readonly options: DeadManSwitchOptions) {}

  /** Whether this platform can have one (it reads /proc). */
  static get supported(): boolean {
    return process.platform === 'linux';
  }

  /** Kills the browsers whose profiles are in `dir` unless re-armed or disarmed before `deadline` (`monotonicMs()`). */
  arm(id: string, dir: string, deadline: number): void {
    const last = this.#armed.get(id);
    if (last && last.dir === dir && last.deadline === deadline) return;
    this.#armed.set(id, { dir, deadline });
    this.#send({ op: 'arm', id, dir, deadline });
  }

  /** The sessions armed now. */
  armed(): string[] {
    return [...this.#armed.keys()];
  }

  disarm(id: string): void {
    if (!this.#armed.delete(id)) return;
    this.#send({ op: 'disarm', id });
  }

  /** Kills the session's browsers now (a hard stop), whatever this process is doing next. */
  killNow(id: string, dir: string): void {
    this.#armed.delete(id);
    this.#send({ op: 'kill', id, dir });
  }

  /** Disarms everything and lets the watchdog exit. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const id of [...this.#armed.keys()]) this.disarm(id);
    this.#child?.stdin?.end();
    this.#child = undefined;
  }

  #send(command: object): void {
    const child = this.#process();
    if (!child?.stdin?.writable) return;
    child.stdin.write(`${JSON.stringify(command)}\n`);
  }

  #process(): ChildProcess | undefined {
    if (this.#closed || this.#failed || !DeadManSwitch.supported) return undefined;
    if (this.#child) return this.#child;
    const { NODE_OPTIONS: _options, ...env } = process.env;
    const child = spawn(process.execPath, ['-e', WATCHDOG], { stdio: ['pipe', 'pipe', 'ignore'], env });
    this.#child = child;
    const log = this.options.logger;
    child.on('error', (err) => {
      this.#failed = true;
      log.error(
        { err: errorMessage(err) },
        'dead-man switch: the watchdog process could not run; browsers are guarded by this process alone',
      );
    });
    child.on('exit', (code, signal) => {
      if (this.#child !== child) return;
      this.#child = undefined;
      if (this.#closed) return;
      if (++this.#deaths > 3) {
        this.#failed = true;
        log.error({ code, signal }, 'dead-man switch: the watchdog process keeps ending; browsers are guarded by this process alone');
        return;
      }
      log.warn({ code, signal }, 'dead-man switch: the watchdog process ended; starting another');
      // The next message starts a new one, armed again with every deadline known.
      const armed = [...this.#armed];
      this.#armed.clear();
      for (const [id, { dir, deadline }] of armed) this.arm(id, dir, deadline);
    });
    child.stdin?.on('error', () => undefined);
    // Never what keeps this process alive: when it exits, the watchdog's stdin closes and it ends the armed browsers.
    child.unref();
    unref(child.stdin);
    unref(child.stdout);
    if (child.stdout) {
      createInterface({ input: child.stdout }).on('line', (line) => {
        let report: { killed?: unknown; pids?: unknown };
        try {
          report = JSON.parse(line) as { killed?: unknown; pids?: unknown };
        } catch {
          return;
        }
        if (typeof report.killed !== 'string') return;
        const pids = Array.isArray(report.pids) ? report.pids.filter((p): p is number => typeof p === 'number') : [];
        this.options.onKilled?.(report.killed, pids);
      });
    }
    return child;
  }
}

function unref(stream: unknown): void {
  const handle = stream as { unref?: () => void } | null | undefined;
  handle?.unref?.();
}

/** SIGKILL to a process and its group (Chromium leads its own); one gone already is fine. */
export function killProcessGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}
