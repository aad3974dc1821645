/**
 * Channels (newsletters) on the simulated servers: an owner creates one (from a device or from the phone),
 * users preview it by id or invite code, subscribe and unsubscribe; the owner and admins post to it and
 * every member's devices get the post; the owner edits it, invites admins (who accept, or whose invite is
 * revoked), demotes them, hands ownership over and deletes it. Each member's devices learn the channel as
 * that member sees it (`newsletter` frames). Channels live in memory, as calls do.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { SimulatorError } from './errors';
import type { Connection, SimulatorHub } from './hub';
import { channelPostMedia, checkedMediaType, type PhoneMedia, type SentMedia } from './phone-media';
import type { ClientFrame, NewsletterRequest, ServerFrame, WireMedia, WireMessage, WireNewsletter } from './protocol';
import { assertPhoneNumber, contactNumber, remember } from './state';
import type { PhoneChannel } from './types';

type Role = WireNewsletter['role'];
type Result = Omit<Extract<ServerFrame, { t: 'newsletter-result' }>, 't' | 'reqId' | 'status'>;

const now = (): number => Math.floor(Date.now() / 1000);

function roleOf(channel: PhoneChannel, number: string): Role {
  if (channel.owner === number) return 'owner';
  if (channel.admins.includes(number)) return 'admin';
  if (channel.subscribers.includes(number)) return 'subscriber';
  return 'guest';
}

/** The channel as `number` sees it. */
function wireOf(channel: PhoneChannel, number: string): WireNewsletter {
  return {
    id: channel.id,
    name: channel.name,
    description: channel.description,
    inviteCode: channel.inviteCode,
    creation: channel.creation,
    nameUpdateTime: channel.nameUpdateTime,
    descriptionUpdateTime: channel.descriptionUpdateTime,
    role: roleOf(channel, number),
    subscribersCount: 1 + channel.admins.length + channel.subscribers.length,
    muted: channel.mutedBy.includes(number),
    state: channel.deleted ? 'DELETED' : 'ACTIVE',
    reactionCodesSetting: channel.reactionCodesSetting,
    hasPicture: channel.picture !== undefined,
  };
}

const copy = (channel: PhoneChannel): PhoneChannel => structuredClone(channel);

/** The channels `number` is in, as it sees them. */
function channelsOf(hub: SimulatorHub, number: string): WireNewsletter[] {
  return [...hub.channels.values()].filter((c) => !c.deleted && roleOf(c, number) !== 'guest').map((c) => wireOf(c, number));
}

export class ChannelOperations {
  constructor(private readonly hub: SimulatorHub) {}

  /** `owner` creates a channel; its devices learn it. */
  create(owner: string, name: unknown, description: unknown = '', picture?: string): PhoneChannel {
    assertPhoneNumber(owner);
    if (typeof name !== 'string' || name.trim() === '') throw new SimulatorError(400, 'a channel needs a name');
    const t = now();
    const channel: PhoneChannel = {
      id: `120363${randomInt(100_000_000, 999_999_999)}${randomInt(10, 99)}@newsletter`,
      name,
      description: typeof description === 'string' ? description : '',
      inviteCode: randomBytes(16).toString('base64url').slice(0, 22),
      creation: t,
      nameUpdateTime: t,
      descriptionUpdateTime: t,
      owner,
      admins: [],
      subscribers: [],
      adminInvites: [],
      mutedBy: [],
      posts: [],
      reactionCodesSetting: 1,
      ...(picture === undefined ? {} : { picture }),
      deleted: false,
    };
    this.hub.channels.set(channel.id, channel);
    this.#tell(channel, [owner]);
    return copy(channel);
  }

  /** The channel with this id or invite code (404 otherwise; a deleted one too). */
  channel(idOrCode: unknown): PhoneChannel {
    return copy(this.#find(idOrCode));
  }

  /** The channels `number` owns, administers or follows. */
  channels(number: string): PhoneChannel[] {
    return [...this.hub.channels.values()].filter((c) => !c.deleted && roleOf(c, number) !== 'guest').map(copy);
  }

  subscribe(number: string, id: unknown): void {
    const channel = this.#live(id);
    if (roleOf(channel, number) !== 'guest') return;
    channel.subscribers.push(number);
    this.#tell(channel, [number]);
  }

  unsubscribe(number: string, id: unknown): void {
    const channel = this.#live(id);
    if (roleOf(channel, number) === 'owner') throw new SimulatorError(403, 'the owner cannot unsubscribe from its channel');
    channel.subscribers = channel.subscribers.filter((n) => n !== number);
    channel.admins = channel.admins.filter((n) => n !== number);
    this.#tell(channel, [number]);
  }

  /** `number` (the owner or an admin) posts (a text, or `content`'s media or poll): every other member's devices get it. */
  async post(
    number: string,
    id: unknown,
    body: unknown,
    msgId?: string,
    type = 'chat',
    content: Pick<WireMessage, 'media' | 'poll'> = {},
  ): Promise<WireMessage> {
    const channel = this.#live(id);
    const role = roleOf(channel, number);
    if (role !== 'owner' && role !== 'admin') throw new SimulatorError(403, `${number} may not post to ${channel.id}`);
    if (typeof body !== 'string') throw new SimulatorError(400, 'a post needs a text');
    const serverId = channel.posts.length + 100;
    const msg: WireMessage = {
      id: msgId ?? this.hub.messageId(),
      chatId: channel.id,
      from: channel.id,
      to: channel.id,
      body,
      t: now(),
      fromMe: false,
      type,
      ...(content.media ? { media: content.media } : {}),
      ...(content.poll ? { poll: content.poll } : {}),
    };
    channel.posts.push({ id: msg.id, body, type, by: number, serverId, t: msg.t, ...(content.media ? { media: content.media } : {}) });
    for (const member of [channel.owner, ...channel.admins, ...channel.subscribers]) {
      if (member === number) continue;
      // The member's phone has it; so do its linked devices (now, or at their next login).
      const account = this.hub.state.account(member);
      if (account.devices.length > 0) await this.hub.deliver(account, msg);
      else remember(account, msg);
    }
    await this.hub.state.save();
    return msg;
  }

  /** `number` posts media to a channel it owns or administers: the file is stored unencrypted, as channels take it. */
  postMedia(number: string, id: unknown, media: PhoneMedia): Promise<WireMessage> {
    const type = checkedMediaType(media);
    const { directPath, mediaKey, encFilehash, filehash, size } = this.hub.media.uploadPlain(media.data);
    const file: WireMedia = {
      directPath,
      mediaKey,
      mediaKeyTimestamp: now(),
      mimetype: media.mimetype,
      size,
      filehash,
      encFilehash,
      ...(media.caption === undefined ? {} : { caption: media.caption }),
    };
    return this.post(number, id, media.caption ?? '', undefined, type, { media: file });
  }

  /** The file of media post `postId` (a message id), as a member's phone downloads it. 404 when there is none. */
  postFile(id: unknown, postId: unknown): SentMedia {
    const post = this.#find(id).posts.find((p) => p.id === postId);
    if (!post?.media) throw new SimulatorError(404, `no media post ${JSON.stringify(postId)} in ${String(id)}`);
    return channelPostMedia(this.hub, post.type, post.media);
  }

  /** The owner invites `user` to be an admin (the invite stays open until accepted or revoked). */
  inviteAdmin(owner: string, id: unknown, user: unknown): void {
    const channel = this.#owned(owner, id);
    const invitee = contactNumber(user);
    if (roleOf(channel, invitee) === 'owner' || roleOf(channel, invitee) === 'admin')
      throw new SimulatorError(400, `${invitee} is an admin already`);
    if (!channel.adminInvites.includes(invitee)) channel.adminInvites.push(invitee);
  }

  /** `number` accepts its open admin invite: it becomes an admin. */
  acceptAdmin(number: string, id: unknown): void {
    const channel = this.#live(id);
    if (!channel.adminInvites.includes(number)) throw new SimulatorError(403, `${number} has no admin invite to ${channel.id}`);
    channel.adminInvites = channel.adminInvites.filter((n) => n !== number);
    channel.subscribers = channel.subscribers.filter((n) => n !== number);
    channel.admins.push(number);
    this.#tell(channel, [number, channel.owner]);
  }

  revokeAdminInvite(owner: string, id: unknown, user: unknown): void {
    const channel = this.#owned(owner, id);
    const invitee = contactNumber(user);
    if (!channel.adminInvites.includes(invitee)) throw new SimulatorError(404, `no open admin invite to ${invitee}`);
    channel.adminInvites = channel.adminInvites.filter((n) => n !== invitee);
  }

  /** The owner demotes an admin, or an admin steps down: a subscriber again. */
  demote(number: string, id: unknown, user: unknown): void {
    const channel = this.#live(id);
    const admin = contactNumber(user);
    if (roleOf(channel, number) !== 'owner' && admin !== number) throw new SimulatorError(403, `${number} may not demote ${admin}`);
    if (roleOf(channel, admin) !== 'admin') throw new SimulatorError(400, `${admin} is not an admin of ${channel.id}`);
    channel.admins = channel.admins.filter((n) => n !== admin);
    channel.subscribers.push(admin);
    this.#tell(channel, [admin, channel.owner]);
  }

  /** The owner hands the channel to one of its admins, and stays an admin. */
  changeOwner(owner: string, id: unknown, user: unknown): void {
    const channel = this.#owned(owner, id);
    const next = contactNumber(user);
    if (roleOf(channel, next) !== 'admin') throw new SimulatorError(400, `${next} must be an admin of ${channel.id} to own it`);
    channel.admins = [...channel.admins.filter((n) => n !== next), owner];
    channel.owner = next;
    this.#tell(channel, [owner, next]);
  }

  /** The owner deletes the channel: every member's devices learn it is gone. */
  delete(owner: string, id: unknown): void {
    const channel = this.#owned(owner, id);
    channel.deleted = true;
    this.#tell(channel, [channel.owner, ...channel.admins, ...channel.subscribers]);
  }

  /** A device linked or logging in learns the channels its account is in (before history, which may hold their posts). */
  sendTo(conn: Connection, number: string): void {
    for (const channel of channelsOf(this.hub, number)) this.hub.send(conn, { t: 'newsletter', channel });
  }

  /** A device's channel request: answered with `newsletter-result`. */
  async onDeviceFrame(conn: Connection, frame: Extract<ClientFrame, { t: 'newsletter' }>): Promise<void> {
    const found = conn.deviceId ? this.hub.state.findDevice(conn.deviceId) : undefined;
    if (!found) return;
    try {
      const result = await this.#request(found.account.number, frame.request);
      this.hub.send(conn, { t: 'newsletter-result', reqId: frame.reqId, status: 200, ...result });
    } catch (err) {
      if (!(err instanceof SimulatorError)) throw err;
      this.hub.send(conn, { t: 'newsletter-result', reqId: frame.reqId, status: err.status });
    }
  }

  async #request(number: string, request: NewsletterRequest): Promise<Result> {
    switch (request?.op) {
      case 'create': {
        const channel = this.create(number, request.name, request.description ?? '', request.picture ?? undefined);
        return { channel: wireOf(channel, number) };
      }
      case 'metadata': {
        const channel = this.#live(request.id ?? request.code);
        return { channel: wireOf(channel, number) };
      }
      case 'subscribe':
        this.subscribe(number, request.id);
        return { channel: wireOf(this.#find(request.id), number) };
      case 'unsubscribe':
        this.unsubscribe(number, request.id);
        return { channel: wireOf(this.#find(request.id), number) };
      case 'delete':
        this.delete(number, request.id);
        return {};
      case 'subscribers': {
        const channel = this.#live(request.id);
        const role = roleOf(channel, number);
        if (role !== 'owner' && role !== 'admin') throw new SimulatorError(403, 'only admins see who follows a channel');
        const members = [channel.owner, ...channel.admins, ...channel.subscribers];
        return { subscribers: members.map((n) => ({ id: `${n}@c.us`, role: roleOf(channel, n) })) };
      }
      case 'edit':
        return { channel: wireOf(this.#edit(number, request), number) };
      case 'mute': {
        const channel = this.#live(request.id);
        channel.mutedBy = channel.mutedBy.filter((n) => n !== number);
        if (request.muted) channel.mutedBy.push(number);
        return { channel: wireOf(channel, number) };
      }
      case 'search': {
        const text = String(request.text ?? '').toLowerCase();
        const found = [...this.hub.channels.values()]
          .filter((c) => !c.deleted && c.name.toLowerCase().includes(text))
          .filter((c) => !request.skipSubscribed || roleOf(c, number) === 'guest')
          .slice(0, Math.max(0, Number(request.limit) || 0));
        return { channels: found.map((c) => wireOf(c, number)) };
      }
      case 'post': {
        const content = { ...(request.media ? { media: request.media } : {}), ...(request.poll ? { poll: request.poll } : {}) };
        const msg = await this.post(number, request.id, request.body, request.msgId, request.type, content);
        const channel = this.#find(request.id);
        return { post: { serverId: channel.posts.at(-1)?.serverId ?? 0, t: msg.t } };
      }
      case 'admin-invite':
        this.inviteAdmin(number, request.id, request.user);
        return {};
      case 'accept-admin':
        this.acceptAdmin(number, request.id);
        return { channel: wireOf(this.#find(request.id), number) };
      case 'revoke-admin-invite':
        this.revokeAdminInvite(number, request.id, request.user);
        return {};
      case 'demote':
        this.demote(number, request.id, request.user);
        return { channel: wireOf(this.#find(request.id), number) };
      case 'change-owner':
        this.changeOwner(number, request.id, request.user);
        return { channel: wireOf(this.#find(request.id), number) };
      default:
        throw new SimulatorError(400, 'unknown channel request');
    }
  }

  #edit(number: string, request: Extract<NewsletterRequest, { op: 'edit' }>): PhoneChannel {
    const channel = this.#live(request.id);
    const role = roleOf(channel, number);
    if (role !== 'owner' && role !== 'admin') throw new SimulatorError(403, `${number} may not edit ${channel.id}`);
    const t = now();
    if (typeof request.name === 'string') {
      if (request.name.trim() === '') throw new SimulatorError(400, 'a channel needs a name');
      channel.name = request.name;
      channel.nameUpdateTime = t;
    }
    if (typeof request.description === 'string') {
      channel.description = request.description;
      channel.descriptionUpdateTime = t;
    }
    if (request.picture !== undefined) {
      if (request.picture === null) delete channel.picture;
      else channel.picture = request.picture;
    }
    if (typeof request.reactionCodesSetting === 'number') channel.reactionCodesSetting = request.reactionCodesSetting;
    this.#tell(channel, [channel.owner, ...channel.admins, ...channel.subscribers]);
    return channel;
  }

  #find(idOrCode: unknown): PhoneChannel {
    const key = typeof idOrCode === 'string' ? idOrCode : '';
    const channel = this.hub.channels.get(key) ?? [...this.hub.channels.values()].find((c) => c.inviteCode === key);
    if (!channel) throw new SimulatorError(404, `no channel ${key}`);
    return channel;
  }

  #live(idOrCode: unknown): PhoneChannel {
    const channel = this.#find(idOrCode);
    if (channel.deleted) throw new SimulatorError(404, `channel ${channel.id} was deleted`);
    return channel;
  }

  #owned(number: string, id: unknown): PhoneChannel {
    const channel = this.#live(id);
    if (channel.owner !== number) throw new SimulatorError(403, `${number} does not own ${channel.id}`);
    return channel;
  }

  /** Each of `numbers`' online devices learns the channel as that number now sees it. */
  #tell(channel: PhoneChannel, numbers: string[]): void {
    for (const number of new Set(numbers)) {
      for (const device of this.hub.account(number).devices) {
        const conn = this.hub.online(device.id);
        if (conn) this.hub.send(conn, { t: 'newsletter', channel: wireOf(channel, number) });
      }
    }
  }
}
