/**
 * Issue 10, the rest of sending: locations, contact cards (from contacts and from vCard text),
 * mentions, stickers, forwards and `media_uploaded`, and pairing by phone number (`code`), each
 * checked on the simulated phone that receives it.
 */
import { Client, Location, MessageMedia, NoAuth } from '../../src/index';
import { ClientHarness } from '../helpers/client';
import { until } from '../helpers/until';
import { useSimulatorHarnesses } from '../helpers/use-simulator';

const env = useSimulatorHarnesses('waweb-client-content-', (sim, dir) => ({ h: new ClientHarness(sim, dir) }));

// A 2x2 PNG (red, green, blue, white).
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFElEQVR4nGP4z8DAAMIM/////w8AH+4F+7C4l8kAAAAASUVORK5CYII=',
  'base64',
);

test('locations, contact cards, mentions, stickers and forwards reach the phone as sent', async () => {
  const number = '15553000301';
  const alice = '15557770501';
  const bob = '15557770502';
  const aliceId = `${alice}@c.us`;
  const bobId = `${bob}@c.us`;
  const phone = env.sim.phone(number);
  await phone.addContact(alice, 'Alice Example');
  await phone.addContact(bob, 'Bob Example');
  const c = env.h.create({ scanAs: number, options: { authStrategy: new NoAuth() } });
  await c.client.initialize();
  await c.until('ready');
  const last = () => phone.sentMessages().at(-1)!;
  // sendMessage() resolves once the message is in the chat (waitUntilMsgSent false): the phone has it a moment later.
  const onPhone = (m: { id: { id: string } }) =>
    until(() => phone.sentMessages().find((w) => w.id === m.id.id), 'the message on the phone');

  // A received location reads as whatsapp-web.js's Location; replying with it sends the same place back.
  await phone.receiveLocation(alice, {
    latitude: 52.52,
    longitude: 13.405,
    name: 'Alexanderplatz',
    address: 'Berlin',
    url: 'https://example.org/map',
  });
  const [located] = await c.until('message');
  expect(located.type).toBe('location');
  expect(located.location).toBeInstanceOf(Location);
  expect(located.location).toMatchObject({
    latitude: 52.52,
    longitude: 13.405,
    name: 'Alexanderplatz',
    address: 'Berlin',
    url: 'https://example.org/map',
  });
  const backThere = await onPhone(await located.reply(located.location));
  expect(backThere).toMatchObject({ chatId: aliceId, type: 'location', quotedId: located.id.id });
  expect(backThere.fields).toEqual({ lat: 52.52, lng: 13.405, loc: 'Alexanderplatz\nBerlin', clientUrl: 'https://example.org/map' });
  const bare = await c.client.sendMessage(aliceId, new Location(37.422, -122.084));
  expect((await onPhone(bare)).fields).toEqual({ lat: 37.422, lng: -122.084, loc: '' });
  expect(bare.location).toMatchObject({ latitude: 37.422, longitude: -122.084 });
  expect(() => new Location(91, 0)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));

  // A received card gives its vCard; a Contact is sent as a card; several as one multi-card message.
  await phone.receiveContactCard(alice, { name: 'Carol Card', phone: '15557770503' });
  const [card] = await c.until('message', 2);
  expect(card.type).toBe('vcard');
  expect(card.vCards).toHaveLength(1);
  expect(card.vCards[0]).toContain('FN:Carol Card');
  const bobContact = await c.client.getContactById(bobId);
  const bobCard = await onPhone(await c.client.sendMessage(aliceId, bobContact));
  expect(bobCard).toMatchObject({ type: 'vcard', fields: { vcardFormattedName: 'Bob Example' } });
  expect(bobCard.body).toMatch(/^BEGIN:VCARD\n[\s\S]*TEL;type=CELL;type=VOICE;waid=15557770502:\+15557770502\n[\s\S]*END:VCARD$/);
  const both = await c.client.sendMessage(bobId, [bobContact, await c.client.getContactById(aliceId)]);
  const bothCards = await onPhone(both);
  expect(bothCards).toMatchObject({ chatId: bobId, type: 'multi_vcard' });
  expect(bothCards.vcards?.map((v) => v.displayName)).toEqual(['Bob Example', 'Alice Example']);
  expect(both.vCards).toHaveLength(2);

  // A text that is a vCard goes as a card unless parseVCards is false.
  const vcardText = 'BEGIN:VCARD\nVERSION:3.0\nFN:John Doe\nTEL;type=CELL;waid=18006427676:+1 800 642 7676\nEND:VCARD';
  expect(await onPhone(await c.client.sendMessage(aliceId, vcardText))).toMatchObject({
    type: 'vcard',
    body: vcardText,
    fields: { vcardFormattedName: 'John Doe' },
  });
  expect(await onPhone(await c.client.sendMessage(aliceId, vcardText, { parseVCards: false }))).toMatchObject({
    type: 'chat',
    body: vcardText,
  });

  // Mentions: one id or several, bare numbers accepted; the phone sees who was mentioned.
  const chat = await c.client.getChatById(aliceId);
  const mentioned = await chat.sendMessage(`Hi @${alice}`, { mentions: aliceId });
  expect(await onPhone(mentioned)).toMatchObject({ body: `Hi @${alice}`, mentions: [aliceId] });
  expect(mentioned.mentionedIds).toEqual([aliceId]);
  const twoMentions = await chat.sendMessage(`Hi @${alice} and @${bob}`, { mentions: [alice, bobId] });
  expect((await onPhone(twoMentions)).mentions).toEqual([aliceId, bobId]);
  await expect(chat.sendMessage('x', { mentions: [''] })).rejects.toMatchObject({ code: 'INVALID_OPTION' });

  // A PNG as a sticker arrives as a WebP sticker; media sends report media_uploaded.
  const uploadsBefore = c.count('media_uploaded');
  const sticker = await c.client.sendMessage(aliceId, new MessageMedia('image/png', PNG.toString('base64'), 'dot.png'), {
    sendMediaAsSticker: true,
  });
  expect(sticker.type).toBe('sticker');
  await onPhone(sticker);
  const sent = phone.sentMedia(sticker.id.id);
  expect(sent.mimetype).toBe('image/webp');
  expect(sent.data.subarray(0, 4).toString('latin1')).toBe('RIFF');
  expect(sent.data.subarray(8, 12).toString('latin1')).toBe('WEBP');
  const [uploaded] = await c.until('media_uploaded', uploadsBefore + 1);
  expect(uploaded.id._serialized).toBe(sticker.id._serialized);
  await expect(
    c.client.sendMessage(aliceId, new MessageMedia('application/pdf', PNG.toString('base64'), 'x.pdf'), { sendMediaAsSticker: true }),
  ).rejects.toThrow(/sticker must be an image/);

  // Forwarding: the same text (and media with its caption) in another chat, marked as forwarded.
  await phone.receiveText(alice, 'pass this on');
  const [toForward] = await c.until('message', 3);
  await toForward.forward(bobId);
  expect(last()).toMatchObject({ chatId: bobId, body: 'pass this on', forwardingScore: 1 });
  const image = await phone.receiveMedia(alice, { data: PNG, mimetype: 'image/png', filename: 'dot.png', caption: 'a dot' });
  const [withImage] = await c.until('message', 4);
  expect(withImage.id.id).toBe(image.id);
  await withImage.forward(await c.client.getChatById(bobId));
  expect(last()).toMatchObject({ chatId: bobId, type: 'image', forwardingScore: 1 });
  expect(phone.sentMedia(last().id)).toMatchObject({ mimetype: 'image/png', caption: 'a dot' });
  expect(phone.sentMedia(last().id).data.equals(PNG)).toBe(true);
  const forwardedHere = (await (await c.client.getChatById(bobId)).fetchMessages({ limit: 1 }))[0]!;
  expect(forwardedHere).toMatchObject({ isForwarded: true, forwardingScore: 1 });
  await expect(toForward.forward('')).rejects.toMatchObject({ code: 'INVALID_OPTION' });

  expect(c.count('error')).toBe(0);
}, 90_000);

test('pairing by phone number: code events instead of QRs, renewed while waiting; requestPairingCode on demand', async () => {
  const number = '15553000302';
  const first = env.h.create({
    options: { authStrategy: new NoAuth(), pairWithPhoneNumber: { phoneNumber: `+1 555-300-0302`, intervalMs: 1000 } },
  });
  await first.client.initialize();
  const [code1] = await first.until('code');
  const [code2] = await first.until('code', 2);
  expect(code1).toMatch(/^[A-Z0-9]{8}$/);
  expect(code2).not.toBe(code1);
  expect(first.count('qr')).toBe(0);
  await env.sim.phone(number).pairWithCode(code2);
  await first.until('ready');
  expect(first.client.info?.wid.user).toBe(number);
  const codes = first.count('code');
  await expect(first.client.requestPairingCode(number)).rejects.toMatchObject({ code: 'NOT_READY' });
  await first.client.destroy();
  expect(first.count('code')).toBe(codes);

  // Without the option: QRs first, then a code when asked for one.
  const other = '15553000303';
  const second = env.h.create({ options: { authStrategy: new NoAuth() } });
  await second.client.initialize();
  await second.until('qr');
  await expect(second.client.requestPairingCode('12')).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  const code = await second.client.requestPairingCode(other, false);
  expect((await second.until('code'))[0]).toBe(code);
  await env.sim.phone(other).pairWithCode(code);
  await second.until('ready');
  expect(second.client.info?.wid.user).toBe(other);
}, 90_000);

test('bad pairWithPhoneNumber options fail at construction', () => {
  expect(() => new Client({ pairWithPhoneNumber: { phoneNumber: 'not a number' } })).toThrow(
    expect.objectContaining({ code: 'INVALID_OPTION' }),
  );
  expect(() => new Client({ pairWithPhoneNumber: { phoneNumber: '15550001111', intervalMs: 5 } })).toThrow(
    expect.objectContaining({ code: 'INVALID_OPTION' }),
  );
});
