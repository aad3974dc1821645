/**
 * Media options (issue 27): view-once, GIF video, HD images and stickers with pack metadata. One scenario
 * per option, run with the unmodified whatsapp-web.js (which proves the simulator) and with waweb.
 */
import { LIBRARIES, useBothClients } from '../helpers/both-clients';
import { until } from '../helpers/until';

const env = useBothClients('waweb-media-options-');

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFElEQVR4nGP4z8DAAMIM/////w8AH+4F+7C4l8kAAAAASUVORK5CYII=',
  'base64',
);
/** Bytes the simulator takes for a video (it does not decode them). */
const MP4 = Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex');

interface Media {
  mimetype: string;
  data: string;
}
interface OptionsMessage {
  body: string;
  type: string;
  isGif: boolean;
  hasMedia: boolean;
  mediaKey?: string;
  downloadMedia(): Promise<Media | undefined>;
}
interface OptionsClient {
  on(event: 'message', listener: (message: OptionsMessage) => void): unknown;
  sendMessage(chatId: string, content: unknown, options?: Record<string, unknown>): Promise<{ id: { id: string } }>;
}
type MediaClass = new (mimetype: string, data: string, filename?: string) => unknown;

/** The package's own MessageMedia class, as a bot would import it. */
function mediaClass(library: (typeof LIBRARIES)[number]): MediaClass {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the package under test, loaded by name as a bot does
  const lib = (library === 'waweb' ? require('../../src/index') : require('whatsapp-web.js')) as { MessageMedia: MediaClass };
  return lib.MessageMedia;
}

describe.each(LIBRARIES)('%s', (library) => {
  const n = LIBRARIES.indexOf(library);
  const number = (k: number): string => `155500008${k}${n}`;
  const contact = (k: number): string => `155577708${k}${n}`;

  test('a view-once image the bot sends reaches the phone as view-once and opens once; one a contact sends downloads once', async () => {
    const MessageMedia = mediaClass(library);
    const client = await env.linked<OptionsClient>(library, number(1));
    const phone = env.sim.phone(number(1));
    const sent = await client.sendMessage(`${contact(1)}@c.us`, new MessageMedia('image/png', PNG.toString('base64'), 'dot.png'), {
      isViewOnce: true,
    });
    const onPhone = await until(
      () => phone.sentMessages().find((m) => m.id === sent.id.id && (m.ack ?? 0) >= 2),
      'the view-once on the phone',
    );
    expect(onPhone.media).toMatchObject({ viewOnce: true });
    expect(phone.sentMedia(onPhone.id)).toMatchObject({ viewOnce: true, data: PNG });
    expect(() => phone.sentMedia(onPhone.id)).toThrow(expect.objectContaining({ status: 404 }));

    const got: OptionsMessage[] = [];
    client.on('message', (m) => got.push(m));
    await phone.receiveMedia(contact(1), { data: PNG, mimetype: 'image/png', viewOnce: true });
    await phone.receiveMedia(contact(1), { data: PNG, mimetype: 'image/png' });
    const [once, plain] = await until(() => (got.length >= 2 ? got : undefined), 'the two images');
    expect((await once!.downloadMedia())?.data).toBe(PNG.toString('base64'));
    expect(await once!.downloadMedia()).toBeUndefined();
    expect((await plain!.downloadMedia())?.data).toBe(PNG.toString('base64'));
    expect((await plain!.downloadMedia())?.data).toBe(PNG.toString('base64'));
    expect([typeof once!.mediaKey, typeof plain!.mediaKey]).toEqual(['string', 'string']);
  });

  test('a video sent as a GIF plays as one on the phone; a GIF a contact sends arrives with isGif', async () => {
    const MessageMedia = mediaClass(library);
    const client = await env.linked<OptionsClient>(library, number(2));
    const phone = env.sim.phone(number(2));
    const video = new MessageMedia('video/mp4', MP4.toString('base64'), 'clip.mp4');
    const gif = await client.sendMessage(`${contact(2)}@c.us`, video, { sendVideoAsGif: true });
    const plain = await client.sendMessage(`${contact(2)}@c.us`, video);
    const onPhone = (id: string) =>
      until(() => phone.sentMessages().find((m) => m.id === id && (m.ack ?? 0) >= 2), 'the video on the phone');
    expect(await onPhone(gif.id.id)).toMatchObject({ type: 'video', media: { gifPlayback: true } });
    expect((await onPhone(plain.id.id)).media?.gifPlayback).toBeUndefined();

    const got: OptionsMessage[] = [];
    client.on('message', (m) => got.push(m));
    await phone.receiveMedia(contact(2), { data: MP4, mimetype: 'video/mp4', gifPlayback: true });
    await phone.receiveMedia(contact(2), { data: MP4, mimetype: 'video/mp4' });
    const [asGif, asVideo] = await until(() => (got.length >= 2 ? got : undefined), 'the two videos');
    expect([asGif!.type, asGif!.isGif, asVideo!.type, asVideo!.isGif]).toEqual(['video', true, 'video', false]);
  });

  test('an image sent with sendMediaAsHd reaches the phone as HD, one without as standard', async () => {
    const MessageMedia = mediaClass(library);
    const client = await env.linked<OptionsClient>(library, number(3));
    const phone = env.sim.phone(number(3));
    const image = new MessageMedia('image/png', PNG.toString('base64'), 'dot.png');
    const hd = await client.sendMessage(`${contact(3)}@c.us`, image, { sendMediaAsHd: true });
    const standard = await client.sendMessage(`${contact(3)}@c.us`, image);
    const onPhone = (id: string) =>
      until(() => phone.sentMessages().find((m) => m.id === id && (m.ack ?? 0) >= 2), 'the image on the phone');
    expect(phone.sentMedia((await onPhone(hd.id.id)).id)).toMatchObject({ hd: true, data: PNG });
    expect(phone.sentMedia((await onPhone(standard.id.id)).id).hd).toBeUndefined();
  });

  test("a sticker made from a PNG carries its pack's name, author and categories to the phone", async () => {
    const MessageMedia = mediaClass(library);
    const client = await env.linked<OptionsClient>(library, number(4));
    const phone = env.sim.phone(number(4));
    const image = new MessageMedia('image/png', PNG.toString('base64'), 'dot.png');
    const named = await client.sendMessage(`${contact(4)}@c.us`, image, {
      sendMediaAsSticker: true,
      stickerName: 'Dots',
      stickerAuthor: 'The bot',
      stickerCategories: ['🙂', '🎉'],
    });
    const bare = await client.sendMessage(`${contact(4)}@c.us`, image, { sendMediaAsSticker: true });
    const onPhone = (id: string) =>
      until(() => phone.sentMessages().find((m) => m.id === id && (m.ack ?? 0) >= 2), 'the sticker on the phone');
    const sticker = phone.sentMedia((await onPhone(named.id.id)).id);
    expect((await onPhone(named.id.id)).type).toBe('sticker');
    expect(sticker.mimetype).toBe('image/webp');
    expect(sticker.data.subarray(8, 12).toString('latin1')).toBe('WEBP');
    expect(sticker.stickerPack).toEqual({ id: expect.any(String), name: 'Dots', publisher: 'The bot', emojis: ['🙂', '🎉'] });
    const bareSticker = phone.sentMedia((await onPhone(bare.id.id)).id);
    expect([bareSticker.mimetype, bareSticker.stickerPack]).toEqual(['image/webp', undefined]);
  });
});
