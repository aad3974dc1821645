/** `waweb session export`: a session's newest generation (or a folder) as an archive file, checked first. */
import { writeFile } from 'node:fs/promises';
import { InvalidOptionError } from '../../index';
import { SessionArgs, type SessionCommand } from './args';
import { encryptArchiveFile, refusePlaintextSource, REQUIRE_ENCRYPTED_FLAG } from './archive-file';
import { check } from './checks';
import { archiveFolder, closeEndpoint, openEndpoint, type Endpoint, type SourceCopy } from './endpoints';

const USAGE = `  export --from URL|folder:PATH --session ID --out FILE.zip [--live] [--encrypt] [--require-encrypted]
                                                  write the newest generation (or the folder) as an archive file
                                                  (--encrypt: AES-256-GCM with the current key; import, inspect
                                                  and verify read such files with the keys in the environment)`;

async function run(argv: string[]): Promise<number> {
  const args = SessionArgs.parse(
    argv,
    {
      from: { type: 'string' },
      session: { type: 'string' },
      out: { type: 'string' },
      live: { type: 'boolean' },
      encrypt: { type: 'boolean' },
      ...REQUIRE_ENCRYPTED_FLAG,
    },
    USAGE,
  );
  const fromUrl = args.string('from');
  const out = args.string('out');
  if (fromUrl === undefined || args.string('session') === undefined || out === undefined) {
    throw args.invalid('export needs --from, --session and --out');
  }
  const session = args.session();
  const encrypt = args.flag('encrypt');
  refusePlaintextSource(fromUrl, args.flag('require-encrypted'));
  let from: Endpoint | undefined;
  try {
    from = openEndpoint(fromUrl);
    let data: Buffer;
    let checked: SourceCopy['checked'];
    if (from.kind === 'folder') ({ data, checked } = await archiveFolder(from.folder, session, args.flag('live')));
    else {
      const loaded = await from.opened.store.load(session);
      if (!loaded) {
        console.error(`no backups of session ${session} in ${from.label}`);
        return 1;
      }
      data = loaded.data;
    }
    const result = await check(from.kind === 'folder' ? 'folder' : 'newest generation', data, checked);
    if (!result.ok) {
      console.error(`not exported: the source is not a usable archive [${result.code}] ${result.message}`);
      return 1;
    }
    const written = encrypt ? encryptArchiveFile(data) : data;
    await writeFile(out, written, { mode: 0o600, flag: 'wx' }).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new InvalidOptionError(`${out} already exists`);
      throw err;
    });
    const how = encrypt ? ', encrypted' : '';
    console.log(`exported ${data.length} bytes (sha256 ${result.sha256}, ${result.files} files verified${how}) to ${out}`);
    return 0;
  } finally {
    await closeEndpoint(from);
  }
}

export const exportCommand: SessionCommand = { usage: USAGE, run };
