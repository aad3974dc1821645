/**
 * WhatsApp Business: the account's labels (`WAWebCollections.Label`), the labels on chats
 * (`chat.labels`), and customer notes (`WAWebBizGatingUtils`, `WAWebNoteAction`), through the modules
 * whatsapp-web.js 1.34.7 calls for them (docs/page-contract.md, "Business"). On a personal account
 * there are no labels, changing them is refused and notes are off, as there.
 */
import type { PageCustomerNote, PageLabel } from '../bridge';
import { watched } from './drift';
import { findChat, widString, type Req } from './messages';

/** The platforms of the WhatsApp Business app (Android, iOS), as `Conn` names them. */
const BUSINESS_PLATFORMS = ['smba', 'smbi'];

const text = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');

function toPageLabel(label: any): PageLabel {
  // As whatsapp-web.js reads one: its `serialize()`, and the colour from the model.
  const data = (label.serialize() ?? {}) as Record<string, unknown>;
  return { id: text(data['id'] ?? label.id), name: text(data['name']), hexColor: text(label.hexColor) };
}

export async function labels(req: Req): Promise<PageLabel[]> {
  return (req('WAWebCollections').Label.getModelsArray() as unknown[]).map(toPageLabel);
}

export async function label(req: Req, labelId: string): Promise<PageLabel | null> {
  const found: unknown = req('WAWebCollections').Label.get(labelId);
  return found ? toPageLabel(found) : null;
}

export async function chatLabels(req: Req, chatId: string): Promise<PageLabel[]> {
  const chat = await findChat(req, chatId);
  const ids: unknown = chat?.labels;
  if (!Array.isArray(ids)) return [];
  const out: PageLabel[] = [];
  for (const id of ids) {
    const found = await label(req, String(id));
    if (found) out.push(found);
  }
  return out;
}

export async function labelChats(req: Req, labelId: string): Promise<string[] | null> {
  const found = req('WAWebCollections').Label.get(labelId);
  if (!found) return null;
  const items = found.labelItemCollection.getModelsArray() as Array<{ parentType?: unknown; parentId?: unknown }>;
  return items.filter((item) => item.parentType === 'Chat').map((item) => widString(item.parentId));
}

/** Puts exactly `labelIds` on each loaded chat of `chatIds`; false on a personal account. */
export async function changeLabels(req: Req, labelIds: string[], chatIds: string[]): Promise<boolean> {
  const platform = req('WAWebConnModel').Conn.serialize()['platform'];
  if (!BUSINESS_PLATFORMS.includes(String(platform))) return false;
  const wanted = (await labels(req)).filter((l) => labelIds.includes(l.id)).map((l) => l.id);
  const { Chat } = req('WAWebCollections');
  const chats = chatIds.map((id) => Chat.get(req('WAWebWidFactory').createWid(id))).filter(Boolean) as Array<{ labels?: unknown }>;
  const actions: Array<{ id: string; type: 'add' | 'remove' }> = wanted.map((id) => ({ id, type: 'add' }));
  for (const chat of chats) {
    for (const id of Array.isArray(chat.labels) ? chat.labels : []) {
      if (!actions.some((a) => a.id === String(id))) actions.push({ id: String(id), type: 'remove' });
    }
  }
  await watched('WAWebCollections.Label.addOrRemoveLabels', 'business', () =>
    req('WAWebCollections').Label.addOrRemoveLabels(actions, chats),
  );
  return true;
}

function customerJid(req: Req, userId: string): unknown {
  return req('WAWebWidToJid').widToUserJid(req('WAWebWidFactory').createWid(userId));
}

/** Writes a note on a customer; false when notes are off (a personal account). */
export async function setCustomerNote(req: Req, userId: string, note: string): Promise<boolean> {
  if (!req('WAWebBizGatingUtils').smbNotesV1Enabled()) return false;
  await watched('WAWebNoteAction.noteAddAction', 'business', () =>
    req('WAWebNoteAction').noteAddAction('unstructured', customerJid(req, userId), note),
  );
  return true;
}

export async function customerNote(req: Req, userId: string): Promise<PageCustomerNote | null> {
  if (!req('WAWebBizGatingUtils').smbNotesV1Enabled()) return null;
  const note = await watched('WAWebNoteAction.retrieveOnlyNoteForChatJid', 'business', () =>
    req('WAWebNoteAction').retrieveOnlyNoteForChatJid(customerJid(req, userId)),
  );
  const data = (note?.serialize?.() ?? null) as Record<string, unknown> | null;
  if (!data) return null;
  return {
    chatId: widString(req('WAWebJidToWid').userJidToUserWid(data['chatJid'])),
    content: text(data['content']),
    createdAt: Number(data['createdAt'] ?? 0),
    id: text(data['id']),
    modifiedAt: Number(data['modifiedAt'] ?? 0),
    type: text(data['type']),
  };
}
