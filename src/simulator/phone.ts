/**
 * The phone's side: what a person does on the phone that owns an account
 * (scan a QR, enter a pairing code, unlink a device) and what the account's
 * contacts and other browsers do to it (send texts, queue them while a device
 * is offline, open a session elsewhere, push history).
 */
import { randomBytes } from 'node:crypto';
import type { DeviceConnections } from './connections';
import { deliverMedia, sentMedia, type PhoneMedia, type SentMedia } from './phone-media';
import { SimulatorError } from './errors';
import { ELSEWHERE, type SimulatorHub } from './hub';
import type { QrPairing } from './pairing';
import type { WireGroupMention, WireMessage } from './protocol';
import { contactNumber, remember } from './state';
import type { LinkedDevice } from './types';
import { lidWid, userWid } from './wids';

/** The operations behind {@link SimulatedPhone}, for any phone number. Internal to the simulator. */
export class PhoneOperations {
  readonly #hub: SimulatorHub;
  readonly #pairing: QrPairing;
  readonly #connections: DeviceConnections;

  constructor(hub: SimulatorHub, pairing: QrPairing, connections: DeviceConnections) {
    this.#hub = hub;
    this.#pairing = pairing;
    this.#connections = connections;
  }

  /** Messages the account's devices sent, oldest first (a copy). */
  sentMessages(number: string): WireMessage[] {
    return [...this.#hub.account(number).sent];
  }

  /**
   * The contact read a message a device sent (blue ticks): its `ack` becomes 3 and every online
   * device of the account sees `change:ack`. Unknown ids are a 404; reading twice changes nothing.
   */
  async markRead(number: string, messageId: unknown): Promise<WireMessage> {
    const hub = this.#hub;
    const account = hub.account(number);
    const msg = typeof messageId === 'string' ? account.sent.find((m) => m.id === messageId) : undefined;
    if (!msg) throw new SimulatorError(404, `no message ${JSON.stringify(messageId)} was sent from ${number}`);
    if ((msg.ack ?? 2) < 3) {
      msg.ack = 3;
      await hub.state.save();
      for (const device of account.devices) {
        const conn = hub.online(device.id);
        if (conn) hub.send(conn, { t: 'ack', chatId: msg.chatId, id: msg.id, ack: 3 });
      }
    }
    return { ...msg };
  }

  /** Messages the account received, oldest first (a copy; reactions its devices sent are on them). */
  receivedMessages(number: string): WireMessage[] {
    return structuredClone(this.#hub.account(number).history ?? []);
  }

  /** The "about" text the account's devices set. */
  status(number: string): string | undefined {
    return this.#hub.account(number).status;
  }

  /** Chats the account's devices marked read, most recent last. */
  seenChats(number: string): string[] {
    return [...(this.#hub.account(number).seen ?? [])];
  }

  /** Chats the account's devices asked for older messages of, oldest first. */
  historyRequests(number: string): string[] {
    return [...(this.#hub.account(number).historyRequests ?? [])];
  }

  devices(number: string): LinkedDevice[] {
    const account = this.#hub.account(number);
    return account.devices.map((d) => this.#hub.describe(account, d));
  }

  async scan(number: string, text: unknown): Promise<LinkedDevice> {
    return this.#connections.link(this.#pairing.pageShowing(text), number);
  }

  async pairWithCode(number: string, code: unknown): Promise<LinkedDevice> {
    return this.#connections.link(this.#pairing.pageAwaitingCode(number, code), number);
  }

  async unlink(number: string, deviceId: unknown): Promise<void> {
    const { account, device } = this.#hub.device(number, deviceId);
    await this.#connections.unlink(account, device);
  }

  /**
   * A contact sends a text. With `ciphertext`, online devices first get an undecryptable placeholder
   * (`type: 'ciphertext'`) that decrypts `decryptAfterMs` later, as the real app's do.
   */
  async deliver(number: string, from: unknown, body: unknown, options: DeliverOptions = {}): Promise<WireMessage> {
    const hub = this.#hub;
    if (typeof body !== 'string' || body.length === 0) throw new SimulatorError(400, 'message body must be a non-empty string');
    const sender = contactNumber(from);
    const account = hub.recipient(number);
    const msg = hub.incoming(number, sender, body, {
      ...(typeof options.quotedId === 'string' ? { quotedId: options.quotedId } : {}),
      ...(options.groupMentions === undefined ? {} : { groupMentions: checkedGroupMentions(options.groupMentions) }),
      ...(options.fromLid === true ? lidAddressed(number, sender, options.sharePn !== false) : {}),
    });
    // A contact the account blocked: the message leaves the sender and never arrives.
    if (account.blocked?.includes(sender)) return msg;
    remember(account, msg);
    // Whoever sends a message is on WhatsApp.
    if (!hub.state.isRegistered(sender)) hub.state.registered.add(sender);
    for (const device of account.devices) {
      const conn = hub.online(device.id);
      if (conn && conn.ws.readyState === conn.ws.OPEN) {
        if (options.ciphertext === true) {
          hub.send(conn, { t: 'msg', msg: { ...msg, type: 'ciphertext', body: '' } });
          hub.later(options.decryptAfterMs ?? 300, () =>
            hub.send(conn, { t: 'decrypt', chatId: msg.chatId, id: msg.id, type: 'chat', body: msg.body }),
          );
        } else {
          hub.send(conn, { t: 'msg', msg });
        }
      } else {
        (account.offline[device.id] ??= []).push(msg);
      }
    }
    // Saved either way: the message is kept for history sync and revokes.
    await hub.state.save();
    return msg;
  }

  /** A contact sends media: see {@link deliverMedia}. */
  deliverMedia(number: string, from: unknown, media: PhoneMedia): Promise<WireMessage> {
    return deliverMedia(this.#hub, number, from, media);
  }

  /** The bytes of media a device sent: see {@link sentMedia}. */
  sentMedia(number: string, messageId: unknown): SentMedia {
    return sentMedia(this.#hub, number, messageId);
  }

  /**
   * An older message in a chat with `from`, `ageSeconds` ago: kept as history, which a device gets
   * when it is linked (never as a new message).
   */
  async addHistory(number: string, from: unknown, body: unknown, ageSeconds: unknown): Promise<WireMessage> {
    const hub = this.#hub;
    if (typeof body !== 'string' || body.length === 0) throw new SimulatorError(400, 'message body must be a non-empty string');
    const sender = contactNumber(from);
    const age = ageSeconds === undefined ? 3600 : ageSeconds;
    if (typeof age !== 'number' || !Number.isInteger(age) || age < 0) throw new SimulatorError(400, 'ageSeconds must be an integer >= 0');
    const account = hub.state.account(number);
    const msg = hub.incoming(number, sender, body, { t: Math.floor(Date.now() / 1000) - age, type: 'chat' });
    remember(account, msg);
    await hub.state.save();
    return msg;
  }

  /** The account deletes message `id` for itself (sent or received): gone from its records and online devices. */
  async deleteForMe(number: string, messageId: unknown): Promise<void> {
    const hub = this.#hub;
    const account = hub.account(number);
    const msg = [...(account.history ?? []), ...account.sent].find((m) => m.id === messageId);
    if (!msg) throw new SimulatorError(404, `no message ${JSON.stringify(messageId)} in the chats of ${number}`);
    account.history = account.history?.filter((m) => m !== msg);
    account.sent = account.sent.filter((m) => m !== msg);
    await hub.state.save();
    for (const device of account.devices) {
      const conn = hub.online(device.id);
      if (conn) hub.send(conn, { t: 'delete-for-me', chatId: msg.chatId, id: msg.id, fromMe: msg.fromMe });
    }
  }

  /** The contact deletes message `id` it sent, for everyone: online devices see it become `revoked`. */
  async revoke(number: string, messageId: unknown): Promise<WireMessage> {
    const hub = this.#hub;
    const account = hub.account(number);
    const msg = typeof messageId === 'string' ? account.history?.find((m) => m.id === messageId) : undefined;
    if (!msg) throw new SimulatorError(404, `no message ${JSON.stringify(messageId)} was received by ${number}`);
    msg.type = 'revoked';
    msg.body = '';
    await hub.state.save();
    for (const device of account.devices) {
      const conn = hub.online(device.id);
      if (conn) hub.send(conn, { t: 'revoke', chatId: msg.chatId, id: msg.id, fromMe: false });
    }
    return { ...msg };
  }

  async queueOffline(number: string, deviceId: unknown, count: unknown): Promise<number> {
    const hub = this.#hub;
    const { account, device } = hub.device(number, deviceId);
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 10_000) {
      throw new SimulatorError(400, 'count must be an integer from 1 to 10000');
    }
    const queue = (account.offline[device.id] ??= []);
    for (let i = 0; i < count; i++) {
      queue.push({
        id: `OFF${hub.nextSeq().toString(16).toUpperCase()}`,
        chatId: `${contactFor(i)}@c.us`,
        from: `${contactFor(i)}@c.us`,
        to: `${number}@c.us`,
        body: `offline message ${i + 1} of ${count}`,
        t: Math.floor(Date.now() / 1000),
        fromMe: false,
      });
    }
    await hub.state.save();
    return queue.length;
  }

  openElsewhere(number: string, deviceId: unknown): void {
    const hub = this.#hub;
    const { device } = hub.device(number, deviceId);
    const active = hub.online(device.id);
    if (active) hub.send(active, { t: 'conflict' });
    hub.active.set(device.id, ELSEWHERE);
  }

  async fillHistory(number: string, deviceId: unknown, bytes: unknown): Promise<number> {
    const hub = this.#hub;
    const { device } = hub.device(number, deviceId);
    if (typeof bytes !== 'number' || !Number.isInteger(bytes) || bytes < 1 || bytes > 1024 * 1024 * 1024) {
      throw new SimulatorError(400, 'bytes must be an integer from 1 to 1 GiB');
    }
    const conn = hub.online(device.id);
    if (!conn) throw new SimulatorError(409, `device ${device.id} is not online`);
    const chunkSize = 256 * 1024;
    const chunks = Math.ceil(bytes / chunkSize);
    const first = conn.historySent;
    conn.historySent += chunks;
    const done = new Promise<void>((resolve, reject) => {
      const onClose = (): void => reject(new SimulatorError(409, `device ${device.id} went offline during the history fill`));
      conn.ws.once('close', onClose);
      conn.historyWaiters.push({
        target: first + chunks,
        resolve: () => {
          conn.ws.off('close', onClose);
          resolve();
        },
      });
    });
    for (let i = 0; i < chunks; i++) {
      const size = Math.min(chunkSize, bytes - i * chunkSize);
      // Random base64 text: it compresses like real encrypted history, i.e. barely.
      const chunk = randomBytes(Math.ceil((size * 3) / 4))
        .toString('base64')
        .slice(0, size);
      hub.send(conn, { t: 'history', seq: first + i, chunk, last: i === chunks - 1 });
    }
    await done;
    return chunks;
  }
}

function contactFor(i: number): string {
  return String(15550100000 + (i % 7));
}

export interface DeliverOptions {
  /** The id of a message (either side's) this one replies to. */
  quotedId?: string;
  /** Online devices first get an undecryptable placeholder. @default false */
  ciphertext?: boolean;
  /** When the placeholder decrypts. @default 300 */
  decryptAfterMs?: number;
  /** Groups the text mentions: `{ subject, id: '<id>@g.us' }` each (`Message.groupMentions`). */
  groupMentions?: Array<{ subject: string; id: string }>;
  /**
   * The contact writes from its LID, as the servers address LID-migrated contacts: the chat and `from`
   * are `<lid>@lid` (the account's own LID is `to`). @default false
   */
  fromLid?: boolean;
  /** With `fromLid`: the servers tell the sender's phone number along (`sender_pn`); false hides it. @default true */
  sharePn?: boolean;
}

function checkedGroupMentions(list: unknown): WireGroupMention[] {
  if (!Array.isArray(list)) throw new SimulatorError(400, 'groupMentions must be a list of { subject, id }');
  return list.map((g: { subject?: unknown; id?: unknown }) => {
    if (typeof g?.subject !== 'string' || typeof g.id !== 'string' || !g.id.endsWith('@g.us'))
      throw new SimulatorError(400, 'a group mention is { subject, id: "<id>@g.us" }');
    return { groupJid: g.id, groupSubject: g.subject };
  });
}

/** How the servers address a message from a LID-migrated contact: its LID, the account's LID, and its number when told. */
function lidAddressed(number: string, sender: string, sharePn: boolean): Partial<WireMessage> {
  const from = lidWid(sender)._serialized;
  return { chatId: from, from, to: lidWid(number)._serialized, ...(sharePn ? { senderPn: userWid(sender)._serialized } : {}) };
}
