/**
 * Per-recipient receipts and pins, as whatsapp-web.js 1.34.7 asks for them:
 * `WAWebApiMessageInfoStore.queryMsgInfo(key)` (who got and read an own message, and when) and
 * `WAWebSendPinMessageAction.sendPinInChatMsg(msg, action, duration)` with
 * `WAWebPinMsgConstants.getPinExpiryDuration()`; the pins land in `WAWebPinInChatSchema` (./pins).
 */
import type { App } from './app';
import type { MsgModel } from './wa-models';
import { createWid, type Wid } from './wid';

/** How long a pin lasts by default: 7 days, in seconds. */
const DEFAULT_PIN_SECONDS = 7 * 24 * 3600;
const PIN = 1;

export function messageInfoModules(app: App): Record<string, unknown> {
  // When each own message was delivered (ack 2) and read (ack 3), as the receipts came in.
  const receipts = new WeakMap<MsgModel, { delivered?: number; read?: number }>();
  app.store.msgs.on('change:ack', (msg: MsgModel, ack: number) => {
    const now = Math.floor(Date.now() / 1000);
    const times = receipts.get(msg) ?? {};
    if (ack >= 2) times.delivered ??= now;
    if (ack >= 3) times.read ??= now;
    receipts.set(msg, times);
  });
  /** Who an own message went to: the contact, or the group's other members. */
  const recipients = (msg: MsgModel): Wid[] => {
    const chat = app.store.chats.get(msg.id.remote);
    const me = app.meUser()?._serialized;
    const members = chat?.groupMetadata?.participants.getModelsArray().map((p) => p.id);
    return members ? members.filter((id) => id._serialized !== me) : [createWid(msg.id.remote)];
  };
  const pinConstants = { getPinExpiryDuration: (): number => DEFAULT_PIN_SECONDS };
  return {
    WAWebApiMessageInfoStore: {
      queryMsgInfo: async (key: unknown) => {
        const msg = app.store.msgs.get(key);
        if (!msg?.id.fromMe) return null;
        const to = recipients(msg);
        const times = receipts.get(msg) ?? {};
        const delivered = msg.ack >= 2 ? to.map((id) => ({ id, t: times.delivered ?? msg.t })) : [];
        const read = msg.ack >= 3 ? to.map((id) => ({ id, t: times.read ?? msg.t })) : [];
        return {
          delivery: delivered,
          deliveryRemaining: to.length - delivered.length,
          read,
          readRemaining: to.length - read.length,
          played: [],
          playedRemaining: to.length,
        };
      },
    },
    WAWebPinMsgConstants: pinConstants,
    WAWebSendPinMessageAction: {
      sendPinInChatMsg: async (msg: MsgModel, action: number, _duration?: number) => {
        const frame = { chatId: msg.id.remote._serialized, id: msg.id.id, fromMe: msg.id.fromMe };
        const seconds = pinConstants.getPinExpiryDuration();
        app.send({ t: 'msg-flag', ...frame, flag: 'pinned', value: action === PIN && seconds > 0 });
        app.pins.record(frame.chatId, msg.id.toString(), action === PIN && seconds > 0, seconds);
        return { messageSendResult: 'OK' };
      },
    },
  };
}
