/**
 * The messages of the simulator's wire protocol (./protocol.ts, the same part): a message as the servers
 * keep and deliver it, with its media, cards, mentions, poll or event, and what a device sends. Types only.
 */

export interface WireMessage {
  /** Message id, unique per account. */
  id: string;
  /** Chat the message belongs to, e.g. `15550001111@c.us`. */
  chatId: string;
  from: string;
  to: string;
  body: string;
  /** Seconds since the epoch. */
  t: number;
  fromMe: boolean;
  /** `chat` for text (absent in records from before types existed). */
  type?: string;
  /** The `id` of the message this one replies to. */
  quotedId?: string;
  /** Delivery state of a sent message, as the sender sees it: 1 server, 2 delivered, 3 read, -1 refused (a group it may not write to). */
  ack?: number;
  /** In groups: who sent it (`<number>@c.us`). */
  author?: string;
  /** Group notifications (`type: 'gp2'`): `add`, `remove`, `leave`, `promote`, `demote`, ... */
  subtype?: string;
  /** Group notifications: whom it is about. */
  recipients?: string[];
  /** Media messages (`image`, `document`, `ptt`, `sticker`, ...): where and how to get the bytes. */
  media?: WireMedia;
  /** Set when the sender edited it. */
  edited?: boolean;
  /** Reactions from this account's devices (emoji; empty = taken back). */
  reaction?: string;
  /** Starred by one of this account's devices. */
  starred?: boolean;
  /** Pinned in its chat by one of this account's devices. */
  pinned?: boolean;
  /** Type-specific fields the app keeps on the model: `lat`, `lng`, `loc`, `clientUrl` (location), ... */
  fields?: Record<string, string | number>;
  /** Ids the text mentions (`<number>@c.us`). */
  mentions?: string[];
  /** Groups the text mentions, each with the subject it shows. */
  groupMentions?: WireGroupMention[];
  /** System notifications (`notification_template`): the ids the template names (a number change: old, new). */
  templateParams?: string[];
  /** How many times it was forwarded; absent or 0 = not forwarded. */
  forwardingScore?: number;
  /** `multi_vcard`: the cards (a single `vcard` carries its card as `body`). */
  vcards?: WireVcard[];
  /** A message from a LID (`from` is `<lid>@lid`): the sender's phone-number id, when the servers reveal it (`sender_pn`). */
  senderPn?: string;
  /** `poll_creation`: the question, its options and the votes. */
  poll?: WirePoll;
  /** `event_creation`: the scheduled event, as last edited, and the answers to it. */
  event?: WireEvent;
  /** `payment`: the money sent, as the app's payment fields hold it. */
  payment?: WirePayment;
  /** `list_response`: the row a contact picked from a list message. */
  listReply?: WireListReply;
}

/** A payment: an amount in thousandths of the currency's unit (`paymentAmount1000`), to `receiver` (`<number>@c.us`). */
export interface WirePayment {
  currency: string;
  amount1000: number;
  receiver: string;
  /** The payment's status (whatsapp-web.js's `Payment.paymentStatus`: 4 complete, ...) and its transaction status. */
  status: number;
  txnStatus: number;
  /** The note sent with it. */
  note?: string;
}

/** A list reply: the row picked (`selectedRowId`), its title and description. */
export interface WireListReply {
  rowId: string;
  title: string;
  description?: string;
}

/** An order a customer or business sent, as the servers keep it for `WAWebBizOrderBridge.queryOrder`. */
export interface WireOrder {
  currency: string;
  /** Seconds since the epoch. */
  createdAt: number;
  products: WireOrderProduct[];
}

/** A product of an order: its price per item in thousandths (`price1000`). */
export interface WireOrderProduct {
  id: string;
  name: string;
  price1000: number;
  quantity: number;
  thumbnailUrl?: string;
}

/** A poll: its options in order (an option's index is its `localId`), how many one may choose (0: any number). */
export interface WirePoll {
  name: string;
  options: string[];
  selectableCount: number;
  /** Each voter's (`<number>@c.us`) current choice, as option indexes (empty: took the vote back). */
  votes?: Record<string, number[]>;
}

/** A scheduled event. Times in seconds since the epoch. */
export interface WireEvent {
  name: string;
  description?: string;
  startTime: number;
  endTime?: number;
  location?: string;
  /** A WhatsApp call link (`https://call.whatsapp.com/voice/…` or `/video/…`) for the event. */
  joinLink?: string;
  canceled: boolean;
  /** Each responder's (`<number>@c.us`) answer: 1 going, 2 not going, 3 maybe (0 took it back: absent). */
  responses?: Record<string, number>;
}

export interface WireGroupMention {
  /** `<id>@g.us`. */
  groupJid: string;
  groupSubject: string;
}

export interface WireVcard {
  displayName: string;
  vcard: string;
}

/** A media attachment: encrypted on the media servers under `directPath` with `mediaKey`. */
export interface WireMedia {
  directPath: string;
  /** base64; empty for media posted to a channel (uploaded unencrypted). */
  mediaKey: string;
  mediaKeyTimestamp: number;
  mimetype: string;
  filename?: string;
  size: number;
  /** base64 sha256 of the plain bytes */
  filehash: string;
  /** base64 sha256 of the encrypted bytes */
  encFilehash: string;
  caption?: string;
  /** A view-once photo or video: its file can be downloaded once. */
  viewOnce?: boolean;
  /** A video that plays as a GIF (`isGif` on the app's message). */
  gifPlayback?: boolean;
  /** An image sent in HD (prepared with whatsapp-web.js's `maxDimension: 2560`). */
  hd?: boolean;
}

/** What a device sends: the web app picks the id (`3EB0…`). */
export interface OutgoingMessage {
  id: string;
  to: string;
  body: string;
  type: string;
  quotedId?: string;
  media?: WireMedia;
  fields?: Record<string, string | number>;
  mentions?: string[];
  groupMentions?: WireGroupMention[];
  forwardingScore?: number;
  vcards?: WireVcard[];
  poll?: WirePoll;
  event?: WireEvent;
}
