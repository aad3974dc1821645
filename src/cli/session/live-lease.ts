/**
 * The check every `waweb session` command that writes a session makes first: a session a worker
 * holds under a live lease is not written (`LEASE_LIVE`, naming the worker and when its lease ends),
 * unless `--force-live`. The leases are looked for beside the store: `PostgresLeases` on a postgres:
 * store's database (table `waweb_leases`, or `--leases-table`), `MongoLeases` on a mongodb: store's
 * database (collection `waweb_leases`, or `--leases-collection`). A file: store or a folder has none.
 * Only `LeaseBackend.list()` is used; a table or collection that does not exist holds no lease.
 *
 * A lease names the manager's session (`bot-1`); the store holds it as `RemoteAuth-bot-1`. Either
 * name given to `--session` finds it.
 */
import { ErrorCode, InvalidOptionError, LeaseError } from '../../index';
import type { LeaseRecord } from '../../manager/index';
import { leasesKind, openLeasesUrl } from '../store-url';
import type { Flags, SessionArgs } from './args';
import { FOLDER_PREFIX } from './endpoints';

/** The flags of the check, for a writing command's `SessionArgs.parse`. */
export const LEASE_FLAGS: Flags = {
  'force-live': { type: 'boolean' },
  'leases-table': { type: 'string' },
  'leases-collection': { type: 'string' },
};

/** How the flags read in a command's usage. */
export const LEASE_USAGE = '[--force-live] [--leases-table NAME | --leases-collection NAME]';

/** The usage lines that explain them, shared by the writing commands. */
export const LEASE_HELP = `refuses a session a worker holds under a live lease (LEASE_LIVE) unless --force-live; leases are
                                                  looked for beside a postgres: (--leases-table, default waweb_leases) or
                                                  mongodb: store (--leases-collection, default waweb_leases)`;

function matches(record: LeaseRecord, session: string): boolean {
  return record.sessionId === session || `RemoteAuth-${record.sessionId}` === session;
}

/** The live lease on `session` in the leases beside `url`, or `undefined` (none, or no leases there). */
async function liveLease(args: SessionArgs, url: string, session: string): Promise<LeaseRecord | undefined> {
  const kind = url.startsWith(FOLDER_PREFIX) ? null : leasesKind(url);
  const table = args.string('leases-table');
  const collection = args.string('leases-collection');
  if (table !== undefined && kind !== 'table') throw args.invalid('--leases-table goes with a postgres: store');
  if (collection !== undefined && kind !== 'collection') throw args.invalid('--leases-collection goes with a mongodb: store');
  if (kind === null) return undefined;
  const leases = openLeasesUrl(url, kind === 'table' ? table : collection);
  try {
    return (await leases.list()).find((record) => record.live && matches(record, session));
  } finally {
    await leases.close();
  }
}

/**
 * Throws `LeaseError` code `LEASE_LIVE` when a worker holds `session` (in the store at `url`) under a
 * live lease, unless `--force-live`: then it only says so on stderr (and a lookup that fails does
 * not stop the command). The write that follows is a compare-and-swap on the newest generation
 * either way.
 */
export async function refuseLiveLease(args: SessionArgs, url: string, session: string, command: string): Promise<void> {
  const force = args.flag('force-live');
  let record: LeaseRecord | undefined;
  try {
    record = await liveLease(args, url, session);
  } catch (err) {
    if (!force || err instanceof InvalidOptionError) throw err;
    console.error(
      `waweb session ${command}: could not look for a live lease (${err instanceof Error ? err.message : String(err)}); --force-live: writing anyway`,
    );
    return;
  }
  if (!record) return;
  const until = record.expiresAt ? record.expiresAt.toISOString() : 'unknown';
  const held = `session ${session} is held by worker "${record.owner ?? '?'}" under a live lease (token ${record.token}) until ${until}`;
  if (force) {
    console.error(`waweb session ${command}: ${held}; --force-live: writing anyway`);
    return;
  }
  throw new LeaseError(
    ErrorCode.LEASE_LIVE,
    session,
    `${held}: ${command} would write a session that worker is running. Stop the worker or wait until the lease ends, ` +
      'or pass --force-live (the write is still refused if the newest generation changes meanwhile)',
  );
}
