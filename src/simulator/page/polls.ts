/**
 * Polls and scheduled events, as whatsapp-web.js 1.34.7 uses them. A poll or an event is sent through
 * `addAndSendMsgToChat` (`type: 'poll_creation'` with `pollName`, `pollOptions`,
 * `pollSelectableOptionsCount`; `type: 'event_creation'` with `eventName`, `eventStartTime`, ...).
 * Votes are stored by `WAWebAddonPollVoteTableMode.pollVoteTableMode.bulkUpsert(list)` (clients wrap it
 * to hear `vote_update`) and read back from `WAWebPollsVotesSchema.getTable().equals(['parentMsgKey'],
 * key)`; a device votes with `WAWebPollsSendVoteMsgAction.sendVote(msg, localIdSet)`, answers an event
 * with `WAWebSendEventResponseMsgAction.sendEventResponseMsg(response, msg)` and edits its own with
 * `WAWebSendEventEditMsgAction.sendEventEditMessage(options, msg)`; an event's call link comes from
 * `WAWebGenerateEventCallLink.createEventCallLink(startTime, callType)`.
 */
import type { ClientFrame, WireEvent, WireMessage, WirePoll } from '../protocol';
import type { MsgModel } from './wa-models';
import { createWid, MsgKey, type Wid } from './wid';

/** One vote as the app passes it to `bulkUpsert`. */
interface VoteRecord {
  id: MsgKey;
  pollUpdateParentKey: MsgKey;
  /** Milliseconds. */
  t: number;
  from: Wid;
  author?: Wid;
  selectedOptionLocalIds: number[];
  senderTimestampMs: number;
  read: boolean;
}

/** A row of the poll votes table: each voter's latest vote on a poll. */
interface VoteRow {
  msgKey: string;
  parentMsgKey: string;
  sender: string;
  senderTimestampMs: number;
  selectedOptionLocalIds: number[];
  read: boolean;
}

interface PollOption {
  name: string;
  localId: number;
}

const randomSecret = (): Uint8Array => crypto.getRandomValues(new Uint8Array(32));
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A call link for an event, as the app makes one (voice unless asked for video). */
function callLink(callType: unknown): string {
  const token = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => (b % 36).toString(36)).join('');
  return `https://call.whatsapp.com/${callType === 'video' ? 'video' : 'voice'}/${token}`;
}

/** The content fields a sent poll or event keeps on its model (from `addAndSendMsgToChat`'s data). */
export function sentContent(data: Record<string, unknown>): Record<string, unknown> | undefined {
  const secret = data['messageSecret'] instanceof Uint8Array ? data['messageSecret'] : randomSecret();
  if (data['type'] === 'poll_creation') {
    const options = Array.isArray(data['pollOptions']) ? (data['pollOptions'] as Array<Partial<PollOption>>) : [];
    return {
      pollName: text(data['pollName']) ?? '',
      pollOptions: options.map((o, i) => ({ name: String(o?.name ?? ''), localId: num(o?.localId) ?? i })),
      pollSelectableOptionsCount: num(data['pollSelectableOptionsCount']) ?? 0,
      messageSecret: secret,
    };
  }
  if (data['type'] === 'event_creation') {
    return {
      eventName: text(data['eventName']) ?? '',
      eventDescription: text(data['eventDescription']),
      eventStartTime: num(data['eventStartTime']),
      eventEndTime: num(data['eventEndTime']) ?? undefined,
      eventLocation: data['eventLocation'] ?? undefined,
      eventJoinLink: text(data['eventJoinLink']) ?? null,
      isEventCanceled: data['isEventCanceled'] === true,
      messageSecret: secret,
    };
  }
  return undefined;
}

/** The content fields of a received poll or event. */
export function receivedContent(wire: WireMessage): Record<string, unknown> | undefined {
  if (wire.poll) {
    return {
      pollName: wire.poll.name,
      pollOptions: wire.poll.options.map((name, localId) => ({ name, localId })),
      pollSelectableOptionsCount: wire.poll.selectableCount,
      messageSecret: randomSecret(),
    };
  }
  if (wire.event) return { ...eventContent(wire.event), messageSecret: randomSecret() };
  return undefined;
}

function eventContent(e: WireEvent): Record<string, unknown> {
  return {
    eventName: e.name,
    eventDescription: e.description,
    eventStartTime: e.startTime,
    eventEndTime: e.endTime,
    eventLocation: e.location === undefined ? undefined : { degreesLatitude: 0, degreesLongitude: 0, name: e.location },
    eventJoinLink: e.joinLink ?? null,
    isEventCanceled: e.canceled,
  };
}

/** What the servers get of a poll or event a device sends. */
export function outgoingContent(model: MsgModel): { poll?: WirePoll; event?: WireEvent } {
  const c = model.content;
  if (model.type === 'poll_creation') {
    const options = (c['pollOptions'] as PollOption[]).map((o) => o.name);
    return { poll: { name: String(c['pollName']), options, selectableCount: Number(c['pollSelectableOptionsCount']) } };
  }
  if (model.type === 'event_creation') return { event: wireEventOf(c) };
  return {};
}

function wireEventOf(c: Record<string, unknown>): WireEvent {
  const location = (c['eventLocation'] as { name?: unknown } | undefined)?.name;
  const description = text(c['eventDescription']);
  const endTime = num(c['eventEndTime']);
  const joinLink = text(c['eventJoinLink']);
  return {
    name: String(c['eventName']),
    startTime: num(c['eventStartTime']) ?? 0,
    canceled: c['isEventCanceled'] === true,
    ...(description === undefined ? {} : { description }),
    ...(endTime === undefined ? {} : { endTime }),
    ...(typeof location === 'string' ? { location } : {}),
    ...(joinLink === undefined ? {} : { joinLink }),
  };
}

/** What the poll and event modules need from the app. */
export interface PollLink {
  send(frame: ClientFrame): void;
  meUser(): Wid | undefined;
}

export class PollVotes {
  /** Per poll (serialized key): each voter's latest vote. */
  readonly #byPoll = new Map<string, Map<string, VoteRow>>();

  /** `WAWebAddonPollVoteTableMode`. */
  readonly module = {
    pollVoteTableMode: {
      bulkUpsert: async (list: VoteRecord[]): Promise<VoteRecord[]> => {
        for (const v of list) {
          this.#put({
            msgKey: v.id.toString(),
            parentMsgKey: v.pollUpdateParentKey.toString(),
            sender: createWid(v.author ?? v.from)._serialized,
            senderTimestampMs: v.senderTimestampMs,
            selectedOptionLocalIds: [...v.selectedOptionLocalIds],
            read: v.read,
          });
        }
        return list;
      },
    },
  };

  constructor(private readonly link: PollLink) {}

  /** A contact's vote from the servers, through the table's own function (clients hook it). */
  received(frame: {
    chatId: string;
    parentId: string;
    parentFromMe: boolean;
    from: string;
    id: string;
    selected: number[];
    atMs: number;
  }): void {
    void this.module.pollVoteTableMode.bulkUpsert([
      {
        id: new MsgKey({ fromMe: false, remote: frame.chatId, id: frame.id }),
        pollUpdateParentKey: new MsgKey({ fromMe: frame.parentFromMe, remote: frame.chatId, id: frame.parentId }),
        t: frame.atMs,
        from: createWid(frame.from),
        selectedOptionLocalIds: frame.selected,
        senderTimestampMs: frame.atMs,
        read: false,
      },
    ]);
  }

  #put(row: VoteRow): void {
    const voters = this.#byPoll.get(row.parentMsgKey) ?? new Map<string, VoteRow>();
    voters.set(row.sender, row);
    this.#byPoll.set(row.parentMsgKey, voters);
  }

  /** The modules, by the names clients `require`. */
  modules(): Record<string, unknown> {
    return {
      WAWebAddonPollVoteTableMode: this.module,
      WAWebPollsVotesSchema: {
        getTable: () => ({
          equals: async (index: string[], value: unknown): Promise<VoteRow[]> =>
            index[0] === 'parentMsgKey' ? [...(this.#byPoll.get(String(value))?.values() ?? [])].map((r) => ({ ...r })) : [],
        }),
      },
      WAWebPollsSendVoteMsgAction: {
        sendVote: async (msg: MsgModel, localIds: Iterable<number>): Promise<void> => {
          const selected = [...new Set(localIds)].sort((a, b) => a - b);
          const me = this.link.meUser();
          const id = await MsgKey.newId();
          this.link.send({ t: 'poll-vote', chatId: msg.id.remote._serialized, id: msg.id.id, fromMe: msg.id.fromMe, selected });
          if (me)
            this.#put({
              msgKey: new MsgKey({ fromMe: true, remote: msg.id.remote, id }).toString(),
              parentMsgKey: msg.id.toString(),
              sender: me._serialized,
              senderTimestampMs: Date.now(),
              selectedOptionLocalIds: selected,
              read: true,
            });
        },
      },
      WAWebGenerateEventCallLink: { createEventCallLink: async (_startTime: number, callType: unknown) => callLink(callType) },
      WAWebSendEventResponseMsgAction: {
        sendEventResponseMsg: async (response: number, msg: MsgModel): Promise<void> => {
          this.link.send({ t: 'event-response', chatId: msg.id.remote._serialized, id: msg.id.id, fromMe: msg.id.fromMe, response });
        },
      },
      WAWebSendEventEditMsgAction: {
        sendEventEditMessage: async (options: Record<string, unknown>, msg: MsgModel): Promise<void> => {
          if (msg.type !== 'event_creation' || !msg.id.fromMe || msg.content['isEventCanceled'] === true) return;
          const location = text(options['location']);
          const callType = options['callType'];
          const link = callType === 'none' ? null : callType === undefined ? msg.content['eventJoinLink'] : callLink(callType);
          const edited: Record<string, unknown> = {
            eventName: text(options['name']) ?? msg.content['eventName'],
            eventDescription: text(options['description']),
            eventStartTime: num(options['startTime']) ?? msg.content['eventStartTime'],
            eventEndTime: num(options['endTime']),
            eventLocation: location === undefined ? undefined : { degreesLatitude: 0, degreesLongitude: 0, name: location },
            eventJoinLink: link ?? null,
            isEventCanceled: options['isEventCanceled'] === true,
          };
          for (const [key, value] of Object.entries(edited)) msg.setContent(key, value);
          this.link.send({ t: 'event-edit', chatId: msg.id.remote._serialized, id: msg.id.id, event: wireEventOf(msg.content) });
        },
      },
    };
  }
}
