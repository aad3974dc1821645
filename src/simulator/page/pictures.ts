/**
 * Profile pictures as whatsapp-web.js 1.34.7 reaches them: the `ProfilePicThumb` collection
 * (`get`, `find`; a thumb's `canSet()`, `canDelete()`, `eurl`, `img`) and
 * `WAWebContactProfilePicThumbBridge` (`requestProfilePicFromServer`, `sendSetPicture`,
 * `requestDeletePicture`). The pictures are on the simulator's servers; the page asks for them.
 */
import type { ServerFrame } from '../protocol';
import type { App } from './app';
import { Collection, Model } from './models';
import type { ChatModel } from './wa-models';
import { createWid, type Wid } from './wid';

/** What the real app throws for a server's error answer; clients check its `name`. */
function serverStatusError(status: number): Error {
  return Object.assign(new Error(`the server answered ${status}`), { name: 'ServerStatusCodeError', statusCode: status });
}

export class ProfilePicThumb extends Model {
  eurl: string | undefined = undefined;
  img: string | undefined = undefined;
  imgFull: string | undefined = undefined;
  tag: string | undefined = undefined;

  constructor(
    readonly id: Wid,
    private readonly mayChange: (wid: Wid) => boolean,
  ) {
    super();
  }

  /** Whether this account may set it: its own, or a group's it administers. */
  canSet(): boolean {
    return this.mayChange(this.id);
  }

  canDelete(): boolean {
    return this.canSet() && this.eurl !== undefined;
  }

  /** What the server said: a picture (`eurl`, `id`) or none. */
  learn(reply: { eurl?: string | undefined; id?: string | undefined }): void {
    this.set('eurl', reply.eurl);
    this.set('img', reply.eurl);
    this.set('imgFull', reply.eurl);
    this.set('tag', reply.id);
  }

  serialize(): Record<string, unknown> {
    return { id: this.id, eurl: this.eurl, img: this.img, imgFull: this.imgFull, tag: this.tag };
  }
}

/** The part of a data URL after its comma (the base64 bytes). */
function base64Of(dataUrl: unknown): string {
  return typeof dataUrl === 'string' ? dataUrl.slice(dataUrl.indexOf(',') + 1) : '';
}

export function pictureModules(app: App): { collection: Collection<ProfilePicThumb>; modules: Record<string, unknown> } {
  const mayChange = (wid: Wid): boolean => {
    const me = app.meUser();
    if (!me) return false;
    if (wid._serialized === me._serialized) return true;
    return app.store.chats.get(wid)?.groupMetadata?.participants.get(me)?.isAdmin === true;
  };
  const thumbOf = (wid: Wid): ProfilePicThumb => collection.get(wid) ?? collection.add(new ProfilePicThumb(wid, mayChange));
  const ask = async (frame: { t: 'picture' | 'set-picture' | 'delete-picture'; chatId: string; full?: string; thumb?: string }) => {
    const reply: ServerFrame | null = await app.request({ ...frame, reqId: app.nextReqId() } as Parameters<App['request']>[0], 15_000);
    if (reply?.t !== 'picture') throw serverStatusError(408);
    return reply;
  };
  const collection = Object.assign(new Collection<ProfilePicThumb>(), {
    find: async (id: unknown): Promise<ProfilePicThumb> => {
      const thumb = thumbOf(createWid(id));
      if (thumb.eurl === undefined) {
        const reply = await ask({ t: 'picture', chatId: thumb.id._serialized });
        if (reply.status === 200) thumb.learn(reply);
      }
      return thumb;
    },
  });
  // A chat (a model, or its serialized form as whatsapp-web.js passes it) or a wid.
  const widOf = (chatOrWid: unknown): Wid =>
    createWid(
      typeof chatOrWid === 'object' && chatOrWid !== null && 'id' in chatOrWid && !('server' in chatOrWid)
        ? (chatOrWid as ChatModel).id
        : chatOrWid,
    );
  const modules = {
    WAWebContactProfilePicThumbBridge: {
      requestProfilePicFromServer: async (chatOrWid: unknown) => {
        const wid = widOf(chatOrWid);
        const reply = await ask({ t: 'picture', chatId: wid._serialized });
        if (reply.status !== 200) throw serverStatusError(reply.status);
        thumbOf(wid).learn(reply);
        return { eurl: reply.eurl, img: reply.eurl, imgFull: reply.eurl, tag: reply.id, id: wid };
      },
      sendSetPicture: async (wid: unknown, thumb: unknown, full: unknown) => {
        const chatWid = widOf(wid);
        const reply = await ask({ t: 'set-picture', chatId: chatWid._serialized, full: base64Of(full), thumb: base64Of(thumb) });
        if (reply.status === 200) thumbOf(chatWid).learn(reply);
        return { status: reply.status, eurl: reply.eurl, tag: reply.id };
      },
      requestDeletePicture: async (wid: unknown) => {
        const chatWid = widOf(wid);
        const reply = await ask({ t: 'delete-picture', chatId: chatWid._serialized });
        if (reply.status === 200) thumbOf(chatWid).learn({});
        return { status: reply.status };
      },
    },
  };
  return { collection, modules };
}
