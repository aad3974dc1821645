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
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, LocalAuth } from '../src';
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

interface BenchClient {
  on(event: string, fn: (...args: any[]) => void): unknown;
  once(event: string, fn: (...args: any[]) => void): unknown;
  initialize(): Promise<void>;
  destroy(): Promise<void>;
  pupBrowser?: { process(): { pid?: number } | null } | null | undefined;
}

function makeClient(kind: SessionsKind, sim: WhatsAppSimulator, dataPath: string, clientId: string, cacheDir: string): BenchClient {
  if (kind === 'waweb') {
    return new Client({
      authStrategy: new LocalAuth({ clientId, dataPath }),
      puppeteer: { args: sim.chromiumArgs() },
    });
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the unmodified whatsapp-web.js, loaded only for its column
  const wwebjs = require('whatsapp-web.js') as typeof import('whatsapp-web.js');
  return new wwebjs.Client({
    authStrategy: new wwebjs.LocalAuth({ clientId, dataPath }),
    puppeteer: {
      executablePath: wwebjsChromium(),
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

/** Every client's `ready`, or the first failure; bounded by `timeoutMs`. */
function allReady(clients: BenchClient[], timeoutMs: number): Promise<number[]> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const times: number[] = new Array<number>(clients.length).fill(NaN);
    let left = clients.length;
    const timer = setTimeout(
      () => reject(new Error(`only ${clients.length - left} of ${clients.length} sessions ready within ${timeoutMs} ms`)),
      timeoutMs,
    );
    clients.forEach((client, i) => {
      client.once('ready', () => {
        times[i] = Math.round(performance.now() - started);
        if (--left === 0) {
          clearTimeout(timer);
          resolve(times);
        }
      });
      client.once('auth_failure', () => {
        clearTimeout(timer);
        reject(new Error(`session ${i} was refused (auth_failure)`));
      });
    });
  });
}

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
    const paired = allReady(pairing, allReadyTimeoutMs);
    await Promise.all(pairing.map((c) => c.initialize()));
    await paired;
    await destroyAll();
    log(`  ${kind}: ${n} sessions paired`);

    // 2. All at once, from their folders.
    const clients = make();
    live.push(...clients);
    const started = performance.now();
    const ready = allReady(clients, allReadyTimeoutMs);
    await Promise.all(clients.map((c) => c.initialize()));
    const readyMs = await ready;
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
      const ready = allReady([client], 60_000);
      await client.initialize();
      await ready;
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
