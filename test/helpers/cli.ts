/** Runs `waweb session …` (bin/waweb.js) as a user would, and collects its exit code and output. */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const BIN = resolve(__dirname, '..', '..', 'bin', 'waweb.js');
const running = new Set<ChildProcess>();

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function sessionCli(args: string[], extraEnv: Record<string, string> = {}): Promise<CliRun> {
  const child = spawn(process.execPath, [BIN, 'session', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...extraEnv },
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolveRun, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      running.delete(child);
      resolveRun({ code, stdout, stderr });
    });
  });
}

/** Kills every command still running (a test that failed while waiting for one). */
export function killSessionClis(): void {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  running.clear();
}
