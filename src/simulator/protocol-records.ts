/**
 * The records the simulated servers' frames carry (./protocol.ts): ids, groups and their requests, calls,
 * channels, contacts, chat settings and business data. Types only, for the page bundle and the Node server.
 */
import type { WireMedia, WirePoll } from './protocol-messages';

export interface WireWid {
  server: string;
  user: string;
  _serialized: string;
}

/** A group as devices learn it. */
export interface WireGroup {
  /** `<id>@g.us` */
  id: string;
  subject: string;
  owner: string;
  desc: string;
  participants: Array<{ id: string; isAdmin: boolean; isSuperAdmin: boolean }>;
  /** Seconds since the epoch. */
  creation: number;
  /** Only admins send messages. */
  announce?: boolean;
  /** Only admins edit the subject, description and picture. */
  restrict?: boolean;
  /** Who adds members: admins only, or every member. */
  memberAddMode?: 'admin_add' | 'all_member_add';
  /** The id of the current description (the app passes it back when it changes it). */
  descId?: string;
  /** Admins approve who joins through an invite link. */
  membershipApproval?: boolean;
  /** Who asked to join and waits for an admin (with `membershipApproval` on). */
  requests?: WireJoinRequest[];
}

/** A pending request to join a group: who, who made it (the same user, through a link), when. */
export interface WireJoinRequest {
  /** `<number>@c.us` */
  id: string;
  addedBy: string;
  method: 'InviteLink' | 'NonAdminAdd';
  /** Seconds since the epoch. */
  t: number;
}

/** A call offered to the callee's devices (WAWebCallCollection's models are made from it). */
export interface WireCall {
  /** 32 hex digits. */
  id: string;
  /** The caller, `<number>@c.us`. */
  peerJid: string;
  isVideo: boolean;
  isGroup: boolean;
  /** Group calls: who was invited, `<number>@c.us`, the caller first; empty for a private call. */
  participants: string[];
  /** Seconds since the epoch. */
  offerTime: number;
}

/** What every view of a channel (newsletter) shows: its id, name, description, invite code and times. */
export interface NewsletterBasics {
  /** `<digits>@newsletter` */
  id: string;
  name: string;
  description: string;
  /** The code after `https://whatsapp.com/channel/`. */
  inviteCode: string;
  /** Seconds since the epoch: created, name and description last changed. */
  creation: number;
  nameUpdateTime: number;
  descriptionUpdateTime: number;
  /** The app's reaction setting code (0 all, 1 basic, 3 none). */
  reactionCodesSetting: number;
}

/** A channel as one account's devices learn it: its metadata and this account's place in it. */
export interface WireNewsletter extends NewsletterBasics {
  /** This account's role: `owner`, `admin`, `subscriber`, or `guest` (not a member). */
  role: 'owner' | 'admin' | 'subscriber' | 'guest';
  subscribersCount: number;
  /** The account muted it (only subscribers' and admins' setting). */
  muted: boolean;
  /** `ACTIVE`, or `DELETED` once its owner deleted it. */
  state: 'ACTIVE' | 'DELETED';
  /** A picture was set (the app asks for it as for any chat's). */
  hasPicture: boolean;
}

/** A channel request from a device; the server answers `newsletter-result`. */
export type NewsletterRequest =
  | { op: 'create'; name: string; description: string | null; picture: string | null }
  /** What a channel is, by id or by invite code (a preview: the account need not be a member). */
  | { op: 'metadata'; id?: string; code?: string }
  | { op: 'subscribe' | 'unsubscribe' | 'delete' | 'subscribers'; id: string }
  | { op: 'edit'; id: string; name?: string; description?: string; picture?: string | null; reactionCodesSetting?: number }
  | { op: 'mute'; id: string; muted: boolean }
  /** The channel directory: channels whose name holds `text` (any case), at most `limit`; without the account's own ones if asked. */
  | { op: 'search'; text: string; limit: number; skipSubscribed: boolean }
  /** The account posts to a channel it owns or administers (text, or a poll's question); media by its upload, a poll with its options. */
  | { op: 'post'; id: string; msgId: string; type: string; body: string; media?: WireMedia; poll?: WirePoll }
  /** Admin invites: sent by an owner to a user; accepted, revoked, an admin demoted; ownership handed over. */
  | { op: 'admin-invite'; id: string; user: string }
  | { op: 'accept-admin'; id: string }
  | { op: 'revoke-admin-invite' | 'demote' | 'change-owner'; id: string; user: string };

/** A stanza a page casts to the servers (`WAWap.wap(tag, attrs, content)`, sent with `WADeprecatedSendIq`). */
export interface WireStanza {
  tag: string;
  attrs: Record<string, string>;
  content?: WireStanza[];
}

/** A change a device asks of a group; the server answers `group-result`. */
export type GroupRequest =
  | {
      op: 'create';
      subject: string;
      participants: string[];
      announce: boolean;
      restrict: boolean;
      adminAdd: boolean;
      membershipApproval?: boolean;
    }
  | { op: 'participants'; groupId: string; action: 'add' | 'remove' | 'promote' | 'demote'; participants: string[] }
  | { op: 'subject' | 'description'; groupId: string; value: string }
  | { op: 'property'; groupId: string; property: 'announce' | 'restrict' | 'member_add_mode'; value: boolean }
  | { op: 'leave'; groupId: string }
  | { op: 'query'; groupId: string }
  /** Invites: the group's link code (admins), a new one, what a code leads to, joining by it. */
  | { op: 'invite-code' | 'revoke-invite'; groupId: string }
  | { op: 'invite-info' | 'join'; code: string }
  /** Joining by the private (V4) invite an admin sent this account. */
  | { op: 'join-v4'; groupId: string; code: string; expiration: number; admin: string }
  /** An admin approves or rejects one pending request to join. */
  | { op: 'request-action'; groupId: string; requester: string; approve: boolean };

/** A contact as the page learns it: from the address book (`name`) or from a message. */
/** What a device changed in a chat's settings (each field only when it changed). */
export interface ChatSettings {
  archived?: boolean;
  pinned?: boolean;
  /** 0 = not muted, -1 = always, else seconds since the epoch. */
  muteExpiration?: number;
  markedUnread?: boolean;
  /** Its messages were cleared on the device. */
  cleared?: boolean;
  /** The chat was deleted on the device. */
  deleted?: boolean;
  /** Locked on the phone (chat lock): only the phone changes it; its devices show it. */
  locked?: boolean;
}

export interface WireContact {
  wid: WireWid;
  lid: WireWid;
  /** The name in the phone's address book (null: taken out of it; absent: unchanged). */
  name?: string | null;
  /** Whether the account has blocked this contact (absent: unchanged). */
  blocked?: boolean;
  /** A business account: its profile (absent: a personal account, or unchanged). */
  business?: WireBusinessProfile;
}

/** A business account's label (WhatsApp Business): its id, name and colour. */
export interface WireLabel {
  id: string;
  name: string;
  /** The app's colour index, and the colour it stands for (`#ff9485`). */
  colorIndex: number;
  hexColor: string;
}

/** A business account's note on a customer (one per chat). */
export interface WireNote {
  id: string;
  /** The customer, `<digits>@s.whatsapp.net`. */
  chatJid: string;
  content: string;
  type: 'unstructured';
  /** Seconds since the epoch. */
  createdAt: number;
  modifiedAt: number;
}

/** What a business account shows other accounts about itself. */
export interface WireBusinessProfile {
  /** The business's name (its display name), as the app shows it verified. */
  name: string;
  description: string;
  category: string;
  email?: string;
  website?: string[];
  address?: string;
}

/** A business account's labels, which chats carry which, and its customer notes: all of it, after every change. */
export interface WireBusinessData {
  labels: WireLabel[];
  /** Chat id → the ids of its labels. */
  chatLabels: Record<string, string[]>;
  notes: WireNote[];
  /** The products of its catalog (`WAWebBizProductCatalogBridge.queryProduct`). */
  catalog?: WireCatalogProduct[];
}

/** A product of a business's catalog: what `Product.getData()` gives (`retailer_id` is `retailerId`). */
export interface WireCatalogProduct {
  id: string;
  name: string;
  description: string;
  retailerId?: string;
}
