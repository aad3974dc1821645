/**
 * Issue 26: the simulator implements the page modules whatsapp-web.js 1.34.7 calls for the profile
 * and for blocking (`WAWebSetPushnameConnAction`, `WAWebContactStatusBridge`,
 * `WAWebBlockContactUtils`, `WAWebBlockContactAction`, `WAWebCollections.Blocklist`), proven by an
 * unmodified whatsapp-web.js; the simulator's phones see each effect.
 */
import { useSimulatorHarnesses } from '../helpers/use-simulator';
import { WwebjsHarness } from '../helpers/wwebjs';
import { until, untilTrue } from '../helpers/until';

const env = useSimulatorHarnesses('waweb-wwebjs-profile-', (sim, dir) => ({ harness: new WwebjsHarness(sim, dir) }));

interface WContact {
  id: { _serialized: string };
  isBlocked: boolean;
  block(): Promise<boolean>;
  unblock(): Promise<boolean>;
  getAbout(): Promise<string | null>;
}
interface WClient {
  info: { wid: { _serialized: string } };
  pupPage: { evaluate<T>(fn: (url: string) => Promise<T>, url: string): Promise<T> };
  setProfilePicture(media: { mimetype: string; data: string }): Promise<boolean>;
  deleteProfilePicture(): Promise<boolean>;
  getProfilePicUrl(id: string): Promise<string | undefined>;
  setDisplayName(name: string): Promise<boolean>;
  setStatus(status: string): Promise<void>;
  getContactById(id: string): Promise<WContact>;
  getBlockedContacts(): Promise<WContact[]>;
  on(event: string, listener: (...args: any[]) => void): void;
}

function ready(number: string): Promise<WClient> {
  return env.harness.linked<WClient>(number);
}

test('setDisplayName() and setStatus() reach the phone; getAbout() reads what a contact set, null when none', async () => {
  const number = '15550000401';
  const client = await ready(number);
  const phone = env.sim.phone(number);

  expect(await client.setDisplayName('Bot Four')).toBe(true);
  await untilTrue(() => phone.pushname() === 'Bot Four', 'the new display name reaching the phone');
  await client.setStatus('busy building bots');
  await untilTrue(() => phone.status() === 'busy building bots', 'the about text reaching the phone');

  const friend = '15557770401';
  await env.sim.phone(friend).setAbout('at the gym');
  expect(await (await client.getContactById(`${friend}@c.us`)).getAbout()).toBe('at the gym');
  expect(await (await client.getContactById('15557770402@c.us')).getAbout()).toBeNull();
});

test('block() and unblock(): the phone sees the block, the blocked list and isBlocked follow, blocked messages never arrive', async () => {
  const number = '15550000402';
  const client = await ready(number);
  const phone = env.sim.phone(number);
  const pest = '15557770403';
  const friend = '15557770404';
  const bodies: string[] = [];
  client.on('message', (msg: { body: string }) => bodies.push(msg.body));

  const contact = await client.getContactById(`${pest}@c.us`);
  expect(contact.isBlocked).toBe(false);
  expect(await contact.block()).toBe(true);
  await untilTrue(() => phone.blocked().includes(pest), 'the block reaching the phone');
  expect((await client.getBlockedContacts()).map((c) => c.id._serialized)).toEqual([`${pest}@c.us`]);
  expect((await client.getContactById(`${pest}@c.us`)).isBlocked).toBe(true);

  // A blocked contact's message never arrives; a later one from someone else does.
  await phone.receiveText(pest, 'let me in');
  await phone.receiveText(friend, 'hello');
  await untilTrue(() => bodies.includes('hello'), "the friend's message");
  expect(bodies).toEqual(['hello']);

  expect(await contact.unblock()).toBe(true);
  await untilTrue(() => phone.blocked().length === 0, 'the unblock reaching the phone');
  expect(await client.getBlockedContacts()).toEqual([]);
  await phone.receiveText(pest, 'thanks');
  await untilTrue(() => bodies.includes('thanks'), 'a message after the unblock');

  // Blocking from the phone reaches the linked device too.
  await phone.block(friend);
  await until(
    async () => ((await client.getContactById(`${friend}@c.us`)).isBlocked ? true : undefined),
    'the phone-side block on the device',
  );
  expect((await client.getBlockedContacts()).map((c) => c.id._serialized)).toEqual([`${friend}@c.us`]);
});

// A 2x2 PNG (red, green, blue, white).
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFElEQVR4nGP4z8DAAMIM/////w8AH+4F+7C4l8kAAAAASUVORK5CYII=';

test("profile pictures: set and delete the own one, read a contact's URL (none: undefined); the phone sees the picture", async () => {
  const number = '15550000403';
  const client = await ready(number);
  const phone = env.sim.phone(number);
  const me = client.info.wid._serialized;
  expect(await client.getProfilePicUrl(me)).toBeUndefined();

  expect(await client.setProfilePicture({ mimetype: 'image/png', data: PNG })).toBe(true);
  const picture = phone.picture();
  // whatsapp-web.js sends a 640 px JPEG it drew from the PNG.
  expect(picture?.bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
  const url = await client.getProfilePicUrl(me);
  expect(url).toBe(picture?.url);
  // The page can load it, as the app shows it.
  expect(await client.pupPage.evaluate(async (u) => (await fetch(u)).headers.get('content-type'), url!)).toBe('image/jpeg');

  const friend = '15557770405';
  const friendPicture = env.sim.phone(friend).setPicture(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
  expect(await client.getProfilePicUrl(`${friend}@c.us`)).toBe(friendPicture.url);
  expect(await client.getProfilePicUrl('15557770406@c.us')).toBeUndefined();

  expect(await client.deleteProfilePicture()).toBe(true);
  expect(phone.picture()).toBeUndefined();
  expect(await client.getProfilePicUrl(me)).toBeUndefined();
});

test('a group picture: whatsapp-web.js sets and deletes it as an admin; the phone sees it', async () => {
  const number = '15550000404';
  const client = await ready(number);
  const phone = env.sim.phone(number);
  const group = await phone.createGroup('Pictures', ['15557770407']);
  const chat = await until(
    async () =>
      (await (client as unknown as { getChats(): Promise<Array<{ id: { _serialized: string } }>> }).getChats()).find(
        (c) => c.id._serialized === group.id,
      ),
    'the group chat',
  );
  const groupChat = chat as unknown as {
    setPicture(m: { mimetype: string; data: string }): Promise<boolean>;
    deletePicture(): Promise<boolean>;
  };
  expect(await groupChat.setPicture({ mimetype: 'image/png', data: PNG })).toBe(true);
  expect(phone.groupPicture(group.id)?.bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
  expect(await client.getProfilePicUrl(group.id)).toBe(phone.groupPicture(group.id)?.url);
  expect(await groupChat.deletePicture()).toBe(true);
  expect(phone.groupPicture(group.id)).toBeUndefined();
});
