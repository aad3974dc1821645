/**
 * Status posts, as whatsapp-web.js 1.34.7 uses them: `WAWebCollections.Status` (one `StatusV3` model per
 * poster, `get`/`find`/`getMyStatus`/`getModelsArray`, each serialized without its messages),
 * `WAWebSendStatusMsgAction` (a text post from `{ color, font, text }` under a key of its own; a media post from
 * the client's message and its `WAWebMediaUpdateMsg` step), `WAWebRevokeStatusAction` and
 * `WAWebStatusGatingUtils`. Posts are messages in `status@broadcast`, keyed with their poster as participant.
 */
import type { App } from './app';
import { mediaOf } from './msg-data';
import { Collection, Model } from './models';
import { MsgModel } from './wa-models';
import { createWid, MsgKey, type Wid } from './wid';

const STATUS = 'status@broadcast';

/** One poster's status (the app's `StatusV3` model): its live posts, how many, how many unseen, the latest time. */
export class StatusV3Model extends Model {
  t = 0;
  totalCount = 0;
  unreadCount = 0;
  /** The posts, oldest first (`serialize()` leaves them out, as the app's does). */
  readonly msgs = new Collection<MsgModel>(MsgModel);
  constructor(readonly id: Wid) {
    super();
  }

  serialize(): Record<string, unknown> {
    return { id: this.id, t: this.t, totalCount: this.totalCount, unreadCount: this.unreadCount };
  }
}

export class StatusCollection extends Collection<StatusV3Model> {
  constructor(private readonly me: () => Wid | undefined) {
    super(StatusV3Model);
  }

  /** A poster's status, fetched: an empty one (not kept) for a contact who has posted nothing. */
  async find(id: unknown): Promise<StatusV3Model> {
    const wid = createWid(id);
    return this.get(wid) ?? new StatusV3Model(wid);
  }

  /** The account's own status (made on first use). */
  getMyStatus(): StatusV3Model | undefined {
    const me = this.me();
    return me ? this.#of(me) : undefined;
  }

  /** A post arrived or was sent: counted on its poster's status. */
  posted(msg: MsgModel): void {
    const poster = msg.id.fromMe ? this.me() : (msg.author ?? msg.from);
    if (!poster || msg.type === 'revoked') return;
    const status = this.#of(createWid(poster));
    status.msgs.add(msg);
    status.set('totalCount', status.msgs.length);
    if (!msg.id.fromMe && msg.isNewMsg) status.set('unreadCount', status.unreadCount + 1);
    if (msg.t > status.t) status.set('t', msg.t);
    msg.on('change:type', () => {
      if (msg.type !== 'revoked') return;
      status.msgs.remove(msg.id);
      status.set('totalCount', status.msgs.length);
    });
  }

  #of(wid: Wid): StatusV3Model {
    return this.get(wid) ?? this.add(new StatusV3Model(wid));
  }
}

/** The modules, by the names clients `require`; `collection` is `WAWebCollections.Status`. */
export function statusModules(app: App): { collection: StatusCollection; modules: Record<string, unknown> } {
  const collection = new StatusCollection(() => app.meUser());
  app.store.msgs.on('add', (msg: MsgModel) => {
    if (msg.id.remote.isStatus()) collection.posted(msg);
  });

  /** An own post into `Msg` and the status chat, then to the servers; resolves once they have it. */
  const post = async (model: MsgModel, fields?: Record<string, number>): Promise<void> => {
    const { chat } = app.store.chatFor(createWid(STATUS));
    model.isStatusV3 = true;
    const stored = app.store.msgs.add(model);
    chat.msgs.add(stored);
    const media = stored.media();
    const reply = await app.request(
      {
        t: 'send',
        reqId: app.nextReqId(),
        msg: {
          id: stored.id.id,
          to: STATUS,
          body: stored.body,
          type: stored.type,
          ...(media ? { media } : {}),
          ...(fields ? { fields } : {}),
        },
      },
      15_000,
    );
    if (!reply || reply.t !== 'sent') throw new Error('status was not acknowledged by the server');
    if (stored.ack === 0) stored.set('ack', 1);
  };
  const ownKey = (id: string): { me: Wid; key: MsgKey } => {
    const me = app.meUser();
    if (!me) throw new Error('not logged in');
    return { me, key: new MsgKey({ from: me, to: createWid(STATUS), id, participant: me, selfDir: 'out' }) };
  };
  const fresh = (key: MsgKey, me: Wid, fields: Partial<ConstructorParameters<typeof MsgModel>[0]>): MsgModel =>
    new MsgModel({
      id: key,
      from: me,
      to: createWid(STATUS),
      body: '',
      type: 'chat',
      t: Math.floor(Date.now() / 1000),
      ack: 0,
      isNewMsg: true,
      ...fields,
    });

  return {
    collection,
    modules: {
      WAWebSendStatusMsgAction: {
        /** A text post under a key of its own: `color` the background (ARGB), `font` 0 to 7. */
        sendStatusTextMsgAction: async ({ color, font, text }: { color: number; font: number; text: string }) => {
          const { me, key } = ownKey(await MsgKey.newId());
          const fields = { backgroundColor: Number(color) >>> 0, font: Number.isInteger(font) ? font : 0 };
          await post(fresh(key, me, { body: String(text ?? ''), fields }), fields);
        },
        /** A media post: the client's message, its media fields filled in by `mediaUpdate` (the upload's). */
        sendStatusMediaMsgAction: async (
          msg: { id: MsgKey; type?: string; caption?: string },
          mediaUpdate: (data: Record<string, unknown>) => unknown,
        ) => {
          const data: Record<string, unknown> = { type: msg.type, ...(msg.caption === undefined ? {} : { caption: msg.caption }) };
          mediaUpdate(data);
          const media = mediaOf(data);
          if (!media) throw new Error('sendStatusMediaMsgAction: the media was not uploaded');
          const { me } = ownKey(msg.id.id);
          await post(fresh(msg.id, me, { type: typeof data['type'] === 'string' ? data['type'] : 'image', media }));
        },
      },
      /** `WAWebMediaUpdateMsg(msgData, mediaData)`: the uploaded media's fields onto a message's data. */
      WAWebMediaUpdateMsg: (data: Record<string, unknown>, mediaData: { toJSON?: () => Record<string, unknown> }) =>
        Object.assign(data, typeof mediaData?.toJSON === 'function' ? mediaData.toJSON() : mediaData),
      WAWebRevokeStatusAction: {
        sendStatusRevokeMsgAction: async (_status: StatusV3Model, msg: MsgModel) => {
          if (!msg?.id?.fromMe || !msg.id.remote.isStatus()) throw new Error('sendStatusRevokeMsgAction: not an own status post');
          app.send({ t: 'revoke-own', chatId: STATUS, id: msg.id.id });
          msg.set('subtype', 'sender_revoke');
          msg.set('type', 'revoked');
        },
      },
      WAWebStatusGatingUtils: { canCheckStatusRankingPosterGating: () => false },
    },
  };
}
