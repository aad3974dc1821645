/**
 * The models WhatsApp Web's modules hand out (Socket, Conn, Cmd, Msg, Chat,
 * the offline handler), as the simulated app fills them. The ones that act
 * (logout, takeover, refreshQR) ask the app through {@link AppLink}.
 */
import { DEFAULT_BUILD, type ClientFrame, type WireMedia, type WireVcard, type WireWid } from '../protocol';
import type { GroupMetadata } from './group-models';
import { Collection, Model } from './models';
import type { MsgKey, Wid } from './wid';

/** What the models need from the app. */
export interface AppLink {
  send(frame: ClientFrame): void;
  logout(): Promise<void>;
  removeMessage(msg: MsgModel): void;
  /** Drops the connection to the servers; the app connects again and logs in with its stored session. */
  reconnect(): void;
}

export class SocketModel extends Model {
  state = 'UNLAUNCHED';
  hasSynced = false;
  readonly #app: AppLink;
  constructor(app: AppLink) {
    super();
    this.#app = app;
  }
  logout(): Promise<void> {
    return this.#app.logout();
  }
  takeover(): void {
    this.#app.send({ t: 'takeover' });
  }
  reconnect(): void {
    this.#app.reconnect();
  }
}

/** The app's connection. A multi-device session's has no phone battery (`battery`, `plugged`): the phone keeps it. */
export class ConnModel extends Model {
  ref: string | undefined = undefined;
  pushname: string | undefined = undefined;
  platform: string | undefined = undefined;
  wid: WireWid | undefined = undefined;
  canSetMyPushname(): boolean {
    return this.wid !== undefined;
  }
  serialize(): Record<string, unknown> {
    return {
      ref: this.ref,
      pushname: this.pushname,
      platform: this.platform,
      wid: this.wid,
      me: this.wid,
      phone: { wa_version: DEFAULT_BUILD, device_manufacturer: 'waweb', device_model: 'simulated phone' },
    };
  }
}

/** A group a text mentions, as the app keeps it on the message. */
export interface GroupMention {
  groupJid: Wid;
  groupSubject: string;
}

/** What a message is made of, received (from the servers) or sent (from `addAndSendMsgToChat`). */
export interface MsgFields {
  id: MsgKey;
  from: Wid;
  to: Wid;
  author?: Wid | undefined;
  body: string;
  type: string;
  t: number;
  ack: number;
  isNewMsg: boolean;
  /** The key of the message this one quotes. */
  quotedKey?: string | undefined;
  subtype?: string | undefined;
  recipients?: Wid[] | undefined;
  /** Media attachment (`image`, `document`, ...): on the media servers, encrypted with `mediaKey`. */
  media?: WireMedia | undefined;
  /** Type-specific fields kept on the model (`lat`, `lng`, `loc`, `clientUrl`, `vcardFormattedName`, ...). */
  fields?: Record<string, string | number> | undefined;
  mentions?: Wid[] | undefined;
  groupMentions?: GroupMention[] | undefined;
  forwardingScore?: number | undefined;
  vcards?: WireVcard[] | undefined;
  /** Fields of structured content (a poll's `pollName`, `pollOptions`; an event's `eventName`, ...). */
  content?: Record<string, unknown> | undefined;
}

export class MsgModel extends Model {
  readonly id: MsgKey;
  from: Wid;
  to: Wid;
  author: Wid | undefined;
  body: string;
  type: string;
  subtype: string | undefined;
  recipients: Wid[] | undefined;
  t: number;
  ack: number;
  isNewMsg: boolean;
  quotedKey: string | undefined;
  /** Set by the app when the quoted message is known: what `serialize().quotedMsg` carries. */
  quotedMsg: MsgModel | undefined = undefined;
  caption: string | undefined = undefined;
  mediaObject: { type: string } | undefined = undefined;
  directPath: string | undefined = undefined;
  mediaKey: string | undefined = undefined;
  mediaKeyTimestamp: number | undefined = undefined;
  mimetype: string | undefined = undefined;
  filename: string | undefined = undefined;
  size: number | undefined = undefined;
  filehash: string | undefined = undefined;
  encFilehash: string | undefined = undefined;
  /** A view-once photo or video; a video that plays as a GIF; an HD image (`media()` keeps the flags). */
  isViewOnce = false;
  isGif = false;
  #hd = false;
  /** Received media is on the media servers, ready to download. */
  mediaData: { mediaStage: string } | undefined = undefined;
  /** Type-specific fields, also set as properties. */
  readonly extra: Record<string, string | number>;
  /** Structured content (polls, events), also set as properties; changed with {@link setContent}. */
  readonly content: Record<string, unknown>;
  readonly mentionedJidList: Wid[];
  /** Groups the text mentions (`groupJid` a wid), as the app keeps them. */
  readonly groupMentions: GroupMention[];
  readonly forwardingScore: number;
  readonly vcardList: WireVcard[] | undefined;
  /** Own media not yet on the servers (`change:isUnsentMedia` → false once uploaded and sent). */
  isUnsentMedia = false;
  isEphemeral = false;
  isStatusV3 = false;
  star = false;
  /** Set by the reaction store while the message has reactions. */
  hasReaction = false;
  /** Set once the sender edits it: the edit's key and the sender's time of it (milliseconds). */
  latestEditMsgKey: MsgKey | undefined = undefined;
  latestEditSenderTimestampMs: number | undefined = undefined;
  /** A system notification's ids (`notification_template`), filled in once the message is in `Msg`. */
  templateParams: Wid[] | undefined = undefined;

  constructor(fields: MsgFields) {
    super();
    this.id = fields.id;
    this.from = fields.from;
    this.to = fields.to;
    this.author = fields.author;
    this.body = fields.body;
    this.type = fields.type;
    this.t = fields.t;
    this.ack = fields.ack;
    this.isNewMsg = fields.isNewMsg;
    this.quotedKey = fields.quotedKey;
    this.subtype = fields.subtype;
    this.recipients = fields.recipients;
    this.extra = { ...fields.fields };
    Object.assign(this, this.extra);
    this.content = { ...fields.content };
    Object.assign(this, this.content);
    this.mentionedJidList = fields.mentions ?? [];
    this.groupMentions = fields.groupMentions ?? [];
    this.forwardingScore = fields.forwardingScore ?? 0;
    this.vcardList = fields.vcards;
    const media = fields.media;
    if (media) {
      this.directPath = media.directPath;
      this.mediaKey = media.mediaKey;
      this.mediaKeyTimestamp = media.mediaKeyTimestamp;
      this.mimetype = media.mimetype;
      this.filename = media.filename;
      this.size = media.size;
      this.filehash = media.filehash;
      this.encFilehash = media.encFilehash;
      this.caption = media.caption;
      this.isViewOnce = media.viewOnce === true;
      this.isGif = media.gifPlayback === true;
      this.#hd = media.hd === true;
      this.mediaObject = { type: fields.type };
      this.mediaData = { mediaStage: 'RESOLVED' };
    }
  }

  /** The media reference, when this is a media message. */
  media(): WireMedia | undefined {
    if (this.directPath === undefined || this.mediaKey === undefined) return undefined;
    return {
      directPath: this.directPath,
      mediaKey: this.mediaKey,
      mediaKeyTimestamp: this.mediaKeyTimestamp ?? 0,
      mimetype: this.mimetype ?? 'application/octet-stream',
      size: this.size ?? 0,
      filehash: this.filehash ?? '',
      encFilehash: this.encFilehash ?? '',
      ...(this.filename === undefined ? {} : { filename: this.filename }),
      ...(this.caption === undefined ? {} : { caption: this.caption }),
      ...(this.isViewOnce ? { viewOnce: true } : {}),
      ...(this.isGif ? { gifPlayback: true } : {}),
      ...(this.#hd ? { hd: true } : {}),
    };
  }

  /** The media's audio/video parameters, as a channel post sends them (`mediaMetadata`). */
  avParams(): Record<string, unknown> {
    return { mimetype: this.mimetype, size: this.size };
  }

  /** Media on the servers needs no extra step here: it is downloaded on demand. */
  async downloadMedia(): Promise<void> {
    if (this.mediaData) this.mediaData.mediaStage = 'RESOLVED';
  }

  /** The app's ack update: only forward unless `force` (a channel post the servers took is set to 1 this way). */
  updateAck(ack: number, force = false): void {
    if (force || ack > this.ack) this.set('ack', ack);
  }

  /** Changes a field of the structured content (`change:<key>`). */
  setContent(key: string, value: unknown): void {
    this.content[key] = value;
    this.set(key, value);
  }

  serialize(): Record<string, unknown> {
    return {
      ...this.extra,
      ...this.content,
      id: this.id,
      from: this.from,
      to: this.to,
      author: this.author,
      body: this.body,
      caption: this.caption,
      type: this.type,
      subtype: this.subtype,
      recipients: this.recipients,
      directPath: this.directPath,
      mediaKey: this.mediaKey,
      mediaKeyTimestamp: this.mediaKeyTimestamp,
      mimetype: this.mimetype,
      filename: this.filename,
      size: this.size,
      filehash: this.filehash,
      encFilehash: this.encFilehash,
      isViewOnce: this.isViewOnce,
      isGif: this.isGif,
      t: this.t,
      ack: this.ack,
      isNewMsg: this.isNewMsg,
      quotedMsg: this.quotedMsg ? { type: this.quotedMsg.type, body: this.quotedMsg.body } : undefined,
      quotedStanzaID: this.quotedMsg?.id.id,
      quotedParticipant: this.quotedMsg ? (this.quotedMsg.author ?? this.quotedMsg.from) : undefined,
      star: this.star,
      broadcast: false,
      isForwarded: this.forwardingScore > 0,
      forwardingScore: this.forwardingScore,
      hasReaction: this.hasReaction,
      latestEditMsgKey: this.latestEditMsgKey,
      latestEditSenderTimestampMs: this.latestEditSenderTimestampMs,
      mentionedJidList: this.mentionedJidList,
      vcardList: this.vcardList,
      groupMentions: this.groupMentions,
      templateParams: this.templateParams,
    };
  }

  /** The raw model (the app hands it to `WAWebMsgReply.canReplyMsg`). */
  unsafe(): this {
    return this;
  }

  canReply(): boolean {
    return this.type !== 'revoked' && this.type !== 'ciphertext';
  }

  /** The quote fields a reply to this message carries. */
  msgContextInfo(chat: ChatModel): Record<string, unknown> {
    return {
      quotedMsg: this.serialize(),
      quotedStanzaID: this.id.id,
      quotedParticipant: this.author ?? this.from,
      quotedRemoteJid: chat.id,
    };
  }
}

/** A chat's mute state: `expiration` 0 = not muted, -1 = always, else seconds since the epoch. */
export class MuteModel {
  expiration = 0;
  constructor(private readonly chat: Model) {}
  async mute({ expiration }: { expiration: number }): Promise<void> {
    this.expiration = expiration;
    this.chat.trigger('change:mute', this.chat, this);
  }
  async unmute(): Promise<void> {
    this.expiration = 0;
    this.chat.trigger('change:mute', this.chat, this);
  }
}

export class ChatModel extends Model {
  readonly id: Wid;
  t = 0;
  unreadCount = 0;
  archive = false;
  pin = 0;
  isLocked = false;
  /** Nothing can be sent here (a private chat stays writable in the simulator; groups: see their announce setting). */
  isReadOnly = false;
  readonly mute = new MuteModel(this);
  formattedTitle: string;
  groupMetadata: GroupMetadata | null = null;
  lastReceivedKey: MsgKey | undefined = undefined;
  /** After history sync: 0 older messages remain on the phone, 1 none (unset for a chat history did not bring). */
  endOfHistoryTransferType: 0 | 1 | undefined = undefined;
  /** A business account's labels on the chat (label ids; unset on a personal account). */
  labels: string[] | undefined = undefined;
  readonly msgs = new Collection<MsgModel>(MsgModel);

  /** A group chat whose participants have this account as an admin. */
  iAmAdmin(): boolean {
    return this.groupMetadata?.participants.iAmAdmin() ?? false;
  }

  constructor(id: Wid, title?: string) {
    super();
    this.id = id;
    this.formattedTitle = title ?? `+${id.user}`;
  }

  serialize(): Record<string, unknown> {
    return {
      id: this.id,
      t: this.t,
      unreadCount: this.unreadCount,
      archive: this.archive,
      pin: this.pin,
      isLocked: this.isLocked,
      isReadOnly: this.isReadOnly,
      muteExpiration: this.mute.expiration,
      name: this.formattedTitle,
      isGroup: this.id.isGroup(),
      labels: this.labels,
      msgs: this.msgs.getModelsArray().map((m) => m.serialize()),
    };
  }
}

/** `Msg`: the messages the device has, by serialized key. */
export class MsgCollection extends Collection<MsgModel> {
  /** `modelClass` builds a model from the message data a client passes (app-msg-model.ts). */
  constructor(modelClass: new (data: MsgFields & Record<string, unknown>) => MsgModel = MsgModel) {
    super(modelClass);
  }

  async getMessagesById(ids: unknown[]): Promise<{ messages: MsgModel[] }> {
    return { messages: ids.map((id) => this.get(id)).filter((m): m is MsgModel => m !== undefined) };
  }

  /** Messages on this device whose text holds `query` (any case), newest first; `page` (from 1) of `count`, in chat `remote`. */
  async search(query: unknown, page?: number, count?: number, remote?: unknown): Promise<{ messages: MsgModel[] }> {
    const needle = (typeof query === 'string' ? query : '').toLowerCase();
    const chat = remote === undefined || remote === null ? undefined : Collection.keyOf(remote);
    const hits = this.getModelsArray()
      .filter((m) => chat === undefined || Collection.keyOf(m.id.remote) === chat)
      .filter((m) => m.type !== 'revoked' && `${m.body}\n${m.caption ?? ''}`.toLowerCase().includes(needle))
      // Newest first; within one second, the later one first.
      .reverse()
      .sort((a, b) => b.t - a.t);
    const size = count ?? hits.length;
    const first = Math.max(0, (page ?? 1) - 1) * size;
    return { messages: hits.slice(first, first + size) };
  }
}

export class OfflineHandler {
  progress = 100;
  getOfflineDeliveryProgress(): number {
    return this.progress;
  }
}
