/**
 * `waweb session verify | export | import | delete`: check every stored generation (or an archive
 * file, or a profile folder) restores, move one session to and from an archive file, and delete a
 * session's backups (asks first). Only the public API, through ./endpoints.
 */
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { ArchiveError, InvalidOptionError, assertSessionId } from '../index';
import { type ArchiveManifest } from '../session/index';
import { verifyLogin, type LoginCheck } from './login-check';
import {
  archiveFolder,
  checkRestorable,
  closeEndpoint,
  openEndpoint,
  sha256,
  writeFolder,
  type Endpoint,
  type SourceCopy,
} from './endpoints';
import { encryptArchiveFile, readArchiveInput } from './session-keys';
import { openStoreUrl } from './store-url';

export const TOOLS_USAGE = `  verify (--store URL --session ID [--verify-login [--live]] | <file.zip> | folder:PATH) [--json]
                                                  restore every stored generation (or the archive, or the
                                                  folder's archive) into a scratch profile, checking every
                                                  file against its manifest; exit 1 when any fails.
                                                  --verify-login also starts the newest copy against the app
                                                  (Chromium flags from WAWEB_CHROMIUM_ARGS, a JSON array) and
                                                  checks it logs in without a QR; refused when the session
                                                  looks live (a backup in the last 10 min) unless --live
  export --from URL|folder:PATH --session ID --out FILE.zip [--live] [--encrypt]
                                                  write the newest generation (or the folder) as an archive file
                                                  (--encrypt: AES-256-GCM with the current key; import, inspect
                                                  and verify read such files with the keys in the environment)
  import <file.zip> --to URL|folder:PATH --session ID [--force]
                                                  put an archive file into a store or folder, checked first
  delete --store URL --session ID [--yes]         delete every generation of a session (asks unless --yes)`;

export type Parse = (
  argv: string[],
  flags: Record<string, { type: 'string' | 'boolean' }>,
) => {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
};

interface Check {
  what: string;
  ok: boolean;
  bytes: number;
  sha256: string;
  manifest?: ArchiveManifest | null;
  files?: number;
  code?: string;
  message?: string;
}

/**
 * Restores `data` into a scratch profile (or takes the result of that check, already made for a
 * folder's copy); the result says what was wrong, never throws for a bad archive.
 */
async function check(what: string, data: Buffer, checked?: SourceCopy['checked']): Promise<Check> {
  const base = { what, bytes: data.length, sha256: sha256(data) };
  if (checked) return { ...base, ok: true, manifest: checked.manifest, files: checked.manifest?.files };
  try {
    const extracted = await checkRestorable(data);
    return { ...base, ok: true, manifest: extracted.manifest, files: extracted.files };
  } catch (err) {
    if (!(err instanceof ArchiveError)) throw err;
    return { ...base, ok: false, code: err.code, message: err.message };
  }
}

function print(checks: Check[], json: boolean): void {
  if (json) {
    console.log(JSON.stringify({ ok: checks.every((c) => c.ok), checks }, null, 2));
    return;
  }
  for (const c of checks) {
    console.log(
      c.ok
        ? `ok      ${c.what}: ${c.bytes} bytes, ${c.files} files restored${c.manifest ? `, content hash ${c.manifest.contentHash.slice(0, 12)} verified` : ' (no manifest)'}`
        : `FAILED  ${c.what}: [${c.code}] ${c.message}`,
    );
  }
}

export async function verify(argv: string[], parse: Parse): Promise<number> {
  const { values, positionals } = parse(argv, {
    store: { type: 'string' },
    session: { type: 'string' },
    json: { type: 'boolean' },
    'verify-login': { type: 'boolean' },
    live: { type: 'boolean' },
  });
  const checks: Check[] = [];
  let login: LoginCheck | undefined;
  if (positionals.length === 1 && typeof values.store !== 'string') {
    const target = positionals[0]!;
    if (target.startsWith('folder:')) {
      const endpoint = openEndpoint(target);
      if (endpoint.kind !== 'folder') throw new InvalidOptionError('verify folder:PATH needs a folder');
      const copy = await archiveFolder(endpoint.folder, 'verify', true);
      checks.push(await check(copy.origin, copy.data, copy.checked));
    } else checks.push(await check(target, await readArchiveInput(target)));
  } else {
    if (positionals.length > 0 || typeof values.store !== 'string' || typeof values.session !== 'string') {
      throw new InvalidOptionError('verify takes --store URL --session ID, an archive file, or folder:PATH');
    }
    assertSessionId(values.session);
    const opened = openStoreUrl(values.store);
    try {
      const generations = await opened.store.list(values.session);
      if (generations.length === 0) {
        if (values.json) console.log(JSON.stringify({ ok: false, checks: [], message: `no backups of session ${values.session}` }));
        else console.error(`no backups of session ${values.session} in ${opened.label}`);
        return 1;
      }
      for (const g of generations) {
        const loaded = await opened.store.load(values.session, { generation: g.generation });
        if (!loaded) continue;
        checks.push(await check(`generation ${g.generation}`, loaded.data));
      }
      if (values['verify-login'] && checks.every((c) => c.ok)) {
        login = await verifyLogin(opened.store, values.session, { live: values.live === true });
      }
    } finally {
      await opened.close();
    }
  }
  const ok = checks.every((c) => c.ok) && login?.ok !== false;
  if (values.json) console.log(JSON.stringify({ ok, checks, ...(login ? { login } : {}) }, null, 2));
  else {
    print(checks, false);
    if (login)
      console.log(`${login.ok ? 'login ok' : 'LOGIN FAILED'}  ${login.message}${login.ms === undefined ? '' : ` (${login.ms} ms)`}`);
  }
  return ok ? 0 : 1;
}

export async function exportArchive(argv: string[], parse: Parse): Promise<number> {
  const { values } = parse(argv, {
    from: { type: 'string' },
    session: { type: 'string' },
    out: { type: 'string' },
    live: { type: 'boolean' },
    encrypt: { type: 'boolean' },
  });
  if (typeof values.from !== 'string' || typeof values.session !== 'string' || typeof values.out !== 'string') {
    throw new InvalidOptionError('export needs --from, --session and --out');
  }
  assertSessionId(values.session);
  let from: Endpoint | undefined;
  try {
    from = openEndpoint(values.from);
    let data: Buffer;
    let checked: SourceCopy['checked'];
    if (from.kind === 'folder') ({ data, checked } = await archiveFolder(from.folder, values.session, values.live === true));
    else {
      const loaded = await from.opened.store.load(values.session);
      if (!loaded) {
        console.error(`no backups of session ${values.session} in ${from.label}`);
        return 1;
      }
      data = loaded.data;
    }
    const result = await check(from.kind === 'folder' ? 'folder' : 'newest generation', data, checked);
    if (!result.ok) {
      console.error(`not exported: the source is not a usable archive [${result.code}] ${result.message}`);
      return 1;
    }
    const written = values.encrypt === true ? encryptArchiveFile(data) : data;
    await writeFile(values.out, written, { mode: 0o600, flag: 'wx' }).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new InvalidOptionError(`${values.out} already exists`);
      throw err;
    });
    const how = values.encrypt === true ? ', encrypted' : '';
    console.log(`exported ${data.length} bytes (sha256 ${result.sha256}, ${result.files} files verified${how}) to ${values.out}`);
    return 0;
  } finally {
    await closeEndpoint(from);
  }
}

export async function importArchive(argv: string[], parse: Parse): Promise<number> {
  const { values, positionals } = parse(argv, { to: { type: 'string' }, session: { type: 'string' }, force: { type: 'boolean' } });
  if (positionals.length !== 1 || typeof values.to !== 'string' || typeof values.session !== 'string') {
    throw new InvalidOptionError('import takes <file.zip> --to URL|folder:PATH --session ID');
  }
  assertSessionId(values.session);
  const data = await readArchiveInput(positionals[0]!);
  const result = await check(positionals[0]!, data);
  if (!result.ok) {
    console.error(`not imported: [${result.code}] ${result.message}`);
    return 1;
  }
  let to: Endpoint | undefined;
  try {
    to = openEndpoint(values.to);
    if (to.kind === 'folder') {
      console.log(`imported into ${to.folder}: ${await writeFolder(to.folder, data, values.force === true)}`);
      return 0;
    }
    if (!values.force && (await to.opened.store.exists(values.session))) {
      throw new InvalidOptionError(
        `session ${values.session} already has backups in ${to.label}; pass --force to add this one as the newest`,
      );
    }
    const saved = await to.opened.store.save(values.session, data);
    console.log(`imported as generation ${saved.generation} of ${values.session} in ${to.label} (sha256 ${result.sha256})`);
    return 0;
  } finally {
    await closeEndpoint(to);
  }
}

export async function deleteSession(argv: string[], parse: Parse): Promise<number> {
  const { values } = parse(argv, { store: { type: 'string' }, session: { type: 'string' }, yes: { type: 'boolean' } });
  if (typeof values.store !== 'string' || typeof values.session !== 'string')
    throw new InvalidOptionError('delete needs --store and --session');
  assertSessionId(values.session);
  const opened = openStoreUrl(values.store);
  try {
    const generations = await opened.store.list(values.session);
    if (generations.length === 0) {
      console.log(`no backups of session ${values.session} in ${opened.label}`);
      return 0;
    }
    if (!values.yes) {
      if (!process.stdin.isTTY) throw new InvalidOptionError('delete asks for confirmation: pass --yes when not at a terminal');
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      const answer = await rl.question(`delete all ${generations.length} generation(s) of ${values.session} in ${opened.label}? [y/N] `);
      rl.close();
      if (!/^y(es)?$/i.test(answer.trim())) {
        console.log('nothing deleted');
        return 1;
      }
    }
    await opened.store.delete(values.session);
    console.log(`deleted ${generations.length} generation(s) of ${values.session} in ${opened.label}`);
    return 0;
  } finally {
    await opened.close();
  }
}
