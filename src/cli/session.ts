/**
 * `waweb session`: look into session archives and stores, and move backups between
 * stores with every copy verified. Only the public API.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ArchiveError, InvalidOptionError, WawebError, assertSessionId, type StoredGeneration } from '../index';
import { extractSessionArchive, readArchiveManifest, type ArchiveManifest } from '../session/index';
import {
  archiveFolder,
  checkRestorable,
  closeEndpoint,
  openEndpoint,
  progress,
  sha256,
  writeFolder,
  type Endpoint,
  type SourceCopy,
} from './endpoints';
import { KEYS_USAGE, keygen, readArchiveInput, rekey } from './session-keys';
import { deleteSession, exportArchive, importArchive, TOOLS_USAGE, verify, type Parse } from './session-tools';
import { STORE_URL_FORMS, openStoreUrl } from './store-url';
import { dispatch, parse as parseCommandLine, type ParsedArgs } from './util';

const USAGE = `usage: waweb session <command> [options]

commands:
  inspect <file.zip> [--json]                     print a session archive's manifest and check its contents
  list --store URL --session ID [--json]          list the stored generations, newest first (exit 1 when none)
  migrate --from URL|folder:PATH --to URL|folder:PATH --session ID [--all] [--force] [--live]
                                                  copy the newest generation (--all: every kept one, oldest
                                                  first), or a profile folder (a LocalAuth folder such as
                                                  .wwebjs_auth/session-bot-1), to another store or folder.
                                                  Each copy is restored into a scratch profile and, in a
                                                  store, loaded back to check its sha256 and manifest; never
                                                  deletes from --from. Refuses an existing target unless
                                                  --force, and a folder a running Chromium holds unless --live.

${TOOLS_USAGE}
${KEYS_USAGE}

exit codes: 0 done; 1 nothing found, a check failed, or an error (its [CODE] on stderr).
store URLs: ${STORE_URL_FORMS}
  (MongoDB: database from the URL path, default "waweb")`;

type Flags = Record<string, { type: 'string' | 'boolean' }>;

function parse(argv: string[], options: Flags): ParsedArgs {
  return parseCommandLine(argv, options, USAGE, true);
}

function required(values: Record<string, string | boolean | undefined>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new InvalidOptionError(`--${name} is required\n\n${USAGE}`);
  return value;
}

function noPositionals(positionals: string[]): void {
  if (positionals.length > 0) throw new InvalidOptionError(`unexpected argument ${JSON.stringify(positionals[0])}\n\n${USAGE}`);
}

function describeManifest(m: ArchiveManifest): string[] {
  return [
    `manifest:     ${m.format} v${m.version}`,
    `  clientId:    ${m.clientId}`,
    `  createdAt:   ${m.createdAt}`,
    `  contentHash: ${m.contentHash}`,
    `  files:       ${m.files} (${m.bytes} bytes)`,
  ];
}

async function inspect(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' } });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new InvalidOptionError(`inspect takes one archive file\n\n${USAGE}`);
  const file = positionals[0] as string;
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'waweb-inspect-'));
  try {
    // Bounded: the size is checked before reading, and a device or a growing file stops at the limit.
    const data = await readArchiveInput(file);
    const manifest = await readArchiveManifest(data);
    // A full restore into a scratch folder checks every entry's size and CRC-32 and the content hash.
    const extracted = await extractSessionArchive(data, path.join(tmp, 'profile'));
    if (values.json) {
      const report = {
        file,
        ok: true,
        bytes: data.length,
        sha256: sha256(data),
        manifest,
        files: extracted.files,
        unpackedBytes: extracted.bytes,
      };
      console.log(JSON.stringify(report, null, 2));
      return 0;
    }
    console.log(`archive:      ${file} (${data.length} bytes, sha256 ${sha256(data)})`);
    for (const line of manifest ? describeManifest(manifest) : ['no manifest (made by whatsapp-web.js)']) console.log(line);
    console.log(
      `entries:      ${extracted.files} session files, ${extracted.bytes} bytes unpacked${manifest ? ' (content hash verified)' : ''}`,
    );
    return 0;
  } catch (err) {
    if (err instanceof ArchiveError) {
      if (values.json) console.log(JSON.stringify({ file, ok: false, code: err.code, message: err.message }, null, 2));
      console.error(`waweb session inspect: ${file} is not a usable session archive [${err.code}]: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

function generationRow(g: StoredGeneration): string {
  return `${String(g.generation).padStart(10)}  ${g.createdAt.toISOString()}  ${String(g.bytes).padStart(12)}`;
}

async function list(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { store: { type: 'string' }, session: { type: 'string' }, json: { type: 'boolean' } });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  noPositionals(positionals);
  const url = required(values, 'store');
  const sessionId = required(values, 'session');
  assertSessionId(sessionId);
  const opened = openStoreUrl(url);
  try {
    const generations = await opened.store.list(sessionId);
    if (values.json) {
      const rows = generations.map((g) => ({ generation: g.generation, createdAt: g.createdAt.toISOString(), bytes: g.bytes }));
      console.log(JSON.stringify({ store: opened.label, session: sessionId, generations: rows }, null, 2));
      return generations.length === 0 ? 1 : 0;
    }
    if (generations.length === 0) {
      console.log(`no backups of session ${sessionId} in ${opened.label}`);
      return 1;
    }
    console.log(`session ${sessionId} in ${opened.label}: ${generations.length} generation(s), newest first`);
    console.log(`${'generation'.padStart(10)}  ${'createdAt'.padEnd(24)}  ${'bytes'.padStart(12)}`);
    for (const g of generations) console.log(generationRow(g));
    return 0;
  } finally {
    await opened.close();
  }
}

interface PickedCopy extends SourceCopy {
  generation?: number;
}

/** The copies to move: a folder's archive, or the newest (or every kept) generation of a store's session. */
async function sourceCopies(from: Endpoint, sessionId: string, all: boolean, live: boolean): Promise<PickedCopy[] | string> {
  if (from.kind === 'folder') return [await archiveFolder(from.folder, sessionId, live)];
  const available = await from.opened.store.list(sessionId);
  if (available.length === 0) return `no backups of session ${sessionId} in ${from.label}`;
  const picked = all ? [...available].reverse() : available.slice(0, 1);
  const copies: PickedCopy[] = [];
  for (const g of picked) {
    const source = await from.opened.store.load(sessionId, { generation: g.generation });
    if (!source) return `generation ${g.generation} is no longer in ${from.label} (pruned by a concurrent save?)`;
    copies.push({
      origin: `generation ${g.generation} (${source.createdAt.toISOString()}, ${source.data.length} bytes)`,
      data: source.data,
      generation: g.generation,
    });
  }
  return copies;
}

async function migrate(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    from: { type: 'string' },
    to: { type: 'string' },
    session: { type: 'string' },
    all: { type: 'boolean' },
    force: { type: 'boolean' },
    live: { type: 'boolean' },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  noPositionals(positionals);
  const fromUrl = required(values, 'from');
  const toUrl = required(values, 'to');
  const sessionId = required(values, 'session');
  assertSessionId(sessionId);
  if (fromUrl === toUrl) throw new InvalidOptionError('--from and --to name the same place');

  let from: Endpoint | undefined;
  let to: Endpoint | undefined;
  try {
    from = openEndpoint(fromUrl);
    to = openEndpoint(toUrl);
    if (to.kind === 'store') {
      const existing = await to.opened.store.list(sessionId);
      if (existing.length > 0 && !values.force) {
        throw new InvalidOptionError(
          `session ${sessionId} already has ${existing.length} generation(s) in ${to.label}; the copies would become its newest ` +
            `generations and older ones beyond the store's keep would be pruned. Pass --force to do it anyway.`,
        );
      }
    }
    const copies = await sourceCopies(from, sessionId, values.all === true, values.live === true);
    if (typeof copies === 'string') {
      console.error(`waweb session migrate: ${copies}`);
      return 1;
    }
    // A folder holds one profile: the newest copy.
    const picked = to.kind === 'folder' ? copies.slice(-1) : copies;
    const unit = from.kind === 'store' ? 'generation(s)' : 'profile folder(s)';
    console.log(`migrating ${picked.length} ${unit} of session ${sessionId}: ${from.label} -> ${to.label}`);
    let copied = 0;
    for (const copy of picked) {
      let manifest: ArchiveManifest | null;
      try {
        // Structural check: the copy restores into a throw-away profile, every file matching the manifest.
        manifest = copy.checked ? copy.checked.manifest : (await checkRestorable(copy.data)).manifest;
      } catch (err) {
        if (!(err instanceof ArchiveError)) throw err;
        console.error(
          `waweb session migrate: ${copy.origin} is not a usable session archive [${err.code}]: ${err.message}; nothing copied from it`,
        );
        return 1;
      }
      const bar = progress(copy.origin, copy.data.length);
      bar.step('verified, copying');
      const hash = sha256(copy.data);
      const described = manifest
        ? `manifest ${manifest.clientId} ${manifest.contentHash.slice(0, 12)} verified`
        : 'no manifest (made by whatsapp-web.js)';
      if (to.kind === 'folder') {
        const written = await writeFolder(to.folder, copy.data, values.force === true);
        bar.done();
        copied++;
        console.log(`${copy.origin} -> ${to.folder}: ${written}, every file checked against the archive (${described})`);
        continue;
      }
      const saved = await to.opened.store.save(sessionId, copy.data);
      bar.step('loading the copy back to compare');
      const back = await to.opened.store.load(sessionId, { generation: saved.generation });
      bar.done();
      const problem = !back
        ? 'it cannot be loaded back'
        : back.data.length !== copy.data.length || sha256(back.data) !== hash
          ? `it loads back with different bytes (${back.data.length} bytes, sha256 ${sha256(back.data)})`
          : await manifestProblem(back.data, manifest);
      if (problem) {
        console.error(
          `waweb session migrate: copy of ${copy.origin} (destination generation ${saved.generation}) does not match: ${problem}. The source is untouched.`,
        );
        return 1;
      }
      copied++;
      console.log(
        `${copy.origin} -> generation ${saved.generation}: sha256 ${hash} verified, restores into a scratch profile, ${described}`,
      );
    }
    if (to.kind === 'store') {
      const kept = (await to.opened.store.list(sessionId)).length;
      console.log(`copied ${copied} ${unit}; ${to.label} now keeps ${kept} for session ${sessionId}; nothing deleted from ${from.label}`);
      if (kept < copied) console.log(`note: the destination's keep pruned ${copied - kept} of the older copies`);
    } else console.log(`copied ${copied} ${unit}; nothing deleted from ${from.label}`);
    return 0;
  } finally {
    await Promise.allSettled([closeEndpoint(from), closeEndpoint(to)]);
  }
}

/** Why the copy's manifest does not match the source's, or `undefined`. */
async function manifestProblem(data: Buffer, expected: ArchiveManifest | null): Promise<string | undefined> {
  if (!expected) return undefined;
  try {
    const got = await readArchiveManifest(data);
    return JSON.stringify(got) === JSON.stringify(expected) ? undefined : 'its manifest differs';
  } catch (err) {
    return `its manifest cannot be read (${err instanceof WawebError ? err.code : String(err)})`;
  }
}

export async function runSession(argv: string[]): Promise<number> {
  try {
    const tool =
      (run: (argv: string[], parse: Parse) => Promise<number>) =>
      async (args: string[]): Promise<number> => {
        if (args.includes('--help') || args.includes('-h')) {
          console.log(USAGE);
          return 0;
        }
        return run(args, (a, flags) => parse(a, flags));
      };
    return await dispatch(
      'waweb session',
      USAGE,
      {
        inspect,
        list,
        migrate,
        verify: tool(verify),
        export: tool(exportArchive),
        import: tool(importArchive),
        delete: tool(deleteSession),
        keygen: tool(keygen),
        rekey: tool(rekey),
      },
      argv,
    );
  } catch (err) {
    if (!(err instanceof WawebError)) throw err;
    console.error(`waweb session ${argv[0] ?? ''}: [${err.code}] ${err.message}`);
    return 1;
  }
}
