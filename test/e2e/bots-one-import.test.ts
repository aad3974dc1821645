/**
 * Issue 10, acceptance 1: four bots kept as fixtures (test/fixtures/bots), each run twice on the
 * simulator: as written, with the unmodified whatsapp-web.js 1.34.7, and with only its
 * `require('whatsapp-web.js')` changed to `require('waweb')`. The simulated phone drives the same
 * conversation both times and records what it received; the two records must be equal (ids, the
 * bot's own number and group ids aside), and each must hold what the bot is meant to do.
 */
import { createHash } from 'node:crypto';
import type { SimulatedPhone, WireMessage } from '../../src/simulator';
import { botSource, botAccount, useBots, type Library } from '../helpers/bots';

const env = useBots('waweb-bots-');

const ALICE = '15557780001';
const BOB = '15557780002';
const CAROL = '15557780003';
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFElEQVR4nGP4z8DAAMIM/////w8AH+4F+7C4l8kAAAAASUVORK5CYII=',
  'base64',
);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const OGG = Buffer.from('OggS\0\x02fake voice note for the echo bot');

type Phone = SimulatedPhone;

/** What the phone saw, with what differs between runs by nature (ids, the bot's number, group ids) replaced. */
function transcript(phone: Phone, bot: string, groups: string[], notes: unknown[]): unknown[] {
  const sent = phone.sentMessages();
  const all = [...phone.receivedMessages(), ...sent];
  const label = (id: string): string => {
    const m = all.find((x) => x.id === id);
    return m ? `<${m.fromMe ? 'bot' : 'user'}: ${m.body || m.type}>` : '<unknown>';
  };
  const clean = (text: string): string => {
    let out = text;
    for (const m of all) out = out.split(m.id).join(label(m.id));
    groups.forEach((g, i) => (out = out.split(g).join(`GROUP${i}`)));
    return out.split(bot).join('BOT');
  };
  const media = (m: WireMessage) => {
    if (!m.media) return undefined;
    const file = phone.sentMedia(m.id);
    return {
      mimetype: file.mimetype,
      filename: file.filename,
      caption: file.caption ?? '',
      sha256: createHash('sha256').update(file.data).digest('hex'),
    };
  };
  return [
    ...sent.map((m) => ({
      chat: clean(m.chatId),
      type: m.type,
      body: clean(m.body),
      ...(m.quotedId ? { quotes: label(m.quotedId) } : {}),
      ...(m.media ? { media: media(m) } : {}),
      ...(m.mentions?.length ? { mentions: m.mentions.map(clean) } : {}),
      ...(m.fields ? { fields: m.fields } : {}),
      ...(m.vcards ? { vcards: m.vcards } : {}),
      ...(m.forwardingScore ? { forwardingScore: m.forwardingScore } : {}),
      ...(m.edited ? { edited: true } : {}),
    })),
    ...notes,
  ];
}

/** Test-side polling for outcomes the phone API announces with no event. */
async function until(what: () => boolean, label: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!what()) {
    if (Date.now() > deadline) throw new Error(`${label} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

interface Conversation {
  phone: Phone;
  /** Waits until the bot has sent `count` more messages than before `act` ran. */
  answers: (count: number, act: () => Promise<unknown>, label: string) => Promise<WireMessage[]>;
  groups: string[];
  notes: unknown[];
}

/** Runs `fixture` with `library` for account `bot` and the conversation `talk`; returns the transcript. */
async function run(fixture: string, library: Library, bot: string, talk: (c: Conversation) => Promise<void>): Promise<unknown[]> {
  const phone = await botAccount(env.sim, bot, { pushname: 'Fixture Bot' }, { [ALICE]: 'Alice', [BOB]: 'Bob', [CAROL]: 'Carol' });
  const running = await env.bots.start(fixture, library, bot);
  await running.ready();
  const conversation: Conversation = {
    phone,
    groups: [],
    notes: [],
    answers: async (count, act, label) => {
      const before = phone.sentMessages().length;
      await act();
      await until(
        () => phone.sentMessages().length >= before + count,
        `${library} ${fixture}: ${label} (${count} answers)\n${running.output()}`,
      );
      return phone.sentMessages().slice(before);
    },
  };
  await talk(conversation);
  // Ctrl-C: the bot's own handler destroys the client and exits 0, unless puppeteer's SIGINT handler
  // (on by default in whatsapp-web.js's launch) closes the browser and exits 130 first.
  expect([0, 130]).toContain(await running.stop());
  return transcript(phone, bot, conversation.groups, conversation.notes);
}

/** Both runs of `fixture`; each conversation gets its own bot account. */
async function bothRuns(fixture: string, firstNumber: number, talk: (c: Conversation) => Promise<void>): Promise<unknown[]> {
  const original = await run(fixture, 'whatsapp-web.js', String(firstNumber), talk);
  const swapped = await run(fixture, 'waweb', String(firstNumber + 1), talk);
  expect(swapped).toEqual(original);
  return swapped;
}

test('the fixtures differ from their waweb versions in the one require line only', async () => {
  for (const name of ['ping-pong.js', 'media-echo.js', 'group-welcome.js', 'example.js']) {
    const [a, b] = await Promise.all([botSource(name, 'whatsapp-web.js'), botSource(name, 'waweb')]);
    const changed = a
      .split('\n')
      .map((line, i) => [line, b.split('\n')[i]] as const)
      .filter(([x, y]) => x !== y);
    expect(changed).toEqual([[expect.stringContaining("require('whatsapp-web.js')"), expect.stringContaining("require('waweb')")]]);
  }
});

test('ping-pong bot: same answers with either import', async () => {
  const seen = await bothRuns('ping-pong.js', 15556000101, async ({ phone, answers }) => {
    await answers(1, () => phone.receiveText(ALICE, '!ping'), '!ping');
    await phone.receiveText(ALICE, 'hello there');
    await answers(1, () => phone.receiveText(ALICE, '!ping'), 'second !ping');
  });
  const pong = { chat: `${ALICE}@c.us`, type: 'chat', body: 'pong', quotes: '<user: !ping>' };
  expect(seen).toEqual([pong, pong]);
}, 180_000);

test('media echo bot: the same files come back with their captions with either import', async () => {
  const seen = await bothRuns('media-echo.js', 15556000201, async ({ phone, answers }) => {
    await answers(
      1,
      () => phone.receiveMedia(ALICE, { data: PNG, mimetype: 'image/png', filename: 'dot.png', caption: 'a red dot' }),
      'image',
    );
    await answers(1, () => phone.receiveMedia(BOB, { data: PDF, mimetype: 'application/pdf', filename: 'notes.pdf' }), 'document');
    await answers(1, () => phone.receiveMedia(ALICE, { data: OGG, mimetype: 'audio/ogg', type: 'ptt' }), 'voice note');
    await answers(1, () => phone.receiveText(BOB, 'hi'), 'text');
  });
  const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
  expect(seen).toEqual([
    expect.objectContaining({
      chat: `${ALICE}@c.us`,
      type: 'image',
      media: expect.objectContaining({ caption: 'a red dot', sha256: sha(PNG) }),
    }),
    expect.objectContaining({
      chat: `${BOB}@c.us`,
      type: 'document',
      media: expect.objectContaining({ mimetype: 'application/pdf', filename: 'notes.pdf', sha256: sha(PDF) }),
    }),
    expect.objectContaining({ chat: `${ALICE}@c.us`, media: expect.objectContaining({ sha256: sha(OGG) }) }),
    { chat: `${BOB}@c.us`, type: 'chat', body: 'Send me a picture or a file and I will send it back.', quotes: '<user: hi>' },
  ]);
}, 180_000);

test('group-welcome bot: newcomers are welcomed by mention, leavers seen off, with either import', async () => {
  const seen = await bothRuns('group-welcome.js', 15556000301, async ({ phone, answers, groups }) => {
    const group = await phone.createGroup('Book club', [ALICE]);
    groups.push(group.id);
    await answers(1, () => phone.changeGroup(group.id, 'add', BOB), 'welcome');
    await answers(1, () => phone.receiveGroupText(group.id, ALICE, '!members'), '!members');
    await answers(1, () => phone.changeGroup(group.id, 'remove', BOB), 'goodbye');
    await answers(1, () => phone.receiveText(CAROL, '!members'), '!members outside a group');
  });
  expect(seen).toEqual([
    { chat: 'GROUP0', type: 'chat', body: `Welcome to Book club, @${BOB}!`, mentions: [`${BOB}@c.us`] },
    { chat: 'GROUP0', type: 'chat', body: '3 members, created by @BOT', quotes: '<user: !members>' },
    { chat: 'GROUP0', type: 'chat', body: 'Goodbye! 1 member(s) left.' },
    { chat: `${CAROL}@c.us`, type: 'chat', body: 'This command works in groups.', quotes: '<user: !members>' },
  ]);
}, 180_000);

test("example.js's commands in scope: the same results with either import", async () => {
  const seen = await bothRuns('example.js', 15556000401, async ({ phone, answers, groups, notes }) => {
    const user = `${ALICE}@c.us`;
    const [pong] = await answers(1, () => phone.receiveText(ALICE, '!ping reply'), '!ping reply');
    await answers(1, () => phone.receiveText(ALICE, '!ping'), '!ping');
    await answers(1, () => phone.receiveText(ALICE, `!sendto ${BOB} hello from the bot`), '!sendto');
    notes.push({ seen: phone.seenChats().includes(user) });
    await answers(1, () => phone.receiveText(ALICE, '!echo say it again'), '!echo');
    await answers(1, () => phone.receiveText(ALICE, '!preview see https://example.org/page'), '!preview');
    await answers(1, () => phone.receiveText(ALICE, '!groupinfo'), '!groupinfo outside');
    const group = await phone.createGroup('Example group', [ALICE]);
    groups.push(group.id);
    await answers(1, () => phone.receiveGroupText(group.id, ALICE, '!groupinfo'), '!groupinfo');
    await answers(1, () => phone.changeGroup(group.id, 'add', CAROL), 'group_join');
    await answers(1, () => phone.changeGroup(group.id, 'remove', CAROL), 'group_leave');
    await answers(1, () => phone.receiveText(ALICE, '!chats'), '!chats');
    await answers(1, () => phone.receiveText(ALICE, '!info'), '!info');
    const image = await phone.receiveMedia(ALICE, { data: PNG, mimetype: 'image/png', filename: 'dot.png', caption: '!mediainfo' });
    await until(() => phone.sentMessages().some((m) => m.quotedId === image.id), '!mediainfo');
    await answers(1, () => phone.receiveText(ALICE, '!resendmedia', { quotedId: image.id }), '!resendmedia');
    await answers(1, () => phone.receiveText(ALICE, '!quoteinfo', { quotedId: pong!.id }), '!quoteinfo');
    await answers(4, () => phone.receiveText(ALICE, '!location'), '!location');
    await answers(
      1,
      () => phone.receiveLocation(ALICE, { latitude: 48.8584, longitude: 2.2945, name: 'Tour Eiffel', address: 'Paris' }),
      'location',
    );
    await answers(2, () => phone.receiveText(ALICE, '!mentionUsers'), '!mentionUsers');
    await answers(1, () => phone.receiveText(ALICE, '!parseVCard'), '!parseVCard');
    await phone.receiveText(ALICE, '!typing');
    await until(() => phone.chatState(user) === 'composing', '!typing');
    await phone.receiveText(ALICE, '!recording');
    await until(() => phone.chatState(user) === 'recording', '!recording');
    await phone.receiveText(ALICE, '!clearstate');
    await until(() => phone.chatState(user) === 'paused', '!clearstate');
    const reacted = await phone.receiveText(ALICE, '!reaction');
    await until(() => phone.receivedMessages().find((m) => m.id === reacted.id)?.reaction === '👍', '!reaction');
    notes.push({ reaction: '👍' });
    await phone.receiveText(ALICE, '!edit', { quotedId: pong!.id });
    await until(() => phone.sentMessages().find((m) => m.id === pong!.id)?.edited === true, '!edit');
    const ping = phone.sentMessages()[1]!;
    await phone.receiveText(ALICE, '!delete', { quotedId: ping.id });
    await until(() => phone.sentMessages().find((m) => m.id === ping.id)?.type === 'revoked', '!delete');
    await answers(1, () => phone.receiveText(ALICE, '!delete', { quotedId: image.id }), '!delete of a message not the bot’s');
  });
  const user = `${ALICE}@c.us`;
  const bodies = (seen as Array<{ body?: string }>).map((m) => m.body);
  expect(seen[0]).toEqual({ chat: user, type: 'chat', body: 'edited', quotes: '<user: !ping reply>', edited: true });
  expect(seen[1]).toMatchObject({ chat: user, type: 'revoked' });
  expect(seen).toContainEqual({ chat: `${BOB}@c.us`, type: 'chat', body: ' hello from the bot' });
  expect(seen).toContainEqual({ seen: true });
  expect(bodies).toEqual(
    expect.arrayContaining([
      'say it again',
      'see https://example.org/page',
      'This command can only be used in a group!',
      `*Group Details*\nName: Example group\nDescription: \nCreated At: ${new Date().getUTCFullYear()}\nCreated By: BOT\nParticipant count: 2`,
      'User joined.',
      'User left.',
      '*Connection info*\nUser name: Fixture Bot\nMy number: BOT\nPlatform: android',
      `*Media info*\nMimeType: image/png\nFilename: dot.png\nData (length): ${PNG.toString('base64').length}`,
      `Hi @${ALICE}`,
      `Hi @${ALICE}, @${ALICE}`,
      'I can only delete my own messages',
    ]),
  );
  expect(bodies.find((b) => b?.startsWith('The bot has '))).toMatch(/^The bot has \d+ chats open\.$/);
  expect(seen).toContainEqual(
    expect.objectContaining({ body: expect.stringMatching(/^ID: true_15557780001@c\.us_<bot: (pong|edited)>\nType: chat/) }),
  );
  expect(seen).toContainEqual(
    expect.objectContaining({ type: 'image', media: expect.objectContaining({ caption: "Here's your requested media." }) }),
  );
  const places = (seen as Array<{ type?: string; fields?: unknown }>).filter((m) => m.type === 'location').map((m) => m.fields);
  expect(places).toEqual([
    { lat: 37.422, lng: -122.084, loc: '' },
    { lat: 37.422, lng: -122.084, loc: 'Googleplex' },
    { lat: 37.422, lng: -122.084, loc: '1600 Amphitheatre Pkwy, Mountain View, CA 94043, USA' },
    {
      lat: 37.422,
      lng: -122.084,
      loc: 'Googleplex\n1600 Amphitheatre Pkwy, Mountain View, CA 94043, USA',
      clientUrl: 'https://google.com',
    },
    { lat: 48.8584, lng: 2.2945, loc: 'Tour Eiffel\nParis' },
  ]);
  expect(seen).toContainEqual(expect.objectContaining({ type: 'vcard', fields: { vcardFormattedName: 'John Doe' } }));
  expect(seen).toContainEqual(expect.objectContaining({ body: `Hi @${ALICE}`, mentions: [user] }));
}, 300_000);
