/**
 * Group administration as whatsapp-web.js 1.34.7 calls it (docs/page-contract.md, "Groups"): creating
 * a group (`WAWebGroupCreateJob`), its subject and description (`WAWebGroupModifyInfoJob`), the
 * admin-only settings (`WAWebSetPropertyGroupAction`), its participants
 * (`WAWebModifyParticipantsGroupAction`; additions through `WASmaxGroupsAddParticipantsRPC`, addressed
 * with `WAWebWidToJid`), leaving (`WAWebExitGroupAction`) and reading its metadata again
 * (`WAWebGroupQueryJob`; its invite calls are in group-invites.ts). Each asks the servers; a refusal
 * is a `ServerStatusCodeError`, as in the app.
 */
import type { GroupRequest, ServerFrame, WireGroup } from '../protocol';
import type { App } from './app';
import { ParticipantModel } from './group-models';
import type { ChatModel } from './wa-models';
import { createWid, type Wid } from './wid';

/** The app's error for a status the servers answered with. */
export class ServerStatusCodeError extends Error {
  override readonly name = 'ServerStatusCodeError';
  constructor(readonly statusCode: number) {
    super(`server status code ${statusCode}`);
  }
}

type GroupResult = Extract<ServerFrame, { t: 'group-result' }>;

/** Asks the servers; the group they answer with is learned before the call returns. */
export async function ask(app: App, request: GroupRequest): Promise<GroupResult> {
  const reply = await app.request({ t: 'group-request', reqId: app.nextReqId(), request }, 15_000);
  if (reply?.t !== 'group-result') throw new ServerStatusCodeError(408);
  if (reply.status !== 200) throw new ServerStatusCodeError(reply.status);
  if (reply.group) app.store.learnGroup(reply.group);
  return reply;
}

/** A user's phone number from a wid, a participant model (its `id`) or a jid (`<n>@s.whatsapp.net`). */
export function numberOf(app: App, value: unknown): string {
  const raw = value instanceof ParticipantModel ? value.id : value;
  const wid = createWid(typeof raw === 'string' ? raw.replace(/@s\.whatsapp\.net$/, '@c.us') : raw);
  return (wid.isLid() ? (app.store.pnOf(wid) ?? wid) : wid).user;
}

export const groupIdOf = (chatOrWid: unknown): string =>
  createWid(typeof chatOrWid === 'object' && chatOrWid !== null && 'msgs' in chatOrWid ? (chatOrWid as ChatModel).id : chatOrWid)
    ._serialized;

/** The app's names of the admin-only settings, and whether a value turns "admins only" on. */
const PROPERTIES: Record<string, { property: 'announce' | 'restrict' | 'member_add_mode'; on: (value: unknown) => boolean }> = {
  announcement: { property: 'announce', on: (v) => v === 1 || v === true },
  restrict: { property: 'restrict', on: (v) => v === 1 || v === true },
  // 0 is "admin_add", 1 "all_member_add".
  member_add_mode: { property: 'member_add_mode', on: (v) => v === 0 || v === 'admin_add' },
};

/** One participant's add result as the RPC answers it; a refused one with the private invite the admin may send. */
function addMixins(r: { status: number; inviteCode?: string; inviteExpiration?: number }): Record<string, unknown> {
  if (r.status === 200) return { value: {} };
  if (r.inviteCode === undefined) return { value: { error: String(r.status) } };
  return {
    name: 'ParticipantRequestCodeCanBeSent',
    value: { error: String(r.status), addRequestCode: r.inviteCode, addRequestExpiration: r.inviteExpiration },
  };
}

export function groupModules(app: App): Record<string, unknown> {
  const participants = async (chat: ChatModel, action: 'remove' | 'promote' | 'demote', list: ParticipantModel[] | Wid[]) => {
    const reply = await ask(app, {
      op: 'participants',
      groupId: groupIdOf(chat),
      action,
      participants: [...list].map((p) => numberOf(app, p)),
    });
    return (reply.results ?? []).map((r) => ({ wid: createWid(r.id), code: r.status }));
  };
  return {
    WAWebGroupCreateJob: {
      createGroup: async (
        options: { title?: unknown; announce?: unknown; restrict?: unknown; memberAddMode?: unknown; membershipApprovalMode?: unknown },
        wanted: Array<{ phoneNumber?: unknown } | Wid>,
      ) => {
        const reply = await ask(app, {
          op: 'create',
          subject: typeof options?.title === 'string' ? options.title : '',
          participants: (wanted ?? []).map((p) => numberOf(app, p instanceof Object && 'phoneNumber' in p ? p.phoneNumber : p)),
          announce: options?.announce === true,
          restrict: options?.restrict === true,
          adminAdd: options?.memberAddMode === true,
          membershipApproval: options?.membershipApprovalMode === true,
        });
        const group = reply.group as WireGroup;
        return {
          wid: createWid(group.id),
          subject: group.subject,
          participants: (reply.results ?? []).map((r) => ({
            wid: createWid(r.id),
            ...(r.status === 200 ? {} : { error: r.status }),
            // A refused add: the private invite the creator may send instead.
            ...(r.inviteCode === undefined ? {} : { invite_code: r.inviteCode, invite_code_exp: r.inviteExpiration }),
          })),
        };
      },
    },
    WAWebGroupModifyInfoJob: {
      setGroupSubject: async (wid: unknown, subject: unknown) => {
        await ask(app, { op: 'subject', groupId: groupIdOf(wid), value: String(subject) });
      },
      setGroupDescription: async (wid: unknown, description: unknown, _newId?: unknown, _oldId?: unknown) => {
        await ask(app, { op: 'description', groupId: groupIdOf(wid), value: String(description) });
      },
    },
    WAWebSetPropertyGroupAction: {
      setGroupProperty: async (chat: ChatModel, name: string, value: unknown) => {
        const known = PROPERTIES[name];
        if (!known) throw new ServerStatusCodeError(400);
        await ask(app, { op: 'property', groupId: groupIdOf(chat), property: known.property, value: known.on(value) });
      },
    },
    WAWebModifyParticipantsGroupAction: {
      removeParticipants: (chat: ChatModel, list: ParticipantModel[]) => participants(chat, 'remove', list),
      promoteParticipants: (chat: ChatModel, list: ParticipantModel[]) => participants(chat, 'promote', list),
      demoteParticipants: (chat: ChatModel, list: ParticipantModel[]) => participants(chat, 'demote', list),
    },
    WAWebWidToJid: {
      widToGroupJid: (wid: unknown) => createWid(wid)._serialized,
      widToUserJid: (wid: unknown) => createWid(wid).toJid(),
    },
    WASmaxGroupsAddParticipantsRPC: {
      sendAddParticipantsRPC: async ({ participantArgs, iqTo }: { participantArgs: Array<{ participantJid: string }>; iqTo: string }) => {
        const numbers = participantArgs.map((p) => numberOf(app, p.participantJid));
        let reply: GroupResult;
        try {
          reply = await ask(app, { op: 'participants', groupId: groupIdOf(iqTo), action: 'add', participants: numbers });
        } catch (err) {
          if (!(err instanceof ServerStatusCodeError)) throw err;
          return {
            name: 'AddParticipantsResponseClientError',
            value: { errorAddParticipantsClientErrors: { value: { code: String(err.statusCode) } } },
          };
        }
        return {
          name: 'AddParticipantsResponseSuccess',
          value: {
            addParticipant: (reply.results ?? []).map((r) => ({
              addParticipantsParticipantAddedOrNonRegisteredWaUserParticipantErrorLidResponseMixinGroup: {
                value: { addParticipantsParticipantMixins: addMixins(r) },
              },
            })),
          },
        };
      },
    },
    WAWebExitGroupAction: {
      sendExitGroup: async (chat: ChatModel) => {
        await ask(app, { op: 'leave', groupId: groupIdOf(chat) });
      },
    },
    WAWebGroupQueryJob: {
      queryAndUpdateGroupMetadataById: async ({ id }: { id: unknown }) => {
        await ask(app, { op: 'query', groupId: groupIdOf(id) });
      },
    },
  };
}
