/**
 * WhatsApp Business accounts. A phone made a business account (`sim.phone(number, { business })`) has a
 * profile other accounts' devices see, labels its phone and devices put on chats, and notes on its
 * customers. Every change reaches the account's online devices as one `business` frame (all of it);
 * the phone reads the rest (`phone.business`).
 */
import { randomBytes } from 'node:crypto';
import { SimulatorError } from './errors';
import type { Connection, SimulatorHub } from './hub';
import type { ClientFrame, WireBusinessData, WireBusinessProfile, WireCatalogProduct, WireLabel, WireNote } from './protocol';
import { assertPhoneNumber, type AccountRecord, type BusinessRecord } from './state';

/** The colours the app gives labels, by colour index. */
const LABEL_COLORS = [
  '#ff9485',
  '#64c4ff',
  '#ffd429',
  '#dfaef0',
  '#99b6c1',
  '#55ccb3',
  '#ff9dff',
  '#d3a91d',
  '#6d7cce',
  '#d7e752',
  '#00d0e2',
  '#ffc5c7',
  '#93ceac',
  '#f74848',
  '#00a0f2',
  '#83e422',
  '#ffaf04',
  '#b5ebff',
  '#9ba6ff',
  '#9368cf',
] as const;

/** The labels a new WhatsApp Business account starts with. */
const DEFAULT_LABELS = ['New customer', 'New order', 'Pending payment', 'Paid', 'Order complete'];

/** What a business shows about itself (its name is the account's display name). */
export interface BusinessOptions {
  description?: string;
  category?: string;
  email?: string;
  website?: string[];
  address?: string;
}

/** A label as the phone lists it: with the chats that carry it. */
export interface PhoneLabel extends WireLabel {
  chats: string[];
}

const CHAT_ID = /^[^@\s]+@(c\.us|g\.us|lid)$/;

function label(id: string, name: string, colorIndex: number): WireLabel {
  return { id, name, colorIndex, hexColor: LABEL_COLORS[colorIndex % LABEL_COLORS.length] ?? LABEL_COLORS[0] };
}

/** A chat id from a number or an id. */
function chatIdOf(value: unknown): string {
  const id = typeof value === 'string' && !value.includes('@') ? `${value}@c.us` : value;
  if (typeof id !== 'string' || !CHAT_ID.test(id)) throw new SimulatorError(400, 'chatId must be a chat id or a number');
  return id;
}

/** A customer's jid (`<digits>@s.whatsapp.net`) from a number, a user id or a jid. */
function customerJid(value: unknown): string {
  const digits = typeof value === 'string' ? value.replace(/@(c\.us|s\.whatsapp\.net)$/, '') : value;
  return `${assertPhoneNumber(digits)}@s.whatsapp.net`;
}

/** A contact's `business` field for a device: the profile when `number` is a business account. */
export function businessOf(hub: SimulatorHub, number: string): { business?: WireBusinessProfile } {
  const account = hub.state.peek(number);
  return account?.business ? { business: { name: account.pushname, ...account.business.profile } } : {};
}

export class BusinessOperations {
  constructor(private readonly hub: SimulatorHub) {}

  /**
   * Makes `number` a business account (one already keeps its labels and notes): it starts with the app's
   * default labels. Kept in the state file with the account's next change, as `sim.phone`'s other options.
   */
  make(number: string, options: BusinessOptions = {}): void {
    const account = this.hub.state.account(number);
    const profile: BusinessRecord['profile'] = {
      description: options.description ?? '',
      category: options.category ?? 'Other business',
      ...(options.email === undefined ? {} : { email: options.email }),
      ...(options.website === undefined ? {} : { website: [...options.website] }),
      ...(options.address === undefined ? {} : { address: options.address }),
    };
    account.business = account.business
      ? { ...account.business, profile }
      : { profile, labels: DEFAULT_LABELS.map((name, i) => label(String(i + 1), name, i)), chatLabels: {}, notes: {} };
    this.#tell(account);
  }

  /** What a business account's devices are told (undefined: a personal account). */
  static data(account: AccountRecord): WireBusinessData | undefined {
    const business = account.business;
    if (!business) return undefined;
    return {
      labels: business.labels.map((l) => ({ ...l })),
      chatLabels: Object.fromEntries(Object.entries(business.chatLabels).filter(([, ids]) => ids.length > 0)),
      notes: Object.values(business.notes).map((n) => ({ ...n })),
      catalog: (business.catalog ?? []).map((p) => ({ ...p })),
    };
  }

  /** The phone adds a product to its catalog (or replaces the one of that id). */
  async addProduct(number: string, product: WireCatalogProduct): Promise<void> {
    const business = this.#business(number);
    const { id, name, description, retailerId } = product ?? {};
    for (const [key, value] of Object.entries({ id, name, description }))
      if (typeof value !== 'string' || value.length > 500)
        throw new SimulatorError(400, `${key} must be a string of at most 500 characters`);
    if (retailerId !== undefined && typeof retailerId !== 'string') throw new SimulatorError(400, 'retailerId must be a string');
    const kept = { id, name, description, ...(retailerId === undefined ? {} : { retailerId }) };
    business.catalog = [...(business.catalog ?? []).filter((p) => p.id !== id), kept];
    await this.#changed(number);
  }

  /** The account's labels, each with the chats that carry it. */
  labels(number: string): PhoneLabel[] {
    const business = this.#business(number);
    return business.labels.map((l) => ({
      ...l,
      chats: Object.entries(business.chatLabels)
        .filter(([, ids]) => ids.includes(l.id))
        .map(([chatId]) => chatId),
    }));
  }

  /** The phone makes a label. */
  async addLabel(number: string, name: unknown, colorIndex?: unknown): Promise<WireLabel> {
    const business = this.#business(number);
    if (typeof name !== 'string' || name.trim() === '' || name.length > 100)
      throw new SimulatorError(400, 'name must be 1 to 100 characters');
    const index = colorIndex ?? business.labels.length;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= LABEL_COLORS.length)
      throw new SimulatorError(400, `colorIndex must be an integer from 0 to ${LABEL_COLORS.length - 1}`);
    const id = String(Math.max(0, ...business.labels.map((l) => Number(l.id))) + 1);
    const made = label(id, name, index);
    business.labels.push(made);
    await this.#changed(number);
    return { ...made };
  }

  /** The phone puts a label on a chat, or takes it off. */
  async labelChat(number: string, chatId: unknown, labelId: unknown, on: boolean): Promise<void> {
    const business = this.#business(number);
    const id = chatIdOf(chatId);
    if (!business.labels.some((l) => l.id === String(labelId))) throw new SimulatorError(404, `no label ${JSON.stringify(labelId)}`);
    this.#apply(business, [{ chatId: id, labelId: String(labelId), add: on }]);
    await this.#changed(number);
  }

  /** The account's note on a customer, or null. */
  note(number: string, customer: unknown): WireNote | null {
    const note = this.#business(number).notes[customerJid(customer)];
    return note === undefined ? null : { ...note };
  }

  /** The phone writes (or rewrites) its note on a customer. */
  async setNote(number: string, customer: unknown, content: unknown): Promise<WireNote> {
    if (typeof content !== 'string' || content.length > 1000)
      throw new SimulatorError(400, 'content must be a string of at most 1000 characters');
    const note = this.#write(this.#business(number), customerJid(customer), content);
    await this.#changed(number);
    return { ...note };
  }

  /** A device labelled chats or wrote a note: recorded, and every device of the account is told. */
  async onDeviceFrame(conn: Connection, frame: Extract<ClientFrame, { t: 'labels' } | { t: 'note' }>): Promise<void> {
    const found = conn.deviceId ? this.hub.state.findDevice(conn.deviceId) : undefined;
    const business = found?.account.business;
    if (!found || !business) return;
    if (frame.t === 'labels') {
      if (!Array.isArray(frame.changes)) return;
      const known = new Set(business.labels.map((l) => l.id));
      this.#apply(
        business,
        frame.changes.filter((c) => typeof c?.chatId === 'string' && CHAT_ID.test(c.chatId) && known.has(String(c.labelId))),
      );
    } else {
      if (
        typeof frame.content !== 'string' ||
        typeof frame.chatJid !== 'string' ||
        !/^[1-9][0-9]{5,14}@s\.whatsapp\.net$/.test(frame.chatJid)
      )
        return;
      this.#write(business, frame.chatJid, frame.content);
    }
    await this.#changed(found.account.number);
  }

  #apply(business: BusinessRecord, changes: Array<{ chatId: string; labelId: string; add: boolean }>): void {
    for (const { chatId, labelId, add } of changes) {
      const others = (business.chatLabels[chatId] ?? []).filter((id) => id !== String(labelId));
      business.chatLabels[chatId] = add === true ? [...others, String(labelId)] : others;
    }
  }

  #write(business: BusinessRecord, chatJid: string, content: string): WireNote {
    const now = Math.floor(Date.now() / 1000);
    const old = business.notes[chatJid];
    const note: WireNote = old
      ? { ...old, content, modifiedAt: now }
      : { id: randomBytes(8).toString('hex').toUpperCase(), chatJid, content, type: 'unstructured', createdAt: now, modifiedAt: now };
    business.notes[chatJid] = note;
    return note;
  }

  #business(number: string): BusinessRecord {
    const business = this.hub.account(number).business;
    if (!business) throw new SimulatorError(409, `${number} is not a business account`);
    return business;
  }

  async #changed(number: string): Promise<void> {
    await this.hub.state.save();
    this.#tell(this.hub.account(number));
  }

  #tell(account: AccountRecord): void {
    const data = BusinessOperations.data(account);
    if (!data) return;
    for (const device of account.devices) {
      const conn = this.hub.online(device.id);
      if (conn) this.hub.send(conn, { t: 'business', data });
    }
  }
}

/** What a business account's phone does with its labels and notes (`phone.business`). */
export class PhoneBusiness {
  constructor(
    private readonly ops: BusinessOperations,
    readonly number: string,
  ) {}

  /** The account's labels, each with the chats that carry it (ids). */
  labels(): PhoneLabel[] {
    return this.ops.labels(this.number);
  }

  /** Makes a label; its colour is `colorIndex` in the app's palette (0 to 19; the next one by default). */
  addLabel(name: string, colorIndex?: number): Promise<WireLabel> {
    return this.ops.addLabel(this.number, name, colorIndex);
  }

  /** Puts a label on a chat (a number or a chat id), or takes it off (`on` false). */
  labelChat(chatId: string, labelId: string, on = true): Promise<void> {
    return this.ops.labelChat(this.number, chatId, labelId, on);
  }

  /** The note on a customer (a number or a user id), or null. */
  note(customer: string): WireNote | null {
    return this.ops.note(this.number, customer);
  }

  setNote(customer: string, content: string): Promise<WireNote> {
    return this.ops.setNote(this.number, customer, content);
  }

  /** Adds a product to the account's catalog: what `Product.getData()` answers for its id. */
  addProduct(product: WireCatalogProduct): Promise<void> {
    return this.ops.addProduct(this.number, product);
  }
}
