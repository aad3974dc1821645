/**
 * Issue 27, WhatsApp Business: labels (`getLabels`, `getLabelById`, `getChatLabels`, `getChatsByLabelId`,
 * `addOrRemoveLabels`, `Chat.getLabels`/`changeLabels`, `Label.getChats`, `Contact.labels`), customer notes
 * (Client and Chat) and `BusinessContact.businessProfile`; on a personal account each answers as
 * whatsapp-web.js does there. One scenario per account kind, run with the unmodified whatsapp-web.js
 * (which proves the simulator) and with waweb.
 */
import { LIBRARIES, useBothClients } from '../helpers/both-clients';
import { until } from '../helpers/until';

const env = useBothClients('waweb-business-');

interface BizLabel {
  id: string;
  name: string;
  hexColor: string;
  getChats(): Promise<Array<{ id: { _serialized: string } }>>;
}
interface BizNote {
  chatId: string;
  content: string;
  type: string;
  id: string;
  createdAt: number;
  modifiedAt: number;
}
interface BizChat {
  id: { _serialized: string };
  getLabels(): Promise<BizLabel[]>;
  changeLabels(labelIds: string[]): Promise<void>;
  addOrEditCustomerNote(note: string): Promise<void>;
  getCustomerNote(): Promise<BizNote | null>;
  fetchMessages(options: { limit?: number }): Promise<BizMessage[]>;
}
interface BizMessage {
  type: string;
  orderId?: string;
  title?: string;
  description?: string;
  businessOwnerJid?: string;
  productId?: string;
}
interface BizContact {
  isBusiness: boolean;
  labels?: string[];
  verifiedName?: string;
  businessProfile?: { description?: string; categories?: Array<{ localized_display_name: string }> };
}
interface BizClient {
  info: { platform: string };
  getLabels(): Promise<BizLabel[]>;
  getLabelById(id: string): Promise<BizLabel>;
  getChatLabels(chatId: string): Promise<BizLabel[]>;
  getChatsByLabelId(id: string): Promise<Array<{ id: { _serialized: string } }>>;
  addOrRemoveLabels(labelIds: string[], chatIds: string[]): Promise<void>;
  addOrEditCustomerNote(userId: string, note: string): Promise<void>;
  getCustomerNote(userId: string): Promise<BizNote | null>;
  getChatById(id: string): Promise<BizChat>;
  getContactById(id: string): Promise<BizContact>;
}

const names = (labels: BizLabel[]): string[] => labels.map((l) => l.name).sort();

describe.each(LIBRARIES)('%s', (library) => {
  const n = LIBRARIES.indexOf(library);
  const number = `1555000081${n}`;
  const customer = `1555777081${n}`;
  const customerChat = `${customer}@c.us`;
  const shop = `1555777082${n}`;

  test('a business account: labels seen at link and live, set by the device and seen by the phone; customer notes both ways; a business contact has its profile', async () => {
    const phone = env.sim.phone(number, { business: true });
    env.sim.phone(shop, { pushname: 'Corner Shop', business: { description: 'Fresh bread daily', category: 'Bakery' } });
    await phone.addHistory(customer, 'hello');
    await phone.addContact(shop, 'Corner Shop');
    await phone.business.labelChat(customerChat, '1');

    const client = await env.linked<BizClient>(library, number);
    expect(client.info.platform).toBe('smba');
    const labels = await client.getLabels();
    expect(names(labels)).toEqual(['New customer', 'New order', 'Order complete', 'Paid', 'Pending payment']);
    expect(labels.every((l) => /^#[0-9a-f]{6}$/.test(l.hexColor))).toBe(true);
    expect(await client.getLabelById('2')).toMatchObject({ id: '2', name: 'New order', hexColor: '#64c4ff' });
    expect(names(await client.getChatLabels(customerChat))).toEqual(['New customer']);
    expect((await client.getChatsByLabelId('1')).map((c) => c.id._serialized)).toEqual([customerChat]);
    expect(await client.getChatsByLabelId('3')).toEqual([]);

    // Set by the device: exactly these labels on the chat, and the phone sees it.
    const chatsOf = (id: string): string[] => phone.business.labels().find((l) => l.id === id)?.chats ?? [];
    await client.addOrRemoveLabels(['2', '4'], [customerChat]);
    await until(
      () => (chatsOf('2').includes(customerChat) && !chatsOf('1').includes(customerChat) ? true : undefined),
      'the labels on the phone',
    );
    expect(chatsOf('4')).toEqual([customerChat]);
    const chat = await client.getChatById(customerChat);
    expect(names(await chat.getLabels())).toEqual(['New order', 'Paid']);
    await chat.changeLabels(['3']);
    await until(() => (chatsOf('3').includes(customerChat) && chatsOf('2').length === 0 ? true : undefined), 'changeLabels on the phone');
    expect(chatsOf('4')).toEqual([]);
    expect((await client.getContactById(customerChat)).labels).toEqual(['3']);

    // Made on the phone: the device sees it at once.
    const vip = await phone.business.addLabel('VIP', 7);
    await phone.business.labelChat(customerChat, vip.id);
    const live = await until(async () => {
      const onChat = await client.getChatLabels(customerChat);
      return onChat.some((l) => l.name === 'VIP') ? onChat : undefined;
    }, 'the phone label on the device');
    expect(names(live)).toEqual(['Pending payment', 'VIP']);
    const vipLabel = await client.getLabelById(vip.id);
    expect(vipLabel).toMatchObject({ name: 'VIP', hexColor: vip.hexColor });
    expect((await vipLabel.getChats()).map((c) => c.id._serialized)).toEqual([customerChat]);

    // Customer notes: written by the device, read by the phone; written by the phone, read by the device.
    expect(await client.getCustomerNote(customerChat)).toBeNull();
    await client.addOrEditCustomerNote(customerChat, 'Likes rye bread');
    await until(() => (phone.business.note(customer)?.content === 'Likes rye bread' ? true : undefined), 'the note on the phone');
    expect(await client.getCustomerNote(customerChat)).toMatchObject({
      chatId: customerChat,
      content: 'Likes rye bread',
      type: 'unstructured',
    });
    await phone.business.setNote(customer, 'Pays on Fridays');
    const note = await until(async () => {
      const read = await chat.getCustomerNote();
      return read?.content === 'Pays on Fridays' ? read : undefined;
    }, 'the phone note on the device');
    expect(note.id).toBe(phone.business.note(customer)?.id);
    await chat.addOrEditCustomerNote('Pays on Mondays');
    await until(() => (phone.business.note(customer)?.content === 'Pays on Mondays' ? true : undefined), 'the edited note on the phone');

    // A contact that is a business account.
    const contact = await client.getContactById(`${shop}@c.us`);
    expect(contact.isBusiness).toBe(true);
    expect(contact.verifiedName).toBe('Corner Shop');
    expect(contact.businessProfile).toMatchObject({ description: 'Fresh bread daily', categories: [{ localized_display_name: 'Bakery' }] });
    const personal = await client.getContactById(customerChat);
    expect(personal.isBusiness).toBe(false);

    // What a business sends: a product of its catalog, an order.
    await phone.receiveBusinessMessage(shop, {
      kind: 'product',
      productId: 'P-1',
      title: 'Rye loaf',
      description: 'Baked today',
      price: { amount: 3.5, currency: 'EUR' },
    });
    await phone.receiveBusinessMessage(shop, { kind: 'order', orderId: 'O-1', title: 'Your order', itemCount: 2 });
    const fromShop = await until(async () => {
      const msgs = await (await client.getChatById(`${shop}@c.us`)).fetchMessages({ limit: 5 });
      return msgs.length >= 2 ? msgs : undefined;
    }, 'the business messages on the device');
    const fields = ({ type, orderId, title, description, businessOwnerJid, productId }: BizMessage): BizMessage =>
      JSON.parse(JSON.stringify({ type, orderId, title, description, businessOwnerJid, productId })) as BizMessage;
    expect(fromShop.map(fields)).toEqual([
      { type: 'product', productId: 'P-1', title: 'Rye loaf', description: 'Baked today', businessOwnerJid: `${shop}@c.us` },
      { type: 'order', orderId: 'O-1' },
    ]);
  });

  test('a personal account: no labels, label lookups and changes refused, customer notes off', async () => {
    const own = `1555000083${n}`;
    const phone = env.sim.phone(own);
    await phone.addHistory(customer, 'hi');
    const client = await env.linked<BizClient>(library, own);
    expect(client.info.platform).toBe('android');
    expect(await client.getLabels()).toEqual([]);
    expect(await client.getChatLabels(customerChat)).toEqual([]);
    await expect(client.getLabelById('1')).rejects.toBeTruthy();
    await expect(client.getChatsByLabelId('1')).rejects.toBeTruthy();
    await expect(client.addOrRemoveLabels(['1'], [customerChat])).rejects.toBeTruthy();
    if (library === 'waweb') {
      // waweb's errors say which: no such label, and a call that needs a business account.
      await expect(client.getLabelById('1')).rejects.toMatchObject({ code: 'INVALID_OPTION' });
      await expect(client.addOrRemoveLabels(['1'], [customerChat])).rejects.toMatchObject({ code: 'NOT_BUSINESS' });
    }
    await expect(client.addOrEditCustomerNote(customerChat, 'a note')).resolves.toBeUndefined();
    expect(await client.getCustomerNote(customerChat)).toBeNull();
    expect((await client.getContactById(customerChat)).labels).toBeUndefined();
  });
});
