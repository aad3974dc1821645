import type { ArchiveLimits } from '../../archive';
import type { WwebjsStore } from '../../stores/wwebjs-adapter';
import type { SessionStore } from '../../stores/types';

export interface RemoteAuthOptions {
  /** Where backups go: a waweb `SessionStore`, or a whatsapp-web.js-style store (e.g. wwebjs-mongo's `MongoStore`). */
  store: SessionStore | WwebjsStore;
  /** Letters, digits, `_` and `-`. The session is named `RemoteAuth-<clientId>`. */
  clientId?: string;
  /** Folder holding the local profile `RemoteAuth-<clientId>`. @default '.wwebjs_auth' */
  dataPath?: string;
  /** Time between periodic backups (no one-minute floor). @default 60000 */
  backupSyncIntervalMs?: number;
  /** How long a backup waits for localStorage to reach disk. @default 30000 */
  flushTimeoutMs?: number;
  /** Retries when the store cannot be reached at start (0: fail at once with a typed error). @default 0 */
  startupRetries?: number;
  /** First retry delay after a failed save or start; doubles up to 60 s. @default 1000 */
  retryDelayMs?: number;
  /**
   * Bounds on what a restore reads from the store and writes to disk (archive size, inflated bytes,
   * entries, folders, path and name lengths); see `ArchiveLimits` for each default.
   */
  limits?: Partial<ArchiveLimits>;
  /** Same as `limits.maxUncompressedBytes` (kept for earlier code). @default 512 MiB */
  maxArchiveBytes?: number;
  /**
   * Longest wait for one store call (list, load, save, delete); then a `StoreError` with code
   * `TIMEOUT` naming this option. Stores have their own connect and query deadlines too.
   * @default 60000
   */
  storeTimeoutMs?: number;
  /**
   * A stored generation that fails decryption or its integrity check (an `EncryptedStore` whose blob
   * was altered, replayed or sealed with a key not given) stops the start with that
   * `EncryptionError`, naming the generation: falling back to an older one would let whoever altered
   * the store choose which older login comes back. `'fallback'` tries the older generations instead
   * (each failure reported as an `error` event). A generation that decrypts but does not log in is
   * set aside and the next one tried either way.
   * @default 'stop'
   */
  onDecryptionFailure?: 'stop' | 'fallback';
}
