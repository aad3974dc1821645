import { installNotYet } from '../compat/install';
import { CALL_MEMBERS } from '../compat/model-members';

/** An incoming call (whatsapp-web.js's `Call`, the `call` event); waweb emits none yet (issue 27). */
export class Call {
  readonly id: string;
  /** The caller. */
  readonly from?: string;
  /** Seconds since the epoch. */
  readonly timestamp: number;
  readonly isVideo: boolean;
  readonly isGroup: boolean;
  readonly fromMe: boolean;
  readonly canHandleLocally: boolean;
  readonly webClientShouldHandle: boolean;
  readonly participants: object;

  declare readonly reject: () => Promise<void>;

  constructor(data: Omit<Call, 'reject'>) {
    this.id = data.id;
    if (data.from !== undefined) this.from = data.from;
    this.timestamp = data.timestamp;
    this.isVideo = data.isVideo;
    this.isGroup = data.isGroup;
    this.fromMe = data.fromMe;
    this.canHandleLocally = data.canHandleLocally;
    this.webClientShouldHandle = data.webClientShouldHandle;
    this.participants = data.participants;
  }
}

installNotYet(Call.prototype, 'Call', CALL_MEMBERS);
