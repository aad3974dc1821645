/**
 * The app's id objects: wids (`user@server`) and message keys, with the members clients use
 * (docs/page-contract.md, "Ids").
 */
import { breaks } from './build';

/** A WhatsApp id: `c.us` (phone number user), `lid`, `g.us` (group), `broadcast`, `newsletter`. */
export class Wid {
  readonly server: string;
  readonly user: string;
  readonly _serialized: string;

  constructor(serialized: string) {
    const at = serialized.lastIndexOf('@');
    if (at <= 0 || at === serialized.length - 1) throw new Error(`invalid wid ${JSON.stringify(serialized)}`);
    this.user = serialized.slice(0, at);
    this.server = serialized.slice(at + 1);
    this._serialized = serialized;
  }

  isLid(): boolean {
    return this.server === 'lid';
  }
  isGroup(): boolean {
    return this.server === 'g.us';
  }
  isUser(): boolean {
    return this.server === 'c.us' || this.server === 'lid';
  }
  isStatus(): boolean {
    return this._serialized === 'status@broadcast';
  }
  toString(): string {
    return this._serialized;
  }
  toJid(): string {
    return this.server === 'c.us' ? `${this.user}@s.whatsapp.net` : this._serialized;
  }
}

/** A wid from user input (`<n>@c.us` or the bare number `<n>`, `<lid>@lid`, `<id>@g.us`, `status@broadcast`) or a wid-like object. */
export function createWid(input: unknown): Wid {
  if (input instanceof Wid) return input;
  // A bare phone number is a user (whatsapp-web.js's deleteAddressbookContact passes one); a user's
  // jid (`<n>@s.whatsapp.net`, as the servers' answers name users) is its `c.us` wid, as in the app.
  if (typeof input === 'string')
    return new Wid(/^[1-9][0-9]{5,14}$/.test(input) ? `${input}@c.us` : input.replace(/@s\.whatsapp\.net$/, '@c.us'));
  const serialized = (input as { _serialized?: unknown } | null)?._serialized;
  if (typeof serialized === 'string') return new Wid(serialized);
  throw new Error(`cannot make a wid of ${String(input)}`);
}

export function asUserWidOrThrow(wid: unknown): Wid {
  const w = createWid(wid);
  if (!w.isUser()) throw new Error(`${w._serialized} is not a user wid`);
  return w;
}

/** `WAWebWidFactory`. */
export const widFactory = { createWid, asUserWidOrThrow, createWidFromWidLike: createWid };

export interface MsgKeyFields {
  fromMe?: boolean;
  remote?: unknown;
  from?: unknown;
  to?: unknown;
  id: string;
  participant?: unknown;
  /** `out` for messages this device sends. */
  selfDir?: string;
}

/** A message key, `<fromMe>_<remote>_<id>[_<participant>]` serialized. `WAWebMsgKey` is this class. */
export class MsgKey {
  readonly fromMe: boolean;
  readonly remote: Wid;
  readonly id: string;
  readonly participant: Wid | undefined;
  /** Absent in a build that dropped it (`keys-without-serialized`): `toString()` still gives it. */
  declare readonly _serialized?: string;
  readonly #serialized: string;

  constructor(fields: MsgKeyFields) {
    const out = fields.selfDir === 'out';
    this.fromMe = fields.fromMe ?? out;
    this.remote = createWid(fields.remote ?? (this.fromMe ? fields.to : fields.from));
    this.id = fields.id;
    this.participant = fields.participant === undefined || fields.participant === null ? undefined : createWid(fields.participant);
    const tail = this.participant ? `_${this.participant._serialized}` : '';
    this.#serialized = `${this.fromMe}_${this.remote._serialized}_${this.id}${tail}`;
    if (!breaks('keys-without-serialized')) Object.defineProperty(this, '_serialized', { value: this.#serialized, enumerable: true });
  }

  /** A new id, as the web app makes them: `3EB0` and 16 more hex digits. */
  static async newId(): Promise<string> {
    const bytes = crypto.getRandomValues(new Uint8Array(8));
    return `3EB0${Array.from(bytes, (b) => b.toString(16).padStart(2, '0'))
      .join('')
      .toUpperCase()}`;
  }

  /** The key a serialized key names (`true_<remote>_<id>[_<participant>]`). */
  static fromString(serialized: string): MsgKey {
    const [fromMe, remote, id, participant] = String(serialized).split('_');
    if ((fromMe !== 'true' && fromMe !== 'false') || !remote || !id) throw new Error(`not a message key: ${serialized}`);
    return new MsgKey({ fromMe: fromMe === 'true', remote, id, participant });
  }

  toString(): string {
    return this.#serialized;
  }
}
