/**
 * Issue 10, first slice: waweb's Client reports what whatsapp-web.js users listen to, with the same
 * filtering: acks, placeholders that decrypt, revokes, edits, group notifications as group events,
 * history never as messages; and Message carries the fields bots read.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GroupNotification, Message, MessageMedia, NoAuth } from '../../src/index';
import { ClientHarness } from '../helpers/client';
import { until } from '../helpers/until';
import { useSimulatorHarnesses } from '../helpers/use-simulator';

const env = useSimulatorHarnesses('waweb-client-events-', (sim, dir) => ({ h: new ClientHarness(sim, dir) }));

test('message_ack 1 → 2 → 3, message_ciphertext then one message, message_revoke_everyone, message_edit, group_join; history is no message', async () => {
  const number = '15553000101';
  const contact = '15557770301';
  const phone = env.sim.phone(number);
  await phone.addHistory(contact, 'from before', 600);
  const c = env.h.create({ scanAs: number, options: { authStrategy: new NoAuth() } });
  await c.client.initialize();
  await c.until('ready');

  // Acks of an own message, in order.
  const sent = await c.client.sendMessage(`${contact}@c.us`, 'ack me');
  const onPhone = await until(() => phone.sentMessages().find((m) => m.id === sent.id.id), 'the text on the phone');
  await c.until('message_ack', 2);
  await phone.markRead(onPhone.id);
  await c.until('message_ack', 3);
  const acks = c
    .args('message_ack')
    .filter(([m]) => m.id._serialized === sent.id._serialized)
    .map(([, ack]) => ack);
  expect(acks).toEqual([1, 2, 3]);

  // A placeholder: message_ciphertext, then the message once, with its text.
  const secret = await phone.receiveText(contact, 'secret', { ciphertext: true, decryptAfterMs: 200 });
  const [placeholder] = await c.until('message_ciphertext');
  expect(placeholder.id.id).toBe(secret.id);
  const [decrypted] = await c.until('message');
  expect(decrypted).toBeInstanceOf(Message);
  expect([decrypted.id.id, decrypted.body, decrypted.hasMedia, decrypted.deviceType, decrypted.ack]).toEqual([
    secret.id,
    'secret',
    false,
    'web',
    0,
  ]);

  // An edit and a revoke from the contact.
  await phone.edit(secret.id, 'secret, edited');
  const [edited, now, before] = await c.until('message_edit');
  expect([edited.id.id, now, before]).toEqual([secret.id, 'secret, edited', 'secret']);
  // The edit's own key and the sender's time of it, as whatsapp-web.js reads them.
  expect(edited.latestEditMsgKey).toMatchObject({ fromMe: false, remote: edited.from });
  expect(edited.latestEditMsgKey?.id).not.toBe(secret.id);
  expect(Math.abs((edited.latestEditSenderTimestampMs ?? 0) - Date.now())).toBeLessThan(60_000);
  expect([edited.isGif, edited.groupMentions]).toEqual([false, []]);
  await phone.revoke(secret.id);
  const [revoked] = await c.until('message_revoke_everyone');
  expect([revoked.id.id, revoked.type]).toEqual([secret.id, 'revoked']);

  // A group: the join is a group event, not a message; a member's message has author and links.
  const group = await phone.createGroup('Events', [contact]);
  await phone.changeGroup(group.id, 'add', '15557770302');
  const [join] = await c.until('group_join');
  expect(join).toBeInstanceOf(GroupNotification);
  expect(join).toMatchObject({ chatId: group.id, author: `${number}@c.us`, type: 'add', recipientIds: ['15557770302@c.us'] });
  await phone.receiveGroupText(group.id, contact, 'see https://example.org');
  await c.until('message', 2);
  const [groupMessage] = c.args('message')[1]!;
  expect(groupMessage).toMatchObject({
    from: group.id,
    author: `${contact}@c.us`,
    links: [{ link: 'https://example.org', isSuspicious: false }],
  });

  // Exactly two messages: the history one and the group notification never were.
  expect(c.args('message').map(([m]) => m.body)).toEqual(['secret', 'see https://example.org']);
});

test('media: downloadMedia() gives the bytes the phone sent; MessageMedia (file, document, voice note) reaches the phone byte for byte', async () => {
  const number = '15553000102';
  const contact = '15557770303';
  const phone = env.sim.phone(number);
  const c = env.h.create({ scanAs: number, options: { authStrategy: new NoAuth() } });
  await c.client.initialize();
  await c.until('ready');

  const photo = Buffer.from('pretend this is a photo');
  await phone.receiveMedia(contact, { data: photo, mimetype: 'image/jpeg', caption: 'holiday' });
  const [image] = await c.until('message');
  expect(image).toMatchObject({ hasMedia: true, type: 'image', body: 'holiday' });
  const downloaded = await image.downloadMedia();
  expect(downloaded).toBeInstanceOf(MessageMedia);
  expect(downloaded?.mimetype).toBe('image/jpeg');
  expect(Buffer.from(downloaded.data, 'base64').equals(photo)).toBe(true);

  const file = join(env.work.path, 'notes.pdf');
  await writeFile(file, '%PDF-1.4 notes');
  const pdf = MessageMedia.fromFilePath(file);
  expect(pdf).toMatchObject({ mimetype: 'application/pdf', filename: 'notes.pdf', filesize: 14 });
  const sentDoc = await image.reply(pdf, null, { sendMediaAsDocument: true, caption: 'as asked' });
  expect(sentDoc).toMatchObject({ hasMedia: true, type: 'document', fromMe: true, hasQuotedMsg: true });
  const voice = new MessageMedia('audio/ogg; codecs=opus', Buffer.from('voice bytes').toString('base64'), 'v.ogg');
  const sentVoice = await c.client.sendMessage(`${contact}@c.us`, voice, { sendAudioAsVoice: true });
  await until(() => phone.sentMessages().find((m) => m.id === sentVoice.id.id), 'the voice note on the phone');
  const sent = phone.sentMessages().filter((m) => m.media !== undefined);
  expect(sent.map((m) => [m.type, m.media?.filename, m.media?.caption])).toEqual([
    ['document', 'notes.pdf', 'as asked'],
    // Only documents carry a file name on the wire.
    ['ptt', undefined, undefined],
  ]);
  expect(phone.sentMedia(sent[0]!.id).data.toString()).toBe('%PDF-1.4 notes');
  expect(phone.sentMedia(sent[1]!.id).data.toString()).toBe('voice bytes');
  expect(sent[0]!.quotedId).toBe(image.id.id);
});

test('a placeholder still undecrypted after 15 s gives message_ciphertext_failed; it is a message once it decrypts', async () => {
  const number = '15553000109';
  const contact = '15557770309';
  const c = env.h.create({ scanAs: number, options: { authStrategy: new NoAuth() } });
  await c.client.initialize();
  await c.until('ready');
  const secret = await env.sim.phone(number).receiveText(contact, 'very late', { ciphertext: true, decryptAfterMs: 16_500 });
  const [failed] = await c.until('message_ciphertext_failed', 1, 20_000);
  expect(failed).toBeInstanceOf(Message);
  expect(failed.id.id).toBe(secret.id);
  expect(c.count('message')).toBe(0);
  const [decrypted] = await c.until('message', 1, 10_000);
  expect([decrypted.id.id, decrypted.body]).toEqual([secret.id, 'very late']);
  expect(c.names().filter((n) => n.startsWith('message'))).toEqual([
    'message_ciphertext',
    'message_ciphertext_failed',
    'message_create',
    'message',
  ]);
});
