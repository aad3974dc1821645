/** `waweb session rekey`: a session's newest generation written again under the current key. */
import { EncryptedStore, InvalidOptionError } from '../../index';
import { openStoreUrl } from '../store-url';
import { SessionArgs, type SessionCommand } from './args';
import { LEASE_FLAGS, LEASE_HELP, LEASE_USAGE, refuseLiveLease } from './live-lease';

const USAGE = `  rekey --store encrypted:URL --session ID ${LEASE_USAGE}
                                                  write the newest generation again under the current key,
                                                  refused if another save lands meanwhile (GENERATION_CHANGED);
                                                  ${LEASE_HELP}`;

async function run(argv: string[]): Promise<number> {
  const args = SessionArgs.parse(argv, { store: { type: 'string' }, session: { type: 'string' }, ...LEASE_FLAGS }, USAGE);
  const store = args.string('store');
  if (store === undefined || args.string('session') === undefined) throw args.invalid('rekey needs --store encrypted:URL and --session ID');
  const session = args.session();
  const opened = openStoreUrl(store);
  try {
    if (!(opened.store instanceof EncryptedStore)) {
      throw new InvalidOptionError(`rekey needs an encrypted store: --store encrypted:${opened.label}`);
    }
    await refuseLiveLease(args, store, session, 'rekey');
    const saved = await opened.store.rekey(session);
    if (!saved) {
      console.error(`no backups of session ${session} in ${opened.label}`);
      return 1;
    }
    const keys = await opened.store.keyIds(session);
    console.log(`generation ${saved.generation} of ${session} written under key "${opened.store.currentKeyId}"`);
    for (const k of keys) console.log(`  generation ${k.generation}: ${k.keyId === null ? 'not encrypted' : `key "${k.keyId}"`}`);
    return 0;
  } finally {
    await opened.close();
  }
}

export const rekey: SessionCommand = { usage: USAGE, run };
