/**
 * Issue 27, polls and scheduled events. One scenario per feature, run with the unmodified
 * whatsapp-web.js 1.34.7 (which proves the simulator's poll and event modules) and with waweb: a poll
 * sent (one answer, several answers) reaches the phone; the contact votes (`vote_update`, `getPollVotes`);
 * a contact's poll gets the device's vote on the phone; an event is sent, answered and edited, each seen
 * by the phone.
 */
import * as wawebModule from '../../src/index';
import { LIBRARIES, useBothClients, type Library } from '../helpers/both-clients';
import { until } from '../helpers/until';

const env = useBothClients('waweb-polls-');

interface PollOptionView {
  name: string;
  localId: number;
}
interface PollMessage {
  id: { id: string; _serialized: string };
  type: string;
  body: string;
  fromMe: boolean;
  pollName?: string;
  pollOptions?: PollOptionView[];
  allowMultipleAnswers?: boolean;
  messageSecret?: number[];
  vote(options: string[]): Promise<void>;
  getPollVotes(): Promise<VoteView[]>;
  editScheduledEvent(event: unknown): Promise<PollMessage | null>;
}
interface VoteView {
  voter: unknown;
  selectedOptions: Array<{ name?: string; localId: number }>;
  parentMessage: { id: { _serialized: string } };
  interractedAtTs: number;
}
interface PollClient {
  sendMessage(chatId: string, content: unknown): Promise<PollMessage>;
  getChatById(id: string): Promise<{ fetchMessages(o: { limit: number }): Promise<PollMessage[]> }>;
  sendResponseToScheduledEvent(response: number, eventMessageId: string): Promise<boolean>;
  on(event: 'vote_update', fn: (vote: VoteView) => void): void;
  on(event: 'message', fn: (msg: PollMessage) => void): void;
}
interface Classes {
  Poll: new (name: string, options: string[], o?: { allowMultipleAnswers?: boolean }) => unknown;
  ScheduledEvent: new (name: string, start: Date, o?: Record<string, unknown>) => unknown;
  Buttons: new (body: string, buttons: Array<{ id?: string; body: string }>, title?: string, footer?: string) => unknown;
  List: new (body: string, buttonText: string, sections: unknown[], title?: string, footer?: string) => unknown;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- whatsapp-web.js is CommonJS; only the classes used are declared here
const wwebjs = require('whatsapp-web.js') as Classes;
const classesOf = (library: Library): Classes => (library === 'waweb' ? (wawebModule as unknown as Classes) : wwebjs);

/** The serialized id of a voter, whether a client gives it as a string or as a wid. */
const voterId = (voter: unknown): string =>
  typeof voter === 'string' ? voter : String((voter as { _serialized?: unknown } | undefined)?._serialized);

describe.each(LIBRARIES)('%s', (library) => {
  const n = LIBRARIES.indexOf(library);
  const { Poll, ScheduledEvent } = classesOf(library);

  test('a poll sent (one answer or several) reaches the phone; the contact votes: vote_update and getPollVotes', async () => {
    const number = `1555000081${n}`;
    const contact = `1555777081${n}`;
    const chatId = `${contact}@c.us`;
    const phone = env.sim.phone(number);
    const client = await env.linked<PollClient>(library, number);
    const votes: VoteView[] = [];
    client.on('vote_update', (vote) => votes.push(vote));

    const single = await client.sendMessage(chatId, new Poll('Lunch?', ['Pizza', 'Sushi', 'Salad']));
    expect(single).toMatchObject({ type: 'poll_creation', pollName: 'Lunch?', allowMultipleAnswers: false });
    expect(single.pollOptions).toEqual([
      { name: 'Pizza', localId: 0 },
      { name: 'Sushi', localId: 1 },
      { name: 'Salad', localId: 2 },
    ]);
    expect(single.messageSecret).toHaveLength(32);
    const multi = await client.sendMessage(chatId, new Poll('Toppings', ['Olives', 'Ham'], { allowMultipleAnswers: true }));
    expect(multi.allowMultipleAnswers).toBe(true);

    const sent = await until(() => {
      const list = phone.sentMessages().filter((m) => m.type === 'poll_creation');
      return list.length === 2 ? list : undefined;
    }, 'the polls on the phone');
    expect(sent.map((m) => m.poll)).toEqual([
      { name: 'Lunch?', options: ['Pizza', 'Sushi', 'Salad'], selectableCount: 1 },
      { name: 'Toppings', options: ['Olives', 'Ham'], selectableCount: 0 },
    ]);

    await phone.votePoll(single.id.id, ['Sushi']);
    const vote = await until(() => votes[0], 'vote_update');
    expect(voterId(vote.voter)).toBe(chatId);
    expect(vote.selectedOptions).toEqual([{ name: 'Sushi', localId: 1 }]);
    expect(vote.parentMessage.id._serialized).toBe(single.id._serialized);
    expect(typeof vote.interractedAtTs).toBe('number');

    await phone.votePoll(multi.id.id, ['Olives', 'Ham']);
    const second = await until(() => votes[1], 'the second vote_update');
    expect(second.selectedOptions.map((o) => o.name)).toEqual(['Olives', 'Ham']);
    await expect(phone.votePoll(single.id.id, ['Pizza', 'Salad'])).rejects.toMatchObject({ status: 400 });

    const listed = await single.getPollVotes();
    expect(listed).toHaveLength(1);
    expect(voterId(listed[0]?.voter)).toBe(chatId);
    expect(listed[0]?.selectedOptions).toEqual([{ name: 'Sushi', localId: 1 }]);
  });

  test("a contact's poll arrives with its options; the device's vote reaches the phone", async () => {
    const number = `1555000082${n}`;
    const contact = `1555777082${n}`;
    const phone = env.sim.phone(number);
    const client = await env.linked<PollClient>(library, number);
    const arrived: PollMessage[] = [];
    client.on('message', (msg) => arrived.push(msg));

    const poll = await phone.receivePoll(contact, 'Where to?', ['Beach', 'Hills', 'City'], { allowMultipleAnswers: true });
    const msg = await until(() => arrived.find((m) => m.id.id === poll.id), 'the poll on the device');
    expect(msg).toMatchObject({ type: 'poll_creation', pollName: 'Where to?', allowMultipleAnswers: true });
    expect(msg.pollOptions?.map((o) => o.name)).toEqual(['Beach', 'Hills', 'City']);

    await msg.vote(['City', 'Beach']);
    const votes = await until(() => {
      const record = phone.receivedMessages().find((m) => m.id === poll.id);
      return record?.poll?.votes?.[`${number}@c.us`];
    }, 'the vote on the phone');
    expect(votes).toEqual([0, 2]);
    const mine = await msg.getPollVotes();
    expect(mine.map((v) => [voterId(v.voter), v.selectedOptions.map((o) => o.name)])).toEqual([[`${number}@c.us`, ['Beach', 'City']]]);
  });

  test('an event sent reaches the phone; answers and an edit reach it too', async () => {
    const number = `1555000083${n}`;
    const contact = `1555777083${n}`;
    const chatId = `${contact}@c.us`;
    const phone = env.sim.phone(number);
    const client = await env.linked<PollClient>(library, number);
    const start = new Date(Date.UTC(2027, 0, 15, 18, 0, 0));
    const end = new Date(Date.UTC(2027, 0, 15, 20, 0, 0));

    const event = await client.sendMessage(
      chatId,
      new ScheduledEvent('Dinner', start, { description: 'At home', location: 'Kitchen', endTime: end, callType: 'video' }),
    );
    expect(event).toMatchObject({ type: 'event_creation', body: 'Dinner' });
    const onPhone = await until(() => phone.sentMessages().find((m) => m.id === event.id.id)?.event, 'the event on the phone');
    expect(onPhone).toMatchObject({
      name: 'Dinner',
      description: 'At home',
      location: 'Kitchen',
      startTime: start.getTime() / 1000,
      endTime: end.getTime() / 1000,
      canceled: false,
    });
    expect(onPhone.joinLink).toMatch(/^https:\/\/call\.whatsapp\.com\/video\//);

    expect(await client.sendResponseToScheduledEvent(1, event.id._serialized)).toBe(true);
    await until(
      () => phone.sentMessages().find((m) => m.id === event.id.id)?.event?.responses?.[`${number}@c.us`] === 1 || undefined,
      'going',
    );
    expect(await client.sendResponseToScheduledEvent(7, event.id._serialized)).toBe(false);

    const later = new Date(Date.UTC(2027, 0, 16, 19, 0, 0));
    const edited = await event.editScheduledEvent(new ScheduledEvent('Late dinner', later, { location: 'Garden', callType: 'none' }));
    expect(edited).toMatchObject({ type: 'event_creation', body: 'Late dinner' });
    const after = await until(() => {
      const e = phone.sentMessages().find((m) => m.id === event.id.id)?.event;
      return e?.name === 'Late dinner' ? e : undefined;
    }, 'the edit on the phone');
    expect(after).toMatchObject({
      name: 'Late dinner',
      location: 'Garden',
      startTime: later.getTime() / 1000,
      responses: { [`${number}@c.us`]: 1 },
    });
    expect(after.joinLink).toBeUndefined();
    expect(after.description).toBeUndefined();

    // An event of the contact's, answered from the device: "not going" reaches the phone.
    const theirs = await phone.receiveEvent(contact, { name: 'Party', startTime: later });
    const chat = await client.getChatById(chatId);
    const got = await until(
      async () => (await chat.fetchMessages({ limit: 5 })).find((m) => m.id.id === theirs.id),
      'the event on the device',
    );
    expect(got).toMatchObject({ type: 'event_creation', body: 'Party' });
    expect(await client.sendResponseToScheduledEvent(2, `false_${chatId}_${theirs.id}`)).toBe(true);
    await until(
      () => phone.receivedMessages().find((m) => m.id === theirs.id)?.event?.responses?.[`${number}@c.us`] === 2 || undefined,
      'not going',
    );
  });

  test('Buttons go out as a text of their body, a List as a `list` message of its description, as whatsapp-web.js 1.34.7 sends them', async () => {
    const number = `1555000084${n}`;
    const chatId = `1555777084${n}@c.us`;
    const phone = env.sim.phone(number);
    const client = await env.linked<PollClient>(library, number);
    const { Buttons, List } = classesOf(library);

    const buttons = await client.sendMessage(chatId, new Buttons('Pick one', [{ id: 'a', body: 'A' }, { body: 'B' }], 'Title', 'Footer'));
    expect(buttons).toMatchObject({ type: 'chat', body: 'Pick one' });
    const sections = [{ title: 'Menu', rows: [{ id: 'r1', title: 'Soup', description: 'hot' }, { title: 'Salad' }] }];
    const list = await client.sendMessage(chatId, new List('Our menu', 'Open', sections, 'Lunch', 'Thanks'));
    expect(list).toMatchObject({ type: 'list', body: 'Our menu' });
    const sent = await until(() => {
      const found = phone.sentMessages().filter((m) => m.chatId === chatId);
      return found.length === 2 ? found : undefined;
    }, 'both on the phone');
    expect(sent.map((m) => [m.type, m.body])).toEqual([
      ['chat', 'Pick one'],
      ['list', 'Our menu'],
    ]);
  });
});
