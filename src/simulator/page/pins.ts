/**
 * The messages pinned in chats, as whatsapp-web.js 1.34.7 reads them:
 * `WAWebPinInChatSchema.getTable().equals(['chatId'], chatId)` → records with `pinType` (1 pinned,
 * 2 unpinned) and `parentMsgKey` (the pinned message's serialized key). A pin from this device or
 * from anyone in the chat lands here; an expired one is gone.
 */

interface PinRecord {
  id: string;
  chatId: string;
  parentMsgKey: string;
  pinType: 1 | 2;
  senderTimestampMs: number;
  /** Seconds the pin lasts. */
  pinExpiryDuration: number;
}

export class PinTable {
  /** By the pinned message's serialized key. */
  readonly #records = new Map<string, PinRecord>();

  /** `WAWebPinInChatSchema`. */
  readonly module = {
    getTable: () => ({
      equals: async (fields: unknown, value: unknown): Promise<PinRecord[]> => {
        if (!Array.isArray(fields) || fields.length !== 1 || fields[0] !== 'chatId') throw new Error('the pin table is indexed by chatId');
        const now = Date.now();
        return [...this.#records.values()].filter(
          (r) => r.chatId === String(value) && r.senderTimestampMs + r.pinExpiryDuration * 1000 > now,
        );
      },
    }),
  };

  /** A message pinned for `seconds` (or unpinned) in chat `chatId`. */
  record(chatId: string, parentMsgKey: string, pinned: boolean, seconds: number): void {
    this.#records.set(parentMsgKey, {
      id: `${parentMsgKey}_pin`,
      chatId,
      parentMsgKey,
      pinType: pinned ? 1 : 2,
      senderTimestampMs: Date.now(),
      pinExpiryDuration: seconds,
    });
  }
}
