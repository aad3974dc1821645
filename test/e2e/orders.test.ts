/**
 * Issue 27, the last message members: `Message.getOrder()` (the order's products, subtotal, total,
 * currency and time, from `WAWebBizOrderBridge.queryOrder` with the order message's token),
 * `Message.getPayment()` (a payment message's fields), and the replies to interactive messages:
 * `dynamicReplyButtons` on a sent `Buttons` message, `selectedButtonId` on a button reply,
 * `selectedRowId` on a list reply. One scenario per feature, run with the unmodified whatsapp-web.js
 * (which proves the simulator) and with waweb.
 */
import * as wawebModule from '../../src/index';
import { LIBRARIES, useBothClients, type Library } from '../helpers/both-clients';
import { until } from '../helpers/until';

const env = useBothClients('waweb-orders-');

interface OrderProduct {
  id: string;
  name: string;
  price: string;
  currency: string;
  quantity: number;
  thumbnailUrl: string;
  getData(): Promise<{ id: string; name: string; description: string; retailer_id?: string } | undefined>;
}
interface OrderView {
  products: OrderProduct[];
  subtotal: string;
  total: string;
  currency: string;
  createdAt: number;
}
interface PaymentView {
  id: { _serialized: string };
  paymentCurrency: string;
  paymentAmount1000: number;
  paymentMessageReceiverJid: { _serialized: string };
  paymentTransactionTimestamp: number;
  paymentStatus: number;
  paymentTxnStatus: number;
  paymentNote?: string;
}
interface OrderMessage {
  id: { _serialized: string; id: string };
  type: string;
  body: string;
  timestamp: number;
  orderId?: string;
  dynamicReplyButtons?: unknown;
  selectedButtonId?: string;
  selectedRowId?: string;
  getOrder(): Promise<OrderView | undefined>;
  getPayment(): Promise<PaymentView | undefined>;
  getQuotedMessage(): Promise<{ id: { id: string } } | undefined>;
}
interface OrderClient {
  getChatById(id: string): Promise<{ fetchMessages(options: { limit?: number }): Promise<OrderMessage[]> }>;
  sendMessage(chatId: string, content: unknown): Promise<OrderMessage>;
}
interface Classes {
  Buttons: new (body: string, buttons: Array<{ id?: string; body: string }>, title?: string, footer?: string) => unknown;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- whatsapp-web.js is CommonJS; only the classes used are declared here
const wwebjs = require('whatsapp-web.js') as Classes;
const classesOf = (library: Library): Classes => (library === 'waweb' ? wawebModule : wwebjs);

/** The newest message of a chat once there are `count`. */
async function newest(client: OrderClient, chatId: string, count: number, what: string): Promise<OrderMessage> {
  const msgs = await until(async () => {
    const got = await (await client.getChatById(chatId)).fetchMessages({ limit: 10 });
    return got.length >= count ? got : undefined;
  }, what);
  return msgs[msgs.length - 1]!;
}

describe.each(LIBRARIES)('%s', (library) => {
  const n = LIBRARIES.indexOf(library);

  test('an order: getOrder answers its products (their details from the catalog), subtotal, total, currency and time; a payment: getPayment its fields; other messages answer undefined', async () => {
    const number = `1555000091${n}`;
    const customer = `1555777091${n}`;
    const chatId = `${customer}@c.us`;
    const phone = env.sim.phone(number, { business: true });
    await phone.business.addProduct({ id: 'P-1', name: 'Rye loaf', description: 'Baked today', retailerId: 'RYE-1' });
    const client = await env.linked<OrderClient>(library, number);

    await phone.receiveBusinessMessage(customer, {
      kind: 'order',
      orderId: 'O-77',
      title: 'Bakery order',
      itemCount: 3,
      currency: 'EUR',
      products: [
        { id: 'P-1', name: 'Rye loaf', price: 3.5, quantity: 2 },
        { id: 'P-2', name: 'Croissant', price: 1.25, quantity: 1, thumbnailUrl: 'https://example.test/c.jpg' },
      ],
    });
    const order = await newest(client, chatId, 1, 'the order on the device');
    expect(order).toMatchObject({ type: 'order', orderId: 'O-77' });
    const details = await order.getOrder();
    expect(details).toMatchObject({ subtotal: '8250', total: '8250', currency: 'EUR' });
    expect(Math.abs((details?.createdAt ?? 0) - order.timestamp)).toBeLessThanOrEqual(2);
    expect(
      details?.products.map(({ id, name, price, currency, quantity, thumbnailUrl }) => ({
        id,
        name,
        price,
        currency,
        quantity,
        thumbnailUrl,
      })),
    ).toEqual([
      { id: 'P-1', name: 'Rye loaf', price: '3500', currency: 'EUR', quantity: 2, thumbnailUrl: '' },
      { id: 'P-2', name: 'Croissant', price: '1250', currency: 'EUR', quantity: 1, thumbnailUrl: 'https://example.test/c.jpg' },
    ]);
    // A product's details come from the account's own catalog (whatsapp-web.js asks for the own wid's).
    const [rye, croissant] = details?.products ?? [];
    expect(await rye?.getData()).toMatchObject({ id: 'P-1', name: 'Rye loaf', description: 'Baked today', retailer_id: 'RYE-1' });
    expect(await croissant?.getData()).toBeUndefined();
    expect(await order.getPayment()).toBeUndefined();

    await phone.receiveBusinessMessage(customer, { kind: 'payment', amount: 12.5, currency: 'BRL', note: 'for the bread' });
    const paid = await newest(client, chatId, 2, 'the payment on the device');
    expect(paid.type).toBe('payment');
    const payment = await paid.getPayment();
    expect(payment).toMatchObject({
      paymentCurrency: 'BRL',
      paymentAmount1000: 12500,
      paymentMessageReceiverJid: { _serialized: `${number}@c.us` },
      paymentTransactionTimestamp: paid.timestamp,
      paymentStatus: 4,
      paymentTxnStatus: 4,
      paymentNote: 'for the bread',
    });
    expect(payment?.id._serialized).toBe(paid.id._serialized);
    expect(await paid.getOrder()).toBeUndefined();
  });

  test('a sent Buttons message carries dynamicReplyButtons; a button reply carries selectedButtonId, a list reply selectedRowId', async () => {
    const number = `1555000092${n}`;
    const contact = `1555777092${n}`;
    const chatId = `${contact}@c.us`;
    const phone = env.sim.phone(number);
    const client = await env.linked<OrderClient>(library, number);
    const { Buttons } = classesOf(library);

    const sent = await client.sendMessage(chatId, new Buttons('Pick one', [{ id: 'yes', body: 'Yes' }, { body: 'No' }]));
    expect(sent.dynamicReplyButtons).toEqual([
      { buttonId: 'yes', buttonText: { displayText: 'Yes' }, type: 1 },
      { buttonId: expect.any(String), buttonText: { displayText: 'No' }, type: 1 },
    ]);
    await until(() => phone.sentMessages().find((m) => m.id === sent.id.id), 'the buttons on the phone');

    await phone.receiveBusinessMessage(contact, { kind: 'button_reply', buttonId: 'yes', text: 'Yes', quotedId: sent.id.id });
    const tapped = await newest(client, chatId, 2, 'the button reply on the device');
    expect(tapped).toMatchObject({ type: 'buttons_response', body: 'Yes', selectedButtonId: 'yes' });
    expect(tapped.selectedRowId).toBeUndefined();
    expect((await tapped.getQuotedMessage())?.id.id).toBe(sent.id.id);

    await phone.receiveBusinessMessage(contact, { kind: 'list_reply', rowId: 'r-soup', title: 'Soup', description: 'hot' });
    const picked = await newest(client, chatId, 3, 'the list reply on the device');
    expect(picked).toMatchObject({ type: 'list_response', body: 'Soup', selectedRowId: 'r-soup' });
    expect(picked.selectedButtonId).toBeUndefined();
    expect(picked.dynamicReplyButtons).toBeUndefined();
  });
});
