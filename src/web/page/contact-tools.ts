/**
 * A contact's common groups and device count, and the phone's address book (docs/page-contract.md,
 * "Contacts' groups, devices, address book") and numbers as the app writes them, through the modules
 * whatsapp-web.js 1.34.7 calls for them.
 */
import { watched } from './drift';
import { widString, type Req } from './messages';

/** The ids of the groups the account shares with a contact. */
export async function commonGroups(req: Req, contactId: string): Promise<string[]> {
  const contact = await req('WAWebCollections').Contact.find(req('WAWebWidFactory').createWid(contactId));
  // Asked every time: a collection set by an earlier call would miss groups joined since.
  const found = await watched('WAWebFindCommonGroupsContactAction.findCommonGroups', 'contact-tools', () =>
    req('WAWebFindCommonGroupsContactAction').findCommonGroups(contact),
  );
  const groups: unknown = found ? contact.commonGroups?.serialize() : [];
  return (Array.isArray(groups) ? (groups as Array<{ id?: unknown }>) : []).map((g) => widString(g.id)).filter(Boolean);
}

/** How many devices a user has (its phone and each linked device); 0 for a number not on WhatsApp. */
export async function deviceCount(req: Req, userId: string): Promise<number> {
  const wid = req('WAWebWidFactory').createWid(userId);
  const lists: unknown = await watched('WAWebApiDeviceList.getDeviceIds', 'contact-tools', () =>
    req('WAWebApiDeviceList').getDeviceIds([wid]),
  );
  const devices = Array.isArray(lists) ? (lists[0] as { devices?: unknown } | null | undefined)?.devices : undefined;
  return Array.isArray(devices) ? devices.length : 0;
}

/** Saves (or renames) a contact in the phone's address book. */
export async function saveContact(req: Req, phoneNumber: string, firstName: string, lastName: string, sync: boolean): Promise<void> {
  await watched('WAWebSaveContactAction.saveContactAction', 'contact-tools', () =>
    req('WAWebSaveContactAction').saveContactAction({
      firstName,
      lastName,
      phoneNumber,
      prevPhoneNumber: phoneNumber,
      syncToAddressbook: sync,
      username: undefined,
    }),
  );
}

/** A number as the app writes it (`+1 (555) 123-4567`), from its jid on `s.whatsapp.net`. */
export async function formattedNumber(req: Req, jid: string): Promise<string> {
  return String(
    await watched('WAWebPhoneUtils.formattedPhoneNumber', 'contact-tools', () => req('WAWebPhoneUtils').formattedPhoneNumber(jid)),
  );
}

/** The country calling code a number's digits start with (`'1'`). */
export async function countryCode(req: Req, digits: string): Promise<string> {
  const cc: unknown = await watched('WAPhoneFindCC.findCC', 'contact-tools', () => req('WAPhoneFindCC').findCC(digits));
  return typeof cc === 'string' || typeof cc === 'number' ? String(cc) : '';
}

/** Deletes a contact from the phone's address book. */
export async function deleteContact(req: Req, phoneNumber: string): Promise<void> {
  const wid = req('WAWebWidFactory').createWid(phoneNumber);
  await watched('WAWebDeleteContactAction.deleteContactAction', 'contact-tools', () =>
    req('WAWebDeleteContactAction').deleteContactAction({ phoneNumber: wid }),
  );
}
