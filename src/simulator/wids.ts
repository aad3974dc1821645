/** The ids the simulated servers give a phone number: its user wid and its LID. */
import { createHash } from 'node:crypto';
import type { WireWid } from './protocol';

/** The LID the servers give a phone number: stable, 15 digits, unrelated to the number's digits. */
export function lidOf(number: string): string {
  const digest = createHash('sha256').update(`lid:${number}`).digest();
  return (100_000_000_000_000n + (digest.readBigUInt64BE(0) % 900_000_000_000_000n)).toString();
}

export function userWid(number: string): WireWid {
  return { server: 'c.us', user: number, _serialized: `${number}@c.us` };
}

export function lidWid(number: string): WireWid {
  const lid = lidOf(number);
  return { server: 'lid', user: lid, _serialized: `${lid}@lid` };
}
