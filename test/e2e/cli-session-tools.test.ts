/**
 * Issue 12, acceptance 3: `waweb session list/inspect/verify --json` print JSON that parses and matches
 * what the store holds; a corrupted archive is reported by `inspect` and `verify` with exit code 1 and
 * nothing changed. Also `export`, `import` and `delete` (which asks first), through the real command.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSessionArchive, type SessionArchive } from '../../src/session/index';
import { FileStore } from '../../src/index';
import { killSessionClis, sessionCli } from '../helpers/cli';
import { tempDir, type TempDir } from '../helpers/tmp';

let tmp: TempDir;
beforeEach(async () => {
  tmp = await tempDir('waweb-cli-tools-');
});
afterEach(async () => {
  killSessionClis();
  await tmp.remove();
});

async function archiveOf(name: string, content: string): Promise<SessionArchive> {
  const profile = join(tmp.path, 'profiles', name);
  const idb = join(profile, 'Default', 'IndexedDB', 'https_web.whatsapp.com_0.indexeddb.leveldb');
  await mkdir(idb, { recursive: true });
  await mkdir(join(profile, 'Default', 'Local Storage', 'leveldb'), { recursive: true });
  await writeFile(join(idb, '000003.log'), `idb ${content}`.repeat(50));
  await writeFile(join(profile, 'Default', 'Local Storage', 'leveldb', '000003.log'), `ls ${content}`);
  return createSessionArchive(profile, { clientId: 'alice' });
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** A copy of `data` with one byte inside the compressed data flipped (its CRC no longer matches). */
function corrupt(data: Buffer): Buffer {
  const copy = Buffer.from(data);
  const at = 30 + copy.readUInt16LE(26) + copy.readUInt16LE(28) + 2; // inside the first entry's data
  copy[at] = copy[at]! ^ 0xff;
  return copy;
}

test('list, inspect and verify --json match the store; a corrupt generation or file fails with exit 1 and changes nothing', async () => {
  const directory = join(tmp.path, 'store');
  const url = `file:${directory}`;
  const store = new FileStore({ directory });
  const good = await archiveOf('one', 'first');
  const second = await archiveOf('two', 'second');
  await store.save('alice', good.data);
  await store.save('alice', second.data);

  const listed = await sessionCli(['list', '--store', url, '--session', 'alice', '--json']);
  expect(listed.code).toBe(0);
  const stored = await store.list('alice');
  expect(JSON.parse(listed.stdout)).toEqual({
    store: url,
    session: 'alice',
    generations: stored.map((g) => ({
      generation: g.generation,
      createdAt: g.createdAt.toISOString(),
      bytes: g.bytes,
      setAside: null,
      loggedInAt: null,
    })),
  });

  const file = join(tmp.path, 'good.zip');
  await writeFile(file, good.data);
  const inspected = await sessionCli(['inspect', file, '--json']);
  expect(inspected.code).toBe(0);
  expect(JSON.parse(inspected.stdout)).toMatchObject({
    ok: true,
    bytes: good.data.length,
    sha256: sha(good.data),
    manifest: good.manifest,
    files: 2,
  });

  const verified = await sessionCli(['verify', '--store', url, '--session', 'alice', '--json']);
  expect(verified.code).toBe(0);
  const report = JSON.parse(verified.stdout);
  expect(report.ok).toBe(true);
  expect(report.checks.map((c: { sha256: string }) => c.sha256)).toEqual([sha(second.data), sha(good.data)]);

  // A corrupt newest generation: verify names it, exit 1, the store is as it was.
  const broken = corrupt(second.data);
  await store.save('alice', broken);
  const before = (await store.list('alice')).map((g) => g.generation);
  const failed = await sessionCli(['verify', '--store', url, '--session', 'alice', '--json']);
  expect(failed.code).toBe(1);
  const failedReport = JSON.parse(failed.stdout);
  expect(failedReport.ok).toBe(false);
  expect(failedReport.checks[0]).toMatchObject({ ok: false, code: expect.stringMatching(/^ARCHIVE_/) });
  expect(failedReport.checks.slice(1).every((c: { ok: boolean }) => c.ok)).toBe(true);
  expect((await store.list('alice')).map((g) => g.generation)).toEqual(before);

  const badFile = join(tmp.path, 'bad.zip');
  await writeFile(badFile, broken);
  const badInspect = await sessionCli(['inspect', badFile, '--json']);
  expect(badInspect.code).toBe(1);
  expect(JSON.parse(badInspect.stdout)).toMatchObject({ ok: false, code: expect.stringMatching(/^ARCHIVE_/) });
  expect(sha(await readFile(badFile))).toBe(sha(broken));
  const badVerify = await sessionCli(['verify', badFile]);
  expect(badVerify.code).toBe(1);
  expect(badVerify.stdout).toContain('FAILED');
  await store.close();
});

test('export writes the newest generation, import refuses what exists unless --force, delete asks unless --yes', async () => {
  const source = new FileStore({ directory: join(tmp.path, 'a') });
  const archive = await archiveOf('x', 'exported');
  await source.save('bob', archive.data);
  const out = join(tmp.path, 'bob.zip');
  const exported = await sessionCli(['export', '--from', `file:${join(tmp.path, 'a')}`, '--session', 'bob', '--out', out]);
  expect(exported.code).toBe(0);
  expect(sha(await readFile(out))).toBe(sha(archive.data));

  const target = `file:${join(tmp.path, 'b')}`;
  expect((await sessionCli(['import', out, '--to', target, '--session', 'bob'])).code).toBe(0);
  const again = await sessionCli(['import', out, '--to', target, '--session', 'bob']);
  expect(again.code).toBe(1);
  expect(again.stderr).toContain('--force');
  const folder = join(tmp.path, 'profile-copy');
  expect((await sessionCli(['import', out, '--to', `folder:${folder}`, '--session', 'bob'])).code).toBe(0);
  expect(await readFile(join(folder, 'Default', 'Local Storage', 'leveldb', '000003.log'), 'utf8')).toBe('ls exported');

  const refused = await sessionCli(['delete', '--store', target, '--session', 'bob']);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('--yes');
  const b = new FileStore({ directory: join(tmp.path, 'b') });
  expect(await b.exists('bob')).toBe(true);
  expect((await sessionCli(['delete', '--store', target, '--session', 'bob', '--yes'])).code).toBe(0);
  expect(await b.exists('bob')).toBe(false);
  await Promise.all([b.close(), source.close()]);
});
