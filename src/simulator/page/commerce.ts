/**
 * Orders, payments and the replies to interactive messages, as whatsapp-web.js 1.34.7 reads them: an
 * order's details from the servers (`WAWebBizOrderBridge.queryOrder`, with the token of the order
 * message), a payment's fields on its message model (`paymentCurrency`, `paymentAmount1000`, ...), a list
 * reply's `listResponse`, and the reply buttons a device sent (`dynamicReplyButtons`).
 */
import type { ClientFrame, ServerFrame, WireCatalogProduct, WireMessage, WireOrder } from '../protocol';
import { createWid } from './wid';

/** The content fields a received payment or list reply keeps on its model. */
export function receivedCommerceContent(wire: WireMessage): Record<string, unknown> | undefined {
  const { payment, listReply } = wire;
  if (payment) {
    return {
      paymentCurrency: payment.currency,
      paymentAmount1000: payment.amount1000,
      paymentMessageReceiverJid: createWid(payment.receiver),
      paymentTransactionTimestamp: wire.t,
      paymentStatus: payment.status,
      paymentTxnStatus: payment.txnStatus,
      paymentNoteMsg: payment.note === undefined ? undefined : { body: payment.note, type: 'chat' },
    };
  }
  if (listReply) {
    return {
      listResponse: {
        title: listReply.title,
        description: listReply.description,
        listType: 1,
        singleSelectReply: { selectedRowId: listReply.rowId },
      },
    };
  }
  return undefined;
}

/** The content fields a sent message with reply buttons keeps on its model (from `addAndSendMsgToChat`'s data). */
export function sentCommerceContent(data: Record<string, unknown>): Record<string, unknown> | undefined {
  const buttons = data['dynamicReplyButtons'];
  if (data['isDynamicReplyButtonsMsg'] !== true || !Array.isArray(buttons)) return undefined;
  return { isDynamicReplyButtonsMsg: true, dynamicReplyButtons: structuredClone(buttons) };
}

/** An amount in thousandths, as the order query gives amounts (a string). */
const amount = (value: number): string => String(value);

function orderResult(orderId: string, order: WireOrder): Record<string, unknown> {
  const subtotal = order.products.reduce((sum, p) => sum + p.price1000 * p.quantity, 0);
  return {
    id: orderId,
    products: order.products.map((p) => ({
      id: p.id,
      name: p.name,
      price: amount(p.price1000),
      currency: order.currency,
      quantity: p.quantity,
      thumbnailUrl: p.thumbnailUrl ?? '',
    })),
    subtotal: amount(subtotal),
    total: amount(subtotal),
    currency: order.currency,
    createdAt: order.createdAt,
  };
}

/** The app's line to the servers, its own user and its catalog. */
interface Servers {
  request(frame: ClientFrame & { reqId: number }, timeoutMs: number): Promise<ServerFrame | null>;
  nextReqId(): number;
  meUser(): { _serialized: string } | undefined;
  business: { catalogProduct(id: string): WireCatalogProduct | undefined };
}

export function commerceModules(app: Servers): Record<string, unknown> {
  return {
    WAWebBizOrderBridge: {
      /** The order's details (images of `width`×`height`); rejects for an unknown order or a wrong token. */
      queryOrder: async (chatWid: unknown, orderId: unknown, _width: unknown, _height: unknown, token: unknown) => {
        createWid(chatWid);
        if (typeof orderId !== 'string' || typeof token !== 'string') throw new Error('queryOrder: bad arguments');
        const reply = await app.request({ t: 'order', reqId: app.nextReqId(), orderId, token }, 15_000);
        if (!reply || reply.t !== 'order') throw new Error('queryOrder: no answer from the server');
        if (!reply.order) throw new Error(`queryOrder: no order ${orderId}`);
        return orderResult(orderId, reply.order);
      },
    },
    WAWebBizProductCatalogBridge: {
      /** A product of `sellerWid`'s catalog (`{ data }`); the simulated app has only its own account's catalog. */
      queryProduct: async (sellerWid: unknown, productId: unknown) => {
        const seller = createWid(sellerWid);
        const product = seller._serialized === app.meUser()?._serialized ? app.business.catalogProduct(String(productId)) : undefined;
        if (!product) return null;
        const { retailerId, ...rest } = product;
        return { data: { ...rest, ...(retailerId === undefined ? {} : { retailer_id: retailerId }) } };
      },
    },
  };
}
