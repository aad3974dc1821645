import type { PageReaction } from '../../web/bridge';
import { installNotYet } from '../compat/install';
import { REACTION_MEMBERS } from '../compat/model-members';
import { parseMessageId, type MessageId } from './message-id';

/** A reaction someone sent (`message_reaction`); `reaction` is `''` when they took it back. */
export class Reaction {
  readonly id: MessageId;
  /** The message reacted to. */
  readonly msgId: MessageId;
  readonly senderId: string;
  readonly reaction: string;
  /** Seconds since the epoch. */
  readonly timestamp: number;
  readonly read: boolean;
  readonly orphan: number;
  /** Why the reaction has no message to sit on, when the app says; otherwise absent. */
  readonly orphanReason?: string;
  /** The reaction's delivery state, when the app keeps one (it does for the senders `getReactions()` lists). */
  readonly ack?: number;
  /** The reacting user's LID and phone-number id, each where known. */
  readonly senderLid?: string;
  readonly senderPn?: string;

  constructor(data: PageReaction) {
    this.id = parseMessageId(data.id);
    this.msgId = parseMessageId(data.msgId);
    this.senderId = data.senderId;
    this.reaction = data.reaction;
    this.timestamp = data.timestamp;
    this.read = data.read;
    this.orphan = data.orphan;
    if (data.orphanReason !== undefined) this.orphanReason = data.orphanReason;
    if (data.ack !== undefined) this.ack = data.ack;
    if (data.senderLid !== undefined) this.senderLid = data.senderLid;
    if (data.senderPn !== undefined) this.senderPn = data.senderPn;
  }
}

installNotYet(Reaction.prototype, 'Reaction', REACTION_MEMBERS);
