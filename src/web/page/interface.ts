/**
 * The app's own window, as whatsapp-web.js 1.34.7's `InterfaceController` drives it: opening a chat (at
 * a message), the chat's info drawer, its search, a message's info drawer, closing the right drawer
 * (`WAWebCmd.Cmd`, `WAWebChatMessageSearch`, `WAWebDrawerManager`), and the app's feature switches
 * (`WAWebCollections.Features`, read optionally: builds without it answer `null`, as whatsapp-web.js
 * throws there).
 */
import type { PageChatPane, PageMessagePane } from '../bridge';
import { watched } from './drift';
import { findChat, findMsg, type Req } from './messages';

/** Opens `pane` of a chat; `null` when the app has no such chat. */
export async function openChatPane(req: Req, pane: PageChatPane, chatId: string): Promise<boolean | null> {
  const chat = await findChat(req, chatId);
  if (!chat) return null;
  const { Cmd } = req('WAWebCmd');
  switch (pane) {
    case 'window':
      return Boolean(await watched('WAWebCmd.Cmd.openChatBottom', 'interface', () => Cmd.openChatBottom({ chat })));
    case 'drawer':
      await watched('WAWebCmd.Cmd.openDrawerMid', 'interface', () => Cmd.openDrawerMid(chat));
      return true;
    case 'search':
      await watched('WAWebCmd.Cmd.chatSearch', 'interface', () => Cmd.chatSearch(chat));
      return true;
  }
}

/** Opens the message's chat at it, or its info drawer; false when the app has no such message. */
export async function openMessagePane(req: Req, pane: PageMessagePane, messageId: string): Promise<boolean> {
  const msg = await findMsg(req, messageId);
  if (!msg) return false;
  const { Cmd } = req('WAWebCmd');
  if (pane === 'drawer') {
    await watched('WAWebCmd.Cmd.msgInfoDrawer', 'interface', () => Cmd.msgInfoDrawer(msg));
    return true;
  }
  const chat = req('WAWebCollections').Chat.get(msg.id.remote) ?? (await findChat(req, String(msg.id.remote._serialized ?? msg.id.remote)));
  if (!chat) return false;
  const context = await watched('WAWebChatMessageSearch.getSearchContext', 'interface', () =>
    req('WAWebChatMessageSearch').getSearchContext(chat, msg.id),
  );
  await watched('WAWebCmd.Cmd.openChatAt', 'interface', () => Cmd.openChatAt({ chat, msgContext: context }));
  return true;
}

export async function closeRightDrawer(req: Req): Promise<void> {
  await watched('WAWebDrawerManager.DrawerManager.closeDrawerRight', 'interface', () =>
    req('WAWebDrawerManager').DrawerManager.closeDrawerRight(),
  );
}

/** The feature names (`Features.F`); `null` when the build has no switches. */
export function features(req: Req): Record<string, unknown> | null {
  const found = req('WAWebCollections').Features?.F;
  return found ? { ...found } : null;
}

/** Whether `feature` is on; `null` when the build has no switches. */
export function featureStatus(req: Req, feature: string): boolean | null {
  const on = req('WAWebCollections').Features?.supportsFeature?.(feature);
  return on === undefined ? null : Boolean(on);
}

/** Turns each feature on or off; false when the build has no switches. */
export function setFeatures(req: Req, names: string[], on: boolean): boolean {
  if (typeof req('WAWebCollections').Features?.setFeature !== 'function') return false;
  for (const name of names) req('WAWebCollections').Features?.setFeature(name, on);
  return true;
}
