/**
 * The session's LID map across a restart restored from a backup (issue 27, "LID"; waweb alone): a
 * contact told its number once, with a LID message; after the session comes back from RemoteAuth's
 * store on a new machine (a fresh data folder) the page no longer knows the number (the message that told it is older than the
 * app's history sync), and the contact
 * writes from its LID only: its messages still carry its number, and it still gets replies.
 */
import { join } from 'node:path';
import { FileStore } from '../../src/index';
import { lidOf } from '../../src/simulator/wids';
import type { Message } from '../../src/client/model/message';
import { RemoteHarness } from '../helpers/remote-auth';
import { until } from '../helpers/until';
import { useSimulatorHarnesses } from '../helpers/use-simulator';

const env = useSimulatorHarnesses('waweb-lid-restart-', (sim, dir) => ({ harness: new RemoteHarness(sim, dir) }));

test("a LID-only contact's messages carry its phone number after a restart restored from a backup, and it still gets replies", async () => {
  const number = '15550000750';
  const contact = '15557770750';
  const other = '15558880750';
  const lid = `${lidOf(contact)}@lid`;
  const pn = `${contact}@c.us`;
  const store = new FileStore({ directory: join(env.work.path, 'store') });
  const phone = env.sim.phone(number);

  const first = await env.harness.ready({ store, dataPath: join(env.work.path, 'first-machine') }, number);
  const before: Message[] = [];
  first.client.on('message', (m) => before.push(m));
  await phone.receiveText(contact, 'hello, here is my number', { fromLid: true });
  const told = await until(() => before.find((m) => m.body === 'hello, here is my number'), 'the first LID message');
  expect([told.from, told.senderLid, told.senderPn]).toEqual([lid, lid, pn]);
  // Long ago: a restored app syncs only the last 100 messages, so it will not learn the number again from that one.
  for (let i = 0; i < 100; i++) await phone.receiveText(other, `news ${i}`);
  await until(() => before.find((m) => m.body === 'news 99'), 'the later messages');
  // The map is on disk in the profile, then in a backup; the session moves to another machine.
  await first.client.lidMap?.flushed();
  await first.auth.saveNow({ force: true });
  await first.client.destroy();

  const second = env.harness.create({ store, dataPath: join(env.work.path, 'second-machine') });
  const after: Message[] = [];
  second.client.on('message', (m) => after.push(m));
  await second.client.initialize();
  await second.until('ready');
  expect(second.count('qr')).toBe(0);

  // The app itself no longer maps the LID to the number: what follows comes from the session's map.
  const pageKnows = await second.client.pupPage!.evaluate((id) => {
    type Module = Record<string, (wid: unknown) => unknown>;
    const load = (globalThis as unknown as { require: (name: string) => Module }).require;
    return load('WAWebApiContact').getPhoneNumber!(load('WAWebWidFactory').createWid!(id)) ?? null;
  }, lid);
  expect(pageKnows).toBeNull();
  await phone.receiveText(contact, 'only my lid now', { fromLid: true, sharePn: false });
  const message = await until(() => after.find((m) => m.body === 'only my lid now'), 'the LID-only message');
  expect([message.from, message.senderLid, message.senderPn]).toEqual([lid, lid, pn]);
  expect(await second.client.getContactLidAndPhone([lid])).toEqual([{ lid, pn }]);
  await message.reply('still reaching you');
  expect(await until(() => phone.sentMessages().find((m) => m.body === 'still reaching you'), 'the reply on the phone')).toMatchObject({
    chatId: lid,
  });
});
