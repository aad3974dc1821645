/**
 * Whether an archive (or a profile) holds a session at all: IndexedDB or localStorage content of
 * WhatsApp Web's origin. A zip without either restores a profile that must pair again, so it may
 * never replace one that works, and is never made.
 */

/** The app's origin, as Chromium names its storage. */
export const APP_ORIGIN = 'https://web.whatsapp.com';
/** The origin's IndexedDB folders (`.indexeddb.leveldb`, `.indexeddb.blob`). */
const IDB_PREFIX = 'Default/IndexedDB/https_web.whatsapp.com_0.indexeddb.';
/** localStorage of every origin lives in one LevelDB; keys start with `_<origin>`. */
const LOCAL_STORAGE_DB = 'Default/Local Storage/leveldb/';
const LEVELDB_DATA_FILE = /^\d+\.(?:log|ldb|sst)$/;
const ORIGIN_BYTES = Buffer.from(APP_ORIGIN, 'latin1');

/**
 * Fed every archived file's bytes as they stream past (one file at a time), tells whether any of
 * them is session data: a non-empty file in the origin's IndexedDB, or a localStorage LevelDB data
 * file that names the origin (a key of it; snappy-compressed tables keep the first occurrence of a
 * string in each block literal, so the bytes are there).
 */
export class SessionDataProbe {
  #found = false;
  #path = '';
  #carry: Buffer = Buffer.alloc(0);

  get found(): boolean {
    return this.#found;
  }

  /** Whether `relPath`'s bytes can show session data at all (so a caller may skip feeding others). */
  static relevant(relPath: string): boolean {
    if (relPath.startsWith(IDB_PREFIX)) return true;
    return relPath.startsWith(LOCAL_STORAGE_DB) && LEVELDB_DATA_FILE.test(relPath.slice(LOCAL_STORAGE_DB.length));
  }

  update(relPath: string, chunk: Buffer): void {
    if (this.#found || chunk.length === 0 || !SessionDataProbe.relevant(relPath)) return;
    if (relPath.startsWith(IDB_PREFIX)) {
      this.#found = true;
      return;
    }
    if (relPath !== this.#path) {
      this.#path = relPath;
      this.#carry = Buffer.alloc(0);
    }
    const window = this.#carry.length > 0 ? Buffer.concat([this.#carry, chunk]) : chunk;
    if (window.includes(ORIGIN_BYTES)) {
      this.#found = true;
      return;
    }
    this.#carry = Buffer.from(window.subarray(Math.max(0, window.length - (ORIGIN_BYTES.length - 1))));
  }
}
