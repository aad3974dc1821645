/**
 * The account's contacts beyond their names, as whatsapp-web.js 1.34.7 calls them: the groups it
 * shares with a contact (`WAWebFindCommonGroupsContactAction`), a user's devices
 * (`WAWebApiDeviceList`) and the phone's address book (`WAWebSaveContactAction`,
 * `WAWebDeleteContactAction`).
 */
import type { App } from './app';
import type { GroupMetadata } from './group-models';
import type { ContactModel } from './contact-model';
import { createWid } from './wid';

/** The groups of this account that `contact` is a participant of, as the app's `commonGroups` collection. */
function commonGroupsOf(app: App, contact: ContactModel): { serialize(): unknown[] } {
  const groups: GroupMetadata[] = [];
  for (const chat of app.store.chats.getModelsArray()) {
    const metadata = chat.groupMetadata;
    if (metadata?.participants.get(contact.id) !== undefined) groups.push(metadata);
  }
  return { serialize: () => groups.map((g) => g.serialize()) };
}

/** A phone number's digits from what a caller passes (`'15551234567'`, `'+1 555…'` or a wid). */
function numberFrom(value: unknown): string {
  const user = createWid(typeof value === 'string' ? value.replace(/[^0-9@a-z.]/g, '') : value).user;
  if (!/^[1-9][0-9]{5,14}$/.test(user)) throw new Error(`${String(user)} is not a phone number`);
  return user;
}

export function contactModules(app: App): Record<string, unknown> {
  return {
    WAWebFindCommonGroupsContactAction: {
      findCommonGroups: async (contact: ContactModel): Promise<boolean> => {
        contact.commonGroups = commonGroupsOf(app, contact);
        return true;
      },
    },
    WAWebApiDeviceList: {
      getDeviceIds: async (wids: unknown[]) =>
        Promise.all(
          wids.map(async (w) => {
            const wid = createWid(w);
            const user = wid.isLid() ? app.store.pnOf(wid) : wid;
            const reply =
              user?.server === 'c.us' ? await app.request({ t: 'devices', reqId: app.nextReqId(), number: user.user }, 15_000) : null;
            const devices = reply?.t === 'devices' ? reply.devices : null;
            return { id: wid, devices: (devices ?? []).map((device) => ({ id: device })) };
          }),
        ),
    },
    WAWebSaveContactAction: {
      saveContactAction: async (options: { firstName?: string; lastName?: string; phoneNumber: unknown }) => {
        const number = numberFrom(options.phoneNumber);
        const name = [options.firstName, options.lastName].filter((part) => typeof part === 'string' && part.trim() !== '').join(' ');
        if (name === '') throw new Error('a contact needs a first or a last name');
        app.send({ t: 'save-contact', number, name });
      },
    },
    WAWebDeleteContactAction: {
      deleteContactAction: async ({ phoneNumber }: { phoneNumber: unknown }) => {
        app.send({ t: 'delete-contact', number: numberFrom(phoneNumber) });
      },
    },
  };
}
