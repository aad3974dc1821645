/**
 * Issue 26: the profile, blocking and profile pictures through waweb's Client, the same scenarios as
 * test/e2e/wwebjs-profile.test.ts runs with an unmodified whatsapp-web.js: the simulator's phones see
 * each effect.
 */
import { GroupChat, InvalidOptionError, MessageMedia, NoAuth } from '../../src/index';
import { ClientHarness } from '../helpers/client';
import { useSimulatorHarnesses } from '../helpers/use-simulator';
import { until, untilTrue } from '../helpers/until';

const env = useSimulatorHarnesses('waweb-client-profile-', (sim, dir) => ({ h: new ClientHarness(sim, dir) }));

async function ready(number: string) {
  const c = env.h.create({ scanAs: number, options: { authStrategy: new NoAuth() } });
  await c.client.initialize();
  await c.until('ready');
  return c.client;
}

// A 2x2 PNG (red, green, blue, white).
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFElEQVR4nGP4z8DAAMIM/////w8AH+4F+7C4l8kAAAAASUVORK5CYII=';

test('setDisplayName(), setStatus() and presence reach the phone; getAbout() reads what a contact set, null when none', async () => {
  const number = '15553004001';
  const client = await ready(number);
  const phone = env.sim.phone(number);

  expect(await client.setDisplayName('Bot Four')).toBe(true);
  await untilTrue(() => phone.pushname() === 'Bot Four', 'the new display name reaching the phone');
  await client.setStatus('busy building bots');
  await untilTrue(() => phone.status() === 'busy building bots', 'the about text reaching the phone');
  await expect(client.setDisplayName('')).rejects.toBeInstanceOf(InvalidOptionError);
  await client.sendPresenceAvailable();
  await client.sendPresenceUnavailable();

  const friend = '15557774001';
  await env.sim.phone(friend).setAbout('at the gym');
  expect(await (await client.getContactById(`${friend}@c.us`)).getAbout()).toBe('at the gym');
  expect(await (await client.getContactById('15557774002@c.us')).getAbout()).toBeNull();
});

test('block() and unblock(): the phone sees the block, the blocked list and isBlocked follow, blocked messages never arrive', async () => {
  const number = '15553004002';
  const client = await ready(number);
  const phone = env.sim.phone(number);
  const pest = '15557774003';
  const friend = '15557774004';
  const bodies: string[] = [];
  client.on('message', (msg) => bodies.push(msg.body));

  const contact = await client.getContactById(`${pest}@c.us`);
  expect(contact.isBlocked).toBe(false);
  expect(await contact.block()).toBe(true);
  expect(contact.isBlocked).toBe(true);
  await untilTrue(() => phone.blocked().includes(pest), 'the block reaching the phone');
  expect((await client.getBlockedContacts()).map((c) => c.id._serialized)).toEqual([`${pest}@c.us`]);
  expect((await client.getContactById(`${pest}@c.us`)).isBlocked).toBe(true);

  await phone.receiveText(pest, 'let me in');
  await phone.receiveText(friend, 'hello');
  await untilTrue(() => bodies.includes('hello'), "the friend's message");
  expect(bodies).toEqual(['hello']);

  expect(await contact.unblock()).toBe(true);
  await untilTrue(() => phone.blocked().length === 0, 'the unblock reaching the phone');
  expect(await client.getBlockedContacts()).toEqual([]);
  await phone.receiveText(pest, 'thanks');
  await untilTrue(() => bodies.includes('thanks'), 'a message after the unblock');

  await phone.block(friend);
  await until(
    async () => ((await client.getContactById(`${friend}@c.us`)).isBlocked ? true : undefined),
    'the phone-side block on the device',
  );
  expect((await client.getBlockedContacts()).map((c) => c.id._serialized)).toEqual([`${friend}@c.us`]);
});

test("profile pictures: set and delete the own one, read a contact's URL (none: undefined); the phone sees the picture", async () => {
  const number = '15553004003';
  const client = await ready(number);
  const phone = env.sim.phone(number);
  const me = client.info.wid._serialized;
  expect(await client.getProfilePicUrl(me)).toBeUndefined();

  expect(await client.setProfilePicture(new MessageMedia('image/png', PNG, 'me.png'))).toBe(true);
  const picture = phone.picture();
  expect(picture?.bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
  expect(await client.getProfilePicUrl(me)).toBe(picture?.url);
  await expect(client.setProfilePicture(new MessageMedia('application/pdf', PNG, 'x.pdf'))).rejects.toBeInstanceOf(InvalidOptionError);

  const friend = '15557774005';
  const friendPicture = env.sim.phone(friend).setPicture(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
  const contact = await client.getContactById(`${friend}@c.us`);
  expect(await contact.getProfilePicUrl()).toBe(friendPicture.url);
  expect(await client.getProfilePicUrl('15557774006@c.us')).toBeUndefined();

  expect(await client.deleteProfilePicture()).toBe(true);
  expect(phone.picture()).toBeUndefined();
  expect(await client.getProfilePicUrl(me)).toBeUndefined();
  expect(await client.deleteProfilePicture()).toBe(false);
});

test('a group picture: an admin sets and deletes it; the phone and getProfilePicUrl see it', async () => {
  const number = '15553004004';
  const client = await ready(number);
  const phone = env.sim.phone(number);
  const group = await phone.createGroup('Pictures', ['15557774007']);
  const chat = await until(async () => (await client.getChats()).find((c) => c.id._serialized === group.id), 'the group chat');
  if (!(chat instanceof GroupChat)) throw new Error('the group is not a GroupChat');
  const groupChat = chat;

  expect(await groupChat.setPicture(new MessageMedia('image/png', PNG, 'group.png'))).toBe(true);
  const picture = phone.groupPicture(group.id);
  expect(picture?.bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
  expect(await client.getProfilePicUrl(group.id)).toBe(picture?.url);
  expect(await groupChat.deletePicture()).toBe(true);
  expect(phone.groupPicture(group.id)).toBeUndefined();
  expect(await groupChat.deletePicture()).toBe(false);
});
