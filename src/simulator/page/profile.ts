/**
 * The account's profile and its dealings with contacts, as whatsapp-web.js 1.34.7 calls them:
 * blocking (`WAWebBlockContactUtils`, `WAWebBlockContactAction`, the `Blocklist` collection), the
 * display name (`WAWebSetPushnameConnAction`) and "about" texts (`WAWebContactStatusBridge`).
 */
import type { App } from './app';
import type { ContactModel } from './contact-model';
import { createWid, type Wid } from './wid';

/** The phone number behind a contact's wid (a LID contact's through the PN it maps to). */
function numberOf(app: App, wid: Wid): string | undefined {
  const pn = wid.isLid() ? app.store.pnOf(wid) : wid;
  return pn?.isUser() === true && pn.server === 'c.us' ? pn.user : undefined;
}

async function setBlocked(app: App, contact: ContactModel, blocked: boolean): Promise<void> {
  const number = numberOf(app, contact.id);
  if (number === undefined) throw new Error(`${contact.id._serialized} cannot be blocked`);
  app.store.setBlocked(contact, blocked);
  app.send({ t: 'block', number, blocked });
}

export function profileModules(app: App): Record<string, unknown> {
  return {
    WAWebBlockContactUtils: {
      // The contact itself (the app would pick the chat's contact when one is associated).
      getContactToBlockOnlyUseIfNoAssociatedChat: (contact: ContactModel, _entryPoint?: string) => contact,
    },
    WAWebBlockContactAction: {
      blockContact: async ({ contact }: { contact: ContactModel }) => setBlocked(app, contact, true),
      unblockContact: async (contact: ContactModel) => setBlocked(app, contact, false),
    },
    WAWebSetPushnameConnAction: {
      setPushname: async (name: string) => {
        app.conn.set('pushname', name);
        app.send({ t: 'pushname', name });
      },
    },
    WAWebContactStatusBridge: {
      setMyStatus: async (text: string) => app.send({ t: 'status', text }),
      getStatus: async ({ wid }: { token?: string; wid: unknown }) => {
        const number = numberOf(app, createWid(wid));
        const reply = number === undefined ? null : await app.request({ t: 'about', reqId: app.nextReqId(), number }, 15_000);
        return { id: createWid(wid), status: reply?.t === 'about' ? (reply.status ?? undefined) : undefined };
      },
    },
  };
}
