import type { PageContact } from '../../web/bridge';
import { asDeclared } from '../compat/declared';
import { installNotYet } from '../compat/install';
import { CONTACT_MEMBERS } from '../compat/model-members';
import type { ModelClient } from './model-client';
import type { ModelTypes } from './registry';
import { toWid, type Wid } from './wid';

declare module './registry' {
  interface ModelTypes {
    Contact: Contact;
  }
}

/**
 * A contact, shaped like whatsapp-web.js's `Contact`: a snapshot, fetch again for fresh values.
 * `PrivateContact` and `BusinessContact` are its kinds.
 */
export class Contact {
  readonly id: Wid;
  readonly number: string;
  /** The name in the address book, when saved. */
  readonly name: string | undefined;
  /** The name the contact set for themself; `undefined` when none, as in whatsapp-web.js (declared `string`). */
  readonly pushname: string;
  readonly shortName: string | undefined;
  readonly isMe: boolean;
  readonly isUser: boolean;
  readonly isGroup: boolean;
  readonly isMyContact: boolean;
  readonly isBusiness: boolean;
  isBlocked: boolean;
  readonly #client: ModelClient;

  /** A user on WhatsApp (false for groups and numbers not on it). */
  readonly isWAContact: boolean;
  readonly isEnterprise: boolean;
  /** Their status updates are muted. */
  readonly statusMute: boolean;
  /** The app's kind of contact (`in`: one the account knows). */
  readonly type: string;
  /** The address book's section letter, when the app gives one. */
  /** Declared `string` as in whatsapp-web.js; `undefined` when the app gives none (there too). */
  readonly sectionHeader: string;
  /** The contact's LID (`<lid>@lid`) and phone-number id (`<number>@c.us`), each where known (the session's LID map fills a gap). */
  readonly lid?: string;
  readonly phoneNumber?: string;
  /** A WhatsApp Business account's labels on the contact's chat (ids); `undefined` on a personal account. */
  readonly labels?: string[];
  /**
   * A business contact's verified name and level, as the app gives them; `undefined` for others (whatsapp-web.js
   * declares both `undefined`).
   */
  readonly verifiedLevel?: undefined;
  readonly verifiedName?: undefined;

  constructor(client: ModelClient, data: PageContact) {
    this.#client = client;
    this.id = toWid(data.id);
    this.number = data.number;
    this.name = data.name;
    this.pushname = asDeclared(data.pushname);
    this.shortName = data.shortName;
    this.isMe = data.isMe;
    this.isUser = data.isUser;
    this.isGroup = data.isGroup;
    this.isMyContact = data.isMyContact;
    this.isBusiness = data.isBusiness;
    this.isBlocked = data.isBlocked;
    this.isWAContact = data.isWAContact ?? data.isUser;
    this.isEnterprise = data.isEnterprise ?? false;
    this.statusMute = data.statusMute ?? false;
    this.type = data.type ?? 'in';
    this.sectionHeader = asDeclared(data.sectionHeader);
    const ids = client.lidMap?.complete({ senderLid: data.lid, senderPn: data.phoneNumber }) ?? {
      senderLid: data.lid,
      senderPn: data.phoneNumber,
    };
    if (ids.senderLid !== undefined) this.lid = ids.senderLid;
    if (ids.senderPn !== undefined) this.phoneNumber = ids.senderPn;
    this.labels = data.labels;
    this.verifiedLevel = asDeclared<undefined>(data.verifiedLevel as undefined);
    this.verifiedName = asDeclared<undefined>(data.verifiedName as undefined);
  }

  /** The chat with this contact (created locally when there is none yet). */
  getChat(): Promise<ModelTypes['Chat']> {
    return this.#client.getChatById(this.id._serialized);
  }

  /** The URL of their profile picture; `undefined` when there is none, as in whatsapp-web.js (declared `string`). */
  async getProfilePicUrl(): Promise<string> {
    return asDeclared((await this.#client.readyPage('getProfilePicUrl()').call('profilePicUrl', this.id._serialized)) ?? undefined);
  }

  /** Blocks the contact: their messages stop arriving. False for a group. */
  async block(): Promise<boolean> {
    if (this.isGroup) return false;
    await this.#client.readyPage('block()').call('setBlocked', this.id._serialized, true);
    this.isBlocked = true;
    return true;
  }

  /** Unblocks the contact. False for a group. */
  async unblock(): Promise<boolean> {
    if (this.isGroup) return false;
    await this.#client.readyPage('unblock()').call('setBlocked', this.id._serialized, false);
    this.isBlocked = false;
    return true;
  }

  /** The ids of the groups the account shares with them; empty when none. */
  /** The contact's status posts (`Broadcast`). */
  getBroadcast(): Promise<ModelTypes['Broadcast']> {
    return this.#client.getBroadcastById(this.id._serialized);
  }

  async getCommonGroups(): Promise<Wid[]> {
    return (await this.#client.readyPage('getCommonGroups()').call('commonGroups', this.id._serialized)).map((id) => toWid(id));
  }

  /** Their number as the app writes it (`'+1 (555) 123-4567'`). */
  getFormattedNumber(): Promise<string> {
    return this.#client.readyPage('getFormattedNumber()').call('formattedNumber', `${this.id.user}@s.whatsapp.net`);
  }

  /** Their number's country calling code (`'1'`). */
  getCountryCode(): Promise<string> {
    return this.#client.readyPage('getCountryCode()').call('countryCode', this.id.user);
  }

  /** Their "about" text; `null` when they have none or their privacy hides it. */
  getAbout(): Promise<string | null> {
    return this.#client.readyPage('getAbout()').call('getAbout', this.id._serialized);
  }
}

installNotYet(Contact.prototype, 'Contact', CONTACT_MEMBERS);
