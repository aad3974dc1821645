/**
 * What bots call on a ready client: messages, media, chats, contacts. The lifecycle (start, stop,
 * events) lives in `Client`, which supplies the ready page.
 */
import { PageError } from '../errors';
import { silentLogger, type Logger } from '../util/logger';
import { TypedEmitter } from '../util/typed-emitter';
import type { PageGroupNotification, PageMessage } from '../web/bridge';
import type { WebPage } from '../web/web-page';
import { Contact, chatIdOf, toChat, toWid, type Chat, type Wid } from './chat';
import { MessageMedia } from './media';
import { toOutgoing, type MessageContent, type MessageSendOptions } from './content';
import { GroupNotification, Message, type MessageSender } from './message';
import { logClientEvent } from './lifecycle-log';
import type { ClientEvents } from './types';

export abstract class ClientApi extends TypedEmitter<ClientEvents> {
  /** The `logger` option's records for this client (silent without one). */
  protected log: Logger = silentLogger;

  /** Every event is also a log record (see lifecycle-log.ts). */
  protected override emit<K extends keyof ClientEvents>(event: K, ...args: ClientEvents[K]): void {
    logClientEvent(this.log, event, args);
    super.emit(event, ...args);
  }

  readonly #chatHost: MessageSender = {
    readyPage: (what) => this.readyPage(what),
    sendMessage: (chatId, content, options) => this.sendMessage(chatId, content, options),
    downloadMedia: (messageId) => this.downloadMedia(messageId),
    getChatById: (chatId) => this.getChatById(chatId),
    getContactById: (contactId) => this.getContactById(contactId),
  };

  /** The page of a client that is ready; throws a `NotReadyError` otherwise. */
  protected abstract readyPage(what: string): WebPage;

  protected toNotification(data: PageGroupNotification): GroupNotification {
    return new GroupNotification(this.#chatHost, data);
  }

  /** A page message as the `Message` bots get. */
  protected toMessage(data: PageMessage): Message {
    return new Message(this.#chatHost, data);
  }

  /**
   * Sends a text, media (`MessageMedia`: with `caption`, as a document, a voice note or a sticker), a
   * `Location`, or contact cards (a `Contact` or an array of them), with whatsapp-web.js's options.
   */
  async sendMessage(chatId: string, content: MessageContent, options: MessageSendOptions = {}): Promise<Message> {
    const target = chatIdOf(chatId);
    const outgoing = toOutgoing(content, options ?? {});
    const web = this.readyPage('sendMessage()');
    if (options?.sendSeen !== false) await web.sendSeen(target);
    const sent =
      outgoing.kind === 'media'
        ? await web.sendMedia(target, outgoing.media, outgoing.options)
        : await web.send(target, outgoing.content, outgoing.options);
    return this.toMessage(sent);
  }

  /** A message's media, decrypted; `undefined` when it has none or it expired. */
  async downloadMedia(messageId: string): Promise<MessageMedia | undefined> {
    const media = await this.readyPage('downloadMedia()').downloadMedia(messageId);
    return media ? new MessageMedia(media.mimetype, media.data, media.filename ?? null, media.filesize ?? null) : undefined;
  }

  /** The WhatsApp Web version the page runs (`Debug.VERSION`). */
  async getWWebVersion(): Promise<string> {
    return this.readyPage('getWWebVersion()').version ?? '';
  }

  /** Every chat the app has loaded, groups as `GroupChat`. */
  async getChats(): Promise<Chat[]> {
    return (await this.readyPage('getChats()').getChats()).map((c) => toChat(this.#chatHost, c));
  }

  /** One chat by id (`<number>@c.us`, `<id>@g.us`; a bare number is accepted). */
  async getChatById(chatId: string): Promise<Chat> {
    const target = chatIdOf(chatId);
    const data = await this.readyPage('getChatById()').getChat(target);
    if (!data) throw new PageError(`no chat with ${target}`);
    return toChat(this.#chatHost, data);
  }

  async getContacts(): Promise<Contact[]> {
    return (await this.readyPage('getContacts()').getContacts()).map((c) => new Contact(this.#chatHost, c));
  }

  async getContactById(contactId: string): Promise<Contact> {
    const target = chatIdOf(contactId, 'contactId');
    return new Contact(this.#chatHost, await this.readyPage('getContactById()').getContact(target));
  }

  /** The WhatsApp id of a phone number, or `null` when the number is not on WhatsApp. */
  async getNumberId(number: string): Promise<Wid | null> {
    const target = chatIdOf(number, 'number');
    const id = await this.readyPage('getNumberId()').numberId(target);
    return id === null ? null : toWid(id);
  }

  async isRegisteredUser(id: string): Promise<boolean> {
    return (await this.getNumberId(id)) !== null;
  }

  /** Marks a chat read; the sender's phone shows blue ticks. */
  async sendSeen(chatId: string): Promise<boolean> {
    const target = chatIdOf(chatId);
    return this.readyPage('sendSeen()').sendSeen(target);
  }
}
