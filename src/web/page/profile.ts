/**
 * The account's profile and its dealings with contacts (docs/page-contract.md, "Profile and
 * blocking", "Profile pictures"): about texts, the display name, blocking, profile pictures, through
 * the modules whatsapp-web.js 1.34.7 calls for them.
 */
import type { PageMedia, PageOptions } from '../bridge';
import { watched } from './drift';
import { findChat, widString, type Req } from './messages';

/**
 * whatsapp-web.js's `deviceName`/`browserName`, as it sets them: the app's browser info, which names
 * the device when it is linked (the phone's linked-devices list), returns them instead of its own.
 */
export async function nameDevice(req: Req, names: PageOptions): Promise<void> {
  const { deviceName, browserName } = names;
  if (!deviceName && !browserName) return;
  const utils = req('WAWebMiscBrowserUtils');
  const own = utils.info as () => Record<string, unknown>;
  // Once now, watched: a build whose info() broke is reported as that member, not as a rename that did nothing.
  await watched('WAWebMiscBrowserUtils.info', 'profile', () => own.call(utils));
  utils.info = () => ({ ...own.call(utils), ...(deviceName ? { os: deviceName } : {}), ...(browserName ? { name: browserName } : {}) });
}

/** Sets the account's "about" text. */
export async function setStatus(req: Req, text: string): Promise<void> {
  await watched('WAWebContactStatusBridge.setMyStatus', 'profile', () => req('WAWebContactStatusBridge').setMyStatus(text));
}

/** Sets the account's display name; false when the app does not let it (`canSetMyPushname`). */
export async function setDisplayName(req: Req, name: string): Promise<boolean> {
  if (!req('WAWebConnModel').Conn.canSetMyPushname()) return false;
  await watched('WAWebSetPushnameConnAction.setPushname', 'profile', () => req('WAWebSetPushnameConnAction').setPushname(name));
  return true;
}

/** Shows the account online (available) or not to its contacts. */
export async function presence(req: Req, available: boolean): Promise<void> {
  const action = req('WAWebPresenceChatAction');
  if (available) await watched('WAWebPresenceChatAction.sendPresenceAvailable', 'profile', () => action.sendPresenceAvailable());
  else await watched('WAWebPresenceChatAction.sendPresenceUnavailable', 'profile', () => action.sendPresenceUnavailable());
}

/** A contact's "about" text, or `null` when it has none (or hides it). */
export async function getAbout(req: Req, contactId: string): Promise<string | null> {
  const wid = req('WAWebWidFactory').createWid(contactId);
  const about = await watched('WAWebContactStatusBridge.getStatus', 'profile', () =>
    req('WAWebContactStatusBridge').getStatus({ token: '', wid }),
  );
  return typeof about?.status === 'string' ? about.status : null;
}

/** Blocks or unblocks a contact. */
export async function setBlocked(req: Req, contactId: string, blocked: boolean): Promise<void> {
  const contact = await req('WAWebCollections').Contact.find(contactId);
  const resolved = req('WAWebBlockContactUtils').getContactToBlockOnlyUseIfNoAssociatedChat(contact, 'ChatListBlock');
  if (blocked)
    await watched('WAWebBlockContactAction.blockContact', 'blocking', () =>
      req('WAWebBlockContactAction').blockContact({ contact: resolved }),
    );
  else await watched('WAWebBlockContactAction.unblockContact', 'blocking', () => req('WAWebBlockContactAction').unblockContact(resolved));
}

/** The ids of the contacts the account blocked. */
export async function blockedIds(req: Req): Promise<string[]> {
  return (req('WAWebCollections').Blocklist.getModelsArray() as Array<{ id: unknown }>).map((b) => widString(b.id)).filter(Boolean);
}

/** Whether a server answered with an error status (a contact without a picture, a refused change). */
function serverStatus(err: unknown): boolean {
  return (err as { name?: unknown } | null)?.name === 'ServerStatusCodeError';
}

/** The URL of a user's or a group's profile picture, or `null` when there is none. */
export async function profilePicUrl(req: Req, chatId: string): Promise<string | null> {
  const chat = await findChat(req, chatId);
  if (!chat) return null;
  try {
    const pic = await req('WAWebContactProfilePicThumbBridge').requestProfilePicFromServer(chat);
    return typeof pic?.eurl === 'string' ? pic.eurl : null;
  } catch (err) {
    if (serverStatus(err)) return null;
    throw err;
  }
}

/** The image cut to its centre square, `size` pixels wide, as a JPEG data URL (what the app uploads). */
async function squareJpeg(media: PageMedia, size: number): Promise<string> {
  const img = new Image();
  await new Promise<void>((resolve, reject) => {
    img.onload = () => resolve();
    img.onerror = () => reject(new Error(`${media.mimetype} is not an image the browser can read`));
    img.src = `data:${media.mimetype};base64,${media.data}`;
  });
  const side = Math.min(img.width, img.height);
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  canvas
    .getContext('2d')
    ?.drawImage(img, Math.floor((img.width - side) / 2), Math.floor((img.height - side) / 2), side, side, 0, 0, size, size);
  return canvas.toDataURL('image/jpeg', 0.75);
}

/**
 * Changes the picture of the account (its own id) or of a group it administers, when its thumb allows
 * (`canSet()` / `canDelete()`); false when it does not, or when the server refuses.
 */
async function changePicture(
  req: Req,
  chatId: string,
  allowed: (thumb: { canSet(): boolean; canDelete(): boolean }) => boolean,
  change: (wid: unknown) => Promise<{ status?: unknown } | undefined>,
): Promise<boolean> {
  const wid = req('WAWebWidFactory').createWid(chatId);
  const { ProfilePicThumb } = req('WAWebCollections');
  try {
    const current = ProfilePicThumb.get(chatId) ?? (await ProfilePicThumb.find(chatId));
    if (!current || !allowed(current)) return false;
    return (await change(wid))?.status === 200;
  } catch (err) {
    if (serverStatus(err)) return false;
    throw err;
  }
}

/** Sets the picture of the account (its own id) or of a group it administers; false when not allowed. */
export async function setPicture(req: Req, chatId: string, media: PageMedia): Promise<boolean> {
  if (!media.mimetype.startsWith('image/')) throw new Error(`a profile picture must be an image, not ${media.mimetype}`);
  const thumb = await squareJpeg(media, 96);
  const full = await squareJpeg(media, 640);
  return changePicture(
    req,
    chatId,
    (current) => current.canSet(),
    (wid) =>
      watched('WAWebContactProfilePicThumbBridge.sendSetPicture', 'pictures', () =>
        req('WAWebContactProfilePicThumbBridge').sendSetPicture(wid, thumb, full),
      ),
  );
}

/** Deletes the picture of the account or of a group it administers; false when there is none or it may not. */
export async function deletePicture(req: Req, chatId: string): Promise<boolean> {
  return changePicture(
    req,
    chatId,
    (current) => current.canDelete(),
    (wid) =>
      watched('WAWebContactProfilePicThumbBridge.requestDeletePicture', 'pictures', () =>
        req('WAWebContactProfilePicThumbBridge').requestDeletePicture(wid),
      ),
  );
}

/** Which media the device downloads by itself. */
export type AutoDownloadKind = 'audio' | 'documents' | 'photos' | 'videos';

/** Turns the device's automatic download of one kind of media on or off (as whatsapp-web.js: only when it changes). */
export async function setAutoDownload(req: Req, kind: AutoDownloadKind, flag: boolean): Promise<void> {
  const general = req('WAWebUserPrefsGeneral');
  const prefs = {
    audio: ['Audio', () => general.getAutoDownloadAudio(), () => general.setAutoDownloadAudio(flag)],
    documents: ['Documents', () => general.getAutoDownloadDocuments(), () => general.setAutoDownloadDocuments(flag)],
    photos: ['Photos', () => general.getAutoDownloadPhotos(), () => general.setAutoDownloadPhotos(flag)],
    videos: ['Videos', () => general.getAutoDownloadVideos(), () => general.setAutoDownloadVideos(flag)],
  } as const;
  const [name, get, set] = prefs[kind];
  if (get() !== flag) await watched(`WAWebUserPrefsGeneral.setAutoDownload${name}`, 'preferences', set);
}

/** Turns background sync (the app's global offline notifications) on or off; gives the flag. */
export async function setBackgroundSync(req: Req, flag: boolean): Promise<boolean> {
  const notifications = req('WAWebUserPrefsNotifications');
  if (notifications.getGlobalOfflineNotifications() !== flag)
    await watched('WAWebUserPrefsNotifications.setGlobalOfflineNotifications', 'preferences', () =>
      notifications.setGlobalOfflineNotifications(flag),
    );
  return flag;
}

/** Makes the app drop its connection and connect again (whatsapp-web.js's `resetState`). */
export async function reconnect(req: Req): Promise<void> {
  await watched('WAWebSocketModel.Socket.reconnect', 'preferences', () => req('WAWebSocketModel').Socket.reconnect());
}
