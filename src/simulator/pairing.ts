/**
 * Pairing a page to a phone: the QR references a waiting page shows (rotated
 * on a timer, then idle; rotated-out ones answer 410), the pairing codes a
 * page asks for, and the QR text the phone scans.
 */
import { randomBytes } from 'node:crypto';
import { SimulatorError } from './errors';
import type { Connection, Pairing, SimulatorHub } from './hub';
import type { ClientFrame } from './protocol';

interface QrFields {
  ref: string;
  noisePub: string;
  identityPub: string;
  advSecret: string;
  platform: string;
}

export class QrPairing {
  readonly #hub: SimulatorHub;

  constructor(hub: SimulatorHub) {
    this.#hub = hub;
  }

  /**
   * A page without a session asked to be linked: it starts showing QR references. Asked again on the
   * same connection, the new request replaces the old one (its rotation stops, its reference expires):
   * a connection never has two rotations, so none can outlive the link.
   */
  begin(conn: Connection, frame: Extract<ClientFrame, { t: 'pair' }>): void {
    this.stopRefs(conn);
    conn.pairing = {
      identityPub: String(frame.identityPub),
      noisePub: String(frame.noisePub),
      advSecret: String(frame.advSecret),
      platform: String(frame.platform),
      browser: String(frame.browser),
      ref: '',
      rotations: 0,
      timer: undefined,
    };
    this.#startRefs(conn);
  }

  /** An idle page asked for a new QR. */
  refresh(conn: Connection): void {
    if (conn.pairing && conn.pairing.timer === undefined) this.#startRefs(conn);
  }

  /** A waiting page asked to link by a code for `phone` rather than by QR. */
  requestCode(conn: Connection, phone: unknown): void {
    if (!conn.pairing) return;
    const code = randomCode();
    this.#hub.codes.set(code, { conn, phone: String(phone).replace(/[^0-9]/g, '') });
    this.#hub.send(conn, { t: 'pair-code', code });
  }

  /** QR texts currently on screen in pages waiting to be linked, newest first. */
  pendingQrCodes(): string[] {
    const out: string[] = [];
    for (const conn of this.#hub.connections) {
      if (conn.pairing && conn.pairing.timer !== undefined) out.push(qrText(conn.pairing));
    }
    return out.reverse();
  }

  /** The page showing QR `text`, checked against the keys that page announced. */
  pageShowing(text: unknown): Connection {
    const fields = parseQrText(text);
    const conn = this.#hub.refs.get(fields.ref);
    if (!conn || !conn.pairing) {
      if (this.#hub.expiredRefs.has(fields.ref)) throw new SimulatorError(410, 'this QR code has expired: scan the one on screen now');
      throw new SimulatorError(404, 'no page is showing this QR code');
    }
    const p = conn.pairing;
    if (p.noisePub !== fields.noisePub || p.identityPub !== fields.identityPub || p.advSecret !== fields.advSecret) {
      throw new SimulatorError(400, 'QR code keys do not match the page that shows this reference');
    }
    return conn;
  }

  /** The page that asked for pairing `code`, if it asked for it for phone `number`. */
  pageAwaitingCode(number: string, code: unknown): Connection {
    if (typeof code !== 'string' || !/^[A-Z0-9]{8}$/.test(code.replace('-', ''))) {
      throw new SimulatorError(400, 'a pairing code is 8 letters or digits');
    }
    const pending = this.#hub.codes.get(code.replace('-', ''));
    if (!pending || !pending.conn.pairing) throw new SimulatorError(404, 'no page is waiting for this pairing code');
    if (pending.phone !== number) throw new SimulatorError(409, `this code was requested for phone ${pending.phone}, not ${number}`);
    return pending.conn;
  }

  /** The page stopped waiting (linked or gone): its QR and its codes are no longer valid. */
  release(conn: Connection): void {
    this.stopRefs(conn);
    for (const [code, pending] of this.#hub.codes) if (pending.conn === conn) this.#hub.codes.delete(code);
  }

  stopRefs(conn: Connection): void {
    const p = conn.pairing;
    if (!p) return;
    if (p.timer !== undefined) clearInterval(p.timer);
    p.timer = undefined;
    if (p.ref) {
      this.#hub.refs.delete(p.ref);
      this.#expire(p.ref);
      p.ref = '';
    }
  }

  #startRefs(conn: Connection): void {
    const p = conn.pairing;
    if (!p) return;
    p.rotations = 0;
    const rotate = (): void => {
      if (p.ref) {
        this.#hub.refs.delete(p.ref);
        this.#expire(p.ref);
      }
      if (p.rotations >= this.#hub.options.refRotations) {
        this.stopRefs(conn);
        this.#hub.send(conn, { t: 'idle' });
        return;
      }
      p.rotations++;
      p.ref = `2@${randomBytes(36).toString('base64')}`;
      this.#hub.refs.set(p.ref, conn);
      this.#hub.send(conn, { t: 'ref', ref: p.ref });
      this.#hub.emit('qr', qrText(p));
    };
    rotate();
    p.timer = setInterval(rotate, this.#hub.options.refIntervalMs);
  }

  /** Remembers a rotated-out ref (to answer 410 rather than 404), keeping only the newest ones. */
  #expire(ref: string): void {
    const expired = this.#hub.expiredRefs;
    expired.add(ref);
    if (expired.size > 1000) {
      const oldest = expired.values().next().value;
      if (oldest !== undefined) expired.delete(oldest);
    }
  }
}

function qrText(p: Pairing): string {
  return [p.ref, p.noisePub, p.identityPub, p.advSecret, p.platform].join(',');
}

export function parseQrText(text: unknown): QrFields {
  if (typeof text !== 'string') throw new SimulatorError(400, 'QR text must be a string');
  const parts = text.split(',');
  if (parts.length !== 5 || parts.some((p) => p.length === 0)) {
    throw new SimulatorError(400, 'QR text must have five comma-separated fields: ref,noiseKey,identityKey,advSecret,platform');
  }
  const [ref = '', noisePub = '', identityPub = '', advSecret = '', platform = ''] = parts;
  for (const [name, value] of [
    ['noise key', noisePub],
    ['identity key', identityPub],
  ] as const) {
    if (Buffer.from(value, 'base64').length !== 32) throw new SimulatorError(400, `QR ${name} is not a base64 32-byte public key`);
  }
  return { ref, noisePub, identityPub, advSecret, platform };
}

function randomCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTVWXYZ0123456789';
  const bytes = randomBytes(8);
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}
