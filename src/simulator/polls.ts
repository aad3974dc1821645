/**
 * Polls and scheduled events on the servers: what a device sent or answered (votes, event responses,
 * event edits) is recorded on the message where the phone API reads it; a contact creates polls and
 * events and votes, and the account's devices see it.
 */
import { SimulatorError } from './errors';
import type { Connection, SimulatorHub } from './hub';
import type { ClientFrame, OutgoingMessage, WireEvent, WireMessage, WirePoll } from './protocol';
import { contactNumber, type AccountRecord } from './state';

export type PollFrame = Extract<ClientFrame, { t: 'poll-vote' } | { t: 'event-response' } | { t: 'event-edit' }>;

/** What a contact's event may say (times as `Date`s, as whatsapp-web.js's `ScheduledEvent` takes them). */
export interface PhoneEvent {
  name: string;
  startTime: Date;
  endTime?: Date;
  description?: string;
  location?: string;
}

const str = (v: unknown, max = 4096): string | undefined => (typeof v === 'string' && v.length <= max ? v : undefined);
const seconds = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined);

/** The poll of a device's message, checked: a name, 1 to 12 distinct options, 0 (any) or 1 to choose. */
export function wirePoll(value: unknown): WirePoll | undefined {
  const p = value as Partial<WirePoll> | null | undefined;
  const name = str(p?.name, 255);
  if (!name || !Array.isArray(p?.options)) return undefined;
  const options = p.options.filter((o): o is string => typeof o === 'string' && o.length <= 100);
  if (options.length === 0 || options.length > 12 || options.length !== p.options.length) return undefined;
  const count = p.selectableCount;
  const selectableCount = typeof count === 'number' && Number.isInteger(count) && count >= 0 && count <= options.length ? count : 0;
  return { name, options, selectableCount };
}

/** The event of a device's message, checked: a name and a start time at least. */
export function wireEvent(value: unknown): WireEvent | undefined {
  const e = value as Partial<WireEvent> | null | undefined;
  const name = str(e?.name, 255);
  const startTime = seconds(e?.startTime);
  if (!name || startTime === undefined) return undefined;
  const endTime = seconds(e?.endTime);
  const description = str(e?.description);
  const location = str(e?.location, 255);
  const joinLink = str(e?.joinLink, 255);
  return {
    name,
    startTime,
    canceled: e?.canceled === true,
    ...(endTime === undefined ? {} : { endTime }),
    ...(description === undefined ? {} : { description }),
    ...(location === undefined ? {} : { location }),
    ...(joinLink === undefined ? {} : { joinLink }),
  };
}

/** The poll or event a device sends, as the server keeps it. */
export function pollExtras(out: OutgoingMessage): Pick<WireMessage, 'poll' | 'event'> {
  const poll = out?.type === 'poll_creation' ? wirePoll(out.poll) : undefined;
  const event = out?.type === 'event_creation' ? wireEvent(out.event) : undefined;
  return { ...(poll ? { poll } : {}), ...(event ? { event } : {}) };
}

export class PollActions {
  constructor(private readonly hub: SimulatorHub) {}

  /** A device votes, answers an event, or edits an event it sent: recorded on the message. */
  async onDeviceFrame(conn: Connection, frame: PollFrame): Promise<void> {
    const found = conn.deviceId ? this.hub.state.findDevice(conn.deviceId) : undefined;
    if (!found) return;
    const { account } = found;
    const me = `${account.number}@c.us`;
    if (frame.t === 'event-edit') {
      const own = account.sent.find((m) => m.id === frame.id && m.chatId === frame.chatId && m.event);
      const event = wireEvent(frame.event);
      if (!own?.event || !event || own.event.canceled) return;
      own.event = { ...event, ...(own.event.responses ? { responses: own.event.responses } : {}) };
    } else {
      const pool = frame.fromMe ? account.sent : (account.history ?? []);
      const target = pool.find((m) => m.id === frame.id && m.chatId === frame.chatId);
      if (frame.t === 'poll-vote') {
        if (!target?.poll || !Array.isArray(frame.selected)) return;
        const selected = validChoice(target.poll, frame.selected);
        if (!selected) return;
        (target.poll.votes ??= {})[me] = selected;
      } else {
        if (!target?.event || ![0, 1, 2, 3].includes(frame.response)) return;
        const responses = (target.event.responses ??= {});
        if (frame.response === 0) delete responses[me];
        else responses[me] = frame.response;
      }
    }
    await this.hub.state.save();
  }

  /** A contact sends the account a poll: its devices get a `poll_creation` message. */
  async receivePoll(number: string, from: unknown, name: unknown, options: unknown, allowMultipleAnswers: boolean): Promise<WireMessage> {
    const poll = wirePoll({ name, options, selectableCount: allowMultipleAnswers ? 0 : 1 });
    if (!poll) throw new SimulatorError(400, 'a poll needs a name and 1 to 12 options (strings)');
    const account = this.hub.recipient(number);
    const msg = this.hub.incoming(number, contactNumber(from), '', { type: 'poll_creation', poll });
    await this.hub.deliver(account, msg);
    return { ...msg };
  }

  /** A contact sends the account a scheduled event: its devices get an `event_creation` message. */
  async receiveEvent(number: string, from: unknown, spec: PhoneEvent): Promise<WireMessage> {
    const event = wireEvent({
      name: spec?.name,
      description: spec?.description,
      location: spec?.location,
      startTime: spec?.startTime instanceof Date ? Math.floor(spec.startTime.getTime() / 1000) : undefined,
      endTime: spec?.endTime instanceof Date ? Math.floor(spec.endTime.getTime() / 1000) : undefined,
      canceled: false,
    });
    if (!event) throw new SimulatorError(400, 'an event needs a name and a start time');
    const account = this.hub.recipient(number);
    const msg = this.hub.incoming(number, contactNumber(from), '', { type: 'event_creation', event });
    await this.hub.deliver(account, msg);
    return { ...msg };
  }

  /**
   * The contact of a poll's chat votes on it (a poll a device sent, or one the contact sent): `options`
   * by name, none to take the vote back. The account's devices get the vote (`vote_update`).
   */
  async vote(number: string, messageId: unknown, options: unknown): Promise<void> {
    const account = this.hub.account(number);
    const own = account.sent.find((m) => m.id === messageId && m.poll);
    const target = own ?? account.history?.find((m) => m.id === messageId && m.poll);
    if (!target?.poll) throw new SimulatorError(404, `no poll ${JSON.stringify(messageId)} in ${number}'s chats`);
    if (!Array.isArray(options)) throw new SimulatorError(400, 'options must be a list of option names');
    const poll = target.poll;
    const selected = validChoice(
      poll,
      options.map((o) => poll.options.indexOf(String(o))),
    );
    if (!selected) throw new SimulatorError(400, `not a valid choice on this poll: ${JSON.stringify(options)}`);
    const voter = target.chatId;
    (poll.votes ??= {})[voter] = selected;
    await this.hub.state.save();
    const frame = {
      t: 'poll-vote' as const,
      chatId: target.chatId,
      parentId: target.id,
      parentFromMe: own !== undefined,
      from: voter,
      id: this.hub.messageId(),
      selected,
      atMs: Date.now(),
    };
    online(this.hub, account, (conn) => this.hub.send(conn, frame));
  }
}

/** The option indexes of a choice, when the poll allows it (distinct, known, no more than it lets one choose). */
function validChoice(poll: WirePoll, selected: unknown[]): number[] | undefined {
  const indexes = [...new Set(selected)];
  if (!indexes.every((i): i is number => typeof i === 'number' && Number.isInteger(i) && i >= 0 && i < poll.options.length))
    return undefined;
  if (poll.selectableCount > 0 && indexes.length > poll.selectableCount) return undefined;
  return indexes.sort((a, b) => a - b);
}

function online(hub: SimulatorHub, account: AccountRecord, fn: (conn: Connection) => void): void {
  for (const device of account.devices) {
    const conn = hub.online(device.id);
    if (conn) fn(conn);
  }
}
