/**
 * The models WhatsApp Web's modules hand out (Socket, Conn, Cmd, Msg, Chat,
 * the offline handler), as the simulated app fills them. The ones that act
 * (logout, takeover, refreshQR) ask the app through {@link AppLink}.
 */
import type { ClientFrame, WireMessage, WireWid } from '../protocol';
import { Events, Model } from './models';

export const VERSION = '2.3000.1017054665';

/** What the models need from the app. */
export interface AppLink {
  send(frame: ClientFrame): void;
  logout(): Promise<void>;
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
}

export class ConnModel extends Model {
  ref: string | undefined = undefined;
  pushname: string | undefined = undefined;
  platform: string | undefined = undefined;
  wid: WireWid | undefined = undefined;
  battery = 100;
  plugged = true;
  serialize(): Record<string, unknown> {
    return {
      ref: this.ref,
      pushname: this.pushname,
      platform: this.platform,
      wid: this.wid,
      me: this.wid,
      phone: { wa_version: VERSION, device_manufacturer: 'waweb', device_model: 'simulated phone' },
      battery: this.battery,
      plugged: this.plugged,
    };
  }
}

export class CmdModel extends Events {
  readonly #app: AppLink;
  constructor(app: AppLink) {
    super();
    this.#app = app;
  }
  refreshQR(): void {
    this.#app.send({ t: 'refresh-qr' });
  }
}

export class MsgModel extends Model {
  readonly id: { fromMe: boolean; remote: string; id: string; _serialized: string };
  body: string;
  type = 'chat';
  t: number;
  from: string;
  to: string;
  isNewMsg: boolean;
  ack: number;
  quotedMsgId: string | undefined;

  constructor(msg: WireMessage, isNewMsg: boolean) {
    super();
    this.id = {
      fromMe: msg.fromMe,
      remote: msg.chatId,
      id: msg.id,
      _serialized: `${msg.fromMe}_${msg.chatId}_${msg.id}`,
    };
    this.body = msg.body;
    this.t = msg.t;
    this.from = msg.from;
    this.to = msg.to;
    this.isNewMsg = isNewMsg;
    this.ack = msg.fromMe ? 1 : 0;
    this.quotedMsgId = undefined;
  }

  serialize(): Record<string, unknown> {
    return {
      id: { ...this.id },
      body: this.body,
      type: this.type,
      t: this.t,
      from: this.from,
      to: this.to,
      isNewMsg: this.isNewMsg,
      ack: this.ack,
    };
  }
}

export class ChatModel extends Model {
  readonly id: WireWid;
  unreadCount = 0;
  archive = false;
  constructor(chatId: string) {
    super();
    const [user = chatId, server = 'c.us'] = chatId.split('@');
    this.id = { server, user, _serialized: chatId };
  }
  serialize(): Record<string, unknown> {
    return { id: { ...this.id }, unreadCount: this.unreadCount, archive: this.archive };
  }
}

export class OfflineHandler {
  progress = 100;
  getOfflineDeliveryProgress(): number {
    return this.progress;
  }
}
