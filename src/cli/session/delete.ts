/** `waweb session delete`: every generation of a session, after asking (or with --yes). */
import { createInterface } from 'node:readline/promises';
import { InvalidOptionError } from '../../index';
import { openStoreUrl } from '../store-url';
import { SessionArgs, type SessionCommand } from './args';

const USAGE = `  delete --store URL --session ID [--yes]         delete every generation of a session (asks unless --yes)`;

async function run(argv: string[]): Promise<number> {
  const args = SessionArgs.parse(argv, { store: { type: 'string' }, session: { type: 'string' }, yes: { type: 'boolean' } }, USAGE);
  const store = args.string('store');
  if (store === undefined || args.string('session') === undefined) throw args.invalid('delete needs --store and --session');
  const session = args.session();
  const opened = openStoreUrl(store);
  try {
    const generations = await opened.store.list(session);
    if (generations.length === 0) {
      console.log(`no backups of session ${session} in ${opened.label}`);
      return 0;
    }
    if (!args.flag('yes')) {
      if (!process.stdin.isTTY) throw new InvalidOptionError('delete asks for confirmation: pass --yes when not at a terminal');
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      const answer = await rl.question(`delete all ${generations.length} generation(s) of ${session} in ${opened.label}? [y/N] `);
      rl.close();
      if (!/^y(es)?$/i.test(answer.trim())) {
        console.log('nothing deleted');
        return 1;
      }
    }
    await opened.store.delete(session);
    console.log(`deleted ${generations.length} generation(s) of ${session} in ${opened.label}`);
    return 0;
  } finally {
    await opened.close();
  }
}

export const deleteCommand: SessionCommand = { usage: USAGE, run };
