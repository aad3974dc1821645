/**
 * Group administration (docs/page-contract.md, "Groups"), through the modules whatsapp-web.js 1.34.7
 * calls and read the way it reads them: create a group, add, remove, promote and demote participants,
 * the subject, the description, the admin-only settings, leaving. A refusal by the servers
 * (`ServerStatusCodeError`) is `false` where whatsapp-web.js answers `false`.
 */
import {
  DRIFT_MARK,
  type PageAddInvite,
  type PageAddResult,
  type PageCreateGroupOptions,
  type PageCreateGroupResult,
  type PageGroupProperty,
} from '../bridge';
import { watched } from './drift';
import { widString, type Req } from './messages';

const isRefusal = (err: unknown): boolean => (err as { name?: unknown } | null)?.name === 'ServerStatusCodeError';
/** A drift report from {@link watched}: passed on, never taken for the app's own failure. */
const isDrift = (err: unknown): boolean => err instanceof Error && err.message.startsWith(DRIFT_MARK);

/** Whether the number is on WhatsApp (`queryWidExists`). */
async function exists(req: Req, wid: unknown): Promise<boolean> {
  const found = await watched('WAWebQueryExistsJob.queryWidExists', 'groups', () => req('WAWebQueryExistsJob').queryWidExists(wid));
  return Boolean((found as { wid?: unknown } | null)?.wid);
}

/** A participant's phone-number wid when the app answered with its LID. */
function pnOf(req: Req, wid: any): any {
  return wid?.server === 'lid' ? (req('WAWebApiContact').getPhoneNumber(wid) ?? wid) : wid;
}

/** Creates a group: each participant's status (200, 403 their privacy refuses, 404 not on WhatsApp); a string when the app failed. */
export async function createGroup(
  req: Req,
  title: string,
  participantIds: string[],
  options: PageCreateGroupOptions,
): Promise<PageCreateGroupResult | string> {
  const wids: Array<{ phoneNumber: unknown }> = [];
  const failed: string[] = [];
  for (const id of participantIds) {
    const wid = req('WAWebWidFactory').createWid(id);
    if (await exists(req, wid)) wids.push({ phoneNumber: wid });
    else failed.push(id);
  }
  let created: any;
  try {
    created = await watched('WAWebGroupCreateJob.createGroup', 'groups', () =>
      req('WAWebGroupCreateJob').createGroup(
        {
          addressingModeOverride: 'lid',
          memberAddMode: options.memberAddMode,
          membershipApprovalMode: options.membershipApprovalMode,
          announce: options.announce,
          restrict: options.restrict,
          ephemeralDuration: options.messageTimer,
          parentGroupId: options.parentGroupId === undefined ? undefined : req('WAWebWidFactory').createWid(options.parentGroupId),
          title,
        },
        wids,
      ),
    );
  } catch (err) {
    if (isDrift(err)) throw err;
    return 'CreateGroupError: An unknown error occupied while creating a group';
  }
  const participants: PageCreateGroupResult['participants'] = [];
  for (const p of (created?.participants ?? []) as Array<{
    wid: unknown;
    error?: unknown;
    type?: unknown;
    invite_code?: unknown;
    invite_code_exp?: unknown;
  }>) {
    const status = Number(p.error ?? 200);
    // A refused add (403) comes with the private invite the creator may send instead.
    const invite =
      status === 403 && typeof p.invite_code === 'string' ? { code: p.invite_code, expiration: String(p.invite_code_exp) } : undefined;
    participants.push({ id: widString(pnOf(req, p.wid)), status, isGroupCreator: p.type === 'superadmin', ...(invite ? { invite } : {}) });
  }
  for (const id of failed) participants.push({ id, status: 404, isGroupCreator: false });
  return { gid: widString(created?.wid), participants };
}

/** The group's chat; the account has it once it has been in the group. */
function groupChat(req: Req, groupId: string): any {
  const chat = req('WAWebCollections').Chat.get(req('WAWebWidFactory').createWid(groupId));
  if (!chat?.groupMetadata) throw new Error(`no group ${groupId} on this account`);
  return chat;
}

/**
 * Adds participants one request each, as whatsapp-web.js does: per id its code (200, 403, 404, 408,
 * 409, ...); `notAdmin` / `empty` when this account may not add or the group has no metadata.
 */
export async function addParticipants(req: Req, groupId: string, participantIds: string[], checked = false): Promise<PageAddResult> {
  const group = req('WAWebCollections').Chat.get(req('WAWebWidFactory').createWid(groupId));
  if (!checked) {
    await watched('WAWebGroupQueryJob.queryAndUpdateGroupMetadataById', 'groups', () =>
      req('WAWebGroupQueryJob').queryAndUpdateGroupMetadataById({ id: groupId }),
    );
  }
  if (!group?.groupMetadata?.participants) return 'empty';
  if (!checked && !group.iAmAdmin()) return 'notAdmin';
  const codes: Exclude<PageAddResult, string> = {};
  for (const id of participantIds) {
    const wid = pnOf(req, req('WAWebWidFactory').createWid(id));
    if (group.groupMetadata.participants.get(wid)) {
      codes[id] = { code: 409, skipped: true };
      continue;
    }
    if (!(await exists(req, wid))) {
      codes[id] = { code: 404, skipped: true };
      continue;
    }
    codes[id] = await addOne(req, group.id, wid);
  }
  return codes;
}

/** One `sendAddParticipantsRPC`, read as whatsapp-web.js reads it (a refused add with the private invite it offers). */
async function addOne(req: Req, groupWid: unknown, wid: unknown): Promise<{ code: number; invite?: PageAddInvite }> {
  const jids = req('WAWebWidToJid');
  let result: any;
  try {
    result = await watched('WASmaxGroupsAddParticipantsRPC.sendAddParticipantsRPC', 'groups', () =>
      req('WASmaxGroupsAddParticipantsRPC').sendAddParticipantsRPC({
        participantArgs: [{ participantJid: jids.widToUserJid(wid) }],
        iqTo: jids.widToGroupJid(groupWid),
      }),
    );
  } catch (err) {
    if (isDrift(err)) throw err;
    return { code: 400 };
  }
  if (result?.name === 'AddParticipantsResponseSuccess') {
    const mixins =
      result.value?.addParticipant?.[0]?.addParticipantsParticipantAddedOrNonRegisteredWaUserParticipantErrorLidResponseMixinGroup?.value
        ?.addParticipantsParticipantMixins;
    const code = Number(mixins?.value?.error ?? 200);
    const offered = code === 403 && mixins?.name === 'ParticipantRequestCodeCanBeSent' && typeof mixins.value?.addRequestCode === 'string';
    return offered
      ? { code, invite: { code: mixins.value.addRequestCode, expiration: String(mixins.value.addRequestExpiration) } }
      : { code };
  }
  if (result?.name === 'AddParticipantsResponseClientError')
    return { code: Number(result.value?.errorAddParticipantsClientErrors?.value?.code) };
  if (result?.name === 'AddParticipantsResponseServerError') return { code: Number(result.value?.errorServerErrors?.value?.code) };
  return { code: 400 };
}

/** Removes, promotes or demotes the participants (those in the group; others are left out). */
export async function modifyParticipants(
  req: Req,
  groupId: string,
  action: 'remove' | 'promote' | 'demote',
  participantIds: string[],
): Promise<void> {
  const group = groupChat(req, groupId);
  const models = participantIds
    .map((id) => group.groupMetadata.participants.get(pnOf(req, req('WAWebWidFactory').createWid(id))))
    .filter(Boolean);
  const modify = req('WAWebModifyParticipantsGroupAction');
  if (action === 'remove')
    await watched('WAWebModifyParticipantsGroupAction.removeParticipants', 'groups', () => modify.removeParticipants(group, models));
  else if (action === 'promote')
    await watched('WAWebModifyParticipantsGroupAction.promoteParticipants', 'groups', () => modify.promoteParticipants(group, models));
  else await watched('WAWebModifyParticipantsGroupAction.demoteParticipants', 'groups', () => modify.demoteParticipants(group, models));
}

/** Sets the subject or the description; false when the servers refuse it. */
export async function setGroupInfo(req: Req, groupId: string, field: 'subject' | 'description', value: string): Promise<boolean> {
  const wid = req('WAWebWidFactory').createWid(groupId);
  const jobs = req('WAWebGroupModifyInfoJob');
  try {
    if (field === 'subject') await watched('WAWebGroupModifyInfoJob.setGroupSubject', 'groups', () => jobs.setGroupSubject(wid, value));
    else {
      const group = groupChat(req, groupId);
      const newId = await req('WAWebMsgKey').newId();
      await watched('WAWebGroupModifyInfoJob.setGroupDescription', 'groups', () =>
        jobs.setGroupDescription(wid, value, newId, group.groupMetadata.descId),
      );
    }
    return true;
  } catch (err) {
    if (isRefusal(err)) return false;
    throw err;
  }
}

/** Turns an admin-only setting on or off; false when the servers refuse it. */
export async function setGroupProperty(req: Req, groupId: string, property: PageGroupProperty, adminsOnly: boolean): Promise<boolean> {
  const group = groupChat(req, groupId);
  // The app's values: 1 turns announcement and restrict on; member_add_mode 0 is "admins add".
  const value = property === 'member_add_mode' ? (adminsOnly ? 0 : 1) : adminsOnly ? 1 : 0;
  try {
    await watched('WAWebSetPropertyGroupAction.setGroupProperty', 'groups', () =>
      req('WAWebSetPropertyGroupAction').setGroupProperty(group, property, value),
    );
    return true;
  } catch (err) {
    if (isRefusal(err)) return false;
    throw err;
  }
}

/** Leaves the group. */
export async function leaveGroup(req: Req, groupId: string): Promise<void> {
  const group = groupChat(req, groupId);
  await watched('WAWebExitGroupAction.sendExitGroup', 'groups', () => req('WAWebExitGroupAction').sendExitGroup(group));
}
