import type { PageMessage } from '../web/bridge';

/** What a Message needs of the client: sending back into the same chat. */
export interface MessageSender {
  sendMessage(chatId: string, content: string, options?: { quotedMessageId?: string }): Promise<Message>;
}

export interface MessageId {
  fromMe: boolean;
  remote: string;
  id: string;
  _serialized: string;
}

/** A text message, shaped like whatsapp-web.js's `Message` for the fields waweb supports. */
export class Message {
  readonly id: MessageId;
  readonly body: string;
  readonly type: string;
  /** Sender id, e.g. `15550001111@c.us`. */
  readonly from: string;
  readonly to: string;
  readonly fromMe: boolean;
  /** Seconds since the epoch. */
  readonly timestamp: number;
  readonly #client: MessageSender;

  constructor(client: MessageSender, data: PageMessage) {
    this.#client = client;
    const parts = data.id.split('_');
    this.id = {
      fromMe: data.fromMe,
      remote: data.chatId,
      id: parts.length >= 3 ? parts.slice(2).join('_') : data.id,
      _serialized: data.id,
    };
    this.body = data.body;
    this.type = data.type;
    this.from = data.from;
    this.to = data.to;
    this.fromMe = data.fromMe;
    this.timestamp = data.timestamp;
  }

  /** The chat this message belongs to. */
  get chatId(): string {
    return this.id.remote;
  }

  /** Sends `text` to this message's chat, quoting it. */
  reply(text: string): Promise<Message> {
    return this.#client.sendMessage(this.chatId, text, { quotedMessageId: this.id._serialized });
  }
}
