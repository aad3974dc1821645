/**
 * `waweb session migrate`: copies a session between stores and profile folders through the
 * library's `migrateSession` (checked before anything is written, a store copy loaded back and
 * compared byte for byte, the source never changed), one generation at a time.
 */
import { ArchiveError, InvalidOptionError } from '../../index';
import { migrateSession, type ArchiveManifest, type ImportTarget, type SessionSource } from '../../session/index';
import { SessionArgs, type SessionCommand } from './args';
import { refusePlaintextSource, REQUIRE_ENCRYPTED_FLAG, REQUIRE_ENCRYPTED_HELP } from './archive-file';
import { LEASE_FLAGS, LEASE_HELP, LEASE_USAGE, refuseLiveLease } from './live-lease';
import { assertProfileFolder, closeEndpoint, folderClientId, openEndpoint, progress, type Endpoint } from './endpoints';

const USAGE = `  migrate --from URL|folder:PATH --to URL|folder:PATH --session ID [--all] [--force] [--live]
          [--require-encrypted] ${LEASE_USAGE}
                                                  (${REQUIRE_ENCRYPTED_HELP})
                                                  copy the newest generation (--all: every kept one, oldest
                                                  first), or a profile folder (a LocalAuth folder such as
                                                  .wwebjs_auth/session-bot-1), to another store or folder.
                                                  Each copy is restored into a scratch profile and, in a
                                                  store, loaded back to check its sha256; never deletes
                                                  from --from. Refuses an existing target unless --force,
                                                  and a folder a running Chromium holds unless --live. Each
                                                  copy into a store is refused if another save lands
                                                  meanwhile (GENERATION_CHANGED); for --to, it
                                                  ${LEASE_HELP}`;

interface Copy {
  /** What the copy comes from, for the report (a folder's is completed from its manifest). */
  origin: string;
  source: SessionSource;
  bytes: number;
}

/** The copies to move, oldest first: a folder, or the newest (or every kept) generation of a store's session. */
async function copiesFrom(from: Endpoint, session: string, all: boolean, live: boolean): Promise<Copy[] | string> {
  if (from.kind === 'folder') {
    await assertProfileFolder(from.folder);
    return [{ origin: `folder ${from.folder}`, source: { folder: from.folder, live, clientId: folderClientId(session) }, bytes: 0 }];
  }
  const available = await from.opened.store.list(session);
  if (available.length === 0) return `no backups of session ${session} in ${from.label}`;
  const picked = all ? [...available].reverse() : available.slice(0, 1);
  return picked.map((g) => ({
    origin: `generation ${g.generation} (${g.createdAt.toISOString()}, ${g.bytes} bytes)`,
    source: { store: from.opened.store, session, generation: g.generation },
    bytes: g.bytes,
  }));
}

function describeManifest(manifest: ArchiveManifest | null): string {
  return manifest ? `manifest ${manifest.clientId} ${manifest.contentHash.slice(0, 12)} verified` : 'no manifest (made by whatsapp-web.js)';
}

/** Refuses to stack copies on a store session that has generations, unless `force`. */
async function checkTarget(to: Endpoint, session: string, force: boolean): Promise<void> {
  if (to.kind !== 'store' || force) return;
  const existing = await to.opened.store.list(session);
  if (existing.length > 0) {
    throw new InvalidOptionError(
      `session ${session} already has ${existing.length} generation(s) in ${to.label}; the copies would become its newest ` +
        `generations and older ones beyond the store's keep would be pruned. Pass --force to do it anyway.`,
    );
  }
}

async function run(argv: string[]): Promise<number> {
  const args = SessionArgs.parse(
    argv,
    {
      from: { type: 'string' },
      to: { type: 'string' },
      session: { type: 'string' },
      all: { type: 'boolean' },
      force: { type: 'boolean' },
      live: { type: 'boolean' },
      ...REQUIRE_ENCRYPTED_FLAG,
      ...LEASE_FLAGS,
    },
    USAGE,
  );
  args.noPositionals();
  const fromUrl = args.required('from');
  const toUrl = args.required('to');
  const session = args.session();
  const force = args.flag('force');
  if (fromUrl === toUrl) throw new InvalidOptionError('--from and --to name the same place');
  refusePlaintextSource(fromUrl, args.flag('require-encrypted'));

  let from: Endpoint | undefined;
  let to: Endpoint | undefined;
  try {
    from = openEndpoint(fromUrl);
    to = openEndpoint(toUrl);
    await checkTarget(to, session, force);
    const copies = await copiesFrom(from, session, args.flag('all'), args.flag('live'));
    if (typeof copies === 'string') {
      console.error(`waweb session migrate: ${copies}`);
      return 1;
    }
    // Just before writing, as late as possible: a worker may have taken the session meanwhile.
    if (to.kind === 'store') await refuseLiveLease(args, toUrl, session, 'migrate');
    // A folder holds one profile: the newest copy.
    const picked = to.kind === 'folder' ? copies.slice(-1) : copies;
    const unit = from.kind === 'store' ? 'generation(s)' : 'profile folder(s)';
    console.log(`migrating ${picked.length} ${unit} of session ${session}: ${from.label} -> ${to.label}`);
    const target: ImportTarget = to.kind === 'folder' ? { folder: to.folder } : { store: to.opened.store, session };
    // checkTarget has refused an existing store session without --force; the copies after the first add to it.
    const overwrite = to.kind === 'store' || force;
    for (const copy of picked) {
      const bar = progress(copy.origin, copy.bytes);
      bar.step('copying, then checking the copy');
      let result;
      try {
        result = await migrateSession(copy.source, target, { overwrite });
      } catch (err) {
        if (!(err instanceof ArchiveError)) throw err;
        console.error(`waweb session migrate: ${copy.origin} did not copy [${err.code}]: ${err.message}; the source is untouched`);
        return 1;
      } finally {
        bar.done();
      }
      const described = describeManifest(result.manifest);
      const origin =
        from.kind === 'folder' && result.manifest
          ? `${copy.origin} (${result.manifest.files} files, ${result.manifest.bytes} bytes)`
          : copy.origin;
      if (to.kind === 'folder') {
        console.log(
          `${origin} -> ${to.folder}: ${result.files ?? 0} files, ${result.bytes} bytes, every file checked against the archive (${described})`,
        );
      } else {
        console.log(
          `${origin} -> generation ${result.generation?.generation ?? '?'}: sha256 ${result.sha256} verified, restores into a scratch profile, ${described}`,
        );
      }
    }
    if (to.kind === 'store') {
      const kept = (await to.opened.store.list(session)).length;
      console.log(
        `copied ${picked.length} ${unit}; ${to.label} now keeps ${kept} for session ${session}; nothing deleted from ${from.label}`,
      );
      if (kept < picked.length) console.log(`note: the destination's keep pruned ${picked.length - kept} of the older copies`);
    } else console.log(`copied ${picked.length} ${unit}; nothing deleted from ${from.label}`);
    return 0;
  } finally {
    await Promise.allSettled([closeEndpoint(from), closeEndpoint(to)]);
  }
}

export const migrate: SessionCommand = { usage: USAGE, run };
