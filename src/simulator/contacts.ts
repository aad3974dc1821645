/**
 * Who is on the simulated WhatsApp and how accounts know each other: numbers registered on the
 * network (what `queryWidExists` answers), each phone's address book (contact names its devices
 * show), and what the phone sees of its devices' chats (typing states).
 */
import { SimulatorError } from './errors';
import type { SimulatorHub } from './hub';
import { lidWid, userWid } from './connections';
import { assertPhoneNumber } from './state';

export class ContactOperations {
  constructor(private readonly hub: SimulatorHub) {}

  /** Puts `number` on WhatsApp (accounts always are): `getNumberId` finds it. */
  async register(number: unknown): Promise<void> {
    const n = assertPhoneNumber(number);
    this.hub.state.unregistered.delete(n);
    this.hub.state.registered.add(n);
    await this.hub.state.save();
  }

  /** Takes `number` off WhatsApp: `getNumberId` answers `null`. */
  async unregister(number: unknown): Promise<void> {
    const n = assertPhoneNumber(number);
    this.hub.state.registered.delete(n);
    this.hub.state.unregistered.add(n);
    await this.hub.state.save();
  }

  isRegistered(number: unknown): boolean {
    return this.hub.state.isRegistered(assertPhoneNumber(number));
  }

  /** Adds (or renames) a contact in the phone's address book; online devices learn it at once. */
  async addContact(phoneNumber: string, contact: unknown, name: unknown): Promise<void> {
    const n = assertPhoneNumber(contact);
    if (typeof name !== 'string' || name.trim() === '' || name.length > 100)
      throw new SimulatorError(400, 'name must be 1 to 100 characters');
    const account = this.hub.state.account(phoneNumber);
    (account.contacts ??= {})[n] = name;
    await this.hub.state.save();
    for (const device of account.devices) {
      const conn = this.hub.online(device.id);
      if (conn) this.hub.send(conn, { t: 'contacts', contacts: [{ wid: userWid(n), lid: lidWid(n), name }] });
    }
  }

  /** The last typing state (`composing`, `recording`, `paused`) the phone's devices sent to a chat. */
  chatState(phoneNumber: string, chatId: unknown): string | undefined {
    const id = typeof chatId === 'string' && !chatId.includes('@') ? `${chatId}@c.us` : chatId;
    return typeof id === 'string' ? this.hub.account(phoneNumber).chatStates?.[id] : undefined;
  }
}
