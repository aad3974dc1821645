/**
 * Issue 26: the simulator implements the page modules whatsapp-web.js 1.34.7 calls for a contact's
 * common groups (`WAWebFindCommonGroupsContactAction`), a user's device count (`WAWebApiDeviceList`)
 * and the phone's address book (`WAWebSaveContactAction`, `WAWebDeleteContactAction`), proven by an
 * unmodified whatsapp-web.js; the simulator's phones see each effect. Numbers as the app writes them
 * (`WAWebPhoneUtils.formattedPhoneNumber`, `WAPhoneFindCC.findCC`); a contact's number change
 * (`contact_changed`, from the notification the app shows).
 */
import { useSimulatorHarnesses } from '../helpers/use-simulator';
import { WwebjsHarness } from '../helpers/wwebjs';
import { until } from '../helpers/until';

const env = useSimulatorHarnesses('waweb-wwebjs-contacts-', (sim, dir) => ({ harness: new WwebjsHarness(sim, dir) }));

interface WContact {
  name?: string;
  getCommonGroups(): Promise<Array<{ _serialized: string }>>;
  getFormattedNumber(): Promise<string>;
  getCountryCode(): Promise<string>;
}
interface WClient {
  getCommonGroups(id: string): Promise<Array<{ _serialized: string }>>;
  getContactDeviceCount(id: string): Promise<number>;
  saveOrEditAddressbookContact(phone: string, first: string, last: string, sync?: boolean): Promise<unknown>;
  deleteAddressbookContact(phone: string): Promise<void>;
  getFormattedNumber(number: string): Promise<string>;
  getCountryCode(number: string): Promise<string>;
  getContactById(id: string): Promise<WContact>;
  on(event: string, listener: (...args: any[]) => void): void;
}

function ready(number: string): Promise<WClient> {
  return env.harness.linked<WClient>(number);
}

const ids = (list: Array<{ _serialized: string }>): string[] => list.map((id) => id._serialized).sort();

test('getCommonGroups() lists the groups shared with a contact, and follows a member added later', async () => {
  const number = '15550000501';
  const client = await ready(number);
  const phone = env.sim.phone(number);
  const friend = '15557770501';
  const other = '15557770502';
  const both = await phone.createGroup('Both', [friend, other]);
  const otherOnly = await phone.createGroup('Other only', [other]);
  await until(async () => ((await client.getCommonGroups(`${other}@c.us`)).length === 2 ? true : undefined), 'the groups on the device');

  expect(ids(await client.getCommonGroups(`${friend}@c.us`))).toEqual([both.id]);
  expect(ids(await (await client.getContactById(`${other}@c.us`)).getCommonGroups())).toEqual([both.id, otherOnly.id].sort());
  expect(await client.getCommonGroups('15557770599@c.us')).toEqual([]);

  await phone.changeGroup(otherOnly.id, 'add', friend);
  await until(
    async () => ((await client.getCommonGroups(`${friend}@c.us`)).length === 2 ? true : undefined),
    'the new member sharing a second group',
  );
  expect(ids(await client.getCommonGroups(`${friend}@c.us`))).toEqual([both.id, otherOnly.id].sort());
});

test("getContactDeviceCount() counts a user's phone and linked devices; 0 for a number not on WhatsApp", async () => {
  const number = '15550000502';
  const client = await ready(number);
  const friend = '15557770503';
  await env.sim.registerNumber(friend);
  // The account's own phone and this linked device.
  expect(await client.getContactDeviceCount(`${number}@c.us`)).toBe(2);
  expect(await client.getContactDeviceCount(`${friend}@c.us`)).toBe(1);
  await env.sim.unregisterNumber(friend);
  expect(await client.getContactDeviceCount(`${friend}@c.us`)).toBe(0);
});

test("saveOrEditAddressbookContact() and deleteAddressbookContact() change the phone's address book and the names devices show", async () => {
  const number = '15550000503';
  const client = await ready(number);
  const phone = env.sim.phone(number);
  const friend = '15557770504';

  await client.saveOrEditAddressbookContact(friend, 'Ada', 'Lovelace', true);
  await until(() => (phone.contacts()[friend] === 'Ada Lovelace' ? true : undefined), 'the new contact reaching the phone');
  await until(
    async () => ((await client.getContactById(`${friend}@c.us`)).name === 'Ada Lovelace' ? true : undefined),
    'the name on the device',
  );

  await client.saveOrEditAddressbookContact(friend, 'Ada', '');
  await until(() => (phone.contacts()[friend] === 'Ada' ? true : undefined), 'the edit reaching the phone');

  await client.deleteAddressbookContact(friend);
  await until(() => (phone.contacts()[friend] === undefined ? true : undefined), 'the delete reaching the phone');
  await until(
    async () => ((await client.getContactById(`${friend}@c.us`)).name === undefined ? true : undefined),
    'the name gone on the device',
  );

  // A contact the phone saved is deleted from the device as well.
  const saved = '15557770505';
  await phone.addContact(saved, 'Grace');
  await until(
    async () => ((await client.getContactById(`${saved}@c.us`)).name === 'Grace' ? true : undefined),
    "the phone's contact on the device",
  );
  await client.deleteAddressbookContact(saved);
  await until(() => (phone.contacts()[saved] === undefined ? true : undefined), "the delete of the phone's contact");
  expect(phone.contacts()).toEqual({});
});

test('getFormattedNumber() and getCountryCode() write a number as the app does, for the client and a contact', async () => {
  const client = await ready('15550000504');
  expect(await client.getFormattedNumber('15551234567@c.us')).toBe('+1 (555) 123-4567');
  expect(await client.getFormattedNumber('447911123456')).toBe('+44 791 112 3456');
  expect(await client.getCountryCode('15551234567@c.us')).toBe('1');
  expect(await client.getCountryCode('+447911123456')).toBe('44');
  expect(await client.getCountryCode('3538512345678')).toBe('353');
  const contact = await client.getContactById('4915123456789@c.us');
  expect(await contact.getFormattedNumber()).toBe('+49 151 234 56789');
  expect(await contact.getCountryCode()).toBe('49');
  expect(contact).toMatchObject({ isWAContact: true, isEnterprise: false, statusMute: false, type: 'in' });
});

test('contact_changed: a contact changing number shows the notification in the old chat, with the old and the new id', async () => {
  const number = '15550000505';
  const client = await ready(number);
  const phone = env.sim.phone(number);
  const changes: unknown[][] = [];
  client.on('contact_changed', (...args: unknown[]) => changes.push(args));
  const wire = await phone.contactChangesNumber('15557770506', '15557770507');
  await until(() => (changes.length === 1 ? true : undefined), 'contact_changed');
  const [message, oldId, newId, isContact] = changes[0] as [
    { id: { id: string }; type: string; from: string; to: string },
    { _serialized: string },
    { _serialized: string },
    boolean,
  ];
  expect(message).toMatchObject({ id: { id: wire.id }, type: 'notification_template', from: '15557770506@c.us', to: '15557770507@c.us' });
  // whatsapp-web.js hands over the app's wids (its declaration says strings).
  expect(newId._serialized).toBe('15557770507@c.us');
  expect(oldId._serialized).toBe('15557770506@c.us');
  expect(isContact).toBe(true);
});
