/**
 * The contact and profile calls of the typed bridge (./bridge.ts, the same part): what crosses for
 * contacts (about, blocking, common groups, devices, the address book, numbers) and the account's own
 * profile (status, name, presence), and the features each call needs. Types and one table of
 * constants; it imports nothing.
 */
export interface PageContact {
  id: string;
  number: string;
  name?: string;
  pushname?: string;
  shortName?: string;
  isMe: boolean;
  isUser: boolean;
  isGroup: boolean;
  isMyContact: boolean;
  isBusiness: boolean;
  isBlocked: boolean;
  /** Read as whatsapp-web.js reads them (getters and `serialize()`); absent when the build has no such getter. */
  isWAContact?: boolean;
  isEnterprise?: boolean;
  statusMute?: boolean;
  type?: string;
  sectionHeader?: string;
  /** The contact's LID (`<lid>@lid`) and phone-number id (`<number>@c.us`), each where the app knows it. */
  lid?: string;
  phoneNumber?: string;
}

/** A sender's LID (`<lid>@lid`) and phone-number id (`<number>@c.us`), each where the app knows it (messages, reactions). */
export interface PageSenderIds {
  senderLid?: string;
  senderPn?: string;
}

/** The page calls for contacts and the profile (members of `PageApi`). */
export interface PageContactApi {
  setStatus(text: string): Promise<void>;
  setDisplayName(name: string): Promise<boolean>;
  /** Shows the account online to its contacts, or not. */
  presence(available: boolean): Promise<void>;
  getAbout(contactId: string): Promise<string | null>;
  setBlocked(contactId: string, blocked: boolean): Promise<void>;
  blockedIds(): Promise<string[]>;
  /** The ids of the groups the account shares with a contact. */
  commonGroups(contactId: string): Promise<string[]>;
  deviceCount(userId: string): Promise<number>;
  saveContact(phoneNumber: string, firstName: string, lastName: string, sync: boolean): Promise<void>;
  deleteContact(phoneNumber: string): Promise<void>;
  /** A number as the app writes it; `jid` is `<digits>@s.whatsapp.net`. */
  formattedNumber(jid: string): Promise<string>;
  countryCode(digits: string): Promise<string>;
  /** Each user's LID and phone-number id (`getContactLidAndPhone`); a user the servers do not know gives `{}`. */
  lidAndPhone(userIds: string[]): Promise<Array<{ lid?: string; pn?: string }>>;
}

/** The features each contact and profile call needs (part of `PAGE_API_FEATURES`, which checks them against `PageFeature`). */
export const CONTACT_API_FEATURES = {
  setStatus: ['profile'],
  setDisplayName: ['profile'],
  presence: ['profile'],
  getAbout: ['contacts', 'profile'],
  setBlocked: ['contacts', 'blocking'],
  blockedIds: ['blocking'],
  commonGroups: ['contacts', 'contact-tools'],
  deviceCount: ['messages', 'contact-tools'],
  saveContact: ['contact-tools'],
  deleteContact: ['messages', 'contact-tools'],
  formattedNumber: ['contact-tools'],
  countryCode: ['contact-tools'],
  lidAndPhone: ['contacts', 'lid'],
} as const;
