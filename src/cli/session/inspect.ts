/** `waweb session inspect`: a session archive's manifest (a file, or a stored generation), and whether every entry restores. */
import { ArchiveError, type StoredGeneration } from '../../index';
import { readArchiveManifest, type ArchiveManifest } from '../../session/index';
import { openStoreUrl } from '../store-url';
import { SessionArgs, type SessionCommand } from './args';
import { readArchiveInput, refusePlaintextSource, REQUIRE_ENCRYPTED_FLAG } from './archive-file';
import { checkRestorable, sha256 } from './endpoints';
import { describeState, stateJson } from './marking';

const USAGE = `  inspect (<file.zip> | --store URL --session ID [--generation N]) [--json] [--require-encrypted]
                                                  print a session archive's manifest and check its contents;
                                                  from a store: the newest generation or generation N, with
                                                  its state (set-aside ones included)`;

function describeManifest(m: ArchiveManifest): string[] {
  return [
    `manifest:     ${m.format} v${m.version}`,
    `  clientId:    ${m.clientId}`,
    `  createdAt:   ${m.createdAt}`,
    `  contentHash: ${m.contentHash}`,
    `  files:       ${m.files} (${m.bytes} bytes)`,
  ];
}

/** What is inspected: the archive's bytes, and for a stored generation where it comes from. */
interface Subject {
  /** The archive's bytes (a file is read, and decrypted when sealed, inside the checks). */
  read(): Promise<Buffer>;
  /** For the report: `{ file }`, or `{ store, session, generation, setAside, loggedInAt }`. */
  json: Record<string, unknown>;
  /** For people: the file's name or `generation N of ID in URL`. */
  label: string;
  stored?: StoredGeneration;
}

/** The generation asked for (the newest without `--generation`); `null` when the store has none. */
async function storedSubject(args: SessionArgs, url: string): Promise<Subject | null> {
  const session = args.session();
  const generation = args.generation();
  const opened = openStoreUrl(url);
  try {
    const loaded = await opened.store.load(session, generation === undefined ? {} : { generation });
    if (!loaded) {
      const which = generation === undefined ? 'no backups' : `no generation ${generation}`;
      console.error(`waweb session inspect: ${which} of session ${session} in ${opened.label}`);
      return null;
    }
    const { data, ...stored } = loaded;
    return {
      read: () => Promise.resolve(data),
      stored,
      label: `generation ${loaded.generation} of ${session} in ${opened.label}`,
      json: {
        store: opened.label,
        session,
        generation: loaded.generation,
        createdAt: loaded.createdAt.toISOString(),
        ...stateJson(loaded),
      },
    };
  } finally {
    await opened.close();
  }
}

async function run(argv: string[]): Promise<number> {
  const args = SessionArgs.parse(
    argv,
    {
      json: { type: 'boolean' },
      store: { type: 'string' },
      session: { type: 'string' },
      generation: { type: 'string' },
      ...REQUIRE_ENCRYPTED_FLAG,
    },
    USAGE,
  );
  const url = args.string('store');
  let subject: Subject | null;
  if (url === undefined) {
    if (args.positionals.length !== 1) throw args.invalid('inspect takes one archive file, or --store and --session');
    if (args.string('session') !== undefined || args.string('generation') !== undefined) {
      throw args.invalid('--session and --generation go with --store');
    }
    const file = args.positionals[0] as string;
    const requireEncrypted = args.flag('require-encrypted');
    subject = { read: () => readArchiveInput(file, { requireEncrypted }), json: { file }, label: file };
  } else {
    args.noPositionals();
    refusePlaintextSource(url, args.flag('require-encrypted'));
    subject = await storedSubject(args, url);
    if (!subject) return 1;
  }
  const json = args.flag('json');
  try {
    const data = await subject.read();
    const manifest = await readArchiveManifest(data);
    // A full restore into a private scratch folder checks every entry's size and CRC-32 and the content hash.
    const extracted = await checkRestorable(data, 'inspect');
    if (json) {
      const report = {
        ...subject.json,
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
    const kind = subject.stored ? 'generation:  ' : 'archive:     ';
    console.log(`${kind} ${subject.label} (${data.length} bytes, sha256 ${sha256(data)})`);
    if (subject.stored) console.log(`state:        ${describeState(subject.stored)}`);
    for (const line of manifest ? describeManifest(manifest) : ['no manifest (made by whatsapp-web.js)']) console.log(line);
    console.log(
      `entries:      ${extracted.files} session files, ${extracted.bytes} bytes unpacked${manifest ? ' (content hash verified)' : ''}`,
    );
    return 0;
  } catch (err) {
    if (err instanceof ArchiveError) {
      if (json) console.log(JSON.stringify({ ...subject.json, ok: false, code: err.code, message: err.message }, null, 2));
      console.error(`waweb session inspect: ${subject.label} is not a usable session archive [${err.code}]: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

export const inspect: SessionCommand = { usage: USAGE, run };
