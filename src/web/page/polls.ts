/**
 * Polls and scheduled events, on the modules whatsapp-web.js 1.34.7 uses (docs/page-contract.md, feature
 * `polls`): the fields of a poll or an event to send (through `addAndSendMsgToChat`, in send.ts), votes
 * (`WAWebPollsSendVoteMsgAction.sendVote`, the votes table `WAWebPollsVotesSchema`, received votes heard
 * on `WAWebAddonPollVoteTableMode.pollVoteTableMode.bulkUpsert`), event answers and edits.
 */
import type { PageEvent } from '../bridge';
import type { PageButtonsInput, PageEventInput, PageListInput, PagePollInput, PagePollVote } from '../bridge-polls';
import { watched } from './drift';
import { findMsg, keyString, toPageMessage, widString, type AppMsg, type Req } from './messages';
import { onUpsertedRows } from './table-hooks';

/** A 32-byte secret as given (whatsapp-web.js's `messageSecret`), or a random one. */
function secretOf(given: number[] | undefined): Uint8Array {
  return Array.isArray(given) && given.length === 32 ? new Uint8Array(given) : crypto.getRandomValues(new Uint8Array(32));
}

/** A poll's message fields, as whatsapp-web.js sends them. */
export function pollFields(poll: PagePollInput): Record<string, unknown> {
  return {
    body: '',
    kind: 'pollCreation',
    type: 'poll_creation',
    pollName: poll.name,
    pollOptions: poll.options.map((name, localId) => ({ name, localId })),
    pollSelectableOptionsCount: poll.allowMultipleAnswers ? 0 : 1,
    messageSecret: secretOf(poll.messageSecret),
  };
}

/** A buttons message's fields, as whatsapp-web.js 1.34.7 sends them (a text; a media body goes with no text). */
export function buttonsFields(buttons: PageButtonsInput): Record<string, unknown> {
  return {
    type: 'chat',
    body: buttons.body,
    caption: buttons.body === '' ? ' ' : buttons.body,
    productHeaderImageRejected: false,
    isFromTemplate: false,
    isDynamicReplyButtonsMsg: true,
    title: buttons.title || undefined,
    footer: buttons.footer || undefined,
    dynamicReplyButtons: buttons.buttons,
    replyButtons: buttons.buttons,
  };
}

/** A list message's fields, as whatsapp-web.js 1.34.7 sends them; refused on a business account, as there. */
export function listFields(req: Req, list: PageListInput): Record<string, unknown> {
  const platform: unknown = req('WAWebConnModel').Conn.platform;
  if (platform === 'smba' || platform === 'smbi') throw new Error("[LT01] Whatsapp business can't send this yet");
  const { footer, ...rest } = list;
  return { type: 'list', footer, list: { ...rest, listType: 1 }, body: list.description };
}

/** A call link for an event, unless it has none (`callType: 'none'`). */
async function joinLink(req: Req, event: PageEventInput): Promise<string | null> {
  if (event.callType === 'none') return null;
  return watched('WAWebGenerateEventCallLink.createEventCallLink', 'polls', () =>
    req('WAWebGenerateEventCallLink').createEventCallLink(event.startTime, event.callType),
  );
}

/** An event's message fields, as whatsapp-web.js sends them. */
export async function eventFields(req: Req, event: PageEventInput): Promise<Record<string, unknown>> {
  return {
    body: '',
    type: 'event_creation',
    eventName: event.name,
    eventDescription: event.description,
    eventStartTime: event.startTime,
    eventEndTime: event.endTime,
    eventLocation: event.location && { degreesLatitude: 0, degreesLongitude: 0, name: event.location },
    eventJoinLink: await joinLink(req, event),
    isEventCanceled: event.isEventCanceled,
    messageSecret: secretOf(event.messageSecret),
  };
}

/** Votes with the options of these names (none takes the vote back). */
export async function vote(req: Req, messageId: string, names: string[]): Promise<boolean> {
  const msg = await findMsg(req, messageId);
  if (!msg || !Array.isArray(msg.pollOptions)) return false;
  const ids = new Set<number>();
  for (const option of msg.pollOptions as Array<{ name: string; localId: number }>)
    if (names.includes(option.name)) ids.add(option.localId);
  await watched('WAWebPollsSendVoteMsgAction.sendVote', 'polls', () => req('WAWebPollsSendVoteMsgAction').sendVote(msg, ids));
  return true;
}

interface AppVoteRow {
  msgKey?: unknown;
  parentMsgKey?: unknown;
  sender?: unknown;
  senderTimestampMs?: unknown;
  selectedOptionLocalIds?: ArrayLike<number>;
}

function voteOf(row: AppVoteRow, parent: string): PagePollVote {
  return {
    msgKey: typeof row.msgKey === 'string' ? row.msgKey : keyString(row.msgKey as AppMsg['id']),
    parentMsgKey: parent,
    voter: widString(row.sender),
    selectedOptionLocalIds: Array.from(new Uint8Array(Array.from(row.selectedOptionLocalIds ?? []))),
    senderTimestampMs: Number(row.senderTimestampMs ?? 0),
  };
}

/** The votes on a poll, from the app's votes table. */
export async function pollVotes(req: Req, messageId: string): Promise<PagePollVote[]> {
  const key = req('WAWebMsgKey').fromString(messageId);
  const rows = (await watched('WAWebPollsVotesSchema.getTable', 'polls', () =>
    req('WAWebPollsVotesSchema').getTable().equals(['parentMsgKey'], key.toString()),
  )) as AppVoteRow[];
  return rows.map((row) => voteOf(row, messageId));
}

/** Answers an event (0 none, 1 going, 2 not going, 3 maybe). */
export async function respondToEvent(req: Req, messageId: string, response: number): Promise<boolean> {
  const msg = await findMsg(req, messageId);
  if (!msg) return false;
  await watched('WAWebSendEventResponseMsgAction.sendEventResponseMsg', 'polls', () =>
    req('WAWebSendEventResponseMsgAction').sendEventResponseMsg(response, msg),
  );
  return true;
}

/** Edits an own event, as whatsapp-web.js passes the edit. */
export async function editEvent(req: Req, messageId: string, event: PageEventInput): Promise<boolean> {
  const msg = await findMsg(req, messageId);
  if (!msg) return false;
  const options = {
    name: event.name,
    description: event.description,
    startTime: event.startTime,
    endTime: event.endTime,
    location: event.location,
    callType: event.callType,
    isEventCanceled: event.isEventCanceled,
  };
  await watched('WAWebSendEventEditMsgAction.sendEventEditMessage', 'polls', () =>
    req('WAWebSendEventEditMsgAction').sendEventEditMessage(options, msg),
  );
  return true;
}

interface AppVote {
  id: AppMsg['id'];
  pollUpdateParentKey: AppMsg['id'];
  from?: unknown;
  author?: unknown;
  selectedOptionLocalIds?: ArrayLike<number>;
  senderTimestampMs?: unknown;
  t?: unknown;
}

/** Reports votes the app stores (`vote`): it stores them through `pollVoteTableMode.bulkUpsert`. */
export function watchVotes(req: Req, emit: (event: PageEvent) => void): void {
  onUpsertedRows<AppVote>(req, 'WAWebAddonPollVoteTableMode', 'pollVoteTableMode', (v) => {
    const parent = keyString(v.pollUpdateParentKey);
    const poll = req('WAWebCollections').Msg.get(parent) as AppMsg | undefined;
    emit({
      type: 'vote',
      parent: poll ? toPageMessage(poll) : null,
      vote: {
        ...voteOf({ msgKey: v.id, sender: v.author ?? v.from, selectedOptionLocalIds: v.selectedOptionLocalIds }, parent),
        senderTimestampMs: Number(v.senderTimestampMs ?? v.t ?? 0),
      },
    });
  });
}
