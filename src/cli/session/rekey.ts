/** `waweb session rekey`: every generation of a session (or of every session) re-encrypted under the current key. */
import { EncryptedStore, InvalidOptionError, WawebError, type RekeyResult } from '../../index';
import { openStoreUrl } from '../store-url';
import { SessionArgs, type SessionCommand } from './args';
import { LEASE_FLAGS, LEASE_HELP, LEASE_USAGE, refuseLiveLease } from './live-lease';

const USAGE = `  rekey --store encrypted:URL (--session ID | --all) [--prune] [--encrypt-plaintext] ${LEASE_USAGE}
                                                  rewrite every kept generation (set-aside ones too) in place
                                                  under the current key, and seal set-aside marks again, so no
                                                  retired key opens any of them; --all: every session in the
                                                  store. Each rewrite is conditional on its generation and
                                                  carries the session's fencing token; --encrypt-plaintext
                                                  encrypts generations stored in clear (refused otherwise);
                                                  --prune: a store that cannot rewrite in place gets the
                                                  newest written again and the older ones deleted;
                                                  ${LEASE_HELP}`;

const numbers = (list: number[]): string => (list.length === 0 ? '-' : list.join(', '));

function describe(result: RekeyResult, keyId: string): string {
  const parts = [`rewritten ${numbers(result.rewritten)}`, `already current ${numbers(result.unchanged)}`];
  if (result.added.length > 0) parts.push(`written again as ${numbers(result.added)}`);
  if (result.pruned.length > 0) parts.push(`deleted ${numbers(result.pruned)}`);
  if (result.resealed.length > 0) parts.push(`set-aside marks sealed again ${numbers(result.resealed)}`);
  return `${result.sessionId}: under key "${keyId}": ${parts.join('; ')}`;
}

async function run(argv: string[]): Promise<number> {
  const args = SessionArgs.parse(
    argv,
    {
      store: { type: 'string' },
      session: { type: 'string' },
      all: { type: 'boolean' },
      prune: { type: 'boolean' },
      'encrypt-plaintext': { type: 'boolean' },
      ...LEASE_FLAGS,
    },
    USAGE,
  );
  args.noPositionals();
  const url = args.string('store');
  const all = args.flag('all');
  if (url === undefined || all === (args.string('session') !== undefined)) {
    throw args.invalid('rekey needs --store encrypted:URL and either --session ID or --all');
  }
  const one = all ? undefined : args.session();
  const opened = openStoreUrl(url);
  try {
    if (!(opened.store instanceof EncryptedStore)) {
      throw new InvalidOptionError(`rekey needs an encrypted store: --store encrypted:${opened.label}`);
    }
    const store = args.flag('encrypt-plaintext') ? new EncryptedStore(opened.store.inner, { plaintext: 'read' }) : opened.store;
    let sessions: string[];
    if (one !== undefined) sessions = [one];
    else if (store.listSessions) sessions = await store.listSessions();
    else throw new InvalidOptionError(`the ${store.name} store cannot list its sessions: rekey them one by one with --session`);
    let failed = 0;
    let found = 0;
    for (const session of sessions) {
      try {
        await refuseLiveLease(args, url, session, 'rekey');
        // The token in force: a new owner taking the session meanwhile refuses the rest (FENCED).
        const fence = store.fencing ? await store.raiseFence(session, 1) : undefined;
        const result = await store.rekey(session, { prune: args.flag('prune'), ...(fence === undefined ? {} : { fence }) });
        if (!result) {
          if (one !== undefined) console.error(`no backups of session ${session} in ${opened.label}`);
          continue;
        }
        found += 1;
        console.log(describe(result, store.currentKeyId));
        for (const k of await store.keyIds(session)) {
          console.log(`  generation ${k.generation}: ${k.keyId === null ? 'not encrypted' : `key "${k.keyId}"`}`);
        }
      } catch (err) {
        if (!(err instanceof WawebError) || one !== undefined) throw err;
        failed += 1;
        console.error(`waweb session rekey: ${session}: [${err.code}] ${err.message}`);
      }
    }
    if (all) console.log(`rekeyed ${found} of ${sessions.length} session(s) in ${opened.label}${failed > 0 ? `; ${failed} failed` : ''}`);
    return failed > 0 || found === 0 ? 1 : 0;
  } finally {
    await opened.close();
  }
}

export const rekey: SessionCommand = { usage: USAGE, run };
