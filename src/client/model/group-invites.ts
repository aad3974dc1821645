/**
 * Ways into a group as whatsapp-web.js 1.34.7 offers them, for `Client`, `GroupChat` and `Message`:
 * joining by a code or a private (V4) invite, and the requests to join a group whose admins approve
 * who joins (listed, then approved or rejected one requester at a time, `sleep` apart).
 */
import { InvalidOptionError } from '../../errors';
import { delay } from '../../util/deadline';
import { participantIds, sleepTime } from './group-admin';
import type { GroupMembershipRequest, MembershipRequestActionOptions, MembershipRequestActionResult } from './group-types';
import type { InviteV4Data } from './message-types';
import type { ModelClient } from './model-client';
import { chatIdOf, toWid } from './wid';

/** Joins by the private invite an admin sent: `{ status }` as the app answers it. */
export async function acceptGroupV4Invite(client: ModelClient, inviteV4: InviteV4Data | undefined): Promise<{ status: number }> {
  // whatsapp-web.js refuses these two before asking the app.
  if (typeof inviteV4?.inviteCode !== 'string' || inviteV4.inviteCode === '')
    throw new InvalidOptionError('Invalid invite code, try passing the message.inviteV4 object');
  if (Number(inviteV4.inviteCodeExp) === 0) throw new InvalidOptionError('Expired invite code');
  const answer = await client.readyPage('acceptGroupV4Invite()').call('acceptGroupV4Invite', {
    inviteCode: inviteV4.inviteCode,
    inviteCodeExp: Number(inviteV4.inviteCodeExp),
    groupId: chatIdOf(inviteV4.groupId, 'inviteV4.groupId'),
    fromId: chatIdOf(inviteV4.fromId, 'inviteV4.fromId'),
    toId: String(inviteV4.toId ?? ''),
  });
  return answer as { status: number };
}

/** The requests to join waiting in a group (ids as wids, as whatsapp-web.js passes the app's on). */
export async function membershipRequests(client: ModelClient, groupId: string): Promise<GroupMembershipRequest[]> {
  const list = await client.readyPage('getGroupMembershipRequests()').call('membershipRequests', chatIdOf(groupId, 'groupId'));
  return list.map((r) => ({
    id: toWid(r.id),
    addedBy: toWid(r.addedBy),
    parentGroupId: r.parentGroupId === null ? null : toWid(r.parentGroupId),
    requestMethod: r.requestMethod,
    t: r.t,
  }));
}

/**
 * Approves or rejects the requests of `requesterIds` (every waiting one when none are given), one at a
 * time `sleep` apart: per requester its result; none at all when the app failed, as in whatsapp-web.js.
 */
export async function membershipRequestAction(
  client: ModelClient,
  groupId: string,
  approve: boolean,
  options: Partial<MembershipRequestActionOptions> = {},
): Promise<MembershipRequestActionResult[]> {
  const web = client.readyPage(approve ? 'approveGroupMembershipRequests()' : 'rejectGroupMembershipRequests()');
  const group = chatIdOf(groupId, 'groupId');
  const { requesterIds = null, sleep = [250, 500] } = options ?? {};
  const ids =
    requesterIds === null || requesterIds.length === 0
      ? await web.call('pendingRequesters', group)
      : participantIds(requesterIds, 'requesterIds');
  const results: MembershipRequestActionResult[] = [];
  for (const [i, id] of ids.entries()) {
    const result = await web.call('membershipRequestAction', group, approve, id);
    if (result === 'failed') return [];
    if (result !== 'none') results.push(result);
    const pause = sleepTime(sleep);
    if (i < ids.length - 1 && pause > 0) await delay(pause);
  }
  return results;
}
