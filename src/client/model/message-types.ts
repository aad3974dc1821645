/** The shapes whatsapp-web.js's `Message` members take and give, with its names (the model's classes are elsewhere). */
import type { MessageId } from './message-id';
import type { ProductMetadata } from './product-metadata';
import type { Reaction } from './reaction';
import type { Wid } from './wid';

/** A group invite sent as a message (`Message.inviteV4`, `Client.acceptGroupV4Invite`). */
export interface InviteV4Data {
  inviteCode: string;
  /** Seconds since the epoch. */
  inviteCodeExp: number;
  groupId: string;
  groupName?: string;
  fromId: string;
  toId: string;
}

/** Who got and read a message, and when (`Message.getInfo()`). */
export interface MessageInfo {
  delivery: Array<{ id: Wid; t: number }>;
  deliveryRemaining: number;
  played: Array<{ id: Wid; t: number }>;
  playedRemaining: number;
  read: Array<{ id: Wid; t: number }>;
  readRemaining: number;
}

/** One emoji's reactions on a message (`Message.getReactions()`). */
export interface ReactionList {
  id: string;
  aggregateEmoji: string;
  hasReactionByMe: boolean;
  senders: Reaction[];
}

/** `Message.edit()` options. */
export interface MessageEditOptions {
  linkPreview?: boolean;
  mentions?: string[];
  extra?: Record<string, unknown>;
}

export interface Product {
  id: string;
  price?: string;
  thumbnailUrl: string;
  currency: string;
  name: string;
  quantity: number;
  getData: () => Promise<ProductMetadata>;
}

/** A business order message's content (`Message.getOrder()`). */
export interface Order {
  products: Product[];
  subtotal: string;
  total: string;
  currency: string;
  createdAt: number;
}

/** A payment message's content (`Message.getPayment()`). */
export interface Payment {
  id: object;
  paymentCurrency: string;
  paymentAmount1000: number;
  paymentMessageReceiverJid: object;
  paymentTransactionTimestamp: number;
  paymentStatus: number;
  paymentTxnStatus: number;
  paymentNote: string;
}

/** A group named in a text (`Message.groupMentions`). */
export interface GroupMention {
  groupSubject: string;
  groupJid: string;
}

/** Where a scheduled event takes place (`Message.eventLocation`). */
export interface EventLocation {
  degreesLatitude: number;
  degreesLongitude: number;
  name: string;
}

/** The key of another message (`latestEditMsgKey`, `protocolMessageKey`). */
export type MessageKey = MessageId;
