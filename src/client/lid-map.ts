/**
 * The session's LID ↔ phone-number map: every pair the page has told (a message's or a reaction's
 * `senderLid` and `senderPn`, a contact's `lid` and `phoneNumber`), kept in the session's profile so
 * that it survives restarts and moves with a backup. It lives in `Default/Local Storage/`, which
 * LocalAuth keeps and every session archive (RemoteAuth's, the CLI's, whatsapp-web.js's) carries.
 * It is filled from what the page already reports: no page call per message.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic-write';
import { isErrno } from '../util/errno';
import type { Logger } from '../util/logger';

/** Where the map sits in a profile (relative to the Chromium user-data-dir). */
export const LID_MAP_FILE = path.join('Default', 'Local Storage', 'waweb-lid-map.json');

const LID = /^[0-9]{1,20}@lid$/;
const PN = /^[1-9][0-9]{5,14}@c\.us$/;

/** Something that carries a user's two ids under these names (messages and reactions). */
export interface SenderIds {
  senderLid?: string;
  senderPn?: string;
}

export class LidMap {
  readonly #pnByLid = new Map<string, string>();
  readonly #lidByPn = new Map<string, string>();
  #writing: Promise<void> = Promise.resolve();
  #queued = false;

  /** `file`: where to keep the map; none (a session with no profile, `NoAuth`) keeps it in memory only. */
  private constructor(
    private readonly file: string | undefined,
    private readonly log: Logger,
  ) {}

  /** The map kept in `profileDir` (empty when there is none yet, or it cannot be read: it is only a cache). */
  static async load(profileDir: string | undefined, log: Logger): Promise<LidMap> {
    const map = new LidMap(profileDir === undefined ? undefined : path.join(profileDir, LID_MAP_FILE), log);
    if (map.file === undefined) return map;
    try {
      const parsed = JSON.parse(await readFile(map.file, 'utf8')) as { pairs?: unknown };
      for (const pair of Array.isArray(parsed.pairs) ? parsed.pairs : []) {
        if (Array.isArray(pair)) map.#set(pair[0], pair[1]);
      }
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) log.warn({ err, file: map.file }, 'LID map unreadable; starting with an empty one');
    }
    return map;
  }

  /** A map in memory only. */
  static inMemory(log: Logger): LidMap {
    return new LidMap(undefined, log);
  }

  get size(): number {
    return this.#pnByLid.size;
  }

  pnOf(lid: string): string | undefined {
    return this.#pnByLid.get(lid);
  }

  lidOf(pn: string): string | undefined {
    return this.#lidByPn.get(pn);
  }

  /** Remembers that `lid` and `pn` are one user (ignored unless both are well-formed ids); a new pair is written soon. */
  learn(lid: unknown, pn: unknown): void {
    if (!this.#set(lid, pn) || this.file === undefined || this.#queued) return;
    this.#queued = true;
    this.#writing = this.#writing.then(() => this.#write());
  }

  /** `ids` with the id the page did not know filled from the map (and the map taught a pair it did know). */
  complete<T extends SenderIds>(ids: T): T {
    const { senderLid, senderPn } = ids;
    if (senderLid !== undefined && senderPn !== undefined) {
      this.learn(senderLid, senderPn);
      return ids;
    }
    const pn = senderLid === undefined ? undefined : this.pnOf(senderLid);
    if (pn !== undefined) return { ...ids, senderPn: pn };
    const lid = senderPn === undefined ? undefined : this.lidOf(senderPn);
    return lid === undefined ? ids : { ...ids, senderLid: lid };
  }

  /** Resolves once every pair learned so far is on disk (or its write failed, which was logged). */
  flushed(): Promise<void> {
    return this.#writing;
  }

  #set(lid: unknown, pn: unknown): boolean {
    if (typeof lid !== 'string' || typeof pn !== 'string' || !LID.test(lid) || !PN.test(pn)) return false;
    if (this.#pnByLid.get(lid) === pn && this.#lidByPn.get(pn) === lid) return false;
    // A number that moved to another LID (or a LID to another number) leaves its old pair.
    const oldLid = this.#lidByPn.get(pn);
    if (oldLid !== undefined) this.#pnByLid.delete(oldLid);
    const oldPn = this.#pnByLid.get(lid);
    if (oldPn !== undefined) this.#lidByPn.delete(oldPn);
    this.#pnByLid.set(lid, pn);
    this.#lidByPn.set(pn, lid);
    return true;
  }

  async #write(): Promise<void> {
    this.#queued = false;
    const file = this.file as string;
    try {
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      await writeFileAtomic(file, JSON.stringify({ version: 1, pairs: [...this.#pnByLid] }));
    } catch (err) {
      this.log.warn({ err, file }, 'LID map not saved');
    }
  }
}
