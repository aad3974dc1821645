/**
 * Issue 27, channels (newsletters). One scenario file run with the unmodified whatsapp-web.js 1.34.7
 * (which proves the simulator's newsletter modules and servers) and with waweb: the bot creates a channel,
 * finds it, edits, mutes and deletes it, and posts to it (the subscribed phone's devices get the post); a
 * phone's channel is found by invite code and by search, followed, its posts arrive as `message` and in
 * `fetchMessages`; admin invites, demotion and ownership transfer are seen by the servers.
 */
import { createHash } from 'node:crypto';
import * as wawebModule from '../../src/index';
import { LIBRARIES, useBothClients, type Library } from '../helpers/both-clients';
import { until, untilTrue } from '../helpers/until';

const env = useBothClients('waweb-channels-');

interface WidLike {
  _serialized: string;
}
interface MessageLike {
  id: { id: string; _serialized: string; remote?: unknown };
  body: string;
  from: string;
  fromMe: boolean;
  type: string;
  hasMedia: boolean;
  downloadMedia(): Promise<{ mimetype: string; data: string } | undefined>;
}
interface ChannelLike {
  id: WidLike;
  name: string;
  description: string;
  isChannel: boolean;
  isReadOnly: boolean;
  isMuted: boolean;
  channelMetadata?: { membershipType?: string; createdAtTs?: number };
  sendMessage(content: string): Promise<MessageLike>;
  fetchMessages(options: { limit?: number; fromMe?: boolean }): Promise<MessageLike[]>;
  getSubscribers(limit?: number): Promise<Array<{ contact: { id: WidLike }; role: string }>>;
  setSubject(subject: string): Promise<boolean>;
  setDescription(description: string): Promise<boolean>;
  setReactionSetting(code: number): Promise<boolean>;
  setProfilePicture(media: unknown): Promise<boolean>;
  mute(): Promise<boolean>;
  unmute(): Promise<boolean>;
  sendSeen(): Promise<boolean>;
  deleteChannel(): Promise<boolean>;
}
interface ChannelClient {
  createChannel(
    title: string,
    options?: { description?: string },
  ): Promise<{ title: string; nid: WidLike; inviteLink: string; createdAtTs: number } | string>;
  getChannels(): Promise<ChannelLike[]>;
  sendMessage(chatId: string, content: unknown, options?: Record<string, unknown>): Promise<MessageLike | null>;
  getChatById(id: string): Promise<ChannelLike | undefined>;
  getChannelByInviteCode(code: string): Promise<ChannelLike | undefined>;
  searchChannels(options: { searchText?: string; limit?: number; skipSubscribedNewsletters?: boolean }): Promise<ChannelLike[]>;
  subscribeToChannel(id: string): Promise<boolean>;
  unsubscribeFromChannel(id: string, options?: { deleteLocalModels?: boolean }): Promise<boolean>;
  deleteChannel(id: string): Promise<boolean>;
  sendChannelAdminInvite(chatId: string, channelId: string, options?: { comment?: string }): Promise<boolean>;
  acceptChannelAdminInvite(channelId: string): Promise<boolean>;
  revokeChannelAdminInvite(channelId: string, userId: string): Promise<boolean>;
  demoteChannelAdmin(channelId: string, userId: string): Promise<boolean>;
  transferChannelOwnership(channelId: string, newOwnerId: string, options?: { shouldDismissSelfAsAdmin?: boolean }): Promise<boolean>;
  on(event: 'message', fn: (msg: MessageLike) => void): void;
}

type MediaClass = new (mimetype: string, data: string, filename?: string) => unknown;
type PollClass = new (name: string, options: string[]) => unknown;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- whatsapp-web.js is CommonJS; only MessageMedia and Poll are used here
const wwebjs = require('whatsapp-web.js') as { MessageMedia: MediaClass; Poll: PollClass };
const mediaOf = (library: Library): MediaClass => (library === 'waweb' ? wawebModule.MessageMedia : wwebjs.MessageMedia);
const pollOf = (library: Library): PollClass => (library === 'waweb' ? wawebModule.Poll : wwebjs.Poll);
/** A 1×1 PNG. */
const PIXEL = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

describe.each(LIBRARIES)('%s', (library) => {
  const n = LIBRARIES.indexOf(library);
  const number = `1555000090${n}`;
  const owner = `1555777090${n}`;
  const follower = `1555777091${n}`;

  test('createChannel makes a channel the bot owns: found, edited, posted to (a follower gets the post), muted, deleted', async () => {
    const client = await env.linked<ChannelClient>(library, number);
    const created = await client.createChannel('Bot news', { description: 'What the bot says' });
    if (typeof created === 'string') throw new Error(created);
    const id = created.nid._serialized;
    expect(id).toMatch(/@newsletter$/);
    const code = created.inviteLink.replace('https://whatsapp.com/channel/', '');
    expect(env.sim.phone(number).channels.get(id)).toMatchObject({
      name: 'Bot news',
      description: 'What the bot says',
      owner: number,
      inviteCode: code,
    });

    const listed = await until(async () => (await client.getChannels()).find((c) => c.id._serialized === id), 'the channel in getChannels');
    expect(listed).toMatchObject({
      name: 'Bot news',
      description: 'What the bot says',
      isChannel: true,
      isReadOnly: false,
      isMuted: false,
    });
    expect(listed.channelMetadata?.membershipType).toBe('owner');

    env.sim.phone(follower).channels.subscribe(id);
    const channel = await client.getChatById(id);
    if (!channel) throw new Error('getChatById gave no channel');
    const subscribers = await channel.getSubscribers();
    expect(subscribers.map((s) => [s.contact.id._serialized, s.role]).sort()).toEqual([
      [`${number}@c.us`, 'owner'],
      [`${follower}@c.us`, 'subscriber'],
    ]);

    const sent = await channel.sendMessage('first post');
    expect(sent).toMatchObject({ body: 'first post', fromMe: true });
    const post = env.sim.phone(number).channels.get(id).posts.at(-1);
    expect(post).toMatchObject({ id: sent.id.id, body: 'first post', by: number });
    expect(env.sim.phone(follower).receivedMessages()).toContainEqual(expect.objectContaining({ chatId: id, body: 'first post' }));
    // What whatsapp-web.js refuses in channels (view once here) resolves null, and nothing is posted.
    expect(await client.sendMessage(id, 'once', { isViewOnce: true })).toBeNull();
    expect(env.sim.phone(number).channels.get(id).posts).toHaveLength(1);
    // A quote is not refused (whatsapp-web.js compares each option with `true`): the text is posted.
    const reply = await client.sendMessage(id, 'a reply', { quotedMessageId: sent.id._serialized });
    expect(
      env.sim
        .phone(number)
        .channels.get(id)
        .posts.map((p) => [p.id, p.body]),
    ).toEqual([
      [sent.id.id, 'first post'],
      [reply?.id.id, 'a reply'],
    ]);

    expect(await channel.setSubject('Bot news 2')).toBe(true);
    expect(await channel.setDescription('New words')).toBe(true);
    expect(await channel.setReactionSetting(2)).toBe(true);
    expect(env.sim.phone(number).channels.get(id)).toMatchObject({ name: 'Bot news 2', description: 'New words', reactionCodesSetting: 0 });
    expect(await channel.setProfilePicture(new (mediaOf(library))('image/png', PIXEL, 'pixel.png'))).toBe(true);
    expect(env.sim.phone(number).channels.get(id).picture).toMatch(/^data:image\/(jpeg|png);base64,/);

    expect(await channel.mute()).toBe(true);
    expect(env.sim.phone(number).channels.get(id).mutedBy).toEqual([number]);
    expect((await client.getChatById(id))?.isMuted).toBe(true);
    expect(await channel.unmute()).toBe(true);
    expect(env.sim.phone(number).channels.get(id).mutedBy).toEqual([]);

    expect(await client.deleteChannel(id)).toBe(true);
    expect(env.sim.phone(number).channels.get(id).deleted).toBe(true);
    expect((await client.getChannels()).map((c) => c.id._serialized)).not.toContain(id);
    expect(await client.deleteChannel(id)).toBe(false);
  });

  test("a phone's channel: found by invite code and by search, followed; its posts (text, and media the bot downloads) arrive as `message` and in fetchMessages; unfollowed", async () => {
    const client = await env.linked<ChannelClient>(library, number);
    const phoneChannel = env.sim.phone(owner).channels.create(`Owner ${library} daily`, { description: 'News from the owner' });

    const byCode = await client.getChannelByInviteCode(phoneChannel.inviteCode);
    expect(byCode).toMatchObject({ id: { _serialized: phoneChannel.id }, name: `Owner ${library} daily`, isReadOnly: true });
    expect(await client.getChannelByInviteCode('NoSuchCode0000000000')).toBeUndefined();
    const found = await client.searchChannels({ searchText: `owner ${library}` });
    expect(found.map((c) => c.id._serialized)).toEqual([phoneChannel.id]);

    expect(await client.subscribeToChannel(phoneChannel.id)).toBe(true);
    expect(env.sim.phone(owner).channels.get(phoneChannel.id).subscribers).toEqual([number]);
    expect((await client.searchChannels({ searchText: `owner ${library}`, skipSubscribedNewsletters: true })).length).toBe(0);

    const messages: MessageLike[] = [];
    client.on('message', (m) => messages.push(m));
    const posted = await env.sim.phone(owner).channels.post(phoneChannel.id, 'hello followers');
    const heard = await until(() => messages.find((m) => m.id.id === posted.id), 'the post as a message event');
    expect(heard).toMatchObject({ body: 'hello followers', from: phoneChannel.id, fromMe: false });

    const channel = await client.getChatById(phoneChannel.id);
    if (!channel) throw new Error('getChatById gave no channel');
    expect((await channel.fetchMessages({ limit: 10 })).map((m) => m.body)).toEqual(['hello followers']);

    // Media posted by the phone: stored unencrypted (no media key); the bot downloads it as it is.
    const bytes = Buffer.from(PIXEL, 'base64');
    const photo = await env.sim
      .phone(owner)
      .channels.postMedia(phoneChannel.id, { data: bytes, mimetype: 'image/png', caption: 'a pixel' });
    const image = await until(() => messages.find((m) => m.id.id === photo.id), 'the media post as a message event');
    expect(image).toMatchObject({ type: 'image', hasMedia: true, body: 'a pixel', from: phoneChannel.id });
    const downloaded = await image.downloadMedia();
    expect(downloaded).toMatchObject({ mimetype: 'image/png' });
    expect(Buffer.from(downloaded?.data ?? '', 'base64')).toEqual(bytes);
    expect(await channel.sendSeen()).toBe(true);
    // The read mark reaches the phone when the servers pass it on (sendSeen resolves once the page sent it).
    await untilTrue(() => env.sim.phone(number).seenChats().includes(phoneChannel.id), 'the channel marked read on the phone');
    // A follower cannot post, edit or delete.
    expect(await channel.setSubject('taken over')).toBe(false);
    expect(await client.deleteChannel(phoneChannel.id)).toBe(false);

    expect(await client.unsubscribeFromChannel(phoneChannel.id)).toBe(true);
    expect(env.sim.phone(owner).channels.get(phoneChannel.id).subscribers).toEqual([]);
    expect((await client.getChannels()).map((c) => c.id._serialized)).not.toContain(phoneChannel.id);
  });

  test('a device linked later learns the channels its account follows, with the posts it missed (history)', async () => {
    const later = `1555000092${n}`;
    const early = env.sim.phone(owner).channels.create(`Early ${library}`);
    env.sim.phone(later).channels.subscribe(early.id);
    await env.sim.phone(owner).channels.post(early.id, 'before the device');
    const client = await env.linked<ChannelClient>(library, later);
    const known = await until(async () => (await client.getChannels()).find((c) => c.id._serialized === early.id), 'the followed channel');
    expect(known).toMatchObject({ name: `Early ${library}`, isReadOnly: true });
    expect(known.channelMetadata?.membershipType).toBe('subscriber');
    const channel = await client.getChatById(early.id);
    expect((await channel?.fetchMessages({}))?.map((m) => m.body)).toEqual(['before the device']);
  });

  test('admin invites: sent and revoked by the bot, accepted by the bot; demotion and ownership transfer reach the servers', async () => {
    const client = await env.linked<ChannelClient>(library, number);
    const created = await client.createChannel('Admins wanted');
    if (typeof created === 'string') throw new Error(created);
    const mine = created.nid._serialized;

    expect(await client.sendChannelAdminInvite(`${follower}@c.us`, mine, { comment: 'help me' })).toBe(true);
    expect(env.sim.phone(number).channels.get(mine).adminInvites).toEqual([follower]);
    expect(await client.revokeChannelAdminInvite(mine, `${follower}@c.us`)).toBe(true);
    expect(env.sim.phone(number).channels.get(mine).adminInvites).toEqual([]);
    expect(await client.revokeChannelAdminInvite(mine, `${follower}@c.us`)).toBe(false);

    // The follower is invited again and accepts; the bot hands the channel over and steps down.
    expect(await client.sendChannelAdminInvite(`${follower}@c.us`, mine)).toBe(true);
    env.sim.phone(follower).channels.acceptAdminInvite(mine);
    expect(await client.transferChannelOwnership(mine, `${follower}@c.us`, { shouldDismissSelfAsAdmin: true })).toBe(true);
    expect(env.sim.phone(number).channels.get(mine)).toMatchObject({ owner: follower, admins: [], subscribers: [number] });

    // A phone's channel invites the bot; the bot accepts, posts as an admin, then steps down.
    const theirs = env.sim.phone(owner).channels.create('Needs an admin').id;
    env.sim.phone(owner).channels.inviteAdmin(theirs, number);
    expect(await client.acceptChannelAdminInvite(theirs)).toBe(true);
    expect(env.sim.phone(owner).channels.get(theirs).admins).toEqual([number]);
    const channel = await client.getChatById(theirs);
    if (!channel) throw new Error('getChatById gave no channel');
    expect(channel.isReadOnly).toBe(false);
    const sent = await channel.sendMessage('an admin speaks');
    await untilTrue(
      () =>
        env.sim
          .phone(owner)
          .channels.get(theirs)
          .posts.some((p) => p.id === sent.id.id),
      'the admin post on the servers',
    );
    expect(await client.demoteChannelAdmin(theirs, `${number}@c.us`)).toBe(true);
    expect(env.sim.phone(owner).channels.get(theirs)).toMatchObject({ admins: [], subscribers: [number] });
    expect(await client.acceptChannelAdminInvite(theirs)).toBe(false);
  });

  test("media, a sticker and a poll posted to the bot's channel: the follower's phone gets the image (with its caption), the sticker (with its pack) and the poll", async () => {
    const client = await env.linked<ChannelClient>(library, number);
    const created = await client.createChannel(`Media ${library}`);
    if (typeof created === 'string') throw new Error(created);
    const id = created.nid._serialized;
    const fan = `1555777093${n}`;
    env.sim.phone(fan).channels.subscribe(id);
    const received = (msgId: string | undefined) =>
      env.sim
        .phone(fan)
        .receivedMessages()
        .find((m) => m.id === msgId);

    const image = await client.sendMessage(id, new (mediaOf(library))('image/png', PIXEL, 'pixel.png'), { caption: 'one pixel' });
    expect(image).toMatchObject({ type: 'image', fromMe: true });
    const bytes = Buffer.from(PIXEL, 'base64');
    // Channel media is not encrypted: no media key; the servers have the file as it is.
    expect(received(image?.id.id)).toMatchObject({
      chatId: id,
      type: 'image',
      media: {
        mimetype: 'image/png',
        caption: 'one pixel',
        mediaKey: '',
        size: bytes.length,
        filehash: createHash('sha256').update(bytes).digest('base64'),
      },
    });

    // A sticker: made WebP with its pack in the EXIF, prepared as a sticker, uploaded unencrypted like other channel media.
    const sticker = await client.sendMessage(id, new (mediaOf(library))('image/png', PIXEL, 'pixel.png'), {
      sendMediaAsSticker: true,
      stickerName: 'Channel pack',
      stickerAuthor: `${library} bot`,
    });
    expect(sticker).toMatchObject({ type: 'sticker', fromMe: true });
    expect(received(sticker?.id.id)).toMatchObject({ chatId: id, type: 'sticker', media: { mimetype: 'image/webp', mediaKey: '' } });
    const file = env.sim.phone(fan).channels.download(id, sticker?.id.id ?? '');
    expect(file.data.subarray(8, 12).toString('latin1')).toBe('WEBP');
    expect(file.stickerPack).toMatchObject({ name: 'Channel pack', publisher: `${library} bot` });

    const poll = await client.sendMessage(id, new (pollOf(library))('Lunch?', ['Pizza', 'Soup']));
    expect(poll).toMatchObject({ type: 'poll_creation', fromMe: true });
    expect(received(poll?.id.id)).toMatchObject({
      chatId: id,
      type: 'poll_creation',
      poll: { name: 'Lunch?', options: ['Pizza', 'Soup'], selectableCount: 1 },
    });
    expect(
      env.sim
        .phone(number)
        .channels.get(id)
        .posts.map((p) => p.type),
    ).toEqual(['image', 'sticker', 'poll_creation']);
  });
});
