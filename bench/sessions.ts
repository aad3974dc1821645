/**
 * `npm run bench -- --sessions N`: N paired LocalAuth sessions started at once on one simulator, for
 * waweb's Client and for whatsapp-web.js 1.34.7, one client kind after the other. Measured: the time
 * from starting them all to the last `ready`, and each session's Chromium memory as PSS (proportional
 * set size: shared pages split between the processes that share them), summed over the browser's
 * process group, read from /proc/<pid>/smaps_rollup once all are ready.
 *
 * The clients run in the bench's own process (their Node memory is not measured here); each one's
 * browser is found through `pupBrowser.process()`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Client, LocalAuth } from '../src';
import { LOCAL_STORAGE_SNAPSHOT } from '../src/archive';
import { LOGIN_MARKER_FILE } from '../src/auth/profile/login-marker';
import { localAuthFolder } from '../src/auth/profile/profile-options';
import { allReady, type ReadyEmitter } from './all-ready';
import { wwebjsChromium } from './wwebjs-chromium';
import { DEFAULT_CHROMIUM_ARGS, mergeArgs, sandboxArgs } from '../src/browser/flags';
import type { WhatsAppSimulator } from '../src/simulator';
import { processes } from '../test/helpers/processes';

export type SessionsKind = 'waweb' | 'wwebjs';

export interface SessionsResult {
  kind: SessionsKind;
  sessions: number;
  /** Start of all → the last `ready`, ms. */
  allReadyMs: number;
  /** Each session's start → `ready`, ms, in start order. */
  readyMs: number[];
  /** Each session's Chromium PSS, MiB. */
  pssMiB: number[];
  medianPssMiB: number;
  /** LocalAuth restart of one session alone, `initialize()` → `ready`, ms, five times. */
  localRestartMs: number[];
  medianLocalRestartMs: number;
}

interface BenchClient extends ReadyEmitter {
  initialize(): Promise<void>;
  destroy(): Promise<void>;
  pupBrowser?: { process(): { pid?: number } | null } | null | undefined;
}

/**
 * Chromium's launch, for both clients: 100 browsers started at once on two cores take longer than
 * either library's 30 s default (whatsapp-web.js's puppeteer gave up on the WS endpoint), and the
 * bench measures memory, not that deadline.
 */
const LAUNCH_TIMEOUT_MS = 180_000;

/** A LocalAuth folder's login facts: waweb's login marker, the localStorage copy, the bytes of Chromium's localStorage files. */
function folderFacts(folder: string): string {
  const lsDir = join(folder, 'Default', 'Local Storage', 'leveldb');
  let lsBytes = 0;
  try {
    for (const name of readdirSync(lsDir)) lsBytes += statSync(join(lsDir, name)).size;
  } catch {
    lsBytes = -1;
  }
  const has = (rel: string): string => (existsSync(join(folder, rel)) ? 'yes' : 'no');
  return `marker ${has(LOGIN_MARKER_FILE)}, localStorage copy ${has(LOCAL_STORAGE_SNAPSHOT)}, localStorage files ${lsBytes < 0 ? 'none' : `${lsBytes} B`}`;
}

/** The simulator's side: how many devices the phone has linked, and how many are online. */
function linkedDevices(sim: WhatsAppSimulator, number: number): string {
  const devices = sim.phone(String(number)).devices();
  return `phone has ${devices.length} linked device(s), ${devices.filter((d) => d.online).length} online`;
}

function makeClient(kind: SessionsKind, sim: WhatsAppSimulator, dataPath: string, clientId: string, cacheDir: string): BenchClient {
  if (kind === 'waweb') {
    return new Client({
      authStrategy: new LocalAuth({ clientId, dataPath }),
      puppeteer: { args: sim.chromiumArgs() },
      launchTimeoutMs: LAUNCH_TIMEOUT_MS,
    });
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the unmodified whatsapp-web.js, loaded only for its column
  const wwebjs = require('whatsapp-web.js') as typeof import('whatsapp-web.js');
  return new wwebjs.Client({
    authStrategy: new wwebjs.LocalAuth({ clientId, dataPath }),
    puppeteer: {
      executablePath: wwebjsChromium(),
      timeout: LAUNCH_TIMEOUT_MS,
      args: mergeArgs(DEFAULT_CHROMIUM_ARGS, sandboxArgs(), ['--headless=new'], sim.chromiumArgs()),
    },
    webVersionCache: { type: 'local', path: cacheDir },
  });
}

/** PSS (KiB) of every process in process group `pgrp`. */
export function groupPssKiB(pgrp: number): number {
  let total = 0;
  for (const p of processes()) {
    if (p.pgrp !== pgrp) continue;
    try {
      const rollup = readFileSync(`/proc/${p.pid}/smaps_rollup`, 'utf8');
      total += Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

/** The middle value (the mean of the two middle ones for an even count). */
export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * Pairs `n` sessions of `kind` (phones `firstNumber`…), closes them, then starts them all at once and
 * measures. Every client is destroyed before this returns, whatever happens.
 */
export async function measureSessions(
  sim: WhatsAppSimulator,
  work: string,
  kind: SessionsKind,
  n: number,
  firstNumber: number,
  log: (s: string) => void,
): Promise<SessionsResult> {
  const dataPath = join(work, `sessions-${kind}-${n}`);
  const cacheDir = join(work, `sessions-${kind}-cache`);
  // Pairing or starting 100 at once on two cores takes longer than 10.
  const allReadyTimeoutMs = Math.max(180_000, n * 3000);
  const make = (): BenchClient[] => Array.from({ length: n }, (_, i) => makeClient(kind, sim, dataPath, `s${i}`, cacheDir));
  const live: BenchClient[] = [];
  const destroyAll = async (): Promise<void> => {
    await Promise.allSettled(live.splice(0).map((c) => c.destroy()));
  };
  try {
    // 1. Pair them all (the phones scan every QR shown), then close them cleanly.
    const pairing = make();
    live.push(...pairing);
    pairing.forEach((client, i) => {
      const phone = sim.phone(String(firstNumber + i));
      client.on('qr', (qr: string) => void phone.scan(qr).catch(() => undefined));
    });
    // Awaited together, so a session failing the wait while others still start is never unhandled.
    await Promise.all([allReady(pairing, { timeoutMs: allReadyTimeoutMs, pairing: true }), ...pairing.map((c) => c.initialize())]);
    await destroyAll();
    log(`  ${kind}: ${n} sessions paired`);

    // 2. All at once, from their folders.
    const clients = make();
    live.push(...clients);
    const started = performance.now();
    const [readyMs] = await Promise.all([
      allReady(clients, { timeoutMs: allReadyTimeoutMs, pairing: false }),
      ...clients.map((c) => c.initialize()),
    ]).catch((err: unknown) => {
      // What each folder and phone held, so a session that lost its login says on which side.
      const facts = clients.map(
        (_, i) => `s${i}: ${folderFacts(localAuthFolder({ dataPath, clientId: `s${i}` }))}, ${linkedDevices(sim, firstNumber + i)}`,
      );
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n    ${facts.join('\n    ')}`, { cause: err });
    });
    const allReadyMs = Math.round(performance.now() - started);
    const pssMiB = clients.map((c) => {
      const pid = c.pupBrowser?.process()?.pid;
      return pid === undefined ? NaN : Math.round((groupPssKiB(pid) / 1024) * 10) / 10;
    });
    log(
      `  ${kind}: ${n} sessions ready ${(allReadyMs / 1000).toFixed(2)} s after starting them at once; median Chromium PSS ${Math.round(median(pssMiB) * 10) / 10} MiB`,
    );
    await destroyAll();

    // 3. One session alone, restarted from its LocalAuth folder five times.
    const localRestartMs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const client = makeClient(kind, sim, dataPath, 's0', cacheDir);
      live.push(client);
      const started = performance.now();
      await Promise.all([allReady([client], { timeoutMs: 60_000, pairing: false }), client.initialize()]);
      localRestartMs.push(Math.round(performance.now() - started));
      await destroyAll();
    }
    log(`  ${kind}: LocalAuth restart → ready ${localRestartMs.map((ms) => (ms / 1000).toFixed(2)).join(', ')} s`);
    return {
      kind,
      sessions: n,
      allReadyMs,
      readyMs,
      pssMiB,
      medianPssMiB: Math.round(median(pssMiB) * 10) / 10,
      localRestartMs,
      medianLocalRestartMs: median(localRestartMs),
    };
  } finally {
    await destroyAll();
  }
}
