/**
 * A TypeScript script in a child Node process that reports JSON lines on stdout: spawned as the
 * leader of its own process group (ts-node registered, transpile only, as bin/waweb.js does), its
 * reports collected in order, its stderr's tail kept for failure messages, and waits on its reports
 * that end early when it exits. remote-child-process.ts and manager-workers.ts build on it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = resolve(__dirname, '..', '..');

export type Exit = { code: number | null; signal: NodeJS.Signals | null };

export interface ReportingChild<R> {
  readonly pid: number;
  readonly process: ChildProcess;
  /** Every report so far, in order, each with `t` (the child's clock). */
  readonly reports: R[];
  readonly exited: Promise<Exit>;
  /** The exit, once the child has exited. */
  exit(): Exit | undefined;
  /** The last lines of its stderr. */
  stderr(): string;
  /** Resolves with what `find` returns once it returns something; rejects when the child exits first or after `timeoutMs`. */
  waitFor<T>(find: () => T | undefined, what: string | (() => string), timeoutMs: number): Promise<T>;
}

export function spawnReporting<R>(
  script: string,
  env: Record<string, string>,
  options: { cwd?: string; label: string; onReport?: (report: R) => void },
): ReportingChild<R> {
  const bootstrap = [
    `require(require.resolve('ts-node', { paths: [${JSON.stringify(ROOT)}] })).register({ transpileOnly: true, project: ${JSON.stringify(join(ROOT, 'tsconfig.json'))} });`,
    `require(${JSON.stringify(script)});`,
  ].join('\n');
  const child = spawn(process.execPath, ['-e', bootstrap], {
    cwd: options.cwd ?? ROOT,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${options.label} did not start`);
  const reports: R[] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  let exitInfo: Exit | undefined;
  const exited = new Promise<Exit>((done) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      done(exitInfo);
      for (const w of [...waiters]) w();
    });
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-6000);
  });
  // A test that fails before stopping the child must not crash on a closed stdin.
  child.stdin?.on('error', () => undefined);
  createInterface({ input: child.stdout }).on('line', (line) => {
    let report: R;
    try {
      report = JSON.parse(line) as R;
    } catch {
      stderr = (stderr + `\n[stdout] ${line}`).slice(-6000);
      return;
    }
    if (process.env['WAWEB_TEST_DEBUG']) console.log(options.label, line);
    reports.push(report);
    options.onReport?.(report);
    for (const w of [...waiters]) w();
  });
  const describe = (): string => `exit: ${JSON.stringify(exitInfo)}; stderr: ${stderr.slice(-1500)}`;
  return {
    pid,
    process: child,
    reports,
    exited,
    exit: () => exitInfo,
    stderr: () => stderr,
    waitFor<T>(find: () => T | undefined, what: string | (() => string), timeoutMs: number): Promise<T> {
      const name = (): string => (typeof what === 'string' ? what : what());
      return new Promise<T>((found, failed) => {
        const check = (): void => {
          const value = find();
          if (value !== undefined) {
            done();
            found(value);
          } else if (exitInfo) {
            done();
            failed(new Error(`${options.label} exited before ${name()}; ${describe()}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          failed(new Error(`${options.label}: no ${name()} within ${timeoutMs} ms; ${describe()}`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}
