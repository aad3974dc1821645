/**
 * A bare WebSocket playing the simulator's page, for simulator tests that need no browser: the
 * frames it got, and a way to wait for the next one of a type.
 */
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import type { WhatsAppSimulator } from '../../src/simulator';

export type Frame = { t: string } & Record<string, unknown>;

/** A page's socket with the frames it got, and a way to wait for one of a type. */
export function rawPage(sim: WhatsAppSimulator): { ws: WebSocket; frames: Frame[]; next(t: string): Promise<Frame> } {
  const ws = new WebSocket(`wss://127.0.0.1:${sim.port}/ws`, { rejectUnauthorized: false });
  const frames: Frame[] = [];
  const checks = new Set<() => void>();
  ws.on('message', (data) => {
    frames.push(JSON.parse((data as Buffer).toString('utf8')) as Frame);
    for (const check of [...checks]) check();
  });
  const next = (t: string): Promise<Frame> =>
    new Promise((resolve, reject) => {
      const from = frames.length;
      const finish = (): void => {
        clearTimeout(timer);
        checks.delete(check);
      };
      const check = (): void => {
        const frame = frames.slice(from).find((f) => f.t === t);
        if (!frame) return;
        finish();
        resolve(frame);
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`no '${t}' frame within 10 s`));
      }, 10_000);
      checks.add(check);
    });
  return { ws, frames, next };
}

/** A `pair` frame as a page sends it to be shown a QR: fresh keys, a Chrome platform. */
export function pairFrame(): string {
  const key = (): string => randomBytes(32).toString('base64');
  return JSON.stringify({ t: 'pair', identityPub: key(), noisePub: key(), advSecret: key(), platform: 'CHROME', browser: 'raw socket' });
}
