/**
 * Issue 12, acceptance 4: `client.exportSession()` taken right at `ready` is a verified archive of the
 * live session; put back with `importSession()` it restores without a QR, into a LocalAuth folder in
 * this process and into a store that a new process restores from. What must not happen: importing
 * over an existing target, or a corrupt archive writing anything.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FileStore, LocalAuth, NoAuth } from '../../src/index';
import { importSession, type SessionArchive } from '../../src/session/index';
import { ClientHarness } from '../helpers/client';
import { spawnRemoteChild, type RemoteChild } from '../helpers/remote-child-process';
import { useSimulatorHarnesses } from '../helpers/use-simulator';

const children: RemoteChild[] = [];
const env = useSimulatorHarnesses('waweb-session-export-', (sim, dir) => ({
  h: new ClientHarness(sim, dir),
  children: {
    stopAll: async () => {
      const left = (await Promise.all(children.splice(0).map((c) => c.killTree()))).flat();
      if (left.length > 0) throw new Error(`processes survived: ${left.join(', ')}`);
    },
  },
}));

test('exportSession() at ready restores without a QR: into a LocalAuth folder here, and from a store in a new process', async () => {
  const number = '15556200001';
  const first = env.h.create({
    scanAs: number,
    options: { authStrategy: new LocalAuth({ clientId: 'origin', dataPath: join(env.work.path, 'a') }) },
  });
  let exported: Promise<{ archive: SessionArchive; ms: number }> | undefined;
  first.client.once('ready', () => {
    const started = Date.now();
    exported = first.client.exportSession().then((archive) => ({ archive, ms: Date.now() - started }));
  });
  await first.client.initialize();
  await first.until('ready');
  const { archive, ms } = await exported!;
  console.log(`exportSession() at ready: ${ms} ms, ${archive.data.length} bytes, ${archive.manifest.files} files`);
  expect(archive.manifest.clientId).toBe('origin');
  expect(archive.data.length).toBeGreaterThan(0);
  // The browser dies: the archive is all that is left of the session elsewhere.
  first.client.pupBrowser!.process()!.kill('SIGKILL');
  await first.until('disconnected');

  // Into a LocalAuth folder on another "machine" (another data path), then started from there.
  const dataPath = join(env.work.path, 'b');
  const imported = await importSession({ localAuth: { dataPath, clientId: 'copy' } }, archive);
  expect(imported.files).toBeGreaterThan(0);
  const second = env.h.create({ scanAs: number, options: { authStrategy: new LocalAuth({ clientId: 'copy', dataPath }) } });
  await second.client.initialize();
  await second.until('ready');
  expect(second.count('qr')).toBe(0);
  await expect(importSession({ localAuth: { dataPath, clientId: 'copy' } }, archive)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  await second.client.destroy();

  // Into a store, restored by RemoteAuth in a new process.
  const directory = join(env.work.path, 'store');
  const store = new FileStore({ directory });
  const stored = await importSession({ store, session: 'RemoteAuth-child' }, archive.data);
  expect(stored.generation?.generation).toBe(1);
  await expect(importSession({ store, session: 'RemoteAuth-child' }, archive)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  const child = spawnRemoteChild(
    { clientId: 'child', dataPath: join(env.work.path, 'c'), chromiumArgs: env.sim.chromiumArgs(), store: { kind: 'file', directory } },
    { cwd: env.work.path },
  );
  children.push(child);
  const ready = await child.until('ready', 1, 45_000);
  expect(ready.wid).toBe(`${number}@c.us`);
  expect(child.count('qr')).toBe(0);
  await child.stop();
  await store.close();
});

test('a corrupt archive is refused before anything is written; exportSession() needs a ready client with a profile of its own', async () => {
  const number = '15556200002';
  const c = env.h.create({
    scanAs: number,
    options: { authStrategy: new LocalAuth({ clientId: 'x', dataPath: join(env.work.path, 'a') }) },
  });
  await expect(c.client.exportSession()).rejects.toMatchObject({ code: 'NOT_READY' });
  await c.client.initialize();
  await c.until('ready');
  const archive = await c.client.exportSession();
  await c.client.destroy();

  const broken = Buffer.from(archive.data);
  const middle = Math.floor(broken.length / 2);
  broken[middle] = broken[middle]! ^ 0xff;
  const dataPath = join(env.work.path, 'b');
  await expect(importSession({ localAuth: { dataPath, clientId: 'y' } }, broken)).rejects.toMatchObject({
    code: expect.stringMatching(/^ARCHIVE_/),
  });
  expect(existsSync(join(dataPath, 'session-y'))).toBe(false);
  expect((await readdir(dataPath)).filter((f) => f.startsWith('.waweb-import-'))).toEqual([]);
  const store = new FileStore({ directory: join(env.work.path, 'store') });
  await expect(importSession({ store, session: 's' }, broken)).rejects.toMatchObject({ code: expect.stringMatching(/^ARCHIVE_/) });
  expect(await store.exists('s')).toBe(false);
  await store.close();

  const plain = env.h.create({ scanAs: number, options: { authStrategy: new NoAuth() } });
  await plain.client.initialize();
  await plain.until('ready');
  await expect(plain.client.exportSession()).rejects.toMatchObject({ code: 'INVALID_OPTION' });
});
