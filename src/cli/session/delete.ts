/** `waweb session delete`: every generation of a session, or one (`--generation`), after asking (or with --yes). */
import { createInterface } from 'node:readline/promises';
import { InvalidOptionError } from '../../index';
import { openStoreUrl } from '../store-url';
import { SessionArgs, type SessionCommand } from './args';
import { LEASE_FLAGS, LEASE_HELP, LEASE_USAGE, refuseLiveLease } from './live-lease';
import { withMarkingStore } from './marking';

const USAGE = `  delete --store URL --session ID [--generation N] [--yes] ${LEASE_USAGE}
                                                  delete every generation of a session, or only generation N
                                                  (exit 2 when the store has no marks); asks unless --yes;
                                                  ${LEASE_HELP}`;

/** Asks `question` at a terminal; `--yes` answers it, and without a terminal it must be given. */
async function confirmed(args: SessionArgs, question: string): Promise<boolean> {
  if (args.flag('yes')) return true;
  if (!process.stdin.isTTY) throw new InvalidOptionError('delete asks for confirmation: pass --yes when not at a terminal');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question(`${question} [y/N] `);
  rl.close();
  if (/^y(es)?$/i.test(answer.trim())) return true;
  console.log('nothing deleted');
  return false;
}

async function deleteOne(args: SessionArgs, url: string, session: string, generation: number): Promise<number> {
  return withMarkingStore(url, 'delete', async (store, opened) => {
    const listed = (await store.list(session)).find((g) => g.generation === generation);
    if (!listed) {
      console.error(`no generation ${generation} of session ${session} in ${opened.label}`);
      return 1;
    }
    if (!(await confirmed(args, `delete generation ${generation} of ${session} in ${opened.label}?`))) return 1;
    if (!(await store.deleteGeneration(session, generation))) {
      console.error(`generation ${generation} of session ${session} was already gone from ${opened.label}`);
      return 1;
    }
    console.log(`deleted generation ${generation} of ${session} in ${opened.label}`);
    return 0;
  });
}

async function run(argv: string[]): Promise<number> {
  const args = SessionArgs.parse(
    argv,
    { store: { type: 'string' }, session: { type: 'string' }, generation: { type: 'string' }, yes: { type: 'boolean' }, ...LEASE_FLAGS },
    USAGE,
  );
  const store = args.string('store');
  if (store === undefined || args.string('session') === undefined) throw args.invalid('delete needs --store and --session');
  const session = args.session();
  const generation = args.generation();
  await refuseLiveLease(args, store, session, 'delete');
  if (generation !== undefined) return deleteOne(args, store, session, generation);
  const opened = openStoreUrl(store);
  try {
    const generations = await opened.store.list(session);
    if (generations.length === 0) {
      console.log(`no backups of session ${session} in ${opened.label}`);
      return 0;
    }
    if (!(await confirmed(args, `delete all ${generations.length} generation(s) of ${session} in ${opened.label}?`))) return 1;
    await opened.store.delete(session);
    console.log(`deleted ${generations.length} generation(s) of ${session} in ${opened.label}`);
    return 0;
  } finally {
    await opened.close();
  }
}

export const deleteCommand: SessionCommand = { usage: USAGE, run };
