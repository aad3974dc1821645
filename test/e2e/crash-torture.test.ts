/**
 * Issue 14, crash torture, short: a few cycles of (change → save → SIGKILL at a random point of the
 * save → restore into a fresh folder). `npm run torture` runs 200 (bench/torture.ts). And two
 * processes started on one session.
 */
import { join } from 'node:path';
import { spawnRemoteChild, type RemoteChild } from '../helpers/remote-child-process';
import { torture } from '../helpers/torture';
import { tempDir, type TempDir } from '../helpers/tmp';
import { useSimulator } from '../helpers/use-simulator';

const env = useSimulator();
let work: TempDir;
beforeEach(async () => {
  work = await tempDir('waweb-torture-');
});
afterEach(async () => {
  await work.remove();
});

test('every kill during a save restores without a QR, from the newest stored generation', async () => {
  const cycles = 6;
  const result = await torture({ sim: env.sim, work: work.path, phone: '15553008001', cycles });
  console.log(`crash torture: ${JSON.stringify(result)}`);
  expect(result.failures).toEqual([]);
  expect(result.restored).toBe(cycles);
  expect(Object.values(result.kills).reduce((a, b) => a + b, 0)).toBe(cycles);
  expect(result.generations).toBeGreaterThanOrEqual(2);
}, 300_000);

test('two processes on the same clientId and folder: the second fails at once with PROFILE_LOCKED, the first keeps saving', async () => {
  const config = {
    clientId: 'twin',
    dataPath: join(work.path, 'data'),
    chromiumArgs: env.sim.chromiumArgs(),
    store: { kind: 'file' as const, directory: join(work.path, 'store') },
    backupSyncIntervalMs: 300,
  };
  const phone = env.sim.phone('15553008002');
  const first = spawnRemoteChild(config, { cwd: work.path });
  let second: RemoteChild | undefined;
  try {
    await phone.scan((await first.until('qr')).qr);
    await first.until('ready');
    await first.until('remote_session_saved', 2);
    second = spawnRemoteChild(config, { cwd: work.path });
    const fatal = await second.until('fatal', 1, 30_000);
    expect(fatal).toMatchObject({ code: 'PROFILE_LOCKED' });
    expect(second.count('qr')).toBe(0);
    // The first is undisturbed: still connected, and its next change is saved.
    const saves = first.count('remote_session_saved');
    await phone.fillHistory(phone.devices()[0]!.id, 4096);
    await first.until('remote_session_saved', saves + 1, 30_000);
    expect(first.count('disconnected')).toBe(0);
  } finally {
    const left = [...(await first.killTree()), ...(second ? await second.killTree() : [])];
    expect(left).toEqual([]);
  }
}, 120_000);
