/**
 * An order's details and a payment's fields as whatsapp-web.js 1.34.7 shapes them (`Order` with its
 * `Product`s, `Payment`), from what the page read (`Message.getOrder()`, `Message.getPayment()`).
 */
import type { PageOrder, PagePayment } from '../../web/bridge';
import { asDeclared } from '../compat/declared';
import type { MessageId } from './message-id';
import type { Order, Payment, Product } from './message-types';
import type { ModelClient } from './model-client';
import { ProductMetadata } from './product-metadata';
import { toWid } from './wid';

/** An order, its products each with `getData()`: the product's details in the account's own catalog (as whatsapp-web.js asks). */
export function orderFrom(client: ModelClient, page: PageOrder): Order {
  const products = page.products.map((p): Product => ({
    id: p.id,
    price: p.price,
    thumbnailUrl: p.thumbnailUrl,
    currency: p.currency,
    name: p.name,
    quantity: p.quantity,
    getData: async (): Promise<ProductMetadata> => {
      const data = await client.readyPage('getData()').call('productMetadata', p.id);
      return asDeclared(data ? new ProductMetadata(data) : undefined);
    },
  }));
  return { products, subtotal: page.subtotal, total: page.total, currency: page.currency, createdAt: page.createdAt };
}

/** A payment: the message's id, and the note's text when it has one (`undefined` otherwise, as in whatsapp-web.js). */
export function paymentFrom(id: MessageId, page: PagePayment): Payment {
  return {
    id: { ...id },
    paymentCurrency: page.currency,
    paymentAmount1000: page.amount1000,
    paymentMessageReceiverJid: toWid(page.receiver),
    paymentTransactionTimestamp: page.timestamp,
    paymentStatus: page.status,
    paymentTxnStatus: page.txnStatus,
    paymentNote: asDeclared(page.note),
  };
}
