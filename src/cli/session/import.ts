/** `waweb session import`: an archive file into a store or a folder, checked first. */
import { InvalidOptionError } from '../../index';
import { SessionArgs, type SessionCommand } from './args';
import { readArchiveInput, REQUIRE_ENCRYPTED_FLAG, REQUIRE_ENCRYPTED_HELP } from './archive-file';
import { check } from './checks';
import { closeEndpoint, openEndpoint, writeFolder, type Endpoint } from './endpoints';
import { LEASE_FLAGS, LEASE_HELP, LEASE_USAGE, refuseLiveLease } from './live-lease';

const USAGE = `  import <file.zip> --to URL|folder:PATH --session ID [--force] [--require-encrypted] ${LEASE_USAGE}
                                                  put an archive file into a store or folder, checked first
                                                  (a plain one with a warning; ${REQUIRE_ENCRYPTED_HELP});
                                                  --force adds it as the newest of an existing session, refused
                                                  if another save lands meanwhile (GENERATION_CHANGED);
                                                  ${LEASE_HELP}`;

async function run(argv: string[]): Promise<number> {
  const args = SessionArgs.parse(
    argv,
    { to: { type: 'string' }, session: { type: 'string' }, force: { type: 'boolean' }, ...REQUIRE_ENCRYPTED_FLAG, ...LEASE_FLAGS },
    USAGE,
  );
  const toUrl = args.string('to');
  if (args.positionals.length !== 1 || toUrl === undefined || args.string('session') === undefined) {
    throw args.invalid('import takes <file.zip> --to URL|folder:PATH --session ID');
  }
  const session = args.session();
  const file = args.positionals[0] as string;
  const force = args.flag('force');
  const data = await readArchiveInput(file, { requireEncrypted: args.flag('require-encrypted') });
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
    const newest = (await to.opened.store.list(session))[0]?.generation ?? 0;
    if (!force && newest > 0) {
      throw new InvalidOptionError(`session ${session} already has backups in ${to.label}; pass --force to add this one as the newest`);
    }
    await refuseLiveLease(args, toUrl, session, 'import');
    // A compare-and-swap on the newest generation seen: a save that lands meanwhile (a live owner's)
    // refuses this one with GENERATION_CHANGED rather than being buried under it.
    const saved = await to.opened.store.save(session, data, { ifNewest: newest });
    console.log(`imported as generation ${saved.generation} of ${session} in ${to.label} (sha256 ${result.sha256})`);
    return 0;
  } finally {
    await closeEndpoint(to);
  }
}

export const importCommand: SessionCommand = { usage: USAGE, run };
