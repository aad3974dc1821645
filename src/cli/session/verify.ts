/** `waweb session verify`: every stored generation (or an archive file, or a folder) restores; optionally, the newest logs in. */
import { openStoreUrl } from '../store-url';
import { SessionArgs, type SessionCommand } from './args';
import { readArchiveInput, refusePlaintextSource, REQUIRE_ENCRYPTED_FLAG } from './archive-file';
import { check, describeCheck, type Check } from './checks';
import { archiveFolder, openEndpoint } from './endpoints';
import { LEASE_FLAGS, LEASE_HELP, LEASE_USAGE, refuseLiveLease } from './live-lease';
import { verifyLogin, type LoginCheck } from './verify-login';

const USAGE = `  verify (--store URL --session ID [--verify-login [--live] ${LEASE_USAGE}] | <file.zip> | folder:PATH) [--json]
         [--require-encrypted]                    (refuses input that is not encrypted)
                                                  restore every stored generation (or the archive, or the
                                                  folder's archive) into a scratch profile, checking every
                                                  file against its manifest; exit 1 when any fails.
                                                  --verify-login also starts the newest copy against the app
                                                  (Chromium flags from WAWEB_CHROMIUM_ARGS, a JSON array) and
                                                  checks it logs in without a QR; refused when the session
                                                  looks live (a backup in the last 10 min) unless --live;
                                                  a login takes the session from its owner, so --verify-login
                                                  ${LEASE_HELP}`;

/** The checks of an archive file or a folder (`folder:PATH`). */
async function checkOne(args: SessionArgs, target: string): Promise<Check> {
  if (target.startsWith('folder:')) refusePlaintextSource(target, args.flag('require-encrypted'));
  if (!target.startsWith('folder:'))
    return check(target, await readArchiveInput(target, { requireEncrypted: args.flag('require-encrypted') }));
  const endpoint = openEndpoint(target);
  if (endpoint.kind !== 'folder') throw args.invalid('verify folder:PATH needs a folder');
  const copy = await archiveFolder(endpoint.folder, 'verify', true);
  return check(copy.origin, copy.data, copy.checked);
}

async function run(argv: string[]): Promise<number> {
  const args = SessionArgs.parse(
    argv,
    {
      store: { type: 'string' },
      session: { type: 'string' },
      json: { type: 'boolean' },
      'verify-login': { type: 'boolean' },
      live: { type: 'boolean' },
      ...REQUIRE_ENCRYPTED_FLAG,
      ...LEASE_FLAGS,
    },
    USAGE,
  );
  const json = args.flag('json');
  const store = args.string('store');
  const checks: Check[] = [];
  let login: LoginCheck | undefined;
  if (args.positionals.length === 1 && store === undefined) {
    checks.push(await checkOne(args, args.positionals[0] as string));
  } else {
    if (args.positionals.length > 0 || store === undefined || args.string('session') === undefined) {
      throw args.invalid('verify takes --store URL --session ID, an archive file, or folder:PATH');
    }
    const session = args.session();
    refusePlaintextSource(store, args.flag('require-encrypted'));
    const opened = openStoreUrl(store);
    try {
      const generations = await opened.store.list(session);
      if (generations.length === 0) {
        if (json) console.log(JSON.stringify({ ok: false, checks: [], message: `no backups of session ${session}` }));
        else console.error(`no backups of session ${session} in ${opened.label}`);
        return 1;
      }
      for (const g of generations) {
        const loaded = await opened.store.load(session, { generation: g.generation });
        if (!loaded) continue;
        checks.push(await check(`generation ${g.generation}`, loaded.data));
      }
      if (args.flag('verify-login') && checks.every((c) => c.ok)) {
        await refuseLiveLease(args, store, session, 'verify --verify-login');
        login = await verifyLogin(opened.store, session, { live: args.flag('live') });
      }
    } finally {
      await opened.close();
    }
  }
  const ok = checks.every((c) => c.ok) && login?.ok !== false;
  if (json) console.log(JSON.stringify({ ok, checks, ...(login ? { login } : {}) }, null, 2));
  else {
    for (const c of checks) console.log(describeCheck(c));
    if (login)
      console.log(`${login.ok ? 'login ok' : 'LOGIN FAILED'}  ${login.message}${login.ms === undefined ? '' : ` (${login.ms} ms)`}`);
  }
  return ok ? 0 : 1;
}

export const verify: SessionCommand = { usage: USAGE, run };
