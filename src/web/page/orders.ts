/**
 * Orders, payments and catalog products, through the modules whatsapp-web.js 1.34.7 calls for them
 * (docs/page-contract.md, "Orders, payments, interactive replies"): an order's details from
 * `WAWebBizOrderBridge.queryOrder` with the order message's token, a payment from its message's fields,
 * a product of the account's own catalog from `WAWebBizProductCatalogBridge.queryProduct`.
 */
import type { PageOrder, PagePayment } from '../bridge';
import { watched } from './drift';
import { findMsg, widString, type Req } from './messages';

const text = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');

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
