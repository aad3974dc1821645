/**
 * Channels (newsletters) as the simulated app keeps them: `WAWebCollections.WAWebNewsletterCollection`
 * holds one chat per channel the device knows (followed, owned, or previewed), each with its
 * `newsletterMetadata` (name, description, invite code, creation time, this account's `membershipType`).
 * A server's refusal is thrown as the app's `ServerStatusCodeError`, the error whatsapp-web.js checks by name.
 */
import type { WireNewsletter } from '../protocol';
import { Collection, Model } from './models';
import { ChatModel } from './wa-models';
import { createWid, type Wid } from './wid';

/** What the app throws when the servers answer a request with an error status. */
export class ServerStatusCodeError extends Error {
  override readonly name = 'ServerStatusCodeError';
  constructor(readonly statusCode: number) {
    super(`server status code ${statusCode}`);
  }
}

export class NewsletterMetadata extends Model {
  readonly id: Wid;
  name = '';
  description = '';
  inviteCode = '';
  /** Seconds since the epoch. */
  creationTime = 0;
  membershipType: WireNewsletter['role'] = 'guest';
  subscribersCount = 0;
  state: WireNewsletter['state'] = 'ACTIVE';
  reactionCodesSetting = 1;
  verified = false;

  constructor(id: Wid) {
    super();
    this.id = id;
  }

  serialize(): Record<string, unknown> {
    return {
      id: this.id,
      name: this.name,
      description: this.description,
      inviteCode: this.inviteCode,
      creationTime: this.creationTime,
      membershipType: this.membershipType,
      subscribersCount: this.subscribersCount,
      state: this.state,
      reactionCodesSetting: this.reactionCodesSetting,
      verified: this.verified,
    };
  }
}

/** A channel's chat: its posts in `msgs`, read-only unless the account owns or administers it. */
export class NewsletterChat extends ChatModel {
  readonly newsletterMetadata: NewsletterMetadata;

  constructor(id: Wid) {
    super(id, '');
    this.newsletterMetadata = new NewsletterMetadata(id);
    this.isReadOnly = true;
  }

  /** The channel as the servers described it to this account. */
  learn(wire: WireNewsletter): void {
    const m = this.newsletterMetadata;
    m.set('name', wire.name);
    m.set('description', wire.description);
    m.inviteCode = wire.inviteCode;
    m.creationTime = wire.creation;
    m.set('membershipType', wire.role);
    m.subscribersCount = wire.subscribersCount;
    m.set('state', wire.state);
    m.reactionCodesSetting = wire.reactionCodesSetting;
    this.set('formattedTitle', wire.name);
    this.set('isReadOnly', wire.role !== 'owner' && wire.role !== 'admin');
    if (this.t === 0) this.t = wire.creation;
    this.mute.expiration = wire.muted ? -1 : 0;
  }
}

/** `WAWebNewsletterCollection`: the channels the device knows, by id. */
export class NewsletterCollection extends Collection<NewsletterChat> {
  constructor() {
    super(NewsletterChat);
  }

  /** The channel's chat; the servers' 404 when the device does not know it. */
  async find(wid: unknown): Promise<NewsletterChat> {
    const chat = this.get(createWid(wid));
    if (!chat) throw new ServerStatusCodeError(404);
    return chat;
  }

  /** The chat for a channel id, made (knowing nothing yet) when the device has none. */
  chatFor(wid: Wid): NewsletterChat {
    return this.get(wid) ?? this.add(new NewsletterChat(wid));
  }

  /** What the servers said of a channel: kept, or dropped once deleted. */
  learn(wire: WireNewsletter): NewsletterChat | undefined {
    const wid = createWid(wire.id);
    if (wire.state === 'DELETED') {
      this.remove(wid);
      return undefined;
    }
    const chat = this.chatFor(wid);
    chat.learn(wire);
    return chat;
  }
}
