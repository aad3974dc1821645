/**
 * The `waweb` command line. Each command only calls the public API, and is loaded only when it runs
 * (`waweb session ...` never loads the dashboard, the manager or the simulator).
 */
import { dispatch } from './util';

const USAGE = `usage: waweb <command> [options]

commands:
  simulator   start a local WhatsApp Web simulator and its phone API (Ctrl-C stops it)
  login       log in a LocalAuth session, showing the QR in the terminal
  demo        simulator + login + a message + restart without QR, step by step
  session     inspect session archives, list a store's backups, migrate them between stores
  serve       run sessions from a store with a web dashboard, JSON API and Prometheus metrics
  doctor      check WhatsApp Web, the page contract and the browser's fingerprint (after an update)

run 'waweb <command> --help' for a command's options`;

export function main(argv: string[]): Promise<number> {
  return dispatch(
    'waweb',
    USAGE,
    {
      simulator: async (args) => (await import('./simulator')).runSimulator(args),
      login: async (args) => (await import('./login')).runLogin(args),
      demo: async (args) => (await import('./demo')).runDemo(args),
      session: async (args) => (await import('./session/index')).runSession(args),
      serve: async (args) => (await import('./serve')).runServe(args),
      doctor: async (args) => (await import('./doctor')).runDoctor(args),
    },
    argv,
  );
}
