/**
 * Issue 26: what a whatsapp-web.js bot does with the Client and its media, moved over by changing one
 * import: the Client is a Node EventEmitter, `MessageMedia.fromFilePath` is synchronous, and what
 * waweb cannot do yet says so with a `NotSupportedError` (`NOT_SUPPORTED`) naming the member, instead
 * of `undefined is not a function` or a silently different result. No browser: nothing is started.
 */
import { EventEmitter } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as waweb from '../../src/index';
import { Client, MessageMedia } from '../../src/index';
import { toOutgoing } from '../../src/client/outgoing';
import { CLIENT_MEMBERS } from '../../src/client/compat/client-members';
import type { Members } from '../../src/client/compat/support';

afterEach(() => jest.restoreAllMocks());

/** The error a call gave, thrown or rejected. */
async function failure(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (err) {
    return err;
  }
  return undefined;
}

function expectNotSupported(err: unknown, member: string): void {
  expect(err).toBeInstanceOf(waweb.WawebError);
  expect(err).toMatchObject({ code: 'NOT_SUPPORTED', member });
}

describe('the Client as an EventEmitter', () => {
  test("is a Node EventEmitter: addListener, prependListener, listeners, setMaxListeners work as Node's", () => {
    const client = new Client();
    expect(client).toBeInstanceOf(EventEmitter);
    const order: string[] = [];
    const first = (): void => {
      order.push('first');
    };
    client.addListener('qr', first);
    client.prependListener('qr', () => order.push('prepended'));
    expect(client.listeners('qr')).toHaveLength(2);
    expect(client.listeners('qr')).toContain(first);
    client.setMaxListeners(3);
    expect(client.getMaxListeners()).toBe(3);
    client.emit('qr', 'code');
    expect(order).toEqual(['prepended', 'first']);
    client.removeListener('qr', first);
    expect(client.listenerCount('qr')).toBe(1);
  });

  test("an 'error' with no listener is logged, never thrown (whatsapp-web.js bots have no error listener)", () => {
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const client = new Client();
    const err = new waweb.StoreError('backup failed');
    expect(() => client.emit('error', err)).not.toThrow();
    expect(logged).toHaveBeenCalledTimes(1);
    expect(logged.mock.calls[0]).toContain(err);
  });

  test('a listener that throws does not stop the next one', () => {
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const client = new Client();
    const seen: string[] = [];
    client.on('qr', () => {
      throw new Error('bot bug');
    });
    client.on('qr', (qr) => seen.push(qr));
    client.emit('qr', 'abc');
    expect(seen).toEqual(['abc']);
    expect(logged).toHaveBeenCalledTimes(1);
  });
});

test("MessageMedia.fromFilePath is synchronous, as in whatsapp-web.js; fromFilePathAsync doesn't block", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'waweb-media-'));
  try {
    const file = join(dir, 'note.pdf');
    await writeFile(file, '%PDF-1.4 x');
    const media = MessageMedia.fromFilePath(file);
    expect(media).toBeInstanceOf(MessageMedia);
    expect(media).toMatchObject({ mimetype: 'application/pdf', filename: 'note.pdf', filesize: 10 });
    expect(await MessageMedia.fromFilePathAsync(file)).toEqual(media);
    expect(() => MessageMedia.fromFilePath(join(dir, 'missing.png'))).toThrow(waweb.InvalidOptionError);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

describe('what is not there yet says so', () => {
  test('a Client call waweb cannot do yet rejects with NotSupportedError naming it, not a TypeError', async () => {
    // Whichever async Client call is still pending (the table changes as issue 27 lands); none left is a state too.
    const table: Members = CLIENT_MEMBERS;
    const pending = Object.entries(table).find(([, support]) => support.status === 'not-yet' && support.kind === 'async');
    if (pending === undefined) {
      expect(Object.values(table).filter((support) => support.status === 'not-yet')).toEqual([]);
      return;
    }
    const [name] = pending;
    const client = new Client() as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    expectNotSupported(await failure(() => client[name]!('x')), `Client.${name}`);
  });

  test("whatsapp-web.js's page options are taken (issue 26), of the wrong type refused with InvalidOptionError", () => {
    const proxyAuthentication = { username: 'u', password: 'p' };
    expect(() => new Client({ bypassCSP: true, deviceName: 'bot', browserName: 'Firefox', proxyAuthentication })).not.toThrow();
    for (const bad of [{ bypassCSP: 'yes' }, { deviceName: 7 }, { browserName: {} }, { proxyAuthentication: { username: 'u' } }]) {
      expect(() => new Client(bad as unknown as ConstructorParameters<typeof Client>[0])).toThrow(waweb.InvalidOptionError);
    }
    // whatsapp-web.js's defaults ask for nothing, and ffmpegPath has no meaning here.
    expect(() => new Client({ ...waweb.DefaultOptions, ffmpegPath: '/usr/bin/ffmpeg' })).not.toThrow();
  });

  test('media options go to the page (a sticker with its pack on its own path)', () => {
    const media = new MessageMedia('image/png', 'iVBORw0KGgo=');
    expect(toOutgoing(media, { isViewOnce: true, sendVideoAsGif: true, sendMediaAsHd: true }).options).toMatchObject({
      isViewOnce: true,
      asGif: true,
      asHd: true,
    });
    expect(toOutgoing(media, { isViewOnce: false }).options).toMatchObject({ asGif: false, asHd: false });
    expect(toOutgoing(media, { isViewOnce: false }).options.isViewOnce).toBeUndefined();
    const sticker = toOutgoing(media, { sendMediaAsSticker: true, stickerName: 'Dots', stickerAuthor: 'Me', stickerCategories: ['🙂'] });
    expect(sticker.kind === 'sticker' && sticker.pack).toEqual({ name: 'Dots', author: 'Me', categories: ['🙂'] });
    const badName = { sendMediaAsSticker: true, stickerName: 7 } as unknown as Parameters<typeof toOutgoing>[1];
    expect(() => toOutgoing(media, badName)).toThrow(waweb.InvalidOptionError);
  });
});

test("contents shaped like whatsapp-web.js's Location and Contact are sent as a place and a card", () => {
  // whatsapp-web.js declares a Location's coordinates as strings; a Contact is any object with its id and number.
  const place = toOutgoing({ latitude: '52.5', longitude: 13.4, name: 'Berlin' }, {});
  expect(place.kind === 'content' && place.content).toEqual({
    kind: 'location',
    location: { latitude: 52.5, longitude: 13.4, name: 'Berlin' },
  });
  const card = toOutgoing({ id: { _serialized: '15550001111@c.us' }, number: '15550001111', pushname: 'Ann' }, {});
  expect(card.kind === 'content' && card.content.kind).toBe('vcards');
});
