/**
 * Who is on the simulated WhatsApp and how accounts know each other: numbers registered on the
 * network (what `queryWidExists` answers), each phone's address book (contact names its devices
 * show), whom it blocked, its profile (display name, "about"), and what the phone sees of its
 * devices' chats (typing states). Changes a device makes arrive as frames ({@link onDeviceFrame}).
 */
import { SimulatorError } from './errors';
import type { Connection, SimulatorHub } from './hub';
import type { ChatSettings, ClientFrame, WireContact } from './protocol';
import { lidWid, userWid } from './wids';
import { assertPhoneNumber } from './state';
import { businessOf } from './business';

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
    this.#tellDevices(phoneNumber, [{ wid: userWid(n), lid: lidWid(n), name, ...businessOf(this.hub, n) }]);
  }

  /** Takes `contact` out of the phone's address book; online devices lose its name at once. */
  async removeContact(phoneNumber: string, contact: unknown): Promise<void> {
    const n = assertPhoneNumber(contact);
    const account = this.hub.state.account(phoneNumber);
    if (account.contacts) delete account.contacts[n];
    await this.hub.state.save();
    this.#tellDevices(phoneNumber, [{ wid: userWid(n), lid: lidWid(n), name: null }]);
  }

  /** The phone's address book: number → name. */
  addressBook(phoneNumber: string): Record<string, string> {
    return { ...this.hub.account(phoneNumber).contacts };
  }

  /** A user's devices as the servers list them: 0 its phone, then one number per linked device; null when not on WhatsApp. */
  devices(number: string): number[] | null {
    if (!this.hub.state.isRegistered(number)) return null;
    return [0, ...(this.hub.state.peek(number)?.devices ?? []).map((_, i) => i + 1)];
  }

  /** Blocks or unblocks `contact` for the account: its messages stop (or start again) reaching it; its devices learn it. */
  async block(phoneNumber: string, contact: unknown, blocked: boolean): Promise<void> {
    const n = assertPhoneNumber(contact);
    const account = this.hub.state.account(phoneNumber);
    const others = (account.blocked ?? []).filter((b) => b !== n);
    account.blocked = blocked ? [...others, n] : others;
    await this.hub.state.save();
    this.#tellDevices(phoneNumber, [{ wid: userWid(n), lid: lidWid(n), blocked }]);
  }

  /** Numbers the account blocked, oldest first. */
  blocked(phoneNumber: string): string[] {
    return [...(this.hub.account(phoneNumber).blocked ?? [])];
  }

  /** Whether `phoneNumber` blocked `sender` (whose messages then never reach it). */
  isBlocked(phoneNumber: string, sender: string): boolean {
    return this.hub.account(phoneNumber).blocked?.includes(sender) === true;
  }

  /** The account's display name. */
  pushname(phoneNumber: string): string {
    return this.hub.account(phoneNumber).pushname;
  }

  /** The phone locks a chat (or unlocks it); the account's devices show it locked. */
  async lockChat(phoneNumber: string, chatId: unknown, locked: boolean): Promise<void> {
    const id = typeof chatId === 'string' && !chatId.includes('@') ? `${chatId}@c.us` : chatId;
    if (typeof id !== 'string' || !/^[^@\s]+@(c\.us|g\.us|lid)$/.test(id))
      throw new SimulatorError(400, 'chatId must be a chat id or a number');
    const all = (this.hub.state.account(phoneNumber).chatSettings ??= {});
    all[id] = { ...all[id], locked };
    await this.hub.state.save();
    for (const device of this.hub.account(phoneNumber).devices) {
      const conn = this.hub.online(device.id);
      if (conn) this.hub.send(conn, { t: 'chat-locked', chatId: id, locked });
    }
  }

  /** The account's own "about" text, as its phone sets it; what other accounts' devices read. */
  async setAbout(phoneNumber: string, text: unknown): Promise<void> {
    if (typeof text !== 'string' || text.length > 139) throw new SimulatorError(400, 'about must be a string of at most 139 characters');
    this.hub.state.account(phoneNumber).status = text;
    await this.hub.state.save();
  }

  /** What a device of an account changed about its contacts or its profile. */
  async onDeviceFrame(
    conn: Connection,
    frame: Extract<
      ClientFrame,
      | { t: 'pushname' }
      | { t: 'block' }
      | { t: 'about' }
      | { t: 'chat-settings' }
      | { t: 'save-contact' }
      | { t: 'delete-contact' }
      | { t: 'devices' }
    >,
  ): Promise<void> {
    const found = conn.deviceId ? this.hub.state.findDevice(conn.deviceId) : undefined;
    if (!found) return;
    const number = found.account.number;
    switch (frame.t) {
      case 'pushname':
        if (typeof frame.name !== 'string' || frame.name.trim() === '' || frame.name.length > 25) return;
        found.account.pushname = frame.name;
        await this.hub.state.save();
        return;
      case 'block':
        if (typeof frame.number === 'string' && /^[1-9][0-9]{5,14}$/.test(frame.number))
          await this.block(number, frame.number, frame.blocked === true);
        return;
      case 'chat-settings': {
        if (typeof frame.chatId !== 'string' || !/^[^@\s]+@(c\.us|g\.us|lid|broadcast|newsletter)$/.test(frame.chatId)) return;
        const settings = checkedSettings(frame.settings);
        const all = (found.account.chatSettings ??= {});
        all[frame.chatId] = { ...all[frame.chatId], ...settings };
        await this.hub.state.save();
        return;
      }
      case 'save-contact':
        if (isNumber(frame.number) && typeof frame.name === 'string' && frame.name.trim() !== '' && frame.name.length <= 100)
          await this.addContact(number, frame.number, frame.name);
        return;
      case 'delete-contact':
        if (isNumber(frame.number)) await this.removeContact(number, frame.number);
        return;
      case 'devices':
        this.hub.send(conn, { t: 'devices', reqId: frame.reqId, devices: isNumber(frame.number) ? this.devices(frame.number) : null });
        return;
      case 'about': {
        const contact = typeof frame.number === 'string' && /^[1-9][0-9]{5,14}$/.test(frame.number) ? frame.number : undefined;
        const status = contact === undefined ? undefined : this.hub.state.peek(contact)?.status;
        this.hub.send(conn, { t: 'about', reqId: frame.reqId, status: status ?? null });
        return;
      }
    }
  }

  #tellDevices(phoneNumber: string, contacts: WireContact[]): void {
    for (const device of this.hub.account(phoneNumber).devices) {
      const conn = this.hub.online(device.id);
      if (conn) this.hub.send(conn, { t: 'contacts', contacts });
    }
  }

  /** What the account's devices changed in a chat's settings (archived, pinned, muted, marked unread, cleared, deleted). */
  chatSettings(phoneNumber: string, chatId: unknown): ChatSettings | undefined {
    const id = typeof chatId === 'string' && !chatId.includes('@') ? `${chatId}@c.us` : chatId;
    const settings = typeof id === 'string' ? this.hub.account(phoneNumber).chatSettings?.[id] : undefined;
    return settings === undefined ? undefined : { ...settings };
  }

  /** The last typing state (`composing`, `recording`, `paused`) the phone's devices sent to a chat. */
  chatState(phoneNumber: string, chatId: unknown): string | undefined {
    const id = typeof chatId === 'string' && !chatId.includes('@') ? `${chatId}@c.us` : chatId;
    return typeof id === 'string' ? this.hub.account(phoneNumber).chatStates?.[id] : undefined;
  }
}

function isNumber(value: unknown): value is string {
  return typeof value === 'string' && /^[1-9][0-9]{5,14}$/.test(value);
}

/** The fields of a device's chat settings that have the right types. */
function checkedSettings(value: unknown): ChatSettings {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const settings: ChatSettings = {};
  for (const key of ['archived', 'pinned', 'markedUnread', 'cleared', 'deleted'] as const)
    if (typeof v[key] === 'boolean') settings[key] = v[key];
  if (typeof v['muteExpiration'] === 'number' && Number.isInteger(v['muteExpiration'])) settings.muteExpiration = v['muteExpiration'];
  return settings;
}
