/**
 * Group administration as whatsapp-web.js 1.34.7 does it, for `GroupChat` and `Client.createGroup`:
 * the page calls, the result codes and messages whatsapp-web.js answers with, and its pacing of
 * additions (`sleep`).
 */
import { InvalidOptionError } from '../../errors';
import { delay } from '../../util/deadline';
import type { AddParticipantsOptions, AddParticipantsResult, CreateGroupOptions, CreateGroupResult } from './group-types';
import type { PageAddInvite } from '../../web/bridge';
import type { ContactCard } from './message-content';
import type { ModelClient } from './model-client';
import { chatIdOf, toWid } from './wid';

const ADD_MESSAGES: Record<number, string> = {
  200: 'The participant was added successfully',
  403: 'The participant can be added by sending private invitation only',
  404: 'The phone number is not registered on WhatsApp',
  408: 'You cannot add this participant because they recently left the group',
  409: 'The participant is already a group member',
  417: "The participant can't be added to the community. You can invite them privately to join this group through its invite link",
  419: "The participant can't be added because the group is full",
};
const ADD_UNKNOWN = 'An unknown error occupied while adding a participant';
const NOT_ADMIN = 'AddParticipantsError: You have no admin rights to add a participant to a group';
const EMPTY = "AddParticipantsError: The participant can't be added to an empty group";

/** Participant ids from what whatsapp-web.js takes: an id, a contact, or a list of either. */
export function participantIds(participants: unknown, name = 'participants'): string[] {
  const list: unknown[] = Array.isArray(participants) ? participants : participants === undefined ? [] : [participants];
  return list.map((p) => chatIdOf(typeof p === 'object' && p !== null ? (p as ContactCard).id?._serialized : p, name));
}

export async function createGroup(
  client: ModelClient,
  title: string,
  participants: unknown,
  options: CreateGroupOptions,
): Promise<CreateGroupResult | string> {
  if (typeof title !== 'string' || title.trim() === '') throw new InvalidOptionError('title must be a non-empty string');
  const ids = participantIds(participants);
  const created = await client.readyPage('createGroup()').call('createGroup', title, ids, {
    messageTimer: options.messageTimer ?? 0,
    ...(options.parentGroupId === undefined ? {} : { parentGroupId: options.parentGroupId }),
    memberAddMode: options.memberAddMode ?? false,
    membershipApprovalMode: options.membershipApprovalMode ?? false,
    announce: options.isAnnounce ?? false,
    restrict: options.isRestrict ?? false,
  });
  if (typeof created === 'string') return created;
  const result: CreateGroupResult = { title, gid: toWid(created.gid), participants: {} };
  const web = client.readyPage('createGroup()');
  for (const p of created.participants) {
    result.participants[p.id] = {
      statusCode: p.status,
      message: ADD_MESSAGES[p.status] ?? ADD_UNKNOWN,
      isGroupCreator: p.isGroupCreator,
      isInviteV4Sent: await sendInvite(web, p.id, created.gid, p.invite, options),
    };
  }
  return result;
}

/** Adds participants one at a time, `sleep` apart as whatsapp-web.js paces them: per id its code and message. */
export async function addParticipants(
  client: ModelClient,
  groupId: string,
  ids: unknown,
  options: AddParticipantsOptions,
): Promise<AddParticipantsResult | string> {
  const list = participantIds(ids, 'participantIds');
  const web = client.readyPage('addParticipants()');
  const result: AddParticipantsResult = {};
  for (const [i, id] of list.entries()) {
    // One page call per participant (the pauses are Node's); the group is queried and checked by the first only.
    const codes = await web.call('addParticipants', groupId, [id], i > 0);
    if (codes === 'notAdmin') return NOT_ADMIN;
    if (codes === 'empty') return EMPTY;
    const { code, invite, skipped } = codes[id] ?? { code: 400 };
    result[id] = { code, message: ADD_MESSAGES[code] ?? ADD_UNKNOWN, isInviteV4Sent: await sendInvite(web, id, groupId, invite, options) };
    // As whatsapp-web.js: a pause only after an add that was sent (its loop `continue`s past the others).
    if (skipped) continue;
    const pause = sleepTime(options.sleep === undefined ? [250, 500] : options.sleep);
    if (i < list.length - 1 && pause > 0) await delay(pause);
  }
  return result;
}

/**
 * Sends the private invite the servers offered for a refused add, unless `autoSendInviteV4` is false
 * (whatsapp-web.js's default sends it, with `comment`): whether it was sent.
 */
async function sendInvite(
  web: ReturnType<ModelClient['readyPage']>,
  userId: string,
  groupId: string,
  invite: PageAddInvite | undefined,
  options: { autoSendInviteV4?: boolean; comment?: string },
): Promise<boolean> {
  if (!invite || options.autoSendInviteV4 === false) return false;
  return web.call('sendGroupInvite', userId, groupId, invite, options.comment ?? '');
}

/** whatsapp-web.js's pause between two additions: a number, or a random one in `[min, max]` (at least 100 apart). */
export function sleepTime(sleep: number[] | number | null): number {
  if (sleep === null) return 0;
  if (!Array.isArray(sleep)) return sleep;
  const [min = 0, max = min] = sleep;
  if (sleep.length === 1 || min === max) return min;
  const [low, high] = max - min < 100 ? [max, max + 100] : [min, max];
  return Math.floor(Math.random() * (high - low + 1)) + low;
}
