import { installNotYet } from '../compat/install';
import { BROADCAST_MEMBERS } from '../compat/model-members';
import type { ModelTypes } from './registry';
import type { Wid } from './wid';

/** A contact's status posts (whatsapp-web.js's `Broadcast`); waweb reads none yet (issue 27). */
export class Broadcast {
  /** The contact whose posts these are. */
  readonly id: Wid;
  /** The latest post, seconds since the epoch. */
  readonly timestamp: number;
  readonly totalCount: number;
  readonly unreadCount: number;
  readonly msgs: Array<ModelTypes['Message']>;

  declare readonly getChat: () => Promise<ModelTypes['Chat']>;
  declare readonly getContact: () => Promise<ModelTypes['Contact']>;

  constructor(data: { id: Wid; timestamp: number; totalCount: number; unreadCount: number; msgs: Array<ModelTypes['Message']> }) {
    this.id = data.id;
    this.timestamp = data.timestamp;
    this.totalCount = data.totalCount;
    this.unreadCount = data.unreadCount;
    this.msgs = data.msgs;
  }
}

installNotYet(Broadcast.prototype, 'Broadcast', BROADCAST_MEMBERS);
