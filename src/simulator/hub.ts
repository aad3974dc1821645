/**
 * The simulated WhatsApp servers' shared state, in one owner: the persisted
 * accounts, the live page connections, which connection a device is active
 * on, the QR references and pairing codes on screen, and the timers that must
 * not outlive the simulator. The serving, pairing, connection and phone
 * modules all work on this one object.
 */
import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import { SimulatorBuilds } from './builds';
import { SimulatorError } from './errors';
import { MediaServer } from './media';
import type { ServerFrame, WireMessage } from './protocol';
import { remember, type AccountRecord, type DeviceRecord, type ServerState } from './state';
import type { LinkedDevice, PhoneCall, PhoneCallLink, PhoneChannel, SessionOverlap, SimulatorEvents, SimulatorOptions } from './types';

export type ResolvedOptions = Required<Omit<SimulatorOptions, 'stateFile' | 'adminToken'>> & { stateFile: string | undefined };

/** Emits a simulator event to the user's listeners (the facade's safe emit). */
export type Emit = <K extends keyof SimulatorEvents>(event: K, ...args: SimulatorEvents[K]) => void;

export interface Pairing {
  identityPub: string;
  noisePub: string;
  advSecret: string;
  platform: string;
  browser: string;
  ref: string;
  rotations: number;
  timer: NodeJS.Timeout | undefined;
}

export interface Connection {
  readonly id: number;
  readonly ws: WebSocket;
  nonce: string;
  pairing: Pairing | undefined;
  deviceId: string | undefined;
  historySent: number;
  historyAcked: number;
  /** Fills waiting until this many history chunks are acknowledged. */
  historyWaiters: Array<{ target: number; resolve: () => void }>;
  /** The chat this page's window last opened, and the message it was opened at. */
  window?: { chatId: string; msgId: string | null };
}

/** Marks a device that is "open elsewhere" (a browser the simulator imagines). */
export const ELSEWHERE = Symbol('elsewhere');

export function resolveOptions(options: SimulatorOptions): ResolvedOptions {
  return {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    adminPort: options.adminPort ?? 0,
    stateFile: options.stateFile,
    refIntervalMs: options.refIntervalMs ?? 20_000,
    refRotations: options.refRotations ?? 5,
    syncDelayMs: options.syncDelayMs ?? 50,
    reloadIntervalMs: options.reloadIntervalMs ?? 0,
  };
}

export class SimulatorHub {
  readonly connections = new Set<Connection>();
  /** The media servers (uploads and downloads, kept in memory). */
  readonly media = new MediaServer();
  /** Profile pictures by chat id (a user's `<number>@c.us`, a group's id): the picture's id and its path. */
  readonly pictures = new Map<string, { id: string; path: string }>();
  /** Calls (not kept across restarts: a call is live) and the call links each account's devices made. */
  readonly calls: PhoneCall[] = [];
  readonly callLinks = new Map<string, PhoneCallLink[]>();
  /** Channels (newsletters) by id, deleted ones too (not kept across restarts, as calls). */
  readonly channels = new Map<string, PhoneChannel>();
  /** The app builds `/` can serve, and which one it does. */
  readonly builds = new SimulatorBuilds();
  readonly active = new Map<string, Connection | typeof ELSEWHERE>();
  /** QR references on screen, and the page showing each. */
  readonly refs = new Map<string, Connection>();
  readonly expiredRefs = new Set<string>();
  /** Pairing codes a page asked for, and the phone number it asked for. */
  readonly codes = new Map<string, { conn: Connection; phone: string }>();
  /** Every moment a device was logged in on a second page while a first one still held it. */
  readonly overlaps: SessionOverlap[] = [];
  /** Page connections still to refuse. */
  refuse = 0;
  /** How long to hold the next page connection before answering it. */
  delayNextMs = 0;
  /** Page loads still to serve without their app script (the app never boots). */
  stallBoots = 0;
  /** Stored-session logins still to leave unanswered. */
  stallLogins = 0;
  /** Logins whose history sync still stops short, and at what percentage. */
  stallSyncs = { count: 0, percent: 50 };
  #timers = new Set<NodeJS.Timeout>();
  #seq = 0;

  constructor(
    readonly options: ResolvedOptions,
    readonly state: ServerState,
    readonly emit: Emit,
  ) {}

  /** A number unique within this simulator (connection ids, message ids). */
  nextSeq(): number {
    return ++this.#seq;
  }

  /** The account a contact writes to: it must have a linked device (409 otherwise). */
  recipient(number: string): AccountRecord {
    const account = this.state.peek(number);
    if (!account || account.devices.length === 0) throw new SimulatorError(409, `phone ${number} has no linked device to deliver to`);
    return account;
  }

  /** A new id for a message the servers make (`SIM…`). */
  messageId(): string {
    return `SIM${this.nextSeq().toString(16).toUpperCase()}${randomBytes(4).toString('hex').toUpperCase()}`;
  }

  /** A message from contact `sender` to account `number`, sent now (`extra` adds or overrides fields). */
  incoming(number: string, sender: string, body: string, extra: Partial<WireMessage> = {}): WireMessage {
    return {
      id: this.messageId(),
      chatId: `${sender}@c.us`,
      from: `${sender}@c.us`,
      to: `${number}@c.us`,
      body,
      t: Math.floor(Date.now() / 1000),
      fromMe: false,
      ...extra,
    };
  }

  /**
   * Gives `msg` to every device of the account: online ones now (after `before`, e.g. group metadata),
   * offline ones at their next login. Keeps it for history sync and saves the state.
   */
  async deliver(account: AccountRecord, msg: WireMessage, before?: ServerFrame): Promise<void> {
    remember(account, msg);
    for (const device of account.devices) {
      const conn = this.online(device.id);
      if (conn && conn.ws.readyState === conn.ws.OPEN) {
        if (before) this.send(conn, before);
        this.send(conn, { t: 'msg', msg });
      } else {
        (account.offline[device.id] ??= []).push(msg);
      }
    }
    await this.state.save();
  }

  send(conn: Connection, frame: ServerFrame): void {
    if (conn.ws.readyState === conn.ws.OPEN) conn.ws.send(JSON.stringify(frame));
  }

  /** The percentage this login's history sync stops at, when the stuck-sync fault takes it. */
  takeSyncStall(): number | undefined {
    if (this.stallSyncs.count <= 0) return undefined;
    this.stallSyncs.count--;
    return this.stallSyncs.percent;
  }

  /** Runs `fn` after `ms`, unless the simulator closes first. */
  later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    this.#timers.add(timer);
  }

  clearTimers(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  /**
   * `conn` becomes the page holding `deviceId`. A previous page whose socket is still open is told
   * CONFLICT, and the moment is recorded: two browsers held the session.
   */
  activate(deviceId: string, phone: string, conn: Connection): void {
    const previous = this.active.get(deviceId);
    if (previous && previous !== ELSEWHERE && previous !== conn) {
      if (previous.ws.readyState === previous.ws.OPEN) {
        const overlap = { deviceId, phone, at: new Date().toISOString() };
        this.overlaps.push(overlap);
        this.emit('overlap', overlap);
      }
      this.send(previous, { t: 'conflict' });
    }
    this.active.set(deviceId, conn);
  }

  /** The connection a device is active on, unless it is offline or open elsewhere. */
  online(deviceId: string): Connection | undefined {
    const active = this.active.get(deviceId);
    return active === ELSEWHERE ? undefined : active;
  }

  /** An existing account, or an empty view of one that has linked nothing yet. */
  account(number: string): AccountRecord {
    return this.state.peek(number) ?? { number, pushname: '', devices: [], sent: [], offline: {} };
  }

  device(number: string, deviceId: unknown): { account: AccountRecord; device: DeviceRecord } {
    const account = this.state.peek(number);
    const device = account?.devices.find((d) => d.id === deviceId);
    if (!account || !device) throw new SimulatorError(404, `phone ${number} has no linked device ${String(deviceId)}`);
    return { account, device };
  }

  describe(account: AccountRecord, device: DeviceRecord): LinkedDevice {
    const conn = this.online(device.id);
    return {
      id: device.id,
      phone: account.number,
      platform: device.platform,
      browser: device.browser,
      deviceName: device.deviceName ?? '',
      linkedAt: device.linkedAt,
      lastSeenAt: device.lastSeenAt,
      online: conn !== undefined,
      ...(conn?.window ? { window: { ...conn.window } } : {}),
    };
  }
}
