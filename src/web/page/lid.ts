/**
 * The two ids of a user, its LID (`<lid>@lid`) and its phone-number id (`<number>@c.us`), as far as the
 * app knows them: read from its own PN↔LID mapping (`WAWebApiContact`), never with a request out of the page.
 */
import { featureOff } from './contract';

// The app's modules are untyped (see eslint.config.mjs for the page folder).
type Req = (name: string) => any;

export interface LidAndPn {
  lid?: string;
  pn?: string;
}

/** A wid's `_serialized`, or `user@server` without one (as ./messages reads wids). */
function serialized(wid: any): string | undefined {
  if (typeof wid?._serialized === 'string') return wid._serialized;
  return typeof wid?.user === 'string' && typeof wid?.server === 'string' ? `${wid.user}@${wid.server}` : undefined;
}

/** `wid`'s LID and phone-number id: the one it is, and the other when the app maps it; `{}` for no user wid. */
export function lidAndPn(req: Req, wid: any): LidAndPn {
  const server = wid?.server;
  if ((server !== 'lid' && server !== 'c.us') || featureOff('lid')) return {};
  let other: unknown;
  try {
    const contacts = req('WAWebApiContact');
    other = server === 'lid' ? contacts.getPhoneNumber(wid) : contacts.getCurrentLid(wid);
  } catch {
    // A mapping the app cannot read never stops a message: it goes with the one id it has.
    other = undefined;
  }
  const [lid, pn] = server === 'lid' ? [serialized(wid), serialized(other)] : [serialized(other), serialized(wid)];
  return { ...(lid === undefined ? {} : { lid }), ...(pn === undefined ? {} : { pn }) };
}

/** A message's sender ids: the account's own for its own messages, else the author's (groups) or the sender's. */
export function senderIds(
  req: Req,
  msg: { id: { fromMe: boolean }; from?: unknown; author?: unknown },
): { senderLid?: string; senderPn?: string } {
  let ids: LidAndPn;
  if (msg.id.fromMe) {
    const me = req('WAWebUserPrefsMeUser');
    const [lid, pn] = [serialized(me.getMaybeMeLidUser()), serialized(me.getMaybeMePnUser())];
    ids = { ...(lid === undefined ? {} : { lid }), ...(pn === undefined ? {} : { pn }) };
  } else {
    ids = lidAndPn(req, msg.author ?? msg.from);
  }
  return { ...(ids.lid === undefined ? {} : { senderLid: ids.lid }), ...(ids.pn === undefined ? {} : { senderPn: ids.pn }) };
}

/**
 * `getContactLidAndPhone`: each user's LID and phone-number id, as whatsapp-web.js's
 * `enforceLidAndPnRetrieval` finds them: from the app's mapping, else after `queryWidExists` (which
 * teaches the app the mapping of a registered user); `{}` for a user the servers do not know.
 */
export async function lidAndPhone(req: Req, userIds: string[]): Promise<LidAndPn[]> {
  return Promise.all(
    userIds.map(async (userId) => {
      const wid = req('WAWebWidFactory').createWid(userId);
      const known = lidAndPn(req, wid);
      if (known.lid !== undefined && known.pn !== undefined) return known;
      const found = await req('WAWebQueryExistsJob').queryWidExists(wid);
      if (!found?.wid) return {};
      return lidAndPn(req, wid);
    }),
  );
}

/** A group member's ids: `id` the phone-number one where the app maps it (as whatsapp-web.js's `toPn`), with both named. */
export function participantIds(req: Req, wid: any): { id: string; lid?: string; phoneNumber?: string } {
  const { lid, pn } = lidAndPn(req, wid);
  const id = pn ?? serialized(wid) ?? '';
  return { id, ...(lid === undefined ? {} : { lid }), ...(pn === undefined ? {} : { phoneNumber: pn }) };
}
