/**
 * What the servers do with a page's frames: log a stored session in (checking
 * its signature over the connection's nonce), link a page a phone paired,
 * hand over messages queued while the device was offline, take sends from the
 * device, and log a device's pages out when it is unlinked.
 */
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import type { Connection, SimulatorHub } from './hub';
import type { QrPairing } from './pairing';
import {
  LEGACY_TOKEN_KEYS,
  type ClientFrame,
  type LegacyTokens,
  type OutgoingMessage,
  type SessionInfo,
  type WireMedia,
  type WireMessage,
} from './protocol';
import { wireGroup, type AccountRecord, type DeviceRecord } from './state';
import { SimulatorError } from './errors';
import type { LinkedDevice } from './types';
import { lidOf, lidWid, userWid } from './wids';
import { DeviceActions } from './device-actions';
import { deviceMedia } from './phone-media';
import { BusinessOperations, businessOf } from './business';
import { pollExtras } from './polls';

export class DeviceConnections {
  readonly #hub: SimulatorHub;
  readonly #pairing: QrPairing;
  readonly #actions: DeviceActions;

  constructor(hub: SimulatorHub, pairing: QrPairing) {
    this.#hub = hub;
    this.#pairing = pairing;
    this.#actions = new DeviceActions(hub);
  }

  async onFrame(conn: Connection, frame: ClientFrame): Promise<void> {
    const hub = this.#hub;
    switch (frame.t) {
      case 'login':
      case 'legacy-login':
        // The login-hangs fault: no answer, and the page stays OPENING.
        if (hub.stallLogins > 0) {
          hub.stallLogins--;
          return;
        }
        return frame.t === 'login' ? this.#login(conn, frame.deviceId, frame.signature) : this.#legacyLogin(conn, frame.tokens);
      case 'pair':
        this.#pairing.begin(conn, frame);
        return;
      case 'refresh-qr':
        this.#pairing.refresh(conn);
        return;
      case 'pair-code':
        this.#pairing.requestCode(conn, frame.phone);
        return;
      case 'takeover': {
        if (!conn.deviceId) return;
        hub.activate(conn.deviceId, hub.state.findDevice(conn.deviceId)?.account.number ?? '', conn);
        hub.send(conn, { t: 'takeover-ok' });
        return;
      }
      case 'logout': {
        const deviceId = conn.deviceId;
        // This page gets its answer below; only the device's other pages get a
        // logout "from the bridge" (the phone), which fires a different Cmd event.
        conn.deviceId = undefined;
        if (deviceId) {
          const found = hub.state.findDevice(deviceId);
          if (found) await this.unlink(found.account, found.device);
        }
        hub.send(conn, { t: 'logged-out', reqId: frame.reqId });
        return;
      }
      case 'send':
        return this.#sendFromDevice(conn, frame.reqId, frame.msg);
      case 'seen':
        this.#seen(conn, frame.chatId);
        return;
      case 'chatstate': {
        const found = conn.deviceId ? hub.state.findDevice(conn.deviceId) : undefined;
        if (found && typeof frame.chatId === 'string' && ['composing', 'recording', 'paused'].includes(frame.state)) {
          (found.account.chatStates ??= {})[frame.chatId] = frame.state;
        }
        return;
      }
      case 'exists': {
        // queryWidExists: registered numbers answer with their wid (and the LID the page may now use).
        const number = typeof frame.number === 'string' ? frame.number.replace(/@c\.us$/, '') : '';
        const known = /^[1-9][0-9]{5,14}$/.test(number) && hub.state.isRegistered(number);
        hub.send(conn, { t: 'exists', reqId: frame.reqId, wid: known ? userWid(number) : null, lid: known ? lidWid(number) : null });
        return;
      }
      case 'history-request':
        return this.#historyRequest(conn, frame.chatId);
      case 'history-ack':
        conn.historyAcked++;
        for (const waiter of conn.historyWaiters.filter((w) => conn.historyAcked >= w.target)) {
          conn.historyWaiters.splice(conn.historyWaiters.indexOf(waiter), 1);
          waiter.resolve();
        }
        return;
      default:
        // What a device does to messages, chats, contacts and its profile.
        return this.#actions.onFrame(conn, frame);
    }
  }

  /** Links the page on `conn` (showing a QR or awaiting a code) to phone `number`. */
  async link(conn: Connection, number: string): Promise<LinkedDevice> {
    const hub = this.#hub;
    const p = conn.pairing;
    if (!p) throw new SimulatorError(409, 'the page is no longer waiting to be linked');
    this.#pairing.release(conn);
    conn.pairing = undefined;
    const account = hub.state.account(number);
    const now = new Date().toISOString();
    const device: DeviceRecord = {
      id: hub.state.newDeviceId(),
      identityPub: p.identityPub,
      noisePub: p.noisePub,
      platform: p.platform,
      browser: p.browser,
      linkedAt: now,
      lastSeenAt: now,
      ...(account.legacy ? { legacyTokens: newLegacyTokens() } : {}),
    };
    account.devices.push(device);
    conn.deviceId = device.id;
    hub.active.set(device.id, conn);
    await hub.state.save();
    const stall = hub.takeSyncStall();
    hub.send(conn, {
      t: 'paired',
      session: sessionInfo(account, device),
      offline: stall === undefined ? 0 : 1,
      ...(device.legacyTokens ? { legacy: device.legacyTokens } : {}),
    });
    this.#sendHistory(conn, account, device);
    const described = hub.describe(account, device);
    hub.emit('linked', described);
    await this.#deliverOffline(conn, account, device, stall);
    return described;
  }

  /** Forgets a linked device: its online pages are logged out, its next login is rejected. */
  async unlink(account: AccountRecord, device: DeviceRecord): Promise<void> {
    const hub = this.#hub;
    account.devices.splice(account.devices.indexOf(device), 1);
    delete account.offline[device.id];
    await hub.state.save();
    for (const conn of hub.connections) {
      if (conn.deviceId === device.id) {
        hub.send(conn, { t: 'logged-out' });
        conn.deviceId = undefined;
      }
    }
    hub.active.delete(device.id);
  }

  /** The page's socket closed: whatever it showed or held is released. */
  drop(conn: Connection): void {
    const hub = this.#hub;
    this.#pairing.release(conn);
    hub.connections.delete(conn);
    if (conn.deviceId && hub.active.get(conn.deviceId) === conn) hub.active.delete(conn.deviceId);
  }

  async #login(conn: Connection, deviceId: string, signature: string): Promise<void> {
    const hub = this.#hub;
    const found = hub.state.findDevice(String(deviceId));
    if (!found) {
      hub.send(conn, { t: 'login-rejected', reason: 'unlinked' });
      hub.emit('rejected', String(deviceId), 'unlinked');
      return;
    }
    const { account, device } = found;
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(device.identityPub, 'base64').toString('base64url') },
      format: 'jwk',
    });
    let valid = false;
    try {
      valid = verify(null, Buffer.from(conn.nonce), key, Buffer.from(String(signature), 'base64'));
    } catch {
      valid = false;
    }
    if (!valid) {
      hub.send(conn, { t: 'login-rejected', reason: 'bad-signature' });
      hub.emit('rejected', device.id, 'bad-signature');
      return;
    }
    await this.#accept(conn, account, device);
  }

  /**
   * A legacy session's login: the four tokens must be exactly those the server gave the device.
   * Tampered or revoked tokens are rejected (the page then pairs again).
   */
  async #legacyLogin(conn: Connection, tokens: LegacyTokens): Promise<void> {
    const hub = this.#hub;
    const found = typeof tokens?.WAToken1 === 'string' ? hub.state.findLegacyDevice(tokens.WAToken1) : undefined;
    const matches = found && LEGACY_TOKEN_KEYS.every((k) => found.device.legacyTokens?.[k] === tokens[k]);
    if (!found || !matches || !found.account.legacy) {
      hub.send(conn, { t: 'login-rejected', reason: 'bad-tokens' });
      hub.emit('rejected', found?.device.id ?? 'legacy', 'bad-tokens');
      return;
    }
    await this.#accept(conn, found.account, found.device);
  }

  /** A login the server accepted: this page is now the device's active one (any other gets CONFLICT). */
  async #accept(conn: Connection, account: AccountRecord, device: DeviceRecord): Promise<void> {
    const hub = this.#hub;
    conn.deviceId = device.id;
    hub.activate(device.id, account.number, conn);
    device.lastSeenAt = new Date().toISOString();
    await hub.state.save();
    const offline = account.offline[device.id] ?? [];
    const stall = hub.takeSyncStall();
    hub.send(conn, {
      t: 'login-ok',
      session: sessionInfo(account, device),
      offline: Math.max(offline.length, stall === undefined ? 0 : 1),
    });
    this.#sendHistory(conn, account, device);
    hub.emit('login', hub.describe(account, device));
    await this.#deliverOffline(conn, account, device, stall);
  }

  /**
   * The account's recent messages, none of them new: history sync for a newly linked device, and
   * what a restored page loads from its storage in the real app. Messages still queued for this
   * device come after, as new ones.
   */
  #sendHistory(conn: Connection, account: AccountRecord, device: DeviceRecord): void {
    const named = Object.entries(account.contacts ?? {}).map(([number, name]) => ({
      wid: userWid(number),
      lid: lidWid(number),
      name,
      ...businessOf(this.#hub, number),
    }));
    const contacts = [...named, ...(account.blocked ?? []).map((n) => ({ wid: userWid(n), lid: lidWid(n), blocked: true }))];
    if (contacts.length > 0) this.#hub.send(conn, { t: 'contacts', contacts });
    const business = BusinessOperations.data(account);
    if (business) this.#hub.send(conn, { t: 'business', data: business });
    for (const group of this.#hub.state.groupsOf(account.number)) this.#hub.send(conn, { t: 'group', group: wireGroup(group) });
    this.#actions.channels.sendTo(conn, account.number);
    for (const [chatId, settings] of Object.entries(account.chatSettings ?? {}))
      if (settings.locked === true) this.#hub.send(conn, { t: 'chat-locked', chatId, locked: true });
    const queued = new Set((account.offline[device.id] ?? []).map((m) => m.id));
    const all = [...(account.history ?? []), ...account.sent].filter((m) => !queued.has(m.id)).sort((a, b) => a.t - b.t);
    const history = all.slice(-HISTORY_SYNC_MESSAGES);
    // A chat whose older messages were cut off stays incomplete until the device asks for them.
    const cut = new Set(all.slice(0, -HISTORY_SYNC_MESSAGES).map((m) => m.chatId));
    const ends = Object.fromEntries(history.map((m) => [m.chatId, cut.has(m.chatId) ? 0 : 1] as const));
    if (history.length > 0) this.#hub.send(conn, { t: 'old-msgs', msgs: history, ends });
  }

  /** On-demand history sync: the phone sends a device all of a chat's messages it keeps. */
  async #historyRequest(conn: Connection, chatId: unknown): Promise<void> {
    const found = conn.deviceId ? this.#hub.state.findDevice(conn.deviceId) : undefined;
    if (!found || typeof chatId !== 'string') return;
    const { account } = found;
    const msgs = [...(account.history ?? []), ...account.sent].filter((m) => m.chatId === chatId).sort((a, b) => a.t - b.t);
    (account.historyRequests ??= []).push(chatId);
    await this.#hub.state.save();
    this.#hub.send(conn, { t: 'old-msgs', msgs, ends: { [chatId]: 1 } });
  }

  /** Messages queued while the device was offline, then the end of sync; `stallAt`: sync stops at that percentage. */
  async #deliverOffline(conn: Connection, account: AccountRecord, device: DeviceRecord, stallAt?: number): Promise<void> {
    if (stallAt !== undefined) {
      // The stuck-sync fault: progress stops short of 100 %, queued messages stay queued, `hasSynced` never flips.
      this.#hub.send(conn, { t: 'offline', progress: stallAt });
      return;
    }
    const queue = account.offline[device.id] ?? [];
    if (queue.length > 0) {
      delete account.offline[device.id];
      await this.#hub.state.save();
      queue.forEach((msg, i) => {
        this.#hub.send(conn, { t: 'offline', progress: Math.round(((i + 1) / queue.length) * 100), msg });
      });
    }
    this.#hub.later(this.#hub.options.syncDelayMs, () => this.#hub.send(conn, { t: 'synced' }));
  }

  /**
   * A device sends: the server keeps the message (the phone API reads it) under the id the web app
   * chose, answers `sent` (ack 1), and the recipient's phone has it at once (ack 2). Read (ack 3)
   * comes when the phone API marks it read.
   */
  async #sendFromDevice(conn: Connection, reqId: number, out: OutgoingMessage): Promise<void> {
    const hub = this.#hub;
    const found = conn.deviceId ? hub.state.findDevice(conn.deviceId) : undefined;
    if (!found || hub.active.get(found.device.id) !== conn) return;
    const to = String(out?.to ?? '');
    const chatId = to.includes('@') ? to : `${to}@c.us`;
    const id =
      typeof out?.id === 'string' && /^[0-9A-F]{8,64}$/.test(out.id) ? out.id : `3EB0${randomBytes(8).toString('hex').toUpperCase()}`;
    const msg: WireMessage = {
      id,
      chatId,
      from: `${found.account.number}@c.us`,
      to: chatId,
      body: String(out?.body ?? ''),
      t: Math.floor(Date.now() / 1000),
      fromMe: true,
      type: typeof out?.type === 'string' ? out.type : 'chat',
      ...(typeof out?.quotedId === 'string' ? { quotedId: out.quotedId } : {}),
      ...(isMedia(out?.media) && hub.media.get(out.media.directPath) ? { media: deviceMedia(hub, out.media) } : {}),
      ...wireExtras(out),
      ...pollExtras(out),
      ack: 2,
    };
    // A group that refuses this sender (not a member, or only admins write): received, then failed (ack -1).
    const refused = chatId.endsWith('@g.us') && !this.#actions.groups.maySend(found.account.number, chatId);
    if (refused) msg.ack = -1;
    found.account.sent.push(msg);
    await hub.state.save();
    hub.send(conn, { t: 'sent', reqId, msg: { ...msg, ack: 1 } });
    hub.send(conn, { t: 'ack', chatId, id, ack: refused ? -1 : 2 });
    hub.emit('sent', found.account.number, msg);
    if (chatId.endsWith('@g.us') && !refused) await this.#actions.groups.relay(found.account.number, msg);
    else if (msg.type === 'groups_v4_invite') await this.#relayInvite(found.account.number, msg);
  }

  /**
   * A private group invite a device sent (whatsapp-web.js sends one after a refused add) reaches the
   * invitee's phone and devices, when the invitee has an account here. (Other texts between two
   * accounts stay with the sender, as the phone API reads them.)
   */
  async #relayInvite(sender: string, sent: WireMessage): Promise<void> {
    const account = this.#hub.state.peek(sent.chatId.replace(/@c\.us$/, ''));
    if (!account) return;
    const { ack: _ack, ...content } = sent;
    const from = `${sender}@c.us`;
    await this.#hub.deliver(account, { ...content, chatId: from, from, to: sent.chatId, fromMe: false });
  }

  /** The device read a chat: the contact's phone sees blue ticks (recorded for the phone API). */
  #seen(conn: Connection, chatId: unknown): void {
    const found = conn.deviceId ? this.#hub.state.findDevice(conn.deviceId) : undefined;
    if (!found || typeof chatId !== 'string') return;
    found.account.seen = [...(found.account.seen ?? []).filter((c) => c !== chatId), chatId];
  }
}

function sessionInfo(account: AccountRecord, device: DeviceRecord): SessionInfo {
  const lid = lidOf(account.number);
  return {
    deviceId: device.id,
    wid: { server: 'c.us', user: account.number, _serialized: `${account.number}@c.us` },
    lid: { server: 'lid', user: lid, _serialized: `${lid}@lid` },
    pushname: account.pushname,
    // A WhatsApp Business account's devices are linked to the business app (Android's `smba`).
    platform: account.business ? 'smba' : 'android',
  };
}

/** How many recent messages history sync gives a newly linked device. */
const HISTORY_SYNC_MESSAGES = 100;

/** The location/contact-card fields, mentions, forwarding and cards of a device's message, checked. */
function wireExtras(out: OutgoingMessage): Pick<WireMessage, 'fields' | 'mentions' | 'groupMentions' | 'forwardingScore' | 'vcards'> {
  const extras: Pick<WireMessage, 'fields' | 'mentions' | 'groupMentions' | 'forwardingScore' | 'vcards'> = {};
  if (typeof out?.fields === 'object' && out.fields !== null) {
    const fields = Object.entries(out.fields).filter(([, v]) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)));
    if (fields.length > 0) extras.fields = Object.fromEntries(fields);
  }
  if (Array.isArray(out?.mentions)) extras.mentions = out.mentions.filter((m) => typeof m === 'string' && m.includes('@'));
  if (Array.isArray(out?.groupMentions))
    extras.groupMentions = out.groupMentions
      .filter((g) => typeof g?.groupJid === 'string' && g.groupJid.endsWith('@g.us'))
      .map((g) => ({ groupJid: g.groupJid, groupSubject: String(g.groupSubject ?? '') }));
  if (typeof out?.forwardingScore === 'number' && Number.isInteger(out.forwardingScore) && out.forwardingScore > 0)
    extras.forwardingScore = out.forwardingScore;
  if (Array.isArray(out?.vcards))
    extras.vcards = out.vcards
      .filter((c) => typeof c?.vcard === 'string')
      .map((c) => ({ displayName: String(c.displayName ?? ''), vcard: c.vcard }));
  return extras;
}

/** A legacy session's tokens: JSON-quoted random values, as the old app kept them. */
function newLegacyTokens(): LegacyTokens {
  const value = (bytes: number): string => JSON.stringify(randomBytes(bytes).toString('base64'));
  return { WABrowserId: value(16), WASecretBundle: value(48), WAToken1: value(32), WAToken2: value(32) };
}

/** A media reference as a device sends it (the bytes themselves are on the media server). */
function isMedia(value: unknown): value is WireMedia {
  const m = value as Partial<WireMedia> | null | undefined;
  return (
    typeof m?.directPath === 'string' && typeof m.mediaKey === 'string' && typeof m.mimetype === 'string' && typeof m.size === 'number'
  );
}
