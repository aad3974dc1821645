/** The simulator's public option, device and event types, shared by its modules. */
import type { NewsletterBasics, WireMedia, WireMessage } from './protocol';

/** The host the simulated page is served as. */
export const SIMULATED_HOST = 'web.whatsapp.com';

export interface SimulatorOptions {
  /** HTTPS port for the page. @default 0 (chosen by the OS) */
  port?: number;
  /** Address to listen on: loopback, unless `adminToken` is set. @default '127.0.0.1' */
  host?: string;
  /** Port of the phone/admin HTTP API; `false` starts none. @default 0 */
  adminPort?: number | false;
  /**
   * A secret the phone/admin API then requires on every request (`Authorization: Bearer <token>`), at
   * least 16 characters. Needed to listen on any address other than loopback. @default none
   */
  adminToken?: string;
  /** JSON file that keeps accounts and linked devices across restarts. @default in memory */
  stateFile?: string;
  /** How often the QR reference rotates. @default 20000 */
  refIntervalMs?: number;
  /** How many references a page shows before going to UNPAIRED_IDLE. @default 5 */
  refRotations?: number;
  /** Delay between a login and the end of history sync (`hasSynced`). @default 50 */
  syncDelayMs?: number;
  /** Every open page reloads itself this often, as the app does for updates (see `reloadPages()`). @default 0 (never) */
  reloadIntervalMs?: number;
}

/** A device linked to a phone, as the phone API reports it. */
export interface LinkedDevice {
  id: string;
  phone: string;
  platform: string;
  browser: string;
  /** The name the phone lists the device by: the app's `WAWebMiscBrowserUtils.info().os` when it was linked ('' before it said). */
  deviceName: string;
  linkedAt: string;
  lastSeenAt: string | null;
  online: boolean;
  /** While online: the chat its app window last opened, and the message it opened at (`client.interface.openChatWindowAt`). */
  window?: { chatId: string; msgId: string | null };
}

// A type, not an interface: TypedEmitter's event map needs the implicit index signature.
export type SimulatorEvents = {
  /** A page is showing this QR text (emitted on every rotation). */
  qr: [qrText: string];
  /** A phone linked a new device. */
  linked: [device: LinkedDevice];
  /** A device logged in with its stored session. */
  login: [device: LinkedDevice];
  /** A stored session was rejected. */
  rejected: [deviceId: string, reason: string];
  /** A device sent a message. */
  sent: [phone: string, message: WireMessage];
  /** A second page logged a device in while another page still held it (the first one gets CONFLICT). */
  overlap: [overlap: SessionOverlap];
};

/** A moment two browsers held the same device's session. */
export interface SessionOverlap {
  deviceId: string;
  phone: string;
  at: string;
}

/** A call between two numbers, as both phones list it (`phone.calls()`). */
export interface PhoneCall {
  id: string;
  /** The caller's number. */
  from: string;
  /** The number called. */
  to: string;
  isVideo: boolean;
  isGroup: boolean;
  /** Group calls: every number invited, the caller first; empty for a private call. */
  participants: string[];
  /** Seconds since the epoch. */
  offerTime: number;
  /** `ringing` until a device of the callee rejects it (the caller's phone then sees `rejected`). */
  status: 'ringing' | 'rejected';
  /** The linked device that rejected it. */
  rejectedBy?: string;
}

/** A call link a device of the account made (`createCallLink`). */
export interface PhoneCallLink {
  link: string;
  callType: 'voice' | 'video';
  /** The start time the device gave, seconds since the epoch. */
  startTime: number;
}

/** A channel (newsletter) as the servers keep it and the phone API shows it (`phone.channel(id)`). */
export interface PhoneChannel extends NewsletterBasics {
  /** The owner's number. */
  owner: string;
  /** Admins' numbers (the owner is not listed). */
  admins: string[];
  /** Subscribers' numbers (admins and the owner are not listed). */
  subscribers: string[];
  /** Numbers an admin invite was sent to and is still open. */
  adminInvites: string[];
  /** Numbers that muted it. */
  mutedBy: string[];
  /** Posts, oldest first: id, text, type, who posted (a number), server id, time; a media post's file (unencrypted). */
  posts: Array<{ id: string; body: string; type: string; by: string; serverId: number; t: number; media?: WireMedia }>;
  /** A picture was set (base64 JPEG). */
  picture?: string;
  deleted: boolean;
}
