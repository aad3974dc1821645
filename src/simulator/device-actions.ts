/**
 * What a linked device does to the account's messages, chats, contacts and profile, recorded where
 * the phone API reads it: deleting its own messages for everyone, reacting, editing, starring and
 * pinning messages; chat settings; blocking; the display name, the about text and pictures.
 */
import { BusinessOperations } from './business';
import { BusinessMessages } from './business-messages';
import { CallOperations } from './calls';
import { ContactOperations } from './contacts';
import { GroupRequests } from './group-requests';
import { GroupOperations } from './groups';
import type { Connection, SimulatorHub } from './hub';
import { PictureOperations } from './pictures';
import type { ClientFrame } from './protocol';
import { PollActions } from './polls';
import { ChannelOperations } from './channels';

/** The frames handled here. */
export type DeviceActionFrame = Extract<
  ClientFrame,
  | { t: 'revoke-own' }
  | { t: 'window' }
  | { t: 'react' }
  | { t: 'edit' }
  | { t: 'status' }
  | { t: 'msg-flag' }
  | { t: 'pushname' }
  | { t: 'chat-settings' }
  | { t: 'block' }
  | { t: 'about' }
  | { t: 'save-contact' }
  | { t: 'delete-contact' }
  | { t: 'devices' }
  | { t: 'picture' }
  | { t: 'set-picture' }
  | { t: 'delete-picture' }
  | { t: 'group-request' }
  | { t: 'device-props' }
  | { t: 'labels' }
  | { t: 'note' }
  | { t: 'poll-vote' }
  | { t: 'event-response' }
  | { t: 'event-edit' }
  | { t: 'stanza' }
  | { t: 'call-link' }
  | { t: 'newsletter' }
  | { t: 'order' }
>;

export class DeviceActions {
  readonly #contacts: ContactOperations;
  readonly #pictures: PictureOperations;
  readonly #groupRequests: GroupRequests;
  readonly #business: BusinessOperations;
  readonly #polls: PollActions;
  readonly #calls: CallOperations;
  readonly #orders: BusinessMessages;
  /** Groups: a device's messages to one reach its other members. */
  readonly groups: GroupOperations;
  /** Channels: a device learns its account's at login (history sync). */
  readonly channels: ChannelOperations;

  constructor(private readonly hub: SimulatorHub) {
    this.#contacts = new ContactOperations(hub);
    this.groups = new GroupOperations(hub);
    this.#pictures = new PictureOperations(hub, (number, groupId) => this.groups.pictureChanged(number, groupId));
    this.#groupRequests = new GroupRequests(hub, this.groups);
    this.#business = new BusinessOperations(hub);
    this.#polls = new PollActions(hub);
    this.#calls = new CallOperations(hub);
    this.channels = new ChannelOperations(hub);
    this.#orders = new BusinessMessages(hub);
  }

  async onFrame(conn: Connection, frame: DeviceActionFrame): Promise<void> {
    switch (frame.t) {
      case 'window':
        if (typeof frame.chatId === 'string')
          conn.window = { chatId: frame.chatId, msgId: typeof frame.msgId === 'string' ? frame.msgId : null };
        return;
      case 'pushname':
      case 'chat-settings':
      case 'block':
      case 'about':
      case 'save-contact':
      case 'delete-contact':
      case 'devices':
        return this.#contacts.onDeviceFrame(conn, frame);
      case 'picture':
      case 'set-picture':
      case 'delete-picture':
        return this.#pictures.onDeviceFrame(conn, frame);
      case 'group-request':
        return this.#groupRequests.onDeviceFrame(conn, frame.reqId, frame.request);
      case 'device-props':
        return this.#deviceProps(conn, frame);
      case 'labels':
      case 'note':
        return this.#business.onDeviceFrame(conn, frame);
      case 'poll-vote':
      case 'event-response':
      case 'event-edit':
        return this.#polls.onDeviceFrame(conn, frame);
      case 'stanza':
      case 'call-link':
        this.#calls.onDeviceFrame(conn, frame);
        return;
      case 'newsletter':
        return this.channels.onDeviceFrame(conn, frame);
      case 'order':
        return this.#orders.onDeviceFrame(conn, frame);
      default:
        return this.#messageAction(conn, frame);
    }
  }

  /** The names the device gave itself when linked: the phone's linked-devices list shows them. */
  async #deviceProps(conn: Connection, frame: Extract<ClientFrame, { t: 'device-props' }>): Promise<void> {
    const found = conn.deviceId ? this.hub.state.findDevice(conn.deviceId) : undefined;
    if (!found || typeof frame.deviceName !== 'string' || typeof frame.browser !== 'string') return;
    found.device.deviceName = frame.deviceName.slice(0, 100);
    found.device.browser = frame.browser.slice(0, 100);
    await this.hub.state.save();
  }

  /** Deleting its own message for everyone, reacting, editing its own, starring, pinning; its about text. */
  async #messageAction(
    conn: Connection,
    frame: Extract<ClientFrame, { t: 'revoke-own' } | { t: 'react' } | { t: 'edit' } | { t: 'status' } | { t: 'msg-flag' }>,
  ): Promise<void> {
    const found = conn.deviceId ? this.hub.state.findDevice(conn.deviceId) : undefined;
    if (!found) return;
    const { account } = found;
    if (frame.t === 'status') {
      if (typeof frame.text === 'string' && frame.text.length <= 139) account.status = frame.text;
    } else if (frame.t === 'react' || frame.t === 'msg-flag') {
      const pool = frame.fromMe ? account.sent : (account.history ?? []);
      const target = pool.find((m) => m.id === frame.id && m.chatId === frame.chatId);
      if (!target) return;
      if (frame.t === 'react' && typeof frame.reaction === 'string') target.reaction = frame.reaction;
      if (frame.t === 'msg-flag' && (frame.flag === 'starred' || frame.flag === 'pinned')) target[frame.flag] = frame.value === true;
    } else {
      const own = account.sent.find((m) => m.id === frame.id && m.chatId === frame.chatId);
      if (!own) return;
      if (frame.t === 'revoke-own') {
        own.type = 'revoked';
        own.body = '';
      } else if (typeof frame.body === 'string') {
        // A media message's text is its caption.
        if (own.media) own.media.caption = frame.body;
        else own.body = frame.body;
        own.edited = true;
      }
    }
    await this.hub.state.save();
  }
}
