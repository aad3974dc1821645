/**
 * Issue 27, status posts. One scenario file run with the unmodified whatsapp-web.js 1.34.7 (which proves the
 * simulator's status modules) and with waweb: the account's text post (font and background from
 * `options.extra`) and media post reach its contacts' phones, and a revoke takes a post down there; a contact's
 * posts reach the device as `status@broadcast` messages with `isStatus`, and fill what `getBroadcasts()`,
 * `getBroadcastById()`, `Contact.getBroadcast()` and `Broadcast.getChat()/getContact()` read.
 */
import * as wawebModule from '../../src/index';
import { LIBRARIES, useBothClients, type Library } from '../helpers/both-clients';
import { until } from '../helpers/until';

const env = useBothClients('waweb-status-');

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFElEQVR4nGP4z8DAAMIM/////w8AH+4F+7C4l8kAAAAASUVORK5CYII=',
  'base64',
);

interface StatusMessage {
  id: { id: string; _serialized: string };
  body: string;
  type: string;
  from: string;
  author?: string;
  fromMe: boolean;
  isStatus: boolean;
}
interface BroadcastView {
  id: { _serialized: string };
  timestamp: number;
  totalCount: number;
  unreadCount: number;
  msgs?: StatusMessage[];
  getChat(): Promise<{ id: { _serialized: string } }>;
  getContact(): Promise<{ id: { _serialized: string } }>;
}
interface StatusClient {
  sendMessage(chatId: string, content: unknown, options?: Record<string, unknown>): Promise<StatusMessage>;
  revokeStatusMessage(messageId: string): Promise<void>;
  getBroadcasts(): Promise<BroadcastView[]>;
  getBroadcastById(contactId: string): Promise<BroadcastView>;
  getContactById(contactId: string): Promise<{ getBroadcast(): Promise<BroadcastView> }>;
  on(event: 'message' | 'message_create', fn: (msg: StatusMessage) => void): void;
}
type MediaClass = new (mimetype: string, data: string, filename?: string | null) => unknown;

// eslint-disable-next-line @typescript-eslint/no-require-imports -- whatsapp-web.js is CommonJS; only the class used is declared here
const wwebjs = require('whatsapp-web.js') as { MessageMedia: MediaClass };
const mediaClassOf = (library: Library): MediaClass => (library === 'waweb' ? wawebModule.MessageMedia : wwebjs.MessageMedia);

describe.each(LIBRARIES)('%s', (library) => {
  const n = LIBRARIES.indexOf(library);
  const MessageMedia = mediaClassOf(library);

  test("the account's text and media posts reach its contacts' phones; a revoke takes a post down", async () => {
    const number = `1555000091${n}`;
    const phone = env.sim.phone(number);
    const client = await env.linked<StatusClient>(library, number);
    const created: StatusMessage[] = [];
    client.on('message_create', (msg) => created.push(msg));

    const styled = await client.sendMessage('status@broadcast', 'Styled', { extra: { fontStyle: 2, backgroundColor: '#0b3296' } });
    // As whatsapp-web.js reads them: only from `extra`; at the top level (as example.js passes them) they change nothing.
    await client.sendMessage('status@broadcast', 'Plain', { fontStyle: 1, backgroundColor: '#0b3296' });
    const texts = await until(() => {
      const own = phone.statusPosts.own();
      return own.length === 2 ? own : undefined;
    }, 'both text posts on the phone');
    expect(texts.map((m) => [m.chatId, m.type, m.body, m.fields])).toEqual([
      ['status@broadcast', 'chat', 'Styled', { backgroundColor: 0xff0b3296, font: 2 }],
      ['status@broadcast', 'chat', 'Plain', { backgroundColor: 0xff7acca5, font: 0 }],
    ]);
    // whatsapp-web.js returns a message it built but never sent (the app keys a text post itself); waweb the post.
    if (library === 'waweb') expect(styled.id.id).toBe(texts[0]!.id);
    else expect(styled.id.id).not.toBe(texts[0]!.id);

    const photo = await client.sendMessage('status@broadcast', new MessageMedia('image/png', PNG.toString('base64')), {
      caption: 'Sunset',
    });
    const onPhone = await until(() => phone.statusPosts.own().find((m) => m.type === 'image'), 'the media post on the phone');
    expect(photo.id.id).toBe(onPhone.id);
    const bytes = phone.sentMedia(onPhone.id);
    expect(bytes).toMatchObject({ mimetype: 'image/png', caption: 'Sunset' });
    expect(bytes.data.equals(PNG)).toBe(true);

    // The post as the device added it (message_create), revoked by its id: gone from what contacts see.
    const post = await until(() => created.find((m) => m.body === 'Styled' && m.fromMe), 'message_create for the styled post');
    expect(post.isStatus).toBe(true);
    await client.revokeStatusMessage(post.id._serialized);
    await until(() => (phone.statusPosts.own().some((m) => m.body === 'Styled') ? undefined : true), 'the revoked post gone');
    expect(phone.sentMessages().find((m) => m.id === texts[0]!.id)?.type).toBe('revoked');
    expect(phone.statusPosts.own().map((m) => m.body || m.type)).toEqual(['Plain', 'image']);
  });

  test("a contact's posts arrive with isStatus and fill getBroadcasts, getBroadcastById, Contact.getBroadcast and Broadcast", async () => {
    const number = `1555000092${n}`;
    const contact = `1555777092${n}`;
    const contactId = `${contact}@c.us`;
    const phone = env.sim.phone(number);
    const client = await env.linked<StatusClient>(library, number);
    const received: StatusMessage[] = [];
    client.on('message', (msg) => received.push(msg));

    const text = await phone.statusPosts.receive(contact, 'Morning!', { font: 3, backgroundColor: 0xff112233 });
    await phone.statusPosts.receiveMedia(contact, { data: PNG, mimetype: 'image/png', caption: 'View' });
    const posts = await until(() => (received.length >= 2 ? received : undefined), 'both posts on the device');
    expect(posts.map((m) => [m.isStatus, m.from, m.author, m.type])).toEqual([
      [true, 'status@broadcast', contactId, 'chat'],
      [true, 'status@broadcast', contactId, 'image'],
    ]);
    expect(posts[0]).toMatchObject({ body: 'Morning!', fromMe: false });
    expect(posts[0]!.id.id).toBe(text.id);

    const all = await client.getBroadcasts();
    const theirs = all.find((b) => b.id._serialized === contactId);
    expect(theirs).toMatchObject({ totalCount: 2, unreadCount: 2 });
    expect(typeof theirs?.timestamp).toBe('number');
    const byId = await client.getBroadcastById(contactId);
    expect(byId).toMatchObject({ id: { _serialized: contactId }, totalCount: 2, unreadCount: 2 });
    // waweb gives the posts themselves; whatsapp-web.js's page call drops them.
    if (library === 'waweb') expect(byId.msgs?.map((m) => m.body || m.type)).toEqual(['Morning!', 'View']);
    else expect(byId.msgs).toBeUndefined();
    expect((await byId.getChat()).id._serialized).toBe(contactId);
    expect((await byId.getContact()).id._serialized).toBe(contactId);
    const viaContact = await (await client.getContactById(contactId)).getBroadcast();
    expect(viaContact).toMatchObject({ id: { _serialized: contactId }, totalCount: 2 });
  });
});
