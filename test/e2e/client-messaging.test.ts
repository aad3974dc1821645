/**
 * Issue 3 acceptance 3: text messaging through the waweb Client against the
 * simulator, checked on the phone's side through the phone API.
 */
import { InvalidOptionError, Message, NoAuth, NotReadyError, WawebError } from '../../src/index';
import { ClientHarness } from '../helpers/client';
import { useSimulatorHarnesses } from '../helpers/use-simulator';
import { until } from '../helpers/until';

const env = useSimulatorHarnesses('waweb-client-msg-', (sim, dir) => ({ h: new ClientHarness(sim, dir) }));

test('a text from the phone fires message; reply() and sendMessage() reach the phone; message_create for own messages', async () => {
  const number = '15553000001';
  const contact = '15557770001';
  const c = env.h.create({ scanAs: number, options: { authStrategy: env.h.localAuth('msg') } });
  // Nothing can be sent before the client is ready.
  await expect(c.client.sendMessage(`${contact}@c.us`, 'too early')).rejects.toBeInstanceOf(NotReadyError);
  await c.client.initialize();
  await c.until('ready');

  await env.sim.phone(number).receiveText(contact, 'hi there');
  const [incoming] = await c.until('message');
  expect(incoming).toBeInstanceOf(Message);
  expect(incoming.body).toBe('hi there');
  expect(incoming.from).toBe(`${contact}@c.us`);
  expect(incoming.to).toBe(`${number}@c.us`);
  expect(incoming.fromMe).toBe(false);
  expect(incoming.type).toBe('chat');
  expect(incoming.chatId).toBe(`${contact}@c.us`);

  const reply = await incoming.reply('pong');
  expect(reply.fromMe).toBe(true);
  expect(reply.body).toBe('pong');
  const direct = await c.client.sendMessage('15557770002', 'direct text');
  expect(direct.body).toBe('direct text');
  expect(direct.chatId).toBe('15557770002@c.us');

  // sendMessage() resolves once the message is in the chat (waitUntilMsgSent false): the phone has it a moment later.
  const sent = await until(() => {
    const onPhone = env.sim.phone(number).sentMessages();
    return onPhone.some((m) => m.id === direct.id.id) && onPhone.some((m) => m.id === reply.id.id) ? onPhone : undefined;
  }, 'both texts on the phone');
  expect(sent).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ to: `${contact}@c.us`, body: 'pong', from: `${number}@c.us` }),
      expect.objectContaining({ to: '15557770002@c.us', body: 'direct text' }),
    ]),
  );

  // message_create: the incoming message, then our two, in order; `message` only for the incoming one.
  await c.until('message_create', 3);
  const created = c.args('message_create').map(([m]) => [m.body, m.fromMe]);
  expect(created).toEqual([
    ['hi there', false],
    ['pong', true],
    ['direct text', true],
  ]);
  expect(c.count('message')).toBe(1);

  await expect(c.client.sendMessage('', 'x')).rejects.toBeInstanceOf(InvalidOptionError);
  await expect(c.client.sendMessage(contact, 42 as unknown as string)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
});

test('messages queued while the client was stopped arrive on restore, with loading_screen reaching 100', async () => {
  const number = '15553000002';
  await env.h.pair('offline', number);
  const [device] = env.sim.phone(number).devices();
  await env.sim.phone(number).queueOfflineMessages(device!.id, 5);

  const c = env.h.create({ options: { authStrategy: env.h.localAuth('offline') } });
  // They come after ready, as whatsapp-web.js (which listens from ready on) would give them: a handler can answer each.
  const replies: Promise<unknown>[] = [];
  c.client.on('message', (m: Message) =>
    replies.push(
      m.reply(`seen: ${m.body}`).then(
        () => 'sent',
        (e: unknown) => e,
      ),
    ),
  );
  await c.client.initialize();
  await c.until('ready');
  expect(c.count('qr')).toBe(0);
  const percents = c.args('loading_screen').map(([percent]) => percent);
  expect(percents.length).toBeGreaterThan(0);
  expect(percents[percents.length - 1]).toBe(100);
  expect([...percents].sort((a, b) => a - b)).toEqual(percents);
  expect(c.args('loading_screen').every(([, text]) => typeof text === 'string')).toBe(true);
  // loading_screen comes before ready.
  expect(c.names().lastIndexOf('loading_screen')).toBeLessThan(c.names().indexOf('ready'));
  await c.until('message', 5);
  expect(c.args('message').map(([m]) => m.body)).toEqual([1, 2, 3, 4, 5].map((i) => `offline message ${i} of 5`));
  expect(c.names().indexOf('message')).toBeGreaterThan(c.names().indexOf('ready'));
  expect(await Promise.all(replies)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent']);
});

test('send options: a quote that cannot be found is left out unless ignoreQuoteErrors is false; waitUntilMsgSent waits for the server', async () => {
  const number = '15553000009';
  const contact = '15557770009';
  const chatId = `${contact}@c.us`;
  const phone = env.sim.phone(number);
  const c = env.h.create({ scanAs: number, options: { authStrategy: new NoAuth() } });
  await c.client.initialize();
  await c.until('ready');
  const missing = `false_${chatId}_3EB0000000000000BEEF`;

  const unquoted = await c.client.sendMessage(chatId, 'quote lost', { quotedMessageId: missing });
  expect(unquoted.hasQuotedMsg).toBe(false);
  const onPhone = await until(() => phone.sentMessages().find((m) => m.body === 'quote lost'), 'the text without its quote');
  expect(onPhone.quotedId).toBeUndefined();
  const refused = await c.client
    .sendMessage(chatId, 'must quote', { quotedMessageId: missing, ignoreQuoteErrors: false })
    .catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(WawebError);
  expect(phone.sentMessages().some((m) => m.body === 'must quote')).toBe(false);

  // waitUntilMsgSent false: the message comes back as soon as it is in the chat, before the server has it.
  expect((await c.client.sendMessage(chatId, 'no wait', { waitUntilMsgSent: false })).ack).toBe(0);
  expect((await c.client.sendMessage(chatId, 'waited', { waitUntilMsgSent: true })).ack).toBeGreaterThanOrEqual(1);
  // The default is whatsapp-web.js's: no wait for the server.
  expect((await c.client.sendMessage(chatId, 'default')).ack).toBe(0);
  await until(() => (phone.sentMessages().some((m) => m.body === 'no wait') ? true : undefined), 'the unwaited text on the phone');
  await until(() => (phone.sentMessages().some((m) => m.body === 'default') ? true : undefined), 'the default text on the phone');
});
