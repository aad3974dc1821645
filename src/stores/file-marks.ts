/**
 * FileStore's marks: a sidecar `<padded generation>.json` beside each marked generation's zip,
 * written atomically. A sidecar names the zip it belongs to by the zip's modification time (its
 * `createdAt`), so a leftover sidecar never marks a later generation that reuses the number; a
 * sidecar without its zip is ignored by listings and removed by the next prune.
 */
import { promises as fs } from 'node:fs';
import { writeFileAtomic } from '../util/atomic-write';
import { isErrno } from '../util/errno';
import { isSetAsideReason, type GenerationMarks } from './internal';

/** `0000000007.json`: the sidecar of generation 7. */
export const SIDECAR_FILE = /^(\d{10})\.json$/;
/** What `writeFileAtomic` leaves behind when the process dies mid-write. */
export const SIDECAR_TEMP = /^\.\d{10}\.json\.[0-9a-f]+\.tmp$/;

interface SidecarJson {
  /** `createdAt` (the zip's mtime, in ms) of the generation the marks belong to. */
  createdAt: number;
  setAside?: { reason: string; detail: string; at: string };
  loggedInAt?: string;
}

function date(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/**
 * The marks in `file` for the generation created at `createdAt`; none when there is no sidecar, it
 * belongs to another generation of that number, or it cannot be read as one.
 */
export async function readMarks(file: string, createdAt: Date): Promise<GenerationMarks> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return {};
    throw err;
  }
  let json: Partial<SidecarJson>;
  try {
    json = JSON.parse(text) as Partial<SidecarJson>;
  } catch {
    return {}; // written atomically by us, so only a hand edit gets here
  }
  if (typeof json !== 'object' || json === null || json.createdAt !== createdAt.getTime()) return {};
  const marks: GenerationMarks = {};
  const at = date(json.setAside?.at);
  if (json.setAside && isSetAsideReason(json.setAside.reason) && typeof json.setAside.detail === 'string' && at) {
    marks.setAside = { reason: json.setAside.reason, detail: json.setAside.detail, at };
  }
  const loggedInAt = date(json.loggedInAt);
  if (loggedInAt) marks.loggedInAt = loggedInAt;
  return marks;
}

/** Writes (or, with no marks left, removes) the sidecar of the generation created at `createdAt`. */
export async function writeMarks(file: string, createdAt: Date, marks: GenerationMarks): Promise<void> {
  if (!marks.setAside && !marks.loggedInAt) {
    await fs.rm(file, { force: true });
    return;
  }
  const json: SidecarJson = { createdAt: createdAt.getTime() };
  if (marks.setAside) json.setAside = { ...marks.setAside, at: marks.setAside.at.toISOString() };
  if (marks.loggedInAt) json.loggedInAt = marks.loggedInAt.toISOString();
  await writeFileAtomic(file, `${JSON.stringify(json)}\n`);
}
