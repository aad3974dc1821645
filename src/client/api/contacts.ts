/**
 * The client's contact calls: list and find contacts, numbers, blocking, the address book.
 * Installed on `Client`'s prototype (client.ts); a call not there yet throws `NotSupportedError` (compat/).
 */
import type { Contact } from '../model/contact';
import { contactFrom } from '../model/contact-from';
import type { ModelClient } from '../model/model-client';
import { chatIdOf, toWid, type Wid } from '../model/wid';

export interface ContactsApi {
  getContacts(): Promise<Contact[]>;
  getContactById(contactId: string): Promise<Contact>;
  /** The WhatsApp id of a phone number, or `null` when the number is not on WhatsApp. */
  getNumberId(number: string): Promise<Wid | null>;
  isRegisteredUser(id: string): Promise<boolean>;
  /** The contacts the account blocked. */
  getBlockedContacts(): Promise<Contact[]>;
  /** Not there yet (issue 26). */
  getCountryCode(number: string): Promise<string>;
  /** Not there yet (issue 26). */
  getFormattedNumber(number: string): Promise<string>;
  /** The URL of a user's or group's profile picture; `undefined` when there is none (as whatsapp-web.js at run time). */
  getProfilePicUrl(contactId: string): Promise<string | undefined>;
  /** Not there yet (issue 26). */
  getCommonGroups(contactId: string): Promise<Wid[]>;
  /** Not there yet (issue 26). */
  getContactDeviceCount(userId: string): Promise<number>;
  /** Not there yet (issue 26). */
  saveOrEditAddressbookContact(phoneNumber: string, firstName: string, lastName: string, syncToAddressbook?: boolean): Promise<void>;
  /** Not there yet (issue 26). */
  deleteAddressbookContact(phoneNumber: string): Promise<void>;
}

type Implemented = 'getContacts' | 'getContactById' | 'getNumberId' | 'isRegisteredUser' | 'getBlockedContacts' | 'getProfilePicUrl';

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

  async getProfilePicUrl(contactId: string): Promise<string | undefined> {
    const target = chatIdOf(contactId, 'contactId');
    return (await this.readyPage('getProfilePicUrl()').call('profilePicUrl', target)) ?? undefined;
  },
};
