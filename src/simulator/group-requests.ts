/**
 * What a linked device asks of the group servers (`group-request` frames): create a group, change its
 * participants, subject, description or settings, leave it, or read its metadata; its invite code,
 * joining by code or private invite, deciding requests to join ({@link GroupInvites}). Each is
 * answered with `group-result`: 200 and the group, or the status the servers refused it with.
 */
import { SimulatorError } from './errors';
import { GroupInvites } from './group-invites';
import type { GroupOperations } from './groups';
import type { Connection, SimulatorHub } from './hub';
import type { GroupRequest, ServerFrame } from './protocol';
import { contactNumber, wireGroup } from './state';

export class GroupRequests {
  readonly #invites: GroupInvites;

  constructor(
    private readonly hub: SimulatorHub,
    private readonly groups: GroupOperations,
  ) {
    this.#invites = new GroupInvites(hub, groups);
  }

  async onDeviceFrame(conn: Connection, reqId: number, request: GroupRequest): Promise<void> {
    const found = conn.deviceId ? this.hub.state.findDevice(conn.deviceId) : undefined;
    if (!found) return;
    let answer: Omit<Extract<ServerFrame, { t: 'group-result' }>, 't' | 'reqId'>;
    try {
      answer = await this.#run(found.account.number, request);
    } catch (err) {
      if (!(err instanceof SimulatorError)) throw err;
      answer = { status: err.status };
    }
    this.hub.send(conn, { t: 'group-result', reqId, ...answer });
  }

  async #run(number: string, request: GroupRequest): Promise<Omit<Extract<ServerFrame, { t: 'group-result' }>, 't' | 'reqId'>> {
    const groups = this.groups;
    const op = (request as { op?: unknown } | null)?.op;
    switch (op) {
      case 'create': {
        const r = request as Extract<GroupRequest, { op: 'create' }>;
        const settings = {
          announce: r.announce === true,
          restrict: r.restrict === true,
          adminAdd: r.adminAdd === true,
          membershipApproval: r.membershipApproval === true,
        };
        const { group, results } = await groups.create(number, r.subject, r.participants, settings, true);
        return { status: 200, group, results };
      }
      case 'participants': {
        const r = request as Extract<GroupRequest, { op: 'participants' }>;
        if (!['add', 'remove', 'promote', 'demote'].includes(r.action) || !Array.isArray(r.participants))
          throw new SimulatorError(400, 'participants: an action and a list of numbers');
        const { results } = await groups.change(number, r.groupId, r.action, r.participants, true);
        return { status: 200, results, ...this.#group(number, r.groupId) };
      }
      case 'subject':
      case 'description': {
        const r = request as Extract<GroupRequest, { op: 'subject' | 'description' }>;
        await groups.setInfo(number, r.groupId, op, r.value);
        return { status: 200, ...this.#group(number, r.groupId) };
      }
      case 'property': {
        const r = request as Extract<GroupRequest, { op: 'property' }>;
        if (!['announce', 'restrict', 'member_add_mode'].includes(r.property)) throw new SimulatorError(400, 'unknown group property');
        await groups.setProperty(number, r.groupId, r.property, r.value);
        return { status: 200, ...this.#group(number, r.groupId) };
      }
      case 'leave': {
        const r = request as Extract<GroupRequest, { op: 'leave' }>;
        await groups.leave(number, r.groupId);
        return { status: 200 };
      }
      case 'query': {
        const r = request as Extract<GroupRequest, { op: 'query' }>;
        const found = this.#group(number, r.groupId);
        if (!found.group) throw new SimulatorError(404, 'no such group');
        return { status: 200, ...found };
      }
      case 'invite-code':
      case 'revoke-invite': {
        const r = request as Extract<GroupRequest, { op: 'invite-code' | 'revoke-invite' }>;
        const code = op === 'invite-code' ? await this.#invites.code(number, r.groupId) : await this.#invites.revoke(number, r.groupId);
        return { status: 200, code };
      }
      case 'invite-info':
        return { status: 200, preview: this.#invites.info((request as Extract<GroupRequest, { op: 'invite-info' | 'join' }>).code) };
      case 'join': {
        const { groupId, pending } = await this.#invites.join(
          number,
          (request as Extract<GroupRequest, { op: 'invite-info' | 'join' }>).code,
        );
        const preview = this.hub.state.groups.get(groupId);
        return { status: 200, pending, ...(preview ? { preview: wireGroup(preview) } : {}), ...this.#group(number, groupId) };
      }
      case 'join-v4': {
        const r = request as Extract<GroupRequest, { op: 'join-v4' }>;
        const groupId = await this.#invites.joinV4(number, r.groupId, r.code, r.admin);
        return { status: 200, ...this.#group(number, groupId) };
      }
      case 'request-action': {
        const r = request as Extract<GroupRequest, { op: 'request-action' }>;
        const status = await this.#invites.decide(number, r.groupId, r.requester, r.approve === true);
        return { status: 200, results: [{ id: `${contactNumber(r.requester)}@c.us`, status }], ...this.#group(number, r.groupId) };
      }
      default:
        throw new SimulatorError(400, 'unknown group request');
    }
  }

  #group(number: string, groupId: unknown): { group?: NonNullable<ReturnType<GroupOperations['groupOf']>> } {
    const group = this.groups.groupOf(number, groupId);
    return group ? { group } : {};
  }
}
