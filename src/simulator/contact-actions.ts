/**
 * What a contact does beyond sending text: locations and contact cards, reactions to messages,
 * pins, edits of its own messages. Each reaches the account's online devices as the real app shows it.
 */
import { BusinessMessages, type PhoneBusinessMessage } from './business-messages';
import { SimulatorError } from './errors';
import type { SimulatorHub } from './hub';
import { PollActions } from './polls';
import { StatusActions } from './status';
import type { WireMessage } from './protocol';
import { assertPhoneNumber, contactNumber, type AccountRecord } from './state';

export interface PhoneLocation {
  latitude: number;
  longitude: number;
  name?: string;
  address?: string;
  url?: string;
}

export type { PhoneBusinessMessage, PhoneOrderItem } from './business-messages';

export class ContactActions {
  /** Polls and events a contact sends, and its votes. */
  readonly polls: PollActions;
  /** Status posts contacts make, and the account's own. */
  readonly status: StatusActions;
  /** Products, orders, payments, button and list replies a contact sends (and the order queries of devices). */
  readonly business: BusinessMessages;

  constructor(private readonly hub: SimulatorHub) {
    this.polls = new PollActions(hub);
    this.status = new StatusActions(hub);
    this.business = new BusinessMessages(hub);
  }

  /** A contact shares a location. */
  async sendLocation(number: string, from: unknown, location: PhoneLocation): Promise<WireMessage> {
    const { latitude, longitude } = location ?? {};
    if (typeof latitude !== 'number' || Math.abs(latitude) > 90 || typeof longitude !== 'number' || Math.abs(longitude) > 180) {
      throw new SimulatorError(400, 'latitude must be within ±90 and longitude within ±180');
    }
    const loc = [location.name, location.address].filter((x): x is string => typeof x === 'string').join('\n');
    return this.#deliver(number, from, '', 'location', {
      lat: latitude,
      lng: longitude,
      ...(loc === '' ? {} : { loc }),
      ...(typeof location.url === 'string' ? { clientUrl: location.url } : {}),
    });
  }

  /** A contact sends a contact card (a vCard 3.0 of `name` and `phone`). */
  async sendContactCard(number: string, from: unknown, card: { name: unknown; phone: unknown }): Promise<WireMessage> {
    if (typeof card?.name !== 'string' || card.name.trim() === '') throw new SimulatorError(400, 'the card needs a name');
    const phone = assertPhoneNumber(card.phone);
    const vcard = `BEGIN:VCARD\nVERSION:3.0\nFN:${card.name}\nTEL;type=CELL;waid=${phone}:+${phone}\nEND:VCARD`;
    return this.#deliver(number, from, vcard, 'vcard', { vcardFormattedName: card.name });
  }

  /** A business contact shares a product or an order, sends a payment, or replies to buttons or a list (business-messages.ts). */
  sendBusinessMessage(number: string, from: unknown, message: PhoneBusinessMessage): Promise<WireMessage> {
    return this.business.send(number, from, message);
  }

  /** The contact reacts to a message in its chat (one a device sent, or one it sent itself); '' takes it back. */
  async react(number: string, messageId: unknown, reaction: unknown): Promise<void> {
    if (typeof reaction !== 'string' || reaction.length > 16)
      throw new SimulatorError(400, 'reaction must be an emoji, or empty to take it back');
    const account = this.hub.account(number);
    const own = account.sent.find((m) => m.id === messageId);
    const theirs = own ? undefined : account.history?.find((m) => m.id === messageId);
    const target = own ?? theirs;
    if (!target) throw new SimulatorError(404, `no message ${JSON.stringify(messageId)} in ${number}'s chats`);
    const frame = {
      t: 'reaction' as const,
      chatId: target.chatId,
      parentId: target.id,
      parentFromMe: own !== undefined,
      from: target.chatId,
      id: this.hub.messageId(),
      reaction,
    };
    this.#online(account, (conn) => this.hub.send(conn, frame));
  }

  /** The contact pins a message in its chat for `seconds` (false: unpins it); devices see it in the chat's pins. */
  async pin(number: string, messageId: unknown, pinned: unknown, seconds: unknown = 7 * 24 * 3600): Promise<void> {
    if (typeof pinned !== 'boolean') throw new SimulatorError(400, 'pinned must be true or false');
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds <= 0)
      throw new SimulatorError(400, 'seconds must be a positive integer');
    const account = this.hub.account(number);
    const own = account.sent.find((m) => m.id === messageId);
    const target = own ?? account.history?.find((m) => m.id === messageId);
    if (!target) throw new SimulatorError(404, `no message ${JSON.stringify(messageId)} in ${number}'s chats`);
    target.pinned = pinned;
    await this.hub.state.save();
    const frame = { t: 'pin' as const, chatId: target.chatId, id: target.id, fromMe: own !== undefined, pinned, seconds };
    this.#online(account, (conn) => this.hub.send(conn, frame));
  }

  /**
   * A contact changes its number to `newNumber`: the account's devices get the notification the app
   * shows in the chat with the old number (`notification_template`, subtype `change_number`).
   */
  async changeNumber(number: string, contact: unknown, newNumber: unknown): Promise<WireMessage> {
    const from = assertPhoneNumber(contact);
    const to = assertPhoneNumber(newNumber);
    if (from === to) throw new SimulatorError(400, 'the new number is the old one');
    const account = this.hub.recipient(number);
    const msg = this.hub.incoming(number, from, '', {
      to: `${to}@c.us`,
      type: 'notification_template',
      subtype: 'change_number',
      templateParams: [`${from}@c.us`, `${to}@c.us`],
    });
    await this.hub.deliver(account, msg);
    return msg;
  }

  /** The contact edits a text it sent: devices see the new body (`change:body`). */
  async edit(number: string, messageId: unknown, body: unknown): Promise<WireMessage> {
    if (typeof body !== 'string' || body.length === 0) throw new SimulatorError(400, 'body must be a non-empty string');
    const account = this.hub.account(number);
    const msg = account.history?.find((m) => m.id === messageId && !m.fromMe);
    if (!msg) throw new SimulatorError(404, `no message ${JSON.stringify(messageId)} was received by ${number}`);
    // A media message's text is its caption.
    if (msg.media) msg.media.caption = body;
    else msg.body = body;
    msg.edited = true;
    await this.hub.state.save();
    // The edit travels as a message of its own: its id and the sender's time are what devices record.
    const edit = { editId: this.hub.messageId(), editedAtMs: Date.now() };
    this.#online(account, (conn) => this.hub.send(conn, { t: 'edited', chatId: msg.chatId, id: msg.id, body, ...edit }));
    return { ...msg };
  }

  #online(account: AccountRecord, fn: (conn: NonNullable<ReturnType<SimulatorHub['online']>>) => void): void {
    for (const device of account.devices) {
      const conn = this.hub.online(device.id);
      if (conn) fn(conn);
    }
  }

  async #deliver(number: string, from: unknown, body: string, type: string, fields: Record<string, string | number>): Promise<WireMessage> {
    const account = this.hub.recipient(number);
    const msg = this.hub.incoming(number, contactNumber(from), body, { type, fields });
    await this.hub.deliver(account, msg);
    return msg;
  }
}
