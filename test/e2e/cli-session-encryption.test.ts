/**
 * Issue 14, encryption at rest through the command: `encrypted:` store URLs, `export --encrypt`,
 * `keygen` and `rekey`, with keys only from WAWEB_ENCRYPTION_KEYS; a missing or wrong key is a typed
 * error (exit 1) that changes nothing, and no key ever appears in what the command prints.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSessionArchive, type SessionArchive } from '../../src/session/index';
import { FileStore } from '../../src/index';
import { killSessionClis, sessionCli, type CliRun } from '../helpers/cli';
import { tempDir, type TempDir } from '../helpers/tmp';

let tmp: TempDir;
beforeEach(async () => {
  tmp = await tempDir('waweb-cli-enc-');
});
afterEach(async () => {
  killSessionClis();
  await tmp.remove();
});

async function archive(): Promise<SessionArchive> {
  const profile = join(tmp.path, 'profile');
  const idb = join(profile, 'Default', 'IndexedDB', 'https_web.whatsapp.com_0.indexeddb.leveldb');
  await mkdir(idb, { recursive: true });
  await writeFile(join(idb, '000003.log'), 'a secret chat history line\n'.repeat(40));
  return createSessionArchive(profile, { clientId: 'alice' });
}

/** Every file under `dir`, read whole. */
async function filesUnder(dir: string): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(await readFile(join(entry.parentPath, entry.name)));
  }
  return out;
}

test('an encrypted store and encrypted exports round-trip; a missing, wrong or retired key fails typed and changes nothing', async () => {
  const printed: CliRun[] = [];
  const run = async (args: string[], env: Record<string, string> = {}): Promise<CliRun> => {
    const r = await sessionCli(args, env);
    printed.push(r);
    return r;
  };
  const k1 = (await run(['keygen', '--id', 'k1'])).stdout.trim();
  const k2 = (await run(['keygen', '--id', 'k2'])).stdout.trim();
  expect(k1).toMatch(/^k1:[A-Za-z0-9+/]{43}=$/);
  const keys = { WAWEB_ENCRYPTION_KEYS: k1 };
  const zip = join(tmp.path, 'in.zip');
  const made = await archive();
  await writeFile(zip, made.data);
  const directory = join(tmp.path, 'store');
  const url = `encrypted:file:${directory}`;

  // Into an encrypted store: what lands on disk is ciphertext.
  expect((await run(['import', zip, '--to', url, '--session', 'alice'], keys)).code).toBe(0);
  const onDisk = await filesUnder(directory);
  expect(onDisk.length).toBeGreaterThan(0);
  for (const blob of onDisk) {
    expect(blob.includes(Buffer.from('secret chat'))).toBe(false);
    expect(blob.subarray(0, 2).toString('latin1')).not.toBe('PK');
  }
  expect((await run(['verify', '--store', url, '--session', 'alice'], keys)).code).toBe(0);

  // Without a key, or with another key: exit 1, typed, and the store is as it was.
  const none = await run(['verify', '--store', url, '--session', 'alice'], { WAWEB_ENCRYPTION_KEYS: '' });
  expect(none.code).toBe(1);
  expect(none.stderr).toContain('[ENCRYPTION_KEY]');
  const other = await run(['export', '--from', url, '--session', 'alice', '--out', join(tmp.path, 'x.zip')], {
    WAWEB_ENCRYPTION_KEYS: k2,
  });
  expect(other.code).toBe(1);
  expect(other.stdout + other.stderr).toMatch(/ENCRYPTION_KEY|encrypted with key "k1"/);
  expect(await filesUnder(directory)).toEqual(onDisk);

  // An encrypted export: unreadable without the key, inspectable and importable with it.
  const out = join(tmp.path, 'out.zip');
  expect((await run(['export', '--from', url, '--session', 'alice', '--out', out, '--encrypt'], keys)).code).toBe(0);
  const exported = await readFile(out);
  expect(exported.subarray(0, 6).toString('latin1')).toBe('WWENC2');
  expect((await run(['inspect', out], keys)).stdout).toContain(made.manifest.contentHash);
  const flipped = Buffer.from(exported);
  flipped[flipped.length - 5] = flipped[flipped.length - 5]! ^ 0x01;
  await writeFile(join(tmp.path, 'flipped.zip'), flipped);
  const tampered = await run(
    ['import', join(tmp.path, 'flipped.zip'), '--to', `file:${join(tmp.path, 'plain')}`, '--session', 'alice'],
    keys,
  );
  expect(tampered.code).toBe(1);
  expect(tampered.stderr).toContain('[DECRYPTION_FAILED]');
  expect(await readdir(tmp.path)).not.toContain('plain');
  expect((await run(['import', out, '--to', `file:${join(tmp.path, 'plain')}`, '--session', 'alice'], keys)).code).toBe(0);
  expect((await new FileStore({ directory: join(tmp.path, 'plain') }).load('alice'))!.data).toEqual(made.data);

  // Rotation: k2 current, k1 retired; rekey rewrites every generation in place under k2.
  const rotated = { WAWEB_ENCRYPTION_KEYS: `${k2},${k1}` };
  const rekeyed = await run(['rekey', '--store', url, '--session', 'alice'], rotated);
  expect(rekeyed.code).toBe(0);
  expect(rekeyed.stdout).toContain('generation 1: key "k2"');
  expect((await run(['verify', '--store', url, '--session', 'alice'], { WAWEB_ENCRYPTION_KEYS: k2 })).code).toBe(0); // k1 is no longer needed
  expect((await run(['verify', '--store', url, '--session', 'alice'], { WAWEB_ENCRYPTION_KEYS: k1 })).code).toBe(1);
  expect(
    (await run(['export', '--from', url, '--session', 'alice', '--out', join(tmp.path, 'k2.zip')], { WAWEB_ENCRYPTION_KEYS: k2 })).code,
  ).toBe(0);

  // Keys are not command-line arguments.
  const asArgument = await run(['import', zip, '--to', url, '--session', 'bob', '--key', k1]);
  expect(asArgument.code).toBe(1);
  // Nothing printed ever carried key material.
  for (const r of printed.slice(2)) {
    for (const secret of [k1, k2].map((k) => k.slice(k.indexOf(':') + 1))) {
      expect(r.stdout + r.stderr).not.toContain(secret);
    }
  }
});
