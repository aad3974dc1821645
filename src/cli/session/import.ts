/** `waweb session import`: an archive file into a store or a folder, checked first. */
import { InvalidOptionError } from '../../index';
import { SessionArgs, type SessionCommand } from './args';
import { readArchiveInput } from './archive-file';
import { check } from './checks';
import { closeEndpoint, openEndpoint, writeFolder, type Endpoint } from './endpoints';

const USAGE = `  import <file.zip> --to URL|folder:PATH --session ID [--force]
                                                  put an archive file into a store or folder, checked first`;

async function run(argv: string[]): Promise<number> {
  const args = SessionArgs.parse(argv, { to: { type: 'string' }, session: { type: 'string' }, force: { type: 'boolean' } }, USAGE);
  const toUrl = args.string('to');
  if (args.positionals.length !== 1 || toUrl === undefined || args.string('session') === undefined) {
    throw args.invalid('import takes <file.zip> --to URL|folder:PATH --session ID');
  }
  const session = args.session();
  const file = args.positionals[0] as string;
  const force = args.flag('force');
  const data = await readArchiveInput(file);
  const result = await check(file, data);
  if (!result.ok) {
    console.error(`not imported: [${result.code}] ${result.message}`);
    return 1;
  }
  let to: Endpoint | undefined;
  try {
    to = openEndpoint(toUrl);
    if (to.kind === 'folder') {
      console.log(`imported into ${to.folder}: ${await writeFolder(to.folder, data, force)}`);
      return 0;
    }
    if (!force && (await to.opened.store.exists(session))) {
      throw new InvalidOptionError(`session ${session} already has backups in ${to.label}; pass --force to add this one as the newest`);
    }
    const saved = await to.opened.store.save(session, data);
    console.log(`imported as generation ${saved.generation} of ${session} in ${to.label} (sha256 ${result.sha256})`);
    return 0;
  } finally {
    await closeEndpoint(to);
  }
}

export const importCommand: SessionCommand = { usage: USAGE, run };
