/**
 * Invites as whatsapp-web.js 1.34.7 uses them (docs/page-contract.md, "Groups"): the link code
 * (`WAWebMexFetchGroupInviteCodeJob`, `WAWebGroupQueryJob.resetGroupInviteCode`), what a code leads to
 * (`WAWebGroupQueryJob.queryGroupInvite`), joining by it (`WAWebGroupInviteJob`) or by a private
 * invite (`WAWebGroupInviteV4Job`), and the requests to join a group whose admins approve who joins
 * (`WAWebApiMembershipApprovalRequestStore`, `WASmaxGroupsMembershipRequestsActionRPC`). Each asks the
 * servers; a refusal is a `ServerStatusCodeError`, as in the app.
 */
import type { WireGroup } from '../protocol';
import type { App } from './app';
import { ask, groupIdOf, numberOf, ServerStatusCodeError } from './groups';
import type { ChatModel } from './wa-models';
import { createWid, MsgKey } from './wid';

/** What a code leads to, as the app describes a group it is not in. */
function invitePreview(group: WireGroup): Record<string, unknown> {
  return {
    id: createWid(group.id),
    owner: createWid(group.owner),
    subject: group.subject,
    creation: group.creation,
    desc: group.desc,
    descId: group.descId,
    restrict: group.restrict === true,
    announce: group.announce === true,
    membershipApprovalMode: group.membershipApproval === true,
    size: group.participants.length,
    participants: group.participants.map((p) => ({ id: createWid(p.id), isAdmin: p.isAdmin, isSuperAdmin: p.isSuperAdmin })),
  };
}

/** The invite calls of `WAWebGroupQueryJob` (index.ts adds them to the module groups.ts makes). */
function groupQueryInvites(app: App): Record<string, unknown> {
  return {
    queryGroupInvite: async (code: unknown) => {
      const reply = await ask(app, { op: 'invite-info', code: String(code) });
      return invitePreview(reply.preview as WireGroup);
    },
    resetGroupInviteCode: async (wid: unknown) => {
      const reply = await ask(app, { op: 'revoke-invite', groupId: groupIdOf(wid) });
      return { code: reply.code };
    },
  };
}

export function groupInviteModules(app: App): Record<string, unknown> {
  const decide = async (iqTo: string, args: { participantArgs?: Array<{ participantJid: string }> } | undefined, approve: boolean) => {
    const jids = args?.participantArgs ?? [];
    const participant = [];
    for (const { participantJid } of jids) {
      const reply = await ask(app, { op: 'request-action', groupId: groupIdOf(iqTo), requester: numberOf(app, participantJid), approve });
      const error = reply.results?.[0]?.status ?? 200;
      const mixin = { value: error === 200 ? {} : { error: String(error) } };
      participant.push({
        jid: participantJid,
        [approve ? 'membershipRequestsActionAcceptParticipantMixins' : 'membershipRequestsActionRejectParticipantMixins']: mixin,
      });
    }
    return { participant };
  };
  return {
    WAWebGroupQueryJob: groupQueryInvites(app),
    WAWebMexFetchGroupInviteCodeJob: {
      fetchMexGroupInviteCode: async (groupId: unknown) => (await ask(app, { op: 'invite-code', groupId: groupIdOf(groupId) })).code,
    },
    WAWebGroupInviteJob: {
      joinGroupViaInvite: async (code: unknown) => {
        const reply = await ask(app, { op: 'join', code: String(code) });
        const group = reply.group ?? reply.preview;
        if (!group) throw new ServerStatusCodeError(500);
        return { gid: createWid(group.id) };
      },
    },
    WAWebGroupInviteV4Job: {
      joinGroupViaInviteV4: async (code: unknown, expiration: unknown, groupId: unknown, admin: unknown) => {
        await ask(app, {
          op: 'join-v4',
          code: String(code),
          expiration: Number(expiration),
          groupId: groupIdOf(groupId),
          admin: numberOf(app, admin),
        });
        return { status: 200 };
      },
    },
    WAWebApiMembershipApprovalRequestStore: {
      getMembershipApprovalRequests: async (groupWid: unknown) => {
        const chat = app.store.chats.get(groupIdOf(groupWid));
        return (chat?.groupMetadata?.membershipApprovalRequests.getModelsArray() ?? []).map((r) => r.serialize());
      },
    },
    WASmaxGroupsMembershipRequestsActionRPC: {
      sendMembershipRequestsActionRPC: async (rpc: {
        iqTo: string;
        approveArgs?: { participantArgs?: Array<{ participantJid: string }> };
        rejectArgs?: { participantArgs?: Array<{ participantJid: string }> };
      }) => {
        const approve = rpc.approveArgs !== undefined;
        try {
          const value = await decide(rpc.iqTo, approve ? rpc.approveArgs : rpc.rejectArgs, approve);
          return {
            name: 'MembershipRequestsActionResponseSuccess',
            value: approve ? { membershipRequestsActionApprove: value } : { membershipRequestsActionReject: value },
          };
        } catch (err) {
          if (!(err instanceof ServerStatusCodeError)) throw err;
          return { name: 'MembershipRequestsActionResponseClientError', value: { code: String(err.statusCode) } };
        }
      },
    },
    WAWebChatSendMessages: {
      /** An admin's private invite to a user, sent as a `groups_v4_invite` message in their chat. */
      sendGroupInviteMessage: async (
        chat: ChatModel,
        groupId: unknown,
        groupName: unknown,
        code: unknown,
        expiration: unknown,
        comment: unknown,
        _thumb: unknown,
      ) => {
        const key = new MsgKey({ from: app.meUser(), to: chat.id, id: await MsgKey.newId(), selfDir: 'out' });
        const [, sent] = app.store.addAndSend(chat, {
          id: key,
          type: 'groups_v4_invite',
          body: typeof comment === 'string' ? comment : '',
          inviteCode: String(code),
          inviteCodeExp: Number(expiration),
          inviteGrp: groupIdOf(groupId),
          inviteGrpName: typeof groupName === 'string' ? groupName : '',
        });
        return { messageSendResult: await sent.catch(() => 'ERROR') };
      },
    },
    WAWebJidToWid: {
      userJidToUserWid: (jid: unknown) => createWid(String(jid).replace(/@s\.whatsapp\.net$/, '@c.us')),
    },
  };
}
