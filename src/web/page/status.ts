/**
 * Status posts (docs/page-contract.md, "Status"), on the modules whatsapp-web.js 1.34.7 uses: a text post
 * through `WAWebSendStatusMsgAction.sendStatusTextMsgAction` (which keys the message itself: the adapter
 * reports the message the app added, not a key it made up), a media post through `sendStatusMediaMsgAction`
 * with the message built as whatsapp-web.js builds it, a revoke through `WAWebRevokeStatusAction`, and the
 * posters' statuses from `WAWebCollections.Status`.
 */
import type { PageMedia, PageMessage } from '../bridge';
import type { PageBroadcast, PageStatusStyle } from '../bridge-status';
import { watched } from './drift';
import { findChat, findMsg, keyString, toPageMessage, widString, type AppMsg, type Req } from './messages';
import { outgoing, uploadMedia } from './send';

const STATUS = 'status@broadcast';

/** Own status posts the app added lately, newest last (how a text post's message is found: the app keys it). */
const ownPosts: AppMsg[] = [];
let watching = false;

function watchOwnPosts(req: Req): void {
  if (watching) return;
  watching = true;
  req('WAWebCollections').Msg.on('add', (msg: AppMsg) => {
    if (!msg.id.fromMe || widString(msg.id.remote) !== STATUS) return;
    ownPosts.push(msg);
    if (ownPosts.length > 50) ownPosts.shift();
  });
}

/** Posts a text status in `style`; the message the app sent (whatsapp-web.js returns a message it never sends). */
export async function postStatus(req: Req, text: string, style: PageStatusStyle): Promise<PageMessage> {
  watchOwnPosts(req);
  const before = new Set(ownPosts);
  await watched('WAWebSendStatusMsgAction.sendStatusTextMsgAction', 'status', () =>
    req('WAWebSendStatusMsgAction').sendStatusTextMsgAction({ color: style.color, font: style.font, text }),
  );
  const posted = [...ownPosts].reverse().find((m) => !before.has(m) && m.body === text);
  if (!posted) throw new Error('the app sent the status but never added its message');
  return toPageMessage(posted);
}

/** Posts an image, video or audio status: uploaded, then the message whatsapp-web.js builds, through the status action. */
export async function postStatusMedia(req: Req, media: PageMedia, caption: string | undefined): Promise<PageMessage> {
  const mediaData = await uploadMedia(req, media, {});
  mediaData.caption = caption;
  const chat = await findChat(req, STATUS);
  if (!chat) throw new Error('no status chat');
  const factory = req('WAWebWidFactory');
  const me = req('WAWebUserPrefsMeUser').getMaybeMePnUser();
  const author = factory.asUserWidOrThrow(me);
  const { key, fields } = await outgoing(req, chat, me, author);
  const { Msg } = req('WAWebCollections');
  const msg = new Msg.modelClass({
    ...fields,
    body: mediaData.preview,
    ...mediaData.toJSON(),
    type: mediaData.type,
    author,
    messageSecret: crypto.getRandomValues(new Uint8Array(32)),
    cannotBeRanked: req('WAWebStatusGatingUtils').canCheckStatusRankingPosterGating(),
  });
  const mediaUpdate = (data: unknown): unknown => req('WAWebMediaUpdateMsg')(data, mediaData);
  await watched('WAWebSendStatusMsgAction.sendStatusMediaMsgAction', 'status', () =>
    req('WAWebSendStatusMsgAction').sendStatusMediaMsgAction(msg, mediaUpdate),
  );
  return toPageMessage((Msg.get(keyString(key)) as AppMsg | undefined) ?? msg);
}

/** Revokes an own status post. */
export async function revokeStatus(req: Req, messageId: string): Promise<'revoked' | 'missing' | 'not-own'> {
  const status = req('WAWebCollections').Status.getMyStatus();
  const msg = status ? await findMsg(req, messageId) : undefined;
  if (!msg) return 'missing';
  if (!msg.id.fromMe || widString(msg.id.remote) !== STATUS) return 'not-own';
  await watched('WAWebRevokeStatusAction.sendStatusRevokeMsgAction', 'status', () =>
    req('WAWebRevokeStatusAction').sendStatusRevokeMsgAction(status, msg),
  );
  return 'revoked';
}

interface AppStatus {
  id: unknown;
  serialize(): Record<string, unknown>;
  msgs?: { getModelsArray?(): AppMsg[] };
}

function toPageBroadcast(status: AppStatus): PageBroadcast<PageMessage> {
  const data = status.serialize();
  const num = (value: unknown): number => (typeof value === 'number' ? value : 0);
  return {
    id: widString(data['id'] ?? status.id),
    timestamp: num(data['t']),
    totalCount: num(data['totalCount']),
    unreadCount: num(data['unreadCount']),
    msgs: (status.msgs?.getModelsArray?.() ?? []).map(toPageMessage),
  };
}

/** Every poster's status the app has. */
export function statuses(req: Req): Array<PageBroadcast<PageMessage>> {
  return (req('WAWebCollections').Status.getModelsArray() as AppStatus[]).map(toPageBroadcast);
}

/** One poster's status: the loaded one, or the one the app fetches. */
export async function status(req: Req, userId: string): Promise<PageBroadcast<PageMessage> | null> {
  const { Status } = req('WAWebCollections');
  const wid = req('WAWebWidFactory').createWid(userId);
  const found = (Status.get(wid) ?? (await Status.find(wid))) as AppStatus | undefined;
  return found ? toPageBroadcast(found) : null;
}
