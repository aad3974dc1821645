/**
 * A WhatsApp Business account's data in the app: `WAWebCollections.Label` (labels with their
 * `labelItemCollection`, and `addOrRemoveLabels(actions, chats)`), the labels of each chat and contact
 * (`chat.labels`, `contact.labels`: label ids), customer notes, and the business profiles of contacts
 * that are business accounts (`WAWebCollections.BusinessProfile`). The servers send all of the
 * account's labels and notes after every change (`business` frame); a personal account has none.
 */
import type { ClientFrame, WireBusinessData, WireBusinessProfile, WireCatalogProduct, WireNote } from '../protocol';
import type { MessageStore } from './message-store';
import { Collection, Model } from './models';
import type { ContactModel } from './contact-model';
import { createWid, type Wid } from './wid';

/** One labelled thing: whatsapp-web.js reads `parentType` and `parentId`. */
class LabelItem extends Model {
  readonly parentType = 'Chat';
  constructor(
    readonly id: string,
    readonly parentId: string,
  ) {
    super();
  }
}

export class LabelModel extends Model {
  name: string;
  colorIndex: number;
  /** The colour as the app shows it (read as a member, not from `serialize()`). */
  hexColor: string;
  readonly labelItemCollection = new Collection<LabelItem>(LabelItem);
  constructor(
    readonly id: string,
    name: string,
    colorIndex: number,
    hexColor: string,
  ) {
    super();
    this.name = name;
    this.colorIndex = colorIndex;
    this.hexColor = hexColor;
  }
  serialize(): Record<string, unknown> {
    return { id: this.id, name: this.name, colorIndex: this.colorIndex, count: this.labelItemCollection.length };
  }
}

/** A note on a customer, as `WAWebNoteAction` hands it out. */
export class NoteModel extends Model {
  constructor(private readonly note: WireNote) {
    super();
  }
  get id(): string {
    return this.note.id;
  }
  serialize(): Record<string, unknown> {
    return { ...this.note };
  }
}

/** A business's profile (`BusinessProfile.find`): `profileOptions` only when the contact is a business account. */
export class BusinessProfileModel extends Model {
  readonly profileOptions: { commerceExperience: string; cartEnabled: boolean } | undefined;
  constructor(
    readonly id: Wid,
    private readonly profile: WireBusinessProfile | undefined,
  ) {
    super();
    this.profileOptions = profile ? { commerceExperience: 'none', cartEnabled: false } : undefined;
  }
  serialize(): Record<string, unknown> {
    const p = this.profile;
    if (!p) return { id: this.id };
    return {
      id: this.id,
      description: p.description,
      categories: [{ id: '', localized_display_name: p.category }],
      email: p.email,
      website: p.website ?? [],
      address: p.address,
      profileOptions: this.profileOptions,
    };
  }
}

type LabelAction = { id: unknown; type: 'add' | 'remove' };

export class BusinessStore {
  readonly labels = Object.assign(new Collection<LabelModel>(LabelModel), {
    /** Adds and takes off labels on chats: the servers record it and tell every device of the account. */
    addOrRemoveLabels: async (actions: LabelAction[], chats: Array<{ id: unknown }>): Promise<void> => this.#change(actions, chats),
  });
  /** Business contacts' profiles, by serialized wid. */
  readonly #profiles = new Map<string, WireBusinessProfile>();
  /** Customer notes, by customer jid. */
  readonly #notes = new Map<string, WireNote>();
  /** The account's catalog, by product id. */
  readonly #catalog = new Map<string, WireCatalogProduct>();

  constructor(
    private readonly store: MessageStore,
    private readonly send: (frame: ClientFrame) => void,
  ) {}

  /** The account's labels and notes, as the servers sent them. */
  apply(data: WireBusinessData): void {
    const ids = new Set(data.labels.map((l) => l.id));
    for (const old of this.labels.getModelsArray()) if (!ids.has(old.id)) this.labels.remove(old.id);
    for (const l of data.labels) {
      const model = this.labels.get(l.id) ?? this.labels.add(new LabelModel(l.id, l.name, l.colorIndex, l.hexColor));
      model.set('name', l.name);
      model.set('colorIndex', l.colorIndex);
      model.set('hexColor', l.hexColor);
    }
    const labelled = new Map(Object.entries(data.chatLabels));
    // Chats that lost every label, then the ones that carry some.
    for (const chat of this.store.chats.getModelsArray())
      if (chat.labels !== undefined && !labelled.has(chat.id._serialized)) labelled.set(chat.id._serialized, []);
    for (const [chatId, labelIds] of labelled) this.#setChatLabels(createWid(chatId), labelIds);
    this.#notes.clear();
    for (const note of data.notes) this.#notes.set(note.chatJid, note);
    this.#catalog.clear();
    for (const product of data.catalog ?? []) this.#catalog.set(product.id, product);
  }

  /** A product of the account's catalog. */
  catalogProduct(id: string): WireCatalogProduct | undefined {
    return this.#catalog.get(id);
  }

  /** A contact that is a business account: its profile, `isBusiness` and verified name. */
  learnProfile(contact: ContactModel, profile: WireBusinessProfile): void {
    this.#profiles.set(contact.id._serialized, profile);
    contact.set('isBusiness', true);
    contact.set('verifiedName', profile.name);
  }

  profile(wid: unknown): BusinessProfileModel {
    const id = createWid(wid);
    return new BusinessProfileModel(id, this.#profiles.get(id._serialized));
  }

  note(chatJid: string): NoteModel | null {
    const note = this.#notes.get(chatJid);
    return note === undefined ? null : new NoteModel(note);
  }

  /** Writes a note locally (the servers' answer carries the same) and sends it. */
  writeNote(chatJid: string, content: string): NoteModel {
    const now = Math.floor(Date.now() / 1000);
    const old = this.#notes.get(chatJid);
    const note: WireNote = old
      ? { ...old, content, modifiedAt: now }
      : {
          id: `${now.toString(16)}${Math.floor(Math.random() * 0xffff).toString(16)}`.toUpperCase(),
          chatJid,
          content,
          type: 'unstructured',
          createdAt: now,
          modifiedAt: now,
        };
    this.#notes.set(chatJid, note);
    this.send({ t: 'note', chatJid, content });
    return new NoteModel(note);
  }

  #change(actions: LabelAction[], chats: Array<{ id: unknown }>): void {
    const changes: Array<{ chatId: string; labelId: string; add: boolean }> = [];
    for (const chat of chats) {
      const wid = createWid(chat.id);
      const current = new Set(this.store.chats.get(wid)?.labels ?? []);
      for (const action of actions) {
        const labelId = String(action.id);
        if (!this.labels.get(labelId)) throw new Error(`no label ${labelId}`);
        if (action.type === 'add') current.add(labelId);
        else current.delete(labelId);
        changes.push({ chatId: wid._serialized, labelId, add: action.type === 'add' });
      }
      this.#setChatLabels(wid, [...current]);
    }
    if (changes.length > 0) this.send({ t: 'labels', changes });
  }

  #setChatLabels(wid: Wid, labelIds: string[]): void {
    const key = wid._serialized;
    this.store.chatFor(wid).chat.set('labels', labelIds);
    this.store.contacts.get(wid)?.set('labels', labelIds);
    for (const label of this.labels.getModelsArray()) {
      const on = labelIds.includes(label.id);
      const itemId = `${label.id}:${key}`;
      if (on && !label.labelItemCollection.get(itemId)) label.labelItemCollection.add(new LabelItem(itemId, key));
      if (!on) label.labelItemCollection.remove(itemId);
    }
  }
}
