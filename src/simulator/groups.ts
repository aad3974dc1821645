/**
 * Groups as an account's phone sees them: created, joined and left, admins promoted, messages
 * from members. Each change reaches the account's devices as the group's metadata plus the `gp2`
 * notification the real app shows (`add`, `remove`, `promote`, `demote`), authored by the phone.
 */
import { randomBytes } from 'node:crypto';
import { SimulatorError } from './errors';
import type { SimulatorHub } from './hub';
import type { WireGroup, WireMessage } from './protocol';
import { contactNumber, type AccountRecord } from './state';

export type GroupChange = 'add' | 'remove' | 'promote' | 'demote';

export class GroupOperations {
  constructor(private readonly hub: SimulatorHub) {}

  /** The phone creates a group with itself as owner and super admin. */
  async create(number: string, subject: unknown, participants: unknown): Promise<WireGroup> {
    if (typeof subject !== 'string' || subject.trim() === '' || subject.length > 100)
      throw new SimulatorError(400, 'subject must be 1 to 100 characters');
    if (!Array.isArray(participants)) throw new SimulatorError(400, 'participants must be an array of phone numbers');
    const members = [...new Set(participants.map((p) => contactNumber(p)))].filter((p) => p !== number);
    const account = this.hub.state.account(number);
    const group: WireGroup = {
      id: `120363${BigInt(`0x${randomBytes(6).toString('hex')}`)
        .toString()
        .padStart(15, '0')
        .slice(0, 15)}@g.us`,
      subject,
      owner: `${number}@c.us`,
      desc: '',
      creation: Math.floor(Date.now() / 1000),
      participants: [
        { id: `${number}@c.us`, isAdmin: true, isSuperAdmin: true },
        ...members.map((m) => ({ id: `${m}@c.us`, isAdmin: false, isSuperAdmin: false })),
      ],
    };
    (account.groups ??= {})[group.id] = group;
    await this.hub.state.save();
    this.#broadcast(account, { t: 'group', group });
    return structuredClone(group);
  }

  /** The phone adds, removes, promotes or demotes a member; devices get the metadata and a `gp2` notification. */
  async change(number: string, groupId: unknown, change: GroupChange, member: unknown): Promise<WireMessage> {
    const account = this.hub.state.account(number);
    const group = this.#group(account, groupId);
    const memberId = `${contactNumber(member)}@c.us`;
    const index = group.participants.findIndex((p) => p.id === memberId);
    if (change === 'add') {
      if (index !== -1) throw new SimulatorError(409, `${memberId} is already in ${group.id}`);
      group.participants.push({ id: memberId, isAdmin: false, isSuperAdmin: false });
    } else {
      const participant = group.participants[index];
      if (!participant) throw new SimulatorError(404, `${memberId} is not in ${group.id}`);
      if (change === 'remove') group.participants.splice(index, 1);
      else participant.isAdmin = change === 'promote';
    }
    const notice: WireMessage = {
      ...this.#newMessage(number, group.id),
      from: group.id,
      body: '',
      type: 'gp2',
      subtype: change,
      recipients: [memberId],
      author: `${number}@c.us`,
    };
    await this.#deliver(account, notice, { t: 'group', group });
    return notice;
  }

  /** A member (`from`) writes in the group; the account's devices get it with `author` set. */
  async receiveText(number: string, groupId: unknown, from: unknown, body: unknown): Promise<WireMessage> {
    if (typeof body !== 'string' || body.length === 0) throw new SimulatorError(400, 'message body must be a non-empty string');
    const account = this.hub.state.account(number);
    const group = this.#group(account, groupId);
    const author = `${contactNumber(from)}@c.us`;
    if (!group.participants.some((p) => p.id === author)) throw new SimulatorError(409, `${author} is not in ${group.id}`);
    const msg: WireMessage = { ...this.#newMessage(number, group.id), from: group.id, body, type: 'chat', author };
    await this.#deliver(account, msg);
    return msg;
  }

  #group(account: AccountRecord, groupId: unknown): WireGroup {
    const group = typeof groupId === 'string' ? account.groups?.[groupId] : undefined;
    if (!group) throw new SimulatorError(404, `phone ${account.number} is in no group ${JSON.stringify(groupId)}`);
    return group;
  }

  #newMessage(number: string, chatId: string): WireMessage {
    return {
      id: this.hub.messageId(),
      chatId,
      from: chatId,
      to: `${number}@c.us`,
      body: '',
      t: Math.floor(Date.now() / 1000),
      fromMe: false,
    };
  }

  /** To every device of the account (metadata first), offline ones at their next login. */
  async #deliver(account: AccountRecord, msg: WireMessage, metadata?: { t: 'group'; group: WireGroup }): Promise<void> {
    await this.hub.deliver(account, msg, metadata);
  }

  #broadcast(account: AccountRecord, frame: { t: 'group'; group: WireGroup }): void {
    for (const device of account.devices) {
      const conn = this.hub.online(device.id);
      if (conn) this.hub.send(conn, frame);
    }
  }
}
