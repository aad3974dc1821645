/**
 * Reactions on the device, as whatsapp-web.js 1.34.7 reads them: received ones arrive through
 * `WAWebAddonReactionTableMode.reactionTableMode.bulkUpsert(list)` (clients wrap it to hear them), own
 * ones through `WAWebSendReactionMsgAction.sendReactionToMsg`; `WAWebCollections.Reactions.find(msgId)`
 * gives a message's reactions grouped by emoji (`reactions.serialize()` → `{ id, aggregateEmoji,
 * hasReactionByMe, senders }`), and a message with any has `hasReaction`.
 */
import type { MsgCollection, MsgModel } from './wa-models';
import { createWid, MsgKey, type Wid } from './wid';

/** One reaction as the app stores it (what `bulkUpsert` receives). */
interface StoredReaction {
  id: MsgKey;
  reactionParentKey: MsgKey;
  reactionText: string;
  /** Milliseconds. */
  reactionTimestamp: number;
  from: Wid;
  author?: Wid;
  orphan: number;
  read: boolean;
}

/** A sender's entry in a reaction group, as the app serializes it. */
interface SenderEntry {
  msgKey: string;
  parentMsgKey: string;
  senderUserJid: string;
  reactionText: string;
  /** Milliseconds. */
  timestamp: number;
  orphan: number;
  orphanReason: string | null;
  read: boolean;
  ack: number | null;
}

export class ReactionStore {
  /** Per message (serialized key): each sender's latest reaction. */
  readonly #byMsg = new Map<string, Map<string, SenderEntry>>();

  /** `WAWebAddonReactionTableMode`. */
  readonly module = {
    reactionTableMode: {
      bulkUpsert: async (list: StoredReaction[]): Promise<StoredReaction[]> => {
        for (const r of list)
          this.#put(r.reactionParentKey, r.author ?? r.from, r.id.toString(), r.reactionText, r.reactionTimestamp, r.read);
        return list;
      },
    },
  };

  /** `WAWebCollections.Reactions`. */
  readonly collection = {
    find: async (msgId: unknown) => {
      const groups = this.#groups(String(msgId));
      return { id: String(msgId), reactions: { length: groups.length, serialize: () => groups } };
    },
  };

  constructor(
    private readonly msgs: MsgCollection,
    private readonly me: () => Wid | undefined,
  ) {}

  /** This device reacted to `msg` ('' takes it back). */
  own(msg: MsgModel, reaction: string, id: string): void {
    const me = this.me();
    if (!me) return;
    const key = new MsgKey({ fromMe: true, remote: msg.id.remote, id });
    this.#put(msg.id, me, key.toString(), reaction, Date.now(), true);
  }

  #put(parent: MsgKey, sender: unknown, msgKey: string, text: string, timestamp: number, read: boolean): void {
    const parentKey = parent.toString();
    const senderJid = createWid(sender)._serialized;
    const senders = this.#byMsg.get(parentKey) ?? new Map<string, SenderEntry>();
    if (text === '') senders.delete(senderJid);
    else
      senders.set(senderJid, {
        msgKey,
        parentMsgKey: parentKey,
        senderUserJid: senderJid,
        reactionText: text,
        timestamp,
        orphan: 0,
        orphanReason: null,
        read,
        ack: null,
      });
    this.#byMsg.set(parentKey, senders);
    this.msgs.get(parentKey)?.set('hasReaction', senders.size > 0);
  }

  /** A message's reactions by emoji, in the order each emoji first came. */
  #groups(parentKey: string): Array<{ id: string; aggregateEmoji: string; hasReactionByMe: boolean; senders: SenderEntry[] }> {
    const me = this.me()?._serialized;
    const groups = new Map<string, SenderEntry[]>();
    for (const entry of [...(this.#byMsg.get(parentKey)?.values() ?? [])].sort((a, b) => a.timestamp - b.timestamp)) {
      groups.set(entry.reactionText, [...(groups.get(entry.reactionText) ?? []), entry]);
    }
    return [...groups].map(([emoji, senders]) => ({
      id: emoji,
      aggregateEmoji: emoji,
      hasReactionByMe: senders.some((s) => s.senderUserJid === me),
      senders,
    }));
  }
}
