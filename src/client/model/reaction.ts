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

  // Not there yet (issue 26).
  declare readonly orphanReason?: string;
  declare readonly ack?: number;

  constructor(data: PageReaction) {
    this.id = parseMessageId(data.id);
    this.msgId = parseMessageId(data.msgId);
    this.senderId = data.senderId;
    this.reaction = data.reaction;
    this.timestamp = data.timestamp;
    this.read = data.read;
    this.orphan = data.orphan;
  }
}

installNotYet(Reaction.prototype, 'Reaction', REACTION_MEMBERS);
