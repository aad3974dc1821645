/**
 * The client's contact calls: list and find contacts, numbers, blocking, the address book.
 * Installed on `Client`'s prototype (client.ts); a call not there yet throws `NotSupportedError` (compat/).
 */
import { InvalidOptionError } from '../../errors';
import type { Contact } from '../model/contact';
import { contactFrom } from '../model/contact-from';
import type { ModelClient } from '../model/model-client';
import { chatIdOf, toWid, type Wid } from '../model/wid';
import { asDeclared } from '../compat/declared';

export interface ContactsApi {
  getContacts(): Promise<Contact[]>;
  getContactById(contactId: string): Promise<Contact>;
  /** The WhatsApp id of a phone number, or `null` when the number is not on WhatsApp. */
  getNumberId(number: string): Promise<Wid | null>;
  isRegisteredUser(id: string): Promise<boolean>;
  /** The contacts the account blocked. */
  getBlockedContacts(): Promise<Contact[]>;
  /** The country calling code of a number or user id (`'15551234567@c.us'` → `'1'`), as the app finds it. */
  getCountryCode(number: string): Promise<string>;
  /** A number or user id as the app writes it (`'15551234567@c.us'` → `'+1 (555) 123-4567'`). */
  getFormattedNumber(number: string): Promise<string>;
  /**
   * The URL of a user's or group's profile picture. Resolves `undefined` when there is none, as
   * whatsapp-web.js does at run time; typed `string` as its declaration types it (compat/declared.ts).
   */
  getProfilePicUrl(contactId: string): Promise<string>;
  /** The ids of the groups the account shares with a contact; empty when none. */
  getCommonGroups(contactId: string): Promise<Wid[]>;
  /** How many devices a user has: its phone and each linked device; 0 for a number not on WhatsApp. */
  getContactDeviceCount(userId: string): Promise<number>;
  /** Saves a contact in the phone's address book (or renames it): `phoneNumber` as digits with the country code. */
  saveOrEditAddressbookContact(phoneNumber: string, firstName: string, lastName: string, syncToAddressbook?: boolean): Promise<void>;
  /** Deletes a contact from the phone's address book: `phoneNumber` as digits with the country code. */
  deleteAddressbookContact(phoneNumber: string): Promise<void>;
}

type Implemented =
  | 'getContacts'
  | 'getContactById'
  | 'getNumberId'
  | 'isRegisteredUser'
  | 'getBlockedContacts'
  | 'getProfilePicUrl'
  | 'getCommonGroups'
  | 'getContactDeviceCount'
  | 'saveOrEditAddressbookContact'
  | 'deleteAddressbookContact'
  | 'getFormattedNumber'
  | 'getCountryCode';

export const contactsApi: Pick<ContactsApi, Implemented> & ThisType<ModelClient & ContactsApi> = {
  async getContacts(): Promise<Contact[]> {
    return (await this.readyPage('getContacts()').getContacts()).map((c) => contactFrom(this, c));
  },

  async getContactById(contactId: string): Promise<Contact> {
    const target = chatIdOf(contactId, 'contactId');
    return contactFrom(this, await this.readyPage('getContactById()').getContact(target));
  },

  async getNumberId(number: string): Promise<Wid | null> {
    const target = chatIdOf(number, 'number');
    const id = await this.readyPage('getNumberId()').numberId(target);
    return id === null ? null : toWid(id);
  },

  async isRegisteredUser(id: string): Promise<boolean> {
    return (await this.getNumberId(id)) !== null;
  },

  async getBlockedContacts(): Promise<Contact[]> {
    const web = this.readyPage('getBlockedContacts()');
    const ids = await web.call('blockedIds');
    return Promise.all(ids.map(async (id) => contactFrom(this, await web.getContact(id))));
  },

  async getProfilePicUrl(contactId: string): Promise<string> {
    const target = chatIdOf(contactId, 'contactId');
    return asDeclared((await this.readyPage('getProfilePicUrl()').call('profilePicUrl', target)) ?? undefined);
  },

  async getCommonGroups(contactId: string): Promise<Wid[]> {
    const target = chatIdOf(contactId, 'contactId');
    return (await this.readyPage('getCommonGroups()').call('commonGroups', target)).map((id) => toWid(id));
  },

  async getContactDeviceCount(userId: string): Promise<number> {
    const target = chatIdOf(userId, 'userId');
    return this.readyPage('getContactDeviceCount()').call('deviceCount', target);
  },

  async saveOrEditAddressbookContact(phoneNumber: string, firstName: string, lastName: string, syncToAddressbook = false): Promise<void> {
    const number = phoneNumberOf(phoneNumber);
    await this.readyPage('saveOrEditAddressbookContact()').call('saveContact', number, firstName, lastName, syncToAddressbook);
  },

  async deleteAddressbookContact(phoneNumber: string): Promise<void> {
    const number = phoneNumberOf(phoneNumber);
    await this.readyPage('deleteAddressbookContact()').call('deleteContact', number);
  },

  async getFormattedNumber(number: string): Promise<string> {
    const digits = phoneNumberOf(number, 'number');
    return this.readyPage('getFormattedNumber()').call('formattedNumber', `${digits}@s.whatsapp.net`);
  },

  async getCountryCode(number: string): Promise<string> {
    const digits = phoneNumberOf(number, 'number');
    return this.readyPage('getCountryCode()').call('countryCode', digits);
  },
};

/** The digits of a phone number with its country code (`'+1 555-0100'`, `'15550100@c.us'` and `@s.whatsapp.net` too). */
function phoneNumberOf(phoneNumber: unknown, name = 'phoneNumber'): string {
  const digits = typeof phoneNumber === 'string' ? phoneNumber.replace(/@(c\.us|s\.whatsapp\.net)$/, '').replace(/[\s()+-]/g, '') : '';
  if (!/^[1-9][0-9]{5,14}$/.test(digits))
    throw new InvalidOptionError(`${name} must be a phone number with its country code, digits only (15551234567)`);
  return digits;
}
