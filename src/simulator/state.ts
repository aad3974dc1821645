/**
 * The simulated WhatsApp servers' durable state: accounts (one per phone
 * number) and their linked devices. Kept in memory, and mirrored to a JSON
 * file (written atomically) when the simulator is given one.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type {
  ChatSettings,
  LegacyTokens,
  WireBusinessProfile,
  WireCatalogProduct,
  WireGroup,
  WireLabel,
  WireMessage,
  WireNote,
  WireOrder,
} from './protocol';
import { SimulatorError } from './errors';
import { writeFileAtomic } from '../util/atomic-write';
import { isErrno } from '../util/errno';

export interface DeviceRecord {
  id: string;
  /** Base64 of the device's raw Ed25519 identity public key. */
  identityPub: string;
  noisePub: string;
  platform: string;
  browser: string;
  /** The name the phone lists the device by (the app's `WAWebMiscBrowserUtils.info().os`). */
  deviceName?: string;
  linkedAt: string;
  lastSeenAt: string | null;
  /** Legacy accounts: the session's four tokens, which a login must present exactly. */
  legacyTokens?: LegacyTokens;
}

export interface AccountRecord {
  number: string;
  pushname: string;
  /** A legacy (pre-multi-device) account: its devices log in with four localStorage tokens. */
  legacy?: boolean;
  devices: DeviceRecord[];
  /** Messages the account's devices sent (read through the phone API). */
  sent: WireMessage[];
  /** Messages waiting for a device that was offline, by device id. */
  offline: Record<string, WireMessage[]>;
  /** Chats a device marked read (`sendSeen`), most recent last. */
  seen?: string[];
  /** Chats a device asked the phone for older messages of (on-demand history sync), oldest first. */
  historyRequests?: string[];
  /** Messages the account received, oldest first (at most 200): what history sync gives a newly linked device. */
  history?: WireMessage[];
  /** The phone's address book: contact number → name. */
  contacts?: Record<string, string>;
  /** The last chat state a device sent to each chat (`composing`, `recording`, `paused`). */
  chatStates?: Record<string, string>;
  /** The account's "about" text, as its devices (or its phone) set it. */
  status?: string;
  /** Numbers the account blocked: their messages are not delivered to it. */
  blocked?: string[];
  /** Chat settings its devices changed, by chat id. */
  chatSettings?: Record<string, ChatSettings>;
  /** Who may add the account to groups (absent: everyone). */
  groupAdd?: 'all' | 'contacts' | 'none';
  /** A WhatsApp Business account (absent: a personal one): its profile, labels and customer notes. */
  business?: BusinessRecord;
  /** Orders sent to the account, by order id: what its devices may query with the message's token. */
  orders?: Record<string, { token: string; order: WireOrder }>;
  /**
   * Groups as state files before the shared group model kept them (per account). Read once at load
   * into {@link ServerState.groups}, then dropped.
   */
  groups?: Record<string, WireGroup>;
}

/** A business account's own data, as its phone keeps it. */
export interface BusinessRecord {
  profile: Omit<WireBusinessProfile, 'name'>;
  labels: WireLabel[];
  /** Chat id → label ids. */
  chatLabels: Record<string, string[]>;
  /** Customer jid → note. */
  notes: Record<string, WireNote>;
  /** The products of its catalog. */
  catalog?: WireCatalogProduct[];
}

/**
 * A group as the servers keep it: one record however many members it has, its participants numbers
 * (`<number>@c.us`), its invite link code and the private (V4) invites its admins sent, which only
 * the servers know ({@link wireGroup} is what devices and phones see).
 */
export interface GroupRecord extends WireGroup {
  announce: boolean;
  restrict: boolean;
  memberAddMode: 'admin_add' | 'all_member_add';
  /** The invite link's code, made when an admin first asks for it; a revoked code is forgotten. */
  inviteCode?: string;
  /** Private invites an admin sent (each to one user, until it expires or is used). */
  v4Invites?: V4InviteRecord[];
}

/** A private (V4) invite: sent by `admin` to `invitee` (`<number>@c.us`), good until `expiration` (seconds). */
export interface V4InviteRecord {
  code: string;
  expiration: number;
  admin: string;
  invitee: string;
}

/** A group as its members' devices and phones see it: without the codes only the servers know. */
export function wireGroup(group: GroupRecord): WireGroup {
  const { inviteCode: _code, v4Invites: _invites, ...seen } = structuredClone(group);
  return seen;
}

interface StateFile {
  version: 1;
  accounts: AccountRecord[];
  /** Numbers on WhatsApp that have no account here (contacts registered through the phone API). */
  registered?: string[];
  /** Every group, one record each. */
  groups?: GroupRecord[];
}

const PHONE_RE = /^[1-9][0-9]{5,14}$/;

/** A contact's number from `<number>` or `<number>@c.us`; 400 otherwise. */
export function contactNumber(value: unknown): string {
  return assertPhoneNumber(typeof value === 'string' ? value.replace(/@c\.us$/, '') : value);
}

export function assertPhoneNumber(number: unknown): string {
  if (typeof number !== 'string' || !PHONE_RE.test(number)) {
    throw new SimulatorError(400, `phone number must be 6 to 15 digits with no leading zero or '+', got ${JSON.stringify(number)}`);
  }
  return number;
}

export class ServerState {
  readonly accounts = new Map<string, AccountRecord>();
  /** Numbers registered on WhatsApp besides the accounts (which always are). */
  readonly registered = new Set<string>();
  /** Numbers taken off WhatsApp, accounts included. */
  readonly unregistered = new Set<string>();
  /** Every group by id: what each member's phone and devices see. */
  readonly groups = new Map<string, GroupRecord>();
  #writing: Promise<void> = Promise.resolve();

  private constructor(private readonly file: string | undefined) {}

  static async load(file: string | undefined): Promise<ServerState> {
    const state = new ServerState(file);
    if (!file) return state;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return state;
      throw err;
    }
    let parsed: StateFile | null;
    try {
      parsed = JSON.parse(text) as StateFile | null;
    } catch (err) {
      throw new SimulatorError(500, `simulator state file ${file} is not valid JSON`, { cause: err });
    }
    if (parsed?.version !== 1 || !Array.isArray(parsed.accounts)) {
      throw new SimulatorError(500, `simulator state file ${file} has an unknown format`);
    }
    for (const account of parsed.accounts) state.accounts.set(account.number, account);
    for (const number of parsed.registered ?? []) state.registered.add(number);
    for (const group of parsed.groups ?? []) state.groups.set(group.id, groupRecord(group));
    // Files from before the shared model kept each account's copy: the first copy of a group wins.
    for (const account of state.accounts.values()) {
      for (const group of Object.values(account.groups ?? {}))
        if (!state.groups.has(group.id)) state.groups.set(group.id, groupRecord(group));
      delete account.groups;
    }
    return state;
  }

  account(number: string, pushname?: string): AccountRecord {
    assertPhoneNumber(number);
    let account = this.accounts.get(number);
    if (!account) {
      account = { number, pushname: pushname ?? `Phone ${number.slice(-4)}`, devices: [], sent: [], offline: {} };
      this.accounts.set(number, account);
    } else if (pushname !== undefined) {
      account.pushname = pushname;
    }
    return account;
  }

  /** The device (and its account) a legacy session's `WAToken1` belongs to. */
  findLegacyDevice(token1: string): { account: AccountRecord; device: DeviceRecord } | undefined {
    for (const account of this.accounts.values()) {
      const device = account.devices.find((d) => d.legacyTokens?.WAToken1 === token1);
      if (device) return { account, device };
    }
    return undefined;
  }

  /** The account for `number` if it exists; never creates one. */
  peek(number: string): AccountRecord | undefined {
    return this.accounts.get(assertPhoneNumber(number));
  }

  findDevice(deviceId: string): { account: AccountRecord; device: DeviceRecord } | undefined {
    for (const account of this.accounts.values()) {
      const device = account.devices.find((d) => d.id === deviceId);
      if (device) return { account, device };
    }
    return undefined;
  }

  /** Whether `number` is on WhatsApp: an account, or a registered contact, and not taken off. */
  isRegistered(number: string): boolean {
    return !this.unregistered.has(number) && (this.accounts.has(number) || this.registered.has(number));
  }

  /** The groups `number` is a participant of, oldest first. */
  groupsOf(number: string): GroupRecord[] {
    const id = `${number}@c.us`;
    return [...this.groups.values()].filter((g) => g.participants.some((p) => p.id === id));
  }

  newDeviceId(): string {
    return randomBytes(8).toString('hex');
  }

  /** Persists the state (when a file was given). Writes are serialized and atomic. */
  save(): Promise<void> {
    const file = this.file;
    if (!file) return Promise.resolve();
    const snapshot: StateFile = {
      version: 1,
      accounts: [...this.accounts.values()],
      registered: [...this.registered],
      groups: [...this.groups.values()],
    };
    const text = JSON.stringify(snapshot, null, 2);
    const write = this.#writing
      .catch(() => undefined)
      .then(async () => {
        await mkdir(dirname(file), { recursive: true });
        await writeFileAtomic(file, text, 0o600);
      });
    // A failed write is reported to its caller only; later writes still run.
    this.#writing = write;
    return write;
  }
}

/** Keeps a received message for history sync and revokes (the newest 200). */
export function remember(account: AccountRecord, msg: WireMessage): void {
  const history = (account.history ??= []);
  history.push(msg);
  if (history.length > 200) history.splice(0, history.length - 200);
}

/** A stored group with the settings older records lack at their defaults. */
function groupRecord(group: WireGroup): GroupRecord {
  return {
    ...group,
    announce: group.announce ?? false,
    restrict: group.restrict ?? false,
    memberAddMode: group.memberAddMode ?? 'all_member_add',
  };
}
