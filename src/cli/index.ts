/**
 * The `waweb` command line. Each command only calls the public API.
 */
import { runDemo } from './demo';
import { runLogin } from './login';
import { runSession } from './session';
import { runSimulator } from './simulator';

const USAGE = `usage: waweb <command> [options]

commands:
  simulator   start a local WhatsApp Web simulator and its phone API (Ctrl-C stops it)
  login       log in a LocalAuth session, showing the QR in the terminal
  demo        simulator + login + a message + restart without QR, step by step
  session     inspect session archives, list a store's backups, migrate them between stores

run 'waweb <command> --help' for a command's options`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'simulator':
      return runSimulator(rest);
    case 'login':
      return runLogin(rest);
    case 'demo':
      return runDemo(rest);
    case 'session':
      return runSession(rest);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      console.log(USAGE);
      return command === undefined ? 1 : 0;
    default:
      console.error(`waweb: unknown command '${command}'\n\n${USAGE}`);
      return 1;
  }
}
