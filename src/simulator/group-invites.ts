/**
 * Ways into a group other than being added: its invite link (a code only admins read or renew; a
 * revoked code leads nowhere), the private (V4) invite an admin sends one user as a
 * `groups_v4_invite` message, and, when admins approve who joins (`membershipApproval`), the
 * requests a link makes instead of joining. Admins get each request as the `gp2`
 * `membership_approval_request` notification; approving adds the user (`add`), rejecting drops the
 * request. A join by link or V4 invite reaches every member as `gp2` `invite`.
 */
import { SimulatorError } from './errors';
import { isAdmin, isMember, newInviteCode, now, offerInvite, type GroupOperations } from './groups';
import type { SimulatorHub } from './hub';
import type { WireGroup, WireJoinRequest, WireMessage } from './protocol';
import { contactNumber, wireGroup, type GroupRecord } from './state';

const idOf = (number: string): string => `${number}@c.us`;
const numberOf = (id: string): string => id.replace(/@c\.us$/, '');

export class GroupInvites {
  constructor(
    private readonly hub: SimulatorHub,
    private readonly groups: GroupOperations,
  ) {}

  /** The group's invite code, made the first time an admin asks (403 for a member who is not one). */
  async code(number: string, groupId: unknown): Promise<string> {
    const group = this.#adminGroup(number, groupId);
    if (group.inviteCode === undefined) {
      group.inviteCode = newInviteCode();
      await this.hub.state.save();
    }
    return group.inviteCode;
  }

  /** An admin replaces the code: the old one leads nowhere from now on. */
  async revoke(number: string, groupId: unknown): Promise<string> {
    const group = this.#adminGroup(number, groupId);
    group.inviteCode = newInviteCode();
    await this.hub.state.save();
    return group.inviteCode;
  }

  /** What a code leads to, for anyone who has it (404 for an unknown or revoked code). */
  info(code: unknown): WireGroup {
    return wireGroup(this.#byCode(code));
  }

  /**
   * `number` follows an invite link: it joins (every member gets `invite`), or, when admins approve
   * who joins, asks to (`pending`; the admins get `membership_approval_request`). A member stays one.
   */
  async join(number: string, code: unknown): Promise<{ groupId: string; pending: boolean }> {
    const group = this.#byCode(code);
    this.hub.state.account(number);
    if (isMember(group, number)) return { groupId: group.id, pending: false };
    const id = idOf(number);
    if (group.membershipApproval === true && !group.requests?.some((r) => r.id === id)) {
      (group.requests ??= []).push({ id, addedBy: id, method: 'InviteLink', t: now() });
      // As the app shows it: `author` the requester, nobody in `recipients`.
      await this.groups.notify(group, number, 'membership_approval_request', [], '', this.#admins(group));
    }
    if (group.membershipApproval === true) return { groupId: group.id, pending: true };
    group.participants.push({ id, isAdmin: false, isSuperAdmin: false });
    await this.groups.notify(group, number, 'invite', [id]);
    return { groupId: group.id, pending: false };
  }

  /**
   * Admin `number` sends `to` a private invite to the group: a `groups_v4_invite` message from the
   * admin (its phone and devices get it), good for three days and for `to` only.
   */
  async sendV4(number: string, groupId: unknown, to: unknown, comment = ''): Promise<WireMessage> {
    const group = this.#adminGroup(number, groupId);
    const invitee = contactNumber(to);
    const account = this.hub.recipient(invitee);
    const invite = offerInvite(group, number, invitee);
    const msg = this.hub.incoming(invitee, number, comment, {
      type: 'groups_v4_invite',
      fields: { inviteCode: invite.code, inviteCodeExp: invite.expiration, inviteGrp: group.id, inviteGrpName: group.subject },
    });
    await this.hub.deliver(account, msg);
    return msg;
  }

  /**
   * `number` accepts the private invite `admin` sent it: it joins (no approval needed; every member
   * gets `invite`). 404 for no such invite (or one for someone else), 410 when it expired.
   */
  async joinV4(number: string, groupId: unknown, code: unknown, admin: unknown): Promise<string> {
    const group = typeof groupId === 'string' ? this.hub.state.groups.get(groupId) : undefined;
    const invite = group?.v4Invites?.find((i) => i.code === code && i.invitee === idOf(number) && i.admin === idOf(contactNumber(admin)));
    if (!group || !invite) throw new SimulatorError(404, 'no such invite');
    if (invite.expiration < now()) throw new SimulatorError(410, 'the invite expired');
    group.v4Invites = group.v4Invites?.filter((i) => i !== invite);
    if (isMember(group, number)) {
      await this.hub.state.save();
      return group.id;
    }
    group.requests = group.requests?.filter((r) => r.id !== idOf(number));
    group.participants.push({ id: idOf(number), isAdmin: false, isSuperAdmin: false });
    await this.groups.notify(group, number, 'invite', [idOf(number)]);
    return group.id;
  }

  /** The requests waiting in a group, for its admins. */
  requests(number: string, groupId: unknown): WireJoinRequest[] {
    return structuredClone(this.#adminGroup(number, groupId).requests ?? []);
  }

  /**
   * An admin approves (the user joins: `add` to every member) or rejects (the request is dropped) the
   * request of `requester`: 200, or 404 when it has none.
   */
  async decide(number: string, groupId: unknown, requester: unknown, approve: boolean): Promise<number> {
    const group = this.#adminGroup(number, groupId);
    const id = idOf(contactNumber(requester));
    if (!group.requests?.some((r) => r.id === id)) return 404;
    group.requests = group.requests.filter((r) => r.id !== id);
    if (approve) {
      if (!isMember(group, numberOf(id))) group.participants.push({ id, isAdmin: false, isSuperAdmin: false });
      await this.groups.notify(group, number, 'add', [id]);
      return 200;
    }
    // No notification for a rejection: the admins' devices learn the shorter list.
    for (const admin of this.#admins(group))
      for (const device of this.hub.state.peek(admin)?.devices ?? []) {
        const conn = this.hub.online(device.id);
        if (conn) this.hub.send(conn, { t: 'group', group: wireGroup(group) });
      }
    await this.hub.state.save();
    return 200;
  }

  #admins(group: GroupRecord): string[] {
    return group.participants.filter((p) => p.isAdmin).map((p) => numberOf(p.id));
  }

  #adminGroup(number: string, groupId: unknown): GroupRecord {
    const group = this.groups.memberGroup(number, groupId);
    if (!isAdmin(group, number)) throw new SimulatorError(403, `${number} is not an admin of ${group.id}`);
    return group;
  }

  #byCode(code: unknown): GroupRecord {
    const group =
      typeof code === 'string' && code !== '' ? [...this.hub.state.groups.values()].find((g) => g.inviteCode === code) : undefined;
    if (!group) throw new SimulatorError(404, 'no group has this invite code');
    return group;
  }
}
