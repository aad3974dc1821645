/**
 * Issue 24, points 2 and 6 through the command. `rekey --all` re-encrypts every kept generation of
 * every session (set-aside ones too, plaintext ones with --encrypt-plaintext) so that afterwards no
 * stored byte opens with the retired key and none is plaintext; `list` flags what still needs it.
 * Plain archive files are read with a warning, and `--require-encrypted` refuses plaintext input.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EncryptedStore, FileStore } from '../../src/index';
import { createSessionArchive, decryptData, isEncrypted, keyRing, type SessionArchive } from '../../src/session/index';
import { killSessionClis, sessionCli } from '../helpers/cli';
import { tempDir, type TempDir } from '../helpers/tmp';

let tmp: TempDir;
beforeEach(async () => {
  tmp = await tempDir('waweb-cli-rekey-');
});
afterEach(async () => {
  killSessionClis();
  await tmp.remove();
});

async function archive(name: string): Promise<SessionArchive> {
  const profile = join(tmp.path, `profile-${name}`);
  const idb = join(profile, 'Default', 'IndexedDB', 'https_web.whatsapp.com_0.indexeddb.leveldb');
  await mkdir(idb, { recursive: true });
  await writeFile(join(idb, '000003.log'), `${name}: a secret chat history line\n`.repeat(40));
  return createSessionArchive(profile, { clientId: name });
}

/** Every generation file under `dir` (`<session>/<generation>.zip`), read whole. */
async function storedBlobs(dir: string): Promise<Array<{ file: string; data: Buffer }>> {
  const out: Array<{ file: string; data: Buffer }> = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.zip')) {
      const file = join(entry.parentPath, entry.name);
      out.push({ file, data: await readFile(file) });
    }
  }
  return out;
}

const K1 = { id: 'k1', key: Buffer.alloc(32, 1).toString('base64') };
const K2 = { id: 'k2', key: Buffer.alloc(32, 2).toString('base64') };
const line = (...keys: Array<{ id: string; key: string }>): string => keys.map((k) => `${k.id}:${k.key}`).join(',');

test('rekey --all leaves no generation of any session readable by the retired key, and none plaintext', async () => {
  const directory = join(tmp.path, 'store');
  const url = `encrypted:file:${directory}`;
  const plain = new FileStore({ directory, keep: 5 });
  const old = new EncryptedStore(plain, { keys: [K1] });
  const alice = await archive('alice');
  const bob = await archive('bob');
  try {
    for (let i = 0; i < 3; i++) await old.save('RemoteAuth-alice', alice.data);
    await old.mark!('RemoteAuth-alice', 2, { setAside: { reason: 'QR', detail: 'landed on a QR' } });
    await plain.save('RemoteAuth-bob', bob.data); // written before encryption was turned on
    await old.save('RemoteAuth-bob', bob.data);
  } finally {
    await plain.close();
  }
  const rotated = { WAWEB_ENCRYPTION_KEYS: line(K2, K1) };

  const before = await sessionCli(['list', '--store', url, '--session', 'RemoteAuth-bob'], rotated);
  expect(before.code).toBe(0);
  expect(before.stdout).toContain('[NOT ENCRYPTED]');
  expect(before.stdout).toContain('[key "k1": retired, rekey]');

  // Plaintext generations are not encrypted unless asked: the session fails, the other is rekeyed.
  const refused = await sessionCli(['rekey', '--store', url, '--all'], rotated);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('RemoteAuth-bob: [DECRYPTION_FAILED]');
  expect(refused.stdout).toContain('RemoteAuth-alice: under key "k2": rewritten 3, 2, 1');

  const run = await sessionCli(['rekey', '--store', url, '--all', '--encrypt-plaintext'], rotated);
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('rekeyed 2 of 2 session(s)');
  expect(run.stdout).toContain('RemoteAuth-bob: under key "k2": rewritten 2, 1');

  // Every stored byte: encrypted, and the retired key alone opens none of it.
  const blobs = await storedBlobs(directory);
  expect(blobs).toHaveLength(5);
  const retiredOnly = keyRing([K1]);
  const currentOnly = keyRing([K2]);
  for (const { file, data } of blobs) {
    expect(isEncrypted(data)).toBe(true);
    const [session, name] = file.split('/').slice(-2) as [string, string];
    const binding = { purpose: 'store', sessionId: session, generation: Number(name.slice(0, 10)) } as const;
    expect(() => decryptData(retiredOnly, data, binding, file)).toThrow(expect.objectContaining({ code: 'ENCRYPTION_KEY' }));
    expect(decryptData(currentOnly, data, binding, file).subarray(0, 2).toString('latin1')).toBe('PK');
  }
  // Through the store, with the retired key alone: nothing loads; with the new key alone: everything, marks included.
  const check = new FileStore({ directory });
  try {
    const onlyK1 = new EncryptedStore(check, { keys: [K1], onWarning: () => undefined });
    const onlyK2 = new EncryptedStore(check, { keys: [K2] });
    for (const session of ['RemoteAuth-alice', 'RemoteAuth-bob']) {
      for (const g of await check.list(session)) {
        await expect(onlyK1.load(session, { generation: g.generation })).rejects.toMatchObject({ code: 'ENCRYPTION_KEY' });
        expect((await onlyK2.load(session, { generation: g.generation }))?.data.length).toBeGreaterThan(0);
      }
    }
    expect((await onlyK2.list('RemoteAuth-alice')).find((g) => g.generation === 2)?.setAside).toMatchObject({ reason: 'QR' });
  } finally {
    await check.close();
  }
  const after = await sessionCli(['list', '--store', url, '--session', 'RemoteAuth-bob'], { WAWEB_ENCRYPTION_KEYS: line(K2) });
  expect(after.stdout).not.toMatch(/NOT ENCRYPTED|retired|NOT AMONG/);
  expect(after.stdout).toContain('[key "k2"]');
  for (const r of [before, refused, run, after]) expect(r.stdout + r.stderr).not.toContain(K1.key);
}, 120_000);

test('a plain archive is imported with a warning; --require-encrypted refuses plain files, folders and stores', async () => {
  const made = await archive('carol');
  const zip = join(tmp.path, 'carol.zip');
  await writeFile(zip, made.data);
  const keys = { WAWEB_ENCRYPTION_KEYS: line(K1) };

  const warned = await sessionCli(['import', zip, '--to', `file:${join(tmp.path, 'a')}`, '--session', 'carol']);
  expect(warned.code).toBe(0);
  expect(warned.stderr).toMatch(/warning: .*carol\.zip is not encrypted/);

  const strict = await sessionCli(['import', zip, '--to', `file:${join(tmp.path, 'b')}`, '--session', 'carol', '--require-encrypted']);
  expect(strict.code).toBe(1);
  expect(strict.stderr).toContain('[DECRYPTION_FAILED]');
  expect(await readdir(tmp.path)).not.toContain('b');

  for (const args of [
    ['inspect', zip, '--require-encrypted'],
    ['verify', zip, '--require-encrypted'],
    ['verify', '--store', `file:${join(tmp.path, 'a')}`, '--session', 'carol', '--require-encrypted'],
    ['verify', `folder:${join(tmp.path, 'profile-carol')}`, '--require-encrypted'],
    [
      'migrate',
      '--from',
      `file:${join(tmp.path, 'a')}`,
      '--to',
      `file:${join(tmp.path, 'c')}`,
      '--session',
      'carol',
      '--require-encrypted',
    ],
    ['export', '--from', `file:${join(tmp.path, 'a')}`, '--session', 'carol', '--out', join(tmp.path, 'x.zip'), '--require-encrypted'],
  ]) {
    const r = await sessionCli(args, keys);
    expect({ args, code: r.code, refused: r.stderr.includes('[DECRYPTION_FAILED]') }).toEqual({ args, code: 1, refused: true });
  }

  // Encrypted input passes.
  const sealed = join(tmp.path, 'sealed.zip');
  expect(
    (await sessionCli(['export', '--from', `file:${join(tmp.path, 'a')}`, '--session', 'carol', '--out', sealed, '--encrypt'], keys)).code,
  ).toBe(0);
  const ok = await sessionCli(
    ['import', sealed, '--to', `encrypted:file:${join(tmp.path, 'd')}`, '--session', 'carol', '--require-encrypted'],
    keys,
  );
  expect(ok.code).toBe(0);
  expect(ok.stderr).not.toContain('warning');
  expect(
    (await sessionCli(['verify', '--store', `encrypted:file:${join(tmp.path, 'd')}`, '--session', 'carol', '--require-encrypted'], keys))
      .code,
  ).toBe(0);
}, 120_000);
