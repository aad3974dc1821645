/**
 * `waweb session`: look into session archives and stores, move sessions between stores, folders and
 * archive files with every copy verified, and manage encryption keys. One file per subcommand; only
 * the public entries.
 */
import { WawebError } from '../../index';
import { STORE_URL_ENV, STORE_URL_FORMS } from '../store-url';
import { dispatch } from '../util';
import type { SessionCommand } from './args';
import { deleteCommand } from './delete';
import { exportCommand } from './export';
import { importCommand } from './import';
import { inspect } from './inspect';
import { keygen } from './keygen';
import { list } from './list';
import { migrate } from './migrate';
import { rekey } from './rekey';
import { release } from './release';
import { setAside } from './set-aside';
import { verify } from './verify';

const COMMANDS: Record<string, SessionCommand> = {
  inspect,
  list,
  migrate,
  verify,
  export: exportCommand,
  import: importCommand,
  delete: deleteCommand,
  'set-aside': setAside,
  release,
  keygen,
  rekey,
};

const FOOTER = `exit codes: 0 done; 1 nothing found, a check failed, or an error (its [CODE] on stderr);
  2 the store cannot mark or delete single generations (set-aside, release, delete --generation).
store URLs: ${STORE_URL_FORMS}
  (MongoDB: database from the URL path, default "waweb"); without --store, the URL in ${STORE_URL_ENV}
  (passwords on the command line show in ps and shell history; PGPASSWORD works for postgres: URLs)`;

const USAGE = `usage: waweb session <command> [options]

commands:
${Object.values(COMMANDS)
  .map((c) => c.usage)
  .join('\n')}

${FOOTER}`;

export async function runSession(argv: string[]): Promise<number> {
  const runners = Object.fromEntries(
    Object.entries(COMMANDS).map(([name, command]) => [
      name,
      async (args: string[]): Promise<number> => {
        if (args.includes('--help') || args.includes('-h')) {
          console.log(`usage: waweb session\n${command.usage}\n\n${FOOTER}`);
          return 0;
        }
        return command.run(args);
      },
    ]),
  );
  try {
    return await dispatch('waweb session', USAGE, runners, argv);
  } catch (err) {
    if (!(err instanceof WawebError)) throw err;
    console.error(`waweb session ${argv[0] ?? ''}: [${err.code}] ${err.message}`);
    return 1;
  }
}
