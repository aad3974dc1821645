/**
 * Where `waweb session` commands read and write: a store (by URL) or a profile folder
 * (`folder:PATH`: a LocalAuth folder such as `.wwebjs_auth/session-<id>`, waweb's or
 * whatsapp-web.js's). A folder source is archived without touching it; a folder target is written
 * through `importSession` (checked in a temporary folder, never over an existing one unless forced).
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { InvalidOptionError } from '../../index';
import {
  exportSession,
  extractSessionArchive,
  importSession,
  privateScratch,
  type ArchiveManifest,
  type ExtractedSessionArchive,
} from '../../session/index';
import { openStoreUrl, type OpenedStore } from '../store-url';

export type Endpoint = { kind: 'store'; opened: OpenedStore; label: string } | { kind: 'folder'; folder: string; label: string };

export const FOLDER_PREFIX = 'folder:';

export function openEndpoint(spec: string): Endpoint {
  if (!spec.startsWith(FOLDER_PREFIX)) {
    const opened = openStoreUrl(spec);
    return { kind: 'store', opened, label: opened.label };
  }
  const folder = path.resolve(spec.slice(FOLDER_PREFIX.length));
  if (folder === path.resolve('')) throw new InvalidOptionError(`${FOLDER_PREFIX} needs a path, e.g. folder:.wwebjs_auth/session-bot-1`);
  return { kind: 'folder', folder, label: `folder ${folder}` };
}

export async function closeEndpoint(endpoint: Endpoint | undefined): Promise<void> {
  if (endpoint?.kind === 'store') await endpoint.opened.close();
}

export interface SourceCopy {
  /** What the copy came from, for the report. */
  origin: string;
  data: Buffer;
  /** Set when the copy was already restored into a scratch profile and checked: its manifest. */
  checked?: { manifest: ArchiveManifest | null };
}

/** A folder source must be a directory (a profile), not a file or nothing. */
export async function assertProfileFolder(folder: string): Promise<void> {
  const info = await stat(folder).catch(() => undefined);
  if (!info?.isDirectory()) throw new InvalidOptionError(`${folder} is not a profile folder`);
}

/** The clientId recorded in the manifest of a folder's archive: the session's name, made safe. */
export function folderClientId(session: string): string {
  return session.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 100) || 'session';
}

/**
 * The archive of a folder source, made without changing it and checked (`exportSession`). A folder
 * a running Chromium holds is refused unless `live`: a copy of a live profile may miss what the
 * browser has not written yet, and logging in with it takes the session from that browser.
 */
export async function archiveFolder(folder: string, session: string, live: boolean): Promise<SourceCopy> {
  await assertProfileFolder(folder);
  const { data, manifest } = await exportSession({ folder, live, clientId: folderClientId(session) });
  const described = manifest ? ` (${manifest.files} files, ${manifest.bytes} bytes)` : '';
  return { origin: `folder ${folder}${described}`, data, checked: { manifest } };
}

/** Writes `data` into a folder target (refused when it exists unless `force`). */
export async function writeFolder(folder: string, data: Buffer, force: boolean): Promise<string> {
  const result = await importSession({ folder }, data, { overwrite: force });
  return `${result.files ?? 0} files, ${result.bytes} bytes`;
}

/**
 * Extracts `data` into a throw-away profile (every file checked against the manifest): a private
 * scratch folder, removed afterwards, or by the next run if this one is killed.
 */
export async function checkRestorable(data: Buffer, purpose = 'verify'): Promise<ExtractedSessionArchive> {
  const scratch = await privateScratch(purpose);
  try {
    return await extractSessionArchive(data, path.join(scratch.path, 'profile'));
  } finally {
    await scratch.remove();
  }
}

export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/**
 * On a terminal, for copies of more than a few MB: one status line that shows the step a copy is at
 * (the stores take whole archives, so the steps are the progress there is). Silent otherwise.
 */
export function progress(label: string, bytes: number): { step(name: string): void; done(): void } {
  const shown = process.stdout.isTTY === true && bytes > 4 * 1024 * 1024;
  const size = `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  let last = '';
  return {
    step: (name) => {
      if (!shown) return;
      const line = `${label} (${size}): ${name}...`;
      process.stdout.write(`\r${line.padEnd(last.length)}`);
      last = line;
    },
    done: () => {
      if (shown && last) process.stdout.write(`\r${' '.repeat(last.length)}\r`);
    },
  };
}
