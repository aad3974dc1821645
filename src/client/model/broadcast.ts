import type { PageMessage } from '../../web/bridge';
import type { PageBroadcast } from '../../web/bridge-status';
import { installNotYet } from '../compat/install';
import { BROADCAST_MEMBERS } from '../compat/model-members';
import { Message } from './message';
import type { ModelClient } from './model-client';
import type { ModelTypes } from './registry';
import { toWid, type Wid } from './wid';

declare module './registry' {
  interface ModelTypes {
    Broadcast: Broadcast;
  }
}

/**
 * One poster's status posts (whatsapp-web.js's `Broadcast`): `client.getBroadcasts()`, `getBroadcastById()`,
 * `contact.getBroadcast()`. Unlike whatsapp-web.js (whose page call drops them), `msgs` holds the live posts.
 */
export class Broadcast {
  /** The poster (the contact, or the account itself). */
  readonly id: Wid;
  /** The latest post, seconds since the epoch. */
  readonly timestamp: number;
  readonly totalCount: number;
  readonly unreadCount: number;
  readonly msgs: Array<ModelTypes['Message']>;
  readonly #client: ModelClient;

  constructor(client: ModelClient, data: PageBroadcast<PageMessage>) {
    this.#client = client;
    this.id = toWid(data.id);
    this.timestamp = data.timestamp;
    this.totalCount = data.totalCount;
    this.unreadCount = data.unreadCount;
    this.msgs = data.msgs.map((m) => new Message(client, m));
  }

  /** The poster's chat. */
  getChat(): Promise<ModelTypes['Chat']> {
    return this.#client.getChatById(this.id._serialized);
  }

  /** The poster. */
  getContact(): Promise<ModelTypes['Contact']> {
    return this.#client.getContactById(this.id._serialized);
  }
}

/** The status of poster `userId`, as the page fetches it; an empty one (no posts) when the page gives none. */
export async function broadcastOf(client: ModelClient, what: string, userId: string): Promise<Broadcast> {
  const data = await client.readyPage(what).call('status', userId);
  return new Broadcast(client, data ?? { id: userId, timestamp: 0, totalCount: 0, unreadCount: 0, msgs: [] });
}

installNotYet(Broadcast.prototype, 'Broadcast', BROADCAST_MEMBERS);
