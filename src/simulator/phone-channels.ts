/**
 * A phone's channels, as tests script them (`sim.phone(number).channels`): the phone creates a channel and
 * posts to it, follows one or stops, invites a user to administer its channel; and reads a channel as the
 * servers keep it (members, open admin invites, posts).
 */
import type { ChannelOperations } from './channels';
import type { PhoneMedia, SentMedia } from './phone-media';
import type { WireMessage } from './protocol';
import type { PhoneChannel } from './types';

export class PhoneChannels {
  constructor(
    private readonly ops: ChannelOperations,
    private readonly number: string,
  ) {}

  /** Creates a channel this phone owns: its devices learn it. */
  create(name: string, options: { description?: string } = {}): PhoneChannel {
    return this.ops.create(this.number, name, options.description ?? '');
  }

  /** Posts a text to a channel this phone owns or administers: every other member's devices get it (`message`). */
  post(channelId: string, body: string): Promise<WireMessage> {
    return this.ops.post(this.number, channelId, body);
  }

  /** Posts media (an image, a video, a document, a sticker with `type: 'sticker'`) with its caption to a channel this phone owns or administers. */
  postMedia(channelId: string, media: PhoneMedia): Promise<WireMessage> {
    return this.ops.postMedia(this.number, channelId, media);
  }

  /** The file of a media post in a channel (by the post's message id), as this phone downloads it. */
  download(channelId: string, postId: string): SentMedia {
    return this.ops.postFile(channelId, postId);
  }

  /** Follows a channel (by id or invite code). */
  subscribe(channelId: string): void {
    this.ops.subscribe(this.number, channelId);
  }

  unsubscribe(channelId: string): void {
    this.ops.unsubscribe(this.number, channelId);
  }

  /** Invites `user` (a number) to administer a channel this phone owns; the invite stays open until accepted or revoked. */
  inviteAdmin(channelId: string, user: string): void {
    this.ops.inviteAdmin(this.number, channelId, user);
  }

  /** Accepts the open invite to administer a channel. */
  acceptAdminInvite(channelId: string): void {
    this.ops.acceptAdmin(this.number, channelId);
  }

  /** Hands a channel this phone owns to one of its admins. */
  transferOwnership(channelId: string, user: string): void {
    this.ops.changeOwner(this.number, channelId, user);
  }

  /** A channel by id or invite code, as the servers keep it (404 when there is none). */
  get(idOrCode: string): PhoneChannel {
    return this.ops.channel(idOrCode);
  }

  /** The channels this phone owns, administers or follows. */
  list(): PhoneChannel[] {
    return this.ops.channels(this.number);
  }
}
