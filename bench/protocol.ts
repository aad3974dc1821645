/**
 * What the bench parent (bench/index.ts) and its child processes (bench/child.ts)
 * say to each other. The child prints one JSON object per line on stdout, each
 * prefixed with {@link LINE_PREFIX} (anything else a library prints is ignored);
 * the parent writes one JSON command per line on the child's stdin.
 */

export const LINE_PREFIX = '@@waweb-bench ';

/** Environment variable holding the child's {@link ChildConfig} as JSON. */
export const CONFIG_ENV = 'WAWEB_BENCH_CHILD';

/** waweb's Client; whatsapp-web.js with its own RemoteAuth; whatsapp-web.js with waweb/wwebjs's RemoteAuth. */
export type ClientKind = 'waweb' | 'wwebjs' | 'plugin';

export interface ChildConfig {
  kind: ClientKind;
  /**
   * `pair`: a fresh profile that shows a QR (the parent scans it), then the first backup.
   * `restore`: a fresh local folder with a backup in the store; must reach `ready` with no QR.
   */
  phase: 'pair' | 'restore';
  clientId: string;
  /** RemoteAuth's `dataPath` (a fresh folder for every phase). */
  dataPath: string;
  /** The FileStore folder, shared by the phases of one client. */
  storeDir: string;
  /**
   * Restore-only samples: the client sees the store through a view whose saves never
   * complete, so a sample adds no generation (waweb saves right after every `ready`).
   */
  readOnlyStore: boolean;
  /** whatsapp-web.js's web version cache folder. */
  cacheDir: string;
  /** The simulator's Chromium flags (`sim.chromiumArgs()`). */
  simArgs: string[];
  /** RemoteAuth `backupSyncIntervalMs` for both clients (long, so no periodic save lands in a measurement). */
  backupSyncIntervalMs: number;
  /** How long to wait for the first `remote_session_saved` after `ready`. */
  firstSaveTimeoutMs: number;
  /** RSS sampling period during the big backup. */
  rssSampleMs: number;
}

/** Parent → child. */
export type Command =
  /** Take a backup now and report the Node RSS seen while it ran. */
  | { cmd: 'backup' }
  /** Destroy the client cleanly and exit. */
  | { cmd: 'exit' };

/** Child → parent. `t` is milliseconds since the child's `initialize()` call. */
export type ChildEvent =
  | { ev: 'started'; pid: number; t: number }
  | { ev: 'qr'; qr: string; t: number }
  | { ev: 'authenticated'; t: number }
  | { ev: 'auth_failure'; message: string; t: number }
  | { ev: 'ready'; t: number }
  /** The strategy's `beforeBrowserInitialized` finished: for a restore, the store → local profile step. */
  | { ev: 'profile-ready'; t: number; ms: number }
  /** The strategy's `afterBrowserInitialized` was called: Chromium runs, the page is not loaded yet. */
  | { ev: 'browser-ready'; t: number }
  /** `change_state`: the app's connection state (the first one means the app booted in the page). */
  | { ev: 'state'; state: string; t: number }
  | {
      ev: 'saved';
      t: number;
      /** Milliseconds from `ready` to `remote_session_saved`. */
      afterReadyMs: number;
      /** Size of the backup as stored (bytes of the newest generation in the FileStore). */
      bytes: number;
      /** waweb's own report (`remote_session_saved` payload); whatsapp-web.js emits none. */
      payload?: { bytes: number; durationMs: number; generation: number };
    }
  | { ev: 'no-save'; t: number; reason: string }
  /** Ready for commands. */
  | { ev: 'idle'; t: number }
  | {
      ev: 'backup-done';
      t: number;
      durationMs: number;
      bytes: number;
      /** Bytes in the profile's Default/IndexedDB + Default/Local Storage before the backup. */
      profileBytes: number;
      rss: RssReport;
    }
  | { ev: 'disconnected'; reason: string; t: number }
  | { ev: 'error'; message: string; t: number; fatal: boolean };

export interface RssReport {
  /** `process.memoryUsage().rss` right before the backup started (after a forced GC). */
  baseline: number;
  /** Highest sampled RSS during the backup. */
  sampledPeak: number;
  /** `process.resourceUsage().maxRSS` (kernel high-water mark, bytes) before and after the backup. */
  maxRssBefore: number;
  maxRssAfter: number;
  /**
   * Peak RSS during the backup: the kernel high-water mark when it rose during the
   * backup (exact, catches peaks between samples), else the highest sample.
   */
  peak: number;
  samples: number;
  /** Highest `external + arrayBuffers` seen (Buffers live outside the JS heap). */
  peakExternal: number;
  peakHeapUsed: number;
}
