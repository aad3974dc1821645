/**
 * The messages, chats and contacts of the simulated app, and what happens to them: received,
 * sent through `addAndSendMsgToChat`, acknowledged, decrypted, revoked, read.
 */
import type { ClientFrame, ServerFrame, WireContact, WireGroup, WireMessage } from '../protocol';
import { Collection } from './models';
import { GroupMetadata } from './group-models';
import { AppMsgModel } from './app-msg-model';
import { ChatModel, MsgCollection, MsgModel } from './wa-models';
import { ContactModel } from './contact-model';
import { NewsletterCollection } from './newsletter-models';
import { extrasOf, mediaOf } from './msg-data';
import { outgoingContent, receivedContent, sentContent } from './polls';
import { receivedCommerceContent, sentCommerceContent } from './commerce';
import { createWid, MsgKey, type Wid } from './wid';

/** What the store needs from the app's connection. */
export interface StoreLink {
  send(frame: ClientFrame): void;
  request(frame: ClientFrame & { reqId: number }, timeoutMs: number): Promise<ServerFrame | null>;
  nextReqId(): number;
  meUser(): Wid | undefined;
  meLid?(): Wid | undefined;
}

export class MessageStore {
  readonly msgs = new MsgCollection(AppMsgModel);
  readonly chats = Object.assign(new Collection<ChatModel>(ChatModel), {
    find: async (wid: unknown): Promise<ChatModel> => this.chatFor(createWid(wid)).chat,
  });
  readonly contacts = Object.assign(new Collection<ContactModel>(ContactModel), {
    find: async (wid: unknown): Promise<ContactModel> => this.contactFor(createWid(wid)),
    /** Gets or adds (the app's `gadd`). */
    gadd: (wid: unknown): ContactModel => this.contactFor(createWid(wid)),
  });
  /** `WAWebCollections.WAWebNewsletterCollection`: the channels the device knows (their posts are in `Msg` too). */
  readonly newsletters = new NewsletterCollection();
  /** `WAWebCollections.Blocklist`: the contacts the account blocked. */
  readonly blocklist = new Collection<ContactModel>();
  /** The PN ↔ LID mapping the app knows (from its address book, and from `queryWidExists`). */
  readonly #lidByPn = new Map<string, Wid>();
  readonly #pnByLid = new Map<string, Wid>();

  constructor(private readonly link: StoreLink) {}

  /** A group's metadata (created, or changed): its chat, titled by the subject, with its participants. */
  learnGroup(group: WireGroup): ChatModel {
    const { chat } = this.chatFor(createWid(group.id));
    const metadata = new GroupMetadata(group, () => [this.link.meUser(), this.link.meLid?.()].filter((w): w is Wid => w !== undefined));
    // Members are contacts of the app, as the real app keeps them.
    for (const p of metadata.participants.getModelsArray()) if (p.id.isUser()) this.contactFor(p.id);
    chat.groupMetadata = metadata;
    // Who shares which groups has changed: contacts' common groups are asked for again.
    for (const contact of this.contacts.getModelsArray()) contact.commonGroups = undefined;
    chat.set('formattedTitle', group.subject);
    return chat;
  }

  /** Remembers a contact (address book or `queryWidExists`): its names, its LID, its chat's title. */
  learn(contact: WireContact): ContactModel {
    const wid = createWid(contact.wid);
    this.#map(wid, createWid(contact.lid));
    const model = this.contactFor(wid);
    if (contact.name !== undefined) {
      // Taken out of the address book: the contact goes back to its number.
      model.set('name', contact.name ?? undefined);
      this.chats.get(wid)?.set('formattedTitle', contact.name ?? `+${wid.user}`);
    }
    if (contact.blocked !== undefined) this.setBlocked(model, contact.blocked);
    return model;
  }

  /** Marks `contact` blocked or not, in the contact and in the blocklist. */
  setBlocked(contact: ContactModel, blocked: boolean): void {
    contact.set('isContactBlocked', blocked);
    if (blocked && !this.blocklist.get(contact.id)) this.blocklist.add(contact);
    if (!blocked) this.blocklist.remove(contact.id);
  }

  contactFor(wid: Wid): ContactModel {
    const existing = this.contacts.get(wid);
    if (existing) return existing;
    const model = new ContactModel(wid);
    // A LID contact carries its phone number once the app knows it.
    if (wid.isLid()) model.phoneNumber = this.pnOf(wid);
    return this.contacts.add(model);
  }

  /** Learns that `pn` and `lid` are one user: the mapping, and the LID contact's `phoneNumber`. */
  #map(pn: Wid, lid: Wid): void {
    this.#lidByPn.set(pn._serialized, lid);
    this.#pnByLid.set(lid._serialized, pn);
    const contact = this.contacts.get(lid);
    if (contact) contact.phoneNumber = pn;
  }

  lidOf(pn: unknown): Wid | undefined {
    return this.#lidByPn.get(createWid(pn)._serialized);
  }

  pnOf(lid: unknown): Wid | undefined {
    return this.#pnByLid.get(createWid(lid)._serialized);
  }

  /**
   * `addAndSendMsgToChat`: synchronously returns two promises. The first resolves once the message
   * is in `Msg` (ack 0, `isNewMsg`, Msg `add` fired); the second once the server has it (ack 1).
   * Keys the app does not know (`parseVCards`, `waitUntilMsgSent`, ...) are ignored.
   */
  addAndSend(chat: ChatModel, data: Record<string, unknown>): [Promise<MsgModel>, Promise<string>] {
    const added = Promise.resolve().then(() => {
      const key = data['id'];
      if (!(key instanceof MsgKey)) throw new Error('addAndSendMsgToChat: data.id must be a message key');
      const quotedId = typeof data['quotedStanzaID'] === 'string' ? data['quotedStanzaID'] : undefined;
      const quoted = quotedId === undefined ? undefined : chat.msgs.getModelsArray().find((m) => m.id.id === quotedId);
      const media = mediaOf(data);
      const extras = extrasOf(data);
      const model = new MsgModel({
        id: key,
        from: createWid(data['from'] ?? this.link.meUser()),
        to: chat.id,
        body: media ? '' : typeof data['body'] === 'string' ? data['body'] : '',
        ...extras,
        content: sentContent(data) ?? sentCommerceContent(data),
        type: typeof data['type'] === 'string' ? data['type'] : 'chat',
        t: typeof data['t'] === 'number' ? data['t'] : Math.floor(Date.now() / 1000),
        ack: 0,
        isNewMsg: true,
        quotedKey: quoted ? String(quoted.id) : undefined,
        media,
      });
      model.quotedMsg = quoted;
      // Media is on the servers once the send is acknowledged.
      model.isUnsentMedia = media !== undefined;
      return this.#store(chat, model);
    });
    const sent = added.then(async (model) => {
      const media = model.media();
      const reply = await this.link.request(
        {
          t: 'send',
          reqId: this.link.nextReqId(),
          msg: {
            id: model.id.id,
            to: chat.id._serialized,
            body: model.body,
            type: model.type,
            ...(model.quotedMsg ? { quotedId: model.quotedMsg.id.id } : {}),
            ...(media ? { media } : {}),
            ...(Object.keys(model.extra).length > 0 ? { fields: model.extra } : {}),
            ...(model.mentionedJidList.length > 0 ? { mentions: model.mentionedJidList.map((w) => w._serialized) } : {}),
            ...(model.groupMentions.length > 0
              ? { groupMentions: model.groupMentions.map((g) => ({ groupJid: g.groupJid._serialized, groupSubject: g.groupSubject })) }
              : {}),
            ...(model.forwardingScore > 0 ? { forwardingScore: model.forwardingScore } : {}),
            ...(model.vcardList ? { vcards: model.vcardList } : {}),
            ...outgoingContent(model),
          },
        },
        15_000,
      );
      if (!reply || reply.t !== 'sent') throw new Error('message was not acknowledged by the server');
      // Not over a later ack, nor over a refusal (-1) that came first.
      if (model.ack === 0) model.set('ack', 1);
      if (model.isUnsentMedia) model.set('isUnsentMedia', false);
      return 'OK';
    });
    sent.catch(() => undefined);
    return [added, sent];
  }

  /**
   * `forwardMessages`: each message sent again to `chat` as a new own message with the same content
   * (media by reference, caption only with `includeCaption`) and its forwarding score raised by one.
   */
  async forward(chat: ChatModel, msgs: MsgModel[], includeCaption: boolean): Promise<void> {
    const me = this.link.meUser();
    if (!me) throw new Error('forwardMessages: not logged in');
    for (const msg of msgs) {
      if (!(msg instanceof MsgModel)) throw new Error('forwardMessages: msgs must be message models');
      const media = msg.media();
      const key = new MsgKey({ from: me, to: chat.id, id: await MsgKey.newId(), selfDir: 'out' });
      const [, sent] = this.addAndSend(chat, {
        id: key,
        from: me,
        type: msg.type,
        body: msg.body,
        ...msg.extra,
        ...(media ? { ...media, caption: includeCaption ? media.caption : undefined } : {}),
        ...(msg.vcardList ? { vcardList: msg.vcardList } : {}),
        forwardingScore: msg.forwardingScore + 1,
      });
      await sent;
    }
  }

  /** Finds the chat for `wid`, making it when the account has none yet. */
  chatFor(wid: Wid): { chat: ChatModel; created: boolean } {
    // A channel's chat is in the channels' collection, never in `Chat`.
    if (wid.server === 'newsletter') return { chat: this.newsletters.chatFor(wid), created: false };
    const existing = this.chats.get(wid);
    if (existing) return { chat: existing, created: false };
    const name = wid.isUser() ? this.contacts.get(wid)?.name : undefined;
    const chat = this.chats.add(new ChatModel(wid, name));
    // A mute set on this device reaches the account's phone.
    chat.on('change:mute', () =>
      this.link.send({ t: 'chat-settings', chatId: wid._serialized, settings: { muteExpiration: chat.mute.expiration } }),
    );
    return { chat, created: true };
  }

  /** `sendSeen`: the chat is read here, and the contact's phone is told. */
  seen(chat: ChatModel): void {
    chat.set('unreadCount', 0);
    this.link.send({ t: 'seen', chatId: chat.id._serialized });
  }

  /** A message from the servers (new, offline or history) into its chat and `Msg`. */
  receive(wire: WireMessage, isNewMsg: boolean): MsgModel {
    const remote = createWid(wire.chatId);
    // A message from a LID with the sender's number told along (`sender_pn`): the app now maps them.
    if (wire.senderPn !== undefined && createWid(wire.from).isLid()) this.#map(createWid(wire.senderPn), createWid(wire.from));
    if (remote.isUser()) this.contactFor(remote);
    const { chat } = this.chatFor(remote);
    const quoted = wire.quotedId === undefined ? undefined : chat.msgs.getModelsArray().find((m) => m.id.id === wire.quotedId);
    const model = new MsgModel({
      // Group messages and status posts are keyed with their sender.
      id: new MsgKey({
        fromMe: wire.fromMe,
        remote,
        id: wire.id,
        participant: (remote.isGroup() || remote.isStatus()) && wire.author ? wire.author : undefined,
      }),
      from: createWid(wire.from),
      to: createWid(wire.to),
      author: wire.author === undefined ? undefined : createWid(wire.author),
      body: wire.body,
      type: wire.type ?? 'chat',
      subtype: wire.subtype,
      recipients: wire.recipients?.map((r) => createWid(r)),
      media: wire.media,
      fields: wire.fields,
      mentions: wire.mentions?.map((m) => createWid(m)),
      groupMentions: wire.groupMentions?.map((g) => ({ groupJid: createWid(g.groupJid), groupSubject: g.groupSubject })),
      forwardingScore: wire.forwardingScore,
      vcards: wire.vcards,
      content: receivedContent(wire) ?? receivedCommerceContent(wire),
      t: wire.t,
      ack: wire.fromMe ? (wire.ack ?? 1) : 0,
      isNewMsg,
      quotedKey: quoted ? String(quoted.id) : undefined,
    });
    model.quotedMsg = quoted;
    model.isStatusV3 = remote.isStatus();
    if (!wire.fromMe) {
      // History arrives read; only new messages wait to be seen.
      if (isNewMsg) chat.set('unreadCount', chat.unreadCount + 1);
      chat.lastReceivedKey = model.id;
    }
    const stored = this.#store(chat, model);
    // A notification's template is filled in once it is in `Msg` (clients hear that as `change`).
    if (wire.templateParams)
      stored.set(
        'templateParams',
        wire.templateParams.map((id) => createWid(id)),
      );
    return stored;
  }

  #store(chat: ChatModel, model: MsgModel): MsgModel {
    const stored = this.msgs.add(model);
    chat.msgs.add(stored);
    if (stored.t > chat.t) chat.set('t', stored.t);
    return stored;
  }

  /** The server reports how far a sent message got: 2 delivered, 3 read, -1 failed (refused). Acks only go up, or fail. */
  ack(chatId: string, id: string, ack: number): void {
    // Group sends carry the sender as a 4th key part: look the id up when the short key misses.
    const model = this.msgs.get(`true_${chatId}_${id}`) ?? this.msgs.getModelsArray().find((m) => m.id.fromMe && m.id.id === id);
    if (model && (ack > model.ack || ack === -1)) model.set('ack', ack);
  }

  /** A placeholder decrypted: its content first, then its type (`change:type`). */
  decrypt(chatId: string, id: string, type: string, body: string): void {
    const model = this.msgs.get(`false_${chatId}_${id}`);
    if (model && model.type === 'ciphertext') {
      // Not `set`: a decrypted body is no edit (`change:body` would report one).
      model.body = body;
      model.set('type', type);
    }
  }

  /**
   * The sender edited a text, or a media message's caption (`change:body` / `change:caption`); the message
   * keeps the edit's key and the sender's time of it (`latestEditMsgKey`, `latestEditSenderTimestampMs`).
   */
  edited(chatId: string, id: string, body: string, editId: string, editedAtMs: number): void {
    const model = this.msgs.get(`false_${chatId}_${id}`);
    if (!model) return;
    model.latestEditMsgKey = new MsgKey({ fromMe: false, remote: model.id.remote, id: editId });
    model.latestEditSenderTimestampMs = editedAtMs;
    model.set(model.directPath === undefined ? 'body' : 'caption', body);
  }

  /** Deleted for everyone by its sender. */
  /** Deleted for me on the phone: gone from its chat and from `Msg` (a `remove`, as the app's own delete for me). */
  deleteForMe(chatId: string, id: string, fromMe: boolean): void {
    const model = this.msgs.get(`${fromMe}_${chatId}_${id}`);
    if (!model) return;
    this.chats.get(chatId)?.msgs.remove(model.id);
    this.msgs.remove(model.id);
  }

  revoke(chatId: string, id: string, fromMe: boolean): void {
    const model = this.msgs.get(`${fromMe}_${chatId}_${id}`);
    if (model && model.type !== 'revoked') {
      model.set('subtype', 'sender_revoke');
      model.set('type', 'revoked');
    }
  }
}
