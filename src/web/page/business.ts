/**
 * WhatsApp Business: the account's labels (`WAWebCollections.Label`), the labels on chats
 * (`chat.labels`), and customer notes (`WAWebBizGatingUtils`, `WAWebNoteAction`), through the modules
 * whatsapp-web.js 1.34.7 calls for them (docs/page-contract.md, "Business"). On a personal account
 * there are no labels, changing them is refused and notes are off, as there.
 */
import type { PageCustomerNote, PageLabel, PageOrder, PagePayment } from '../bridge';
import { watched } from './drift';
import { findChat, findMsg, widString, type Req } from './messages';

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

const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/** An order's details, queried as whatsapp-web.js queries them (images of 80×80, the message's token); null when the app has none. */
export async function order(req: Req, orderId: string, token: string, chatId: string): Promise<PageOrder | null> {
  const chatWid: unknown = req('WAWebWidFactory').createWid(chatId);
  const found = (await watched('WAWebBizOrderBridge.queryOrder', 'business', () =>
    req('WAWebBizOrderBridge').queryOrder(chatWid, orderId, 80, 80, token),
  )) as Record<string, unknown> | null | undefined;
  if (!found) return null;
  const products = Array.isArray(found['products']) ? (found['products'] as Array<Record<string, unknown>>) : [];
  return {
    products: products.map((p) => ({
      id: text(p['id']),
      name: text(p['name']),
      price: text(p['price']),
      currency: text(p['currency']),
      quantity: num(p['quantity']),
      thumbnailUrl: text(p['thumbnailUrl']),
    })),
    subtotal: text(found['subtotal']),
    total: text(found['total']),
    currency: text(found['currency']),
    createdAt: num(found['createdAt']),
  };
}

/** A product of the account's own catalog (whatsapp-web.js asks for the own wid's); null when there is none. */
export async function productMetadata(
  req: Req,
  productId: string,
): Promise<{ id: string; name: string; description: string; retailer_id?: string } | null> {
  const seller: unknown = req('WAWebUserPrefsMeUser').getMaybeMePnUser();
  const product = await watched('WAWebBizProductCatalogBridge.queryProduct', 'business', () =>
    req('WAWebBizProductCatalogBridge').queryProduct(seller, productId),
  );
  const data = product?.data as Record<string, unknown> | undefined;
  if (!data) return null;
  const retailer = data['retailer_id'];
  return {
    id: text(data['id']),
    name: text(data['name']),
    description: text(data['description']),
    ...(typeof retailer === 'string' ? { retailer_id: retailer } : {}),
  };
}

/** A payment message's fields, read from its `serialize()` as whatsapp-web.js reads them. */
export async function payment(req: Req, messageId: string): Promise<PagePayment | null> {
  const msg = await findMsg(req, messageId);
  if (!msg) return null;
  const data = (msg.serialize?.() ?? {}) as Record<string, unknown>;
  const note = (data['paymentNoteMsg'] as { body?: unknown } | null | undefined)?.body;
  return {
    currency: text(data['paymentCurrency']),
    amount1000: num(data['paymentAmount1000']),
    receiver: widString(data['paymentMessageReceiverJid']),
    timestamp: num(data['paymentTransactionTimestamp']),
    status: num(data['paymentStatus']),
    txnStatus: num(data['paymentTxnStatus']),
    ...(typeof note === 'string' && note !== '' ? { note } : {}),
  };
}
