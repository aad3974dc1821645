/**
 * Issue 26, point 1 at run time: every member whatsapp-web.js 1.34.7 declares exists on waweb's
 * objects, and each one the member tables (src/client/compat/, checked against whatsapp-web.js's
 * declarations by test/types/wwebjs-surface.ts) mark as not there yet throws a `NotSupportedError`
 * naming `Class.member`. Also: every name `require('whatsapp-web.js')` exports, `require('waweb')` does,
 * and its constants have whatsapp-web.js's values. No browser: objects are made from page data.
 */
import * as waweb from '../../src/index';
import { CLIENT_INFO_MEMBERS, CLIENT_MEMBERS } from '../../src/client/compat/client-members';
import * as M from '../../src/client/compat/model-members';
import { installNotYet } from '../../src/client/compat/install';
import { members, notYet, type Members } from '../../src/client/compat/support';
import type { ModelClient } from '../../src/client/model/model-client';
import type { PageChat, PageContact, PageMessage } from '../../src/web/bridge';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the unmodified whatsapp-web.js, loaded as a bot loads it
const wwebjs = require('whatsapp-web.js') as Record<string, unknown>;

const client = {} as ModelClient;
const message: PageMessage = {
  id: 'false_15550001111@c.us_ABC',
  chatId: '15550001111@c.us',
  from: '15550001111@c.us',
  to: '15550002222@c.us',
  body: 'hi',
  type: 'chat',
  fromMe: false,
  timestamp: 1,
  ack: 1,
  hasMedia: false,
  hasQuotedMsg: false,
  isForwarded: false,
  mentionedIds: [],
  links: [],
  forwardingScore: 0,
  isStarred: false,
  vCards: [],
};
const chat: PageChat = {
  id: '15550001111@c.us',
  name: 'Ann',
  isGroup: false,
  unreadCount: 0,
  timestamp: 1,
  archived: false,
  pinned: false,
  isMuted: false,
  muteExpiration: 0,
  isReadOnly: false,
  isLocked: false,
};
const group: PageChat = {
  ...chat,
  id: '123@g.us',
  isGroup: true,
  groupMetadata: { subject: 'team', owner: '1@c.us', desc: '', creation: 1, participants: [] },
};
const contact: PageContact = {
  id: '15550001111@c.us',
  number: '15550001111',
  isMe: false,
  isUser: true,
  isGroup: false,
  isMyContact: true,
  isBusiness: false,
  isBlocked: false,
};
const wid = { server: 'c.us', user: '1', _serialized: '1@c.us' };

/** One object of each class, with the tables of its members by the class that declares them (a subclass has its base's too). */
const objects: Array<[string, object, Array<[string, Members]>]> = [
  ['Client', new waweb.Client(), [['Client', CLIENT_MEMBERS]]],
  ['ClientInfo', new waweb.ClientInfo({ wid, pushname: 'me', platform: 'android' }), [['ClientInfo', CLIENT_INFO_MEMBERS]]],
  ['Message', new waweb.Message(client, message), [['Message', M.MESSAGE_MEMBERS]]],
  ['PrivateChat', new waweb.PrivateChat(client, chat), [['Chat', M.CHAT_MEMBERS]]],
  [
    'GroupChat',
    new waweb.GroupChat(client, group),
    [
      ['Chat', M.CHAT_MEMBERS],
      ['GroupChat', M.GROUP_CHAT_MEMBERS],
    ],
  ],
  ['PrivateContact', new waweb.PrivateContact(client, contact), [['Contact', M.CONTACT_MEMBERS]]],
  [
    'BusinessContact',
    new waweb.BusinessContact(client, { ...contact, isBusiness: true }),
    [
      ['Contact', M.CONTACT_MEMBERS],
      ['BusinessContact', M.BUSINESS_CONTACT_MEMBERS],
    ],
  ],
  [
    'GroupNotification',
    new waweb.GroupNotification(client, {
      id: 'n',
      chatId: '123@g.us',
      author: '1@c.us',
      type: 'add',
      recipientIds: [],
      timestamp: 1,
      body: '',
    }),
    [['GroupNotification', M.GROUP_NOTIFICATION_MEMBERS]],
  ],
  ['MessageMedia', new waweb.MessageMedia('image/png', 'AA=='), [['MessageMedia', M.MESSAGE_MEDIA_MEMBERS]]],
  ['Location', new waweb.Location(1, 2), [['Location', M.LOCATION_MEMBERS]]],
  [
    'Reaction',
    new waweb.Reaction({ id: 'r', msgId: 'm', chatId: 'c', senderId: 's', reaction: '👍', timestamp: 1, read: false, orphan: 0 }),
    [['Reaction', M.REACTION_MEMBERS]],
  ],
  ['Poll', new waweb.Poll('lunch?', ['yes', 'no']), [['Poll', M.POLL_MEMBERS]]],
  ['ScheduledEvent', new waweb.ScheduledEvent('party', new Date(0)), [['ScheduledEvent', M.SCHEDULED_EVENT_MEMBERS]]],
  ['List', new waweb.List('body', 'pick', []), [['List', M.LIST_MEMBERS]]],
  ['Buttons', new waweb.Buttons('body', [{ body: 'yes' }]), [['Buttons', M.BUTTONS_MEMBERS]]],
  [
    'PollVote',
    new waweb.PollVote({ voter: 'v', selectedOptions: [], interractedAtTs: 1, parentMessage: {} as waweb.Message }),
    [['PollVote', M.POLL_VOTE_MEMBERS]],
  ],
  ['Label', new waweb.Label(client, { id: '1', name: 'new', hexColor: '#fff' }), [['Label', M.LABEL_MEMBERS]]],
  [
    'Broadcast',
    new waweb.Broadcast(client, { id: wid._serialized, timestamp: 1, totalCount: 0, unreadCount: 0, msgs: [] }),
    [['Broadcast', M.BROADCAST_MEMBERS]],
  ],
  [
    'Call',
    new waweb.Call(client, {
      id: 'c',
      peerJid: '1@c.us',
      offerTime: 1,
      isVideo: false,
      isGroup: false,
      outgoing: false,
      canHandleLocally: false,
      webClientShouldHandle: false,
      participants: [],
    }),
    [['Call', M.CALL_MEMBERS]],
  ],
  [
    'Channel',
    new waweb.Channel(client, {
      id: '1203631234567890@newsletter',
      name: 'news',
      description: '',
      isReadOnly: true,
      unreadCount: 0,
      timestamp: 1,
      isMuted: false,
      muteExpiration: 0,
      channelMetadata: { createdAtTs: 1 },
    }),
    [['Channel', M.CHANNEL_MEMBERS]],
  ],
];

/** The class a table's entry lives on: `static` entries on the constructor. */
function holder(object: object, key: string): [object, string] {
  return key.startsWith('static ') ? [object.constructor, key.slice('static '.length)] : [object, key];
}

const rows = objects.flatMap(([name, object, tables]) =>
  tables.flatMap(([declaring, table]) => Object.entries(table).map(([key, support]) => ({ name, declaring, object, key, support }))),
);

test.each(objects.map(([name, object, tables]) => [name, object, tables] as const))(
  "every member whatsapp-web.js declares on %s exists on waweb's",
  (_name, object, tables) => {
    const absent = tables
      .flatMap(([, table]) => Object.keys(table))
      .filter((key) => {
        const [target, member] = holder(object, key);
        return !(member in target);
      });
    expect(absent).toEqual([]);
  },
);

test('each member not there yet throws a NotSupportedError naming Class.member and its issue', async () => {
  const wrong: string[] = [];
  for (const { name, declaring, object, key, support } of rows) {
    const pending = support.status === 'supported' ? undefined : support.issue;
    const kind = support.status === 'supported' ? undefined : support.kind;
    if (pending === undefined || kind === undefined) continue;
    const [target, member] = holder(object, key);
    // The class that declares the member names it (a GroupChat's inherited `archive` is `Chat.archive`).
    let caught: unknown;
    try {
      const value: unknown = Reflect.get(target, member);
      if (kind !== 'field') await (value as () => unknown).call(target);
    } catch (err) {
      caught = err;
    }
    const ok =
      caught instanceof waweb.NotSupportedError &&
      caught.code === 'NOT_SUPPORTED' &&
      caught.issue === pending &&
      caught.member === `${declaring}.${member}`;
    if (!ok) wrong.push(`${name}.${member}: ${String(caught)}`);
  }
  expect(wrong).toEqual([]);
});

test("a sync member not there yet throws at once; an async one rejects (a bot's .catch() sees it)", async () => {
  // Which real members are still pending changes as issues land: one of each kind, installed as the tables are.
  const example = {} as Record<string, unknown>;
  installNotYet(example, 'Example', members({ later: notYet(27), now: notYet(27, 'sync'), field: notYet(27, 'field') }));
  const pending = (example['later'] as () => Promise<unknown>)();
  expect(pending).toBeInstanceOf(Promise);
  await expect(pending).rejects.toMatchObject({ code: 'NOT_SUPPORTED', member: 'Example.later', issue: 27 });
  expect(() => (example['now'] as () => unknown)()).toThrow(waweb.NotSupportedError);
  expect(() => example['field']).toThrow(waweb.NotSupportedError);
});

test("every name require('whatsapp-web.js') exports, the waweb entry exports", () => {
  const missing = Object.keys(wwebjs).filter((name) => !(name in waweb));
  expect(missing).toEqual([]);
});

test("the constants have whatsapp-web.js's names and values", () => {
  for (const name of ['Events', 'MessageTypes', 'GroupNotificationTypes', 'ChatTypes', 'WAState', 'MessageAck', 'Status'] as const) {
    const theirs = wwebjs[name] as Record<string, unknown>;
    const ours = waweb[name] as Record<string, unknown>;
    // A numeric enum also maps values back to names; whatsapp-web.js's names are all there with their values.
    expect(Object.fromEntries(Object.keys(theirs).map((k) => [k, ours[k]]))).toEqual(theirs);
  }
  expect(waweb.WhatsWebURL).toBe(wwebjs.WhatsWebURL);
});
