/**
 * Issue 26: a contact's common groups, a user's device count and the phone's address book through
 * waweb's Client, the same scenarios as test/e2e/wwebjs-contacts.test.ts runs with an unmodified
 * whatsapp-web.js: the simulator's phones see each effect. Numbers as the app writes them; `contact_changed`.
 */
import { IncompatibleWebError, InvalidOptionError, NoAuth, type WebContractReport } from '../../src/index';
import { ClientHarness } from '../helpers/client';
import { useSimulatorHarnesses } from '../helpers/use-simulator';
import { until } from '../helpers/until';

const env = useSimulatorHarnesses('waweb-client-contacts-', (sim, dir) => ({ h: new ClientHarness(sim, dir) }));

async function ready(number: string) {
  const c = env.h.create({ scanAs: number, options: { authStrategy: new NoAuth() } });
  await c.client.initialize();
  await c.until('ready');
  return c.client;
}

const ids = (list: Array<{ _serialized: string }>): string[] => list.map((id) => id._serialized).sort();

test('getCommonGroups() lists the groups shared with a contact, and follows a member added later', async () => {
  const number = '15553005001';
  const client = await ready(number);
  const phone = env.sim.phone(number);
  const friend = '15557775001';
  const other = '15557775002';
  const both = await phone.createGroup('Both', [friend, other]);
  const otherOnly = await phone.createGroup('Other only', [other]);
  await until(async () => ((await client.getCommonGroups(`${other}@c.us`)).length === 2 ? true : undefined), 'the groups on the device');

  expect(ids(await client.getCommonGroups(`${friend}@c.us`))).toEqual([both.id]);
  const groups = await (await client.getContactById(`${other}@c.us`)).getCommonGroups();
  expect(ids(groups)).toEqual([both.id, otherOnly.id].sort());
  expect(groups[0]).toMatchObject({ server: 'g.us' });
  expect(await client.getCommonGroups('15557775099@c.us')).toEqual([]);

  // Asked again, not cached: a group the friend joins later counts.
  await phone.changeGroup(otherOnly.id, 'add', friend);
  await until(
    async () => ((await client.getCommonGroups(`${friend}@c.us`)).length === 2 ? true : undefined),
    'the new member sharing a second group',
  );
  expect(ids(await client.getCommonGroups(friend))).toEqual([both.id, otherOnly.id].sort());
});

test("getContactDeviceCount() counts a user's phone and linked devices; 0 for a number not on WhatsApp", async () => {
  const number = '15553005002';
  const client = await ready(number);
  const friend = '15557775003';
  await env.sim.registerNumber(friend);
  expect(await client.getContactDeviceCount(`${number}@c.us`)).toBe(2);
  expect(await client.getContactDeviceCount(`${friend}@c.us`)).toBe(1);
  await env.sim.unregisterNumber(friend);
  expect(await client.getContactDeviceCount(friend)).toBe(0);
});

test("saveOrEditAddressbookContact() and deleteAddressbookContact() change the phone's address book and the names devices show", async () => {
  const number = '15553005003';
  const client = await ready(number);
  const phone = env.sim.phone(number);
  const friend = '15557775004';

  await client.saveOrEditAddressbookContact(friend, 'Ada', 'Lovelace', true);
  await until(() => (phone.contacts()[friend] === 'Ada Lovelace' ? true : undefined), 'the new contact reaching the phone');
  await until(async () => ((await client.getContactById(friend)).name === 'Ada Lovelace' ? true : undefined), 'the name on the device');
  expect((await client.getContactById(friend)).isMyContact).toBe(true);

  await client.saveOrEditAddressbookContact(`+${friend}`, 'Ada', '');
  await until(() => (phone.contacts()[friend] === 'Ada' ? true : undefined), 'the edit reaching the phone');

  await client.deleteAddressbookContact(friend);
  await until(() => (phone.contacts()[friend] === undefined ? true : undefined), 'the delete reaching the phone');
  await until(async () => ((await client.getContactById(friend)).name === undefined ? true : undefined), 'the name gone on the device');

  const saved = '15557775005';
  await phone.addContact(saved, 'Grace');
  await until(async () => ((await client.getContactById(saved)).name === 'Grace' ? true : undefined), "the phone's contact on the device");
  await client.deleteAddressbookContact(`${saved}@c.us`);
  await until(() => (phone.contacts()[saved] === undefined ? true : undefined), "the delete of the phone's contact");
  expect(phone.contacts()).toEqual({});

  // Not a phone number: refused before the page is asked.
  for (const bad of ['', 'ada', '12'])
    await expect(client.saveOrEditAddressbookContact(bad, 'Ada', 'Lovelace')).rejects.toBeInstanceOf(InvalidOptionError);
  await expect(client.deleteAddressbookContact('status@broadcast')).rejects.toBeInstanceOf(InvalidOptionError);
});

test('getFormattedNumber() and getCountryCode() write a number as the app does, for the client and a contact', async () => {
  const client = await ready('15553005005');
  expect(await client.getFormattedNumber('15551234567@c.us')).toBe('+1 (555) 123-4567');
  expect(await client.getFormattedNumber('447911123456')).toBe('+44 791 112 3456');
  expect(await client.getFormattedNumber('+1 555 123 4567')).toBe('+1 (555) 123-4567');
  expect(await client.getCountryCode('15551234567@c.us')).toBe('1');
  expect(await client.getCountryCode('+447911123456')).toBe('44');
  expect(await client.getCountryCode('3538512345678')).toBe('353');
  const contact = await client.getContactById('4915123456789@c.us');
  expect(await contact.getFormattedNumber()).toBe('+49 151 234 56789');
  expect(await contact.getCountryCode()).toBe('49');
  // The fields whatsapp-web.js reads with the app's getters and serialize().
  expect(contact).toMatchObject({ isWAContact: true, isEnterprise: false, statusMute: false, type: 'in', sectionHeader: undefined });
  await expect(client.getCountryCode('120363000000000001@g.us')).rejects.toBeInstanceOf(InvalidOptionError);
});

test('contact_changed: a contact changing number shows the notification in the old chat, with the old and the new id', async () => {
  const number = '15553005006';
  const c = env.h.create({ scanAs: number, options: { authStrategy: new NoAuth() } });
  await c.client.initialize();
  await c.until('ready');
  const wire = await env.sim.phone(number).contactChangesNumber('15557775007', '15557775008');
  const [message, oldId, newId, isContact] = await c.until('contact_changed');
  expect(message).toMatchObject({ id: { id: wire.id }, type: 'notification_template', from: '15557775007@c.us', to: '15557775008@c.us' });
  expect([oldId, newId, isContact]).toEqual(['15557775007@c.us', '15557775008@c.us', true]);
});

test('a build without the device list: web_contract names contact-tools, getContactDeviceCount() rejects with INCOMPATIBLE_WEB, the rest works', async () => {
  const build = '2.3000.1026000701';
  env.sim.setLiveBuild(build, { without: ['WAWebApiDeviceList'] });
  const number = '15553005004';
  const c = env.h.create({ scanAs: number, options: { authStrategy: new NoAuth() } });
  const reports: WebContractReport[] = [];
  c.client.on('web_contract', (report) => reports.push(report));
  await c.client.initialize();
  await c.until('ready');
  expect(reports).toEqual([
    {
      build,
      missing: [{ module: 'WAWebApiDeviceList', member: 'getDeviceIds', feature: 'contact-tools', expected: 'function', found: 'missing' }],
    },
  ]);
  const err = await c.client.getContactDeviceCount(`${number}@c.us`).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(IncompatibleWebError);
  expect((err as IncompatibleWebError).code).toBe('INCOMPATIBLE_WEB');
  await expect(c.client.saveOrEditAddressbookContact('15557775006', 'Ada', 'Lovelace')).rejects.toBeInstanceOf(IncompatibleWebError);
  expect(env.sim.phone(number).contacts()).toEqual({});
});
