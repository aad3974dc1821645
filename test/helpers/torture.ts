/**
 * Crash torture (issue 14): cycles of (change the session through the phone → the periodic save)
 * with the whole process tree SIGKILLed at a random point of that save. After every kill a new
 * process restores into a fresh folder from the store and must reach `ready` without a QR, from
 * the newest generation the store holds. Counts where each kill landed.
 *
 * The kill point is chosen at random among: as soon as the change is made (before the save starts),
 * and on each of RemoteAuth's backup records (started, archive made, uploaded, stored); where it
 * actually landed is the last record the process wrote before it died.
 */
import { join } from 'node:path';
import { FileStore } from '../../src/index';
import type { WhatsAppSimulator } from '../../src/simulator';
import { spawnRemoteChild, type RemoteChild, type Report } from './remote-child-process';

export const SAVE_PHASES = ['backup: started', 'backup: archive made', 'backup: uploaded', 'backup stored'] as const;
export const LANDED = ['before the save', 'copying the profile', 'uploading', 'writing the stamp', 'after the save'] as const;
export type Landed = (typeof LANDED)[number];

export interface TortureResult {
  cycles: number;
  kills: Record<Landed, number>;
  /** Restores after a kill that reached `ready` with no QR, from the newest stored generation. */
  restored: number;
  failures: string[];
  generations: number;
  ms: number;
}

export interface TortureOptions {
  sim: WhatsAppSimulator;
  work: string;
  phone: string;
  cycles: number;
  log?: (line: string) => void;
  random?: () => number;
}

const CLIENT_ID = 'torture';
const SESSION = `RemoteAuth-${CLIENT_ID}`;

export async function torture(options: TortureOptions): Promise<TortureResult> {
  const { sim, work, cycles } = options;
  const random = options.random ?? Math.random;
  const log = options.log ?? (() => undefined);
  const storeDir = join(work, 'store');
  const store = new FileStore({ directory: storeDir, keep: 3 });
  const phone = sim.phone(options.phone);
  const kills = Object.fromEntries(LANDED.map((l) => [l, 0])) as Record<Landed, number>;
  const failures: string[] = [];
  let restored = 0;
  const started = Date.now();
  const spawn = (i: number): RemoteChild =>
    spawnRemoteChild(
      {
        clientId: CLIENT_ID,
        dataPath: join(work, `data-${i}`),
        chromiumArgs: sim.chromiumArgs(),
        store: { kind: 'file', directory: storeDir },
        backupSyncIntervalMs: 150,
        logAuth: true,
      },
      { cwd: work },
    );

  let child: RemoteChild | undefined;
  try {
    for (let i = 0; i <= cycles; i++) {
      const newest = (await store.list(SESSION))[0]?.generation;
      child = spawn(i);
      if (i === 0) {
        const qr = await child.until('qr');
        await phone.scan(qr.qr);
      }
      const first =
        i === 0
          ? await child.until('ready', 1, 60_000)
          : await Promise.race([child.until('ready', 1, 60_000), child.until('qr', 1, 60_000)]);
      if (first.type === 'qr') {
        failures.push(`cycle ${i}: a QR instead of a restore`);
        await child.killTree();
        break;
      }
      if (i > 0) {
        // What the restore itself says it put in place (the local stamp can already name the backup taken at ready).
        const record = child.reports.find((r) => r.type === 'log' && r.msg === 'restored from the store');
        const generation = record?.type === 'log' ? record.generation : undefined;
        if (generation === newest) restored++;
        else failures.push(`cycle ${i}: restored generation ${generation ?? 'none'}, the newest stored was ${newest ?? 'none'}`);
      }
      if (i === cycles) break; // the last restore is only checked
      // The backup at ready and the one once localStorage is on disk.
      await child.until('remote_session_saved', 2, 30_000);
      const target = Math.floor(random() * (SAVE_PHASES.length + 1));
      const from = child.reports.length;
      const [device] = phone.devices();
      await phone.fillHistory(device!.id, 2048 + Math.floor(random() * 8192));
      if (target > 0) {
        const phase = SAVE_PHASES[target - 1];
        await child.when((r) => r.type === 'log' && r.msg === phase, from, 30_000);
      }
      const left = await child.killTree();
      if (left.length > 0) failures.push(`cycle ${i}: processes survived the kill: ${left.join(', ')}`);
      const landed = landedIn(child.reports.slice(from));
      kills[landed]++;
      log(`cycle ${i + 1}/${cycles}: killed ${landed}`);
      child = undefined;
    }
    if (child) await child.stop();
    child = undefined;
  } finally {
    if (child) await child.killTree();
    await store.close();
  }
  const generations = (await new FileStore({ directory: storeDir }).list(SESSION))[0]?.generation ?? 0;
  return { cycles, kills, restored, failures, generations, ms: Date.now() - started };
}

/** Where a kill landed: after the last backup record the process wrote. */
function landedIn(reports: readonly Report[]): Landed {
  let reached = -1;
  for (const r of reports) {
    if (r.type !== 'log') continue;
    // A periodic check that found nothing new: the save that matters has not started yet.
    if (r.msg.startsWith('backup skipped')) reached = -1;
    const at = SAVE_PHASES.indexOf(r.msg as (typeof SAVE_PHASES)[number]);
    if (at >= 0) reached = at;
  }
  return LANDED[reached + 1] as Landed;
}
