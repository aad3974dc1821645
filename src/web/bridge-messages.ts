/**
 * The bridge's data: messages, their content and send options, chats, reactions and group notifications as
 * they cross from the page to Node. Types only; bridge.ts re-exports them with the calls that carry them.
 */
import type { PageSenderIds } from './bridge-contacts';
import type { PageMediaFlags, PageMediaOptions } from './bridge-media';
import type { PageInviteV4, PageNotificationIds } from './bridge-groups';
import type { PageBusinessFields } from './bridge-business';
import type { PagePollContent, PagePollFields } from './bridge-polls';

export interface PageMessage extends PageSenderIds, PageMediaFlags, PageBusinessFields, PagePollFields {
  id: string;
  chatId: string;
  from: string;
  to: string;
  /** The sender in a group (`<number>@c.us`). */
  author?: string;
  body: string;
  type: string;
  fromMe: boolean;
  timestamp: number;
  ack: number;
  hasMedia: boolean;
  hasQuotedMsg: boolean;
  isForwarded: boolean;
  mentionedIds: string[];
  links: Array<{ link: string; isSuspicious: boolean }>;
  /** How many times it was forwarded (0 = not forwarded). */
  forwardingScore: number;
  /** Location messages: where. */
  location?: PageLocation;
  /** Contact cards (`vcard`, `multi_vcard`): the vCard texts. */
  vCards: string[];
  /** Private group invites (`groups_v4_invite`): the code, its expiry and the group. */
  inviteV4?: PageInviteV4;
  /** Starred on this account. */
  isStarred: boolean;
  /** Someone reacted to it (as the app said when it was read). */
  hasReaction?: boolean;
  /** A video sent to play as a GIF. */
  isGif?: boolean;
  /** Sent in a chat with disappearing messages (as the app says; absent when it says nothing). */
  isEphemeral?: boolean;
  /** Audio and video: the length in seconds, as the app writes it. */
  duration?: string;
  /** Groups named in the text. */
  groupMentions?: Array<{ groupSubject: string; groupJid: string }>;
  /** Edited: when, and the key of the edit (serialized). */
  latestEditSenderTimestampMs?: number;
  latestEditMsgKey?: string;
  /** A protocol message (a deletion, an edit): the key of the message it acts on (serialized). */
  protocolMessageKey?: string;
}

/** Who got, read and played an own message, and when (seconds). */
export interface PageMessageInfo {
  delivery: Array<{ id: string; t: number }>;
  deliveryRemaining: number;
  read: Array<{ id: string; t: number }>;
  readRemaining: number;
  played: Array<{ id: string; t: number }>;
  playedRemaining: number;
}

/** A location as it crosses the bridge (whatsapp-web.js's `Location` fields). */
export interface PageLocation {
  latitude: number;
  longitude: number;
  name?: string;
  address?: string;
  url?: string;
}

/** A contact card to send: the vCard text and the name shown for it. */
export interface PageVcard {
  vcard: string;
  name: string;
}

/** What a non-media message carries. */
export type PageContent =
  { kind: 'text'; body: string } | { kind: 'location'; location: PageLocation } | { kind: 'vcards'; cards: PageVcard[] } | PagePollContent;

/** A file crossing the bridge: base64 data, as whatsapp-web.js's `MessageMedia` holds it. */
export interface PageMedia {
  mimetype: string;
  data: string;
  filename?: string;
  filesize?: number;
}

export interface PageSendOptions extends PageMediaOptions {
  caption?: string;
  quotedId?: string;
  asDocument?: boolean;
  asVoice?: boolean;
  asSticker?: boolean;
  /** Ids (`<number>@c.us`) the text mentions. */
  mentions?: string[];
  /** Groups the text mentions (`<id>@g.us`), each shown as `subject`. */
  groupMentions?: Array<{ subject: string; id: string }>;
  /** Attach a preview of the first link in a text (whatsapp-web.js's default). */
  linkPreview?: boolean;
  /** Send a text that is a vCard as a contact card (whatsapp-web.js's default). */
  parseVCards?: boolean;
  /** A quoted message the device does not have: send without the quote (whatsapp-web.js's default), or fail. */
  ignoreQuoteErrors?: boolean;
  /** Resolve once the server has the message; otherwise once it is in the chat. */
  waitUntilSent?: boolean;
}

export interface PageChat {
  id: string;
  name: string;
  isGroup: boolean;
  unreadCount: number;
  /** Last activity, seconds since the epoch. */
  timestamp: number;
  archived: boolean;
  pinned: boolean;
  isMuted: boolean;
  muteExpiration: number;
  /** Nothing can be sent in it: for a group, only admins may send (whatsapp-web.js's reading). */
  isReadOnly: boolean;
  /** Locked on the phone (chat lock). */
  isLocked: boolean;
  groupMetadata?: {
    subject: string;
    owner: string;
    desc: string;
    /** Seconds since the epoch. */
    creation: number;
    participants: Array<{ id: string; isAdmin: boolean; isSuperAdmin: boolean; lid?: string; phoneNumber?: string }>;
  };
  lastMessage?: PageMessage;
}

/** A reaction someone sent to a message. */
export interface PageReaction extends PageSenderIds {
  /** The reaction's own key. */
  id: string;
  /** The message reacted to. */
  msgId: string;
  chatId: string;
  senderId: string;
  /** The emoji; empty when the sender took the reaction back. */
  reaction: string;
  /** Seconds since the epoch. */
  timestamp: number;
  read: boolean;
  orphan: number;
  /** Why the app could not place it (its parent message is missing), when it says. */
  orphanReason?: string;
  /** The reaction's own delivery state, when the app keeps one. */
  ack?: number;
}

/** A message's reactions with one emoji, and who sent them (whatsapp-web.js's `ReactionList`). */
export interface PageReactionGroup {
  id: string;
  aggregateEmoji: string;
  hasReactionByMe: boolean;
  senders: PageReaction[];
}

/** A group notification (`gp2`): who did what to whom. */
export interface PageGroupNotification extends PageNotificationIds {
  id: string;
  chatId: string;
  author: string;
  /** The notification's subtype: `add`, `remove`, `leave`, `promote`, `demote`, ... */
  type: string;
  recipientIds: string[];
  timestamp: number;
  body: string;
}
