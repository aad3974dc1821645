/**
 * The local stamp: `waweb-remote.json` beside the profile's `Default/` folder, saying which stored
 * backup the local copy matches. A generation number alone names nothing (stores restart at 1
 * after a delete, and Mongo numbers wwebjs-mongo's uploads by position), so the stored backup's
 * `createdAt` goes with it. Written atomically: a crash leaves the old stamp or the new one.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/atomic-write';

export interface LocalStamp {
  sessionName: string;
  generation: number;
  /** The stored generation's `createdAt`, ISO 8601. Undefined for a stamp that cannot name one. */
  createdAt: string | undefined;
  /** The archive's content hash, when it had a manifest. */
  contentHash?: string;
}

export const STAMP_FILE = 'waweb-remote.json';

/** The stamp in `profileDir`, or `null` when there is none (or it cannot be read). */
export async function readStamp(profileDir: string): Promise<LocalStamp | null> {
  try {
    const parsed = JSON.parse(await readFile(join(profileDir, STAMP_FILE), 'utf8')) as Record<string, unknown>;
    if (typeof parsed['sessionName'] !== 'string' || typeof parsed['generation'] !== 'number') return null;
    // Stamps written before `createdAt` existed kept the stored generation's createdAt as `savedAt`.
    const createdAt = parsed['createdAt'] ?? parsed['savedAt'];
    const valid = typeof createdAt === 'string' && !Number.isNaN(Date.parse(createdAt));
    return {
      sessionName: parsed['sessionName'],
      generation: parsed['generation'],
      createdAt: valid ? createdAt : undefined,
      ...(typeof parsed['contentHash'] === 'string' ? { contentHash: parsed['contentHash'] } : {}),
    };
  } catch {
    return null;
  }
}

export async function writeStamp(profileDir: string, stamp: LocalStamp): Promise<void> {
  await writeFileAtomic(join(profileDir, STAMP_FILE), JSON.stringify(stamp));
}
