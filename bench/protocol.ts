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

/** Where a child's RemoteAuth keeps its backups. */
export type StoreSpec =
  /** waweb's FileStore in this folder. */
  | { kind: 'file'; directory: string }
  /** waweb's PostgresStore on a server the parent started (loopback only). */
  | { kind: 'postgres'; connectionString: string; table: string };

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
  /** The store, shared by the phases of one client. */
  store: StoreSpec;
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
  /** Memory sampling period during the big backup and during a restore. */
  rssSampleMs: number;
  /**
   * waweb only: the client gets a browser pool of one (`browserPool`), and the timer starts once its
   * browser waits, so the restore has no launch on its path.
   */
  pool?: boolean;
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
  /**
   * Sent with `ready`: the Buffer memory the child held from `initialize()` (baseline read right before
   * it, after a forced GC) until the local profile was ready, and until `ready`.
   */
  | { ev: 'restore-memory'; t: number; untilProfile: BufferReport | null; untilReady: BufferReport }
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
  /** Highest `external + arrayBuffers` seen, baseline not subtracted (the row of the 2026-11-30 run). */
  peakExternal: number;
  peakHeapUsed: number;
  /** Buffer memory during the backup, baseline subtracted: the number the goals speak of. */
  buffers: BufferReport;
}

/**
 * "Peak Buffer memory" of an operation: `process.memoryUsage()` sampled while it runs, minus its
 * value right before it (after a forced GC). Node counts Buffers in `arrayBuffers` and says they are
 * part of `external`, which also holds what native code reports (zlib's state, for one); but the two
 * are updated at different moments, so either growth can be the larger at a sample. The headline is
 * the larger of the two at every sample.
 */
export interface BufferReport {
  /** `external` and `arrayBuffers` right before the operation. */
  baselineExternal: number;
  baselineArrayBuffers: number;
  /** Highest growth of `external` or of `arrayBuffers` seen (0 when neither rose). The goal's number. */
  peak: number;
  /** Highest `external − baselineExternal` seen. */
  peakExternal: number;
  /** Highest `arrayBuffers − baselineArrayBuffers` seen. */
  peakArrayBuffers: number;
  /**
   * Highest growth (the larger of `external` and `arrayBuffers`) read right after a forced GC, every
   * `RETAINED_EVERY`th sample: the Buffers the operation still holds. `peak` also counts chunks already
   * dropped that V8 has not collected yet (it collects external memory in batches of tens of MiB).
   */
  peakRetained: number;
  samples: number;
}
