/**
 * What a contact sends that a business deals in: a product of its catalog, an order (whose details the
 * servers keep, for the account's devices to query with the token the order message carries), a payment,
 * and the replies to interactive messages (a reply button tapped, a list row picked).
 */
import { SimulatorError } from './errors';
import type { Connection, SimulatorHub } from './hub';
import type { ClientFrame, WireMessage, WireOrder, WireOrderProduct } from './protocol';
import { contactNumber } from './state';

/** An item of an order (`price`: per item, in the order's currency). */
export interface PhoneOrderItem {
  id: string;
  name: string;
  price: number;
  quantity: number;
  thumbnailUrl?: string;
}

/** What a business (or a customer) sends through `phone.receiveBusinessMessage`. */
export type PhoneBusinessMessage =
  | { kind: 'product'; productId: string; title: string; description?: string; price?: { amount: number; currency: string } }
  /** An order of a cart: `itemCount` items; `products` and `currency` are what `queryOrder` answers (none: no products). */
  | { kind: 'order'; orderId: string; title: string; itemCount: number; products?: PhoneOrderItem[]; currency?: string }
  /** Money sent to this phone (`status` 4: complete). */
  | { kind: 'payment'; amount: number; currency: string; note?: string; status?: number }
  /** A tap on a reply button of a message (`quotedId`, optional) this phone's device sent. */
  | { kind: 'button_reply'; buttonId: string; text: string; quotedId?: string }
  /** A row picked from a list message (`quotedId`, optional) this phone's device sent. */
  | { kind: 'list_reply'; rowId: string; title: string; description?: string; quotedId?: string };

const PAYMENT_COMPLETE = 4;

function text(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 200)
    throw new SimulatorError(400, `${name} must be 1 to 200 characters`);
  return value;
}

function amount1000(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new SimulatorError(400, `${name} must be an amount of 0 or more`);
  return Math.round(value * 1000);
}

function orderProducts(items: unknown): WireOrderProduct[] {
  if (items === undefined) return [];
  if (!Array.isArray(items) || items.length > 100) throw new SimulatorError(400, 'products must be a list of at most 100 items');
  return items.map((item: Partial<PhoneOrderItem>) => {
    const quantity = item?.quantity;
    if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1)
      throw new SimulatorError(400, 'a product quantity must be a positive integer');
    return {
      id: text(item.id, 'product id'),
      name: text(item.name, 'product name'),
      price1000: amount1000(item.price, 'price'),
      quantity,
      ...(item.thumbnailUrl === undefined ? {} : { thumbnailUrl: text(item.thumbnailUrl, 'thumbnailUrl') }),
    };
  });
}

export class BusinessMessages {
  constructor(private readonly hub: SimulatorHub) {}

  /** A contact sends `message` to account `number`. */
  async send(number: string, from: unknown, message: PhoneBusinessMessage): Promise<WireMessage> {
    const seller = `${contactNumber(from)}@c.us`;
    switch (message?.kind) {
      case 'product': {
        const { description, price } = message;
        return this.#deliver(number, from, '', 'product', {
          fields: {
            productId: text(message.productId, 'productId'),
            title: text(message.title, 'title'),
            businessOwnerJid: seller,
            ...(description === undefined ? {} : { description: text(description, 'description') }),
            ...(price === undefined
              ? {}
              : { currencyCode: text(price.currency, 'currency'), priceAmount1000: amount1000(price.amount, 'price') }),
          },
        });
      }
      case 'order':
        return this.#order(number, from, seller, message);
      case 'payment': {
        const status = message.status ?? PAYMENT_COMPLETE;
        if (!Number.isInteger(status) || status < 0 || status > 11) throw new SimulatorError(400, 'status must be 0 to 11');
        const note = message.note === undefined ? undefined : text(message.note, 'note');
        return this.#deliver(number, from, '', 'payment', {
          payment: {
            currency: text(message.currency, 'currency'),
            amount1000: amount1000(message.amount, 'amount'),
            receiver: `${number}@c.us`,
            status,
            txnStatus: status,
            ...(note === undefined ? {} : { note }),
          },
        });
      }
      case 'button_reply':
        return this.#deliver(number, from, text(message.text, 'text'), 'buttons_response', {
          fields: { selectedButtonId: text(message.buttonId, 'buttonId') },
          ...this.#quoted(number, message.quotedId),
        });
      case 'list_reply': {
        const description = message.description === undefined ? undefined : text(message.description, 'description');
        const title = text(message.title, 'title');
        return this.#deliver(number, from, title, 'list_response', {
          listReply: { rowId: text(message.rowId, 'rowId'), title, ...(description === undefined ? {} : { description }) },
          ...this.#quoted(number, message.quotedId),
        });
      }
      default:
        throw new SimulatorError(400, "kind must be 'product', 'order', 'payment', 'button_reply' or 'list_reply'");
    }
  }

  /** A device asks for an order's details (`WAWebBizOrderBridge.queryOrder`): known to its account, with the right token. */
  async onDeviceFrame(conn: Connection, frame: Extract<ClientFrame, { t: 'order' }>): Promise<void> {
    const found = conn.deviceId ? this.hub.state.findDevice(conn.deviceId) : undefined;
    const kept = found?.account.orders?.[String(frame.orderId)];
    const order = kept && kept.token === frame.token ? kept.order : null;
    this.hub.send(conn, { t: 'order', reqId: frame.reqId, order });
  }

  async #order(
    number: string,
    from: unknown,
    seller: string,
    message: Extract<PhoneBusinessMessage, { kind: 'order' }>,
  ): Promise<WireMessage> {
    const items = message.itemCount;
    if (typeof items !== 'number' || !Number.isInteger(items) || items < 1)
      throw new SimulatorError(400, 'itemCount must be a positive integer');
    const orderId = text(message.orderId, 'orderId');
    const order: WireOrder = {
      currency: message.currency === undefined ? 'USD' : text(message.currency, 'currency'),
      createdAt: Math.floor(Date.now() / 1000),
      products: orderProducts(message.products),
    };
    const token = this.hub.messageId();
    const account = this.hub.recipient(number);
    (account.orders ??= {})[orderId] = { token, order };
    return this.#deliver(number, from, '', 'order', {
      fields: { orderId, orderTitle: text(message.title, 'title'), itemCount: items, token, sellerJid: seller },
    });
  }

  /** The quote of a message this phone's devices sent (404 when there is none of that id). */
  #quoted(number: string, quotedId: unknown): { quotedId?: string } {
    if (quotedId === undefined) return {};
    const sent = this.hub.account(number).sent.find((m) => m.id === quotedId);
    if (!sent) throw new SimulatorError(404, `no message ${JSON.stringify(quotedId)} was sent by ${number}'s devices`);
    return { quotedId: sent.id };
  }

  async #deliver(number: string, from: unknown, body: string, type: string, extra: Partial<WireMessage>): Promise<WireMessage> {
    const account = this.hub.recipient(number);
    const msg = this.hub.incoming(number, contactNumber(from), body, { type, ...extra });
    await this.hub.deliver(account, msg);
    return msg;
  }
}
