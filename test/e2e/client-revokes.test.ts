/**
 * Issue 26: deletes and reactions as whatsapp-web.js bots see them: `message_revoke_everyone` with the
 * message as it was, `message_revoke_me` for a new message deleted on this device, and
 * `client.sendReaction()`. The same events from an unmodified whatsapp-web.js are in
 * test/e2e/wwebjs-message-actions.test.ts.
 */
import { NoAuth } from '../../src/index';
import { ClientHarness } from '../helpers/client';
import { untilTrue } from '../helpers/until';
import { useSimulatorHarnesses } from '../helpers/use-simulator';

const env = useSimulatorHarnesses('waweb-client-revokes-', (sim, dir) => ({ h: new ClientHarness(sim, dir) }));

test('revoke for everyone carries the message before; delete for me is message_revoke_me; sendReaction reaches the phone', async () => {
  const number = '15553008001';
  const contact = '15557778001';
  const c = env.h.create({ scanAs: number, options: { authStrategy: new NoAuth() } });
  await c.client.initialize();
  await c.until('ready');
  const phone = env.sim.phone(number);

  const wire = await phone.receiveText(contact, 'a secret');
  const [incoming] = await c.until('message');
  await phone.revoke(wire.id);
  const [after, before] = await c.until('message_revoke_everyone');
  expect([after.id.id, after.type]).toEqual([wire.id, 'revoked']);
  expect(before).toMatchObject({ body: 'a secret', type: 'chat', fromMe: false });
  expect(before?.id._serialized).toBe(incoming.id._serialized);

  const oops = await c.client.sendMessage(`${contact}@c.us`, 'oops');
  await oops.delete(false);
  const [removed] = await c.until('message_revoke_me');
  expect([removed.id._serialized, removed.body, removed.fromMe]).toEqual([oops.id._serialized, 'oops', true]);

  const liked = await phone.receiveText(contact, 'like me');
  const [second] = await c.until('message', 2);
  await c.client.sendReaction(second.id._serialized, '👍');
  await untilTrue(() => phone.receivedMessages().find((m) => m.id === liked.id)?.reaction === '👍', 'the reaction on the phone');
  // A message the device does not have: nothing happens, as in whatsapp-web.js.
  await expect(c.client.sendReaction(`false_${contact}@c.us_3EB0000000000000DEAD`, '👍')).resolves.toBeUndefined();
});

test('a caption edit of a media message is message_edit with the new and the previous caption', async () => {
  const number = '15553008002';
  const contact = '15557778002';
  const c = env.h.create({ scanAs: number, options: { authStrategy: new NoAuth() } });
  await c.client.initialize();
  await c.until('ready');
  const phone = env.sim.phone(number);
  const wire = await phone.receiveMedia(contact, { data: Buffer.from('a picture'), mimetype: 'image/jpeg', caption: 'old caption' });
  const [incoming] = await c.until('message');
  expect(incoming.body).toBe('old caption');
  await phone.edit(wire.id, 'new caption');
  const [edited, body, previous] = await c.until('message_edit');
  expect([edited.id.id, edited.body, body, previous]).toEqual([wire.id, 'new caption', 'new caption', 'old caption']);
});
