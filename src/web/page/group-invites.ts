/**
 * Ways into a group (docs/page-contract.md, "Groups"), through the modules whatsapp-web.js 1.34.7 calls
 * and read the way it reads them: the invite code and a new one, what a code leads to, joining by a
 * code or by a private (V4) invite, and the requests to join a group whose admins approve who joins
 * (listed, approved, rejected one requester at a time; Node paces them).
 */
import { DRIFT_MARK, type PageAddInvite, type PageInviteV4, type PageMembershipRequest, type PageMembershipResult } from '../bridge';
import { watched } from './drift';
import { findChat, widString, type Req } from './messages';

const isRefusal = (err: unknown): boolean => (err as { name?: unknown } | null)?.name === 'ServerStatusCodeError';
const isDrift = (err: unknown): boolean => err instanceof Error && err.message.startsWith(DRIFT_MARK);

/** A wid as it crosses the bridge: `{ server, user, _serialized }`. */
function plainWid(value: unknown): { server: string; user: string; _serialized: string } | null {
  const id = widString(value);
  if (id === '') return null;
  const at = id.indexOf('@');
  return { server: id.slice(at + 1), user: id.slice(0, at), _serialized: id };
}

/** The app's answer as JSON: wids as {@link plainWid}, functions and cycles left out. */
function plain(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? undefined : value;
  if (depth > 6) return undefined;
  if (typeof (value as { _serialized?: unknown })._serialized === 'string') return plainWid(value);
  if (Array.isArray(value)) return value.map((v) => plain(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const p = plain(v, depth + 1);
    if (p !== undefined) out[key] = p;
  }
  return out;
}

/** The group's invite code; undefined when the servers refuse it (this account is no admin). */
export async function inviteCode(req: Req, groupId: string): Promise<string | undefined> {
  let res: unknown;
  try {
    res = await watched('WAWebMexFetchGroupInviteCodeJob.fetchMexGroupInviteCode', 'group-invites', () =>
      req('WAWebMexFetchGroupInviteCodeJob').fetchMexGroupInviteCode(groupId),
    );
  } catch (err) {
    if (isRefusal(err)) return undefined;
    throw err;
  }
  // Builds answer with the code, or with an object that holds it.
  const code = typeof res === 'object' && res !== null ? (res as { code?: unknown }).code : res;
  return typeof code === 'string' ? code : undefined;
}

/** A new invite code; the old one stops working. */
export async function revokeInvite(req: Req, groupId: string): Promise<string> {
  const wid = req('WAWebWidFactory').createWid(groupId);
  const res = await watched('WAWebGroupQueryJob.resetGroupInviteCode', 'group-invites', () =>
    req('WAWebGroupQueryJob').resetGroupInviteCode(wid),
  );
  const code = (res as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/** What an invite code leads to, as the app describes it. */
export async function inviteInfo(req: Req, code: string): Promise<Record<string, unknown>> {
  const info = await watched('WAWebGroupQueryJob.queryGroupInvite', 'group-invites', () =>
    req('WAWebGroupQueryJob').queryGroupInvite(code),
  );
  return (plain(info) as Record<string, unknown> | null) ?? {};
}

/** Joins by an invite code (or asks to, where admins approve who joins): the group's id. */
export async function acceptInvite(req: Req, code: string): Promise<string> {
  const res = await watched('WAWebGroupInviteJob.joinGroupViaInvite', 'group-invites', () =>
    req('WAWebGroupInviteJob').joinGroupViaInvite(code),
  );
  return widString((res as { gid?: unknown } | null)?.gid);
}

/** Joins by a private invite an admin sent this account. */
export async function acceptV4Invite(req: Req, invite: PageInviteV4): Promise<Record<string, unknown>> {
  const admin = req('WAWebWidFactory').createWid(invite.fromId);
  const res = await watched('WAWebGroupInviteV4Job.joinGroupViaInviteV4', 'group-invites', () =>
    req('WAWebGroupInviteV4Job').joinGroupViaInviteV4(invite.inviteCode, String(invite.inviteCodeExp), invite.groupId, admin),
  );
  return (plain(res) as Record<string, unknown> | null) ?? {};
}

/** The requests to join waiting in a group, as the app keeps them. */
export async function membershipRequests(req: Req, groupId: string): Promise<PageMembershipRequest[]> {
  const wid = req('WAWebWidFactory').createWid(groupId);
  const list = await watched('WAWebApiMembershipApprovalRequestStore.getMembershipApprovalRequests', 'group-invites', () =>
    req('WAWebApiMembershipApprovalRequestStore').getMembershipApprovalRequests(wid),
  );
  return ((list ?? []) as Array<Record<string, unknown>>).map((r) => ({
    id: widString(r['id']),
    addedBy: widString(r['addedBy']),
    parentGroupId: r['parentGroupId'] ? widString(r['parentGroupId']) : null,
    requestMethod: typeof r['requestMethod'] === 'string' ? r['requestMethod'] : '',
    t: Number(r['t'] ?? 0),
  }));
}

/** The ids of the requests waiting, as whatsapp-web.js reads them before approving or rejecting them all. */
export async function pendingRequesters(req: Req, groupId: string): Promise<string[]> {
  await watched('WAWebGroupQueryJob.queryAndUpdateGroupMetadataById', 'groups', () =>
    req('WAWebGroupQueryJob').queryAndUpdateGroupMetadataById({ id: groupId }),
  );
  const chat = req('WAWebCollections').Chat.get(req('WAWebWidFactory').createWid(groupId));
  const models = (chat?.groupMetadata?.membershipApprovalRequests?._models ?? []) as Array<{ id: unknown }>;
  return models.map((m) => widString(m.id)).filter(Boolean);
}

const MEMBERSHIP_ERRORS: Record<number, string> = {
  400: 'ParticipantNotFoundError',
  401: 'ParticipantNotAuthorizedError',
  403: 'ParticipantForbiddenError',
  404: 'ParticipantRequestNotFoundError',
  408: 'ParticipantTemporarilyBlockedError',
  409: 'ParticipantConflictError',
  412: 'ParticipantParentLinkedGroupsResourceConstraintError',
  500: 'ParticipantResourceConstraintError',
};

/**
 * Approves or rejects one requester: its result; `none` when the servers' answer names nobody (no
 * result, as in whatsapp-web.js); `failed` when the app failed (whatsapp-web.js then answers with no
 * results at all).
 */
export async function membershipRequestAction(
  req: Req,
  groupId: string,
  approve: boolean,
  requesterId: string,
): Promise<PageMembershipResult | 'none' | 'failed'> {
  const jids = req('WAWebWidToJid');
  const jid = jids.widToUserJid(req('WAWebWidFactory').createWid(requesterId));
  let response: any;
  try {
    response = await watched('WASmaxGroupsMembershipRequestsActionRPC.sendMembershipRequestsActionRPC', 'group-invites', () =>
      req('WASmaxGroupsMembershipRequestsActionRPC').sendMembershipRequestsActionRPC({
        iqTo: jids.widToGroupJid(req('WAWebWidFactory').createWid(groupId)),
        [approve ? 'approveArgs' : 'rejectArgs']: { participantArgs: [{ participantJid: jid }] },
      }),
    );
  } catch (err) {
    if (isDrift(err)) throw err;
    return 'failed';
  }
  const done = approve ? 'Approved' : 'Rejected';
  if (response?.name !== 'MembershipRequestsActionResponseSuccess') {
    const wid = req('WAWebJidToWid').userJidToUserWid(jid);
    return { requesterId: widString(wid), message: 'ServerStatusCodeError' };
  }
  const value = approve ? response.value?.membershipRequestsActionApprove : response.value?.membershipRequestsActionReject;
  const participant = value?.participant?.[0];
  if (!participant) return 'none';
  const mixins = approve
    ? participant.membershipRequestsActionAcceptParticipantMixins
    : participant.membershipRequestsActionRejectParticipantMixins;
  const error = mixins?.value?.error;
  const id = widString(req('WAWebWidFactory').createWid(participant.jid));
  if (!error) return { requesterId: id, message: `${done} successfully` };
  const code = Number(error);
  return {
    requesterId: id,
    error: code,
    message:
      MEMBERSHIP_ERRORS[code] ??
      `An unknown error occupied while ${approve ? 'approving' : 'rejecting'} the participant membership request`,
  };
}

/**
 * Sends a participant whose privacy refused the add the private invite the servers offered, as
 * whatsapp-web.js does after `createGroup` and `addParticipants`: whether the app sent it.
 */
export async function sendGroupInvite(req: Req, userId: string, groupId: string, invite: PageAddInvite, comment: string): Promise<boolean> {
  const chat = await findChat(req, userId);
  if (!chat) return false;
  const group = req('WAWebCollections').Chat.get(req('WAWebWidFactory').createWid(groupId));
  const name = group?.formattedTitle ?? group?.name ?? '';
  const res = await watched('WAWebChatSendMessages.sendGroupInviteMessage', 'group-invites', () =>
    req('WAWebChatSendMessages').sendGroupInviteMessage(chat, groupId, name, invite.code, invite.expiration, comment, undefined),
  );
  return (res as { messageSendResult?: unknown } | null)?.messageSendResult === 'OK';
}
