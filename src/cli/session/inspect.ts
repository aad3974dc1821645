/** `waweb session inspect`: a session archive's manifest, and whether every entry restores. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ArchiveError } from '../../index';
import { extractSessionArchive, readArchiveManifest, type ArchiveManifest } from '../../session/index';
import { SessionArgs, type SessionCommand } from './args';
import { readArchiveInput } from './archive-file';
import { sha256 } from './endpoints';

const USAGE = `  inspect <file.zip> [--json]                     print a session archive's manifest and check its contents`;

function describeManifest(m: ArchiveManifest): string[] {
  return [
    `manifest:     ${m.format} v${m.version}`,
    `  clientId:    ${m.clientId}`,
    `  createdAt:   ${m.createdAt}`,
    `  contentHash: ${m.contentHash}`,
    `  files:       ${m.files} (${m.bytes} bytes)`,
  ];
}

async function run(argv: string[]): Promise<number> {
  const args = SessionArgs.parse(argv, { json: { type: 'boolean' } }, USAGE);
  if (args.positionals.length !== 1) throw args.invalid('inspect takes one archive file');
  const file = args.positionals[0] as string;
  const json = args.flag('json');
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'waweb-inspect-'));
  try {
    const data = await readArchiveInput(file);
    const manifest = await readArchiveManifest(data);
    // A full restore into a scratch folder checks every entry's size and CRC-32 and the content hash.
    const extracted = await extractSessionArchive(data, path.join(tmp, 'profile'));
    if (json) {
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
      if (json) console.log(JSON.stringify({ file, ok: false, code: err.code, message: err.message }, null, 2));
      console.error(`waweb session inspect: ${file} is not a usable session archive [${err.code}]: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

export const inspect: SessionCommand = { usage: USAGE, run };
