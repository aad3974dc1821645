import type { PageCall } from '../../web/bridge-phone';
import type { ModelClient } from './model-client';

/** A call offered to the account (whatsapp-web.js's `Call`, the `call` event). */
export class Call {
  readonly #client: ModelClient;
  readonly id: string;
  /** The caller (`<number>@c.us`). */
  readonly from?: string;
  /** When the call was offered, seconds since the epoch (0 when the app did not say). */
  readonly timestamp: number;
  readonly isVideo: boolean;
  readonly isGroup: boolean;
  readonly fromMe: boolean;
  readonly canHandleLocally: boolean;
  readonly webClientShouldHandle: boolean;
  /** Group calls: who is invited, as the app lists them. */
  readonly participants: object;

  constructor(client: ModelClient, data: PageCall) {
    this.#client = client;
    this.id = data.id;
    if (data.peerJid !== '') this.from = data.peerJid;
    this.timestamp = data.offerTime ?? 0;
    this.isVideo = data.isVideo;
    this.isGroup = data.isGroup;
    this.fromMe = data.outgoing;
    this.canHandleLocally = data.canHandleLocally;
    this.webClientShouldHandle = data.webClientShouldHandle;
    this.participants = typeof data.participants === 'object' && data.participants !== null ? data.participants : [];
  }

  /** Turns the call down: the caller's phone sees it rejected. */
  async reject(): Promise<void> {
    await this.#client.readyPage('Call.reject()').call('rejectCall', this.from ?? '', this.id);
  }
}
